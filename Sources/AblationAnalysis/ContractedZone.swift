import AblationGrid
import AblationPreset
import Foundation

/// Estimated size of the necrosis zone after the ablated tissue has shrunk, the size a published
/// measurement (gross pathology, post-ablation imaging) sees. The simulation's grid does not deform,
/// so its zone is the tissue killed in the pre-ablation frame; this maps it to the measured one.
///
/// Free shrinkage toward the zone's centroid: a necrotic voxel at distance r from the centroid moves
/// to the distance integral_0^r (1 - s(T_peak)) along the ray between them, where s is the linear
/// shrinkage of the tissue the ray crosses (`TissueShrinkage`); each voxel's volume shrinks by
/// (1 - s)^3. The axes are then measured on the moved voxel centres as `ZoneAnalysis` measures
/// them (72 directions across the axis, one along it, plus one voxel). An estimate: the tissue
/// around the zone, which holds it back in an organ, is ignored, and so is how long each voxel was hot.
public struct ContractedZone: Sendable, Equatable {
    public var volumeML: Double
    public var longAxisMM: Double
    public var shortAxisMM: Double

    /// The estimate for a run whose zone is the physics' own, so that its shrinkage is still to come;
    /// nil with a microwave antenna, whose calibrated profile already gives the measured, shrunk zone
    /// (`peakTemperature` is then not evaluated).
    public static func estimate(applicators: [Preset.Applicator], necrosis: [UInt8], peakTemperature: @autoclosure () -> [Float],
                                grid: Grid3D, axis: SIMD3<Double>) -> ContractedZone? {
        let hasAntenna = applicators.contains { if case .microwave = $0 { return true } else { return false } }
        return hasAntenna ? nil : ContractedZone(necrosis: necrosis, peakTemperature: peakTemperature(), grid: grid, axis: axis)
    }

    /// `necrosis` and `peakTemperature` on `grid`'s voxels; `axis` as given to `ZoneAnalysis`.
    public init(necrosis: [UInt8], peakTemperature: [Float], grid g: Grid3D, axis: SIMD3<Double>,
                law: TissueShrinkage = .rossmannPorcineLiver) {
        let h = g.spacingMM
        var centroid = SIMD3<Double>(repeating: 0)
        var count = 0
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx where necrosis[g.linearIndex(i, j, k)] != 0 {
            centroid += g.worldPosition(i, j, k)
            count += 1
        } } }
        guard count > 0 else {
            volumeML = 0; longAxisMM = 0; shortAxisMM = 0
            return
        }
        centroid /= Double(count)
        var extents = ZoneExtents(axis: axis)
        var volumeMM3 = 0.0
        // Each voxel's shrinkage once: a ray samples every voxel it crosses several times.
        let shrinkage = peakTemperature.map { Double(law.shrinkage(atPeak: $0)) }
        // The voxel whose centre is nearest to a world point (clamped: the ray stays in the grid's box,
        // up to rounding at its faces).
        func voxel(_ p: SIMD3<Double>) -> Int {
            let q = g.voxelCoordinates(of: p).rounded(.toNearestOrAwayFromZero)
            return g.linearIndex(min(max(Int(q.x), 0), g.nx - 1), min(max(Int(q.y), 0), g.ny - 1),
                                 min(max(Int(q.z), 0), g.nz - 1))
        }
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let idx = g.linearIndex(i, j, k)
            guard necrosis[idx] != 0 else { continue }
            volumeMM3 += pow(1 - shrinkage[idx], 3) * g.voxelVolumeMM3
            let p = g.worldPosition(i, j, k)
            let d = p - centroid
            let r = ((d * d).sum()).squareRoot()
            var moved = centroid
            if r > 0 {
                // Midpoint rule in steps of at most a quarter voxel.
                let steps = max(1, Int((4 * r / h).rounded(.up)))
                let dr = r / Double(steps)
                var contracted = 0.0
                for n in 0..<steps {
                    let q = centroid + d * ((Double(n) + 0.5) * dr / r)
                    contracted += (1 - shrinkage[voxel(q)]) * dr
                }
                moved = centroid + d * (contracted / r)
            }
            extents.include(moved)
        } } }
        (longAxisMM, shortAxisMM) = extents.axesMM(spacingMM: h)
        volumeML = volumeMM3 / 1000
    }
}
