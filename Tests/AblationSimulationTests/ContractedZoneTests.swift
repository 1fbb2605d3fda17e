import Foundation
import AblationAnalysis
import AblationGrid
import Testing

// The contracted-zone estimate against what free shrinkage toward the centroid gives in closed form:
// none below 50 °C, a uniform scaling where every voxel reached the same temperature, and a two-layer
// sphere whose rays cross the layers' boundary at a known radius.

private let cube = Grid3D(nx: 45, ny: 45, nz: 45, spacingMM: 1, originMM: [-22, -22, -22])

/// Voxel centres within `radius` of the origin.
private func ball(_ radius: Double) -> [UInt8] {
    var mask = [UInt8](repeating: 0, count: cube.voxelCount)
    for k in 0..<cube.nz { for j in 0..<cube.ny { for i in 0..<cube.nx {
        let p = cube.worldPosition(i, j, k)
        if (p * p).sum() <= radius * radius { mask[cube.linearIndex(i, j, k)] = 1 }
    } } }
    return mask
}

@Test func shrinkageFollowsRossmannsTableBetweenItsPoints() {
    let law = TissueShrinkage.rossmannPorcineLiver
    #expect(law.shrinkage(atPeak: 37) == 0 && law.shrinkage(atPeak: 50) == 0)
    for (t, s) in [(60, 0.123), (65, 0.138), (75, 0.166), (85, 0.192), (95, 0.217), (140, 0.217)] as [(Float, Float)] {
        #expect(abs(law.shrinkage(atPeak: t) - s) < 1e-6, "\(t) °C")
    }
    #expect(abs(law.shrinkage(atPeak: 55) - 0.0615) < 1e-6, "halfway from 50 to 60 °C")
    #expect(abs(law.shrinkage(atPeak: 80) - 0.179) < 1e-6, "halfway from 75 to 85 °C")
}

@Test func contractedZoneIsTheZoneBelowFiftyAndScalesWithUniformShrinkage() {
    let mask = ball(20)
    let n = Double(mask.filter { $0 != 0 }.count)
    // 45 °C everywhere: nothing shrinks, so the axes are the voxel extents (41 voxels) and the volume the count.
    let cool = ContractedZone(necrosis: mask, peakTemperature: .init(repeating: 45, count: cube.voxelCount), grid: cube, axis: [0, 0, 1])
    #expect(abs(cool.longAxisMM - 41) < 1e-9 && abs(cool.shortAxisMM - 41) < 1e-9, "\(cool)")
    #expect(abs(cool.volumeML - n / 1000) < 1e-12)
    // 95 °C everywhere: every centre moves to 0.783 of its distance, so each extent between centres
    // (40 mm) scales by 0.783, plus one voxel; the volume by 0.783 cubed.
    let hot = ContractedZone(necrosis: mask, peakTemperature: .init(repeating: 95, count: cube.voxelCount), grid: cube, axis: [0, 0, 1])
    let f = 1 - Double(Float(0.217))
    #expect(abs(hot.longAxisMM - (40 * f + 1)) < 1e-4, "\(hot.longAxisMM)")
    #expect(abs(hot.shortAxisMM - (40 * f + 1)) < 1e-4, "\(hot.shortAxisMM)")
    #expect(abs(hot.volumeML - n * f * f * f / 1000) < 1e-6)
}

@Test func contractedZoneOfTwoLayersMatchesTheRadialIntegral() {
    // A core of radius 10 at 95 °C inside a shell to 20 at 60 °C. Along an axis through voxel centres
    // the voxelised boundary lies halfway between the centres at 10 and 11 mm, so the extreme centre
    // at 20 mm moves to 10.5 (1 - 0.217) + 9.5 (1 - 0.123) mm in closed form.
    let core = ball(10), mask = ball(20)
    let peak = core.indices.map { core[$0] != 0 ? Float(95) : mask[$0] != 0 ? Float(60) : Float(37) }
    let z = ContractedZone(necrosis: mask, peakTemperature: peak, grid: cube, axis: [0, 0, 1])
    let s95 = Double(Float(0.217)), s60 = Double(Float(0.123))
    let edge = 10.5 * (1 - s95) + 9.5 * (1 - s60)
    #expect(abs(z.longAxisMM - (2 * edge + 1)) < 1e-4, "\(z.longAxisMM) against \(2 * edge + 1)")
    // Across, the widest of 72 directions includes x itself, where the same integral holds.
    #expect(abs(z.shortAxisMM - (2 * edge + 1)) < 1e-4, "\(z.shortAxisMM) against \(2 * edge + 1)")
    let nCore = Double(core.filter { $0 != 0 }.count), nShell = Double(mask.filter { $0 != 0 }.count) - nCore
    let volume = (nCore * pow(1 - s95, 3) + nShell * pow(1 - s60, 3)) / 1000
    #expect(abs(z.volumeML - volume) < 1e-6)
    // An empty zone has no size.
    let none = ContractedZone(necrosis: .init(repeating: 0, count: cube.voxelCount), peakTemperature: peak, grid: cube, axis: [0, 0, 1])
    #expect(none.volumeML == 0 && none.longAxisMM == 0 && none.shortAxisMM == 0)
}
