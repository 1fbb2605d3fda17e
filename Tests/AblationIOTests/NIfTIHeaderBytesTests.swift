import Foundation
import Testing
@testable import AblationIO

@Suite("NIfTI header bytes")
struct NIfTIHeaderBytesTests {
    let geometry = VolumeGeometry(
        nx: 7, ny: 6, nz: 5, spacingMM: SIMD3(0.5, 0.25, 2.0), originMM: SIMD3(-100.0, 50.5, 12.0))

    @Test(arguments: [NIfTIDataType.uint8, .int16, .float32])
    func headerFields(type: NIfTIDataType) throws {
        let n = 7 * 6 * 5
        let bytes: Data
        switch type {
        case .uint8: bytes = try NIfTIWriter.data(uint8: (0..<n).map { UInt8($0 % 200) }, geometry: geometry, description: "hdr", intent: "dose", gzip: false)
        case .int16: bytes = try NIfTIWriter.data(int16: (0..<n).map { Int16($0) - 10 }, geometry: geometry, description: "hdr", intent: "dose", gzip: false)
        default: bytes = try NIfTIWriter.data(float32: (0..<n).map { Float($0) / 4 }, geometry: geometry, description: "hdr", intent: "dose", gzip: false)
        }
        #expect(bytes.count == 352 + n * type.bytesPerVoxel)
        #expect(bytes.int32LE(at: 0) == 348)
        #expect(bytes[344..<348] == Data([0x6E, 0x2B, 0x31, 0x00]))
        #expect(bytes[348..<352] == Data([0, 0, 0, 0]))
        #expect((0..<8).map { bytes.int16LE(at: 40 + 2 * $0) } == [3, 7, 6, 5, 1, 1, 1, 1])
        #expect(bytes.int16LE(at: 70) == type.code)
        #expect(bytes.int16LE(at: 72) == type.bitsPerVoxel)
        #expect((0..<4).map { bytes.floatLE(at: 76 + 4 * $0) } == [1, 0.5, 0.25, 2.0])
        #expect(bytes.floatLE(at: 108) == 352)
        #expect(bytes.floatLE(at: 112) == 1)
        #expect(bytes.floatLE(at: 116) == 0)
        #expect(bytes[123] == 10)
        #expect(bytes.int16LE(at: 252) == 1)
        #expect(bytes.int16LE(at: 254) == 1)
        #expect((0..<3).map { bytes.floatLE(at: 256 + 4 * $0) } == [0, 0, 0])
        #expect((0..<3).map { bytes.floatLE(at: 268 + 4 * $0) } == [-100, 50.5, 12])
        #expect((0..<4).map { bytes.floatLE(at: 280 + 4 * $0) } == [0.5, 0, 0, -100])
        #expect((0..<4).map { bytes.floatLE(at: 296 + 4 * $0) } == [0, 0.25, 0, 50.5])
        #expect((0..<4).map { bytes.floatLE(at: 312 + 4 * $0) } == [0, 0, 2, 12])
        #expect(bytes[148..<151] == Data("hdr".utf8) && bytes[151] == 0)
        #expect(bytes[328..<332] == Data("dose".utf8) && bytes[332] == 0)
        let (lo, hi): (Float, Float) = switch type {
        case .uint8: (0, 199)
        case .int16: (-10, Float(n - 11))
        default: (0, Float(n - 1) / 4)
        }
        #expect(bytes.floatLE(at: 128) == lo)
        #expect(bytes.floatLE(at: 124) == hi)
    }

    @Test func voxelsAreLittleEndianXFastest() throws {
        let g = VolumeGeometry(nx: 2, ny: 2, nz: 2, spacingMM: SIMD3(1, 1, 1))
        let values: [Int16] = [0x0102, 2, 3, 4, 5, 6, 7, -2]
        let bytes = try NIfTIWriter.data(int16: values, geometry: g, gzip: false)
        #expect(bytes[352] == 0x02 && bytes[353] == 0x01)
        #expect(bytes.int16LE(at: 352 + 2 * 7) == -2)
    }
}
