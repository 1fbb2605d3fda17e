import CZlib
import Foundation

/// gzip (RFC 1952) compression on top of the system zlib.
///
/// Both directions stream through fixed-size chunks: zlib's counters are
/// 32-bit, so feeding a whole multi-GiB buffer in one call would overflow
/// them, and chunked output lets `decompress` stop as soon as the caller's
/// limit is reached instead of after a decompression bomb has filled memory.
public enum Gzip {
    /// Largest slice handed to zlib per call; well below `UInt32.max`.
    private static let inputChunk = 1 << 30
    private static let outputChunk = 1 << 16

    /// windowBits 15 + 16 selects the gzip wrapper instead of zlib's own.
    private static let gzipWindowBits: Int32 = 15 + 16
    /// windowBits 15 + 32 auto-detects gzip or zlib headers when reading.
    private static let autoDetectWindowBits: Int32 = 15 + 32

    public static func compress(_ data: Data, level: Int32 = 6) throws -> Data {
        guard level == Z_DEFAULT_COMPRESSION || (0...9).contains(level) else {
            throw GzipError.invalidLevel(level)
        }
        // zlib keeps a back-pointer to the z_stream and rejects calls made
        // through a different address, so the struct must not move.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        let initCode = deflateInit2_(
            stream, level, Z_DEFLATED, gzipWindowBits, 8, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initCode == Z_OK else {
            throw GzipError.initializationFailed(code: initCode, message: message(of: stream, code: initCode))
        }
        defer { deflateEnd(stream) }

        let outBuffer = UnsafeMutablePointer<Bytef>.allocate(capacity: outputChunk)
        defer { outBuffer.deallocate() }
        var output = Data()

        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            var consumed = 0
            while true {
                if stream.pointee.avail_in == 0, consumed < input.count, let base = input.baseAddress {
                    let n = min(inputChunk, input.count - consumed)
                    stream.pointee.next_in = UnsafeMutablePointer(
                        mutating: (base + consumed).assumingMemoryBound(to: Bytef.self))
                    stream.pointee.avail_in = uInt(n)
                    consumed += n
                }
                let isLastInput = consumed == input.count
                let flush = isLastInput ? Z_FINISH : Z_NO_FLUSH
                stream.pointee.next_out = outBuffer
                stream.pointee.avail_out = uInt(outputChunk)
                let code = deflate(stream, flush)
                let produced = outputChunk - Int(stream.pointee.avail_out)
                if produced > 0 {
                    output.append(outBuffer, count: produced)
                }
                switch code {
                case Z_STREAM_END:
                    return
                case Z_OK, Z_BUF_ERROR:
                    // Z_BUF_ERROR only means "no progress possible this call";
                    // the next iteration supplies more input or output space.
                    if code == Z_BUF_ERROR && produced == 0 && stream.pointee.avail_in == 0 && isLastInput {
                        throw GzipError.zlibFailure(code: code, message: "deflate made no progress")
                    }
                    continue
                default:
                    throw GzipError.zlibFailure(code: code, message: message(of: stream, code: code))
                }
            }
        }
        return output
    }

    /// Inflates gzip (or zlib) data. Concatenated gzip members are joined, as
    /// the gzip tool does. Throws instead of producing more than
    /// `maxOutputBytes`, so untrusted input cannot exhaust memory.
    public static func decompress(_ data: Data, maxOutputBytes: Int) throws -> Data {
        guard maxOutputBytes >= 0 else { throw GzipError.invalidOutputLimit(maxOutputBytes) }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        let initCode = inflateInit2_(
            stream, autoDetectWindowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initCode == Z_OK else {
            throw GzipError.initializationFailed(code: initCode, message: message(of: stream, code: initCode))
        }
        defer { inflateEnd(stream) }

        let outBuffer = UnsafeMutablePointer<Bytef>.allocate(capacity: outputChunk)
        defer { outBuffer.deallocate() }
        var output = Data()

        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            var fed = 0
            while true {
                if stream.pointee.avail_in == 0, fed < input.count, let base = input.baseAddress {
                    let n = min(inputChunk, input.count - fed)
                    stream.pointee.next_in = UnsafeMutablePointer(
                        mutating: (base + fed).assumingMemoryBound(to: Bytef.self))
                    stream.pointee.avail_in = uInt(n)
                    fed += n
                }
                stream.pointee.next_out = outBuffer
                stream.pointee.avail_out = uInt(outputChunk)
                let code = inflate(stream, Z_NO_FLUSH)
                let produced = outputChunk - Int(stream.pointee.avail_out)
                if produced > 0 {
                    guard produced <= maxOutputBytes - output.count else {
                        throw GzipError.outputLimitExceeded(limit: maxOutputBytes)
                    }
                    output.append(outBuffer, count: produced)
                }
                switch code {
                case Z_STREAM_END:
                    let remaining = Int(stream.pointee.avail_in) + (input.count - fed)
                    if remaining == 0 { return }
                    let next = input.count - remaining
                    guard remaining >= 2, input[next] == 0x1f, input[next + 1] == 0x8b else {
                        throw GzipError.trailingData(byteCount: remaining)
                    }
                    let resetCode = inflateReset(stream)
                    guard resetCode == Z_OK else {
                        throw GzipError.zlibFailure(code: resetCode, message: message(of: stream, code: resetCode))
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    if stream.pointee.avail_in == 0 && fed == input.count {
                        throw GzipError.truncated
                    }
                    // Output space was full; the loop provides a fresh buffer.
                    continue
                case Z_DATA_ERROR, Z_NEED_DICT:
                    throw GzipError.corrupt(message: message(of: stream, code: code))
                default:
                    throw GzipError.zlibFailure(code: code, message: message(of: stream, code: code))
                }
            }
        }
        return output
    }

    private static func message(of stream: UnsafeMutablePointer<z_stream>, code: Int32) -> String {
        if let msg = stream.pointee.msg {
            return String(cString: msg)
        }
        if let text = zError(code) {
            return String(cString: text)
        }
        return "zlib error \(code)"
    }
}
