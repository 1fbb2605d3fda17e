import AblationAnalysis
import AblationJSON
@testable import AblationPlan
import AblationPreset
import AblationRun
import AblationSimulation
import Foundation
import Testing

let planPreset = """
{"ablsim": 1, "name": "p", "grid": {"size_mm": [50, 50, 50], "spacing_mm": 2},
 "regions": [{"name": "tumor", "material": "tumor", "target": true,
              "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 5}},
             {"name": "vein", "material": "blood", "vessel": true,
              "shape": {"type": "cylinder", "start_mm": [15, -25, 0], "end_mm": [15, 25, 0], "radius_mm": 2}}],
 "applicators": [{"type": "mwa", "frequency_mhz": 2450, "tip_mm": [0, 0, -5], "entry_mm": [0, 0, 40],
                  "schedule": [{"duration_s": 60, "power_w": 60}]}],
 "margin_mm": 3,
 "planning": {"applicators": [{"type": "mwa", "frequency_mhz": 2450, "power_w": [40, 80], "duration_s": [60, 120]}],
              "max_applicators": 1}}
"""

func planningError(_ overrides: [String]) -> PresetError? {
    do {
        let p = try Preset.parse(bytes: Array(planPreset.utf8), source: "t.json", overrides: overrides).0
        _ = try PlanningSpec.decode(p, baseDirectory: nil)
        return nil
    } catch {
        return error
    }
}

@Test func planningBlockDecodesWithDefaults() throws {
    let p = try Preset.parse(bytes: Array(planPreset.utf8), source: "t.json").0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    #expect(spec.maxApplicators == 1 && spec.clearanceMM == 3 && spec.avoid.isEmpty && spec.entry == nil)
    #expect(spec.templates == [.init(device: .microwave(frequencyMHz: 2450, device: "generic"), powerW: 40...80, durationS: 60...120)])
}

@Test func malformedPlanningKeysNameTheirPath() {
    let cases: [([String], String, String)] = [
        (["planning.applicators.0.power_w=[80, 40]"], "planning.applicators.0.power_w", "expected min <= max"),
        (["planning.applicators.0.power_w=50"], "planning.applicators.0.power_w", "expected [min, max]"),
        (["planning.applicators.0.duration_s.1=99999"], "planning.applicators.0.duration_s.1", "from 10 to 3600"),
        (["planning.applicators.0.powr_w=[1,2]"], "planning.applicators.0.powr_w", "did you mean \"power_w\""),
        (["planning.max_applicators=4"], "planning.max_applicators", "from 1 to 3"),
        (["planning.clearance_mm=-1"], "planning.clearance_mm", "from 0 to 50"),
        (["planning.avoid=[\"vien\"]"], "planning.avoid.0", "did you mean \"vein\""),
        (["planning.applicators.0.type=heat_source"], "planning.applicators.0.type", "the planner places needles"),
        // An rfa template takes no microwave keys (RadiofrequencyTemplateTests has the rest).
        (["planning.applicators.0.type=rfa"], "planning.applicators.0.frequency_mhz", "unknown key"),
        (["planning.applicators=[]"], "planning.applicators", "is empty"),
        (["planning.entry={\"type\":\"cube\"}"], "planning.entry.type", "expected one of"),
    ]
    for (overrides, path, text) in cases {
        let e = planningError(overrides)
        #expect(e?.path == path && e?.exitCode == 65 && e?.message.contains(text) == true, "\(overrides): \(String(describing: e))")
    }
}

@Test func wilsonIntervalMatchesKnownValues() {
    // 8 of 10: Wilson 95 % interval 0.490-0.943 (Wilson 1927; e.g. Newcombe 1998 table I method 3).
    let (lo, hi) = TissueUncertainty.wilson(successes: 8, trials: 10)
    #expect(abs(lo - 0.4902) < 5e-4 && abs(hi - 0.9433) < 5e-4, "\(lo) \(hi)")
    let (l0, h0) = TissueUncertainty.wilson(successes: 0, trials: 20)
    #expect(l0 == 0 && abs(h0 - 0.1611) < 5e-4, "\(h0)")
}

@Test func zoneProfileContainsWhatItsRadiusSays() {
    let profile = ZoneProfile(z0MM: -10, dzMM: 1, radiiMM: (0...30).map { n in 10 * sin(Double(n) / 30 * .pi) })
    let zone = PlacedZone(tipMM: [1, 2, 3], axis: [0, 0, 1], profile: profile)
    // Centre of the profile (z = 5 from the tip): radius 10.
    #expect(zone.contains([1 + 9.9, 2, 3 + 5]) && !zone.contains([1 + 10.1, 2, 3 + 5]))
    #expect(!zone.contains([1, 2, 3 - 10.5]))
    #expect(abs(profile.centroidZMM - 5) < 1e-9)
    #expect(abs(profile.volumeMM3 - Double.pi * 100 * 15) / (Double.pi * 100 * 15) < 0.01)
}
