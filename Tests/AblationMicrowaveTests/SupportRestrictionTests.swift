import AblationGrid
import Foundation
import Testing
@testable import AblationMicrowave

/// `deposit` evaluates alpha only in rows near the axial support and interpolates only rows that
/// reach into it. If either bound were too tight, a voxel would read an alpha this call did not
/// compute or keep a stale Q. Poisoning the reused buffers with NaN makes any such read visible:
/// the result must equal a fresh model's bit for bit, with every Q written.
@Test(arguments: [SIMD3<Double>(0, 0, 60), SIMD3<Double>(25, -15, 50), SIMD3<Double>(20, 40, 50)])
func restrictedRowsReadOnlyWhatThisCallComputed(entry: SIMD3<Double>) throws {
    // The support (about 45 mm at 100 W) covers part of the 80 mm grid whatever the needle's direction.
    let g = Grid3D(centerMM: .zero, sizeMM: [80, 70, 80], spacingMM: 1)
    func model() throws -> MicrowaveSAR {
        try MicrowaveSAR(grid: g, placement: AntennaPlacement(tipMM: [0, 0, -12], entryMM: entry),
                         profile: DeviceProfile.profile(.emprint, frequencyMHz: 2450), threads: 3,
                         radialLaw: .absorbing, resolution: SARResolution())
    }
    let fresh = try model(), poisoned = try model()
    poisoned.alpha = [Float](repeating: .nan, count: poisoned.alpha.count)
    // A hot, partly dried core along the needle, so alpha varies in the rows that matter.
    var t = [Float](repeating: 37, count: g.voxelCount)
    var peak = t
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
        let c = fresh.cylindricalCoordinates(ofMM: g.worldPosition(i, j, k))
        let n = g.linearIndex(i, j, k)
        if c.r < 12 && c.z > -5 && c.z < 30 { t[n] = Float(37 + 70 * exp(-c.r / 6)); peak[n] = t[n] + 10 }
    } } }
    var q1: [Float] = [], q2 = [Float](repeating: .nan, count: g.voxelCount)
    let r1 = fresh.deposit(forwardPowerW: 100, temperature: t, peakTemperature: peak, into: &q1)
    let r2 = poisoned.deposit(forwardPowerW: 100, temperature: t, peakTemperature: peak, into: &q2)
    #expect(r1 == r2)
    // Counted rather than compared as arrays: a failure then reports a number, not a 448,000-element diff.
    let differing = zip(q1, q2).count { $0.bitPattern != $1.bitPattern }
    #expect(differing == 0, "\(differing) voxels differ from a fresh model's")
    #expect(q2.allSatisfy { $0.isFinite && $0 >= 0 })
    // The restriction must actually apply here: some alpha rows were skipped and kept their NaN.
    #expect(poisoned.alpha.contains { $0.isNaN })
    #expect(poisoned.alpha.contains { !$0.isNaN })
}
