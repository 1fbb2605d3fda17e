import Foundation
import Testing

/// Six small cases (48³ voxels, about 0.3-0.6 s each in a debug build): enough to kill a sweep half-way.
private let sweepBase = """
{"ablsim": 1, "name": "small", "grid": {"size_mm": [24, 24, 24], "spacing_mm": 0.5},
 "regions": [{"name": "tumor", "material": "tumor", "target": true,
              "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2}}],
 "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2},
                  "schedule": [{"duration_s": 120, "power_w": 1.5}]}],
 "time": {"cooldown_s": 10}, "output": {"formats": ["csv"]}}
"""
private let sixCases = """
{"ablsim_sweep": 1, "name": "six", "base": "base.json",
 "axes": {"applicators.0.schedule.0.power_w": [1, 1.5, 2], "applicators.0.schedule.0.duration_s": [100, 200]}}
"""

private func writeSweep(_ dir: URL, sweep: String = sixCases) throws {
    try sweepBase.write(to: dir.appendingPathComponent("base.json"), atomically: true, encoding: .utf8)
    try sweep.write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
}

private func caseFolders(_ dir: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out/cases").path)) ?? []).sorted()
}

/// (inode, modification time) of each complete case's summary.json: a rerun that redid a case
/// would replace the file (atomic rename), changing its inode.
private func fingerprints(_ dir: URL) throws -> [String: [Int]] {
    var out: [String: [Int]] = [:]
    for name in caseFolders(dir) where !name.hasPrefix(".") {
        let path = dir.appendingPathComponent("out/cases/\(name)/summary.json").path
        guard FileManager.default.fileExists(atPath: path) else { continue }
        var info = stat()
        #expect(stat(path, &info) == 0)
        out[name] = [Int(info.st_ino), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
    }
    return out
}

private func csvRows(_ dir: URL) throws -> [[String]] {
    try String(contentsOf: dir.appendingPathComponent("out/summary.csv"), encoding: .utf8)
        .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
}

@Test func sweepRunsEveryCaseAndCollectTabulatesThem() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeSweep(dir)
    let r = try CLI.run(["sweep", "s.json", "--out", "out", "--jobs", "2"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("6 cases: 6 run, 0 already complete, 0 failed"))
    #expect(caseFolders(dir).count == 6 && caseFolders(dir).allSatisfy { !$0.hasPrefix(".") })
    let c = try CLI.run(["sweep", "collect", "out"], in: dir)
    #expect(c.status == 0, "\(c.stderr)")
    let rows = try csvRows(dir)
    #expect(rows.count == 7)
    let header = rows[0]
    let col = { (name: String) in header.firstIndex(of: name)! }
    #expect(Array(header.prefix(4)) == ["case_id", "status", "applicators.0.schedule.0.power_w", "applicators.0.schedule.0.duration_s"])
    for row in rows.dropFirst() {
        #expect(row[col("status")] == "complete")
        let energy = Double(row[col("delivered_energy_j")])!, power = Double(row[2])!, duration = Double(row[3])!
        #expect(abs(energy - power * duration) < 1e-6 * energy)
        #expect(Double(row[col("volume_ml")])! > 0)
        #expect(Double(row[col("max_temperature_c")])! > 37)
        #expect(row[col("error")] == "")
    }
    // The same sweep run again elsewhere gives the same ids and the same numbers.
    let again = try CLI.run(["sweep", "s.json", "--out", "out2", "--jobs", "1"], in: dir)
    #expect(again.status == 0)
    let ids = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out2/cases").path).sorted()
    #expect(ids == caseFolders(dir))
    for id in ids {
        let a = try Data(contentsOf: dir.appendingPathComponent("out/cases/\(id)/timeseries.csv"))
        let b = try Data(contentsOf: dir.appendingPathComponent("out2/cases/\(id)/timeseries.csv"))
        #expect(a == b, "\(id) differs between runs")
    }
    for plot in ["zone-axes.svg", "volume-energy.svg"] {
        let svg = try String(contentsOf: dir.appendingPathComponent("out/\(plot)"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "class=\"point\"").count - 1 == (plot == "zone-axes.svg" ? 12 : 6))
    }
}

/// SIGKILL of the whole sweep process group half-way, then a rerun: complete cases are not redone
/// (same inode and mtime), no case folder is partial, every case ends complete.
@Test func killedSweepResumesWithoutRedoingCases() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeSweep(dir)
    let p = Process()
    p.executableURL = CLI.executable
    p.arguments = ["sweep", "s.json", "--out", "out", "--jobs", "1"]
    p.currentDirectoryURL = dir
    p.standardError = FileHandle.nullDevice
    try p.run()
    // Foundation starts the child as the leader of its own process group (as a shell does for a
    // job), so the group kill reaches the sweep and the case it is running.
    #expect(getpgid(p.processIdentifier) == p.processIdentifier)
    let deadline = Date().addingTimeInterval(120)
    while try fingerprints(dir).count < 2, Date() < deadline { usleep(5_000) }
    kill(-p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    let before = try fingerprints(dir)
    #expect(before.count >= 2 && before.count < 6, "kill landed at \(before.count) complete cases")
    // Visible folders are complete ones; only hidden staging can be left by the kill.
    for name in caseFolders(dir) where !name.hasPrefix(".") {
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/cases/\(name)/summary.json").path), "\(name) is partial")
    }
    let r = try CLI.run(["sweep", "s.json", "--out", "out", "--jobs", "2"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("\(before.count) of 6 cases already complete; running \(6 - before.count)"))
    let after = try fingerprints(dir)
    #expect(after.count == 6)
    for (id, print) in before { #expect(after[id] == print, "\(id) was redone") }
    #expect(caseFolders(dir).allSatisfy { !$0.hasPrefix(".") }, "leftovers: \(caseFolders(dir))")
}

/// SIGTERM to the sweep: running cases stop and leave nothing, exit 130; the rerun finishes.
@Test func terminatedSweepLeavesOnlyCompleteCases() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeSweep(dir)
    let p = Process()
    p.executableURL = CLI.executable
    p.arguments = ["sweep", "s.json", "--out", "out", "--jobs", "2"]
    p.currentDirectoryURL = dir
    let err = Pipe()
    p.standardError = err
    try p.run()
    let deadline = Date().addingTimeInterval(120)
    while try fingerprints(dir).count < 1, Date() < deadline { usleep(5_000) }
    kill(p.processIdentifier, SIGTERM)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    let done = try fingerprints(dir).count
    if done < 6 {
        #expect(p.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("ablsim: error: interrupted; rerun the same command to resume"))
    }
    #expect(caseFolders(dir).allSatisfy { !$0.hasPrefix(".") }, "leftovers: \(caseFolders(dir))")
    #expect(caseFolders(dir).count == done)
    let r = try CLI.run(["sweep", "s.json", "--out", "out"], in: dir)
    #expect(r.status == 0)
    #expect(try fingerprints(dir).count == 6)
}

/// A case killed from outside is recorded as failed (status.json), the others finish, the exit status
/// says so, collect reports the error, and the next run retries only that case.
@Test func failedCaseIsRecordedAndRetried() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeSweep(dir)
    let p = Process()
    p.executableURL = CLI.executable
    p.arguments = ["sweep", "s.json", "--out", "out", "--jobs", "1"]
    p.currentDirectoryURL = dir
    let err = Pipe()
    p.standardError = err
    try p.run()
    // The staging folder `.ID.partial-PID-...` names the child running the case.
    var victim: (id: String, pid: pid_t)?
    let deadline = Date().addingTimeInterval(60)
    while victim == nil, Date() < deadline {
        for name in caseFolders(dir) where name.contains(".partial-") {
            let parts = name.dropFirst().components(separatedBy: ".partial-")
            if let pid = Int32(parts[1].split(separator: "-")[0]) { victim = (parts[0], pid) }
        }
        usleep(1_000)
    }
    let killed = try #require(victim)
    kill(killed.pid, SIGKILL)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 1, "\(stderr)")
    #expect(stderr.contains("FAILED \(killed.id): killed by signal 9 (signal 9)"))
    #expect(stderr.contains("ablsim: error: 1 of 6 cases failed"))
    let status = try String(contentsOf: dir.appendingPathComponent("out/cases/\(killed.id)/status.json"), encoding: .utf8)
    #expect(status.contains("\"signal\": 9") && status.contains("\"error\": \"killed by signal 9\""))
    let c = try CLI.run(["sweep", "collect", "out"], in: dir)
    #expect(c.status == 1)
    #expect(c.stdout.contains("6 cases, 5 complete, 1 failed, 0 pending"))
    let failedRow = try csvRows(dir).first { $0[0] == killed.id }
    #expect(failedRow?[1] == "failed" && failedRow?.last == "killed by signal 9")
    let r = try CLI.run(["sweep", "s.json", "--out", "out"], in: dir)
    #expect(r.status == 0)
    #expect(r.stderr.contains("5 of 6 cases already complete; running 1"))
    #expect(try CLI.run(["sweep", "collect", "out"], in: dir).status == 0)
}

/// Slices cover every case exactly once; `list` commands, run by a shell, fill the same folders; an
/// inline base runs through `sweep case`.
@Test func slicesListAndInlineBases() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeSweep(dir)
    for i in 0..<3 {
        let r = try CLI.run(["sweep", "s.json", "--out", "out", "--task-index", String(i), "--chunk", "2"], in: dir)
        #expect(r.status == 0)
        #expect(caseFolders(dir).count == 2 * (i + 1))
    }
    for i in 0..<4 {
        let r = try CLI.run(["sweep", "s.json", "--out", "sharded", "--shard", "\(i)/4"], in: dir)
        #expect(r.status == 0)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("sharded/cases").path).sorted() == caseFolders(dir))

    let list = try CLI.run(["sweep", "list", "s.json", "--out", "listed"], in: dir)
    #expect(list.status == 0)
    let lines = list.stdout.split(separator: "\n")
    #expect(lines.count == 6)
    #expect(lines.map { String($0.split(separator: "\t")[0]) }.sorted() == caseFolders(dir))
    #expect(lines[0].contains(" run \(dir.path)/base.json --set applicators.0.schedule.0.power_w=1 --set applicators.0.schedule.0.duration_s=100 --out "))
    let script = lines.map { String($0.split(separator: "\t")[1]) }.joined(separator: "\n") + "\n"
    try script.write(to: dir.appendingPathComponent("run.sh"), atomically: true, encoding: .utf8)
    let sh = Process()
    sh.executableURL = URL(fileURLWithPath: "/bin/sh")
    sh.arguments = ["run.sh"]
    sh.currentDirectoryURL = dir
    try sh.run()
    sh.waitUntilExit()
    #expect(sh.terminationStatus == 0)
    #expect(try CLI.run(["sweep", "collect", "listed"], in: dir).status == 0)
    #expect(try CLI.run(["sweep", "list", "s.json", "--out", "listed", "--pending"], in: dir).stdout == "")

    let inline = "{\"ablsim_sweep\": 1, \"name\": \"inline\", \"base\": \(sweepBase), \"combine\": \"zip\", \"axes\": {\"applicators.0.schedule.0.power_w\": [1, 2], \"time.cooldown_s\": [0, 5]}}"
    try inline.write(to: dir.appendingPathComponent("inline.json"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["sweep", "inline.json", "--out", "inline-out"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let listed = try CLI.run(["sweep", "list", "inline.json", "--out", "inline-out"], in: dir).stdout
    #expect(listed.contains(" sweep case \(dir.path)/inline.json --id power_w=1_cooldown_s=0-"))
    let c = try CLI.run(["sweep", "collect", "inline-out"], in: dir)
    #expect(c.stdout.contains("2 cases, 2 complete"))
    // Another sweep into the same folder is refused rather than mixed in.
    let clash = try CLI.run(["sweep", "s.json", "--out", "inline-out"], in: dir)
    #expect(clash.status == 73)
    #expect(clash.stderr.contains("holds another sweep (\"inline\""))
}

@Test func slurmScriptRunsTasksOfChunks() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeSweep(dir)
    let r = try CLI.run(["sweep", "slurm", "s.json", "--out", "out", "--partition", "short", "--time", "0:10:00",
                         "--cpus-per-task", "2", "--max-parallel", "3", "--chunk", "4"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let script = try String(contentsOf: dir.appendingPathComponent("out/sweep.sbatch"), encoding: .utf8)
    for line in ["#SBATCH --array=0-1%3", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=short", "#SBATCH --time=0:10:00",
                 "#SBATCH --output=\(dir.path)/out/slurm/%A_%a.out"] {
        #expect(script.contains(line + "\n"), "missing \(line)")
    }
    #expect(script.contains(" sweep run \(dir.path)/s.json --out \(dir.path)/out --chunk 4 --jobs 1 --task-index \"$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-2}\"\n"))
    // The script runs as an array task would, outside SLURM too.
    let task = Process()
    task.executableURL = URL(fileURLWithPath: "/bin/bash")
    task.arguments = [dir.appendingPathComponent("out/sweep.sbatch").path]
    task.environment = ["SLURM_ARRAY_TASK_ID": "1", "PATH": "/usr/bin:/bin"]
    try task.run()
    task.waitUntilExit()
    #expect(task.terminationStatus == 0)
    #expect(caseFolders(dir).count == 2)
}
