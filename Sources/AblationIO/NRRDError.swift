/// Every way reading a NRRD file can fail. Descriptions name the field and what was expected,
/// because users meet them when a segmentation exported by another tool will not load.
public enum NRRDError: Error, Sendable, Equatable, CustomStringConvertible {
    case readFailed(path: String, reason: String)
    case notNRRD(start: String)
    case headerTooLong(limitBytes: Int)
    case noAttachedData
    case detachedData(file: String)
    case malformedLine(line: Int, text: String)
    case duplicateField(String)
    case missingField(String, expected: String)
    case invalidField(String, value: String, expected: String)
    case unsupportedType(String)
    case unsupportedEncoding(String)
    case unsupportedDimension(Int)
    case unsupportedSpace(String)
    case tooManyVoxels(sizes: [Int], limit: Int)
    case payloadTooShort(expectedBytes: Int, availableBytes: Int)
    case payloadTooLong(expectedBytes: Int, availableBytes: Int)
    case decompressedTooLong(expectedBytes: Int)
    case gzipCutShort
    case decompressionFailed(String)
    case invalidSegment(key: String, value: String, expected: String)
    case invalidAffine(String)

    public var description: String {
        switch self {
        case .readFailed(let path, let reason):
            return "could not read \(path): \(reason)"
        case .notNRRD(let start):
            return "not a NRRD file: it starts with \(start), expected the magic line \"NRRD0001\" to \"NRRD0005\""
        case .headerTooLong(let limit):
            return "no blank line ends the header within its first \(limit) bytes; expected a NRRD header followed by a blank line and the voxel data"
        case .noAttachedData:
            return "the header is not followed by a blank line and voxel data; expected a NRRD file with attached data (.nrrd or .seg.nrrd)"
        case .detachedData(let file):
            return "the voxel data is in a separate file (\"data file: \(file)\"); only NRRD files with attached data (.nrrd or .seg.nrrd) are supported: save the segmentation as .seg.nrrd"
        case .malformedLine(let line, let text):
            return "header line \(line) \(text) is neither a field (\"name: value\"), a key/value pair (\"key:=value\") nor a comment (\"#...\")"
        case .duplicateField(let name):
            return "the field \"\(name)\" appears twice; expected it once"
        case .missingField(let name, let expected):
            return "the field \"\(name)\" is missing; expected \(expected)"
        case .invalidField(let name, let value, let expected):
            return "the field \"\(name)\" is \(value); expected \(expected)"
        case .unsupportedType(let name):
            return "voxel type \"\(name)\" is not supported; expected int8, uint8, int16, uint16, int32, uint32, float or double"
        case .unsupportedEncoding(let name):
            return "encoding \"\(name)\" is not supported; expected raw or gzip"
        case .unsupportedDimension(let n):
            return "dimension \(n) is not supported; expected 3 (a label map) or 4 (3D Slicer's layered segmentation: kinds list domain domain domain)"
        case .unsupportedSpace(let name):
            return "space \"\(name)\" is not supported; expected right-anterior-superior (RAS), left-anterior-superior (LAS) or left-posterior-superior (LPS)"
        case .tooManyVoxels(let sizes, let limit):
            return "sizes \(sizes.map(String.init).joined(separator: " ")) hold more than \(limit) voxels (all layers together), the most a label map may have"
        case .payloadTooShort(let expected, let available):
            return "the voxel data is \(available) bytes, but sizes and type need \(expected)"
        case .payloadTooLong(let expected, let available):
            return "the voxel data is \(available) bytes, but sizes and type need \(expected); the header does not describe the data"
        case .decompressedTooLong(let expected):
            return "the gzip voxel data decompresses to more than the \(expected) bytes sizes and type need; the header does not describe the data"
        case .gzipCutShort:
            return "the gzip voxel data is cut short: the stream ends before its end marker (an incomplete copy or download?)"
        case .decompressionFailed(let reason):
            return "could not decompress the gzip voxel data: \(reason)"
        case .invalidSegment(let key, let value, let expected):
            return "segment metadata \(key) is \(value); expected \(expected)"
        case .invalidAffine(let reason):
            return "invalid voxel-to-world transform: \(reason)"
        }
    }

    /// A header excerpt for a message: quoted, at most 60 characters, control characters escaped,
    /// so a binary file read as text cannot flood or garble the terminal.
    static func excerpt(_ text: Substring) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(60) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return "\"" + out + (text.unicodeScalars.count > 60 ? "..." : "") + "\""
    }

    static func excerpt(_ text: String) -> String { excerpt(text[...]) }
}
