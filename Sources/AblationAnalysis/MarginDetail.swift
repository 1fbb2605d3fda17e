import AblationGrid
import AblationKernels

/// Where and how thick the ablative margin is around one target, beyond its minimum.
///
/// Local margin of a target surface voxel (a target voxel with a face-neighbour outside the
/// target): for a necrotic voxel, the distance to the nearest living voxel centre less one spacing
/// (as `min_margin_mm`); for an untreated one, minus its depth below the zone's surface.
public struct MarginDetail: Sendable {
    /// Upper bin edges of `surfaceShares` in mm: < 0, 0-5, 5-10, > 10.
    public static let binEdgesMM: [Double] = [0, 5, 10]

    /// World position of the target voxel where the margin is weakest (the deepest untreated voxel
    /// when the target is not fully covered).
    public var weakestPointMM: SIMD3<Double>
    /// Unit vector from the target's centroid toward `weakestPointMM`: the side to push the zone
    /// toward (zero when the weak point is the centroid itself).
    public var weakestDirection: SIMD3<Double>
    /// Share of the target's surface voxels whose local margin falls in each bin (sums to 1).
    public var surfaceShares: [Double]

    /// `toLive` / `toDead`: distance transforms to the nearest living / necrotic voxel centre.
    init?(voxels: [Int], necrosis: [UInt8], grid g: Grid3D, toLive: [Double], toDead: [Double], complete: Bool) {
        guard !voxels.isEmpty else { return nil }
        let h = g.spacingMM
        var inTarget = Set<Int>(minimumCapacity: voxels.count)
        inTarget.formUnion(voxels)
        func position(_ idx: Int) -> SIMD3<Double> {
            let i = idx % g.nx, j = (idx / g.nx) % g.ny, k = idx / (g.nx * g.ny)
            return g.worldPosition(i, j, k)
        }
        func localMargin(_ idx: Int) -> Double {
            necrosis[idx] != 0 ? min(toLive[idx], 1e9) - h : -min(toDead[idx], 1e9)
        }
        var centroid = SIMD3<Double>()
        for v in voxels { centroid += position(v) }
        centroid /= Double(voxels.count)

        var counts = [Int](repeating: 0, count: MarginDetail.binEdgesMM.count + 1)
        var surfaceCount = 0
        for v in voxels {
            let i = v % g.nx, j = (v / g.nx) % g.ny, k = v / (g.nx * g.ny)
            let neighbours = [(i - 1, j, k), (i + 1, j, k), (i, j - 1, k), (i, j + 1, k), (i, j, k - 1), (i, j, k + 1)]
            // A target touching the grid's edge has its surface there too.
            let onSurface = neighbours.contains { n in
                n.0 < 0 || n.1 < 0 || n.2 < 0 || n.0 >= g.nx || n.1 >= g.ny || n.2 >= g.nz
                    || !inTarget.contains(g.linearIndex(n.0, n.1, n.2))
            }
            guard onSurface else { continue }
            surfaceCount += 1
            let m = localMargin(v)
            counts[MarginDetail.binEdgesMM.firstIndex { m < $0 } ?? MarginDetail.binEdgesMM.count] += 1
        }
        surfaceShares = counts.map { surfaceCount > 0 ? Double($0) / Double(surfaceCount) : 0 }

        // The same voxel min_margin_mm is measured at; ties go to the lowest index (deterministic).
        let weakest: Int
        if complete {
            weakest = voxels.min { (toLive[$0], $0) < (toLive[$1], $1) }!
        } else {
            weakest = voxels.filter { necrosis[$0] == 0 }.max { (toDead[$0], -$0) < (toDead[$1], -$1) }!
        }
        weakestPointMM = position(weakest)
        let d = weakestPointMM - centroid
        let length = (d * d).sum().squareRoot()
        weakestDirection = length > 1e-9 ? d / length : .zero
    }
}
