import AblationGrid
import AblationJSON
@testable import AblationPlan
import AblationPreset
import AblationSimulation
import Foundation
import Testing

// The planning constraints of docs/planning.md (clearance_mm, avoid, entry) checked on real plans
// against the regions' analytic shapes, the infeasible outcomes, and the preference order.
// Small cases: 2 mm voxels, 3 mm coarse runs, one-point zone libraries.

/// plan.json writes tips and entries to 0.01 mm (Planner.roundVector): a point moves by at most
/// 0.005 mm per axis, so a distance computed from plan.json by at most this much.
private let planRoundingMM = 0.005 * 3.0.squareRoot()

private func number(_ value: JSONValue?) -> Double? {
    if case let .number(x)? = value { return x }
    return nil
}

/// planPreset on a 62 mm grid (room for a zone of about 40 mm without growing the grid) with one
/// 80 W, 120 s setting: a one-point library, so each run takes a few coarse runs and one verification.
private let constraintPreset = planPreset
    .replacingOccurrences(of: "\"size_mm\": [50, 50, 50]", with: "\"size_mm\": [62, 62, 62]")
    .replacingOccurrences(of: "\"power_w\": [40, 80], \"duration_s\": [60, 120]", with: "\"power_w\": [80, 80], \"duration_s\": [120, 120]")

private func planned(_ dir: URL) throws -> Preset {
    try Preset.load(contentsOf: dir.appendingPathComponent("plan.json").path).0
}

/// Nearest approach (mm) of any needle path of `plan` (tip to entry) to the cubes of the voxels
/// centred on `centres` (brute force, PathGeometryReference.swift; infinite beyond 20 mm).
private func nearestApproach(_ plan: Preset, toCubesAt centres: [SIMD3<Double>]) -> Double {
    let h = plan.makeGrid().spacingMM
    return plan.applicators.compactMap(\.needle).map { n in
        segmentCubesDistance(n.tipMM, n.entryMM, centres: centres, side: h, within: 20)
    }.min()!
}

/// A vein along x at y = 20 mm (radius 2 mm), across the path the planner takes without it (along y).
/// With planning.clearance_mm = 0 the chosen path passes closer than 4 mm to the vein's voxels; with
/// 4 mm, every point of every path of plan.json stays at least clearance_mm from the vein's surface,
/// the faces of its voxels' cubes (docs/planning.md#path-clearance), with the vein's voxels computed
/// here from its cylinder and the distance by brute force.
@Test func clearanceIsKeptByEveryPathOfAPlan() throws {
    let clearance = 4.0
    let text = constraintPreset.replacingOccurrences(of: "\"start_mm\": [15, -25, 0], \"end_mm\": [15, 25, 0]",
                                                     with: "\"start_mm\": [-25, 20, 0], \"end_mm\": [25, 20, 0]")
    #expect(text != constraintPreset && constraintPreset != planPreset)
    try withPresetFile(text) { path, dir in
        var planner = testPlanner(path, dir, powers: 1, durations: 1, coarseSpacingMM: 3)
        var plans: [Double: (Planner.Outcome, Preset)] = [:]
        for c in [0, clearance] {
            planner.overrides = ["planning.clearance_mm=\(c)"]
            planner.outputDirectory = dir.appendingPathComponent("out-\(c)").path
            let outcome = try planner.run()
            #expect(outcome.feasible, "clearance \(c) mm: \(outcome.explanation)")
            plans[c] = (outcome, try planned(outcome.directory))
        }
        let grid = plans[clearance]!.1.makeGrid()
        let vein = cylinderVoxelCentres(grid, start: [-25, 20, 0], end: [25, 20, 0], radiusMM: 2)
        #expect(!vein.isEmpty)
        // The constraint bites: without it the planner's path comes closer than it allows.
        let free = nearestApproach(plans[0]!.1, toCubesAt: cylinderVoxelCentres(plans[0]!.1.makeGrid(), start: [-25, 20, 0], end: [25, 20, 0], radiusMM: 2))
        #expect(free < clearance, "with clearance 0 the path already keeps \(free) mm: the case does not test the clearance")
        let kept = nearestApproach(plans[clearance]!.1, toCubesAt: vein)
        #expect(kept >= clearance - planRoundingMM, "a path passes \(kept) mm from the vein's voxels, \(clearance) mm required")
        let outcome = plans[clearance]!.0
        let search = outcome.summary["search"]
        #expect((number(search?["paths_too_close_to_vessel"]) ?? 0) > (number(plans[0]!.0.summary["search"]?["paths_too_close_to_vessel"]) ?? .infinity),
                "\(String(describing: search))")
        #expect(number(outcome.summary["planning"]?["clearance_mm"]) == clearance)
        // Every placement is safe or refused for one reason.
        for (o, _) in plans.values {
            let s = try #require(o.summary["search"])
            let parts = ["safe_placements", "paths_too_close_to_vessel", "paths_crossing_avoided_region", "paths_outside_entry", "paths_outside_grid"]
            #expect(parts.map { number(s[$0]) ?? .nan }.reduce(0, +) == number(s["placements"]), "\(s)")
        }
    }
}

/// Whether a path (tip to entry) enters the voxels of a slab that spans the whole grid across axis
/// `a` between `low` and `high` mm: whole voxel layers, from the lowest to the highest whose centre
/// lies in [low, high].
private func crossesSlab(_ n: (entryMM: SIMD3<Double>, tipMM: SIMD3<Double>), grid g: Grid3D, axis a: Int, low: Double, high: Double) -> Bool {
    let centres = (0..<[g.nx, g.ny, g.nz][a]).map { k -> Double in
        let index = [a == 0 ? k : 0, a == 1 ? k : 0, a == 2 ? k : 0]
        return g.worldPosition(index[0], index[1], index[2])[a]
    }.filter { $0 >= low && $0 <= high }
    let slabLow = centres.min()! - g.spacingMM / 2, slabHigh = centres.max()! + g.spacingMM / 2
    // The part of the path inside the grid (outside it there is no slab voxel).
    let (lo, hi) = (g.lowerCornerMM, g.upperCornerMM)
    let d = n.entryMM - n.tipMM
    var s0 = 0.0, s1 = 1.0
    for b in 0..<3 where abs(d[b]) > 1e-12 {
        let t0 = (lo[b] - n.tipMM[b]) / d[b], t1 = (hi[b] - n.tipMM[b]) / d[b]
        s0 = max(s0, min(t0, t1)); s1 = min(s1, max(t0, t1))
    }
    guard s0 <= s1 else { return false }
    let u0 = n.tipMM[a] + s0 * d[a], u1 = n.tipMM[a] + s1 * d[a]
    return max(u0, u1) > slabLow - planRoundingMM && min(u0, u1) < slabHigh + planRoundingMM
}

/// A slab (y from 10 to 20 mm, across the whole grid) lies across the path the planner takes without
/// constraints (along y). Listed in planning.avoid, no path of plan.json enters its voxels (computed
/// here from the box and the grid's voxel centres), and the search counted the paths it refused.
@Test func avoidedRegionIsCrossedByNoPathOfAPlan() throws {
    let slab = ", {\"name\": \"slab\", \"material\": \"liver\", \"shape\": {\"type\": \"box\", \"min_mm\": [-40, 10, -40], \"max_mm\": [40, 20, 40]}}]"
    let text = constraintPreset.replacingOccurrences(of: "\"radius_mm\": 2}}]", with: "\"radius_mm\": 2}}" + slab)
    #expect(text.contains("\"slab\", \"material\""))
    try withPresetFile(text) { path, dir in
        var planner = testPlanner(path, dir, powers: 1, durations: 1, coarseSpacingMM: 3)
        var plans: [Preset] = []
        var outcomes: [Planner.Outcome] = []
        for avoid in ["[]", "[\"slab\"]"] {
            planner.overrides = ["planning.avoid=\(avoid)"]
            planner.outputDirectory = dir.appendingPathComponent("out-\(plans.count)").path
            let outcome = try planner.run()
            #expect(outcome.feasible, "avoid \(avoid): \(outcome.explanation)")
            outcomes.append(outcome)
            plans.append(try planned(outcome.directory))
        }
        // The constraint bites: without it a path crosses the slab.
        #expect(plans[0].applicators.compactMap(\.needle).contains { crossesSlab($0, grid: plans[0].makeGrid(), axis: 1, low: 10, high: 20) },
                "without avoid no path crosses the slab: the case does not test avoid")
        let needles = plans[1].applicators.compactMap(\.needle)
        #expect(!needles.isEmpty)
        for n in needles {
            #expect(!crossesSlab(n, grid: plans[1].makeGrid(), axis: 1, low: 10, high: 20), "path \(n.tipMM) -> \(n.entryMM) crosses the slab")
        }
        #expect(number(outcomes[0].summary["search"]?["paths_crossing_avoided_region"]) == 0)
        #expect((number(outcomes[1].summary["search"]?["paths_crossing_avoided_region"]) ?? 0) > 0,
                "the slab rejected no path: \(String(describing: outcomes[1].summary["search"]))")
    }
}

/// A planning.entry box above and to the left of the tumour, outside the grid: every position of
/// plan.json starts inside it. With one insertion every entry is one of the window's own sample
/// points (a pulled-back needle's positions share the track), so none is refused as outside.
@Test func entryWindowHoldsForEveryPathOfAPlan() throws {
    let lo = SIMD3<Double>(-18, -3, 33), hi = SIMD3<Double>(-12, 3, 37)
    let text = constraintPreset.replacingOccurrences(of: "\"max_applicators\": 1",
                                                     with: "\"max_applicators\": 1, \"entry\": {\"type\": \"box\", \"min_mm\": [-18, -3, 33], \"max_mm\": [-12, 3, 37]}")
    #expect(text != constraintPreset)
    try withPresetFile(text) { path, dir in
        let planner = testPlanner(path, dir, powers: 1, durations: 1, coarseSpacingMM: 3)
        let outcome = try planner.run()
        #expect(outcome.feasible, "\(outcome.explanation)")
        let needles = try planned(outcome.directory).applicators.compactMap(\.needle)
        #expect(!needles.isEmpty)
        for n in needles {
            #expect(all(n.entryMM .>= lo - planRoundingMM) && all(n.entryMM .<= hi + planRoundingMM), "entry \(n.entryMM) outside the window")
        }
        #expect(number(outcome.summary["search"]?["paths_outside_entry"]) == 0)
    }
}

/// Two needles side by side (10-25 mm apart) from an entry window 30 mm wide (synthetic spherical
/// zones, no simulation): the search refuses the placements whose offset needle would start outside
/// the window, and every candidate it returns, feasible or near miss, starts every position inside it.
@Test func entryWindowRefusesOffsetNeedlesInTheSearch() throws {
    let lo = SIMD3<Double>(-30, -15, 33), hi = SIMD3<Double>(0, 15, 37)
    let text = planPreset.replacingOccurrences(of: "\"max_applicators\": 1",
                                               with: "\"max_applicators\": 2, \"entry\": {\"type\": \"box\", \"min_mm\": [-30, -15, 33], \"max_mm\": [0, 15, 37]}")
    #expect(text != planPreset)
    let p = try Preset.parse(bytes: Array(text.utf8), source: "t.json").0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    // A sphere of radius 9 mm centred 4 mm behind the tip.
    let r = 9.0
    let sphere = ZoneProfile(z0MM: 4 - r, dzMM: 0.5, radiiMM: (0...Int(4 * r)).map { n in
        let u = Double(n) * 0.5 - r
        return max(0, r * r - u * u).squareRoot()
    })
    let library = ZoneLibrary(template: spec.templates[0], entries: [
        .init(powerW: 80, durationS: 120, profile: sphere, fromCache: true, cacheKey: "", simulationSeconds: 0),
    ], spacingMM: 2)
    let problem = PlanningProblem(scene: try Scene(preset: p), preset: p, spec: spec)
    let search = CandidateSearch(problem: problem, spec: spec, libraries: [library])
    var tally = SearchTally()
    let found = try search.search(count: 2, requiredMarginMM: 3, tally: &tally)
    let all2 = found.feasible + found.nearMisses
    #expect(!all2.isEmpty)
    #expect(tally.rejectedEntry > 0, "\(tally)")
    for c in all2 {
        for n in c.needles {
            #expect(all(n.entryMM .>= lo) && all(n.entryMM .<= hi), "\(c.label): entry \(n.entryMM) outside the window")
        }
    }
}

/// Every path blocked: once by a clearance no path in a 50 mm grid can keep from planPreset's vein
/// (50 mm), once by an avoided box around the tumour (every tip lies in it). No simulation beyond
/// the library: reason no_safe_path, not feasible, no plan.json, and the explanation quotes the
/// search's counts.
@Test func everyPathBlockedIsNoSafePath() throws {
    let capsule = "{\"name\": \"capsule\", \"material\": \"liver\", \"shape\": {\"type\": \"box\", \"min_mm\": [-20, -20, -20], \"max_mm\": [20, 20, 20]}}, "
    // Listed first, so the tumour and the vein keep their own voxels.
    let text = planPreset.replacingOccurrences(of: "\"regions\": [", with: "\"regions\": [" + capsule)
        .replacingOccurrences(of: "\"power_w\": [40, 80], \"duration_s\": [60, 120]", with: "\"power_w\": [80, 80], \"duration_s\": [120, 120]")
    #expect(text.contains("\"capsule\""))
    try withPresetFile(text) { path, dir in
        for (override, blockedBy, mention) in [("planning.clearance_mm=50", "paths_too_close_to_vessel", "keeps 50 mm from every vessel"),
                                               ("planning.avoid=[\"capsule\"]", "paths_crossing_avoided_region", "avoids capsule")] {
            var planner = testPlanner(path, dir, powers: 1, durations: 1, coarseSpacingMM: 3)
            planner.overrides = [override]
            planner.outputDirectory = dir.appendingPathComponent("out-\(blockedBy)").path
            let outcome = try planner.run()
            #expect(!outcome.feasible)
            #expect(outcome.reason == .noSafePath, "\(override): \(String(describing: outcome.reason))")
            #expect(outcome.summary["feasible"] == .bool(false) && outcome.summary["reason"] == .string("no_safe_path"))
            #expect(outcome.verifications.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: outcome.directory.appendingPathComponent("plan.json").path))
            #expect(FileManager.default.fileExists(atPath: outcome.directory.appendingPathComponent("plan-summary.json").path))
            let search = try #require(outcome.summary["search"])
            let placements = try #require(number(search["placements"]))
            let vessel = try #require(number(search["paths_too_close_to_vessel"]))
            let avoided = try #require(number(search["paths_crossing_avoided_region"]))
            let outside = try #require(number(search["paths_outside_entry"]))
            let outsideGrid = try #require(number(search["paths_outside_grid"]))
            #expect(placements > 0 && number(search["safe_placements"]) == 0)
            // Every placement refused, each once, for the first reason found.
            #expect(number(search[blockedBy])! > 0 && vessel + avoided + outside + outsideGrid == placements)
            #expect(outcome.explanation.contains(mention), "\(outcome.explanation)")
            let counts = "(\(Int(placements)) placements: \(Int(vessel)) with a path too close to a vessel, \(Int(avoided)) crossing an avoided region, \(Int(outside)) outside the entry window, \(Int(outsideGrid)) with the tip or electrode outside the grid)"
            #expect(outcome.explanation.contains(counts), "\(outcome.explanation)")
        }
    }
}

/// The preference order on hand-made candidates (docs/planning.md#preference): fewest insertions,
/// then least healthy tissue, then the shortest treatment, then the least energy, then the label.
@Test func preferenceOrderBreaksTiesAsDocumented() {
    /// Positions as (power W, duration s, start s, insertion).
    func candidate(_ label: String, healthyML: Double, _ positions: [(Double, Double, Double, Int)]) -> Candidate {
        Candidate(needles: positions.map { power, duration, start, insertion in
            Candidate.Needle(tipMM: .zero, entryMM: [0, 0, 30], templateIndex: 0, entryIndex: 0, powerW: power,
                             durationS: duration, startS: start, insertion: insertion)
        }, predictedMarginsMM: [5], predictedHealthyML: healthyML, label: label)
    }
    let short = candidate("x short", healthyML: 10, [(100, 300, 0, 0)])              // 300 s, 30 kJ
    let long = candidate("x long", healthyML: 10, [(50, 400, 0, 0)])                 // 400 s, 20 kJ
    let gentle = candidate("x gentle", healthyML: 10, [(80, 300, 0, 0)])             // 300 s, 24 kJ
    let pulledBack = candidate("x pulled", healthyML: 10, [(60, 150, 0, 0), (60, 150, 150, 0)])  // 300 s, 18 kJ, 1 insertion
    let lean = candidate("x lean", healthyML: 9, [(100, 600, 0, 0)])                 // less tissue, 600 s
    let twin = candidate("w twin", healthyML: 10, [(80, 300, 0, 0)])                 // gentle's equal but for the label
    let pair = candidate("x pair", healthyML: 5, [(60, 200, 0, 0), (60, 200, 0, 1)])  // 2 insertions, least tissue
    #expect(pulledBack.insertions == 1 && pulledBack.treatmentS == 300 && pulledBack.energyJ == 18_000)
    #expect(pair.insertions == 2)

    // The search's order within one insertion count: healthy tissue, time, energy, label.
    #expect(CandidateSearch.better(short, long) && !CandidateSearch.better(long, short))   // shorter wins over less energy
    #expect(CandidateSearch.better(gentle, short) && !CandidateSearch.better(short, gentle)) // same time: less energy
    #expect(CandidateSearch.better(pulledBack, gentle))                                    // 18 kJ against 24 kJ
    #expect(CandidateSearch.better(lean, short) && CandidateSearch.better(lean, pulledBack)) // less tissue over time
    #expect(CandidateSearch.better(twin, gentle) && !CandidateSearch.better(gentle, twin))   // all equal: the label
    let expected = ["x lean", "x pulled", "w twin", "x gentle", "x short", "x long"]
    for input in [[short, long, gentle, pulledBack, lean, twin], [twin, lean, pulledBack, gentle, long, short]] {
        #expect(input.sorted(by: CandidateSearch.better).map(\.label) == expected)
    }

    // The planner's choice among passing candidates adds insertions in front.
    func prefers(_ a: Candidate, _ b: Candidate) -> Bool {
        Planner.isPreferred(a, healthyML: a.predictedHealthyML, over: b, healthyML: b.predictedHealthyML)
    }
    #expect(prefers(short, pair) && !prefers(pair, short))   // one insertion over two, though 5 mL less tissue
    #expect(prefers(lean, short) && prefers(short, long) && prefers(gentle, short) && prefers(twin, gentle) && !prefers(gentle, twin))
    // The healthy volume the planner passes (a close call's fine run) decides, not the coarse one.
    #expect(Planner.isPreferred(long, healthyML: 8, over: lean, healthyML: 9))
    let pool = [pair, long, short, twin, gentle, pulledBack, lean]
    #expect(pool.min(by: prefers)?.label == "x lean" && pool.reversed().min(by: prefers)?.label == "x lean")
}
