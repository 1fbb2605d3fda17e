import Foundation

/// Writes single-file NIfTI-1 volumes (.nii, or .nii.gz when gzipped).
///
/// qform and sform are both written with code 1 (scanner-anatomical) and the
/// same axis-aligned transform: some tools only look at one of them, and when
/// both agree every tool places the volume identically.
public enum NIfTIWriter {
    /// zlib level for .nii.gz: level 1 compresses simulation fields 3-4x faster than the default 6
    /// for files about 10 % larger, and output time counts toward every run.
    public static let gzipLevel: Int32 = 1

    /// NIFTI_UNITS_MM (2) + NIFTI_UNITS_SEC (8).
    static let unitsMillimetreSecond: UInt8 = 10

    public static func data<C: Collection>(
        _ values: C,
        geometry: VolumeGeometry,
        description: String = "",
        intent: String = "",
        gzip: Bool
    ) throws -> Data where C.Element: NIfTIVoxel {
        let header = try makeHeader(
            for: C.Element.niftiDataType, valueCount: values.count, geometry: geometry,
            description: description, intent: intent,
            range: calibrationRange(values))

        let bytesPerVoxel = C.Element.niftiDataType.bytesPerVoxel
        let (payload, overflow1) = values.count.multipliedReportingOverflow(by: bytesPerVoxel)
        let (total, overflow2) = payload.addingReportingOverflow(NIfTIHeader.singleFileVoxOffset)
        guard !overflow1, !overflow2 else {
            throw NIfTIError.invalidGeometry("\(values.count) voxels do not fit in memory")
        }

        // Zero-filled, so bytes 348..<352 are the "no extensions" flag.
        var file = Data(count: total)
        let headerBytes = header.encoded()
        file.replaceSubrange(0..<headerBytes.count, with: headerBytes)
        file.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var offset = NIfTIHeader.singleFileVoxOffset
            for value in values {
                value.niftiStoreLittleEndian(at: base + offset)
                offset += bytesPerVoxel
            }
        }
        return gzip ? try Gzip.compress(file, level: gzipLevel) : file
    }

    public static func data(float32 values: [Float], geometry: VolumeGeometry, description: String = "", intent: String = "", gzip: Bool) throws -> Data {
        try data(values, geometry: geometry, description: description, intent: intent, gzip: gzip)
    }

    public static func data(uint8 values: [UInt8], geometry: VolumeGeometry, description: String = "", intent: String = "", gzip: Bool) throws -> Data {
        try data(values, geometry: geometry, description: description, intent: intent, gzip: gzip)
    }

    public static func data(int16 values: [Int16], geometry: VolumeGeometry, description: String = "", intent: String = "", gzip: Bool) throws -> Data {
        try data(values, geometry: geometry, description: description, intent: intent, gzip: gzip)
    }

    /// Writes atomically (temporary file + rename) so a crash never leaves a
    /// half-written image under the final name. `gzip` defaults to whether
    /// the file name ends in ".gz".
    public static func write<C: Collection>(
        _ values: C,
        geometry: VolumeGeometry,
        description: String = "",
        intent: String = "",
        to url: URL,
        gzip: Bool? = nil
    ) throws where C.Element: NIfTIVoxel {
        let compress = gzip ?? (url.pathExtension.lowercased() == "gz")
        let bytes = try data(values, geometry: geometry, description: description, intent: intent, gzip: compress)
        do {
            try bytes.write(to: url, options: .atomic)
        } catch {
            throw NIfTIError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }

    public static func write(float32 values: [Float], geometry: VolumeGeometry, description: String = "", intent: String = "", to url: URL, gzip: Bool? = nil) throws {
        try write(values, geometry: geometry, description: description, intent: intent, to: url, gzip: gzip)
    }

    public static func write(uint8 values: [UInt8], geometry: VolumeGeometry, description: String = "", intent: String = "", to url: URL, gzip: Bool? = nil) throws {
        try write(values, geometry: geometry, description: description, intent: intent, to: url, gzip: gzip)
    }

    public static func write(int16 values: [Int16], geometry: VolumeGeometry, description: String = "", intent: String = "", to url: URL, gzip: Bool? = nil) throws {
        try write(values, geometry: geometry, description: description, intent: intent, to: url, gzip: gzip)
    }

    // MARK: - Header construction

    static func makeHeader(
        for type: NIfTIDataType,
        valueCount: Int,
        geometry g: VolumeGeometry,
        description: String,
        intent: String,
        range: (min: Double, max: Double)
    ) throws -> NIfTIHeader {
        for (axis, n) in [("nx", g.nx), ("ny", g.ny), ("nz", g.nz)] {
            guard (1...Int(Int16.max)).contains(n) else {
                throw NIfTIError.dimensionOutOfRange(axis: axis, value: n)
            }
        }
        // Dimensions are at most 32767 each, so the product fits in Int.
        let expected = g.nx * g.ny * g.nz
        guard valueCount == expected else {
            throw NIfTIError.voxelCountMismatch(expected: expected, got: valueCount)
        }
        for (n, s) in [g.spacingMM.x, g.spacingMM.y, g.spacingMM.z].enumerated() {
            // The header stores Float32, so the value must survive that narrowing.
            guard s.isFinite, s > 0, Float(s).isFinite, Float(s) > 0 else {
                throw NIfTIError.invalidGeometry("spacing[\(n)] = \(s) mm; expected a finite number greater than 0")
            }
        }
        for (n, o) in [g.originMM.x, g.originMM.y, g.originMM.z].enumerated() {
            guard o.isFinite, Float(o).isFinite else {
                throw NIfTIError.invalidGeometry("origin[\(n)] = \(o) mm; expected a finite number within Float32 range")
            }
        }

        var h = NIfTIHeader()
        h.dim = [3, Int16(g.nx), Int16(g.ny), Int16(g.nz), 1, 1, 1, 1]
        h.datatypeCode = type.code
        h.bitpix = type.bitsPerVoxel
        // pixdim[0] is qfac; +1 means a right-handed index->world mapping.
        h.pixdim = [1, Float(g.spacingMM.x), Float(g.spacingMM.y), Float(g.spacingMM.z), 1, 1, 1, 1]
        h.voxOffset = Float(NIfTIHeader.singleFileVoxOffset)
        // Slope 1 / intercept 0 states "stored values are the real values"
        // explicitly rather than relying on readers treating 0 as "unset".
        h.sclSlope = 1
        h.sclInter = 0
        h.xyztUnits = unitsMillimetreSecond
        h.calMin = finiteFloat(range.min)
        h.calMax = finiteFloat(range.max)
        h.descrip = utf8Prefix(description, maxBytes: 79)
        h.intentName = utf8Prefix(intent, maxBytes: 15)
        h.qformCode = 1
        h.sformCode = 1
        h.quaternB = 0
        h.quaternC = 0
        h.quaternD = 0
        h.qoffsetX = Float(g.originMM.x)
        h.qoffsetY = Float(g.originMM.y)
        h.qoffsetZ = Float(g.originMM.z)
        h.srowX = [Float(g.spacingMM.x), 0, 0, Float(g.originMM.x)]
        h.srowY = [0, Float(g.spacingMM.y), 0, Float(g.originMM.y)]
        h.srowZ = [0, 0, Float(g.spacingMM.z), Float(g.originMM.z)]
        return h
    }

    /// Min/max over non-NaN values; display tools use cal_min/cal_max as the
    /// default window, so NaN or an empty range would make them show nothing.
    static func calibrationRange<C: Collection>(_ values: C) -> (min: Double, max: Double) where C.Element: NIfTIVoxel {
        var lo = Double.infinity
        var hi = -Double.infinity
        for v in values {
            let d = v.niftiDoubleValue
            if d.isNaN { continue }
            if d < lo { lo = d }
            if d > hi { hi = d }
        }
        guard lo <= hi else { return (0, 0) }
        // Infinite voxels are legal data but meaningless as a display window.
        return (lo.isFinite ? lo : 0, hi.isFinite ? hi : 0)
    }

    /// float64 data can exceed Float32 range; 0 ("unset") beats infinity.
    static func finiteFloat(_ value: Double) -> Float {
        let f = Float(value)
        return f.isFinite ? f : 0
    }

    /// Truncates at a character boundary so a multi-byte UTF-8 sequence is
    /// never cut in half (which would make the stored text undecodable).
    static func utf8Prefix(_ text: String, maxBytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        for ch in text {
            let bytes = Array(String(ch).utf8)
            if bytes.contains(0) { break }
            if out.count + bytes.count > maxBytes { break }
            out.append(contentsOf: bytes)
        }
        return out
    }
}
