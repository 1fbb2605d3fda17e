import Foundation

/// A zone's long axis (its extent along a given axis) and short axis (its widest extent over 72
/// directions across that axis), each between the outermost voxel centres plus one voxel. Fed one
/// voxel centre at a time.
struct ZoneExtents {
    static let directions = 72
    let axis: SIMD3<Double>
    private let across: [SIMD3<Double>]
    private var lo = [Double](repeating: .infinity, count: directions + 1)
    private var hi = [Double](repeating: -.infinity, count: directions + 1)
    private(set) var count = 0

    /// `axis` need not be a unit vector.
    init(axis: SIMD3<Double>) {
        let u = axis / ((axis * axis).sum()).squareRoot()
        // Two unit vectors perpendicular to the axis.
        let helper: SIMD3<Double> = abs(u.x) < 0.9 ? [1, 0, 0] : [0, 1, 0]
        var e1 = helper - (helper * u).sum() * u
        e1 /= ((e1 * e1).sum()).squareRoot()
        let e2 = SIMD3<Double>(u.y * e1.z - u.z * e1.y, u.z * e1.x - u.x * e1.z, u.x * e1.y - u.y * e1.x)
        self.axis = u
        across = (0..<Self.directions).map { d in
            let angle = Double.pi * Double(d) / Double(Self.directions)
            return cos(angle) * e1 + sin(angle) * e2
        }
    }

    mutating func include(_ p: SIMD3<Double>) {
        count += 1
        let along = (p * axis).sum()
        lo[Self.directions] = min(lo[Self.directions], along)
        hi[Self.directions] = max(hi[Self.directions], along)
        for d in 0..<Self.directions {
            let x = (p * across[d]).sum()
            lo[d] = min(lo[d], x)
            hi[d] = max(hi[d], x)
        }
    }

    /// (long, short) in mm for voxels of `spacingMM`; zero for an empty zone.
    func axesMM(spacingMM h: Double) -> (long: Double, short: Double) {
        guard count > 0 else { return (0, 0) }
        var short = 0.0
        for d in 0..<Self.directions { short = max(short, hi[d] - lo[d] + h) }
        return (hi[Self.directions] - lo[Self.directions] + h, short)
    }
}
