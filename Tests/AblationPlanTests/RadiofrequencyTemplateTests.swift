import AblationAnalysis
import AblationJSON
@testable import AblationPlan
import AblationPreset
import AblationRun
import AblationSimulation
import Foundation
import Testing

/// A small RF planning case: a 10 mm tumour, 3 mm margin, one cooled electrode with a 15 mm
/// active tip on an impedance-controlled generator, 2 mm voxels (fast enough for the test suite).
let rfPlanPreset = """
{"ablsim": 1, "name": "rf", "grid": {"size_mm": [50, 50, 50], "spacing_mm": 2},
 "regions": [{"name": "tumor", "material": "tumor", "target": true,
              "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 5}}],
 "applicators": [{"type": "rfa", "electrode": "cooled_tip", "active_length_mm": 15, "tip_mm": [0, 0, -7], "entry_mm": [0, 0, 40],
                  "control": {"mode": "impedance", "max_power_w": 60}, "duration_s": 120}],
 "margin_mm": 3,
 "planning": {"applicators": [{"type": "rfa", "electrode": "cooled_tip", "active_length_mm": 15, "diameter_mm": 1.5,
                               "coolant_temperature_c": 15, "power_w": [60, 60], "duration_s": [300, 600]}],
              "max_applicators": 1}}
"""

func rfPlanningError(_ overrides: [String]) -> PresetError? {
    do {
        let p = try Preset.parse(bytes: Array(rfPlanPreset.utf8), source: "t.json", overrides: overrides).0
        _ = try PlanningSpec.decode(p, baseDirectory: nil)
        return nil
    } catch {
        return error
    }
}

@Test func rfTemplateDecodesWithTheApplicatorsDefaults() throws {
    let p = try Preset.parse(bytes: Array(rfPlanPreset.utf8), source: "t.json").0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    guard case let .radiofrequency(_, rf) = spec.templates[0].device else { Issue.record("not an RF template"); return }
    #expect(rf.electrode == .cooledTip && rf.activeLengthMM == 15 && rf.coolantTemperatureC == 15)
    // No control given: impedance control with the generic ramp, the power set by the planner.
    #expect(rf.control == .impedance(maxPowerW: 60, ramp: .generic))
    #expect(spec.templates[0].powerW == 60...60 && spec.templates[0].durationS == 300...600)
    #expect(!spec.templates[0].device.canStartLate)

    let cluster = try Preset.parse(bytes: Array(rfPlanPreset.utf8), source: "t.json", overrides: [
        "planning.applicators.0.electrode=\"cluster\"", "planning.applicators.0.spacing_mm=6",
        "planning.applicators.0.control={\"mode\": \"impedance\", \"ramp\": \"leveen\", \"start_power_w\": 30}",
        "planning.applicators.0.power_w=[40, 90]"]).0
    guard case let .radiofrequency(_, c) = try PlanningSpec.decode(cluster, baseDirectory: nil).templates[0].device else {
        Issue.record("not an RF template"); return
    }
    #expect(c.electrode == .cluster(spacingMM: 6) && c.control == .impedance(maxPowerW: 40, ramp: .leveen(startPowerW: 30)))

    let tines = try Preset.parse(bytes: Array(rfPlanPreset.utf8), source: "t.json", overrides: [
        "planning.applicators.0={\"type\": \"rfa\", \"electrode\": \"multi_tine\", \"diameter_mm\": 2.1, \"tines\": 10, \"deployed_diameter_mm\": 30, \"control\": {\"mode\": \"temperature\", \"target_c\": 95}, \"power_w\": [50, 150], \"duration_s\": [300, 600]}"]).0
    guard case let .radiofrequency(_, m) = try PlanningSpec.decode(tines, baseDirectory: nil).templates[0].device else {
        Issue.record("not an RF template"); return
    }
    #expect(m.control == .temperature(targetC: 95, maxPowerW: 50))
}

/// plan-summary.json's risks name the templates whose verified margin may not hold: a multi-tine
/// array (wider across, shorter along than published arrays), a cluster (the tissue between its cooled
/// needles, not converged with the grid) at any spacing, and a single cooled needle only when the
/// verifying grid does not resolve it (diameter under two voxels).
@Test func templatesWhoseMarginMayNotHoldAreNamedAmongThePlansRisks() throws {
    let cooled = try PlanningSpec.decode(try Preset.parse(bytes: Array(rfPlanPreset.utf8), source: "t.json").0, baseDirectory: nil)
    #expect(PlanSummary.deviceModelRisks(cooled, spacingMM: 0.75).isEmpty)
    let unresolved = PlanSummary.deviceModelRisks(cooled, spacingMM: 1)
    #expect(unresolved.count == 1 && unresolved[0].hasPrefix("planning.applicators.0 (rfa cooled_tip of 1.50 mm)")
            && unresolved[0].contains("grid.spacing_mm <= 0.75"), "\(unresolved)")
    let cluster = try Preset.parse(bytes: Array(rfPlanPreset.utf8), source: "t.json", overrides: [
        "planning.applicators.0.electrode=\"cluster\"", "planning.applicators.0.spacing_mm=5"]).0
    let clusterRisks = PlanSummary.deviceModelRisks(try PlanningSpec.decode(cluster, baseDirectory: nil), spacingMM: 0.5)
    #expect(clusterRisks.count == 1 && clusterRisks[0].hasPrefix("planning.applicators.0 (rfa cluster)"), "\(clusterRisks)")
    let tines = try Preset.parse(bytes: Array(rfPlanPreset.utf8), source: "t.json", overrides: [
        "planning.applicators.0={\"type\": \"rfa\", \"device\": \"leveen\", \"deployed_diameter_mm\": 30, \"power_w\": [50, 90], \"duration_s\": [300, 600]}"]).0
    let risks = PlanSummary.deviceModelRisks(try PlanningSpec.decode(tines, baseDirectory: nil), spacingMM: 0.75)
    #expect(risks.count == 1 && risks[0].hasPrefix("planning.applicators.0 (rfa multi_tine)") && risks[0].contains("-35 % along"), "\(risks)")
}

@Test func malformedRFTemplatesNameTheirPath() {
    let cases: [([String], String, String)] = [
        (["planning.applicators.0.spacing_mm=5"], "planning.applicators.0.spacing_mm", "applies to \"cluster\" electrodes only"),
        (["planning.applicators.0.electrode=\"cluster\"", "planning.applicators.0.spacing_mm=1"], "planning.applicators.0.spacing_mm", "from 2 to 20 mm"),
        (["planning.applicators.0.electrode=\"cluster\"", "planning.applicators.0.spacing_mm=2", "planning.applicators.0.diameter_mm=2.5"],
         "planning.applicators.0.spacing_mm", "or the needles would touch"),
        (["planning.applicators.0.electrode=\"needle\""], "planning.applicators.0.electrode", "expected one of \"cooled_tip\", \"multi_tine\", \"cluster\""),
        (["planning.applicators.0.diameter_mm=9"], "planning.applicators.0.diameter_mm", "from 0.3 to 5 mm"),
        (["planning.applicators.0.coolant_temperature_c=50"], "planning.applicators.0.coolant_temperature_c", "from 0 to 37"),
        (["planning.applicators.0.active_length_mm=0"], "planning.applicators.0.active_length_mm", "from 2 to 60 mm"),
        (["planning.applicators.0.activ_length_mm=20"], "planning.applicators.0.activ_length_mm", "did you mean \"active_length_mm\""),
        (["planning.applicators.0.frequency_mhz=2450"], "planning.applicators.0.frequency_mhz", "unknown key"),
        (["planning.applicators.0.tip_mm=[0, 0, 0]"], "planning.applicators.0.tip_mm", "is chosen by the planner"),
        (["planning.applicators.0.entry_mm=[0, 0, 40]"], "planning.applicators.0.entry_mm", "is chosen by the planner"),
        (["planning.applicators.0.control={\"mode\": \"impedance\", \"max_power_w\": 200}"], "planning.applicators.0.control.max_power_w",
         "chosen by the planner from planning.applicators.0.power_w"),
        (["planning.applicators.0.control={\"mode\": \"constant_power\", \"power_w\": 20}"], "planning.applicators.0.control.power_w",
         "chosen by the planner"),
        (["planning.applicators.0.control={\"mode\": \"temperature\", \"target_c\": 90}"], "planning.applicators.0.control.mode",
         "\"temperature\" control needs thermocouples"),
        (["planning.applicators.0.control={\"mode\": \"impedance\", \"ramp\": \"steep\"}"], "planning.applicators.0.control.ramp",
         "expected one of \"generic\", \"leveen\""),
        (["planning.applicators.0.control={\"mode\": \"impedance\", \"rampe\": \"generic\"}"], "planning.applicators.0.control.rampe", "did you mean \"ramp\""),
        (["planning.applicators.0.control={\"mode\": \"impedance\", \"ramp\": \"leveen\", \"start_power_w\": 80}"],
         "planning.applicators.0.control.start_power_w", "expected at most max_power_w (60 W)"),
        (["planning.applicators.0.control=\"impedance\""], "planning.applicators.0.control", "expected an object"),
        (["planning.applicators.0.tines=8"], "planning.applicators.0.tines", "applies to \"multi_tine\" electrodes only"),
        (["planning.applicators.0.power_w=[50, 400]"], "planning.applicators.0.power_w.1", "from 1 to 300 W"),
        (["planning.applicators.0.duration_s=[600, 300]"], "planning.applicators.0.duration_s", "expected min <= max"),
        (["planning.applicators.0.type=\"heat_source\""], "planning.applicators.0.type", "expected \"mwa\" or \"rfa\""),
    ]
    for (overrides, path, text) in cases {
        let e = rfPlanningError(overrides)
        #expect(e?.path == path && e?.exitCode == 65 && e?.message.contains(text) == true, "\(overrides): \(String(describing: e))")
    }
}

/// Everything that changes an RF zone changes the zone cache's key; what does not (the plan's
/// own regions, planning keys) leaves it alone, so that presets share their library.
@Test func rfZoneCacheKeyCoversTheElectrodeAndGenerator() throws {
    func key(_ overrides: [String]) throws -> String {
        let p = try Preset.parse(bytes: Array(rfPlanPreset.utf8), source: "t.json", overrides: overrides).0
        let spec = try PlanningSpec.decode(p, baseDirectory: nil)
        let library = try ZoneLibrary.libraryPreset(template: spec.templates[0], preset: p, spacingMM: 2, powerW: 60, durationS: 150,
                                                    sizeMM: ZoneLibrary.initialSizeMM(spec.templates[0]))
        return ZoneLibrary.cacheKey(spec.templates[0], library: library)
    }
    let base = try key([])
    #expect(try key(["planning.clearance_mm=5"]) == base)
    #expect(try key(["regions.0.shape.radius_mm=7"]) == base)
    #expect(try key(["planning.applicators.0.diameter_mm=1.5"]) == base, "the default written out is the same electrode")
    let changes = [
        ["planning.applicators.0.active_length_mm=20"], ["planning.applicators.0.diameter_mm=1.2"],
        ["planning.applicators.0.coolant_temperature_c=10"],
        ["planning.applicators.0.electrode=\"cluster\""],
        ["planning.applicators.0.control={\"mode\": \"impedance\", \"ramp\": \"leveen\"}"],
        ["planning.applicators.0.control={\"mode\": \"constant_power\"}"],
        ["planning.applicators.0.update_interval_s=1"], ["planning.applicators.0.return_path_ohm=20"],
        ["materials={\"liver\": {\"electrical_conductivity_s_m\": 0.25}}"],
    ]
    var seen = Set([base])
    for change in changes {
        let k = try key(change)
        #expect(!seen.contains(k), "\(change) left the key unchanged")
        seen.insert(k)
    }
    let cluster = ["planning.applicators.0.electrode=\"cluster\""]
    #expect(try key(cluster + ["planning.applicators.0.spacing_mm=7"]) != (try key(cluster)))
}

/// A position of an RF template is an `rfa` applicator with the template's keys, the chosen
/// path, the power as the generator's maximum and the duration.
@Test func rfPositionBecomesAnRfaApplicator() throws {
    let p = try Preset.parse(bytes: Array(rfPlanPreset.utf8), source: "t.json").0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    let n = Candidate.Needle(tipMM: [1, 2, -6], entryMM: [1, 2, 26], templateIndex: 0, entryIndex: 0, powerW: 60,
                             durationS: 210, startS: 0, insertion: 0)
    let plan = try Planner.planPreset(p, Candidate(needles: [n], predictedMarginsMM: [3], predictedHealthyML: 1, label: "t"), spec)
    guard case let .radiofrequency(rf) = plan.applicators[0] else { Issue.record("not an rfa applicator"); return }
    #expect(rf.tipMM == [1, 2, -6] && rf.entryMM == [1, 2, 26] && rf.durationS == 210)
    #expect(rf.control == .impedance(maxPowerW: 60, ramp: .generic) && rf.activeLengthMM == 15 && rf.electrode == .cooledTip)
}

/// The search keeps an RF electrode's conductors a voxel inside the grid, as the preset decoder
/// demands of every plan it would otherwise refuse (exit 65 in the middle of planning).
@Test func rfElectrodesAreKeptInsideTheGrid() throws {
    let p = try Preset.parse(bytes: Array(rfPlanPreset.utf8), source: "t.json").0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    let problem = PlanningProblem(scene: try Scene(preset: p), preset: p, spec: spec)
    let reach = spec.templates[0].device.reach
    #expect(reach == .init(backMM: 15, forwardMM: 0, lateralMM: 0.75))
    // Active end at z = 15 mm, 10 mm from the edge: fits.
    #expect(problem.pathProblem(entry: [0, 0, 40], tip: [0, 0, 0], clearanceMM: 3, reach: reach) == nil)
    // Active end at z = 23 mm: within a voxel (2 mm) of the edge at 25 mm.
    #expect(problem.pathProblem(entry: [0, 0, 40], tip: [0, 0, 8], clearanceMM: 3, reach: reach) == .tipOutside)
    let n = Candidate.Needle(tipMM: [0, 0, 8], entryMM: [0, 0, 40], templateIndex: 0, entryIndex: 0, powerW: 60,
                             durationS: 300, startS: 0, insertion: 0)
    #expect(throws: PresetError.self) {
        _ = try Planner.planPreset(p, Candidate(needles: [n], predictedMarginsMM: [3], predictedHealthyML: 1, label: "t"), spec)
    }
    // Microwave antennas have no conductors to keep in: only the tip is checked, as before.
    #expect(TemplateDevice.microwave(frequencyMHz: 2450, device: "generic").reach == .init())
}

/// A template may fix the pump-off check and track ablation. Each placed electrode's withdrawal ends
/// where its path does: an entry 25 mm from the tip leaves 10 mm past the 15 mm bare tip, so a
/// 20 mm track becomes 10 mm, one 15.5 mm away has none (under the 1 mm minimum), and every placed
/// applicator decodes.
@Test func rfTemplateTrackAblationFollowsThePathLength() throws {
    let p = try Preset.parse(bytes: Array(rfPlanPreset.utf8), source: "t.json", overrides: [
        "planning.applicators.0.pump_off_s=30", #"planning.applicators.0.track_ablation={"length_mm": 20}"#]).0
    let spec = try PlanningSpec.decode(p, baseDirectory: nil)
    let device = spec.templates[0].device
    guard case let .radiofrequency(_, rf) = device else { Issue.record("not an RF template"); return }
    #expect(rf.pumpOffS == 30 && rf.trackAblation?.lengthMM == 20)
    func placed(entryZ: Double) throws -> Preset.RadiofrequencySpec? {
        let json = device.applicatorJSON(tipMM: [0, 0, -5], entryMM: [0, 0, entryZ - 5], powerW: 60, durationS: 300, startS: 0)
        guard case let .radiofrequency(r) = try Preset.decodeApplicator(json, path: "applicators.0", baseDirectory: nil) else { return nil }
        return r
    }
    #expect(try placed(entryZ: 60)?.trackAblation?.lengthMM == 20)
    #expect(try placed(entryZ: 25)?.trackAblation?.lengthMM == 10)
    let short = try #require(try placed(entryZ: 15.5))
    #expect(short.trackAblation == nil && short.pumpOffS == 30)
}
