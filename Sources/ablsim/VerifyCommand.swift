import AblationVerification
import ArgumentParser
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run the analytic regression suite and print errors and observed orders.",
        discussion: """
            Each case runs the finite-difference solver at two or more spacings and compares it with \
            an analytic or exact spectral (FFTW) solution. Exits 1 when any case fails.

            Examples:
              ablsim verify --quick      # under a minute
              ablsim verify              # finer grids, stricter order estimates
            """)

    @Flag(name: .long, help: "Coarser grids: the subset that runs in the test suite.")
    var quick = false

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    func run() throws {
        let suite = VerificationSuite(quick: quick, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let report = suite.run { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        print(report.table)
        if !report.passed { throw ExitCode(1) }
    }
}
