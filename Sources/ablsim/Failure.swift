import AblationJSON
import AblationSimulation
import ArgumentParser
import Foundation

/// Prints a user-facing error on stderr and maps it to its sysexits code.
enum Failure {
    static func exit(for error: Error) -> ExitCode {
        switch error {
        case let e as PresetError:
            report(e.description)
            return ExitCode(e.exitCode)
        case let e as SimulationFailure:
            report(e.description)
            if case .cancelled = e { return ExitCode(130) }
            return ExitCode(70)
        case let e as ExitCode:
            return e
        default:
            report("\(error)")
            return ExitCode(70)
        }
    }

    static func report(_ message: String) {
        FileHandle.standardError.write(Data("ablsim: error: \(message)\n".utf8))
    }
}
