import Foundation
import Testing
@testable import AblationIO

@Suite("NIfTI affine sources")
struct NIfTIAffineTests {
    let geometry = VolumeGeometry(nx: 3, ny: 3, nz: 3, spacingMM: SIMD3(2, 3, 4), originMM: SIMD3(10, 20, 30))

    func baseFile() throws -> Data {
        try NIfTIWriter.data(uint8: [UInt8](repeating: 1, count: 27), geometry: geometry, gzip: false)
    }

    @Test func qformOnlyRotationAboutZWithNegativeQfac() throws {
        var bytes = try baseFile()
        bytes.setInt16LE(0, at: 254)  // sform_code
        bytes.setInt16LE(1, at: 252)  // qform_code
        for off in [280, 284, 288, 292, 296, 300, 304, 308, 312, 316, 320, 324] {
            bytes.setFloatLE(.nan, at: off)  // sform must be ignored entirely
        }
        // 90 degrees about z: a = cos 45, (b, c, d) = (0, 0, sin 45).
        bytes.setFloatLE(0, at: 256)
        bytes.setFloatLE(0, at: 260)
        bytes.setFloatLE(Float(0.5.squareRoot()), at: 264)
        bytes.setFloatLE(-1, at: 76)  // qfac
        let volume = try NIfTIReader.decode(bytes, maxVoxels: 100)
        let expected: [[Double]] = [
            [0, -3, 0, 10],
            [2, 0, 0, 20],
            [0, 0, -4, 30],
            [0, 0, 0, 1],
        ]
        #expect(approximatelyEqual(volume.affine, expected, tolerance: 1e-6))
        #expect(volume.axisAlignedGeometry == nil)
        let p = volume.worldPosition(i: 1, j: 1, k: 1)
        #expect(abs(p.x - 7) < 1e-6 && abs(p.y - 22) < 1e-6 && abs(p.z - 26) < 1e-6)
    }

    @Test func qformHalfTurnNormalisesQuaternion() throws {
        var bytes = try baseFile()
        bytes.setInt16LE(0, at: 254)
        // (b,c,d) = (1,0,0) means a = 0: 180 degrees about x.
        bytes.setFloatLE(1, at: 256)
        bytes.setFloatLE(0, at: 260)
        bytes.setFloatLE(0, at: 264)
        let volume = try NIfTIReader.decode(bytes, maxVoxels: 100)
        #expect(approximatelyEqual(volume.affine, [[2, 0, 0, 10], [0, -3, 0, 20], [0, 0, -4, 30], [0, 0, 0, 1]]))
    }

    @Test func noTransformFallsBackToPixdim() throws {
        var bytes = try baseFile()
        bytes.setInt16LE(0, at: 252)
        bytes.setInt16LE(0, at: 254)
        let volume = try NIfTIReader.decode(bytes, maxVoxels: 100)
        #expect(volume.affine == [[2, 0, 0, 0], [0, 3, 0, 0], [0, 0, 4, 0], [0, 0, 0, 1]])
    }

    @Test func sformTakesPrecedenceOverQform() throws {
        var bytes = try baseFile()
        bytes.setFloatLE(0.5, at: 264)  // would rotate if the qform were used
        bytes.setFloatLE(-2, at: 280)  // flip x in the sform
        let volume = try NIfTIReader.decode(bytes, maxVoxels: 100)
        #expect(volume.affine[0] == [-2, 0, 0, 10])
        #expect(volume.affine[1] == [0, 3, 0, 20])
    }

    @Test func metreUnitsAreConvertedToMillimetres() throws {
        var bytes = try baseFile()
        bytes[123] = 1 | 8  // metres + seconds
        let volume = try NIfTIReader.decode(bytes, maxVoxels: 100)
        #expect(volume.affine[0] == [2000, 0, 0, 10000])
        #expect(volume.affine[3] == [0, 0, 0, 1])
    }
}
