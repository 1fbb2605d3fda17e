/// Strict JSON (RFC 8259) parser over UTF-8 bytes with line/column error positions.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

public enum JSONParser {
    /// Nesting deeper than this is refused rather than risking the stack on hostile input.
    public static let maxDepth = 256

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var p = Cursor(bytes: bytes)
        p.skipWhitespace()
        if p.atEnd { throw p.error("the document is empty; expected a JSON object") }
        let value = try p.value(depth: 0)
        p.skipWhitespace()
        if !p.atEnd { throw p.error("unexpected text after the end of the JSON value") }
        return value
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue { try parse(Array(text.utf8)) }

    struct Cursor {
        let bytes: [UInt8]
        var pos = 0
        var atEnd: Bool { pos >= bytes.count }

        func error(_ message: String) -> JSONSyntaxError {
            var line = 1, column = 1
            for b in bytes[0..<min(pos, bytes.count)] {
                if b == UInt8(ascii: "\n") { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
            }
            return JSONSyntaxError(line: line, column: column, message: message)
        }

        mutating func skipWhitespace() {
            while pos < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[pos]) { pos += 1 }
        }

        func describeCurrent() -> String {
            guard pos < bytes.count else { return "end of file" }
            let b = bytes[pos]
            return b >= 0x20 && b < 0x7F ? "'\(Character(UnicodeScalar(b)))'" : String(format: "byte 0x%02X", b)
        }

        mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            if depth > JSONParser.maxDepth { throw error("nesting deeper than \(JSONParser.maxDepth) levels") }
            skipWhitespace()
            guard pos < bytes.count else { throw error("unexpected end of file; expected a value") }
            switch bytes[pos] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected \(describeCurrent()); expected a value (object, array, string, number, true, false or null)")
            }
        }

        mutating func literal(_ word: String) throws(JSONSyntaxError) {
            let w = Array(word.utf8)
            guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w else {
                throw error("unexpected \(describeCurrent()); expected a value")
            }
            pos += w.count
        }

        mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            pos += 1
            var members: [(String, JSONValue)] = []
            var seen = Set<String>()
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object([]) }
            while true {
                skipWhitespace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                    throw error("unexpected \(describeCurrent()); expected a key in double quotes")
                }
                let keyStart = pos
                let key = try string()
                if seen.contains(key) {
                    pos = keyStart
                    throw error("duplicate key \"\(key)\"")
                }
                seen.insert(key)
                skipWhitespace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                    throw error("unexpected \(describeCurrent()); expected ':' after key \"\(key)\"")
                }
                pos += 1
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard pos < bytes.count else { throw error("unexpected end of file; expected ',' or '}'") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
                throw error("unexpected \(describeCurrent()); expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            pos += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array([]) }
            while true {
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                guard pos < bytes.count else { throw error("unexpected end of file; expected ',' or ']'") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw error("unexpected \(describeCurrent()); expected ',' or ']'")
            }
        }

        mutating func number() throws(JSONSyntaxError) -> Double {
            let start = pos
            if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            func digits(_ c: inout Cursor) -> Int {
                let s = c.pos
                while c.pos < c.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c.bytes[c.pos]) { c.pos += 1 }
                return c.pos - s
            }
            let intStart = pos
            let intDigits = digits(&self)
            if intDigits == 0 { throw error("invalid number: expected a digit") }
            if intDigits > 1 && bytes[intStart] == UInt8(ascii: "0") {
                pos = intStart
                throw error("invalid number: leading zeros are not allowed")
            }
            if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
                pos += 1
                if digits(&self) == 0 { throw error("invalid number: expected a digit after '.'") }
            }
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
                pos += 1
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
                if digits(&self) == 0 { throw error("invalid number: expected a digit in the exponent") }
            }
            let text = String(decoding: bytes[start..<pos], as: UTF8.self)
            guard let v = Double(text), v.isFinite else {
                pos = start
                throw error("number \(text) is out of range")
            }
            return v
        }

        mutating func string() throws(JSONSyntaxError) -> String {
            pos += 1
            var out = [UInt8]()
            while true {
                guard pos < bytes.count else { throw error("unterminated string") }
                let b = bytes[pos]
                if b == UInt8(ascii: "\"") { pos += 1; break }
                if b < 0x20 { throw error("control character in string; escape it") }
                if b != UInt8(ascii: "\\") { out.append(b); pos += 1; continue }
                pos += 1
                guard pos < bytes.count else { throw error("unterminated escape") }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate in \\u escape")
                        }
                        pos += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    guard let u = UnicodeScalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw error("invalid escape '\\\(Character(UnicodeScalar(e)))'")
                }
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw error("string is not valid UTF-8") }
            return s
        }

        mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
            guard pos + 4 <= bytes.count else { throw error("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[pos]
                let d: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
                default: throw error("invalid hex digit in \\u escape")
                }
                v = v * 16 + d
                pos += 1
            }
            return v
        }
    }
}
