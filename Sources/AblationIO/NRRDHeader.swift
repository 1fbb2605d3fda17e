import Foundation

/// The text header of a NRRD file with attached data, split into its fields ("name: value") and
/// key/value pairs ("key:=value"), and where the voxel data starts.
///
/// Field names are matched without case and spaces ("space directions", "spacedirections"), as
/// the format's readers do. The header is bounded (`maxBytes`) so a binary file or a hostile
/// header is refused after reading at most that much text.
struct NRRDHeader: Sendable {
    static let maxBytes = 1 << 20

    /// Field descriptors by normalised name (lowercase, spaces removed), whitespace-trimmed.
    var fields: [String: String] = [:]
    /// Key/value pairs with `\n` and `\\` escapes undone.
    var keyValues: [String: String] = [:]
    /// Byte offset of the voxel data (just after the blank line), nil when no blank line ends the
    /// header before the end of the file (a detached header).
    var dataOffset: Int?

    static func normalised(_ name: some StringProtocol) -> String {
        name.lowercased().filter { $0 != " " && $0 != "\t" }
    }

    func field(_ name: String) -> String? { fields[Self.normalised(name)] }

    static func parse(_ raw: UnsafeRawBufferPointer) throws -> NRRDHeader {
        let magic = Array(raw.prefix(8))
        guard magic.count == 8, magic.prefix(7).elementsEqual("NRRD000".utf8), (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(magic[7]) else {
            throw NRRDError.notNRRD(start: NRRDError.excerpt(String(decoding: magic, as: UTF8.self)))
        }
        var header = NRRDHeader()
        var lineStart = 0
        var lineNumber = 0
        while lineStart < raw.count {
            // The search stops at the limit, so a file without newlines costs at most maxBytes.
            let searchEnd = min(raw.count, maxBytes)
            var newline = lineStart
            while newline < searchEnd && raw[newline] != UInt8(ascii: "\n") { newline += 1 }
            if newline == searchEnd && raw.count > maxBytes {
                throw NRRDError.headerTooLong(limitBytes: maxBytes)
            }
            var lineEnd = newline
            if lineEnd > lineStart && raw[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            lineNumber += 1
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: raw[lineStart..<lineEnd]), as: UTF8.self)
            if lineNumber > 1 {
                if text.isEmpty {
                    guard newline < raw.count else { break }
                    header.dataOffset = newline + 1
                    return header
                }
                try header.take(line: text, number: lineNumber)
            } else if text.count != 8 {
                throw NRRDError.notNRRD(start: NRRDError.excerpt(text))
            }
            lineStart = newline + 1
        }
        return header
    }

    private mutating func take(line: String, number: Int) throws {
        if line.hasPrefix("#") { return }
        if let separator = line.range(of: ":=") {
            let key = String(line[..<separator.lowerBound])
            guard !key.isEmpty else { throw NRRDError.malformedLine(line: number, text: NRRDError.excerpt(line)) }
            guard keyValues[key] == nil else { throw NRRDError.duplicateField(key) }
            keyValues[key] = Self.unescaped(line[separator.upperBound...])
            return
        }
        guard let separator = line.range(of: ": ") else {
            throw NRRDError.malformedLine(line: number, text: NRRDError.excerpt(line))
        }
        let name = Self.normalised(line[..<separator.lowerBound])
        guard !name.isEmpty else { throw NRRDError.malformedLine(line: number, text: NRRDError.excerpt(line)) }
        guard fields[name] == nil else { throw NRRDError.duplicateField(String(line[..<separator.lowerBound])) }
        fields[name] = line[separator.upperBound...].trimmingCharacters(in: .whitespaces)
    }

    /// Key/value escapes of the format: "\n" for a newline and "\\" for a backslash.
    private static func unescaped(_ text: Substring) -> String {
        guard text.contains("\\") else { return String(text) }
        var out = ""
        var escaping = false
        for c in text {
            if escaping {
                out.append(c == "n" ? "\n" : c)
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        if escaping { out.append("\\") }
        return out
    }
}
