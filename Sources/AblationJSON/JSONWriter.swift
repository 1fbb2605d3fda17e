import Foundation

/// Serialises JSONValue as indented text, keys in the order given, numbers in the shortest form
/// that reads back to the same Double (so resolved presets round-trip exactly).
public enum JSONWriter {
    public static func string(_ value: JSONValue, indent: Int = 2) -> String {
        var out = ""
        write(value, into: &out, level: 0, indent: indent)
        out.append("\n")
        return out
    }

    /// One line without spaces. With `sortedKeys`, equal values always give equal text: the canonical
    /// form that sweep case ids hash, and the form `--set` values take on a command line.
    public static func compact(_ value: JSONValue, sortedKeys: Bool = false) -> String {
        var out = ""
        writeCompact(value, into: &out, sortedKeys: sortedKeys)
        return out
    }

    static func writeCompact(_ v: JSONValue, into out: inout String, sortedKeys: Bool) {
        switch v {
        case .null, .bool, .number, .string: write(v, into: &out, level: 0, indent: 0)
        case .array(let items):
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                writeCompact(item, into: &out, sortedKeys: sortedKeys)
            }
            out += "]"
        case .object(let members):
            out += "{"
            let ordered = sortedKeys ? members.sorted { $0.0 < $1.0 } : members
            for (n, (k, item)) in ordered.enumerated() {
                if n > 0 { out += "," }
                out += quote(k) + ":"
                writeCompact(item, into: &out, sortedKeys: sortedKeys)
            }
            out += "}"
        }
    }

    static func write(_ v: JSONValue, into out: inout String, level: Int, indent: Int) {
        let pad = String(repeating: " ", count: (level + 1) * indent)
        let closePad = String(repeating: " ", count: level * indent)
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += format(d)
        case .string(let s): out += quote(s)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            // Short arrays of scalars (coordinates, shapes) stay on one line for readability.
            if items.count <= 16, items.allSatisfy({ if case .array = $0 { return false }; if case .object = $0 { return false }; return true }) {
                out += "[" + items.map { i -> String in var s = ""; write(i, into: &s, level: 0, indent: indent); return s }.joined(separator: ", ") + "]"
                return
            }
            out += "[\n"
            for (n, item) in items.enumerated() {
                out += pad
                write(item, into: &out, level: level + 1, indent: indent)
                out += n + 1 < items.count ? ",\n" : "\n"
            }
            out += closePad + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            for (n, (k, item)) in members.enumerated() {
                out += pad + quote(k) + ": "
                write(item, into: &out, level: level + 1, indent: indent)
                out += n + 1 < members.count ? ",\n" : "\n"
            }
            out += closePad + "}"
        }
    }

    public static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        // Whole numbers print without a fraction up to 2^53, where Double stops holding every integer.
        if d == d.rounded(), abs(d) <= 9_007_199_254_740_992 { return String(Int64(d)) }
        return "\(d)"
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
