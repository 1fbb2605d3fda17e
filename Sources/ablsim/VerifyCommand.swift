import AblationJSON
import AblationVerification
import ArgumentParser
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run the analytic regression suite: every model against its reference.",
        discussion: """
            Each check compares a model (conduction, perfusion, heterogeneous tissue, time \
            integration, damage, k(T), vaporisation, vessel convection, RF, microwave) with a \
            reference that is not the code under test: a closed form, a semi-analytic or exact \
            spectral (FFTW) solution, or a published table. Where a sequence of grids or steps \
            applies it prints the observed order against the method's formal order. Exits 1 \
            when any check fails.

            Examples:
              ablsim verify --quick      # a few seconds: the subset in the test suite
              ablsim verify              # finer grids, every check
              ablsim verify --json       # {"checks": [...], "passed": true}
            """)

    @Flag(name: .long, help: "Coarser grids and fewer steps: the subset that runs in the test suite.")
    var quick = false

    @Flag(name: .long, help: "Print the checks as JSON on stdout instead of the table.")
    var json = false

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    func run() throws {
        let suite = VerificationSuite(quick: quick, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let report = suite.run { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        print(json ? JSONWriter.string(report.json) : report.table)
        if !report.passed { throw ExitCode(1) }
    }
}
