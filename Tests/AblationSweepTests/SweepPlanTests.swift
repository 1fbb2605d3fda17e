import AblationJSON
import AblationPreset
import AblationRun
import AblationSweep
import Foundation
import Testing

private let base: JSONValue = try! JSONParser.parse("""
{"ablsim": 1, "grid": {"size_mm": [16, 16, 16], "spacing_mm": 1},
 "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2},
                  "schedule": [{"duration_s": 60, "power_w": 1.5}]}]}
""")

private func plan(_ body: String) throws -> SweepPlan {
    let document = try JSONParser.parse("{\"ablsim_sweep\": 1, \"base\": \(JSONWriter.compact(base)), \(body)}")
    return try SweepPlan.make(try SweepFile.decode(document, directory: "/tmp"), sweepPath: "/tmp/s.json")
}

private func values(_ p: SweepPlan) -> [[String]] {
    p.cases.map { $0.values.map { JSONWriter.compact($0.1) } }
}

@Test func productRunsTheLastAxisFastest() throws {
    let p = try plan("\"axes\": {\"applicators.0.schedule.0.power_w\": [1, 2, 3], \"time.cooldown_s\": [0, 10]}")
    #expect(values(p) == [["1", "0"], ["1", "10"], ["2", "0"], ["2", "10"], ["3", "0"], ["3", "10"]])
    #expect(p.cases.map(\.index) == Array(0..<6))
    #expect(Set(p.cases.map(\.id)).count == 6)
    #expect(p.cases[3].id.hasPrefix("power_w=2_cooldown_s=10-"))
    #expect(p.cases[3].assignments == ["applicators.0.schedule.0.power_w=2", "time.cooldown_s=10"])
}

@Test func zipPairsByPosition() throws {
    let p = try plan("\"combine\": \"zip\", \"axes\": {\"applicators.0.schedule.0.power_w\": [1, 2], \"damage.model\": [\"cem43\", \"isotherm\"]}")
    #expect(values(p) == [["1", "\"cem43\""], ["2", "\"isotherm\""]])
    #expect(p.cases[1].id.hasPrefix("power_w=2_model=isotherm-"))
    #expect(try p.preset(for: p.cases[1]).damage.model == .isotherm)
}

/// Ids depend on the parameters only: a case keeps its id (and so its finished folder) when values
/// are added around it, when axes are reordered, and whether a number is written 60 or 60.0.
@Test func caseIdsAreStable() throws {
    let small = try plan("\"axes\": {\"applicators.0.schedule.0.power_w\": [2, 3], \"time.cooldown_s\": [10]}")
    let large = try plan("\"axes\": {\"applicators.0.schedule.0.power_w\": [1, 2.0, 3, 4], \"time.cooldown_s\": [0, 10]}")
    let reordered = try plan("\"axes\": {\"time.cooldown_s\": [10], \"applicators.0.schedule.0.power_w\": [2, 3]}")
    for c in small.cases { #expect(large.cases.contains { $0.id == c.id }, "\(c.id) changed") }
    #expect(Set(reordered.cases.map { $0.id.split(separator: "-").last! }) == Set(small.cases.map { $0.id.split(separator: "-").last! }))
    #expect(small.cases.map(\.id) == (try plan("\"axes\": {\"applicators.0.schedule.0.power_w\": [2, 3], \"time.cooldown_s\": [10]}")).cases.map(\.id))
}

@Test func samplesAreSeededAndInRange() throws {
    let body = "\"samples\": 50, \"seed\": 7, \"axes\": {\"applicators.0.schedule.0.power_w\": {\"min\": 1, \"max\": 3}, \"damage.model\": [\"arrhenius\", \"cem43\"]}"
    let a = try plan(body), b = try plan(body)
    #expect(a.cases.map(\.id) == b.cases.map(\.id))
    let other = try plan(body.replacingOccurrences(of: "\"seed\": 7", with: "\"seed\": 8"))
    #expect(Set(other.cases.map(\.id)).isDisjoint(with: a.cases.map(\.id)))
    var models = Set<String>()
    for c in a.cases {
        guard case let .number(p) = c.values[0].1 else { Issue.record("power is not a number"); continue }
        #expect(p >= 1 && p < 3)
        if case let .string(m) = c.values[1].1 { models.insert(m) }
    }
    #expect(models == ["arrhenius", "cem43"])
}

@Test func selectionsPartitionTheCases() throws {
    let p = try plan("\"axes\": {\"applicators.0.schedule.0.power_w\": [1, 2, 3, 4, 5, 6, 7]}")
    var byTask: [String] = []
    for i in 0..<3 { byTask += try CaseSelection.task(index: i, chunk: 3).pick(p.cases).map(\.id) }
    #expect(byTask == p.cases.map(\.id))
    var byShard: [String] = []
    for i in 0..<3 { byShard += try CaseSelection.shard("\(i)/3").pick(p.cases).map(\.id) }
    #expect(byShard.sorted() == p.cases.map(\.id).sorted())
    #expect(throws: PresetError.self) { try CaseSelection.task(index: 3, chunk: 3).pick(p.cases) }
    for bad in ["3/3", "-1/2", "1", "a/b", "0/0"] { #expect(throws: PresetError.self) { try CaseSelection.shard(bad) } }
}

@Test func shellQuotingSurvivesTheShell() throws {
    let words = ["plain", "regions.0.shape.center_mm=[0,0,5]", "name=it's", "a b", "", "$HOME", "x=\"cem43\""]
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "printf '%s\\n' " + ShellQuote.join(words)]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(text == words.map { $0 + "\n" }.joined())
}

@Test func collectReadsCompleteFailedAndPendingCases() throws {
    let p = try plan("\"axes\": {\"applicators.0.schedule.0.power_w\": [1, 2, 3]}")
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-collect-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let layout = SweepLayout(root: root)
    try SweepManifest(plan: p).write(to: layout)
    try FileManager.default.createDirectory(at: layout.caseDirectory(p.cases[0].id), withIntermediateDirectories: true)
    let summary = """
    {"ablation": {"volume_ml": 1.5, "long_axis_mm": 12, "short_axis_mm": 10, "sphericity": 0.9},
     "max_temperature_c": 80, "simulated_time_s": 60, "wall_time_s": 0.5,
     "applicators": [{"delivered_energy_j": 60}, {"delivered_energy_j": 30}],
     "targets": [{"coverage_percent": 100, "min_margin_mm": 2}],
     "resolved_preset": {"applicators": [{"schedule": [{"duration_s": 60, "power_w": 1}, {"duration_s": 30, "power_w": 0.5}]}]}}
    """
    try summary.write(to: layout.summary(p.cases[0].id), atomically: true, encoding: .utf8)
    try CaseFailure(caseID: p.cases[1].id, exitCode: 70, signal: nil, message: "non-finite temperature, at (0, 0, 0) mm")
        .record(in: layout, stderr: Data("ablsim: error: non-finite temperature\n".utf8))
    let collection = SweepCollection.read(try SweepManifest.read(layout), layout: layout)
    #expect(collection.counts == (1, 1, 1))
    let lines = collection.csv.split(separator: "\n").map(String.init)
    #expect(lines[0] == "case_id,status,applicators.0.schedule.0.power_w,volume_ml,long_axis_mm,short_axis_mm,sphericity,max_temperature_c,delivered_energy_j,power_w,heating_time_s,simulated_time_s,coverage_percent,min_margin_mm,wall_time_s,error")
    #expect(lines[1] == "\(p.cases[0].id),complete,1,1.5,12,10,0.9,80,90,1,90,60,100,2,0.5,")
    #expect(lines[2] == "\(p.cases[1].id),failed,2,,,,,,,,,,,,,\"non-finite temperature, at (0, 0, 0) mm\"")
    #expect(lines[3] == "\(p.cases[2].id),pending,3,,,,,,,,,,,,,")
}
