import AblationAnalysis
import AblationJSON
@testable import AblationPlan
import AblationPreset
import AblationRun
import AblationSimulation
import Foundation
import Testing

/// An RF plan end to end on coarse grids: the verifying run must really cover with the margin,
/// the coarse simulation (2 mm against the 1.5 mm verification) must predict its margin within
/// the 1.5 mm README's status promises for coarse predictions, the plan must use only what an rfa applicator can express (no pull-back:
/// every position starts at time zero), and plan.json must decode as the same rfa applicator.
@Test func coarseRFPlanIsConfirmedWithinTheTolerance() throws {
    try withPresetFile(rfPlanPreset.replacingOccurrences(of: "\"spacing_mm\": 2}", with: "\"spacing_mm\": 1.5}")) { path, dir in
        let planner = testPlanner(path, dir, powers: 1, durations: 2, coarseSpacingMM: 2)
        let outcome = try planner.run()
        let feasible = outcome.feasible
        #expect(feasible, "\(outcome.explanation)")
        let v = try #require(outcome.verifications.last)
        #expect(v.computed.analysis.targets.allSatisfy { $0.completeWithMargin })
        let error = abs(v.predicted.targets[0].minMarginMM - v.computed.analysis.targets[0].minMarginMM)
        #expect(error <= 1.5, "coarse RF margin off by \(error) mm (2 mm coarse run, 1.5 mm verification)")
        #expect(v.candidate.needles.allSatisfy { $0.startS == 0 }, "\(v.candidate.label)")
        #expect(outcome.summary["zone_library"].map { JSONWriter.compact($0).contains("\"electrode\":\"cooled_tip\"") } == true)
        let plan = try Preset.load(contentsOf: outcome.directory.appendingPathComponent("plan.json").path).0
        guard case let .radiofrequency(rf) = plan.applicators[0] else { Issue.record("plan.json holds no rfa applicator"); return }
        let n = v.candidate.needles[0]
        #expect(rf.control == .impedance(maxPowerW: n.powerW, ramp: .generic) && rf.durationS == n.durationS)
        #expect(rf.electrode == .cooledTip && rf.activeLengthMM == 15 && rf.coolantTemperatureC == 15)
        // The library's two RF zones grow with time.
        let points = try #require(outcome.summary["zone_library"].flatMap { if case let .array(a) = $0 { return a.first?["points"] } else { return nil } })
        guard case let .array(entries) = points, entries.count == 2,
              case let .number(shorter)? = entries[0]["zone_volume_ml"], case let .number(longer)? = entries[1]["zone_volume_ml"] else {
            Issue.record("\(points)"); return
        }
        #expect(shorter < longer, "\(shorter) mL at 300 s, \(longer) mL at 600 s")
    }
}
