import AblationAnalysis
import AblationGrid
import AblationJSON
@testable import AblationPlan
import AblationPreset
import AblationRun
import AblationSimulation
import Foundation
import Testing

/// Trilinear resampling reproduces a linear field exactly between the coarse voxel centres, so a
/// smooth ln(Omega/threshold) keeps its surface between fine voxels (no half-voxel shift).
@Test func resamplingIsExactForALinearField() {
    let coarse = Grid3D(centerMM: [1, -2, 0.5], sizeMM: [20, 22, 18], spacingMM: 2)
    let fine = Grid3D(centerMM: [1, -2, 0.5], sizeMM: [15, 17, 13], spacingMM: 1)
    func f(_ p: SIMD3<Double>) -> Double { 0.5 * p.x - 0.25 * p.y + p.z + 3 }
    let field = (0..<coarse.voxelCount).map { Float(f(coarse.position(ofLinear: $0))) }
    let resampled = coarse.resample(field, onto: fine)
    var worst = 0.0
    for i in 0..<fine.voxelCount { worst = max(worst, abs(Double(resampled[i]) - f(fine.position(ofLinear: i)))) }
    #expect(worst < 1e-4, "\(worst)")
}

/// At the preset's own spacing the coarse stage is the verifying simulation itself: same margins,
/// coverage and healthy volume to the last bit. This fails if the coarse preset loses anything the
/// plan has (the vein, the tumour's tissue, a schedule) or if resampling shifts the field.
@Test func coarseModelAtThePresetSpacingReproducesTheFullRun() throws {
    let p = try Preset.parse(bytes: Array(planPreset.utf8), source: "t.json").0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    let deep = Candidate.Needle(tipMM: [0, 0, -6], entryMM: [0, 0, 26], templateIndex: 0, entryIndex: 0, powerW: 60,
                                durationS: 60, startS: 0, insertion: 0)
    let shallow = Candidate.Needle(tipMM: [0, 0, 2], entryMM: [0, 0, 26], templateIndex: 0, entryIndex: 0, powerW: 40,
                                   durationS: 40, startS: 60, insertion: 0)
    let c = Candidate(needles: [deep, shallow], predictedMarginsMM: [0], predictedHealthyML: 0, label: "t")
    let scene = try Scene(preset: p)
    var pipeline = RunPipeline()
    pipeline.threads = 2
    let plan = try Planner.planPreset(p, c, spec)
    let full = try pipeline.compute(preset: plan, bytes: []).analysis
    let same = try CoarseModel(preset: p, spec: spec, fineScene: scene, spacingMM: 2, threads: 2).score(c, observer: nil).analysis
    #expect(same.targets.map(\.minMarginMM) == full.targets.map(\.minMarginMM))
    #expect(same.targets.map(\.coveragePercent) == full.targets.map(\.coveragePercent))
    #expect(same.healthyAblatedML == full.healthyAblatedML)
    // A really coarse model keeps the vein and the tumour tissue, on its own grid.
    let coarse = try CoarseModel(preset: p, spec: spec, fineScene: scene, spacingMM: 4, threads: 2).coarsePreset(c)
    #expect(coarse.grid.spacingMM == 4 && coarse.grid.sizeMM == p.grid.sizeMM && coarse.grid.centerMM == p.grid.centerMM)
    #expect(coarse.regions.map(\.name) == ["tumor", "vein"] && coarse.regions[1].vessel && coarse.regions[0].material == "tumor")
    #expect(coarse.applicators.count == 2)
}

/// Variants for the search downward keep the needle tracks: a smaller zone keeps its centroid
/// where the larger one was (also for a duration between two library entries, with the blended
/// zone), a pulled-back position starts when the new (shorter) first one stops, and dropping the
/// pull-back leaves one position per needle halfway between the two depths.
@Test func variantsKeepTheTracksAndTheAim() throws {
    let text = planPreset.replacingOccurrences(of: "\"max_applicators\": 1", with: "\"max_applicators\": 2")
    let p = try Preset.parse(bytes: Array(text.utf8), source: "t.json").0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    // Spherical zones of radius 6 and 9 mm centred 2 and 5 mm behind the tip.
    func sphere(_ r: Double, _ centre: Double) -> ZoneProfile {
        ZoneProfile(z0MM: centre - r, dzMM: 0.5, radiiMM: (0...Int(4 * r)).map { n in
            let u = Double(n) * 0.5 - r
            return max(0, r * r - u * u).squareRoot()
        })
    }
    let library = ZoneLibrary(template: spec.templates[0], entries: [
        .init(powerW: 40, durationS: 60, profile: sphere(6, 2), fromCache: true, cacheKey: "", simulationSeconds: 0),
        .init(powerW: 80, durationS: 120, profile: sphere(9, 5), fromCache: true, cacheKey: "", simulationSeconds: 0),
        .init(powerW: 80, durationS: 60, profile: sphere(7, 3), fromCache: true, cacheKey: "", simulationSeconds: 0),
    ], spacingMM: 2)
    let problem = PlanningProblem(scene: try Scene(preset: p), preset: p, spec: spec)
    let search = CandidateSearch(problem: problem, spec: spec, libraries: [library])
    let axis = SIMD3<Double>(0, 0, 1)
    func needle(_ tipZ: Double, x: Double, start: Double, insertion: Int) -> Candidate.Needle {
        Candidate.Needle(tipMM: [x, 0, tipZ], entryMM: [x, 0, 26], templateIndex: 0, entryIndex: 1, powerW: 80, durationS: 120,
                         startS: start, insertion: insertion)
    }
    let big = Candidate(needles: [needle(-10, x: -4, start: 0, insertion: 0), needle(-10, x: 4, start: 0, insertion: 1),
                                  needle(0, x: -4, start: 120, insertion: 0), needle(0, x: 4, start: 120, insertion: 1)],
                        predictedMarginsMM: [0], predictedHealthyML: 0, label: "t",
                        layout: .init(arrangement: "pair 8 mm apart at 0 deg pulled back 10 mm", placement: "axis (0, 0, 1), shift 0 mm",
                                      axis: axis, pullBackMM: 10))
    let small = try #require(search.resized(big, entry: 0))
    for (a, b) in zip(big.needles, small.needles) {
        let before = a.tipMM + axis * library.entries[1].profile.centroidZMM
        let after = b.tipMM + axis * library.entries[0].profile.centroidZMM
        #expect(((before - after) * (before - after)).sum() < 1e-18, "\(before) \(after)")
        #expect(b.powerW == 40 && b.durationS == 60 && b.startS == (a.startS > 0 ? 60 : 0) && b.insertion == a.insertion)
    }
    #expect(small.treatmentS == 120 && small.label.hasSuffix("40 W for 60 s"))
    // Between two durations of one power: the blended zone's centroid stays where the old one was.
    let between = try #require(search.retimed(big, shorter: 2, longer: 1, durationS: 90))
    let blended = ZoneProfile.blend(library.entries[2].profile, library.entries[1].profile, weight: 0.5)
    for (a, b) in zip(big.needles, between.needles) {
        let before = a.tipMM + axis * library.entries[1].profile.centroidZMM
        let after = b.tipMM + axis * blended.centroidZMM
        #expect(((before - after) * (before - after)).sum() < 1e-18, "\(before) \(after)")
        #expect(b.durationS == 90 && b.powerW == 80 && b.entryIndex == 1 && b.startS == (a.startS > 0 ? 90 : 0))
    }
    #expect(blended.centroidZMM > library.entries[2].profile.centroidZMM && blended.centroidZMM < library.entries[1].profile.centroidZMM)
    #expect(abs(blended.radius(atZ: 4) - (sphere(7, 3).radius(atZ: 4) + sphere(9, 5).radius(atZ: 4)) / 2) < 1e-12)
    #expect(search.retimed(big, shorter: 2, longer: 1, durationS: 130) == nil && search.retimed(big, shorter: 0, longer: 1, durationS: 90) == nil)
    let flat = try #require(search.withoutPullBack(big))
    #expect(flat.needles.count == 2 && flat.needles.allSatisfy { $0.startS == 0 && $0.tipMM.z == -5 })
    #expect(flat.label.hasPrefix("pair 8 mm apart at 0 deg, ") && flat.layout?.pullBackMM == 0)
    #expect(search.withoutPullBack(flat) == nil)
}
