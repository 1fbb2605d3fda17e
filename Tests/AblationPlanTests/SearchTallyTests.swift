@testable import AblationPlan
import AblationPreset
import AblationSimulation
import Testing

// The search's counts (plan-summary.json `search`): every placement it tries is safe or refused once,
// for the first reason found, so the counts add up to the placements.

/// A sphere of radius 9 mm centred 4 mm behind the tip, as a one-entry zone library (no simulation).
private func sphereLibrary(_ spec: PlanningSpec) -> ZoneLibrary {
    let r = 9.0
    let sphere = ZoneProfile(z0MM: 4 - r, dzMM: 0.5, radiiMM: (0...Int(4 * r)).map { n in
        let u = Double(n) * 0.5 - r
        return max(0, r * r - u * u).squareRoot()
    })
    return ZoneLibrary(template: spec.templates[0], entries: [
        .init(powerW: 80, durationS: 120, profile: sphere, fromCache: true, cacheKey: "", simulationSeconds: 0),
    ], spacingMM: 2)
}

private func tally(_ text: String, count: Int) throws -> SearchTally {
    let p = try Preset.parse(bytes: Array(text.utf8), source: "t.json").0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    let problem = PlanningProblem(scene: try Scene(preset: p), preset: p, spec: spec)
    var tally = SearchTally()
    _ = try CandidateSearch(problem: problem, spec: spec, libraries: [sphereLibrary(spec)]).search(count: count, requiredMarginMM: 3, tally: &tally)
    return tally
}

/// planPreset's tumour moved to 4 mm from the grid's +z face (its vein stays): placements whose tips
/// fall outside the grid are counted, and with the vein's clearance and an entry window the counts of
/// every reason add up to the placements.
@Test func searchCountsAddUpToThePlacements() throws {
    let nearFace = planPreset.replacingOccurrences(of: "\"center_mm\": [0, 0, 0], \"radius_mm\": 5", with: "\"center_mm\": [0, 0, 16], \"radius_mm\": 5")
    #expect(nearFace != planPreset)
    let windowed = planPreset.replacingOccurrences(of: "\"max_applicators\": 1",
                                                   with: "\"max_applicators\": 2, \"entry\": {\"type\": \"box\", \"min_mm\": [-30, -15, 33], \"max_mm\": [0, 15, 37]}")
    #expect(windowed != planPreset)
    for (name, text, count) in [("near the face", nearFace, 1), ("near the face, 2 needles", nearFace, 2), ("entry window", windowed, 2)] {
        let t = try tally(text, count: count)
        #expect(t.placements > 0 && t.safePlacements + t.rejectedPlacements == t.placements, "\(name): \(t)")
        if name.hasPrefix("near") { #expect(t.rejectedOutsideGrid > 0, "\(name): \(t)") }
        if name == "entry window" { #expect(t.rejectedEntry > 0, "\(name): \(t)") }
    }
}
