import Foundation
import Testing

/// A preset that places no applicators can be planned (the planner places them) but not run:
/// `ablsim run` refuses it with exit 65, naming `applicators` and pointing at `ablsim plan`.

func planCLIPresetEditing(_ edit: (inout [String: Any]) -> Void) -> String {
    var document = try! JSONSerialization.jsonObject(with: Data(planCLIPreset.utf8)) as! [String: Any]
    edit(&document)
    return String(decoding: try! JSONSerialization.data(withJSONObject: document), as: UTF8.self)
}

/// planCLIPreset with its `applicators` key removed.
let unplacedPlanPreset = planCLIPresetEditing { $0.removeValue(forKey: "applicators") }

@Test func planPlacesApplicatorsInAPresetWithoutThem() throws {
    for (label, text, extra) in [("no applicators key", unplacedPlanPreset, [String]()), ("applicators: []", planCLIPreset, ["--set", "applicators=[]"])] {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try text.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
        // A grid the zone stays inside, and one library point that covers 4 mm + 3 mm.
        let r = try CLI.run(["plan", "p.json", "--out", "out", "--no-cache", "--quiet", "--library-powers", "1", "--library-durations", "1",
                             "--set", "grid.size_mm=[60,60,60]", "--set", "planning.applicators.0.power_w=[60,60]",
                             "--set", "planning.applicators.0.duration_s=[120,120]"] + extra, in: dir)
        #expect(r.status == 0, "\(label): \(r.stdout)\n\(r.stderr)")
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/plan.json"))) as! [String: Any]
        let placed = plan["applicators"] as? [[String: Any]] ?? []
        #expect(!placed.isEmpty && placed.allSatisfy { $0["type"] as? String == "mwa" && $0["tip_mm"] != nil }, "\(label): \(placed)")
        // The plan it wrote runs like any preset.
        let check = try CLI.run(["check", "out/plan.json"], in: dir)
        #expect(check.status == 0, "\(label): \(check.stderr)")
    }
}

@Test func runAndCheckRefuseAPresetWithoutApplicators() throws {
    func withPlanning(_ problem: String) -> String {
        "ablsim: error: applicators: \(problem); expected at least one applicator to simulate. To have ablsim choose them, run `ablsim plan` on this preset"
    }
    func withoutPlanning(_ problem: String) -> String {
        withPlanning(problem) + " after adding a planning block (planning.applicators templates with power_w and duration_s ranges; docs/planning.md)"
    }
    let cases: [(String, String, [String], String)] = [
        ("empty, planning block", planCLIPreset, ["--set", "applicators=[]"], withPlanning("is empty")),
        ("missing, planning block", unplacedPlanPreset, [], withPlanning("is missing")),
        ("empty, no planning block", planCLIPresetEditing { $0["applicators"] = []; $0.removeValue(forKey: "planning") }, [],
         withoutPlanning("is empty")),
        ("missing, no planning block", smallPresetWithoutApplicators, [], withoutPlanning("is missing")),
    ]
    for (label, text, extra, message) in cases {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try text.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", "p.json", "--out", "out"] + extra, in: dir)
        #expect(run.status == 65, "\(label): \(run.stderr)")
        if !message.isEmpty { #expect(run.stderr.trimmingCharacters(in: .newlines) == message, "\(label): \(run.stderr)") }
        #expect(run.stderr.contains("run `ablsim plan` on this preset"), "\(label): \(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["p.json"], "\(label): output left behind")
        // `ablsim check` accepts it only for planning: with a planning block it is valid.
        let check = try CLI.run(["check", "p.json"] + extra, in: dir)
        let plannable = !message.contains("after adding a planning block")
        #expect(check.status == (plannable ? 0 : 65), "\(label): \(check.stderr)")
        if !plannable { #expect(check.stderr.contains("after adding a planning block"), "\(label): \(check.stderr)") }
    }
}

/// smallPreset without its heat source (and no planning block).
let smallPresetWithoutApplicators: String = {
    var document = try! JSONSerialization.jsonObject(with: Data(smallPreset.utf8)) as! [String: Any]
    document.removeValue(forKey: "applicators")
    return String(decoding: try! JSONSerialization.data(withJSONObject: document), as: UTF8.self)
}()
