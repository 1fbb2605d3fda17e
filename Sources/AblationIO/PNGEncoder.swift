import CZlib
import Foundation

/// Encodes 8-bit RGB images as PNG (ISO/IEC 15948): signature, IHDR, optional
/// tEXt chunks, one or more IDAT chunks holding a single zlib stream, IEND.
///
/// Each scanline gets the filter (None, Sub, Up, Average or Paeth) whose
/// output has the smallest sum of absolute values taken as signed bytes, the
/// heuristic the PNG specification recommends for true-colour images.
public enum PNGEncoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// Largest IDAT payload; readers accept any split of the zlib stream.
    static let maxIDATSize = 1 << 20
    static let compressionLevel: Int32 = 6

    /// - Parameters:
    ///   - pixels: R, G, B bytes per pixel, row-major, top row first.
    ///   - text: tEXt chunks as (keyword, text), e.g. ("Software", "ablsim 0.1.0");
    ///     keywords are 1-79 Latin-1 characters, texts Latin-1 without NUL.
    public static func rgb(width: Int, height: Int, pixels: [UInt8], text: [(String, String)] = []) throws -> Data {
        // PNG stores dimensions as 31-bit values.
        guard width >= 1, height >= 1, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw PNGError.invalidSize(width: width, height: height)
        }
        let (rowBytes, o1) = width.multipliedReportingOverflow(by: 3)
        let (expected, o2) = rowBytes.multipliedReportingOverflow(by: height)
        guard !o1, !o2 else { throw PNGError.invalidSize(width: width, height: height) }
        guard pixels.count == expected else {
            throw PNGError.pixelCountMismatch(expected: expected, got: pixels.count)
        }
        let textChunks = try text.map { try textChunkData(keyword: $0.0, text: $0.1) }

        let filtered = filterScanlines(pixels, width: width, height: height)
        let stream = try zlibCompress(filtered)

        var png = Data(signature)
        var ihdr = Data()
        appendUInt32(UInt32(width), to: &ihdr)
        appendUInt32(UInt32(height), to: &ihdr)
        // Bit depth 8, colour type 2 (RGB), compression 0, filter method 0, no interlace.
        ihdr.append(contentsOf: [8, 2, 0, 0, 0])
        appendChunk("IHDR", ihdr, to: &png)
        for chunk in textChunks { appendChunk("tEXt", chunk, to: &png) }
        var start = stream.startIndex
        repeat {
            let end = min(start + maxIDATSize, stream.endIndex)
            appendChunk("IDAT", stream[start..<end], to: &png)
            start = end
        } while start < stream.endIndex
        appendChunk("IEND", Data(), to: &png)
        return png
    }

    // MARK: - Filtering

    /// Returns `height` rows of [filter type byte, filtered row bytes].
    static func filterScanlines(_ pixels: [UInt8], width: Int, height: Int) -> [UInt8] {
        let bpp = 3
        let rowBytes = width * bpp
        var out = [UInt8](repeating: 0, count: height * (rowBytes + 1))
        var candidate = [UInt8](repeating: 0, count: rowBytes)
        var best = [UInt8](repeating: 0, count: rowBytes)
        pixels.withUnsafeBufferPointer { px in
            for y in 0..<height {
                let row = y * rowBytes
                let prior = row - rowBytes  // valid only when y > 0
                var bestType: UInt8 = 0
                var bestScore = Int.max
                for type in UInt8(0)...4 {
                    var score = 0
                    for i in 0..<rowBytes {
                        let x = px[row + i]
                        let a = i >= bpp ? px[row + i - bpp] : 0
                        let b = y > 0 ? px[prior + i] : 0
                        let c = (i >= bpp && y > 0) ? px[prior + i - bpp] : 0
                        let predictor: UInt8
                        switch type {
                        case 0: predictor = 0
                        case 1: predictor = a
                        case 2: predictor = b
                        case 3: predictor = UInt8((Int(a) + Int(b)) / 2)
                        default: predictor = paeth(a, b, c)
                        }
                        let value = x &- predictor
                        candidate[i] = value
                        score += abs(Int(Int8(bitPattern: value)))
                    }
                    if score < bestScore {
                        bestScore = score
                        bestType = type
                        swap(&best, &candidate)
                    }
                }
                let dst = y * (rowBytes + 1)
                out[dst] = bestType
                for i in 0..<rowBytes { out[dst + 1 + i] = best[i] }
            }
        }
        return out
    }

    /// The Paeth predictor: whichever of left, above, upper-left is closest
    /// to left + above - upper-left, ties resolved in that order.
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a))
        let pb = abs(p - Int(b))
        let pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        if pb <= pc { return b }
        return c
    }

    // MARK: - Chunks

    static func appendUInt32(_ value: UInt32, to data: inout Data) {
        withUnsafeBytes(of: value.bigEndian) { data.append(contentsOf: $0) }
    }

    /// length, type, data, CRC-32 of type + data (all big-endian).
    static func appendChunk(_ type: String, _ payload: Data, to png: inout Data) {
        let typeBytes = Data(type.utf8)
        appendUInt32(UInt32(payload.count), to: &png)
        png.append(typeBytes)
        png.append(payload)
        var crc = crc32(0, nil, 0)
        crc = typeBytes.withUnsafeBytes { crc32(crc, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt($0.count)) }
        crc = payload.withUnsafeBytes { crc32(crc, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt($0.count)) }
        appendUInt32(UInt32(truncatingIfNeeded: crc), to: &png)
    }

    static func textChunkData(keyword: String, text: String) throws -> Data {
        guard let key = latin1(keyword), (1...79).contains(key.count),
              !key.contains(0), key.first != 0x20, key.last != 0x20,
              !zip(key, key.dropFirst()).contains(where: { $0 == 0x20 && $1 == 0x20 }),
              key.allSatisfy({ (0x20...0x7E).contains($0) || $0 >= 0xA1 }) else {
            throw PNGError.invalidTextKeyword(keyword)
        }
        guard let value = latin1(text), !value.contains(0) else {
            throw PNGError.invalidText(keyword: keyword)
        }
        return Data(key) + Data([0]) + Data(value)
    }

    static func latin1(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        for scalar in s.unicodeScalars {
            guard scalar.value <= 0xFF else { return nil }
            out.append(UInt8(scalar.value))
        }
        return out
    }

    // MARK: - zlib

    /// One zlib stream (RFC 1950) of `input`, deflated in chunks so inputs
    /// beyond zlib's 32-bit counters cannot overflow them.
    static func zlibCompress(_ input: [UInt8]) throws -> Data {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        var code = deflateInit_(stream, compressionLevel, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else { throw PNGError.compressionFailed(code: code) }
        defer { deflateEnd(stream) }

        let outChunk = 1 << 16
        let buffer = UnsafeMutablePointer<Bytef>.allocate(capacity: outChunk)
        defer { buffer.deallocate() }
        var output = Data()
        let inChunk = 1 << 30
        try input.withUnsafeBufferPointer { src in
            var consumed = 0
            while true {
                if stream.pointee.avail_in == 0, consumed < src.count, let base = src.baseAddress {
                    let n = min(inChunk, src.count - consumed)
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: base + consumed)
                    stream.pointee.avail_in = uInt(n)
                    consumed += n
                }
                stream.pointee.next_out = buffer
                stream.pointee.avail_out = uInt(outChunk)
                code = deflate(stream, consumed == src.count ? Z_FINISH : Z_NO_FLUSH)
                output.append(buffer, count: outChunk - Int(stream.pointee.avail_out))
                if code == Z_STREAM_END { return }
                guard code == Z_OK || code == Z_BUF_ERROR else { throw PNGError.compressionFailed(code: code) }
            }
        }
        return output
    }
}
