import Foundation

/// Reads single-file NIfTI-1 volumes (.nii or .nii.gz, either byte order).
///
/// Input is treated as untrusted: every size and offset is checked with
/// overflow-reporting arithmetic before use, and each failure becomes a
/// `NIfTIError` rather than a trap.
public enum NIfTIReader {
    /// Room for the header plus extensions (e.g. embedded XML) when bounding
    /// gzip output; image data is bounded separately by `maxVoxels`.
    static let maxHeaderAndExtensionBytes = 16 << 20

    public static func read(contentsOf url: URL, maxVoxels: Int = 512 * 512 * 1024) throws -> NIfTIVolume {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw NIfTIError.readFailed(path: url.path, reason: error.localizedDescription)
        }
        return try decode(bytes, maxVoxels: maxVoxels)
    }

    public static func decode(_ data: Data, maxVoxels: Int) throws -> NIfTIVolume {
        let limit = max(0, maxVoxels)
        // Compressed input is recognised by content, not by file extension,
        // because files are often renamed carelessly.
        if data.count >= 2, data[data.startIndex] == 0x1F, data[data.startIndex + 1] == 0x8B {
            let (voxelBytes, o1) = limit.multipliedReportingOverflow(by: 8)
            let (bound, o2) = voxelBytes.addingReportingOverflow(maxHeaderAndExtensionBytes)
            let maxOutput = (o1 || o2) ? Int.max : bound
            let inflated: Data
            do {
                inflated = try Gzip.decompress(data, maxOutputBytes: maxOutput)
            } catch GzipError.outputLimitExceeded {
                throw NIfTIError.decompressedTooLarge(limitBytes: maxOutput, maxVoxels: limit)
            } catch {
                throw NIfTIError.decompressionFailed(String(describing: error))
            }
            return try decodeUncompressed(inflated, maxVoxels: limit)
        }
        return try decodeUncompressed(data, maxVoxels: limit)
    }

    private static func decodeUncompressed(_ data: Data, maxVoxels: Int) throws -> NIfTIVolume {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let header = try NIfTIHeader.decode(raw)
            let (nx, ny, nz) = try dimensions(of: header, maxVoxels: maxVoxels)
            let voxelCount = nx * ny * nz  // bounded by maxVoxels in dimensions(of:)

            guard let datatype = NIfTIDataType(code: header.datatypeCode) else {
                throw NIfTIError.unsupportedDatatype(code: header.datatypeCode)
            }
            // bitpix is redundant with datatype and some writers get it wrong,
            // so the datatype code alone decides the layout.

            let offset = try voxelOffset(of: header)
            let (payload, o1) = voxelCount.multipliedReportingOverflow(by: datatype.bytesPerVoxel)
            let (end, o2) = payload.addingReportingOverflow(offset)
            let available = max(0, raw.count - offset)
            guard !o1, !o2, end <= raw.count else {
                throw NIfTIError.truncated(expectedBytes: o1 ? Int.max : payload, availableBytes: available)
            }

            let affine = try makeAffine(header)
            let values = convert(
                raw, offset: offset, count: voxelCount, type: datatype,
                bigEndian: header.isBigEndian, slope: header.sclSlope, intercept: header.sclInter)

            return NIfTIVolume(
                nx: nx, ny: ny, nz: nz, affine: affine, datatype: datatype, values: values,
                description: String(decoding: header.descrip, as: UTF8.self),
                qformCode: header.qformCode, sformCode: header.sformCode)
        }
    }

    // MARK: - Validation

    private static func dimensions(of h: NIfTIHeader, maxVoxels: Int) throws -> (Int, Int, Int) {
        let rank = Int(h.dim[0])
        guard (3...7).contains(rank) else { throw NIfTIError.unsupportedDimensionCount(rank) }
        for n in 1...3 where h.dim[n] <= 0 {
            throw NIfTIError.nonPositiveDimension(index: n, value: Int(h.dim[n]))
        }
        // dim[n] beyond dim[0] is unused by definition, so only the declared
        // extra dimensions have to be 1.
        if rank > 3 {
            for n in 4...rank where h.dim[n] != 1 {
                throw NIfTIError.notSingleVolume(index: n, value: Int(h.dim[n]))
            }
        }
        let nx = Int(h.dim[1]), ny = Int(h.dim[2]), nz = Int(h.dim[3])
        // Each is <= 32767, so the product cannot overflow a 64-bit Int.
        guard nx * ny * nz <= maxVoxels else {
            throw NIfTIError.tooManyVoxels(nx: nx, ny: ny, nz: nz, limit: maxVoxels)
        }
        return (nx, ny, nz)
    }

    private static func voxelOffset(of h: NIfTIHeader) throws -> Int {
        let v = Double(h.voxOffset)
        // Int(v) traps on NaN, infinity or out-of-range values, so those are
        // rejected first; whether the offset fits the file is checked later.
        guard v.isFinite, v >= Double(NIfTIHeader.size), v <= 0x1p52, v == v.rounded(.towardZero) else {
            throw NIfTIError.invalidVoxelOffset(v)
        }
        return Int(v)
    }

    private static func spacing(of h: NIfTIHeader) throws -> SIMD3<Double> {
        var s = SIMD3<Double>()
        for n in 1...3 {
            let v = Double(h.pixdim[n])
            guard v.isFinite, v > 0 else { throw NIfTIError.invalidSpacing(index: n, value: v) }
            s[n - 1] = v
        }
        return s
    }

    // MARK: - Affine

    /// Scale to millimetres from the header's spatial unit (low 3 bits of
    /// xyzt_units); "unknown" is taken as mm, as most tools do.
    private static func millimetresPerUnit(_ xyztUnits: UInt8) -> Double {
        switch xyztUnits & 0x07 {
        case 1: return 1000  // NIFTI_UNITS_METER
        case 3: return 0.001  // NIFTI_UNITS_MICRON
        default: return 1
        }
    }

    static func makeAffine(_ h: NIfTIHeader) throws -> [[Double]] {
        let pixel = try spacing(of: h)
        var m: [[Double]]
        if h.sformCode > 0 {
            m = [h.srowX.map(Double.init), h.srowY.map(Double.init), h.srowZ.map(Double.init), [0, 0, 0, 1]]
        } else if h.qformCode > 0 {
            m = try qformAffine(h, spacing: pixel)
        } else {
            // NIfTI-1 "method 1" (Analyze compatibility): scaling only.
            m = [[pixel.x, 0, 0, 0], [0, pixel.y, 0, 0], [0, 0, pixel.z, 0], [0, 0, 0, 1]]
        }
        let unit = millimetresPerUnit(h.xyztUnits)
        if unit != 1 {
            for r in 0..<3 { m[r] = m[r].map { $0 * unit } }
        }
        guard m.joined().allSatisfy(\.isFinite) else {
            throw NIfTIError.invalidAffine("it contains NaN or infinite entries")
        }
        let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        guard det != 0, det.isFinite else {
            throw NIfTIError.invalidAffine("its 3x3 part is singular (determinant \(det)), so voxels cannot be placed in space")
        }
        return m
    }

    /// Quaternion to matrix as in nifti1_io.c's quatern_to_mat44, including
    /// its handling of (b,c,d) with norm ~1 as a 180-degree rotation.
    static func qformAffine(_ h: NIfTIHeader, spacing: SIMD3<Double>) throws -> [[Double]] {
        var b = Double(h.quaternB), c = Double(h.quaternC), d = Double(h.quaternD)
        let qx = Double(h.qoffsetX), qy = Double(h.qoffsetY), qz = Double(h.qoffsetZ)
        guard [b, c, d, qx, qy, qz].allSatisfy(\.isFinite) else {
            throw NIfTIError.invalidAffine("the qform quaternion or offset contains NaN or infinite values")
        }
        var a = 1 - (b * b + c * c + d * d)
        if a < 1e-7 {
            // Norm >= 1: renormalise (b,c,d) and treat as a 180-degree turn.
            let norm = (b * b + c * c + d * d).squareRoot()
            guard norm > 0, norm.isFinite else {
                throw NIfTIError.invalidAffine("the qform quaternion (\(b), \(c), \(d)) cannot be normalised")
            }
            b /= norm; c /= norm; d /= norm
            a = 0
        } else {
            a = a.squareRoot()
        }
        // pixdim[0] is qfac; the spec says any value other than -1 means +1.
        let qfac: Double = h.pixdim[0] == -1 ? -1 : 1
        let sx = spacing.x, sy = spacing.y, sz = spacing.z * qfac
        let r = [
            [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
            [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
            [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
        ]
        return [
            [r[0][0] * sx, r[0][1] * sy, r[0][2] * sz, qx],
            [r[1][0] * sx, r[1][1] * sy, r[1][2] * sz, qy],
            [r[2][0] * sx, r[2][1] * sy, r[2][2] * sz, qz],
            [0, 0, 0, 1],
        ]
    }

    // MARK: - Voxel conversion

    private static func convert(
        _ raw: UnsafeRawBufferPointer, offset: Int, count: Int, type: NIfTIDataType,
        bigEndian: Bool, slope: Float, intercept: Float
    ) -> [Float] {
        // slope 0 (or non-finite) means "no scaling" per the spec and nibabel.
        let scale = slope.isFinite && slope != 0
        let m = Double(slope)
        let b = intercept.isFinite ? Double(intercept) : 0

        func fill<T: FixedWidthInteger>(_: T.Type, _ toDouble: (T) -> Double) -> [Float] {
            let size = MemoryLayout<T>.size
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for n in 0..<count {
                    var bits = raw.loadUnaligned(fromByteOffset: offset + n * size, as: T.self)
                    bits = bigEndian ? T(bigEndian: bits) : T(littleEndian: bits)
                    let v = toDouble(bits)
                    buffer[n] = Float(scale ? v * m + b : v)
                }
                initialized = count
            }
        }

        switch type {
        case .uint8: return fill(UInt8.self) { Double($0) }
        case .int8: return fill(Int8.self) { Double($0) }
        case .int16: return fill(Int16.self) { Double($0) }
        case .uint16: return fill(UInt16.self) { Double($0) }
        case .int32: return fill(Int32.self) { Double($0) }
        case .uint32: return fill(UInt32.self) { Double($0) }
        case .float32: return fill(UInt32.self) { Double(Float(bitPattern: $0)) }
        case .float64: return fill(UInt64.self) { Double(bitPattern: $0) }
        }
    }
}
