import AblationIO
import AblationJSON
import Foundation

/// One case of a sweep: the base preset with one value per axis.
public struct SweepCase: Sendable, Equatable {
    /// Position in the sweep's order (grid order, or draw order for random cases); task indices and
    /// shards count in this order.
    public var index: Int
    /// (axis path, value) in the sweep file's axis order.
    public var values: [(String, JSONValue)]
    /// Readable slug plus a hash of the canonical overrides: the same parameters give the same id
    /// whatever the case's position, so adding values to an axis keeps the finished cases' folders.
    public var id: String

    public init(index: Int, values: [(String, JSONValue)]) {
        self.index = index
        self.values = values
        self.id = Self.makeID(values)
    }

    public static func == (a: SweepCase, b: SweepCase) -> Bool {
        a.index == b.index && a.id == b.id && a.values.map(\.0) == b.values.map(\.0) && a.values.map(\.1) == b.values.map(\.1)
    }

    /// The `--set` arguments that turn the base into this case, exactly as `ablsim run` takes them.
    public var assignments: [String] {
        values.map { "\($0.0)=\(JSONWriter.compact($0.1, sortedKeys: true))" }
    }

    /// `{"path": value, ...}` with sorted keys and no spaces: what the id hashes.
    public var canonicalOverrides: String {
        JSONWriter.compact(.object(values), sortedKeys: true)
    }

    static func makeID(_ values: [(String, JSONValue)]) -> String {
        let hash = SHA256.hex(Array(JSONWriter.compact(.object(values), sortedKeys: true).utf8)).prefix(12)
        var slug = values.map { "\(label(for: $0.0))=\(text(for: $0.1))" }.joined(separator: "_")
        if slug.count > 80 { slug = String(slug.prefix(80)) }
        return "\(slug)-\(hash)"
    }

    /// The last key of the path that is not an index: "applicators.0.schedule.0.power_w" -> "power_w".
    static func label(for path: String) -> String {
        let keys = path.split(separator: ".").filter { Int($0) == nil }
        return safe(String(keys.last ?? Substring(path)), limit: 24)
    }

    static func text(for value: JSONValue) -> String {
        switch value {
        case .number(let d):
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return safe(String(format: "%.4g", d), limit: 16)
        case .string(let s): return safe(s, limit: 16)
        default: return safe(JSONWriter.compact(value, sortedKeys: true), limit: 16)
        }
    }

    /// Characters that are safe in folder names, shells, Snakemake wildcards and SLURM paths.
    static func safe(_ s: String, limit: Int) -> String {
        let mapped = s.unicodeScalars.map { u -> Character in
            (u.properties.isAlphabetic && u.isASCII) || ("0"..."9").contains(u) || u == "." || u == "-" || u == "+" ? Character(u) : "_"
        }
        let out = String(mapped.prefix(limit))
        return out.isEmpty ? "_" : out
    }
}
