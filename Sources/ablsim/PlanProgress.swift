import AblationSimulation
import Foundation

/// Progress of a plan on stderr: one line per step of the plan (library zone, search pass,
/// verification, sample) and, within each full simulation, the same progress line as `ablsim run`.
/// Every observer it hands out also stops its simulation on Ctrl-C (ProgressReporter checks
/// Interrupt), even with --quiet.
final class PlanProgress {
    let quiet: Bool
    private var current: ProgressReporter?

    init(quiet: Bool) { self.quiet = quiet }

    func log(_ line: String) {
        // A live progress line on a terminal has no newline yet: end it first.
        current?.finish()
        current = nil
        guard !quiet else { return }
        FileHandle.standardError.write(Data("ablsim: \(line)\n".utf8))
    }

    /// A fresh reporter for the next simulation (its wall clock and ETA start now).
    func observer() -> (Simulation.Progress) -> Bool {
        current?.finish()
        let reporter = ProgressReporter(quiet: quiet)
        current = reporter
        return { reporter.update($0) }
    }

    func finish() {
        current?.finish()
        current = nil
    }
}
