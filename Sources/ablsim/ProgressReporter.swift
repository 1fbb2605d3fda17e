import AblationSimulation
import Foundation

/// Progress on stderr: a live line on a terminal, periodic plain lines otherwise, nothing when quiet.
final class ProgressReporter {
    let quiet: Bool
    let terminal: Bool
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    /// nil until the first line: that one is printed at the run's first sample (t = 0), so a log
    /// (or a script waiting to interrupt it) sees that the run is under way, not 5 s of silence.
    var lastPrint: ContinuousClock.Instant?
    var printedLive = false

    init(quiet: Bool) {
        self.quiet = quiet
        terminal = isatty(STDERR_FILENO) == 1
        started = clock.now
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

    /// Returns false when the user asked to stop.
    func update(_ p: Simulation.Progress) -> Bool {
        if Interrupt.isRequested { return false }
        guard !quiet else { return true }
        let now = clock.now
        let interval = terminal ? 0.2 : 5.0
        let done = p.simulatedTime >= p.totalTime - 1e-9
        guard lastPrint.map({ seconds(now - $0) >= interval }) ?? true || done else { return true }
        lastPrint = now
        let wall = seconds(now - started)
        let fraction = p.totalTime > 0 ? p.simulatedTime / p.totalTime : 1
        let eta = fraction > 0.01 ? wall * (1 - fraction) / fraction : .nan
        let line = String(format: "t = %6.1f / %.0f s  wall %5.1f s  ETA %@  peak %6.1f °C  ablation %7.2f mL",
                          p.simulatedTime, p.totalTime, wall, eta.isFinite ? String(format: "%5.1f s", eta) : "  -  ",
                          p.maxTemperatureC, p.ablationVolumeML)
        if terminal {
            FileHandle.standardError.write(Data("\r\(line)\u{1B}[K".utf8))
            printedLive = true
        } else {
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
        return true
    }

    func finish() {
        if printedLive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
