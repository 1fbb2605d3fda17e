import AblationAnalysis
import AblationJSON
@testable import AblationPlan
import AblationPreset
import AblationRun
import AblationSimulation
import Foundation
import Testing

func withPresetFile<T>(_ text: String, _ body: (String, URL) throws -> T) throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-plan-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("p.json")
    try Data(text.utf8).write(to: file)
    return try body(file.path, dir)
}

/// A planner on `path` writing into `dir`/out, with a small zone library (`powers` x `durations`),
/// the cache in `dir`/cache or none, and the given coarse spacing and threads (nil: the defaults).
func testPlanner(_ path: String, _ dir: URL, powers: Int, durations: Int, cached: Bool = true,
                 coarseSpacingMM: Double? = nil, threads: Int? = 2) -> Planner {
    var planner = Planner(presetPath: path)
    planner.outputDirectory = dir.appendingPathComponent("out").path
    planner.cacheDirectory = cached ? dir.appendingPathComponent("cache") : nil
    planner.libraryPowers = powers
    planner.libraryDurations = durations
    planner.coarseSpacingMM = coarseSpacingMM
    if let threads { planner.threads = threads }
    return planner
}

/// A coarse plan end to end: the verified plan must really cover with margin (the verifying run's
/// own summary says so), the surrogate's margin (a 3 mm coarse run against the 2 mm verification)
/// must be within the 1.5 mm README's status promises for coarse predictions of it and be what plan-summary.json reports as predicted, and
/// the cache must be used on the second run with the identical result.
@Test func coarsePlanIsConfirmedAndReproducible() throws {
    // 62 mm instead of planPreset's 50 mm: a pulled-back 80 W zone is about 44 mm long, and a zone
    // cut by the grid's faces is never a plan (voxel centres stay on even millimetres).
    // With the built-in colorectal-metastasis tumour, the 80 W / 110 s variant scores 3.66 mm on 3 mm
    // coarse voxels (as 120 s does) but verifies at 2.9 mm < 3 mm; the planner then verifies the
    // 120 s setting of the same pattern instead of raising the coarse requirement for everyone
    // (Planner.dropShorterSettings; before December 2026 the raise shut the 120 s plan out).
    let text = planPreset.replacingOccurrences(of: "\"size_mm\": [50, 50, 50]", with: "\"size_mm\": [62, 62, 62]")
    #expect(text != planPreset)
    try withPresetFile(text) { path, dir in
        var planner = testPlanner(path, dir, powers: 2, durations: 2, coarseSpacingMM: 3)
        let first = try planner.run()
        #expect(first.feasible, "\(first.explanation)")
        let v = try #require(first.verifications.last)
        let allCovered = v.computed.analysis.targets.allSatisfy { $0.completeWithMargin }
        #expect(allCovered)
        let error = abs(v.predicted.targets[0].minMarginMM - v.computed.analysis.targets[0].minMarginMM)
        #expect(error <= 1.5, "surrogate margin off by \(error) mm (3 mm coarse run, 2 mm verification)")
        let reported = first.summary["plan"]?["predicted"]?["targets"].flatMap { if case let .array(a) = $0 { return a.first?["min_margin_mm"] } else { return nil } }
        #expect(reported == rounded(v.predicted.targets[0].minMarginMM), "\(String(describing: reported))")
        #expect(first.summary["search"]?["coarse_spacing_mm"] == .number(3))
        let summary = try JSONParser.parse(Array(try Data(contentsOf: first.directory.appendingPathComponent("summary.json"))))
        #expect(summary["targets"].flatMap { if case let .array(a) = $0 { return a.first?["complete_with_margin"] } else { return nil } } == .bool(true))
        for name in ["plan.json", "plan-summary.json", "preview.png", "necrosis.nii.gz"] {
            #expect(FileManager.default.fileExists(atPath: first.directory.appendingPathComponent(name).path), "\(name)")
        }
        // plan.json is a runnable preset holding the chosen needles.
        let plan = try Preset.load(contentsOf: first.directory.appendingPathComponent("plan.json").path).0
        #expect(plan.applicators.count == v.candidate.needles.count)
        // Every needle path (tip to entry) keeps planning.clearance_mm (3 mm) from every vein voxel centre
        // of the plan's grid (docs/planning.md: clearance plus half a voxel between centres).
        let scene = try Scene(preset: plan)
        #expect(!scene.vesselVoxels.isEmpty)
        for needle in plan.applicators.compactMap(\.needle) {
            let axis = needle.entryMM - needle.tipMM
            let length2 = (axis * axis).sum()
            let nearest = scene.vesselVoxels.map { v -> Double in
                let g = scene.grid
                let p = g.worldPosition(v % g.nx, (v / g.nx) % g.ny, v / (g.nx * g.ny))
                let s = min(1, max(0, ((p - needle.tipMM) * axis).sum() / length2))
                let d = p - (needle.tipMM + s * axis)
                return (d * d).sum().squareRoot()
            }.min()!
            #expect(nearest >= 3 + 0.5 * scene.grid.spacingMM - 1e-9, "a needle passes \(nearest) mm from the vein")
        }

        planner.outputDirectory = dir.appendingPathComponent("out2").path
        let second = try planner.run()
        #expect(second.summary["zone_library"].map { JSONWriter.compact($0).contains("\"from_cache\":false") } == false)
        #expect(second.verifications.last?.candidate.label == v.candidate.label)
        #expect(second.verifications.last?.computed.analysis.targets[0].minMarginMM == v.computed.analysis.targets[0].minMarginMM)
    }
}

/// In planPreset's own 50 mm box the pulled-back 80 W zone (about 44 mm long) reaches the faces: the
/// planner grows the grid on those faces until the verified zone ends inside it, and plan.json
/// carries the grown grid, with its voxel centres where the preset's were.
@Test func aZoneCutByTheGridGrowsTheGridInsteadOfBeingAPlan() throws {
    try withPresetFile(planPreset) { path, dir in
        var lines: [String] = []
        var planner = testPlanner(path, dir, powers: 2, durations: 2, coarseSpacingMM: 3)
        planner.log = { lines.append($0) }
        let outcome = try planner.run()
        #expect(outcome.feasible, "\(outcome.explanation)")
        let v = try #require(outcome.verifications.last)
        #expect(!v.computed.analysis.boundary.touchesBoundary)
        #expect(outcome.summary["plan"]?["verified"]?["touches_boundary"] == .bool(false))
        let preset = try Preset.load(contentsOf: path).0
        let plan = try Preset.load(contentsOf: outcome.directory.appendingPathComponent("plan.json").path).0
        let before = preset.makeGrid(), after = plan.makeGrid()
        #expect(after.voxelCount > before.voxelCount, "the grid did not grow: \(after)")
        #expect(lines.contains { $0.contains("grid grown to") }, "\(lines.filter { $0.contains("grid") })")
        // Grown by whole voxels on the faces only: every old voxel centre is a voxel centre of the new grid.
        let shift = (before.originMM - after.originMM) / before.spacingMM
        #expect(((shift - shift.rounded(.toNearestOrAwayFromZero)) * (shift - shift.rounded(.toNearestOrAwayFromZero))).sum() < 1e-18, "origin moved by \(shift) voxels")
        #expect(all(after.lowerCornerMM .<= before.lowerCornerMM + 1e-9) && all(after.upperCornerMM .>= before.upperCornerMM - 1e-9))
    }
}

@Test func unreachableTargetIsInfeasibleWithAReason() throws {
    // A 36 mm tumour with one needle of at most 50 W for 60 s: too large. Without the vein, which
    // the 18 mm tumour would reach (too_close_to_vessel, vesselInsideTheMarginStopsAfterOneVerification),
    // too_large is the only reason that fits.
    let vein = ",\n             {\"name\": \"vein\", \"material\": \"blood\", \"vessel\": true,\n"
        + "              \"shape\": {\"type\": \"cylinder\", \"start_mm\": [15, -25, 0], \"end_mm\": [15, 25, 0], \"radius_mm\": 2}}"
    let text = planPreset.replacingOccurrences(of: "\"radius_mm\": 5}", with: "\"radius_mm\": 18}")
        .replacingOccurrences(of: "\"power_w\": [40, 80], \"duration_s\": [60, 120]", with: "\"power_w\": [40, 50], \"duration_s\": [60, 60]")
        .replacingOccurrences(of: vein, with: "")
    #expect(!text.contains("vessel"))
    try withPresetFile(text) { path, dir in
        let planner = testPlanner(path, dir, powers: 1, durations: 1, cached: false, threads: nil)
        let outcome = try planner.run()
        #expect(!outcome.feasible)
        #expect(outcome.reason == .tooLarge, "\(String(describing: outcome.reason))")
        #expect(outcome.summary["reason"] == .string("too_large") && outcome.summary["feasible"] == .bool(false))
        // The best attempt was simulated in full and falls short of the 3 mm margin.
        let attempt = try #require(outcome.verifications.last)
        #expect(!attempt.confirmed)
        let worst = attempt.computed.analysis.targets.map(\.minMarginMM).min() ?? .infinity
        #expect(worst < 3, "best attempt's worst margin \(worst) mm")
        #expect(outcome.summary["best_attempt"] != nil)
        #expect(outcome.explanation.contains("no arrangement of up to 1 needle(s)") && !outcome.explanation.contains("vessel within"),
                "\(outcome.explanation)")
    }
}

@Test func tissueSamplesAreDeterministicForASeed() throws {
    let p = try Preset.parse(bytes: Array(planPreset.utf8), source: "t.json").0
    let a = try TissueUncertainty.run(preset: p, samples: 2, seed: 11, threads: 2, log: { _ in })
    let b = try TissueUncertainty.run(preset: p, samples: 2, seed: 11, threads: 2, log: { _ in })
    #expect(a.samples.map(\.perfusionPerS) == b.samples.map(\.perfusionPerS))
    #expect(a.samples.map(\.minMarginMM) == b.samples.map(\.minMarginMM))
    for s in a.samples {
        #expect(TissueUncertainty.perfusionPerS.contains(s.perfusionPerS) && TissueUncertainty.conductivityWMK.contains(s.conductivityWMK))
    }
    let c = try TissueUncertainty.run(preset: p, samples: 2, seed: 12, threads: 2, log: { _ in })
    #expect(c.samples.map(\.perfusionPerS) != a.samples.map(\.perfusionPerS))
}

/// A pulled-back needle's second position waits at zero power until the first stops, so the
/// verifying run heats the two positions one after the other, each with its own power and time.
@Test func pulledBackPositionsRunOneAfterTheOther() throws {
    let p = try Preset.parse(bytes: Array(planPreset.utf8), source: "t.json").0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    let deep = Candidate.Needle(tipMM: [0, 0, -8], entryMM: [0, 0, 26], templateIndex: 0, entryIndex: 0, powerW: 60,
                                durationS: 90, startS: 0, insertion: 0)
    let shallow = Candidate.Needle(tipMM: [0, 0, 4], entryMM: [0, 0, 26], templateIndex: 0, entryIndex: 1, powerW: 40,
                                   durationS: 60, startS: 90, insertion: 0)
    let c = Candidate(needles: [deep, shallow], predictedMarginsMM: [3], predictedHealthyML: 1, label: "t")
    #expect(c.insertions == 1 && c.treatmentS == 150 && c.energyJ == 60 * 90 + 40 * 60)
    let plan = try Planner.planPreset(p, c, spec)
    let schedules = plan.resolvedJSON()["applicators"].map { JSONWriter.compact($0) } ?? ""
    #expect(schedules.contains("\"schedule\":[{\"duration_s\":90,\"power_w\":60}]"), "\(schedules)")
    #expect(schedules.contains("\"schedule\":[{\"duration_s\":90,\"power_w\":0},{\"duration_s\":60,\"power_w\":40}]"), "\(schedules)")
}

/// A vein inside the margin: one verifying run shows the shortfall, and the planner stops there
/// (more runs cannot give a margin that blood keeps alive) with the reason and the risk.
@Test func vesselInsideTheMarginStopsAfterOneVerification() throws {
    let text = planPreset.replacingOccurrences(of: "\"start_mm\": [15, -25, 0], \"end_mm\": [15, 25, 0]",
                                               with: "\"start_mm\": [8, -25, 0], \"end_mm\": [8, 25, 0]")
        .replacingOccurrences(of: "\"power_w\": [40, 80], \"duration_s\": [60, 120]", with: "\"power_w\": [80, 80], \"duration_s\": [120, 120]")
    #expect(text != planPreset)
    try withPresetFile(text) { path, dir in
        var planner = testPlanner(path, dir, powers: 1, durations: 1, cached: false)
        planner.maxVerifications = 3
        let outcome = try planner.run()
        #expect(!outcome.feasible)
        #expect(outcome.reason == .tooCloseToVessel)
        #expect(outcome.summary["reason"] == .string("too_close_to_vessel") && outcome.summary["feasible"] == .bool(false))
        // The vein's voxel centres (x = 6 to 10 mm) lie 2 mm from the tumour's (x up to 4 mm), inside its 3 mm margin.
        #expect(outcome.explanation.contains("a vessel lies within margin_mm (3 mm) of target \"tumor\""), "\(outcome.explanation)")
        #expect(outcome.verifications.count == 1, "\(outcome.verifications.count) verifications")
        #expect(outcome.summary["risks"].map { JSONWriter.compact($0).contains("vessel lies") } == true)
    }
}

/// Two targets far apart with two needles: "one needle per target" aims each needle at its own
/// target and gives each the smallest zone that covers it.
@Test func oneNeedlePerTargetAimsAtEachTarget() throws {
    let text = planPreset
        .replacingOccurrences(of: "\"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 5}},",
                              with: "\"shape\": {\"type\": \"sphere\", \"center_mm\": [-14, 0, -12], \"radius_mm\": 3}}, {\"name\": \"second\", \"material\": \"tumor\", \"target\": true, \"shape\": {\"type\": \"sphere\", \"center_mm\": [-14, 0, 12], \"radius_mm\": 7}},")
        .replacingOccurrences(of: "\"max_applicators\": 1", with: "\"max_applicators\": 2")
    #expect(text != planPreset)
    let p = try Preset.parse(bytes: Array(text.utf8), source: "t.json").0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    // Spherical zones of radius 10 and 13 mm (centred 4 mm behind the tip).
    func sphere(_ r: Double) -> ZoneProfile {
        ZoneProfile(z0MM: 4 - r, dzMM: 0.5, radiiMM: (0...Int(4 * r)).map { n in
            let u = Double(n) * 0.5 - r
            return max(0, r * r - u * u).squareRoot()
        })
    }
    let small = sphere(10), large = sphere(13)
    let library = ZoneLibrary(template: spec.templates[0], entries: [
        .init(powerW: 40, durationS: 60, profile: small, fromCache: true, cacheKey: "", simulationSeconds: 0),
        .init(powerW: 80, durationS: 120, profile: large, fromCache: true, cacheKey: "", simulationSeconds: 0),
    ], spacingMM: 2)
    let problem = PlanningProblem(scene: try Scene(preset: p), preset: p, spec: spec)
    let search = CandidateSearch(problem: problem, spec: spec, libraries: [library])
    var tally = SearchTally()
    let found = try search.search(count: 2, requiredMarginMM: 3, tally: &tally).feasible
    let perTarget = try #require(found.first { $0.label.hasPrefix("one needle per target") })
    // Each needle's axis passes through its own target's centre; the small target gets the small zone.
    for (needle, centre) in zip(perTarget.needles, problem.targetCentroidsMM) {
        let axis = axisOf(needle)
        let w = centre - needle.tipMM
        let off = w - (w * axis).sum() * axis
        #expect((off * off).sum().squareRoot() < 1e-6)
    }
    #expect(perTarget.needles.map(\.powerW) == [40, 80], "\(perTarget.needles.map(\.powerW))")
}

/// A 16 mm tumour that no single library zone covers with 3 mm: the library's union of a pulled-
/// back needle's two positions falls short, but the second position is switched on in tissue the
/// first has pre-heated. The coarse run (3 mm voxels, both positions in sequence) sees that, so the
/// planner finds a plan the library alone would have called too large, predicted within 1.5 mm of
/// the 2 mm verification. Durations up to 180 s: since capillaries keep flowing through coagulating
/// tissue (the living-tissue stasis dose, 0.1.0), living zones are smaller and 120 s no longer
/// reaches the margin.
@Test func coarseStageFindsWhatTheLibraryUnionMisses() throws {
    let text = planPreset.replacingOccurrences(of: "\"radius_mm\": 5}", with: "\"radius_mm\": 8}")
        .replacingOccurrences(of: "\"max_applicators\": 1", with: "\"max_applicators\": 2")
        .replacingOccurrences(of: "\"duration_s\": [60, 120]", with: "\"duration_s\": [60, 180]")
    #expect(text != planPreset)
    try withPresetFile(text) { path, dir in
        let planner = testPlanner(path, dir, powers: 2, durations: 2, coarseSpacingMM: 3)
        let outcome = try planner.run()
        #expect(outcome.feasible, "\(outcome.explanation)")
        let v = try #require(outcome.verifications.last)
        let covered = v.computed.analysis.targets.allSatisfy { $0.completeWithMargin }
        #expect(covered)
        // The library's union alone did not reach the margin; the coarse prediction did, with the allowance.
        #expect(v.candidate.worstMarginMM < 3, "library margin \(v.candidate.worstMarginMM)")
        #expect(v.predicted.targets[0].minMarginMM >= 3 + planner.coarseAllowanceMM - 1e-9)
        let error = abs(v.predicted.targets[0].minMarginMM - v.computed.analysis.targets[0].minMarginMM)
        #expect(error <= 1.5, "coarse margin off by \(error) mm")
    }
}
