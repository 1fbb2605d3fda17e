import Foundation
import Testing

/// Runs the built `ablsim` executable the way a user or a script would.
struct CLI {
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ablsim")
    }

    /// `environment`: variables set on top of this process's.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws
        -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.currentDirectoryURL = directory
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The repository's top folder (this file is Tests/CLITests/CLITests.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let smallPreset = """
{"ablsim": 1, "name": "small", "grid": {"size_mm": [16, 16, 16], "spacing_mm": 1},
 "regions": [{"name": "tumor", "material": "tumor", "target": true,
              "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2}}],
 "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2},
                  "schedule": [{"duration_s": 60, "power_w": 1.5}]}],
 "time": {"cooldown_s": 10}}
"""

@Test func runWritesEveryPromisedFile() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try smallPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["run", "p.json", "--out", "out", "--quiet"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    // 3D Slicer reads an STL's frame from SPACE=RAS in its header; without it the zone loads mirrored in x and y.
    let stl = try Data(contentsOf: dir.appendingPathComponent("out/ablation.stl"))
    #expect(String(decoding: stl.prefix(80), as: UTF8.self).hasPrefix("SPACE=RAS "), "STL header: \(String(decoding: stl.prefix(80), as: UTF8.self))")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path)
    #expect(Set(files) == ["summary.json", "necrosis.nii.gz", "temperature_max.nii.gz", "damage.nii.gz", "labels.nii.gz",
                           "timeseries.csv", "zone.vti", "ablation.stl", "preview.png"])
    let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/summary.json"))) as! [String: Any]
    for key in ["ablsim_version", "preset_name", "preset_sha256", "resolved_preset", "grid", "simulated_time_s", "time_steps",
                "wall_time_s", "ablation", "targets", "max_temperature_c", "applicators", "warnings", "seed"] {
        #expect(summary[key] != nil, "summary.json lacks \(key)")
    }
    #expect((summary["simulated_time_s"] as! Double) == 70)
    let ablation = summary["ablation"] as! [String: Any]
    #expect((ablation["volume_ml"] as! Double) > 0)
    let targets = summary["targets"] as! [[String: Any]]
    #expect(targets.count == 1 && (targets[0]["complete"] as! Bool))
    #expect(summary["outputs"] as! [String] == files.sorted().filter { $0 != "summary.json" }.sorted() + ["summary.json"]
            || Set(summary["outputs"] as! [String]) == Set(files))
    // No staging folders are left next to the output.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["out", "p.json"])
}

@Test func sameInputsGiveIdenticalOutputs() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try smallPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    _ = try CLI.run(["run", "p.json", "--out", "a", "--quiet", "--threads", "1"], in: dir)
    _ = try CLI.run(["run", "p.json", "--out", "b", "--quiet", "--threads", "2"], in: dir)
    for f in ["necrosis.nii.gz", "damage.nii.gz", "temperature_max.nii.gz", "timeseries.csv"] {
        let a = try Data(contentsOf: dir.appendingPathComponent("a/\(f)")), b = try Data(contentsOf: dir.appendingPathComponent("b/\(f)"))
        #expect(a == b, "\(f) differs between runs")
    }
}

@Test(arguments: [
    ("{\"ablsim\": 1,", [String](), Int32(65), "is not valid JSON: line 1, column 14"),
    ("", [], 65, "the document is empty"),
    (smallPreset, ["--set", "grid.spcing_mm=1"], 65, "grid.spcing_mm: unknown key \"spcing_mm\"; did you mean \"spacing_mm\"?"),
    (smallPreset, ["--set", "time.dt_s=10"], 65, "time.dt_s: got 10 s; expected at most"),
    (smallPreset, ["--set", "grid.spacing_mm=0.05", "--set", "grid.size_mm=[3000,3000,3000]"], 65, "grid.size_mm.0: got 3000; expected a number > 0 and <= 2000 mm"),
    (smallPreset, ["--set", "grid.spacing_mm=0.05", "--set", "grid.size_mm=[2000,2000,2000]"], 65, "GiB of memory"),
    (smallPreset, ["--set", "applicators.0.schedule.0.power_w=-3"], 65, "applicators.0.schedule.0.power_w: got -3; expected a number from 0 to 10000 W"),
    (smallPreset, ["--set", "applicators.0.shape.center_mm=[1,2]"], 65, "applicators.0.shape.center_mm: got an array of 2 elements"),
    (smallPreset, ["--set", "nosuch"], 64, "expected path=value"),
])
func badInputFailsCleanly(preset: String, extra: [String], code: Int32, message: String) throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try preset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["run", "p.json", "--out", "out", "--quiet"] + extra, in: dir)
    #expect(r.status == code, "\(r.stderr)")
    #expect(r.stderr.contains(message), "\(r.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["p.json"], "partial output left behind")
}

@Test func missingPresetExits66AndUnwritableOutputExits73() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let missing = try CLI.run(["run", "nope.json", "--quiet"], in: dir)
    #expect(missing.status == 66 && missing.stderr.contains("nope.json does not exist"))
    try smallPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    try "x".write(to: dir.appendingPathComponent("file"), atomically: true, encoding: .utf8)
    let blocked = try CLI.run(["run", "p.json", "--out", "file/out", "--quiet"], in: dir)
    #expect(blocked.status == 73, "\(blocked.stderr)")
    #expect(blocked.stderr.contains("cannot create output folder"))
}

@Test func checkPrintsTheResolvedPreset() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try smallPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["check", "p.json"], in: dir)
    #expect(r.status == 0)
    let resolved = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    #expect((resolved["margin_mm"] as! Double) == 5)
    #expect((resolved["boundary"] as! [String: Any])["type"] as! String == "dirichlet")
    let presets = try CLI.run(["presets"], in: dir)
    #expect(presets.status == 0 && presets.stdout.contains("heat-source-sphere (default)"))
    let usage = try CLI.run(["run", "--threads", "0"], in: dir)
    #expect(usage.status == 64)
}

@Test func verifyQuickPassesAndPrintsItsTable() throws {
    let r = try CLI.run(["verify", "--quick"], in: try CLI.scratch())
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("spectral-dirichlet") && r.stdout.contains("0 failed"))
    let j = try CLI.run(["verify", "--quick", "--json"], in: try CLI.scratch())
    #expect(j.status == 0, "\(j.stdout)\n\(j.stderr)")
    let report = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as! [String: Any]
    let checks = report["checks"] as! [[String: Any]]
    #expect(report["passed"] as? Bool == true && !checks.isEmpty)
    for check in checks {
        for key in ["name", "physics", "reference", "error", "tolerance", "observed_order", "passed"] {
            #expect(check.keys.contains(key), "\(check["name"] ?? "?") lacks \(key)")
        }
        #expect((check["error"] as! Double) <= (check["tolerance"] as! Double))
    }
}

/// Starts `ablsim` with `arguments` in `directory`, waits until its stderr shows a progress line
/// ("t = ", printed at a simulation's first sample, after the Ctrl-C handler is installed), sends
/// SIGINT, and returns the exit status and everything it wrote on stderr. No sleeping: the signal
/// lands while a simulation is known to be running, however slow the machine.
func interruptOnceRunning(_ arguments: [String], in directory: URL) throws -> (status: Int32, stderr: String, sawProgress: Bool) {
    let p = Process()
    p.executableURL = CLI.executable
    p.arguments = arguments
    p.currentDirectoryURL = directory
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    var text = ""
    var sawProgress = false
    while !sawProgress {
        let chunk = err.fileHandleForReading.availableData
        if chunk.isEmpty { break } // stderr closed: the process ended without a progress line
        text += String(decoding: chunk, as: UTF8.self)
        sawProgress = text.contains("t = ")
    }
    if sawProgress { kill(p.processIdentifier, SIGINT) }
    text += String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return (p.terminationStatus, text, sawProgress)
}

/// Ctrl-C (SIGINT) mid-run: the run stops at the next damage sample, exits 130, says so, and leaves
/// no output folder and no staging folder.
@Test func interruptLeavesNothingBehind() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try smallPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    // An hour of simulated time: still running long after its first progress line.
    let r = try interruptOnceRunning(["run", "p.json", "--out", "out", "--set", "applicators.0.schedule.0.duration_s=3600",
                                      "--set", "grid.spacing_mm=0.5"], in: dir)
    #expect(r.sawProgress, "no progress line before the run ended: \(r.stderr)")
    #expect(r.status == 130, "\(r.stderr)")
    #expect(r.stderr.hasSuffix("ablsim: error: the run was cancelled\n"), "\(r.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["p.json"])
}
