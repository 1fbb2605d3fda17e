import CZlib
import Foundation

/// One named point-data array of a `.vti` file, stored x fastest, then y,
/// then z (the same order as the NIfTI outputs).
public struct VTIField: Sendable {
    public enum Values: Sendable {
        case float32([Float])
        case uint8([UInt8])
    }

    public var name: String
    public var values: Values

    public init(name: String, values: Values) {
        self.name = name
        self.values = values
    }

    var count: Int {
        switch values {
        case .float32(let v): return v.count
        case .uint8(let v): return v.count
        }
    }

    var vtkTypeName: String {
        switch values {
        case .float32: return "Float32"
        case .uint8: return "UInt8"
        }
    }
}

/// Writes VTK XML ImageData (`.vti`, file format version 1.0) for ParaView,
/// 3D Slicer's VTK readers, PyVista and the like.
///
/// Every field is point data and the points are the voxel centres, so the
/// values equal the NIfTI voxels one to one and `Origin` is the centre of
/// voxel (0,0,0), exactly like `VolumeGeometry.originMM`. The arrays follow
/// the XML in one `<AppendedData encoding="raw">` block (after its `_`
/// marker), each behind UInt64 headers (`header_type="UInt64"`, so arrays
/// above 4 GiB stay representable):
/// - uncompressed: [byte count] then the little-endian values;
/// - compressed (`compressor="vtkZLibDataCompressor"`): [number of blocks,
///   uncompressed block size, uncompressed size of the last block (0 when it
///   is full), compressed size of each block], then each block as its own
///   zlib stream. The `offset` of a DataArray counts from the byte after `_`.
public enum VTIWriter {
    /// Uncompressed bytes per zlib block. VTK's own writer uses 32 KiB; larger
    /// blocks give fewer headers and slightly better ratios on 16 MB fields,
    /// and any block size is legal for readers.
    public static let blockSize = 1 << 20

    /// zlib level: level 1 is several times faster than the default 6 on
    /// smooth simulation fields for a file only slightly larger, and output
    /// time counts toward every run (the NIfTI writer makes the same choice).
    public static let compressionLevel: Int32 = 1

    public static func data(fields: [VTIField], geometry: VolumeGeometry, compress: Bool = true) throws -> Data {
        try validate(fields: fields, geometry: geometry)

        var appended = Data()
        var offsets: [Int] = []
        for field in fields {
            offsets.append(appended.count)
            let bytes = littleEndianBytes(of: field.values)
            if compress {
                try appendCompressed(bytes, to: &appended)
            } else {
                appendUInt64(UInt64(bytes.count), to: &appended)
                appended.append(bytes)
            }
        }

        let g = geometry
        let extent = "0 \(g.nx - 1) 0 \(g.ny - 1) 0 \(g.nz - 1)"
        var xml = "<?xml version=\"1.0\"?>\n"
        xml += "<VTKFile type=\"ImageData\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt64\""
        if compress { xml += " compressor=\"vtkZLibDataCompressor\"" }
        xml += ">\n"
        xml += "  <ImageData WholeExtent=\"\(extent)\" Origin=\"\(triple(g.originMM))\""
        xml += " Spacing=\"\(triple(g.spacingMM))\" Direction=\"1 0 0 0 1 0 0 0 1\">\n"
        xml += "    <Piece Extent=\"\(extent)\">\n"
        if let first = fields.first {
            // Marks the first field as the active scalars, which ParaView colours by.
            xml += "      <PointData Scalars=\"\(xmlEscaped(first.name))\">\n"
        } else {
            xml += "      <PointData>\n"
        }
        for (field, offset) in zip(fields, offsets) {
            xml += "        <DataArray type=\"\(field.vtkTypeName)\" Name=\"\(xmlEscaped(field.name))\""
            xml += " NumberOfComponents=\"1\" format=\"appended\""
            if let range = valueRange(of: field.values) {
                xml += " RangeMin=\"\(range.min)\" RangeMax=\"\(range.max)\""
            }
            xml += " offset=\"\(offset)\"/>\n"
        }
        xml += "      </PointData>\n"
        xml += "      <CellData>\n      </CellData>\n"
        xml += "    </Piece>\n"
        xml += "  </ImageData>\n"
        xml += "  <AppendedData encoding=\"raw\">\n   _"

        var file = Data(xml.utf8)
        file.append(appended)
        file.append(Data("\n  </AppendedData>\n</VTKFile>\n".utf8))
        return file
    }

    // MARK: - Validation

    static func validate(fields: [VTIField], geometry g: VolumeGeometry) throws {
        for (axis, n) in [("nx", g.nx), ("ny", g.ny), ("nz", g.nz)] where n < 1 {
            throw VTIError.invalidGeometry("\(axis) = \(n); expected at least 1")
        }
        guard let expected = g.voxelCount else {
            throw VTIError.invalidGeometry("\(g.nx) x \(g.ny) x \(g.nz) voxels overflow the address space")
        }
        for (n, s) in [g.spacingMM.x, g.spacingMM.y, g.spacingMM.z].enumerated() where !(s.isFinite && s > 0) {
            throw VTIError.invalidGeometry("spacing[\(n)] = \(s) mm; expected a finite number greater than 0")
        }
        for (n, o) in [g.originMM.x, g.originMM.y, g.originMM.z].enumerated() where !o.isFinite {
            throw VTIError.invalidGeometry("origin[\(n)] = \(o) mm; expected a finite number")
        }
        var seen = Set<String>()
        for field in fields {
            guard !field.name.isEmpty else { throw VTIError.emptyFieldName }
            guard !field.name.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw VTIError.invalidFieldName(field.name)
            }
            guard seen.insert(field.name).inserted else {
                throw VTIError.duplicateFieldName(field.name)
            }
            guard field.count == expected else {
                throw VTIError.valueCountMismatch(field: field.name, expected: expected, got: field.count)
            }
        }
    }

    // MARK: - Binary payload

    static func littleEndianBytes(of values: VTIField.Values) -> Data {
        switch values {
        case .uint8(let v):
            return Data(v)
        case .float32(let v):
            #if _endian(little)
            return v.withUnsafeBytes { Data($0) }
            #else
            var out = Data(count: v.count * 4)
            out.withUnsafeMutableBytes { raw in
                for (n, x) in v.enumerated() {
                    raw.storeBytes(of: x.bitPattern.littleEndian, toByteOffset: 4 * n, as: UInt32.self)
                }
            }
            return out
            #endif
        }
    }

    static func appendUInt64(_ value: UInt64, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    /// Appends the vtkZLibDataCompressor header and blocks for `bytes`.
    static func appendCompressed(_ bytes: Data, to output: inout Data) throws {
        let total = bytes.count
        let blockCount = (total + blockSize - 1) / blockSize
        let lastPartial = total % blockSize
        var blocks: [Data] = []
        blocks.reserveCapacity(blockCount)
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            for b in 0..<blockCount {
                let start = b * blockSize
                let length = min(blockSize, total - start)
                blocks.append(try zlibCompress(UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])))
            }
        }
        appendUInt64(UInt64(blockCount), to: &output)
        appendUInt64(UInt64(blockSize), to: &output)
        appendUInt64(UInt64(lastPartial), to: &output)
        for block in blocks { appendUInt64(UInt64(block.count), to: &output) }
        for block in blocks { output.append(block) }
    }

    /// One zlib stream (RFC 1950: header, deflate data, Adler-32) of a block
    /// no larger than `blockSize`, so zlib's 32-bit lengths cannot overflow.
    static func zlibCompress(_ input: UnsafeRawBufferPointer) throws -> Data {
        let bound = Int(compressBound(uLong(input.count)))
        var output = Data(count: bound)
        var produced = uLongf(bound)
        let code = output.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Int32 in
            let source = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
            return compress2(out.baseAddress!.assumingMemoryBound(to: Bytef.self), &produced,
                             source, uLong(input.count), compressionLevel)
        }
        guard code == Z_OK else {
            let text = zError(code).map { String(cString: $0) } ?? "zlib error"
            throw VTIError.compressionFailed(code: code, message: text)
        }
        output.count = Int(produced)
        return output
    }

    // MARK: - Text helpers

    /// Min/max over finite values, or nil when there are none; readers use
    /// these attributes as the default colour range without scanning data.
    static func valueRange(of values: VTIField.Values) -> (min: String, max: String)? {
        switch values {
        case .uint8(let v):
            guard let lo = v.min(), let hi = v.max() else { return nil }
            return ("\(lo)", "\(hi)")
        case .float32(let v):
            var lo = Float.infinity
            var hi = -Float.infinity
            for x in v where x.isFinite {
                if x < lo { lo = x }
                if x > hi { hi = x }
            }
            guard lo <= hi else { return nil }
            // Float's own shortest text ("34.98", not the widened "34.97999954223633").
            return (lo == lo.rounded() && abs(lo) < 1e7 ? number(Double(lo)) : "\(lo)",
                    hi == hi.rounded() && abs(hi) < 1e7 ? number(Double(hi)) : "\(hi)")
        }
    }

    /// Shortest text that reads back to the same Double (Swift's description
    /// round-trips), with integers written without a fraction.
    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    static func triple(_ v: SIMD3<Double>) -> String {
        "\(number(v.x)) \(number(v.y)) \(number(v.z))"
    }

    static func xmlEscaped(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }
}
