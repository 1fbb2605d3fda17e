import AblationIO

extension NIfTIVolume {
    /// World box (mm) of the whole cubes of the voxels whose value `selects` accepts, through the
    /// affine (every corner, so rotated images are enclosed), and how many there are; nil when none.
    func voxelBox(selects: (Float) -> Bool) -> (lo: SIMD3<Double>, hi: SIMD3<Double>, count: Int)? {
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        var count = 0
        for k in 0..<nz {
            for j in 0..<ny {
                for i in 0..<nx where selects(values[i + nx * (j + ny * k)]) {
                    count += 1
                    for c in 0..<8 {
                        let p = worldPosition(i: Double(i) + (c & 1 == 0 ? -0.5 : 0.5),
                                              j: Double(j) + (c & 2 == 0 ? -0.5 : 0.5),
                                              k: Double(k) + (c & 4 == 0 ? -0.5 : 0.5))
                        lo = pointwiseMin(lo, p)
                        hi = pointwiseMax(hi, p)
                    }
                }
            }
        }
        return count > 0 ? (lo, hi, count) : nil
    }

    /// The label values the volume holds (the first 20), for messages about a label that is not there.
    var labelsPresent: String {
        Set(values.prefix(50_000_000).map { Int($0) }).sorted().prefix(20).map(String.init).joined(separator: ", ")
    }
}
