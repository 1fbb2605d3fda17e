import AblationAnalysis
import AblationJSON
import AblationKernels
import AblationPreset
import AblationSimulation
import Foundation

/// The surrogate's second fidelity: a candidate simulated by ablsim's own solver on a coarser grid
/// (all its needles switched on as planned, vessels with their flow, tumour tissue), its damage
/// field interpolated onto the preset's grid and analysed there exactly as the verifying run is.
///
/// The zone library (first fidelity) scores thousands of placements in seconds but unites
/// single-needle zones in homogeneous liver: it cannot see a vessel's heat sink nor needles
/// heating each other's zones. The coarse run sees both at a small fraction of a full run's cost
/// (2 mm voxels: 8x fewer voxels and a 4x longer stable time step than 1 mm). Interpolating
/// ln(Omega/threshold), which varies smoothly, and thresholding it on the fine grid gives the
/// margin on the same voxels and with the same estimator as the verified one, so prediction and
/// verification differ by the physics the coarse grid resolves less well, not by voxel rounding.
struct CoarseModel {
    struct Score {
        /// Coverage and margins on the preset's grid (the fine scene).
        var analysis: ZoneAnalysis
        var seconds: Double
        /// The predicted zone reaches a face of the preset's grid.
        var touchesBoundary: Bool { analysis.boundary.touchesBoundary }
        var worstMarginMM: Double { analysis.targets.map(\.minMarginMM).min() ?? -.infinity }
        var healthyML: Double { analysis.healthyAblatedML }
    }

    /// The planning preset (its grid is the verification grid).
    let preset: Preset
    let spec: PlanningSpec
    let fineScene: Scene
    /// Never finer than the preset's own spacing: a coarse model as fine as the verification
    /// would just be the verification.
    let spacingMM: Double
    var threads: Int

    /// The candidate's plan preset on the coarse grid (same centre and extent).
    func coarsePreset(_ c: Candidate) throws(PresetError) -> Preset {
        try coarsePreset(plan: Planner.planPreset(preset, c, spec))
    }

    /// `plan` (the candidate's preset on the fine grid) moved to the coarse grid.
    private func coarsePreset(plan: Preset) throws(PresetError) -> Preset {
        let document = plan.resolvedJSON()
            .setting("grid", ["center_mm": vectorJSON(preset.grid.centerMM), "size_mm": vectorJSON(preset.grid.sizeMM),
                              "spacing_mm": .number(spacingMM)])
            .setting("output", ["formats": .array([])])
            // An explicit time step chosen for the fine grid is stable on the coarse one but wastes
            // its advantage; the coarse run takes its own stability bound.
            .setting("time", plan.resolvedJSON()["time"]?.setting("dt_s", nil))
        return try Preset.decode(document)
    }

    func score(_ c: Candidate, observer: ((Simulation.Progress) -> Bool)?) throws -> Score {
        let clock = ContinuousClock()
        let started = clock.now
        let plan = try Planner.planPreset(preset, c, spec)
        let coarse = try coarsePreset(plan: plan)
        let scene = try Scene(preset: coarse)
        let simulation = Simulation(preset: coarse, scene: scene, threads: threads)
        simulation.observer = observer
        let result = try simulation.run()
        let zone = result.zoneField()
        let tissueField = ElectrodeFill.fill(zone, grid: scene.grid, metal: scene.electrodeVoxels)
        var field = scene.grid.resample(tissueField, onto: fineScene.grid)
        if !scene.vesselVoxels.isEmpty && scene.grid != fineScene.grid {
            // Blood is no more tissue than metal: a coarse blood voxel, at ln(Omega) near its floor,
            // would spread its cold over a whole coarse voxel of tissue beside the vessel, and the
            // coarse wall lies up to a coarse voxel from the fine one. So tissue voxels of the fine
            // grid read a field whose blood voxels took their tissue neighbours' values, and the
            // fine grid's own vessel voxels read the blood's (ablsim plan --coarse-spacing at the
            // preset's spacing is unchanged: there both fields agree on every voxel).
            let beside = scene.grid.resample(ElectrodeFill.fill(tissueField, grid: scene.grid, metal: scene.vesselVoxels),
                                             onto: fineScene.grid)
            var isVessel = [Bool](repeating: false, count: field.count)
            for v in fineScene.vesselVoxels { isVessel[v] = true }
            for i in field.indices where !isVessel[i] { field[i] = beside[i] }
        }
        // Analysed as the verifying run will be: with the candidate's own electrodes on the fine
        // grid (metal, neither target nor living tissue), not the preset's first guess.
        let fine = scene.electrodeVoxels.isEmpty ? fineScene : try Scene(preset: plan)
        for v in fine.electrodeVoxels { field[v] = min(field[v], -1e-3) }
        let necrosis = field.map { $0 >= 0 ? UInt8(1) : 0 }
        let first = c.needles[0]
        let analysis = ZoneAnalysis(necrosis: necrosis, scene: fine, axis: first.tipMM - first.entryMM,
                                    marginMM: preset.marginMM, zoneField: field)
        let d = clock.now - started
        return Score(analysis: analysis, seconds: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
}
