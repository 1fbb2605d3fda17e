@testable import AblationAnalysis
import AblationGrid
@testable import AblationJSON
import AblationKernels
import AblationMicrowave
@testable import AblationPreset
@testable import AblationRandom
@testable import AblationRun
@testable import AblationSimulation
import AblationSpectral
@testable import AblationTissue
@testable import AblationValidation
@testable import AblationVerification
import Foundation
import Testing

/// An adiabatic, unperfused box heated by a source: every joule stays, so the mean temperature
/// rise is exactly E / (rho c V). Checks deposition (partial volumes), the kernel's conservation
/// and the timeline together. The only departure allowed is Float rounding, bounded from the run's
/// own steps and temperatures (EnergyRoundingBound: 3.5e-4 of the energy here, the uniform rows'
/// sums of absolute temperatures the largest part); measured 1.3e-6 and 1.5e-6.
@Test(arguments: [0.0, 0.37])
func energyIsConservedInAnAdiabaticBox(offset: Double) throws {
    let p = try decode(minimalPreset, [
        "boundary.type=adiabatic", "materials.liver.perfusion_per_s=0",
        "applicators.0.shape.center_mm=[\(offset), \(-offset), 0.2]", "applicators.0.shape.radius_mm=2.3",
        "applicators.0.schedule=[{\"duration_s\": 20, \"power_w\": 0.5}, {\"duration_s\": 5, \"power_w\": 0}, {\"duration_s\": 7.5, \"power_w\": 1}]",
    ])
    let scene = try Scene(preset: p)
    let run = try BracketedRun(preset: p, scene: scene, floorC: 37)
    let r = run.result
    try #require(run.everyStepSampled)
    let g = scene.grid
    let rise = r.temperature().reduce(0.0) { $0 + Double($1) - 37 } / Double(g.voxelCount)
    let energy = 0.5 * 20 + 1 * 7.5
    let rhoC = 1079 * 3540.0, volume = 20e-3 * 20e-3 * 20e-3
    let expected = energy / (rhoC * volume)
    // The step is sized for the default k(T)'s largest value, k(99).
    let rounding = EnergyRoundingBound(capacityMin: rhoC, capacityMax: rhoC, conductivityMax: 0.52 * (1 + 0.0012 * 62))
        .joules(run, deliveredJ: energy)
    print("adiabatic box: heat off by \((rise - expected) * rhoC * volume) J of \(energy) J, rounding bound \(rounding) J")
    #expect(abs(r.deliveredEnergy[0] - energy) < 1e-9)
    #expect(abs(rise - expected) * rhoC * volume <= rounding, "mean rise \(rise) K, expected \(expected) K")
    #expect(abs(r.simulatedTime - 32.5) < 1e-9)
}

@Test func heatSourceDepositsExactlyItsPower() throws {
    let p = try decode(minimalPreset, ["applicators.0.shape.center_mm=[0.3, 0.1, -0.2]", "applicators.0.shape.radius_mm=1.7"])
    let scene = try Scene(preset: p)
    let state = SimulationState(preset: p, scene: scene, model: ThermalModel(preset: p, scene: scene), threads: 1, damageLaw: .cem43)
    try #require(HeatSources(preset: p, scene: scene, model: state.model, threads: 1)).deposit(powers: [3.0], state: state)
    let q = state.source
    var total = 0.0
    for i in 0..<q.count { total += Double(q[i]) }
    #expect(abs(total * 1e-9 - 3.0) < 3.0 * 1e-6)
}

@Test func perfusionCoolsAndShutsDownWhereTissueDies() throws {
    // Below boiling, so that perfusion shutdown is the only difference between the two runs.
    let hot = ["applicators.0.schedule.0.power_w=1", "applicators.0.schedule.0.duration_s=120"]
    let linear = try decode(minimalPreset, hot + ["materials.liver.linear=true"])
    let living = try decode(minimalPreset, hot)
    let a = try Simulation(preset: linear, scene: try Scene(preset: linear), threads: 2).run()
    let b = try Simulation(preset: living, scene: try Scene(preset: living), threads: 2).run()
    #expect(b.peakTemperatureC < 99)
    // Shutting perfusion down in dead tissue removes a heat sink: hotter and larger zone.
    #expect(b.peakTemperatureC > a.peakTemperatureC + 0.5)
    #expect(b.damageMeasure().reduce(0, +) > a.damageMeasure().reduce(0, +) * 1.05)
}

/// `perfusion_stasis_dose`: capillaries keep flowing through coagulating tissue up to a multiple of
/// the necrosis threshold (the built-in default, 30). Voxels past the necrosis threshold but below
/// the stasis dose keep their sink, those past it lose it, and the extra sink cools the tissue
/// against a run whose perfusion stops where the cells die (dose 1).
@Test func perfusionStopsAtTheStasisDose() throws {
    let hot = ["applicators.0.schedule.0.power_w=1", "applicators.0.schedule.0.duration_s=120"]
    let standard = try decode(minimalPreset, hot + ["materials.liver.perfusion_stasis_dose=1"])
    let stasis = try decode(minimalPreset, hot)
    #expect(stasis.materials["liver"]!.perfusionStasisDose == Material.defaultPerfusionStasisDose)
    #expect(Material.defaultPerfusionStasisDose == 30)
    let a = try Simulation(preset: standard, scene: try Scene(preset: standard), threads: 1).run()
    let sim = Simulation(preset: stasis, scene: try Scene(preset: stasis), threads: 1)
    let b = try sim.run()
    let g = sim.scene.grid, L = sim.model.op.layout
    let omega = b.damageMeasure()
    var between = 0, past = 0
    for k in 0..<g.nz {
        for j in 0..<g.ny {
            for i in 0..<g.nx {
                let w = sim.model.op.perfusion[L.index(i, j, k)]
                let o = Double(omega[g.linearIndex(i, j, k)])
                if o >= 1 && o < 29 { between += 1; #expect(w > 0) }
                if o >= 31 { past += 1; #expect(w == 0) }
            }
        }
    }
    #expect(between > 0 && past > 0)
    // The kept sink cools the tissue (on this coarse grid the zone's voxel count does not move).
    #expect(b.temperature().reduce(0.0) { $0 + Double($1) } < a.temperature().reduce(0.0) { $0 + Double($1) } - 1)
    expectError(minimalPreset, ["materials.liver.perfusion_stasis_dose=0.5"], path: "materials.liver.perfusion_stasis_dose", contains: "from 1")
}

/// The `fixed` vessel model: an ideal sink held at blood temperature.
@Test func vesselsStayAtBloodTemperature() throws {
    let p = try decode(minimalPreset, [
        "applicators.0.schedule.0.power_w=2",
        "regions.0={\"name\":\"v\",\"material\":\"blood\",\"vessel\":true,\"shape\":{\"type\":\"cylinder\",\"start_mm\":[4,-10,0],\"end_mm\":[4,10,0],\"radius_mm\":1.5},\"flow\":{\"model\":\"fixed\"}}",
    ])
    let scene = try Scene(preset: p)
    let r = try Simulation(preset: p, scene: scene, threads: 1).run()
    let t = r.temperature()
    #expect(!scene.vesselVoxels.isEmpty)
    #expect(scene.vesselVoxels.allSatisfy { t[$0] == 37 })
    // The mirror point on the other side of the source, with no vessel, is warmer.
    let g = scene.grid
    let near = g.voxel(containing: [2.5, 0.5, 0.5])!, mirror = g.voxel(containing: [-2.5, 0.5, 0.5])!
    #expect(t[g.linearIndex(near.0, near.1, near.2)] < t[g.linearIndex(mirror.0, mirror.1, mirror.2)] - 0.5)
}

@Test func sameInputGivesTheSameNumbers() throws {
    let p = try decode(minimalPreset, ["applicators.0.schedule.0.power_w=2"])
    let a = try Simulation(preset: p, scene: try Scene(preset: p), threads: 2).run()
    let b = try Simulation(preset: p, scene: try Scene(preset: p), threads: 1).run()
    #expect(a.temperature() == b.temperature())
    #expect(a.damageMeasure() == b.damageMeasure())
}

@Test func distanceTransformMatchesBruteForce() {
    var rng = SplitMix64(seed: 3)
    let nx = 9, ny = 7, nz = 5
    let feature = (0..<(nx * ny * nz)).map { _ in rng.nextUnitDouble() < 0.06 }
    let d = DistanceTransform.distances(nx: nx, ny: ny, nz: nz, spacingMM: 0.5) { feature[$0] }
    for idx in 0..<feature.count {
        let (i, j, k) = (idx % nx, (idx / nx) % ny, idx / (nx * ny))
        var best = Double.infinity
        for f in feature.indices where feature[f] {
            let (a, b, c) = (f % nx, (f / nx) % ny, f / (nx * ny))
            let squared: Int = (a - i) * (a - i) + (b - j) * (b - j) + (c - k) * (c - k)
            best = min(best, Double(squared).squareRoot() * 0.5)
        }
        #expect(abs(d[idx] - best) < 1e-9 || (best.isInfinite && d[idx].isInfinite))
    }
}

@Test func zoneOfAKnownSphereHasItsSizeAndMargin() throws {
    let p = try decode(minimalPreset, ["regions.0={\"name\":\"tumor\",\"material\":\"tumor\",\"target\":true,\"shape\":{\"type\":\"sphere\",\"center_mm\":[0,0,0],\"radius_mm\":3}}"])
    let scene = try Scene(preset: p)
    let g = scene.grid
    let radius = 7.0
    var mask = [UInt8](repeating: 0, count: g.voxelCount)
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
        let x = g.worldPosition(i, j, k)
        if (x * x).sum() <= radius * radius { mask[g.linearIndex(i, j, k)] = 1 }
    } } }
    let a = ZoneAnalysis(necrosis: mask, scene: scene, axis: [0, 0, 1], marginMM: 5)
    #expect(abs(a.zone.volumeML - 4.0 / 3.0 * Double.pi * pow(radius, 3) / 1000) / (4.0 / 3.0 * Double.pi * pow(radius, 3) / 1000) < 0.03)
    #expect(abs(a.zone.longAxisMM - 14) <= 1 && abs(a.zone.shortAxisMM - 14) <= 1)
    #expect(a.zone.sphericity > 0.9)
    let t = a.targets[0]
    #expect(t.complete && t.coveragePercent == 100)
    #expect(abs(t.minMarginMM - 4) <= 1, "margin \(t.minMarginMM)")
    #expect(!t.completeWithMargin)
    // Shift the zone: the target is no longer fully covered and the margin turns negative.
    var shifted = [UInt8](repeating: 0, count: g.voxelCount)
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
        let x = g.worldPosition(i, j, k) - [9, 0, 0]
        if (x * x).sum() <= radius * radius { shifted[g.linearIndex(i, j, k)] = 1 }
    } } }
    let b = ZoneAnalysis(necrosis: shifted, scene: scene, axis: [0, 0, 1], marginMM: 5)
    #expect(!b.targets[0].complete && b.targets[0].minMarginMM < -1)
}

@Test func quickVerificationSuitePasses() {
    let report = VerificationSuite(quick: true, threads: 2).run()
    #expect(report.passed, "\(report.table)")
    #expect(report.checks.count >= 6)
    #expect(report.checks.allSatisfy { !$0.reference.isEmpty && !$0.toleranceBasis.isEmpty })
}

@Test func bundledPresetsMatchTheFilesInPresets() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("presets")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") && $0 != "schema.json" }
    #expect(Set(files.map { String($0.dropLast(5)) }) == Set(BundledPresets.all.map(\.name)), "run scripts/embed-resources.py")
    for entry in BundledPresets.all {
        let text = try String(contentsOf: folder.appendingPathComponent(entry.name + ".json"), encoding: .utf8)
        #expect(text.trimmingCharacters(in: .newlines) == entry.json, "presets/\(entry.name).json changed: run scripts/embed-resources.py")
        _ = try decode(entry.json)
    }
}

/// `ablsim validate` reads the table the binary carries unless given --data.
@Test func bundledValidationTableMatchesTheFileInValidation() throws {
    let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("validation/device-zones-training.csv")
    let text = try String(contentsOf: file, encoding: .utf8)
    // The file keeps the CRLF line ends it was published with; a Swift literal holds LF.
    #expect(text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .newlines) == BundledValidationTable.csv,
            "validation/device-zones-training.csv changed: run scripts/embed-resources.py")
    let bundled = try ValidationData.load(path: nil), read = try ValidationData.load(path: file.path)
    #expect(bundled.map(\.id) == read.map(\.id) && bundled.count >= 30)
}

/// Marching tetrahedra on the field f = r - |x| of a sphere. Every point p of the surface lies in a
/// tetrahedron of one grid cube where the linear interpolant L of the voxel values vanishes. f is
/// concave (|x| is convex), so f >= L and the surface lies inside the sphere; and f - L is at most
/// (M / 2) max |v - c|^2 over the vertices v and any centre c (Taylor at p, with sum l_i (v_i - p) = 0),
/// M = 1 / rho the largest curvature of |x| in the tetrahedron, rho >= r - h sqrt 3 (it has a vertex
/// outside the sphere), and c the cube's centre: max |v - c|^2 = 3 h^2 / 4. So every surface point is
/// between r - 3 h^2 / (8 (r - h sqrt 3)) and r, widened by the Float rounding of the values (at most
/// half an ulp of h sqrt 3, the largest |f| in a cube the surface crosses). The surface encloses the
/// inner ball and is enclosed by the outer one (a region lies in the convex hull of its boundary),
/// which brackets the volume; projecting the surface radially onto the inner sphere shrinks areas and
/// covers it, which bounds the area from below. An upper bound of the area needs the triangles'
/// tilt, O(h) on these shape-regular tetrahedra, so the area error is O(h^2): its estimate is the
/// grid convergence index of a second, 1 mm grid with the formal order 2 (Roache's factor 3 for two
/// grids), 3 |A(h) - A(2h)| / (2^2 - 1).
@Test func isoSurfaceOfASphereHasItsAreaAndVolume() {
    let radius = 7.3
    func surface(spacingMM h: Double) -> (IsoSurface, Grid3D, [Float]) {
        let g = Grid3D(centerMM: [0.1, -0.2, 0.3], sizeMM: [24, 24, 24], spacingMM: h)
        var field = [Float](repeating: 0, count: g.voxelCount)
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let x = g.worldPosition(i, j, k)
            field[g.linearIndex(i, j, k)] = Float(radius - (x * x).sum().squareRoot())
        } } }
        return (IsoSurface(field: field, grid: g), g, field)
    }
    let (s, g, field) = surface(spacingMM: 0.5)
    let h = g.spacingMM
    let rounding = Double(Float(h * 3.0.squareRoot()).ulp) / 2
    let inner = radius - 3 * h * h / (8 * (radius - h * 3.0.squareRoot())) - rounding, outer = radius + rounding
    let area = 4 * Double.pi * radius * radius, volume = 4.0 / 3.0 * Double.pi * pow(radius, 3)
    let coarse = surface(spacingMM: 2 * h).0
    let areaGCI = 3 * abs(s.areaMM2 - coarse.areaMM2) / (pow(2, 2) - 1)
    print(String(format: "iso-surface of a sphere at %.2g mm: volume %.2e (bracket %.2e...%.2e), area %.2e (bound %.2e, GCI %.2e)",
                 h, s.enclosedVolumeMM3 / volume - 1, pow(inner / radius, 3) - 1, pow(outer / radius, 3) - 1,
                 s.areaMM2 / area - 1, pow(inner / radius, 2) - 1, areaGCI / area))
    #expect(s.enclosedVolumeMM3 >= 4.0 / 3.0 * Double.pi * pow(inner, 3) && s.enclosedVolumeMM3 <= 4.0 / 3.0 * Double.pi * pow(outer, 3),
            "volume \(s.enclosedVolumeMM3) vs \(volume)")
    #expect(s.areaMM2 >= 4 * Double.pi * inner * inner, "area \(s.areaMM2) vs \(area)")
    #expect(abs(s.areaMM2 - area) <= areaGCI, "area \(s.areaMM2) vs \(area), GCI \(areaGCI)")
    // A zone cut by the grid edge is still closed: its enclosed volume stays positive and finite.
    let edge = IsoSurface(field: field.map { $0 + 6 }, grid: g)
    #expect(edge.enclosedVolumeMM3 > 0 && edge.enclosedVolumeMM3 <= 24 * 24 * 24)
}

/// Every edge of the zone surface is shared by exactly two triangles (a closed, crack-free mesh),
/// including where the zone is cut by the grid boundary and for a lumpy field.
@Test func isoSurfaceIsWatertight() {
    let g = Grid3D(centerMM: [0, 0, 0], sizeMM: [12, 10, 9], spacingMM: 0.5)
    var rng = SplitMix64(seed: 5)
    var field = [Float](repeating: 0, count: g.voxelCount)
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
        let x = g.worldPosition(i, j, k)
        field[g.linearIndex(i, j, k)] = Float(4.5 - (x * x).sum().squareRoot() + 0.6 * rng.nextUnitDouble()) + (x.z > 3 ? 5 : 0)
    } } }
    let s = IsoSurface(field: field, grid: g)
    struct Key: Hashable { let a: SIMD3<Double>, b: SIMD3<Double> }
    var edges: [Key: Int] = [:]
    func key(_ p: SIMD3<Double>, _ q: SIMD3<Double>) -> Key {
        (p.x, p.y, p.z) < (q.x, q.y, q.z) ? Key(a: p, b: q) : Key(a: q, b: p)
    }
    for t in s.triangles {
        edges[key(t.0, t.1), default: 0] += 1
        edges[key(t.1, t.2), default: 0] += 1
        edges[key(t.2, t.0), default: 0] += 1
    }
    #expect(!s.triangles.isEmpty)
    #expect(edges.values.allSatisfy { $0 == 2 }, "\(edges.values.filter { $0 != 2 }.count) open or non-manifold edges")
    #expect(s.enclosedVolumeMM3 > 0)
}

/// A microwave antenna in an adiabatic, unperfused box, its whole axial profile inside the box, so
/// every ray leaves through the square side faces. Two checks, kept apart:
/// - independent: the share the rays carry out of the grid at the first evaluation (tissue at 37 °C)
///   against MicrowaveRayShare, from the Ji & Brace attenuation and the box's half-width. The model
///   counts each radial sample wholly in or out of the box, which places the face within half a step
///   dr of where it is, a factor within exp(+-alpha dr) of what a ray carries out, plus the
///   trapezoid's (alpha dr)^2;
/// - consistency: the pattern is evaluated twice in the 20 s (`update_interval_s` 10: at the start and
///   at the first sample past 10 s), each time normalised to efficiency x power x (1 - its share), so
///   the heat gained lies between the energy less the larger and less the smaller of the two shares
///   (the first, and the last that the run reports), up to the Float rounding of the run: at most an
///   ulp of the peak temperature per voxel and step (half for storing T + dT, the rest for evaluating
///   dT, itself far below T) and the deposit's Float row sums (nx eps).
@Test func microwaveEnergyIsAccountedFor() throws {
    let p = try decode(minimalPreset, [
        "grid.size_mm=[48,48,48]", "boundary.type=adiabatic", "materials.liver.perfusion_per_s=0", "materials.liver.linear=true",
        "applicators=[{\"type\":\"mwa\",\"frequency_mhz\":2450,\"tip_mm\":[0,0,-20],\"entry_mm\":[0,0,40],\"update_interval_s\":10,\"schedule\":[{\"duration_s\":20,\"power_w\":10}]}]",
    ])
    let scene = try Scene(preset: p)
    let r = try Simulation(preset: p, scene: scene, threads: 2).run()
    let g = scene.grid
    let rhoCV = 1079.0 * 3540 * g.voxelVolumeMM3 * 1e-9
    let heat = r.temperature().reduce(0.0) { $0 + Double($1) - 37 } * rhoCV
    let profile = try DeviceProfile.profile(.generic, frequencyMHz: 2450)
    let absorbed = profile.efficiency * 200
    #expect(abs(r.deliveredEnergy[0] - 200) < 1e-9)

    // The first evaluation, with the tissue at 37 °C: its share against the ray integral.
    let sar = MicrowaveSAR(grid: g, placement: AntennaPlacement(tipMM: [0, 0, -20], entryMM: [0, 0, 40]), profile: profile, threads: 2)
    #expect(profile.supportMM(forwardPowerW: 10).upperBound - 20 < 24, "the axial profile must end inside the box")
    var q: [Float] = []
    let first = sar.deposit(forwardPowerW: 10, temperature: [Float](repeating: 37, count: g.voxelCount), into: &q).outsideGridFraction
    let alpha = MicrowaveRayShare.attenuation2450(37), alphaDr = alpha * SARResolution().radialStep * g.spacingMM * 1e-3
    let expected = MicrowaveRayShare.meanExitFactor(halfWidthM: 0.024, attenuation: alpha)
        / MicrowaveRayShare.uniformNormaliser(attenuation: alpha, antennaRadiusM: profile.antennaRadiusMM * 1e-3)
    let shareBound = (exp(alphaDr) - 1 + alphaDr * alphaDr) * expected
    #expect(abs(first - expected) <= shareBound, "share \(first) vs \(expected) from the attenuation")

    // The heat against the two evaluations' shares.
    let last = try #require(r.applicators[0].microwave).outsideGridFraction
    let rounding = Double(r.steps * g.voxelCount) * rhoCV * Double(Float(r.peakTemperatureC).ulp)
        + absorbed * Double(g.nx) * Double(Float.ulpOfOne)
    let low = absorbed * (1 - max(first, last)) - rounding, high = absorbed * (1 - min(first, last)) + rounding
    print(String(format: "microwave energy: heat %.4f J in %.4f...%.4f J (shares %.5f, %.5f; rounding %.1e J); share %.5f vs %.5f +- %.1e from the attenuation",
                 heat, low, high, first, last, rounding, first, expected, shareBound))
    #expect(heat >= low && heat <= high, "heat \(heat) J vs \(low)...\(high) J absorbed on the grid")
}

/// Vaporisation by the enthalpy method conserves energy: in an adiabatic, unperfused box heated past
/// boiling, sensible plus latent heat equals the energy delivered, and the hottest voxels sit on or
/// above the 99-104 °C plateau. The only departure allowed is Float rounding (EnergyRoundingBound:
/// the kernel's, the enthalpy map's round trips on the plateau, the dry core's sub-steps; 1.6e-4 of
/// the energy here); measured 8.5e-8.
@Test func vaporisationConservesEnergy() throws {
    let p = try decode(minimalPreset, [
        "boundary.type=adiabatic", "materials.liver.perfusion_per_s=0",
        "applicators.0.shape.radius_mm=1.5", "applicators.0.schedule.0.power_w=2", "applicators.0.schedule.0.duration_s=40",
    ])
    let scene = try Scene(preset: p)
    let run = try BracketedRun(preset: p, scene: scene, floorC: 37)
    let r = run.result
    try #require(run.everyStepSampled)
    let g = scene.grid
    let rhoC = 1079.0 * 3540
    let latent = 1000 * 2.26e6 * 0.78 / 5
    let ratio = Float(latent / rhoC)
    let dry = Float(8.0e5 / rhoC)
    let t = r.temperature()
    let heat = t.reduce(0.0) { $0 + Double(Vaporisation.enthalpy($1, ratio: ratio, dry: dry)) - 37 } * rhoC * g.voxelVolumeMM3 * 1e-9
    let rounding = EnergyRoundingBound(capacityMin: rhoC, capacityMax: rhoC, conductivityMax: 0.52 * (1 + 0.0012 * 62),
                                       latent: latent, dryRatio: 8.0e5 / rhoC).joules(run, deliveredJ: 80)
    print("vaporisation: heat \(heat) J of 80 J, rounding bound \(rounding) J")
    #expect(t.contains { $0 > 99 }, "the test must reach the plateau")
    #expect(abs(heat - 80) <= rounding, "heat \(heat) J of 80 J delivered")
    // Without vaporisation (linear tissue) the same energy shows up as much higher temperatures.
    let linear = try decode(minimalPreset, [
        "boundary.type=adiabatic", "materials.liver.perfusion_per_s=0", "materials.liver.linear=true",
        "applicators.0.shape.radius_mm=1.5", "applicators.0.schedule.0.power_w=2", "applicators.0.schedule.0.duration_s=40",
    ])
    let rl = try Simulation(preset: linear, scene: try Scene(preset: linear), threads: 2).run()
    #expect(rl.peakTemperatureC > r.peakTemperatureC + 5)
}

@Test func enthalpyMapRoundTrips() {
    for ratio: Float in [0, 17.3, 92.5] {
        var t: Float = 20
        while t < 140 {
            let back = Vaporisation.temperature(Vaporisation.enthalpy(t, ratio: ratio), ratio: ratio)
            #expect(abs(back - t) < 1e-4)
            t += 0.37
        }
    }
}

/// With constant sources the far field stays quiescent and is skipped: nothing may re-activate
/// every row between phase changes (a regression once made the default run 2x slower).
@Test func quiescentRowsStaySkippedBetweenPhaseChanges() throws {
    let p = try decode(minimalPreset, ["grid.size_mm=[60,60,60]", "applicators.0.schedule.0.duration_s=30"])
    let r = try Simulation(preset: p, scene: try Scene(preset: p), threads: 2).run()
    #expect(r.meanActiveRowFraction < 0.6, "mean active row fraction \(r.meanActiveRowFraction)")
}
