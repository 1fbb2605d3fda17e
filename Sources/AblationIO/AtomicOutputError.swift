/// Failures of `AtomicOutputDirectory`, each naming the path involved and
/// the operating system's reason so the user can fix permissions or paths.
public enum AtomicOutputError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotCreateDirectory(path: String, reason: String)
    case cannotWriteFile(path: String, reason: String)
    case invalidFileName(String)
    case notOpen(state: String)
    case finalPathIsNotDirectory(path: String)
    case cannotRename(from: String, to: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create output folder \(path): \(reason)"
        case .cannotWriteFile(let path, let reason):
            return "cannot write output file \(path): \(reason)"
        case .invalidFileName(let name):
            return "invalid output file name \"\(name)\": expected a plain file name without \"/\", NUL, \".\" or \"..\""
        case .notOpen(let state):
            return "the output folder has already been \(state); no further writes or commits are possible"
        case .finalPathIsNotDirectory(let path):
            return "cannot replace \(path): it exists and is not a folder"
        case .cannotRename(let from, let to, let reason):
            return "cannot rename \(from) to \(to): \(reason)"
        }
    }
}
