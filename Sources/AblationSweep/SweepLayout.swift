import Foundation

/// Where a sweep's files live under its output folder:
///
///     DIR/sweep.json             manifest: the case list with each case's values (written first)
///     DIR/cases/ID/              one case: `ablsim run`'s atomic output folder, summary.json last
///     DIR/cases/ID/status.json   only for a failed case: exit code and error message
///     DIR/cases/.ID.stderr       the running case's messages (removed when it succeeds)
///     DIR/summary.csv, DIR/*.svg `ablsim sweep collect`
public struct SweepLayout: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    public var manifest: URL { root.appendingPathComponent("sweep.json") }
    public var cases: URL { root.appendingPathComponent("cases") }
    public func caseDirectory(_ id: String) -> URL { cases.appendingPathComponent(id) }
    public func summary(_ id: String) -> URL { caseDirectory(id).appendingPathComponent("summary.json") }
    public func failureStatus(_ id: String) -> URL { caseDirectory(id).appendingPathComponent(CaseFailure.fileName) }
    public func runningLog(_ id: String) -> URL { cases.appendingPathComponent(".\(id).stderr") }

    public enum CaseState: Sendable, Equatable { case complete, failed, pending }

    /// A case folder only ever appears whole (atomic rename), so summary.json there means the case is
    /// done; status.json alone means it failed (and runs again on the next `sweep`).
    public func state(of id: String) -> CaseState {
        if access(summary(id).path, F_OK) == 0 { return .complete }
        if access(failureStatus(id).path, F_OK) == 0 { return .failed }
        return .pending
    }
}
