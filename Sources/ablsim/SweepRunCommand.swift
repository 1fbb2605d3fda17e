import AblationSweep
import ArgumentParser
import Foundation

struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sweep's cases (the default of `ablsim sweep`); finished cases are skipped.",
        discussion: """
            Checks every case first (nothing runs if one is invalid: exit 65 naming the sweep file's \
            key). Each case runs as a child `ablsim run` into DIR/cases/ID, which appears only when \
            complete; rerunning the same command resumes, skipping complete cases and retrying failed \
            ones. A failed case leaves DIR/cases/ID/status.json (exit code, error) and does not stop the \
            others. --task-index/--chunk or --shard run a slice (for schedulers).

            Exit status: 0 every selected case complete, 1 some case failed, 130 interrupted \
            (running cases stop and leave nothing), 64/65/66/73 as for `ablsim run`.
            """)

    @Argument(help: "Sweep JSON file.")
    var sweep: String

    @Option(name: .long, help: "Output folder of the sweep.")
    var out: String

    @Option(name: .long, help: "Cases run at the same time (default 1).")
    var jobs: Int = 1

    @Option(name: .long, help: "Threads per case (default: cores / jobs).")
    var threads: Int?

    @Option(name: .customLong("task-index"), help: "Run only chunk I of the cases (0-based; e.g. $SLURM_ARRAY_TASK_ID).")
    var taskIndex: Int?

    @Option(name: .long, help: "Cases per --task-index (default 1).")
    var chunk: Int = 1

    @Option(name: .long, help: "Run only every n-th case starting at i (i/n, 0 <= i < n).")
    var shard: String?

    func validate() throws {
        if jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be between 1 and 256, got \(jobs)") }
        if let threads, threads < 1 || threads > 1024 { throw ValidationError("--threads must be between 1 and 1024, got \(threads)") }
        if chunk < 1 { throw ValidationError("--chunk must be at least 1, got \(chunk)") }
        if taskIndex != nil, shard != nil { throw ValidationError("give --task-index or --shard, not both") }
    }

    func run() throws {
        Interrupt.install()
        let plan = try SweepSupport.plan(sweep)
        let layout = SweepLayout(root: URL(fileURLWithPath: out))
        let outcome: SweepRunner.Outcome
        do {
            var selection = CaseSelection.all
            if let taskIndex { selection = .task(index: taskIndex, chunk: chunk) }
            if let shard { selection = try CaseSelection.shard(shard) }
            let cases = try selection.pick(plan.cases)
            try SweepManifest(plan: plan).write(to: layout)
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let runner = SweepRunner(plan: plan, layout: layout, executable: SweepSupport.executablePath, jobs: jobs,
                                     threadsPerCase: threads ?? max(1, cores / jobs),
                                     isInterrupted: { Interrupt.isRequested }, report: SweepSupport.note)
            outcome = try runner.run(cases)
        } catch {
            throw Failure.exit(for: error)
        }
        let failed = outcome.failed.count
        SweepSupport.note("\(outcome.selected) case\(outcome.selected == 1 ? "" : "s"): \(outcome.succeeded) run, \(outcome.alreadyComplete) already complete, \(failed) failed\(outcome.interrupted ? ", interrupted" : "")")
        if outcome.interrupted {
            Failure.report("interrupted; rerun the same command to resume")
            throw ExitCode(130)
        }
        if failed > 0 {
            Failure.report("\(failed) of \(outcome.selected) case\(outcome.selected == 1 ? "" : "s") failed; their messages are in \(layout.cases.path)/ID/status.json and `ablsim sweep collect`")
            throw ExitCode(1)
        }
    }
}
