import AblationJSON

/// Which cases one invocation runs, so that any scheduler can split a sweep: a contiguous chunk per
/// array task (`--task-index I --chunk N`: cases I*N ..< (I+1)*N), or every n-th case (`--shard i/n`,
/// which spreads slow corners of a grid over the shards).
public enum CaseSelection: Sendable, Equatable {
    case all
    case task(index: Int, chunk: Int)
    case shard(index: Int, count: Int)

    /// Parses `i/n` with 0 <= i < n.
    public static func shard(_ text: String) throws(PresetError) -> CaseSelection {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
            throw PresetError(.usage, path: "", "--shard \(text): expected i/n with 0 <= i < n, e.g. --shard 0/4")
        }
        return .shard(index: i, count: n)
    }

    public func pick(_ cases: [SweepCase]) throws(PresetError) -> [SweepCase] {
        switch self {
        case .all:
            return cases
        case let .task(index, chunk):
            let taskCount = (cases.count + chunk - 1) / chunk
            guard index >= 0, index < taskCount else {
                throw PresetError(.usage, path: "", "--task-index \(index): the sweep has \(cases.count) case\(cases.count == 1 ? "" : "s"), so with --chunk \(chunk) expected 0 to \(taskCount - 1)")
            }
            return Array(cases[(index * chunk)..<min(cases.count, (index + 1) * chunk)])
        case let .shard(index, count):
            return cases.filter { $0.index % count == index }
        }
    }
}
