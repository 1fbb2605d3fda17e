import AblationJSON
import AblationPreset
import Foundation

/// An sbatch job-array script for a sweep: array task I runs `ablsim sweep run --task-index I --chunk N`,
/// i.e. cases I*N ..< (I+1)*N, each as its own `ablsim run`. Tasks skip complete cases, so the same
/// script can be resubmitted after a time-out or a node failure.
public struct SlurmJobScript: Sendable {
    public var plan: SweepPlan
    public var layout: SweepLayout
    public var executable: String
    public var partition: String?
    public var timeLimit: String?
    public var cpusPerTask: Int = 1
    public var maxParallel: Int?
    public var chunk: Int = 1

    public init(plan: SweepPlan, layout: SweepLayout, executable: String) {
        self.plan = plan
        self.layout = layout
        self.executable = executable
    }

    public var taskCount: Int { (plan.cases.count + chunk - 1) / chunk }
    public var scriptURL: URL { layout.root.appendingPathComponent("sweep.sbatch") }
    public var logDirectory: URL { layout.root.appendingPathComponent("slurm") }

    /// Partition names and time limits go into `#SBATCH` lines: refuse anything that is not one.
    public func validate() throws(PresetError) {
        if let partition, partition.isEmpty || !partition.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.,".unicodeScalars.contains($0)) }) {
            throw PresetError(.usage, path: "", "--partition \(partition): expected a partition name (letters, digits, _ - . and , between names)")
        }
        if let timeLimit, timeLimit.isEmpty || !timeLimit.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || $0 == ":" || $0 == "-" }) {
            throw PresetError(.usage, path: "", "--time \(timeLimit): expected a SLURM time limit such as 30, 1:30:00 or 1-00:00:00")
        }
        if cpusPerTask < 1 { throw PresetError(.usage, path: "", "--cpus-per-task must be at least 1, got \(cpusPerTask)") }
        if let maxParallel, maxParallel < 1 { throw PresetError(.usage, path: "", "--max-parallel must be at least 1, got \(maxParallel)") }
        if chunk < 1 { throw PresetError(.usage, path: "", "--chunk must be at least 1, got \(chunk)") }
    }

    public var text: String {
        let jobName = SweepCase.safe("ablsim-" + plan.sweep.name, limit: 64)
        var lines = [
            "#!/bin/bash",
            "# ablsim sweep \"\(plan.sweep.name)\": \(plan.cases.count) case\(plan.cases.count == 1 ? "" : "s") in \(taskCount) array task\(taskCount == 1 ? "" : "s") of up to \(chunk) (ablsim \(AblsimVersion.string)).",
            "# Resubmitting is safe: every task skips the cases whose folder is already complete.",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=0-\(taskCount - 1)\(maxParallel.map { "%\($0)" } ?? "")",
            "#SBATCH --cpus-per-task=\(cpusPerTask)",
            "#SBATCH --output=\(logDirectory.path)/%A_%a.out",
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let timeLimit { lines.append("#SBATCH --time=\(timeLimit)") }
        let command = ShellQuote.join([executable, "sweep", "run", plan.absoluteSweepPath, "--out", layout.root.path,
                                       "--chunk", String(chunk), "--jobs", "1"])
        lines += [
            "set -eu",
            "exec \(command) --task-index \"$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}\"",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    /// Writes DIR/sweep.sbatch (executable) and the log folder sbatch needs to exist.
    public func write() throws(PresetError) {
        do {
            try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: scriptURL, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scriptURL.path)
        } catch {
            throw PresetError(.cannotCreateOutput, path: "", "cannot write \(scriptURL.path): \(error.localizedDescription)")
        }
    }
}
