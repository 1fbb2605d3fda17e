import AblationRandom
import Foundation
import Testing
@testable import AblationIO

@Suite("Gzip")
struct GzipTests {
    @Test("round trip of random data", arguments: [1, 1000, 70_000, 1_000_003])
    func roundTripRandom(count: Int) throws {
        var rng = SplitMix64(seed: UInt64(count))
        let original = randomBytes(count, using: &rng)
        let compressed = try Gzip.compress(original)
        #expect(compressed.prefix(2) == Data([0x1F, 0x8B]))
        let restored = try Gzip.decompress(compressed, maxOutputBytes: count)
        #expect(restored == original)
    }

    @Test func roundTripEmpty() throws {
        let compressed = try Gzip.compress(Data())
        #expect(compressed.prefix(2) == Data([0x1F, 0x8B]))
        #expect(try Gzip.decompress(compressed, maxOutputBytes: 0) == Data())
    }

    @Test func roundTripCompressibleAllLevels() throws {
        let original = Data(String(repeating: "ablation zone ", count: 50_000).utf8)
        for level: Int32 in [-1, 0, 1, 6, 9] {
            let compressed = try Gzip.compress(original, level: level)
            if level != 0 { #expect(compressed.count < original.count / 10) }
            #expect(try Gzip.decompress(compressed, maxOutputBytes: original.count) == original)
        }
    }

    @Test func rejectsInvalidLevel() {
        #expect(throws: GzipError.invalidLevel(10)) { try Gzip.compress(Data([1]), level: 10) }
    }

    @Test func compressedSliceOfLargerBuffer() throws {
        // Data slices have non-zero startIndex; pointer handling must respect that.
        let whole = Data((0..<1000).map { UInt8($0 % 251) })
        let slice = whole[100..<900]
        let compressed = try Gzip.compress(slice)
        #expect(try Gzip.decompress(compressed, maxOutputBytes: 800) == Data(slice))
        let compressedSlice = (Data([9, 9, 9]) + compressed)[3...]
        #expect(try Gzip.decompress(compressedSlice, maxOutputBytes: 800) == Data(slice))
    }

    @Test func truncatedStreamThrows() throws {
        var rng = SplitMix64(seed: 7)
        let compressed = try Gzip.compress(randomBytes(5000, using: &rng))
        for cut in [0, 1, 2, 10, compressed.count / 2, compressed.count - 1] {
            #expect(throws: GzipError.self) {
                try Gzip.decompress(compressed.prefix(cut), maxOutputBytes: 1 << 20)
            }
        }
    }

    @Test func corruptStreamThrows() throws {
        var compressed = try Gzip.compress(Data(repeating: 42, count: 10_000))
        compressed[compressed.count - 5] ^= 0xFF  // damages the CRC/length trailer
        #expect(throws: GzipError.self) { try Gzip.decompress(compressed, maxOutputBytes: 1 << 20) }
        #expect(throws: GzipError.self) { try Gzip.decompress(Data("not gzip at all".utf8), maxOutputBytes: 100) }
    }

    @Test func outputLimitExceededThrows() throws {
        let bomb = try Gzip.compress(Data(count: 20 << 20))
        #expect(bomb.count < 100_000)
        #expect(throws: GzipError.outputLimitExceeded(limit: 1 << 20)) {
            try Gzip.decompress(bomb, maxOutputBytes: 1 << 20)
        }
        // Exactly at the limit is allowed.
        let exact = try Gzip.compress(Data(count: 1000))
        #expect(try Gzip.decompress(exact, maxOutputBytes: 1000).count == 1000)
        #expect(throws: GzipError.outputLimitExceeded(limit: 999)) {
            try Gzip.decompress(exact, maxOutputBytes: 999)
        }
    }

    @Test func multiMemberAndTrailingGarbage() throws {
        let a = try Gzip.compress(Data("hello ".utf8))
        let b = try Gzip.compress(Data("world".utf8))
        #expect(try Gzip.decompress(a + b, maxOutputBytes: 100) == Data("hello world".utf8))
        #expect(throws: GzipError.trailingData(byteCount: 3)) {
            try Gzip.decompress(a + Data([1, 2, 3]), maxOutputBytes: 100)
        }
    }

    @Test func acceptsZlibWrapper() throws {
        // zlib stream of "abc" produced by zlib.compress(b"abc").
        let zlibStream = Data([0x78, 0x9C, 0x4B, 0x4C, 0x4A, 0x06, 0x00, 0x02, 0x4D, 0x01, 0x27])
        #expect(try Gzip.decompress(zlibStream, maxOutputBytes: 10) == Data("abc".utf8))
    }
}
