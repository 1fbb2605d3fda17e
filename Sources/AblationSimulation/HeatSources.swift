import AblationGrid
import AblationKernels
import AblationPreset
import Foundation

/// `heat_source` applicators: each spreads its power over its footprint (Scene.sourceFootprints),
/// W/m³ = P * fraction / (sum of fractions * voxel volume), so the deposited total equals P
/// exactly however the surface cuts the voxels.
final class HeatSources: ApplicatorKind {
    /// Preset indices of the heat sources.
    private let applicatorIndices: [Int]

    init?(preset: Preset, scene: Scene, model: ThermalModel, threads: Int) {
        applicatorIndices = scene.sourceFootprints.indices.filter { scene.sourceFootprints[$0] != nil }
        if applicatorIndices.isEmpty { return nil }
    }

    func deposit(powers: [Double], state: SimulationState) {
        let L = state.layout, g = state.grid, q = state.source
        let voxelM3 = g.voxelVolumeMM3 * 1e-9
        for a in applicatorIndices {
            guard let footprint = state.scene.sourceFootprints[a], powers[a] > 0 else { continue }
            let density = powers[a] / (footprint.voxelVolume * voxelM3)
            for (idx, f) in zip(footprint.indices, footprint.fractions) {
                let i = idx % g.nx, j = (idx / g.nx) % g.ny, k = idx / (g.nx * g.ny)
                q[L.index(i, j, k)] += Float(density * f)
            }
        }
    }

    /// Each applicator's footprint: a heat source's partial-volume voxels, nil for other applicators.
    static func footprints(preset: Preset, grid g: Grid3D) -> [VoxelizedShape?] {
        preset.applicators.map { a in a.heatSourceShape.map { VoxelizedShape(shape: $0.makeShape(), grid: g) } }
    }

    /// A source that covers few voxels is not resolved by the grid.
    static func warnings(preset: Preset, scene: Scene, result: SimulationResult) -> [String] {
        scene.sourceFootprints.enumerated().compactMap { n, footprint in
            guard let f = footprint, f.voxelVolume < 8 else { return nil }
            return String(format: "applicators.%d: the heat source covers only %.1f voxels; refine grid.spacing_mm to resolve it", n, f.voxelVolume)
        }
    }

    func reports(state: SimulationState) -> [(index: Int, report: ApplicatorReport)] {
        applicatorIndices.map { ($0, ApplicatorReport()) }
    }
}
