import AblationRandom
import Foundation
import Testing
@testable import AblationIO

@Suite("PNG encoder")
struct PNGEncoderTests {
    /// Mixed content: smooth gradients (where Sub/Up/Paeth win), flat areas
    /// and noise (where None wins), so several filter types get exercised.
    static func testImage(width: Int, height: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let o = 3 * (y * width + x)
                switch (y / 4) % 3 {
                case 0:
                    pixels[o] = UInt8(truncatingIfNeeded: x * 3)
                    pixels[o + 1] = UInt8(truncatingIfNeeded: y * 5)
                    pixels[o + 2] = UInt8(truncatingIfNeeded: x + y)
                case 1:
                    pixels[o] = 200; pixels[o + 1] = 30; pixels[o + 2] = 30
                default:
                    pixels[o] = UInt8.random(in: 0...255, using: &rng)
                    pixels[o + 1] = UInt8.random(in: 0...255, using: &rng)
                    pixels[o + 2] = UInt8.random(in: 0...255, using: &rng)
                }
            }
        }
        return pixels
    }

    @Test("round trip through an independent decoder", arguments: [(1, 1), (2, 3), (7, 5), (64, 33), (300, 40)])
    func roundTrip(size: (Int, Int)) throws {
        let (w, h) = size
        let pixels = Self.testImage(width: w, height: h, seed: UInt64(w * 1000 + h))
        let png = try PNGEncoder.rgb(width: w, height: h, pixels: pixels)
        let decoded = try decodePNG(png)
        #expect(decoded.width == w)
        #expect(decoded.height == h)
        #expect(decoded.pixels == pixels)
    }

    @Test func structureSignatureIHDRAndCRCs() throws {
        let pixels = Self.testImage(width: 40, height: 24, seed: 3)
        let png = try PNGEncoder.rgb(width: 40, height: 24, pixels: pixels)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let decoded = try decodePNG(png)
        #expect(decoded.chunks.first?.type == "IHDR")
        #expect(decoded.chunks.first?.data.count == 13)
        #expect(decoded.chunks.last?.type == "IEND")
        #expect(decoded.chunks.last?.data.isEmpty == true)
        #expect(decoded.chunks.allSatisfy { $0.crcMatches })
        #expect(decoded.chunks.contains { $0.type == "IDAT" })
        #expect(decoded.bitDepth == 8)
        #expect(decoded.colorType == 2)
        #expect(decoded.compression == 0)
        #expect(decoded.filterMethod == 0)
        #expect(decoded.interlace == 0)
        // The zlib stream has a zlib (not gzip or raw deflate) header.
        let idat = decoded.chunks.first { $0.type == "IDAT" }!.data
        let cmf = idat[idat.startIndex], flg = idat[idat.startIndex + 1]
        #expect(cmf & 0x0F == 8)
        #expect((UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0)
    }

    @Test func adaptiveFilteringUsesSeveralFilterTypes() throws {
        let pixels = Self.testImage(width: 120, height: 48, seed: 11)
        let decoded = try decodePNG(try PNGEncoder.rgb(width: 120, height: 48, pixels: pixels))
        #expect(Set(decoded.filterTypes).count >= 2)
        #expect(decoded.filterTypes.allSatisfy { $0 <= 4 })
        // A vertical gradient repeats each row shifted by a constant: Up makes it all zeros.
        var gradient = [UInt8](repeating: 0, count: 50 * 20 * 3)
        for y in 0..<20 { for x in 0..<50 { for c in 0..<3 { gradient[3 * (y * 50 + x) + c] = UInt8(x * 5) } } }
        let g = try decodePNG(try PNGEncoder.rgb(width: 50, height: 20, pixels: gradient))
        #expect(g.filterTypes.dropFirst().allSatisfy { $0 == 2 })
        #expect(g.pixels == gradient)
    }

    @Test func largeIncompressibleImageSplitsIDAT() throws {
        var rng = SplitMix64(seed: 99)
        let (w, h) = (700, 520)  // > 1 MiB of noise
        let pixels = (0..<(w * h * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let png = try PNGEncoder.rgb(width: w, height: h, pixels: pixels)
        let decoded = try decodePNG(png)
        #expect(decoded.chunks.filter { $0.type == "IDAT" }.count >= 2)
        #expect(decoded.chunks.allSatisfy { $0.crcMatches })
        #expect(decoded.pixels == pixels)
    }

    @Test func textChunks() throws {
        let png = try PNGEncoder.rgb(width: 2, height: 2, pixels: [UInt8](repeating: 9, count: 12),
                                     text: [("Software", "ablsim 0.1.0"), ("Comment", "peak 92.5°C")])
        let decoded = try decodePNG(png)
        #expect(decoded.text.count == 2)
        #expect(decoded.text.first?.0 == "Software")
        #expect(decoded.text.first?.1 == "ablsim 0.1.0")
        #expect(decoded.text.last?.1 == "peak 92.5°C")  // Latin-1 degree sign
        // tEXt comes before the image data.
        let types = decoded.chunks.map(\.type)
        #expect(types.firstIndex(of: "tEXt")! < types.firstIndex(of: "IDAT")!)
    }

    @Test func rejectsInvalidInput() {
        #expect(throws: PNGError.pixelCountMismatch(expected: 12, got: 11)) {
            try PNGEncoder.rgb(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 11))
        }
        #expect(throws: PNGError.invalidSize(width: 0, height: 5)) {
            try PNGEncoder.rgb(width: 0, height: 5, pixels: [])
        }
        let pixel = [UInt8](repeating: 0, count: 3)
        for bad in ["", " lead", "trail ", "two  spaces", String(repeating: "k", count: 80), "Ω"] {
            #expect(throws: PNGError.invalidTextKeyword(bad)) {
                try PNGEncoder.rgb(width: 1, height: 1, pixels: pixel, text: [(bad, "x")])
            }
        }
        #expect(throws: PNGError.invalidText(keyword: "Title")) {
            try PNGEncoder.rgb(width: 1, height: 1, pixels: pixel, text: [("Title", "no \u{0} NUL")])
        }
        #expect(throws: PNGError.invalidText(keyword: "Title")) {
            try PNGEncoder.rgb(width: 1, height: 1, pixels: pixel, text: [("Title", "Ω")])
        }
    }

    @Test func paethPredictorMatchesDefinition() {
        #expect(PNGEncoder.paeth(10, 20, 10) == 20)
        #expect(PNGEncoder.paeth(20, 10, 10) == 20)
        #expect(PNGEncoder.paeth(10, 10, 10) == 10)
        #expect(PNGEncoder.paeth(0, 255, 255) == 0)
        #expect(PNGEncoder.paeth(100, 50, 200) == 50)  // p = -50: pa 150, pb 100, pc 250
    }
}
