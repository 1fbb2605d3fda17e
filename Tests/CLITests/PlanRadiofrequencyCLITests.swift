import Foundation
import Testing

/// An RF plan from the command line, then its plan.json through `ablsim run`: the run must
/// reproduce the verified margin exactly (same preset, same solver, deterministic), which shows
/// plan.json is the complete preset the plan was verified with; plan-summary.json's warnings are
/// that run's.
@Test func rfPlanJSONRerunsWithAblsimRun() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let preset = """
    {"ablsim": 1, "name": "rf", "grid": {"size_mm": [44, 44, 44], "spacing_mm": 2},
     "regions": [{"name": "tumor", "material": "tumor", "target": true,
                  "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 4}}],
     "applicators": [{"type": "rfa", "electrode": "cooled_tip", "active_length_mm": 15, "tip_mm": [0, 0, -7], "entry_mm": [0, 0, 40],
                      "control": {"mode": "impedance", "max_power_w": 60}, "duration_s": 120}],
     "margin_mm": 2,
     "planning": {"applicators": [{"type": "rfa", "electrode": "cooled_tip", "active_length_mm": 15,
                                   "power_w": [60, 60], "duration_s": [240, 240]}],
                  "max_applicators": 1}}
    """
    try preset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let plan = try CLI.run(["plan", "p.json", "--out", "out", "--no-cache", "--quiet", "--library-powers", "1", "--library-durations", "1",
                            "--max-verifications", "1", "--coarse-spacing", "3", "--threads", "2"], in: dir)
    #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/plan-summary.json"))) as! [String: Any]
    let verified = ((summary["plan"] as? [String: Any])?["verified"] as? [String: Any])?["targets"] as? [[String: Any]]
    let planned = try #require(verified?.first?["min_margin_mm"] as? Double)
    let run = try CLI.run(["run", "out/plan.json", "--out", "rerun", "--quiet", "--threads", "2"], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let rerun = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("rerun/summary.json"))) as! [String: Any]
    let margin = try #require((rerun["targets"] as? [[String: Any]])?.first?["min_margin_mm"] as? Double)
    #expect(abs(margin - planned) < 1e-3, "ablsim run gives \(margin) mm, the plan verified \(planned) mm")
    // The plan carries what its verified zone rests on: the verifying run's warnings, the same as the rerun's.
    let warnings = try #require(summary["warnings"] as? [String])
    #expect(warnings == rerun["warnings"] as? [String], "\(warnings)")
    #expect(warnings.contains { $0.contains("not calibrated per device") }, "\(warnings)")
    let text = try String(contentsOf: dir.appendingPathComponent("out/plan.json"), encoding: .utf8)
    #expect(text.contains("\"type\": \"rfa\"") && text.contains("\"max_power_w\": 60") && text.contains("\"duration_s\": 240"), "\(text)")
}
