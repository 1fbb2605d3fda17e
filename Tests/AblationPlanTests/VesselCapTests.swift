import AblationAnalysis
import AblationGrid
@testable import AblationPlan
import AblationPreset
import AblationSimulation
import Testing

/// planPreset's 2 mm grid (voxel centres on even millimetres) with the vein moved to x = 15.5:
/// its voxels nearest the tumour have centres at x = 14, the tumour's farthest along x at x = 4,
/// so a living vein limits the margin estimator (nearest living centre less one spacing) to
/// 14 - 4 - 2 = 8 mm.
private func veinProblem() throws -> (PlanningProblem, Scene) {
    let text = planPreset.replacingOccurrences(of: "\"start_mm\": [15, -25, 0], \"end_mm\": [15, 25, 0]",
                                               with: "\"start_mm\": [15.5, -25, 0], \"end_mm\": [15.5, 25, 0]")
    #expect(text != planPreset)
    var p = try Preset.parse(bytes: Array(text.utf8), source: "t.json").0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    p.applicators = []
    let scene = try Scene(preset: p)
    return (PlanningProblem(scene: scene, preset: p, spec: spec), scene)
}

@Test func vesselCapIsTheNearestVesselVoxelLessOneSpacing() throws {
    let (problem, scene) = try veinProblem()
    #expect(problem.vesselCaps[0] == [.init(vessel: "vein", capMM: 8)])
    #expect(problem.marginCapMM(0) == 8)

    // Everything necrotic but the vein: the margin is the cap, and the vein sets it.
    var necrosis = [UInt8](repeating: 1, count: scene.grid.voxelCount)
    for v in scene.vesselVoxels { necrosis[v] = 0 }
    let analysis = ZoneAnalysis(necrosis: necrosis, scene: scene, axis: [0, 0, 1], marginMM: 3)
    #expect(analysis.targets[0].minMarginMM == 8)
    #expect(problem.cappingVessels(0, necrosis: necrosis) == ["vein"])

    // A living tissue voxel 6 mm from the tumour (centre x = 10): tissue, not the vein, limits it.
    var spared = necrosis
    spared[scene.grid.voxel(containing: [10, 0, 0]).map { scene.grid.linearIndex($0.0, $0.1, $0.2) }!] = 0
    #expect(ZoneAnalysis(necrosis: spared, scene: scene, axis: [0, 0, 1], marginMM: 3).targets[0].minMarginMM == 4)
    #expect(problem.cappingVessels(0, necrosis: spared) == [])

    // An incomplete target has no margin to cap.
    var incomplete = necrosis
    incomplete[scene.targets[0].voxels[0]] = 0
    #expect(problem.cappingVessels(0, necrosis: incomplete) == [])
}

/// Any necrotic voxel on one of the six faces touches the boundary; the interior does not.
@Test func boundaryContactOnEachFace() {
    let grid = Grid3D(nx: 5, ny: 6, nz: 7, spacingMM: 1, originMM: .zero)
    var mask = [UInt8](repeating: 0, count: grid.voxelCount)
    #expect(!touchesBoundary(necrosis: mask, grid: grid))
    // The whole interior necrotic: still inside.
    for k in 1..<6 { for j in 1..<5 { for i in 1..<4 { mask[grid.linearIndex(i, j, k)] = 1 } } }
    #expect(!touchesBoundary(necrosis: mask, grid: grid))
    for (i, j, k) in [(0, 3, 3), (4, 3, 3), (2, 0, 3), (2, 5, 3), (2, 3, 0), (2, 3, 6), (4, 5, 6), (0, 0, 0)] {
        var touching = mask
        touching[grid.linearIndex(i, j, k)] = 1
        #expect(touchesBoundary(necrosis: touching, grid: grid), "(\(i), \(j), \(k))")
    }
}
