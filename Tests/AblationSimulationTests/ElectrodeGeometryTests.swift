@testable import AblationAnalysis
import AblationGrid
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

/// A preset with one RF applicator (given as JSON) in a liver cube of `size` mm at `spacing` mm.
func rfPreset(_ applicator: String, size: Double = 40, spacing: Double = 1, extra: String = "") throws -> Preset {
    let text = """
    {"ablsim": 1, "name": "rf", "grid": {"size_mm": [\(size), \(size), \(size)], "spacing_mm": \(spacing)}\(extra),
     "applicators": [\(applicator)]}
    """
    return try Preset.parse(bytes: Array(text.utf8), source: "rf").0
}

func radiofrequencySpec(_ p: Preset) -> Preset.RadiofrequencySpec? {
    if case let .radiofrequency(rf) = p.applicators[0] { return rf }
    return nil
}

/// Connected parts (26-neighbourhood) of a voxel set, each as its voxel indices.
func components(_ voxels: [Int], grid g: Grid3D) -> [[Int]] {
    var remaining = Set(voxels)
    var parts: [[Int]] = []
    while let seed = remaining.first {
        remaining.remove(seed)
        var part = [seed], queue = [seed]
        while let v = queue.popLast() {
            let i = v % g.nx, j = (v / g.nx) % g.ny, k = v / (g.nx * g.ny)
            for dk in -1...1 { for dj in -1...1 { for di in -1...1 {
                let (a, b, c) = (i + di, j + dj, k + dk)
                guard a >= 0, b >= 0, c >= 0, a < g.nx, b < g.ny, c < g.nz else { continue }
                let n = g.linearIndex(a, b, c)
                if remaining.remove(n) != nil { part.append(n); queue.append(n) }
            } } }
        }
        parts.append(part)
    }
    return parts
}

func position(_ v: Int, _ g: Grid3D) -> SIMD3<Double> { g.worldPosition(v % g.nx, (v / g.nx) % g.ny, v / (g.nx * g.ny)) }

/// The cluster's three needles come out of the rasterisation as three separate conductors whose
/// axes are `spacing_mm` apart (measured perpendicular to the needle), for an axis-aligned and an
/// oblique insertion, each with the full active length.
@Test(arguments: [([0.0, 0, 40], 0.25), ([25.0, 15, 30], 0.5)])
func clusterNeedlesStandSpacingApart(entry: [Double], spacing: Double) throws {
    let p = try rfPreset("""
        {"type": "rfa", "electrode": "cluster", "spacing_mm": 5, "active_length_mm": 10, "diameter_mm": 1.5,
         "tip_mm": [0, 0, -5], "entry_mm": [\(entry[0]), \(entry[1]), \(entry[2])],
         "control": {"mode": "impedance", "max_power_w": 100}, "duration_s": 10}
        """, size: 30, spacing: spacing)
    let g = p.makeGrid()
    let spec = try #require(radiofrequencySpec(p))
    let parts = components(RadiofrequencyGeometry.electrodeVoxels(spec, grid: g), grid: g)
    #expect(parts.count == 3)
    guard parts.count == 3 else { return }
    let d = SIMD3(entry[0], entry[1], entry[2]) - SIMD3<Double>(0, 0, -5)
    let axis = d / (d * d).sum().squareRoot()
    // Offsets from the insertion path (through the tip), perpendicular to it.
    func perpendicular(_ p: SIMD3<Double>) -> SIMD3<Double> {
        let r = p - SIMD3<Double>(0, 0, -5)
        return r - axis * (r * axis).sum()
    }
    let centres = parts.map { part in part.reduce(SIMD3<Double>()) { $0 + perpendicular(position($1, g)) } / Double(part.count) }
    for (a, b) in [(0, 1), (1, 2), (0, 2)] {
        let gap = ((centres[a] - centres[b]) * (centres[a] - centres[b])).sum().squareRoot()
        #expect(abs(gap - 5) < spacing / 2, "needles \(a) and \(b): \(gap) mm apart")
    }
    // The triangle is centred on the insertion path.
    let centroid = (centres[0] + centres[1] + centres[2]) / 3
    #expect((centroid * centroid).sum().squareRoot() < spacing / 2)
    for part in parts {
        let along = part.map { (position($0, g) * axis).sum() }
        #expect(abs(along.max()! - along.min()! - 10) <= 1.5 * spacing, "active length \(along.max()! - along.min()!)")
    }
    // Cooled: all three needles, tips and shafts, are held at the coolant temperature.
    let needles = Set(parts.joined()).union(RadiofrequencyGeometry.shaftVoxels(spec, grid: g))
    #expect(Set(RadiofrequencyGeometry.cooledVoxels(spec, grid: g)) == needles)
}

/// Tine ends lie on the circle of the deployed diameter: in the trocar tip's plane for the
/// umbrella, half a diameter ahead of it less the trocar radius for the star.
@Test(arguments: ["umbrella", "star"])
func tineEndsSpanTheDeployedDiameter(shape: String) throws {
    let p = try rfPreset("""
        {"type": "rfa", "electrode": "multi_tine", "diameter_mm": 2, "tines": 9, "deployed_diameter_mm": 30,
         "tine_shape": "\(shape)", "tip_mm": [0, 0, 5], "entry_mm": [0, 0, 30],
         "control": {"mode": "impedance", "max_power_w": 50}, "duration_s": 10}
        """, size: 50)
    let spec = try #require(radiofrequencySpec(p))
    let array = try #require(ElectrodeGeometry(spec).tineArray)
    #expect(array.tineEndsMM.count == 9)
    for end in array.tineEndsMM {
        #expect(abs((end.x * end.x + end.y * end.y).squareRoot() - 15) < 1e-9)
        #expect(abs(end.z - (shape == "umbrella" ? 5 : 5 - 14)) < 1e-9, "end at z = \(end.z)")
    }
    // Tines are not cooled, and the trocar is insulated right to its tip.
    #expect(RadiofrequencyGeometry.cooledVoxels(spec, grid: p.makeGrid()).isEmpty)
}

/// The rasterised array has the symmetry of its tines: 12 tines along z map onto themselves under
/// a quarter turn about the needle and under the mirror x -> -x; and no tine voxel is lost to the shaft.
@Test func rasterisedTinesAreSymmetric() throws {
    let p = try rfPreset("""
        {"type": "rfa", "electrode": "multi_tine", "diameter_mm": 2.1, "tines": 12, "deployed_diameter_mm": 40,
         "tip_mm": [0, 0, 5], "entry_mm": [0, 0, 30], "control": {"mode": "impedance", "max_power_w": 90}, "duration_s": 10}
        """, size: 50.5, spacing: 0.5)
    let g = p.makeGrid()
    let spec = try #require(radiofrequencySpec(p))
    let voxels = RadiofrequencyGeometry.electrodeVoxels(spec, grid: g)
    let set = Set(voxels)
    let minimum = Double(12 * 31) / 0.5 * 0.9
    #expect(Double(voxels.count) > minimum, "\(voxels.count) voxels for 12 tines of ~31 mm")
    func image(_ v: Int, _ map: (Int, Int, Int) -> (Int, Int, Int)) -> Int {
        let (i, j, k) = map(v % g.nx, (v / g.nx) % g.ny, v / (g.nx * g.ny))
        return g.linearIndex(i, j, k)
    }
    let quarterTurn = Set(voxels.map { image($0) { i, j, k in (g.nx - 1 - j, i, k) } })
    let mirror = Set(voxels.map { image($0) { i, j, k in (g.nx - 1 - i, j, k) } })
    #expect(quarterTurn == set, "\(quarterTurn.symmetricDifference(set).count) voxels break the quarter-turn symmetry")
    #expect(mirror == set, "\(mirror.symmetricDifference(set).count) voxels break the mirror symmetry")
    #expect(Set(RadiofrequencyGeometry.shaftVoxels(spec, grid: g)).isDisjoint(with: set))
}

/// Temperature control is refused for cooled electrodes (their tip sits at the coolant
/// temperature), and the resolved multi-tine preset decodes back to the same preset.
@Test func multiTineResolvesAndTemperatureControlNeedsTines() throws {
    let p = try rfPreset("""
        {"type": "rfa", "electrode": "multi_tine", "deployed_diameter_mm": 30, "tip_mm": [0, 0, 5], "entry_mm": [0, 0, 30],
         "control": {"mode": "temperature", "target_c": 95, "max_power_w": 60}, "duration_s": 10}
        """)
    let again = try Preset.decode(p.resolvedJSON())
    #expect(radiofrequencySpec(again) == radiofrequencySpec(p))
    #expect(JSONWriter.string(again.resolvedJSON()) == JSONWriter.string(p.resolvedJSON()))
    #expect(throws: PresetError.self) {
        _ = try rfPreset("""
            {"type": "rfa", "electrode": "cluster", "tip_mm": [0, 0, -5], "entry_mm": [0, 0, 30],
             "control": {"mode": "temperature", "target_c": 95, "max_power_w": 60}, "duration_s": 10}
            """)
    }
}

/// An electrode thinner than two voxels is named in summary.json's warnings with the spacing that
/// would resolve it; tines thinner than a voxel are said to be wires, whose zone depends on the spacing.
@Test func thinElectrodesAreWarnedAboutWithTheSpacingNeeded() throws {
    func warnings(_ applicator: String, spacing: Double) throws -> [String] {
        let p = try rfPreset(applicator, spacing: spacing)
        let scene = try Scene(preset: p)
        let r = try Simulation(preset: p, scene: scene, threads: 2).run()
        return RunPipeline.warnings(preset: p, scene: scene, result: r)
    }
    let tines = """
        {"type": "rfa", "electrode": "multi_tine", "diameter_mm": 2, "tines": 8, "deployed_diameter_mm": 20,
         "tine_diameter_mm": 0.6, "tip_mm": [0, 0, 0], "entry_mm": [0, 0, 19],
         "control": {"mode": "constant_power", "power_w": 5}, "duration_s": 2}
        """
    let wire = try warnings(tines, spacing: 1)
    #expect(wire.contains { $0.hasPrefix("applicators.0: the tines (0.60 mm) are thinner than a voxel") && $0.contains("grid.spacing_mm <= 0.3") })
    let coarse = try warnings(tines, spacing: 0.5)
    #expect(coarse.contains { $0.hasPrefix("applicators.0: the tines (0.60 mm) are thinner than two voxels") && $0.contains("grid.spacing_mm <= 0.3") })
    let needle = """
        {"type": "rfa", "electrode": "cooled_tip", "active_length_mm": 10, "diameter_mm": 1.5, "tip_mm": [0, 0, -5],
         "entry_mm": [0, 0, 19], "control": {"mode": "constant_power", "power_w": 5}, "duration_s": 2}
        """
    #expect(try warnings(needle, spacing: 1).contains { $0.contains("the electrode (1.50 mm) is thinner than two voxels") && $0.contains("grid.spacing_mm <= 0.75") })
    #expect(try !warnings(needle, spacing: 0.5).contains { $0.contains("thinner") })
}
