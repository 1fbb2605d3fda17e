import Foundation
import Testing

// Earlier results are never replaced by accident, and bundled presets can be named like files.

@Test func anExistingOutputFolderIsRefusedUnlessForced() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try smallPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let first = try CLI.run(["run", "p.json", "--out", "out", "--quiet"], in: dir)
    #expect(first.status == 0, "\(first.stderr)")
    let summary = dir.appendingPathComponent("out/summary.json")
    let before = try Data(contentsOf: summary)

    let again = try CLI.run(["run", "p.json", "--out", "out", "--quiet", "--set", "applicators.0.schedule.0.power_w=1"], in: dir)
    #expect(again.status == 73, "\(again.stderr)")
    #expect(again.stderr.contains("already holds results") && again.stderr.contains("--force"), "\(again.stderr)")
    #expect(try Data(contentsOf: summary) == before, "the earlier results were touched")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["out", "p.json"], "staging left behind")

    let forced = try CLI.run(["run", "p.json", "--out", "out", "--quiet", "--force", "--set", "applicators.0.schedule.0.power_w=1"], in: dir)
    #expect(forced.status == 0, "\(forced.stderr)")
    let replaced = try JSONSerialization.jsonObject(with: Data(contentsOf: summary)) as! [String: Any]
    let resolved = replaced["resolved_preset"] as! [String: Any]
    let applicator = (resolved["applicators"] as! [[String: Any]])[0]
    #expect(((applicator["schedule"] as! [[String: Any]])[0]["power_w"] as! Double) == 1)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["out", "p.json"], "the replaced folder was left behind")

    // An empty folder (made ahead by a script) is not results: it is used without --force.
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty"), withIntermediateDirectories: true)
    let empty = try CLI.run(["run", "p.json", "--out", "empty", "--quiet"], in: dir)
    #expect(empty.status == 0, "\(empty.stderr)")
    // A file in the way is never replaced, even with --force.
    try "x".write(to: dir.appendingPathComponent("plain"), atomically: true, encoding: .utf8)
    let file = try CLI.run(["run", "p.json", "--out", "plain", "--quiet", "--force"], in: dir)
    #expect(file.status == 73 && file.stderr.contains("is a file"), "\(file.stderr)")
}

@Test func planAndSweepCaseRefuseAnExistingOutputFolder() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try smallPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
    try "earlier".write(to: dir.appendingPathComponent("out/notes.txt"), atomically: true, encoding: .utf8)
    let plan = try CLI.run(["plan", "p.json", "--out", "out", "--evaluate-only", "--quiet"], in: dir)
    #expect(plan.status == 73 && plan.stderr.contains("--force"), "\(plan.stderr)")
    let sweep = """
        {"ablsim_sweep": 1, "name": "s", "base": "p.json", "axes": {"applicators.0.schedule.0.power_w": [1, 1.5]}}
        """
    try sweep.write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
    let list = try CLI.run(["sweep", "list", "s.json", "--out", "runs"], in: dir)
    #expect(list.status == 0, "\(list.stderr)")
    // Each line: the case id, a tab, the command.
    let id = try #require(list.stdout.split(separator: "\n").first?.split(separator: "\t").first.map(String.init))
    let caseRun = try CLI.run(["sweep", "case", "s.json", "--id", id, "--out", "out", "--quiet"], in: dir)
    #expect(caseRun.status == 73 && caseRun.stderr.contains("--force"), "\(caseRun.stderr)")
    #expect(try String(contentsOf: dir.appendingPathComponent("out/notes.txt"), encoding: .utf8) == "earlier")
    // The commands a sweep lists replace their own case folders: a re-run after a failure must not stop at exit 73.
    #expect(list.stdout.contains(" --force "), "\(list.stdout)")
}

@Test func bundledPresetsCanBeNamedWhereAFileIsExpected() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let check = try CLI.run(["check", "mwa-2450-emprint-100w-5min"], in: dir)
    #expect(check.status == 0, "\(check.stderr)")
    #expect(check.stdout.contains("\"name\": \"mwa-2450-emprint-100w-5min\""))
    let unknown = try CLI.run(["check", "no-such-preset"], in: dir)
    #expect(unknown.status == 66 && unknown.stderr.contains("no bundled preset has that name"), "\(unknown.stderr)")

    // A file of that name wins over the bundled preset.
    try smallPreset.write(to: dir.appendingPathComponent("heat-source-sphere"), atomically: true, encoding: .utf8)
    let file = try CLI.run(["check", "heat-source-sphere"], in: dir)
    #expect(file.status == 0 && file.stdout.contains("\"name\": \"small\""), "\(file.stdout)")

    // A sweep's base may be a bundled name too; its cases run like an inline base.
    let sweep = """
        {"ablsim_sweep": 1, "name": "s", "base": "heat-source-vessel", "axes": {"applicators.0.schedule.0.power_w": [4, 5]}}
        """
    try sweep.write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
    let list = try CLI.run(["sweep", "list", "s.json", "--out", "runs"], in: dir)
    #expect(list.status == 0, "\(list.stderr)")
    #expect(list.stdout.contains("sweep case"), "\(list.stdout)")
}
