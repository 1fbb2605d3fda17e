@testable import AblationAnalysis
import AblationGrid
import AblationIO
@testable import AblationJSON
@testable import AblationPreset
@testable import AblationRandom
@testable import AblationRun
@testable import AblationSimulation
@testable import AblationTissue
@testable import AblationValidation
@testable import AblationVerification
import Foundation
import Testing

private func sphereMask(_ g: Grid3D, center: SIMD3<Double>, radius: Double) -> [UInt8] {
    var mask = [UInt8](repeating: 0, count: g.voxelCount)
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
        let d = g.worldPosition(i, j, k) - center
        if (d * d).sum() <= radius * radius { mask[g.linearIndex(i, j, k)] = 1 }
    } } }
    return mask
}

private func targetScene() throws -> Scene {
    let p = try decode(minimalPreset, ["grid.size_mm=[40,40,40]",
        "regions.0={\"name\":\"tumor\",\"material\":\"tumor\",\"target\":true,\"shape\":{\"type\":\"sphere\",\"center_mm\":[0,0,0],\"radius_mm\":5}}"])
    return try Scene(preset: p)
}

@Test func marginHistogramAndWeakestPointFollowAnOffsetZone() throws {
    let scene = try targetScene()
    let g = scene.grid
    // A zone of radius 12 shifted 4 mm toward -x: the margin is about 12 - 4 - 5 = 3 mm on the +x
    // side and about 11 mm on the -x side.
    let zone = sphereMask(g, center: [-4, 0, 0], radius: 12)
    let a = ZoneAnalysis(necrosis: zone, scene: scene, axis: [0, 0, 1], marginMM: 5)
    let t = a.targets[0]
    #expect(t.complete)
    #expect(abs(t.minMarginMM - 3) <= 1, "margin \(t.minMarginMM)")
    let d = try #require(t.detail)
    #expect(d.weakestDirection.x > 0.9, "weakest margin should face +x, got \(d.weakestDirection)")
    #expect(d.weakestPointMM.x > 3)
    #expect(abs(d.surfaceShares.reduce(0, +) - 1) < 1e-9)
    #expect(d.surfaceShares[0] == 0)
    #expect(d.surfaceShares[1] > 0.2 && d.surfaceShares[2] > 0.3, "\(d.surfaceShares)")
    // Healthy tissue ablated: the zone less the target.
    let zoneML = Double(zone.filter { $0 != 0 }.count) / 1000
    #expect(abs(a.healthyAblatedML - (zoneML - t.volumeML)) < 1e-9)

    // Shift further: the +x side is left untreated, the weak point is the deepest untreated voxel.
    let missed = ZoneAnalysis(necrosis: sphereMask(g, center: [-10, 0, 0], radius: 12), scene: scene, axis: [0, 0, 1], marginMM: 5)
    let m = missed.targets[0]
    #expect(!m.complete && m.minMarginMM < -1)
    let md = try #require(m.detail)
    #expect(md.surfaceShares[0] > 0.1 && md.weakestDirection.x > 0.9)
}

@Test func referenceZoneMetricsMatchKnownSpheres() throws {
    let scene = try targetScene()
    let g = scene.grid
    let zone = sphereMask(g, center: [0, 0, 0], radius: 10)
    let same = ReferenceComparison(zone: zone, reference: zone, grid: scene.grid)
    #expect(same.dice == 1 && same.meanSurfaceDistanceMM == 0 && same.hausdorffMM == 0)
    // Concentric spheres of radius 10 and 8: Dice = 2 * 8^3 / (10^3 + 8^3) = 0.677, surfaces 2 mm apart.
    let smaller = ReferenceComparison(zone: zone, reference: sphereMask(g, center: [0, 0, 0], radius: 8), grid: scene.grid)
    #expect(abs(smaller.dice - 2 * 512.0 / 1512.0) < 0.03, "dice \(smaller.dice)")
    #expect(abs(smaller.meanSurfaceDistanceMM - 2) < 0.6, "mean \(smaller.meanSurfaceDistanceMM)")
    #expect(smaller.hausdorffMM >= 2 && smaller.hausdorffMM < 3.5, "hausdorff \(smaller.hausdorffMM)")
}

/// The key decodes, survives the resolved preset and gives a mask on the grid; what summary.json then
/// holds is checked in SummaryContractTests.
@Test func referenceZoneFromAPresetKeyIsDecodedResolvedAndMasked() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-ref-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeLabelMap(to: dir.appendingPathComponent("labels.nii.gz"))
    let text = minimalPreset.replacingOccurrences(of: "\"applicators\"", with: """
        "reference_zone": {"path": "\(dir.path)/labels.nii.gz", "label": 3}, "applicators"
        """)
    let p = try decode(text)
    let shape = try #require(p.referenceZone)
    #expect(shape.label == 3)
    // The resolved preset carries the key and decodes back to the same reference.
    let again = try Preset.decode(p.resolvedJSON())
    #expect(again.referenceZone?.resolvedPath == shape.resolvedPath)
    let scene = try Scene(preset: p)
    let mask = ReferenceComparison.mask(of: shape, grid: scene.grid)
    #expect(mask.contains(1))
    expectError(text.replacingOccurrences(of: "\"label\": 3", with: "\"lable\": 3"), path: "reference_zone.lable", contains: "did you mean \"label\"")
}
