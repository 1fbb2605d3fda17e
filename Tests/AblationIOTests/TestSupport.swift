import AblationRandom
import Foundation
@testable import AblationIO

func randomBytes(_ count: Int, using rng: inout SplitMix64) -> Data {
    Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) })
}

/// A fresh empty folder under the system temp dir, unique per call so
/// parallel tests never collide.
func makeTemporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("ablationio-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

extension Data {
    func int16LE(at offset: Int) -> Int16 {
        Int16(bitPattern: UInt16(self[offset]) | UInt16(self[offset + 1]) << 8)
    }

    func int32LE(at offset: Int) -> Int32 {
        var v: UInt32 = 0
        for n in 0..<4 { v |= UInt32(self[offset + n]) << (8 * UInt32(n)) }
        return Int32(bitPattern: v)
    }

    func floatLE(at offset: Int) -> Float {
        Float(bitPattern: UInt32(bitPattern: int32LE(at: offset)))
    }

    mutating func setInt16LE(_ value: Int16, at offset: Int) {
        let u = UInt16(bitPattern: value)
        self[offset] = UInt8(truncatingIfNeeded: u)
        self[offset + 1] = UInt8(truncatingIfNeeded: u >> 8)
    }

    mutating func setFloatLE(_ value: Float, at offset: Int) {
        let u = value.bitPattern
        for n in 0..<4 { self[offset + n] = UInt8(truncatingIfNeeded: u >> (8 * UInt32(n))) }
    }
}

/// Converts a little-endian single-file NIfTI (as our writer produces) to
/// big-endian by swapping each header field and each voxel, so the reader's
/// byte-order detection can be tested without external files.
func toBigEndian(_ le: Data, bytesPerVoxel: Int) -> Data {
    var be = le
    func swap(_ offset: Int, _ width: Int) {
        for n in 0..<width { be[offset + n] = le[offset + width - 1 - n] }
    }
    swap(0, 4)  // sizeof_hdr
    swap(32, 4)  // extents
    swap(36, 2)  // session_error
    for n in 0..<8 { swap(40 + 2 * n, 2) }  // dim
    for off in stride(from: 56, to: 68, by: 4) { swap(off, 4) }  // intent_p1..3
    for off in [68, 70, 72, 74] { swap(off, 2) }  // intent_code, datatype, bitpix, slice_start
    for off in stride(from: 76, to: 120, by: 4) { swap(off, 4) }  // pixdim, vox_offset, scl_*
    swap(120, 2)  // slice_end
    for off in stride(from: 124, to: 148, by: 4) { swap(off, 4) }  // cal, slice_duration, toffset, glmax, glmin
    swap(252, 2)
    swap(254, 2)
    for off in stride(from: 256, to: 328, by: 4) { swap(off, 4) }  // quatern, qoffset, srow
    if bytesPerVoxel > 1 {
        for off in stride(from: 352, to: le.count, by: bytesPerVoxel) { swap(off, bytesPerVoxel) }
    }
    return be
}

func expectedAffine(_ g: VolumeGeometry) -> [[Double]] {
    [
        [g.spacingMM.x, 0, 0, g.originMM.x],
        [0, g.spacingMM.y, 0, g.originMM.y],
        [0, 0, g.spacingMM.z, g.originMM.z],
        [0, 0, 0, 1],
    ]
}

func approximatelyEqual(_ a: [[Double]], _ b: [[Double]], tolerance: Double = 1e-5) -> Bool {
    guard a.count == b.count else { return false }
    for (ra, rb) in zip(a, b) {
        guard ra.count == rb.count else { return false }
        for (x, y) in zip(ra, rb) where abs(x - y) > tolerance { return false }
    }
    return true
}
