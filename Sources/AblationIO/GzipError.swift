/// Failures from `Gzip`. Descriptions are written for humans reading a log,
/// because these usually surface when a user hands us a damaged file.
public enum GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidLevel(Int32)
    case invalidOutputLimit(Int)
    case initializationFailed(code: Int32, message: String)
    case outputLimitExceeded(limit: Int)
    case truncated
    case corrupt(message: String)
    case trailingData(byteCount: Int)
    case zlibFailure(code: Int32, message: String)

    public var description: String {
        switch self {
        case .invalidLevel(let level):
            return "gzip compression level \(level) is invalid; expected -1 (default) or 0 through 9"
        case .invalidOutputLimit(let limit):
            return "gzip output limit \(limit) is invalid; expected a value of 0 or more"
        case .initializationFailed(let code, let message):
            return "zlib could not be initialised (code \(code)): \(message)"
        case .outputLimitExceeded(let limit):
            return "decompressed data would exceed the limit of \(limit) bytes"
        case .truncated:
            return "compressed data is truncated: the stream ended before its end marker"
        case .corrupt(let message):
            return "compressed data is corrupt: \(message)"
        case .trailingData(let count):
            return "compressed data is followed by \(count) bytes that are not a gzip member"
        case .zlibFailure(let code, let message):
            return "zlib failed with code \(code): \(message)"
        }
    }
}
