import CZlib
import Foundation
import Testing
@testable import AblationIO

/// Reads back what `VTIWriter` produced, from the bytes alone: XML
/// attributes by text search, arrays through the appended-data headers.
struct ParsedVTI {
    struct Array {
        var type: String
        var name: String
        var offset: Int
        var bytes: Data
        var blockCount: Int?
        var blockSize: Int?
        var lastBlockSize: Int?
    }

    var xml: String
    var arrays: [Array] = []

    func attribute(_ name: String, of element: String) -> String? {
        guard let start = xml.range(of: "<\(element) ") else { return nil }
        let tail = xml[start.upperBound...]
        let end = tail.firstIndex(of: ">") ?? tail.endIndex
        return Self.attribute(name, in: " " + String(tail[..<end]))
    }

    static func attribute(_ name: String, in tag: String) -> String? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        let rest = tag[r.upperBound...]
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<close])
    }

    func floats(_ name: String) -> [Float]? {
        guard let a = arrays.first(where: { $0.name == name }), a.type == "Float32" else { return nil }
        return stride(from: 0, to: a.bytes.count, by: 4).map { a.bytes.floatLE(at: $0) }
    }

    func bytes(_ name: String) -> [UInt8]? {
        arrays.first { $0.name == name }.map { [UInt8]($0.bytes) }
    }
}

func uint64LE(_ d: Data, _ offset: Int) -> Int {
    var v: UInt64 = 0
    for n in 0..<8 { v |= UInt64(d[d.startIndex + offset + n]) << (8 * UInt64(n)) }
    return Int(v)
}

func parseVTI(_ file: Data) throws -> ParsedVTI {
    let marker = Data("<AppendedData encoding=\"raw\">".utf8)
    let markerRange = try #require(file.range(of: marker))
    let underscore = try #require(file[markerRange.upperBound...].firstIndex(of: UInt8(ascii: "_")))
    // Only whitespace between the element and the marker.
    #expect(file[markerRange.upperBound..<underscore].allSatisfy { $0 == 0x20 || $0 == 0x0A })
    let dataStart = underscore + 1
    var parsed = ParsedVTI(xml: String(decoding: file[..<underscore], as: UTF8.self))
    let compressed = parsed.attribute("compressor", of: "VTKFile") == "vtkZLibDataCompressor"

    var searchFrom = parsed.xml.startIndex
    while let r = parsed.xml.range(of: "<DataArray ", range: searchFrom..<parsed.xml.endIndex) {
        let end = parsed.xml[r.upperBound...].firstIndex(of: ">")!
        let tag = " " + String(parsed.xml[r.upperBound..<end])
        searchFrom = end
        let type = try #require(ParsedVTI.attribute("type", in: tag))
        let name = try #require(ParsedVTI.attribute("Name", in: tag))
        #expect(ParsedVTI.attribute("format", in: tag) == "appended")
        let offsetText = try #require(ParsedVTI.attribute("offset", in: tag))
        let offset = try #require(Int(offsetText))
        let base = dataStart + offset
        var array = ParsedVTI.Array(type: type, name: name, offset: offset, bytes: Data())
        if compressed {
            let count = uint64LE(file, base)
            let blockSize = uint64LE(file, base + 8)
            let last = uint64LE(file, base + 16)
            array.blockCount = count
            array.blockSize = blockSize
            array.lastBlockSize = last
            var position = base + 24 + 8 * count
            for b in 0..<count {
                let size = uint64LE(file, base + 24 + 8 * b)
                let expected = (b == count - 1 && last != 0) ? last : blockSize
                let block = file.subdata(in: position..<(position + size))
                array.bytes.append(contentsOf: try zlibInflate(block, expectedSize: expected))
                position += size
            }
        } else {
            let size = uint64LE(file, base)
            array.bytes = file.subdata(in: (base + 8)..<(base + 8 + size))
        }
        parsed.arrays.append(array)
    }
    return parsed
}

@Suite("VTI writer")
struct VTIWriterTests {
    static let geometry = VolumeGeometry(nx: 7, ny: 5, nz: 3, spacingMM: SIMD3(0.5, 0.75, 1.25), originMM: SIMD3(-1.5, 2, 10.25))

    static func sampleFields() -> (temperature: [Float], necrosis: [UInt8]) {
        let n = geometry.nx * geometry.ny * geometry.nz
        var t = (0..<n).map { Float($0) * 0.37 - 3.5 }
        t[4] = .nan
        t[5] = -.infinity
        let necrosis = (0..<n).map { UInt8($0 % 3 == 0 ? 1 : 0) }
        return (t, necrosis)
    }

    @Test("round trip", arguments: [true, false])
    func roundTrip(compress: Bool) throws {
        let (t, necrosis) = Self.sampleFields()
        let file = try VTIWriter.data(fields: [
            VTIField(name: "temperature_max", values: .float32(t)),
            VTIField(name: "necrosis", values: .uint8(necrosis)),
        ], geometry: Self.geometry, compress: compress)
        let vti = try parseVTI(file)

        #expect(vti.xml.hasPrefix("<?xml version=\"1.0\"?>"))
        #expect(vti.attribute("type", of: "VTKFile") == "ImageData")
        #expect(vti.attribute("byte_order", of: "VTKFile") == "LittleEndian")
        #expect(vti.attribute("header_type", of: "VTKFile") == "UInt64")
        #expect(vti.attribute("compressor", of: "VTKFile") == (compress ? "vtkZLibDataCompressor" : nil))
        #expect(vti.attribute("WholeExtent", of: "ImageData") == "0 6 0 4 0 2")
        #expect(vti.attribute("Extent", of: "Piece") == "0 6 0 4 0 2")
        #expect(vti.attribute("Origin", of: "ImageData") == "-1.5 2 10.25")
        #expect(vti.attribute("Spacing", of: "ImageData") == "0.5 0.75 1.25")
        #expect(vti.attribute("Direction", of: "ImageData") == "1 0 0 0 1 0 0 0 1")
        #expect(vti.attribute("Scalars", of: "PointData") == "temperature_max")
        #expect(vti.xml.components(separatedBy: "<Piece").count == 2)  // exactly one piece

        #expect(vti.arrays.map(\.name) == ["temperature_max", "necrosis"])
        #expect(vti.arrays.map(\.type) == ["Float32", "UInt8"])
        #expect(vti.arrays.first?.offset == 0)
        let back = try #require(vti.floats("temperature_max"))
        #expect(back.map(\.bitPattern) == t.map(\.bitPattern))  // NaN and -inf preserved bit for bit
        #expect(vti.bytes("necrosis") == necrosis)
        #expect(file.suffix(11) == Data("</VTKFile>\n".utf8))
    }

    @Test func multiBlockCompression() throws {
        // 300,000 floats = 1.2 MB: one full 1 MiB block plus a partial one.
        let g = VolumeGeometry(nx: 100, ny: 100, nz: 30, spacingMM: SIMD3(1, 1, 1))
        let values = (0..<300_000).map { Float(($0 * 7919) % 1000) / 10 }
        let exact = (0..<(VTIWriter.blockSize / 4)).map { Float($0 % 97) }  // exactly one block
        let gExact = VolumeGeometry(nx: 512, ny: 512, nz: 1, spacingMM: SIMD3(1, 1, 1))

        let vti = try parseVTI(try VTIWriter.data(fields: [VTIField(name: "v", values: .float32(values))], geometry: g))
        let a = try #require(vti.arrays.first)
        #expect(a.blockCount == 2)
        #expect(a.blockSize == VTIWriter.blockSize)
        #expect(a.lastBlockSize == 1_200_000 - VTIWriter.blockSize)
        #expect(vti.floats("v") == values)

        let vtiExact = try parseVTI(try VTIWriter.data(fields: [VTIField(name: "e", values: .float32(exact))], geometry: gExact))
        #expect(vtiExact.arrays.first?.blockCount == 1)
        #expect(vtiExact.arrays.first?.lastBlockSize == 0)
        #expect(vtiExact.floats("e") == exact)
    }

    @Test func offsetsPointPastPreviousArrays() throws {
        let (t, necrosis) = Self.sampleFields()
        let fields = [
            VTIField(name: "a", values: .uint8(necrosis)),
            VTIField(name: "b", values: .float32(t)),
            VTIField(name: "c", values: .uint8(necrosis.map { 1 - $0 })),
        ]
        let raw = try parseVTI(try VTIWriter.data(fields: fields, geometry: Self.geometry, compress: false))
        let n = t.count
        #expect(raw.arrays.map(\.offset) == [0, 8 + n, 8 + n + 8 + 4 * n])
        #expect(raw.bytes("c") == necrosis.map { 1 - $0 })
        let packed = try parseVTI(try VTIWriter.data(fields: fields, geometry: Self.geometry))
        #expect(packed.bytes("a") == necrosis)
        #expect(packed.floats("b")?.map(\.bitPattern) == t.map(\.bitPattern))
        #expect(packed.bytes("c") == necrosis.map { 1 - $0 })
    }

    @Test func compressionShrinksSmoothFields() throws {
        let g = VolumeGeometry(nx: 64, ny: 64, nz: 64, spacingMM: SIMD3(1, 1, 1))
        let smooth: [Float] = (0..<(64 * 64 * 64)).map { n in Float(37) + Float(n % 64) * Float(0.5) }
        let field = [VTIField(name: "t", values: .float32(smooth))]
        let packed = try VTIWriter.data(fields: field, geometry: g)
        let raw = try VTIWriter.data(fields: field, geometry: g, compress: false)
        #expect(packed.count * 5 < raw.count)
    }

    @Test func namesAreXMLEscaped() throws {
        let g = VolumeGeometry(nx: 1, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1))
        let file = try VTIWriter.data(fields: [VTIField(name: "a<b & \"c\"", values: .uint8([7]))], geometry: g)
        let text = String(decoding: file.prefix(600), as: UTF8.self)
        #expect(text.contains("Name=\"a&lt;b &amp; &quot;c&quot;\""))
    }

    @Test func rejectsBadInput() {
        let g = Self.geometry
        let n = g.nx * g.ny * g.nz
        #expect(throws: VTIError.valueCountMismatch(field: "t", expected: n, got: n - 1)) {
            try VTIWriter.data(fields: [VTIField(name: "t", values: .float32([Float](repeating: 0, count: n - 1)))], geometry: g)
        }
        #expect(throws: VTIError.duplicateFieldName("t")) {
            try VTIWriter.data(fields: [
                VTIField(name: "t", values: .uint8([UInt8](repeating: 0, count: n))),
                VTIField(name: "t", values: .float32([Float](repeating: 0, count: n))),
            ], geometry: g)
        }
        #expect(throws: VTIError.emptyFieldName) {
            try VTIWriter.data(fields: [VTIField(name: "", values: .uint8([UInt8](repeating: 0, count: n)))], geometry: g)
        }
        #expect(throws: VTIError.self) {
            try VTIWriter.data(fields: [], geometry: VolumeGeometry(nx: 0, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1)))
        }
        #expect(throws: VTIError.self) {
            try VTIWriter.data(fields: [], geometry: VolumeGeometry(nx: 1, ny: 1, nz: 1, spacingMM: SIMD3(1, 0, 1)))
        }
        #expect(VTIError.duplicateFieldName("t").description.contains("\"t\""))
    }
}
