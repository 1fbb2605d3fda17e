import AblationPreset
import AblationSweep
import ArgumentParser
import Foundation

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a parameter sweep (a sweep file: base preset + axes), locally or on SLURM.",
        discussion: """
            A sweep file is {"ablsim_sweep": 1, "name", "base" (preset path relative to the sweep \
            file, or an inline preset), "combine": "product" | "zip", "axes": {dotted.path: [values]}}, \
            or "samples" + "seed" with {"min", "max"} ranges for random cases. Every case is checked \
            before anything runs, has a stable id and its own folder DIR/cases/ID.

            Examples:
              ablsim sweep presets/sweeps/heat-source-power-time.json --out runs/pt --jobs 2
              ablsim sweep collect runs/pt                  # summary.csv and plots
              ablsim sweep list SWEEP.json --out runs/pt    # one `ablsim run` command per case
              ablsim sweep slurm SWEEP.json --out runs/pt --partition short --submit
            """,
        subcommands: [SweepRunCommand.self, SweepCollectCommand.self, SweepListCommand.self, SweepCaseCommand.self,
                      SweepSlurmCommand.self],
        defaultSubcommand: SweepRunCommand.self)
}

enum SweepSupport {
    /// This binary's own path, so children and job scripts run exactly the ablsim that planned them.
    static var executablePath: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    static func plan(_ path: String, validation: SweepPlan.Validation = .allCases) throws -> SweepPlan {
        do { return try SweepPlan.load(sweepPath: path, validation: validation) } catch { throw Failure.exit(for: error) }
    }

    static func note(_ line: String) {
        FileHandle.standardError.write(Data("ablsim sweep: \(line)\n".utf8))
    }
}
