import AblationRandom
import Foundation
import Testing
@testable import AblationIO

@Suite("NIfTI reader rejects bad input")
struct NIfTIReaderRejectionTests {
    let geometry = VolumeGeometry(nx: 4, ny: 4, nz: 4, spacingMM: SIMD3(1, 1, 1))

    func validFile() throws -> Data {
        try NIfTIWriter.data(float32: (0..<64).map(Float.init), geometry: geometry, gzip: false)
    }

    func errorOf(_ data: Data, maxVoxels: Int = 1000) -> NIfTIError? {
        do {
            _ = try NIfTIReader.decode(data, maxVoxels: maxVoxels)
            return nil
        } catch let error as NIfTIError {
            return error
        } catch {
            return nil
        }
    }

    @Test func emptyAndShortData() {
        #expect(errorOf(Data()) == .tooShort(byteCount: 0))
        #expect(errorOf(Data([0x1F])) == .tooShort(byteCount: 1))
        #expect(errorOf(Data(count: 347)) == .tooShort(byteCount: 347))
        #expect(errorOf(Data()).map(String.init(describing:))?.contains("348") == true)
    }

    @Test func wrongHeaderSizeAndMagic() throws {
        var bad = try validFile()
        bad[0] = 0xD2; bad[1] = 0x04  // 1234
        let error = errorOf(bad)
        #expect(error == .badHeaderSize(1234))
        #expect(error?.description == "not a NIfTI-1 file: header size is 1234, expected 348")

        var nifti2 = try validFile()
        nifti2[0] = 0x1C; nifti2[1] = 0x02  // 540
        #expect(errorOf(nifti2) == .nifti2NotSupported)

        var pair = try validFile()
        pair[345] = 0x69  // "ni1"
        #expect(errorOf(pair) == .twoFilePairNotSupported)

        var magic = try validFile()
        magic[346] = 0x32
        #expect(errorOf(magic) == .badMagic([0x6E, 0x2B, 0x32, 0]))
    }

    @Test func randomGarbageNeverCrashes() throws {
        var rng = SplitMix64(seed: 2024)
        let valid = try validFile()
        for round in 0..<100 {
            let garbage = randomBytes(Int.random(in: 0...1200, using: &rng), using: &rng)
            #expect(throws: NIfTIError.self) { try NIfTIReader.decode(garbage, maxVoxels: 1000) }

            // Valid magic and size with random fields reaches the deeper checks.
            var mutated = valid
            for _ in 0..<(1 + round % 20) {
                let offset = Int.random(in: 4..<344, using: &rng)
                mutated[offset] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? NIfTIReader.decode(mutated, maxVoxels: 1000)
            let gz = try Gzip.compress(mutated)
            _ = try? NIfTIReader.decode(gz.prefix(Int.random(in: 0...gz.count, using: &rng)), maxVoxels: 1000)
        }
    }

    @Test func hugeDimensionsExceedLimit() throws {
        // NIfTI-1 dims are int16, so 32767 per axis is the largest expressible.
        var huge = try validFile()
        for n in 1...3 { huge.setInt16LE(32767, at: 40 + 2 * n) }
        let error = errorOf(huge, maxVoxels: 512 * 512 * 1024)
        #expect(error == .tooManyVoxels(nx: 32767, ny: 32767, nz: 32767, limit: 512 * 512 * 1024))
        #expect(error?.description.contains("limit of 268435456 voxels") == true)
    }

    @Test func nonPositiveAndExtraDimensions() throws {
        var negative = try validFile()
        negative.setInt16LE(-4, at: 44)
        #expect(errorOf(negative)?.description == "dimensions must be positive, got dim[2] = -4")

        var fourD = try validFile()
        fourD.setInt16LE(4, at: 40)
        fourD.setInt16LE(10, at: 48)
        #expect(errorOf(fourD) == .notSingleVolume(index: 4, value: 10))
        fourD.setInt16LE(1, at: 48)
        #expect(errorOf(fourD) == nil)

        var twoD = try validFile()
        twoD.setInt16LE(2, at: 40)
        #expect(errorOf(twoD) == .unsupportedDimensionCount(2))
        twoD.setInt16LE(8, at: 40)
        #expect(errorOf(twoD) == .unsupportedDimensionCount(8))
    }

    @Test func truncatedVoxelBlock() throws {
        let valid = try validFile()
        let cut = valid.prefix(valid.count - 1)
        let error = errorOf(cut)
        #expect(error == .truncated(expectedBytes: 256, availableBytes: 255))
        #expect(error?.description == "truncated: header says 256 bytes of voxel data, file has 255")
        #expect(errorOf(valid.prefix(348)) == .truncated(expectedBytes: 256, availableBytes: 0))

        let gz = try Gzip.compress(valid)
        if case .decompressionFailed = errorOf(gz.prefix(gz.count - 10)) {} else {
            Issue.record("truncated gzip should report a decompression failure")
        }
    }

    @Test func unsupportedDatatype() throws {
        var rgb = try validFile()
        rgb.setInt16LE(128, at: 70)
        let error = errorOf(rgb)
        #expect(error == .unsupportedDatatype(code: 128))
        #expect(error?.description == "unsupported datatype code 128 (RGB24); expected one of uint8, int8, int16, uint16, int32, uint32, float32, float64")
    }

    @Test func badVoxOffsetAndSpacing() throws {
        for offset: Float in [0, 347, .nan, .infinity, 1e30, 352.5] {
            var bad = try validFile()
            bad.setFloatLE(offset, at: 108)
            if case .invalidVoxelOffset = errorOf(bad) {} else {
                Issue.record("vox_offset \(offset) should be rejected")
            }
        }
        var farOffset = try validFile()
        farOffset.setFloatLE(1_000_000, at: 108)
        #expect(errorOf(farOffset) == .truncated(expectedBytes: 256, availableBytes: 0))

        for value: Float in [0, -1, .nan, .infinity] {
            var bad = try validFile()
            bad.setFloatLE(value, at: 80 + 4)  // pixdim[2]
            if case .invalidSpacing(index: 2, _) = errorOf(bad) {} else {
                Issue.record("pixdim[2] = \(value) should be rejected")
            }
        }
    }

    @Test func nanOrSingularSformRejected() throws {
        var nanRow = try validFile()
        nanRow.setFloatLE(.nan, at: 284)
        if case .invalidAffine = errorOf(nanRow) {} else { Issue.record("NaN sform should be rejected") }

        var singular = try validFile()
        singular.setFloatLE(0, at: 280)
        if case .invalidAffine = errorOf(singular) {} else { Issue.record("singular sform should be rejected") }
    }

    @Test func gzipBombIsBounded() throws {
        // Valid header declaring 4x4x4 voxels followed by 40 MiB of zeros:
        // far more than maxVoxels*8 + header allowance may inflate to.
        var file = try validFile()
        file.append(Data(count: 40 << 20))
        let bomb = try Gzip.compress(file)
        let error = errorOf(bomb, maxVoxels: 64)
        #expect(error == .decompressedTooLarge(limitBytes: 64 * 8 + NIfTIReader.maxHeaderAndExtensionBytes, maxVoxels: 64))
    }

    @Test func missingFileThrowsReadFailed() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString).nii")
        if case .readFailed(let path, _) = (try? { () throws -> NIfTIError? in
            do { _ = try NIfTIReader.read(contentsOf: url); return nil } catch let e as NIfTIError { return e }
        }()) ?? nil {
            #expect(path == url.path)
        } else {
            Issue.record("expected readFailed")
        }
    }
}
