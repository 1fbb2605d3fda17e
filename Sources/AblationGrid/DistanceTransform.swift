/// Exact Euclidean distance transform (Felzenszwalb & Huttenlocher's separable lower-envelope
/// algorithm): for every voxel, the distance in mm to the nearest voxel where `isFeature` is true.
/// Runs in time linear in the voxel count.
public enum DistanceTransform {
    public static func distances(nx: Int, ny: Int, nz: Int, spacingMM: Double, isFeature: (Int) -> Bool) -> [Double] {
        let inf = Double.greatestFiniteMagnitude
        var f = [Double](repeating: 0, count: nx * ny * nz)
        for i in 0..<f.count { f[i] = isFeature(i) ? 0 : inf }
        var line = [Double](), out = [Double]()
        func pass(count n: Int, stride: Int, starts: [Int]) {
            line = [Double](repeating: 0, count: n)
            out = [Double](repeating: 0, count: n)
            var v = [Int](repeating: 0, count: n)
            var z = [Double](repeating: 0, count: n + 1)
            for s in starts {
                for q in 0..<n { line[q] = f[s + q * stride] }
                lowerEnvelope(line, &out, n: n, v: &v, z: &z)
                for q in 0..<n { f[s + q * stride] = out[q] }
            }
        }
        var starts: [Int] = []
        for k in 0..<nz { for j in 0..<ny { starts.append(nx * (j + ny * k)) } }
        pass(count: nx, stride: 1, starts: starts)
        starts = []
        for k in 0..<nz { for i in 0..<nx { starts.append(i + nx * ny * k) } }
        pass(count: ny, stride: nx, starts: starts)
        starts = []
        for j in 0..<ny { for i in 0..<nx { starts.append(i + nx * j) } }
        pass(count: nz, stride: nx * ny, starts: starts)
        return f.map { $0 >= inf / 2 ? .infinity : $0.squareRoot() * spacingMM }
    }

    /// 1-D squared distance transform of sampled function f (in voxel units squared).
    static func lowerEnvelope(_ f: [Double], _ d: inout [Double], n: Int, v: inout [Int], z: inout [Double]) {
        let inf = Double.greatestFiniteMagnitude
        var k = -1
        for q in 0..<n where f[q] < inf {
            if k < 0 { k = 0; v[0] = q; z[0] = -.infinity; z[1] = .infinity; continue }
            var s: Double
            repeat {
                let p = v[k]
                s = ((f[q] + Double(q * q)) - (f[p] + Double(p * p))) / Double(2 * q - 2 * p)
                if s <= z[k] { k -= 1 } else { break }
            } while k >= 0
            k += 1
            v[k] = q
            z[k] = k == 0 ? -.infinity : s
            z[k + 1] = .infinity
        }
        if k < 0 { for q in 0..<n { d[q] = inf }; return }
        var j = 0
        for q in 0..<n {
            while z[j + 1] < Double(q) { j += 1 }
            let p = v[j]
            d[q] = Double((q - p) * (q - p)) + f[p]
        }
    }
}
