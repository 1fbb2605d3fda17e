import Foundation

/// The fields of the 348-byte NIfTI-1 header that this module reads or
/// writes. Offsets follow nifti1.h; fields we never use (Analyze leftovers,
/// slice timing) are written as zero and skipped when reading.
struct NIfTIHeader: Sendable, Equatable {
    static let size = 348
    /// Single-file layout: header, 4-byte extension flag, then voxels.
    static let singleFileVoxOffset = 352

    var dim: [Int16] = [Int16](repeating: 0, count: 8)
    var datatypeCode: Int16 = 0
    var bitpix: Int16 = 0
    var pixdim: [Float] = [Float](repeating: 0, count: 8)
    var voxOffset: Float = 0
    var sclSlope: Float = 0
    var sclInter: Float = 0
    var xyztUnits: UInt8 = 0
    var calMax: Float = 0
    var calMin: Float = 0
    var descrip: [UInt8] = []
    var qformCode: Int16 = 0
    var sformCode: Int16 = 0
    var quaternB: Float = 0
    var quaternC: Float = 0
    var quaternD: Float = 0
    var qoffsetX: Float = 0
    var qoffsetY: Float = 0
    var qoffsetZ: Float = 0
    var srowX: [Float] = [0, 0, 0, 0]
    var srowY: [Float] = [0, 0, 0, 0]
    var srowZ: [Float] = [0, 0, 0, 0]
    var intentName: [UInt8] = []
    var magic: [UInt8] = [0x6E, 0x2B, 0x31, 0x00]
    /// Set by `decode`; the voxel block uses the same byte order as the header.
    var isBigEndian = false

    enum Offset {
        static let sizeofHdr = 0
        static let regular = 38
        static let dim = 40
        static let datatype = 70
        static let bitpix = 72
        static let pixdim = 76
        static let voxOffset = 108
        static let sclSlope = 112
        static let sclInter = 116
        static let xyztUnits = 123
        static let calMax = 124
        static let calMin = 128
        static let descrip = 148
        static let qformCode = 252
        static let sformCode = 254
        static let quaternB = 256
        static let quaternC = 260
        static let quaternD = 264
        static let qoffsetX = 268
        static let qoffsetY = 272
        static let qoffsetZ = 276
        static let srowX = 280
        static let srowY = 296
        static let srowZ = 312
        static let intentName = 328
        static let magic = 344
    }

    /// Serialises to exactly 348 little-endian bytes.
    func encoded() -> Data {
        var bytes = [UInt8](repeating: 0, count: Self.size)
        func put16(_ v: Int16, _ at: Int) {
            let u = UInt16(bitPattern: v)
            bytes[at] = UInt8(truncatingIfNeeded: u)
            bytes[at + 1] = UInt8(truncatingIfNeeded: u >> 8)
        }
        func put32(_ u: UInt32, _ at: Int) {
            for b in 0..<4 { bytes[at + b] = UInt8(truncatingIfNeeded: u >> (8 * UInt32(b))) }
        }
        func putF(_ v: Float, _ at: Int) { put32(v.bitPattern, at) }
        func putBytes(_ src: [UInt8], _ at: Int, maxCount: Int) {
            for (n, b) in src.prefix(maxCount).enumerated() { bytes[at + n] = b }
        }

        put32(UInt32(Self.size), Offset.sizeofHdr)
        // 'r' marks the (ignored) Analyze "regular" flag the way other writers do.
        bytes[Offset.regular] = 0x72
        for n in 0..<8 { put16(n < dim.count ? dim[n] : 0, Offset.dim + 2 * n) }
        put16(datatypeCode, Offset.datatype)
        put16(bitpix, Offset.bitpix)
        for n in 0..<8 { putF(n < pixdim.count ? pixdim[n] : 0, Offset.pixdim + 4 * n) }
        putF(voxOffset, Offset.voxOffset)
        putF(sclSlope, Offset.sclSlope)
        putF(sclInter, Offset.sclInter)
        bytes[Offset.xyztUnits] = xyztUnits
        putF(calMax, Offset.calMax)
        putF(calMin, Offset.calMin)
        // Fixed-size C strings: leave the last byte zero so readers that
        // expect NUL termination stay in bounds.
        putBytes(descrip, Offset.descrip, maxCount: 79)
        put16(qformCode, Offset.qformCode)
        put16(sformCode, Offset.sformCode)
        putF(quaternB, Offset.quaternB)
        putF(quaternC, Offset.quaternC)
        putF(quaternD, Offset.quaternD)
        putF(qoffsetX, Offset.qoffsetX)
        putF(qoffsetY, Offset.qoffsetY)
        putF(qoffsetZ, Offset.qoffsetZ)
        for n in 0..<4 {
            putF(n < srowX.count ? srowX[n] : 0, Offset.srowX + 4 * n)
            putF(n < srowY.count ? srowY[n] : 0, Offset.srowY + 4 * n)
            putF(n < srowZ.count ? srowZ[n] : 0, Offset.srowZ + 4 * n)
        }
        putBytes(intentName, Offset.intentName, maxCount: 15)
        putBytes(magic, Offset.magic, maxCount: 4)
        return Data(bytes)
    }

    /// Parses the first 348 bytes of `raw`, detecting byte order from
    /// sizeof_hdr. Validates only what is needed to trust the layout;
    /// semantic checks (dims, datatype, offsets) belong to the reader.
    static func decode(_ raw: UnsafeRawBufferPointer) throws -> NIfTIHeader {
        guard raw.count >= size else { throw NIfTIError.tooShort(byteCount: raw.count) }

        let sizeLE = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: Offset.sizeofHdr, as: UInt32.self))
        // "swapped" means the file is big-endian: FieldReader undoes that
        // first and then converts from little-endian, so it is host-independent.
        let swapped: Bool
        if sizeLE == UInt32(size) {
            swapped = false
        } else if sizeLE.byteSwapped == UInt32(size) {
            swapped = true
        } else if sizeLE == 540 || sizeLE.byteSwapped == 540 {
            throw NIfTIError.nifti2NotSupported
        } else {
            throw NIfTIError.badHeaderSize(Int32(bitPattern: sizeLE))
        }
        let reader = FieldReader(raw: raw, swapped: swapped)

        let magic = (0..<4).map { raw[Offset.magic + $0] }
        if magic == [0x6E, 0x69, 0x31, 0x00] {
            throw NIfTIError.twoFilePairNotSupported
        }
        guard magic == [0x6E, 0x2B, 0x31, 0x00] else {
            throw NIfTIError.badMagic(magic)
        }

        var h = NIfTIHeader()
        h.magic = magic
        h.isBigEndian = swapped
        h.dim = (0..<8).map { reader.int16(Offset.dim + 2 * $0) }
        h.datatypeCode = reader.int16(Offset.datatype)
        h.bitpix = reader.int16(Offset.bitpix)
        h.pixdim = (0..<8).map { reader.float(Offset.pixdim + 4 * $0) }
        h.voxOffset = reader.float(Offset.voxOffset)
        h.sclSlope = reader.float(Offset.sclSlope)
        h.sclInter = reader.float(Offset.sclInter)
        h.xyztUnits = raw[Offset.xyztUnits]
        h.calMax = reader.float(Offset.calMax)
        h.calMin = reader.float(Offset.calMin)
        h.descrip = cString(raw, at: Offset.descrip, maxCount: 80)
        h.qformCode = reader.int16(Offset.qformCode)
        h.sformCode = reader.int16(Offset.sformCode)
        h.quaternB = reader.float(Offset.quaternB)
        h.quaternC = reader.float(Offset.quaternC)
        h.quaternD = reader.float(Offset.quaternD)
        h.qoffsetX = reader.float(Offset.qoffsetX)
        h.qoffsetY = reader.float(Offset.qoffsetY)
        h.qoffsetZ = reader.float(Offset.qoffsetZ)
        h.srowX = (0..<4).map { reader.float(Offset.srowX + 4 * $0) }
        h.srowY = (0..<4).map { reader.float(Offset.srowY + 4 * $0) }
        h.srowZ = (0..<4).map { reader.float(Offset.srowZ + 4 * $0) }
        h.intentName = cString(raw, at: Offset.intentName, maxCount: 16)
        return h
    }

    private static func cString(_ raw: UnsafeRawBufferPointer, at offset: Int, maxCount: Int) -> [UInt8] {
        var out: [UInt8] = []
        for n in 0..<maxCount {
            let b = raw[offset + n]
            if b == 0 { break }
            out.append(b)
        }
        return out
    }

    /// Reads fixed-offset fields in the file's byte order. Callers only pass
    /// offsets inside the already length-checked 348-byte header.
    private struct FieldReader {
        let raw: UnsafeRawBufferPointer
        let swapped: Bool

        func int16(_ offset: Int) -> Int16 {
            let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
            let native = swapped ? v.byteSwapped : v
            return Int16(bitPattern: UInt16(littleEndian: native))
        }

        func float(_ offset: Int) -> Float {
            let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            let native = swapped ? v.byteSwapped : v
            return Float(bitPattern: UInt32(littleEndian: native))
        }
    }
}
