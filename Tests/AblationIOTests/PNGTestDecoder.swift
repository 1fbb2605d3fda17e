import CZlib
import Foundation

/// A minimal, strict PNG reader for 8-bit RGB non-interlaced images, written
/// independently of the encoder so tests check the file format rather than
/// the encoder's own assumptions.
struct DecodedPNG {
    struct Chunk {
        let type: String
        let data: Data
        let crcMatches: Bool
    }

    var chunks: [Chunk] = []
    var width = 0
    var height = 0
    var bitDepth: UInt8 = 0
    var colorType: UInt8 = 0
    var compression: UInt8 = 0
    var filterMethod: UInt8 = 0
    var interlace: UInt8 = 0
    var filterTypes: [UInt8] = []
    var pixels: [UInt8] = []
    var text: [(String, String)] = []
}

enum PNGTestDecodeError: Error {
    case badSignature, truncated, missingIHDR, inflateFailed(Int32), badFilter(UInt8), wrongSize
}

func bigEndianUInt32(_ d: Data, _ offset: Int) -> UInt32 {
    let b = d.startIndex + offset
    return UInt32(d[b]) << 24 | UInt32(d[b + 1]) << 16 | UInt32(d[b + 2]) << 8 | UInt32(d[b + 3])
}

func zlibCRC32(_ data: Data) -> UInt32 {
    let crc = data.withUnsafeBytes { raw in
        crc32(0, raw.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(raw.count))
    }
    return UInt32(truncatingIfNeeded: crc)
}

/// zlib `uncompress` into a buffer of exactly `expectedSize` bytes.
func zlibInflate(_ stream: Data, expectedSize: Int) throws -> [UInt8] {
    var out = [UInt8](repeating: 0, count: expectedSize)
    var outLength = uLongf(expectedSize)
    let code = out.withUnsafeMutableBufferPointer { dst in
        stream.withUnsafeBytes { src in
            uncompress(dst.baseAddress, &outLength, src.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(src.count))
        }
    }
    guard code == Z_OK else { throw PNGTestDecodeError.inflateFailed(code) }
    guard Int(outLength) == expectedSize else { throw PNGTestDecodeError.wrongSize }
    return out
}

func decodePNG(_ png: Data) throws -> DecodedPNG {
    guard png.count >= 8, Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
        throw PNGTestDecodeError.badSignature
    }
    var result = DecodedPNG()
    var offset = 8
    var idat = Data()
    while offset < png.count {
        guard offset + 12 <= png.count else { throw PNGTestDecodeError.truncated }
        let length = Int(bigEndianUInt32(png, offset))
        guard offset + 12 + length <= png.count else { throw PNGTestDecodeError.truncated }
        let typeAndData = png.subdata(in: (offset + 4)..<(offset + 8 + length))
        let type = String(decoding: typeAndData.prefix(4), as: UTF8.self)
        let data = typeAndData.subdata(in: 4..<typeAndData.count)
        let storedCRC = bigEndianUInt32(png, offset + 8 + length)
        result.chunks.append(.init(type: type, data: data, crcMatches: storedCRC == zlibCRC32(typeAndData)))
        switch type {
        case "IHDR":
            result.width = Int(bigEndianUInt32(data, 0))
            result.height = Int(bigEndianUInt32(data, 4))
            let b = data.startIndex
            result.bitDepth = data[b + 8]
            result.colorType = data[b + 9]
            result.compression = data[b + 10]
            result.filterMethod = data[b + 11]
            result.interlace = data[b + 12]
        case "IDAT":
            idat.append(data)
        case "tEXt":
            let bytes = [UInt8](data)
            if let zero = bytes.firstIndex(of: 0) {
                let key = String(bytes[..<zero].map { Character(Unicode.Scalar($0)) })
                let value = String(bytes[(zero + 1)...].map { Character(Unicode.Scalar($0)) })
                result.text.append((key, value))
            }
        default:
            break
        }
        offset += 12 + length
    }
    guard result.width > 0, result.height > 0 else { throw PNGTestDecodeError.missingIHDR }

    let w = result.width, h = result.height, bpp = 3, rowBytes = w * 3
    let raw = try zlibInflate(idat, expectedSize: h * (rowBytes + 1))
    var pixels = [UInt8](repeating: 0, count: h * rowBytes)
    for y in 0..<h {
        let filter = raw[y * (rowBytes + 1)]
        result.filterTypes.append(filter)
        for i in 0..<rowBytes {
            let x = Int(raw[y * (rowBytes + 1) + 1 + i])
            let a = i >= bpp ? Int(pixels[y * rowBytes + i - bpp]) : 0
            let b = y > 0 ? Int(pixels[(y - 1) * rowBytes + i]) : 0
            let c = (i >= bpp && y > 0) ? Int(pixels[(y - 1) * rowBytes + i - bpp]) : 0
            let predictor: Int
            switch filter {
            case 0: predictor = 0
            case 1: predictor = a
            case 2: predictor = b
            case 3: predictor = (a + b) / 2
            case 4:
                let p = a + b - c
                let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
            default: throw PNGTestDecodeError.badFilter(filter)
            }
            pixels[y * rowBytes + i] = UInt8((x + predictor) & 0xFF)
        }
    }
    result.pixels = pixels
    return result
}
