import Foundation
import Testing

/// `ablsim plan` from the command line: exact refusals (exit 65, nothing written), exit 2 with
/// plan-summary.json for an infeasible plan, and Ctrl-C (exit 130, nothing left behind).
/// Coarse 2 mm grids and one-point zone libraries keep these to a few seconds.
let planCLIPreset = """
{"ablsim": 1, "name": "h", "grid": {"size_mm": [40, 40, 40], "spacing_mm": 2},
 "regions": [{"name": "tumor", "material": "tumor", "target": true,
              "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 4}},
             {"name": "vein", "material": "blood", "vessel": true,
              "shape": {"type": "cylinder", "start_mm": [12, -20, 0], "end_mm": [12, 20, 0], "radius_mm": 2}}],
 "applicators": [{"type": "mwa", "frequency_mhz": 2450, "tip_mm": [0, 0, -5], "entry_mm": [0, 0, 30],
                  "schedule": [{"duration_s": 60, "power_w": 60}]}],
 "margin_mm": 3,
 "planning": {"applicators": [{"type": "mwa", "frequency_mhz": 2450, "power_w": [40, 80], "duration_s": [60, 120]}],
              "max_applicators": 1}}
"""

let hostilePlanningCases: [(String, Int32, String)] = [
    ("planning=null", 65, "ablsim: error: planning: got null; expected an object"),
    ("planning=[]", 65, "ablsim: error: planning: got an array; expected an object"),
    ("planning.applicators=[]", 65, "ablsim: error: planning.applicators: is empty; expected at least one device template"),
    ("planning.applicators.0.type=\"heat_source\"", 65, "ablsim: error: planning.applicators.0.type: got \"heat_source\"; the planner places needles; expected \"mwa\" or \"rfa\""),
    ("planning.applicators.0={\"type\":\"rfa\",\"electrode\":\"cluster\",\"spacing_mm\":1,\"power_w\":[50,200],\"duration_s\":[300,600]}", 65,
     "ablsim: error: planning.applicators.0.spacing_mm: got 1; expected a number from 2 to 20 mm"),
    ("planning.applicators.0={\"type\":\"rfa\",\"control\":{\"mode\":\"impedance\",\"max_power_w\":200},\"power_w\":[50,200],\"duration_s\":[300,600]}", 65,
     "ablsim: error: planning.applicators.0.control.max_power_w: is chosen by the planner from planning.applicators.0.power_w; expected no max_power_w in a template's control"),
    ("planning.applicators.0.power_w=[80,40]", 65, "ablsim: error: planning.applicators.0.power_w: got [80, 40]; expected min <= max"),
    ("planning.applicators.0.power_w=70", 65, "ablsim: error: planning.applicators.0.power_w: got a number; expected [min, max] with 1 <= min <= max <= 300 W"),
    ("planning.applicators.0.duration_s=[60,4000]", 65, "ablsim: error: planning.applicators.0.duration_s.1: got 4000; expected a number from 10 to 3600 s"),
    ("planning.applicators.0.frequency_mhz=900", 65, "ablsim: error: planning.applicators.0.frequency_mhz: got 900; expected 915 or 2450 (MHz)"),
    ("planning.max_applicators=0", 65, "ablsim: error: planning.max_applicators: got 0; expected a number from 1 to 3"),
    ("planning.avoid=[\"vien\"]", 65, "ablsim: error: planning.avoid.0: got \"vien\"; expected the name of a region: \"tumor\", \"vein\" (did you mean \"vein\"?)"),
    ("planning.clearance_mm=100", 65, "ablsim: error: planning.clearance_mm: got 100; expected a number from 0 to 50 mm"),
    ("planning.entrance={}", 65, "ablsim: error: planning.entrance: unknown key \"entrance\"; expected one of: \"applicators\", \"max_applicators\", \"entry\", \"clearance_mm\", \"avoid\""),
    ("planning.entry={\"type\":\"cube\"}", 65, "ablsim: error: planning.entry.type: got \"cube\"; expected one of \"sphere\", \"ellipsoid\", \"cylinder\", \"box\", \"label_map\""),
]

@Test func hostilePlanningBlocksAreRefusedExactly() throws {
    for (assignment, status, message) in hostilePlanningCases {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try planCLIPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["plan", "p.json", "--out", "out", "--no-cache", "--quiet", "--set", assignment], in: dir)
        #expect(r.status == status, "\(assignment): \(r.stderr)")
        #expect(r.stderr.trimmingCharacters(in: .newlines) == message, "\(assignment)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["p.json"], "\(assignment): output left behind")
        // `ablsim check` reads the planning block the same way.
        let check = try CLI.run(["check", "p.json", "--set", assignment], in: dir)
        #expect(check.status == status && check.stderr.trimmingCharacters(in: .newlines) == message, "check \(assignment): \(check.stderr)")
    }
}

@Test func planUsageErrorsExit64WithNothingWritten() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try planCLIPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    for args in [["--library-powers", "0"], ["--max-verifications", "21"], ["--samples", "-1"], ["--evaluate-only", "--cache", "c"], ["--coarse-spacing", "0"]] {
        let r = try CLI.run(["plan", "p.json", "--out", "out", "--quiet"] + args, in: dir)
        #expect(r.status == 64, "\(args): \(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["p.json"], "\(args)")
    }
    let missing = try CLI.run(["plan", "nope.json", "--out", "out", "--quiet"], in: dir)
    #expect(missing.status == 66 && missing.stderr.contains("nope.json does not exist"), "\(missing.stderr)")
}

/// A 30 mm tumour for one needle of at most 45 W for 60 s: exit 2, and plan-summary.json says why,
/// with the best attempt's numbers when a near miss was simulated.
@Test func infeasiblePlanExits2AndStillWritesItsSummary() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try planCLIPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["plan", "p.json", "--out", "out", "--no-cache", "--library-powers", "1", "--library-durations", "1",
                         "--max-verifications", "1", "--set", "regions.0.shape.radius_mm=15", "--set", "regions.1.shape.start_mm=[19,-20,0]",
                         "--set", "regions.1.shape.end_mm=[19,20,0]", "--set", "planning.applicators.0.power_w=[45,45]",
                         "--set", "planning.applicators.0.duration_s=[60,60]"], in: dir)
    #expect(r.status == 2, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("no feasible plan: "), "\(r.stdout)")
    let data = try Data(contentsOf: dir.appendingPathComponent("out/plan-summary.json"))
    let summary = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    #expect(summary["feasible"] as? Bool == false)
    let reason = summary["reason"] as? String
    #expect(reason == "too_large" || reason == "too_close_to_vessel", "\(String(describing: reason))")
    #expect((summary["explanation"] as? String)?.isEmpty == false)
    // Nothing passed the coarse simulation, so its closest miss was simulated in full: the best attempt.
    let attempt = summary["best_attempt"] as? [String: Any]
    #expect(attempt?["confirmed"] as? Bool == false, "\(String(describing: summary["best_attempt"]))")
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/plan.json").path))
    // No staging folder is left beside the output.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["out", "p.json"])
}

/// Ctrl-C while the zone library is being simulated: exit 130, no output folder, no staging folder.
@Test func interruptedPlanLeavesNothingBehind() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try planCLIPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    // One library zone of an hour of simulated time: still running after its first progress line.
    let r = try interruptOnceRunning(["plan", "p.json", "--out", "out", "--no-cache", "--library-powers", "1", "--library-durations", "1",
                                      "--set", "planning.applicators.0.duration_s=[3600,3600]"], in: dir)
    #expect(r.sawProgress, "no progress line before the plan ended: \(r.stderr)")
    #expect(r.status == 130, "\(r.stderr)")
    #expect(r.stderr.hasSuffix("ablsim: error: the run was cancelled\n"), "\(r.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["p.json"])
}
