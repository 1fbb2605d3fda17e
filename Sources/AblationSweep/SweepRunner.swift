import AblationJSON
import AblationPreset
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs cases as child `ablsim run` processes, at most `jobs` at a time.
///
/// Children rather than threads: a case that crashes, runs out of memory or is killed takes only
/// itself down; its memory is returned whole when it exits; and every child writes through
/// `ablsim run`'s atomic output folder, so killing the sweep at any instant leaves each case folder
/// either absent or complete. The cost, a process start and a preset parse, is milliseconds against
/// simulations of seconds (measured overhead: docs/sweeps.md#measured).
public final class SweepRunner {
    public struct Outcome: Sendable {
        public var selected = 0
        public var alreadyComplete = 0
        public var succeeded = 0
        public var failed: [CaseFailure] = []
        public var interrupted = false
    }

    let plan: SweepPlan
    let layout: SweepLayout
    let executable: String
    let jobs: Int
    let threadsPerCase: Int
    let isInterrupted: () -> Bool
    let report: (String) -> Void

    public init(plan: SweepPlan, layout: SweepLayout, executable: String, jobs: Int, threadsPerCase: Int,
                isInterrupted: @escaping () -> Bool, report: @escaping (String) -> Void) {
        self.plan = plan
        self.layout = layout
        self.executable = executable
        self.jobs = max(1, jobs)
        self.threadsPerCase = max(1, threadsPerCase)
        self.isInterrupted = isInterrupted
        self.report = report
    }

    struct Running {
        var sweepCase: SweepCase
        var started: ContinuousClock.Instant
    }

    public func run(_ selection: [SweepCase]) throws(PresetError) -> Outcome {
        var outcome = Outcome()
        outcome.selected = selection.count
        let pending = selection.filter { layout.state(of: $0.id) != .complete }
        outcome.alreadyComplete = selection.count - pending.count
        if outcome.alreadyComplete > 0 {
            report("\(outcome.alreadyComplete) of \(selection.count) case\(selection.count == 1 ? "" : "s") already complete; running \(pending.count)")
        }
        removeLeftovers(of: Set(selection.map(\.id)))

        let clock = ContinuousClock()
        var running: [pid_t: Running] = [:]
        var next = 0, finished = 0
        var forwarded = false
        while true {
            if isInterrupted() {
                outcome.interrupted = true
                if !forwarded {
                    // Each child stops between steps and discards its staging folder.
                    for pid in running.keys { kill(pid, SIGTERM) }
                    forwarded = true
                }
            }
            while !outcome.interrupted, running.count < jobs, next < pending.count {
                let c = pending[next]
                next += 1
                running[try spawn(c)] = Running(sweepCase: c, started: clock.now)
            }
            if running.isEmpty { break }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid == 0 {
                // Polling keeps the loop free of signal-handler races; 2 ms is far below a case's run time.
                usleep(2000)
                continue
            }
            if pid < 0 {
                if errno == EINTR { continue }
                break
            }
            guard let job = running.removeValue(forKey: pid) else { continue }
            finished += 1
            let seconds = Self.seconds(clock.now - job.started)
            let (exitCode, signal) = Self.decode(status)
            let log = layout.runningLog(job.sweepCase.id)
            let id = job.sweepCase.id
            let progress = "[\(finished + outcome.alreadyComplete)/\(selection.count)]"
            if exitCode == 0, layout.state(of: id) == .complete {
                outcome.succeeded += 1
                unlink(log.path)
                report("\(progress) done \(id) (\(String(format: "%.2f", seconds)) s)")
                continue
            }
            if outcome.interrupted, exitCode == 130 || signal != nil {
                // Stopped by us: nothing was written, and the next run starts it again.
                unlink(log.path)
                continue
            }
            let stderr = FileManager.default.contents(atPath: log.path) ?? Data()
            var message = CaseFailure.message(fromStderr: String(decoding: stderr, as: UTF8.self), exitCode: exitCode, signal: signal)
            if exitCode == 0 { message = "exited 0 but wrote no summary.json" }
            let failure = CaseFailure(caseID: id, exitCode: exitCode, signal: signal, message: message)
            do {
                try failure.record(in: layout, stderr: stderr)
            } catch {
                report("\(progress) cannot record the failure of \(id): \(error)")
            }
            unlink(log.path)
            outcome.failed.append(failure)
            report("\(progress) FAILED \(id): \(message) (\(exitCode.map { "exit \($0)" } ?? "signal \(signal ?? 0)"))")
        }
        return outcome
    }

    /// Staging folders and logs that a killed earlier run left for this invocation's cases (a log too
    /// when the kill came between a case's commit and the log's removal). Only these cases': another
    /// task of the same sweep may be running the others right now.
    func removeLeftovers(of ids: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: layout.cases.path) else { return }
        for name in names where name.hasPrefix(".") {
            let body = name.dropFirst()
            let owner: Substring?
            if let r = body.range(of: ".partial-") ?? body.range(of: ".old-") { owner = body[..<r.lowerBound] }
            else if body.hasSuffix(".stderr") { owner = body.dropLast(".stderr".count) }
            else { owner = nil }
            if let owner, ids.contains(String(owner)) {
                try? FileManager.default.removeItem(at: layout.cases.appendingPathComponent(name))
            }
        }
    }

    func spawn(_ c: SweepCase) throws(PresetError) -> pid_t {
        let argv = plan.commandLine(for: c, executable: executable, caseDirectory: layout.caseDirectory(c.id).path,
                                    threads: threadsPerCase)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, layout.runningLog(c.id).path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, cArgs, environ)
        guard rc == 0 else {
            throw PresetError(.software, path: "", "cannot start \(executable) for case \(c.id): \(String(cString: strerror(rc)))")
        }
        return pid
    }

    /// (exit code, nil) for a normal exit, (nil, signal) when a signal ended the child.
    static func decode(_ status: Int32) -> (Int32?, Int32?) {
        let signal = status & 0x7f
        if signal == 0 { return ((status >> 8) & 0xff, nil) }
        return (nil, signal)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
