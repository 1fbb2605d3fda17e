import AblationSweep
import ArgumentParser
import Foundation

struct SweepSlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write an sbatch job-array script for a sweep (DIR/sweep.sbatch) and optionally submit it.",
        discussion: """
            Array task I runs `ablsim sweep run SWEEP --out DIR --task-index I --chunk N`. Every case \
            is checked before the script is written. With --submit, runs `sbatch --parsable` and \
            prints the job id (exit 69 when sbatch is missing or refuses). Collect afterwards with \
            `ablsim sweep collect DIR`; resubmitting the same script reruns only unfinished cases.

            Example:
              ablsim sweep slurm S.json --out /scratch/s --partition short --time 0:30:00 \\
                  --cpus-per-task 4 --max-parallel 20 --chunk 5 --submit
            """)

    @Argument(help: "Sweep JSON file.")
    var sweep: String

    @Option(name: .long, help: "Output folder of the sweep (on storage every node sees).")
    var out: String

    @Option(name: .long, help: "SLURM partition.")
    var partition: String?

    @Option(name: .long, help: "Time limit per array task (SLURM format, e.g. 0:30:00).")
    var time: String?

    @Option(name: .customLong("cpus-per-task"), help: "CPUs per array task; each case runs with this many threads (default 1).")
    var cpusPerTask: Int = 1

    @Option(name: .customLong("max-parallel"), help: "Most array tasks running at once (%K of --array).")
    var maxParallel: Int?

    @Option(name: .long, help: "Cases per array task (default 1).")
    var chunk: Int = 1

    @Flag(name: .long, help: "Submit the script with sbatch and print the job id.")
    var submit = false

    func run() throws {
        let plan = try SweepSupport.plan(sweep)
        let layout = SweepLayout(root: URL(fileURLWithPath: out))
        var job = SlurmJobScript(plan: plan, layout: layout, executable: SweepSupport.executablePath)
        job.partition = partition
        job.timeLimit = time
        job.cpusPerTask = cpusPerTask
        job.maxParallel = maxParallel
        job.chunk = chunk
        do {
            try job.validate()
            try SweepManifest(plan: plan).write(to: layout)
            try job.write()
        } catch {
            throw Failure.exit(for: error)
        }
        if job.taskCount > 1000 {
            SweepSupport.note("\(job.taskCount) array tasks; many clusters cap arrays at 1000 (MaxArraySize): consider --chunk \((plan.cases.count + 999) / 1000)")
        }
        print("wrote \(job.scriptURL.path) (\(plan.cases.count) cases, \(job.taskCount) array tasks)")
        guard submit else { return }
        let sbatch = Process()
        sbatch.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sbatch.arguments = ["sbatch", "--parsable", job.scriptURL.path]
        let output = Pipe(), errors = Pipe()
        sbatch.standardOutput = output
        sbatch.standardError = errors
        do { try sbatch.run() } catch {
            Failure.report("cannot start sbatch: \(error.localizedDescription)")
            throw ExitCode(69)
        }
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sbatch.waitUntilExit()
        guard sbatch.terminationStatus == 0 else {
            Failure.report("sbatch failed (exit \(sbatch.terminationStatus)): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            throw ExitCode(69)
        }
        // --parsable prints "jobid" or "jobid;cluster".
        let jobID = stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        print("submitted job \(jobID)")
    }
}
