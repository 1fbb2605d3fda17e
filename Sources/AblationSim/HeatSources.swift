/// `heat_source` applicators: each spreads its power over its footprint (Scene.sourceFootprints),
/// W/m³ = P * fraction / (sum of fractions * voxel volume), so the deposited total equals P
/// exactly however the surface cuts the voxels.
final class HeatSources: ApplicatorKind {
    let applicatorIndices: [Int]

    /// Nil when the preset has no heat source.
    init?(scene: Scene) {
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

    func reports(state: SimulationState) -> [(index: Int, report: ApplicatorReport)] {
        applicatorIndices.map { ($0, ApplicatorReport()) }
    }
}
