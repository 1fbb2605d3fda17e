import Foundation

/// Reads NRRD files with attached data (.nrrd, and 3D Slicer's .seg.nrrd): raw or gzip encoded,
/// 3D label maps or Slicer's 4D layered segmentations (`kinds: list domain domain domain`), in
/// RAS, LAS or LPS space, with Slicer's `SegmentN_*` segment table.
///
/// Input is untrusted, as for `NIfTIReader`: the header is read only up to `NRRDHeader.maxBytes`,
/// sizes are multiplied with overflow checks and bounded by `maxVoxels` before anything is
/// allocated, gzip output is capped at the size the header implies, and every failure is an
/// `NRRDError`.
public enum NRRDReader {
    public static func read(contentsOf url: URL, maxVoxels: Int = 512 * 512 * 1024) throws -> NRRDVolume {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw NRRDError.readFailed(path: url.path, reason: error.localizedDescription)
        }
        return try decode(bytes, maxVoxels: maxVoxels)
    }

    public static func decode(_ data: Data, maxVoxels: Int) throws -> NRRDVolume {
        let limit = max(0, maxVoxels)
        let (header, layout) = try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let header = try NRRDHeader.parse(raw)
            return (header, try Layout(header, maxVoxels: limit))
        }
        guard let offset = header.dataOffset else { throw NRRDError.noAttachedData }
        let samples = try payload(data, from: offset, layout: layout)
        let segments = try segmentTable(header.keyValues, layerCount: layout.layerCount)
        return NRRDVolume(
            nx: layout.spatialSizes.0, ny: layout.spatialSizes.1, nz: layout.spatialSizes.2, layerCount: layout.layerCount,
            affine: layout.affine, space: layout.space, datatype: layout.type, segments: segments,
            keyValues: header.keyValues, samples: samples, spatialStrides: layout.spatialStrides, layerStride: layout.layerStride)
    }

    // MARK: - Geometry and storage from the header fields

    /// What the fields say about the voxel data, checked before any of it is read.
    struct Layout {
        var type: NIfTIDataType
        var gzip: Bool
        var bigEndian: Bool
        var sizes: [Int]
        var sampleCount: Int
        var byteCount: Int
        var spatialSizes: (Int, Int, Int)
        var spatialStrides: (Int, Int, Int)
        var layerCount: Int
        var layerStride: Int
        var space: NRRDSpace
        var affine: [[Double]]

        init(_ header: NRRDHeader, maxVoxels: Int) throws {
            if let file = header.field("data file") { throw NRRDError.detachedData(file: file) }

            let dimension = try Self.integer(header, "dimension", expected: "3 or 4")
            guard dimension == 3 || dimension == 4 else { throw NRRDError.unsupportedDimension(dimension) }

            guard let typeName = header.field("type") else {
                throw NRRDError.missingField("type", expected: "the voxel type (e.g. uchar, short, float)")
            }
            guard let type = NIfTIDataType(nrrdTypeName: typeName) else { throw NRRDError.unsupportedType(typeName) }
            self.type = type

            guard let encoding = header.field("encoding") else { throw NRRDError.missingField("encoding", expected: "raw or gzip") }
            switch encoding.lowercased() {
            case "raw": gzip = false
            case "gzip", "gz": gzip = true
            default: throw NRRDError.unsupportedEncoding(encoding)
            }

            // Byte order matters only for multi-byte types, and the format requires it there.
            switch header.field("endian")?.lowercased() {
            case "little": bigEndian = false
            case "big": bigEndian = true
            case nil where type.bytesPerVoxel == 1: bigEndian = false
            case nil: throw NRRDError.missingField("endian", expected: "little or big for \(type.name) voxels")
            case let other?: throw NRRDError.invalidField("endian", value: NRRDError.excerpt(other), expected: "little or big")
            }
            for name in ["line skip", "byte skip"] {
                if let skip = header.field(name), skip != "0" {
                    throw NRRDError.invalidField(name, value: NRRDError.excerpt(skip), expected: "0 (the voxel data follows the blank line)")
                }
            }

            sizes = try Self.sizes(header, dimension: dimension)
            var count = 1
            for n in sizes {
                let (product, overflow) = count.multipliedReportingOverflow(by: n)
                guard !overflow, product <= maxVoxels else { throw NRRDError.tooManyVoxels(sizes: sizes, limit: maxVoxels) }
                count = product
            }
            sampleCount = count
            byteCount = count * type.bytesPerVoxel  // at most maxVoxels * 8

            guard let spaceName = header.field("space") else {
                throw NRRDError.missingField("space", expected: "the patient frame of space directions and space origin: right-anterior-superior (RAS) or left-posterior-superior (LPS)")
            }
            guard let space = NRRDSpace(name: spaceName) else { throw NRRDError.unsupportedSpace(spaceName) }
            self.space = space
            if let spaceDimension = header.field("space dimension"), spaceDimension != "3" {
                throw NRRDError.invalidField("space dimension", value: NRRDError.excerpt(spaceDimension), expected: "3")
            }
            if let units = header.field("space units") {
                let tokens = units.split(separator: " ", omittingEmptySubsequences: true)
                guard tokens.count == 3, tokens.allSatisfy({ $0 == "\"mm\"" }) else {
                    throw NRRDError.invalidField("space units", value: NRRDError.excerpt(units), expected: "\"mm\" \"mm\" \"mm\"")
                }
            }

            guard let directionText = header.field("space directions") else {
                throw NRRDError.missingField("space directions", expected: "one (x,y,z) vector per axis (none for the layer axis)")
            }
            let directions = try Self.directions(directionText, dimension: dimension)
            let listAxes = directions.indices.filter { directions[$0] == nil }
            let expectedList = dimension == 4 ? 1 : 0
            guard listAxes.count == expectedList else {
                throw NRRDError.invalidField(
                    "space directions", value: NRRDError.excerpt(directionText),
                    expected: dimension == 4
                        ? "exactly one axis with direction none (the layers) and three (x,y,z) vectors"
                        : "three (x,y,z) vectors")
            }
            let spatialAxes = directions.indices.filter { directions[$0] != nil }
            try Self.checkKinds(header, dimension: dimension, listAxis: listAxes.first)

            guard let originText = header.field("space origin") else {
                throw NRRDError.missingField("space origin", expected: "(x,y,z), the position of the first voxel's centre in mm")
            }
            let originList = try Self.vectors(originText, field: "space origin")
            guard originList.count == 1, let originVector = originList[0] else {
                throw NRRDError.invalidField("space origin", value: NRRDError.excerpt(originText), expected: "one vector (x,y,z) in mm")
            }

            var strides = [Int](repeating: 1, count: dimension)
            for axis in 1..<dimension { strides[axis] = strides[axis - 1] * sizes[axis - 1] }
            spatialSizes = (sizes[spatialAxes[0]], sizes[spatialAxes[1]], sizes[spatialAxes[2]])
            spatialStrides = (strides[spatialAxes[0]], strides[spatialAxes[1]], strides[spatialAxes[2]])
            if let list = listAxes.first {
                layerCount = sizes[list]
                layerStride = strides[list]
            } else {
                layerCount = 1
                layerStride = 0
            }

            let toRAS = space.toRAS
            var m: [[Double]] = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]]
            for (column, axis) in spatialAxes.enumerated() {
                let d = directions[axis]! * toRAS
                for row in 0..<3 { m[row][column] = d[row] }
            }
            let o = originVector * toRAS
            for row in 0..<3 { m[row][3] = o[row] }
            let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
            guard det != 0, det.isFinite else {
                throw NRRDError.invalidAffine("the space directions are linearly dependent (determinant \(det)), so voxels cannot be placed in space")
            }
            affine = m
        }

        private static func integer(_ header: NRRDHeader, _ name: String, expected: String) throws -> Int {
            guard let text = header.field(name) else { throw NRRDError.missingField(name, expected: expected) }
            guard let value = Int(text) else { throw NRRDError.invalidField(name, value: NRRDError.excerpt(text), expected: expected) }
            return value
        }

        private static func sizes(_ header: NRRDHeader, dimension: Int) throws -> [Int] {
            let expected = "\(dimension) whole numbers of at least 1, one per axis"
            guard let text = header.field("sizes") else { throw NRRDError.missingField("sizes", expected: expected) }
            let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let values = tokens.compactMap { Int($0) }
            guard tokens.count == dimension, values.count == dimension, values.allSatisfy({ $0 >= 1 }) else {
                throw NRRDError.invalidField("sizes", value: NRRDError.excerpt(text), expected: expected)
            }
            return values
        }

        /// `space directions`: per axis a vector "(x,y,z)" or "none".
        private static func directions(_ text: String, dimension: Int) throws -> [SIMD3<Double>?] {
            let list = try vectors(text, field: "space directions")
            guard list.count == dimension else {
                throw NRRDError.invalidField(
                    "space directions", value: NRRDError.excerpt(text),
                    expected: "\(dimension) entries, one per axis: (x,y,z) vectors in mm, none for the layer axis")
            }
            return list
        }

        /// A whitespace-separated list of "(x,y,z)" vectors and "none", as `space directions` and
        /// `space origin` write them; components must be finite numbers.
        static func vectors(_ text: String, field: String) throws -> [SIMD3<Double>?] {
            func invalid() -> NRRDError {
                NRRDError.invalidField(field, value: NRRDError.excerpt(text), expected: "vectors (x,y,z) of finite numbers in mm (or none for a non-spatial axis)")
            }
            var result: [SIMD3<Double>?] = []
            var rest = text[...]
            while true {
                rest = rest.drop(while: { $0 == " " || $0 == "\t" })
                if rest.isEmpty { break }
                if rest.hasPrefix("none") {
                    result.append(nil)
                    rest = rest.dropFirst(4)
                    continue
                }
                guard rest.first == "(", let close = rest.firstIndex(of: ")") else { throw invalid() }
                let parts = rest[rest.index(after: rest.startIndex)..<close].split(separator: ",", omittingEmptySubsequences: false)
                let numbers = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard parts.count == 3, numbers.count == 3, numbers.allSatisfy(\.isFinite) else { throw invalid() }
                result.append(SIMD3(numbers[0], numbers[1], numbers[2]))
                rest = rest[rest.index(after: close)...]
                // Entries are separated by whitespace; "(1,0,0)(0,1,0)" is not a list.
                if let next = rest.first, next != " " && next != "\t" { throw invalid() }
            }
            return result
        }

        /// `kinds` is optional; when present, spatial axes must be domain/space and the layer axis
        /// a list, or the file means something else (a vector field, a time series).
        private static func checkKinds(_ header: NRRDHeader, dimension: Int, listAxis: Int?) throws {
            guard let text = header.field("kinds") else { return }
            let kinds = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }
            let expected = dimension == 4
                ? "4 kinds with list for the axis whose direction is none and domain for the others (3D Slicer: list domain domain domain)"
                : "3 kinds, domain or space (domain domain domain)"
            guard kinds.count == dimension else { throw NRRDError.invalidField("kinds", value: NRRDError.excerpt(text), expected: expected) }
            for (axis, kind) in kinds.enumerated() {
                let ok = axis == listAxis ? ["list", "???", "none"].contains(kind) : ["domain", "space", "???", "none"].contains(kind)
                guard ok else { throw NRRDError.invalidField("kinds", value: NRRDError.excerpt(text), expected: expected) }
            }
        }
    }

    // MARK: - Voxel data

    private static func payload(_ data: Data, from offset: Int, layout: Layout) throws -> [Float] {
        let encoded = data.dropFirst(offset)
        if layout.gzip {
            let bytes: Data
            do {
                bytes = try Gzip.decompress(encoded, maxOutputBytes: layout.byteCount)
            } catch GzipError.outputLimitExceeded {
                throw NRRDError.decompressedTooLong(expectedBytes: layout.byteCount)
            } catch GzipError.truncated {
                throw NRRDError.gzipCutShort
            } catch {
                throw NRRDError.decompressionFailed(String(describing: error))
            }
            return try samples(bytes, layout: layout)
        }
        return try samples(encoded, layout: layout)
    }

    private static func samples(_ bytes: Data, layout: Layout) throws -> [Float] {
        guard bytes.count >= layout.byteCount else {
            throw NRRDError.payloadTooShort(expectedBytes: layout.byteCount, availableBytes: bytes.count)
        }
        // Data longer than the header says means the header describes another image (wrong sizes
        // or type), which would misplace every voxel, so it is refused rather than cut.
        guard bytes.count == layout.byteCount else {
            throw NRRDError.payloadTooLong(expectedBytes: layout.byteCount, availableBytes: bytes.count)
        }
        return bytes.withUnsafeBytes { convert($0, count: layout.sampleCount, type: layout.type, bigEndian: layout.bigEndian) }
    }

    private static func convert(_ raw: UnsafeRawBufferPointer, count: Int, type: NIfTIDataType, bigEndian: Bool) -> [Float] {
        func fill<T: FixedWidthInteger>(_: T.Type, _ toFloat: (T) -> Float) -> [Float] {
            let size = MemoryLayout<T>.size
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for n in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: n * size, as: T.self)
                    buffer[n] = toFloat(bigEndian ? T(bigEndian: bits) : T(littleEndian: bits))
                }
                initialized = count
            }
        }
        switch type {
        case .uint8: return fill(UInt8.self) { Float($0) }
        case .int8: return fill(Int8.self) { Float($0) }
        case .int16: return fill(Int16.self) { Float($0) }
        case .uint16: return fill(UInt16.self) { Float($0) }
        case .int32: return fill(Int32.self) { Float($0) }
        case .uint32: return fill(UInt32.self) { Float($0) }
        case .float32: return fill(UInt32.self) { Float(bitPattern: $0) }
        case .float64: return fill(UInt64.self) { Float(Double(bitPattern: $0)) }
        }
    }

    // MARK: - 3D Slicer segment table

    /// `SegmentN_Name`, `SegmentN_LabelValue`, `SegmentN_Layer` and `SegmentN_ID`: a segment is
    /// every N with a name or an ID (other SegmentN_ keys, such as colours, are not needed here).
    static func segmentTable(_ keyValues: [String: String], layerCount: Int) throws -> [NRRDSegment] {
        var byIndex: [Int: [String: String]] = [:]
        for (key, value) in keyValues where key.hasPrefix("Segment") {
            let rest = key.dropFirst("Segment".count)
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, rest.dropFirst(digits.count).first == "_" else { continue }
            let field = String(rest.dropFirst(digits.count + 1))
            guard ["ID", "Name", "LabelValue", "Layer"].contains(field) else { continue }
            guard digits.count <= 6, let index = Int(digits) else {
                throw NRRDError.invalidSegment(key: key, value: NRRDError.excerpt(value), expected: "a segment number N below 1000000 in SegmentN_\(field)")
            }
            byIndex[index, default: [:]][field] = value
        }
        var segments: [NRRDSegment] = []
        for index in byIndex.keys.sorted() {
            let fields = byIndex[index]!
            guard fields["ID"] != nil || fields["Name"] != nil else { continue }
            let prefix = "Segment\(index)_"
            guard let name = fields["Name"] else {
                throw NRRDError.invalidSegment(key: prefix + "Name", value: "missing", expected: "the name of segment \(index) (its ID is \(NRRDError.excerpt(fields["ID"] ?? "")))")
            }
            guard let labelText = fields["LabelValue"] else {
                throw NRRDError.invalidSegment(key: prefix + "LabelValue", value: "missing", expected: "the voxel value of segment \(NRRDError.excerpt(name)) (written by 3D Slicer 4.11 and later)")
            }
            guard let label = Int(labelText.trimmingCharacters(in: .whitespaces)), (-2_147_483_648...2_147_483_647).contains(label) else {
                throw NRRDError.invalidSegment(key: prefix + "LabelValue", value: NRRDError.excerpt(labelText), expected: "an integer from -2147483648 to 2147483647")
            }
            let layer: Int
            if let layerText = fields["Layer"] {
                guard let value = Int(layerText.trimmingCharacters(in: .whitespaces)), (0..<layerCount).contains(value) else {
                    throw NRRDError.invalidSegment(key: prefix + "Layer", value: NRRDError.excerpt(layerText),
                                                   expected: "a layer from 0 to \(layerCount - 1) (the file has \(layerCount))")
                }
                layer = value
            } else if layerCount == 1 {
                layer = 0
            } else {
                throw NRRDError.invalidSegment(key: prefix + "Layer", value: "missing", expected: "the layer of segment \(NRRDError.excerpt(name)), from 0 to \(layerCount - 1)")
            }
            segments.append(NRRDSegment(index: index, id: fields["ID"] ?? "", name: name, labelValue: label, layer: layer))
        }
        return segments
    }
}
