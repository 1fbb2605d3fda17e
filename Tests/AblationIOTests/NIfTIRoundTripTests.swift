import Foundation
import Testing
@testable import AblationIO

@Suite("NIfTI write/read round trip")
struct NIfTIRoundTripTests {
    let geometry = VolumeGeometry(
        nx: 5, ny: 4, nz: 3, spacingMM: SIMD3(0.5, 0.75, 1.25), originMM: SIMD3(-12.5, 30.25, 7.0))

    func checkGeometry(_ volume: NIfTIVolume) {
        #expect(volume.nx == 5 && volume.ny == 4 && volume.nz == 3)
        #expect(approximatelyEqual(volume.affine, expectedAffine(geometry)))
        for (i, j, k) in [(0, 0, 0), (4, 3, 2), (1, 2, 1)] {
            let p = volume.worldPosition(i: Double(i), j: Double(j), k: Double(k))
            let expected = geometry.originMM + SIMD3(Double(i), Double(j), Double(k)) * geometry.spacingMM
            #expect(abs(p.x - expected.x) < 1e-5 && abs(p.y - expected.y) < 1e-5 && abs(p.z - expected.z) < 1e-5)
        }
        #expect(volume.axisAlignedGeometry == geometry)
        #expect(volume.qformCode == 1 && volume.sformCode == 1)
    }

    @Test(arguments: [false, true])
    func uint8(gzip: Bool) throws {
        let values: [UInt8] = (0..<60).map { UInt8(($0 * 7) % 256) }
        let bytes = try NIfTIWriter.data(uint8: values, geometry: geometry, description: "u8", gzip: gzip)
        #expect((bytes.prefix(2) == Data([0x1F, 0x8B])) == gzip)
        let volume = try NIfTIReader.decode(bytes, maxVoxels: 1000)
        checkGeometry(volume)
        #expect(volume.datatype == .uint8)
        #expect(volume.values == values.map(Float.init))
        #expect(volume.description == "u8")
    }

    @Test(arguments: [false, true])
    func int16(gzip: Bool) throws {
        let values: [Int16] = (0..<60).map { Int16($0 * 1000 - 30_000) }
        let bytes = try NIfTIWriter.data(int16: values, geometry: geometry, description: "i16", gzip: gzip)
        let volume = try NIfTIReader.decode(bytes, maxVoxels: 1000)
        checkGeometry(volume)
        #expect(volume.datatype == .int16)
        #expect(volume.values == values.map(Float.init))
    }

    @Test(arguments: [false, true])
    func float32(gzip: Bool) throws {
        var values: [Float] = (0..<60).map { Float($0) * 0.37 - 5.5 }
        values[3] = .greatestFiniteMagnitude
        values[4] = -.leastNonzeroMagnitude
        let bytes = try NIfTIWriter.data(float32: values, geometry: geometry, description: "f32", gzip: gzip)
        let volume = try NIfTIReader.decode(bytes, maxVoxels: 1000)
        checkGeometry(volume)
        #expect(volume.datatype == .float32)
        #expect(volume.values == values)
    }

    @Test func int32AndFloat64ThroughGenericWriter() throws {
        let ints: [Int32] = (0..<60).map { Int32($0) * 100_000 - 3_000_000 }
        let v1 = try NIfTIReader.decode(try NIfTIWriter.data(ints, geometry: geometry, gzip: false), maxVoxels: 60)
        #expect(v1.datatype == .int32)
        #expect(v1.values == ints.map(Float.init))

        let doubles: [Double] = (0..<60).map { Double($0) / 3 }
        let v2 = try NIfTIReader.decode(try NIfTIWriter.data(doubles, geometry: geometry, gzip: true), maxVoxels: 60)
        #expect(v2.datatype == .float64)
        #expect(v2.values == doubles.map(Float.init))
    }

    @Test func fileWriteAndReadInfersGzipFromExtension() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let values: [Float] = (0..<60).map(Float.init)
        let gz = folder.appendingPathComponent("t.nii.gz")
        let plain = folder.appendingPathComponent("t.nii")
        try NIfTIWriter.write(float32: values, geometry: geometry, to: gz)
        try NIfTIWriter.write(float32: values, geometry: geometry, to: plain)
        #expect(try Data(contentsOf: gz).prefix(2) == Data([0x1F, 0x8B]))
        #expect(try Data(contentsOf: plain).count == 352 + 60 * 4)
        #expect(try NIfTIReader.read(contentsOf: gz).values == values)
        #expect(try NIfTIReader.read(contentsOf: plain).values == values)
        // Content, not extension, decides whether to inflate.
        let renamed = folder.appendingPathComponent("gz-in-disguise.nii")
        try FileManager.default.copyItem(at: gz, to: renamed)
        #expect(try NIfTIReader.read(contentsOf: renamed).values == values)
    }

    @Test func bigEndianFileIsRead() throws {
        let values: [Int16] = (0..<60).map { Int16($0 * 300 - 9000) }
        let le = try NIfTIWriter.data(int16: values, geometry: geometry, gzip: false)
        let be = toBigEndian(le, bytesPerVoxel: 2)
        #expect(be != le)
        let volume = try NIfTIReader.decode(be, maxVoxels: 1000)
        checkGeometry(volume)
        #expect(volume.values == values.map(Float.init))

        let floats: [Float] = (0..<60).map { Float($0) * -1.5 }
        let beF = toBigEndian(try NIfTIWriter.data(float32: floats, geometry: geometry, gzip: false), bytesPerVoxel: 4)
        #expect(try NIfTIReader.decode(try Gzip.compress(beF), maxVoxels: 1000).values == floats)
    }

    @Test func scaleSlopeAndInterceptAreApplied() throws {
        var bytes = try NIfTIWriter.data(int16: (0..<60).map(Int16.init), geometry: geometry, gzip: false)
        bytes.setFloatLE(0.5, at: 112)
        bytes.setFloatLE(-3, at: 116)
        let volume = try NIfTIReader.decode(bytes, maxVoxels: 1000)
        #expect(volume.values == (0..<60).map { Float($0) * 0.5 - 3 })
        // Slope 0 means "unscaled", even with a non-zero intercept.
        bytes.setFloatLE(0, at: 112)
        #expect(try NIfTIReader.decode(bytes, maxVoxels: 1000).values == (0..<60).map(Float.init))
    }

    @Test func otherIntegerDatatypesAreRead() throws {
        // Reinterpret the int16 payload as uint16 by changing only the code.
        let raw: [Int16] = [-1, 0, 1, 32767, -32768] + [Int16](repeating: 0, count: 55)
        var bytes = try NIfTIWriter.data(int16: raw, geometry: geometry, gzip: false)
        bytes.setInt16LE(512, at: 70)
        let u16 = try NIfTIReader.decode(bytes, maxVoxels: 1000)
        #expect(u16.datatype == .uint16)
        #expect(Array(u16.values.prefix(5)) == [65535, 0, 1, 32767, 32768])

        var u8bytes = try NIfTIWriter.data(uint8: [255, 128, 127, 0] + [UInt8](repeating: 0, count: 56), geometry: geometry, gzip: false)
        u8bytes.setInt16LE(256, at: 70)
        let i8 = try NIfTIReader.decode(u8bytes, maxVoxels: 1000)
        #expect(i8.datatype == .int8)
        #expect(Array(i8.values.prefix(4)) == [-1, -128, 127, 0])

        var i32bytes = try NIfTIWriter.data([Int32(-1), 5] + [Int32](repeating: 0, count: 58), geometry: geometry, gzip: false)
        i32bytes.setInt16LE(768, at: 70)
        let u32 = try NIfTIReader.decode(i32bytes, maxVoxels: 1000)
        #expect(u32.datatype == .uint32)
        #expect(Array(u32.values.prefix(2)) == [Float(UInt32.max), 5])
    }

    @Test func longDescriptionIsTruncatedOnCharacterBoundary() throws {
        let text = String(repeating: "a", count: 78) + "é" + "tail"
        let bytes = try NIfTIWriter.data(uint8: [UInt8](repeating: 1, count: 60), geometry: geometry, description: text, gzip: false)
        let volume = try NIfTIReader.decode(bytes, maxVoxels: 1000)
        #expect(volume.description == String(repeating: "a", count: 78))
        #expect(bytes[148 + 79] == 0)
    }
}

@Suite("NIfTI writer validation")
struct NIfTIWriterValidationTests {
    @Test func voxelCountMismatchThrows() {
        let g = VolumeGeometry(nx: 2, ny: 2, nz: 2, spacingMM: SIMD3(1, 1, 1))
        #expect(throws: NIfTIError.voxelCountMismatch(expected: 8, got: 7)) {
            try NIfTIWriter.data(float32: [Float](repeating: 0, count: 7), geometry: g, gzip: false)
        }
        #expect(NIfTIError.voxelCountMismatch(expected: 8, got: 7).description.contains("8"))
    }

    @Test func invalidGeometryThrows() {
        let bad: [VolumeGeometry] = [
            VolumeGeometry(nx: 0, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1)),
            VolumeGeometry(nx: 40_000, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1)),
            VolumeGeometry(nx: 1, ny: 1, nz: 1, spacingMM: SIMD3(1, 0, 1)),
            VolumeGeometry(nx: 1, ny: 1, nz: 1, spacingMM: SIMD3(1, .nan, 1)),
            VolumeGeometry(nx: 1, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1), originMM: SIMD3(.infinity, 0, 0)),
            VolumeGeometry(nx: 1, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1), originMM: SIMD3(1e300, 0, 0)),
        ]
        for g in bad {
            let count = g.voxelCount ?? 0
            #expect(throws: NIfTIError.self) {
                try NIfTIWriter.data(uint8: [UInt8](repeating: 0, count: count), geometry: g, gzip: false)
            }
        }
    }

    @Test func writeToMissingFolderThrowsNIfTIError() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/x.nii")
        let g = VolumeGeometry(nx: 1, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1))
        #expect(throws: NIfTIError.self) { try NIfTIWriter.write(uint8: [0], geometry: g, to: url) }
    }
}
