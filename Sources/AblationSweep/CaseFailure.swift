import AblationIO
import AblationJSON
import AblationPreset
import Foundation

/// Why a case failed, kept in `cases/ID/status.json` (with the child's stderr beside it) so that
/// `collect` can report it and a rerun knows to try it again.
public struct CaseFailure: Sendable, Equatable {
    public static let fileName = "status.json"

    public var caseID: String
    /// The child's exit status, or nil when a signal ended it.
    public var exitCode: Int32?
    public var signal: Int32?
    /// The child's last `ablsim: error:` line, or a description of how it ended.
    public var message: String

    public init(caseID: String, exitCode: Int32?, signal: Int32?, message: String) {
        self.caseID = caseID
        self.exitCode = exitCode
        self.signal = signal
        self.message = message
    }

    /// The error line `ablsim` printed, else the end of what it printed, else how it ended.
    public static func message(fromStderr text: String, exitCode: Int32?, signal: Int32?) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        if let error = lines.last(where: { $0.hasPrefix("ablsim: error: ") }) {
            return String(error.dropFirst("ablsim: error: ".count))
        }
        if let signal { return "killed by signal \(signal)" }
        if let last = lines.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) { return String(last.prefix(500)) }
        return "exited with status \(exitCode ?? -1) without a message"
    }

    public var json: JSONValue {
        .object([("case_id", .string(caseID)), ("status", "failed"),
                 ("exit_code", exitCode.map { .number(Double($0)) } ?? .null),
                 ("signal", signal.map { .number(Double($0)) } ?? .null),
                 ("error", .string(message)), ("ablsim_version", .string(AblsimVersion.string))])
    }

    public init?(json: JSONValue) {
        guard case let .string(id)? = json["case_id"], case let .string(message)? = json["error"] else { return nil }
        caseID = id
        self.message = message
        if case let .number(code)? = json["exit_code"] { exitCode = Int32(code) } else { exitCode = nil }
        if case let .number(sig)? = json["signal"] { signal = Int32(sig) } else { signal = nil }
    }

    /// Publishes the failed case's folder atomically: status.json plus the child's stderr.
    public func record(in layout: SweepLayout, stderr: Data) throws {
        let folder = try AtomicOutputDirectory(final: layout.caseDirectory(caseID))
        do {
            try folder.write(stderr.suffix(64 << 10), named: "stderr.txt")
            try folder.write(Data(JSONWriter.string(json).utf8), named: Self.fileName)
            try folder.commit()
        } catch {
            folder.discard()
            throw error
        }
    }
}
