/// A problem with user input, carrying the sysexits code the CLI exits with.
public struct PresetError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Int32, Sendable {
        case usage = 64, invalidData = 65, missingInput = 66, software = 70, cannotCreateOutput = 73, io = 74
    }
    public let kind: Kind
    /// JSON path of the offending value (dotted, array indices as numbers), or "" for the document.
    public let path: String
    public let message: String

    public init(_ kind: Kind = .invalidData, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var exitCode: Int32 { kind.rawValue }
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Levenshtein distance for "did you mean" hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased()), y = Array(b.lowercased())
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    for i in 1...x.count {
        var current = [i] + [Int](repeating: 0, count: y.count)
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[y.count]
}

public func suggestion(for word: String, among candidates: [String]) -> String? {
    let ranked = candidates.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
    guard let best = ranked, best.1 <= max(2, word.count / 3) else { return nil }
    return best.0
}
