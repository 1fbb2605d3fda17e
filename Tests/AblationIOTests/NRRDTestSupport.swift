import Foundation
@testable import AblationIO

/// A NRRD file assembled byte by byte from header lines and a payload, so the tests state the
/// exact bytes a reader gets instead of trusting a writer.
func nrrdFile(_ lines: [String], payload: Data, magic: String = "NRRD0004", newline: String = "\n") -> Data {
    Data((([magic] + lines).joined(separator: newline) + newline + newline).utf8) + payload
}

/// The header lines of a 3D image; `extra` is appended (key/value pairs, other fields).
func nrrdLines(type: String = "uint8", sizes: [Int], encoding: String = "raw", endian: String? = "little",
               space: String = "right-anterior-superior", directions: String = "(1,0,0) (0,1,0) (0,0,1)",
               origin: String = "(0,0,0)", kinds: String? = nil, extra: [String] = []) -> [String] {
    var lines = ["type: \(type)", "dimension: \(sizes.count)", "space: \(space)", "sizes: " + sizes.map(String.init).joined(separator: " "),
                 "space directions: \(directions)"]
    if let kinds { lines.append("kinds: \(kinds)") }
    if let endian { lines.append("endian: \(endian)") }
    lines += ["encoding: \(encoding)", "space origin: \(origin)"]
    return lines + extra
}

/// Values stored in a byte order of our choosing, independent of the host's.
func bytes<T: FixedWidthInteger>(_ values: [T], bigEndian: Bool) -> Data {
    var out = Data()
    for v in values {
        let ordered = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: ordered) { out.append(contentsOf: $0) }
    }
    return out
}

func nrrdError(_ data: Data, maxVoxels: Int = 4096) -> NRRDError? {
    do {
        _ = try NRRDReader.decode(data, maxVoxels: maxVoxels)
        return nil
    } catch let error as NRRDError {
        return error
    } catch {
        return nil
    }
}
