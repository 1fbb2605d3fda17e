@testable import AblationAnalysis
import AblationIO
import AblationGrid
@testable import AblationJSON
import AblationKernels
@testable import AblationPreset
@testable import AblationRandom
@testable import AblationRun
@testable import AblationSimulation
@testable import AblationTissue
@testable import AblationValidation
@testable import AblationVerification
import Foundation
import Testing

/// Kirchhoff transform: with k = k(T) and no perfusion, the steady equation div(k grad T) = -q
/// becomes k37 lap(u) = -q for u = integral from 37 °C to T of k / k37, the same linear problem a
/// constant-k37 run solves for T - 37. So a k(T) run's u must match a constant-k run's rise voxel
/// by voxel. u is integrated exactly for the law as evaluated (TissuePropertyLaw.step: piecewise
/// constant on 0.5 K steps, 37 °C value in the resting band); for the smooth law k37 (1 + a theta)
/// it would be theta + a theta^2 / 2. A law that was ignored, applied with the wrong sign, to the
/// wrong faces or lagged wrongly fails.
@Test func steadyStateWithLinearConductivityMatchesTheKirchhoffTransform() throws {
    let a = 0.01
    let common = ["materials.liver.perfusion_per_s=0", "applicators.0.schedule.0.power_w=0.4",
                  "applicators.0.schedule.0.duration_s=1500", "time.damage_interval_s=1"]
    let varying = try decode(minimalPreset, common + ["materials.liver.conductivity_per_c=\(a)"])
    let constant = try decode(minimalPreset, common + ["materials.liver.linear=true"])
    let rv = try Simulation(preset: varying, scene: try Scene(preset: varying), threads: 2).run()
    let rc = try Simulation(preset: constant, scene: try Scene(preset: constant), threads: 2).run()
    #expect(rv.peakTemperatureC < 99, "below boiling, so that k(T) is the only law at work")
    let law = try #require(TissuePropertyLaw(varying.materials["liver"]!))
    // Cumulative integral of k(step(T)) / k37 on a 0.01 K table from 37 °C; step edges (multiples of
    // 0.25 K) fall on table points, so linear interpolation is exact.
    let h = 0.01
    var table: [Double] = [0]
    for n in 0..<7000 {
        let mid = 37 + (Double(n) + 0.5) * h
        table.append(table[n] + h * law.conductivity(at: Double(TissuePropertyLaw.step(Float(mid)))) / law.conductivity37)
    }
    func u(_ t: Double) -> Double {
        let x = (t - 37) / h, n = min(max(Int(x.rounded(.down)), 0), table.count - 2)
        return table[n] + (table[n + 1] - table[n]) * (x - Double(n))
    }
    let tv = rv.temperature(), tc = rc.temperature()
    var worst = 0.0, peak = 0.0, lawEffect = 0.0
    for (x, y) in zip(tv, tc) {
        let thetaConstant = Double(y) - 37
        worst = max(worst, abs(u(Double(x)) - thetaConstant))
        peak = max(peak, thetaConstant)
        lawEffect = max(lawEffect, abs(Double(x) - Double(y)))
    }
    // The law must matter here (k rises 25 % at the source), and the transform must hold to within
    // the harmonic face mean's second-order error across steps (measured 2.9e-4 of the peak rise
    // at 1 mm, most of it at the 2.75 K edge of the resting band; threshold 1.5x that).
    #expect(lawEffect / peak > 0.05, "k(T) changed the peak rise by only \(lawEffect / peak)")
    #expect(worst / peak < 4.5e-4, "Kirchhoff mismatch \(worst) K of \(peak) K")
}

/// Energy stays exact with k(T) and a lower desiccated conductivity through boiling: face
/// conductances are shared by both voxels of a face, so what one loses the other gains.
@Test func conductivityLawConservesEnergyThroughBoiling() throws {
    let p = try decode(minimalPreset, [
        "boundary.type=adiabatic", "materials.liver.perfusion_per_s=0",
        "materials.liver.conductivity_per_c=0.01", "materials.liver.desiccated_conductivity_w_mk=0.2",
        "applicators.0.shape.radius_mm=1.5", "applicators.0.schedule.0.power_w=2", "applicators.0.schedule.0.duration_s=40",
    ])
    let scene = try Scene(preset: p)
    let r = try Simulation(preset: p, scene: scene, threads: 2).run()
    let rhoC = 1079.0 * 3540
    let ratio = Float(1000 * 2.26e6 * 0.78 / 5 / rhoC)
    let dry = Float(8.0e5 / rhoC)
    let t = r.temperature()
    let heat = t.reduce(0.0) { $0 + Double(Vaporisation.enthalpy($1, ratio: ratio, dry: dry)) - 37 } * rhoC * scene.grid.voxelVolumeMM3 * 1e-9
    #expect(t.contains { $0 > 104 }, "the test must dry some tissue out")
    #expect(abs(heat - 80) / 80 < 2e-3, "heat \(heat) J of 80 J delivered")
}

/// The step is chosen for the largest conductivity the law can reach (k(99) here), not the 37 °C one.
@Test func timeStepHonoursTheLargestConductivity() throws {
    let base = ["materials.liver.perfusion_per_s=0"]
    let constant = try decode(minimalPreset, base + ["materials.liver.conductivity_per_c=0"])
    let varying = try decode(minimalPreset, base + ["materials.liver.conductivity_per_c=0.01"])
    let drier = try decode(minimalPreset, base + ["materials.liver.conductivity_per_c=0", "materials.liver.desiccated_conductivity_w_mk=1.04"])
    let dt0 = Simulation(preset: constant, scene: try Scene(preset: constant), threads: 1).stableTimeStep
    let dt1 = Simulation(preset: varying, scene: try Scene(preset: varying), threads: 1).stableTimeStep
    let dt2 = Simulation(preset: drier, scene: try Scene(preset: drier), threads: 1).stableTimeStep
    #expect(abs(dt1 / dt0 - 1 / 1.62) < 1e-6, "ratio \(dt1 / dt0)")
    #expect(abs(dt2 / dt0 - 0.5) < 1e-6, "ratio \(dt2 / dt0)")
}

/// A zero coefficient (with the default desiccated conductivity) and `linear: true` leave every
/// coefficient at its 37 °C value: the run is bit for bit the one before k(T) existed (checked against
/// commit 0f6cad2 by comparing `ablsim run` output files byte for byte;
/// docs/physics.md#thermal-conductivity-kt). The pinned hashes of final temperature and damage keep it
/// so.
@Test(arguments: [("materials.liver.conductivity_per_c=0", "47095f38"), ("materials.liver.linear=true", "67e0c4e6")])
func constantConductivityReproducesEarlierResultsBitForBit(setting: String, expected: String) throws {
    // Perfusion stopping where the cells die, as in the pinned runs (the default since the
    // living-tissue stasis dose of 0.1.0 is 30).
    let p = try decode(minimalPreset, [setting, "applicators.0.schedule.0.power_w=3", "applicators.0.schedule.0.duration_s=60",
                                       "materials.liver.perfusion_stasis_dose=1"])
    let r = try Simulation(preset: p, scene: try Scene(preset: p), threads: 2).run()
    var bytes: [UInt8] = []
    for v in r.temperature() + r.damageMeasure() { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
    let digest = String(SHA256.hex(bytes).prefix(8))
    #expect(digest == expected)
}

@Test func conductivityLawKeysAreCheckedAndEchoed() throws {
    expectError(minimalPreset, ["materials.liver.conductivity_per_c=0.02"], path: "materials.liver.conductivity_per_c", contains: "0.01")
    expectError(minimalPreset, ["materials.liver.conductivity_per_c=-0.001"], path: "materials.liver.conductivity_per_c", contains: "0")
    expectError(minimalPreset, ["materials.liver.desiccated_conductivity_w_mk=0"], path: "materials.liver.desiccated_conductivity_w_mk", contains: "0.01")
    // The desiccated default follows an overridden 37 °C conductivity; given, it stays.
    let p = try decode(minimalPreset, ["materials.liver.conductivity_w_mk=0.6"])
    #expect(p.materials["liver"]!.desiccatedConductivityWMK == 0.6)
    #expect(p.materials["liver"]!.conductivityPerC == 0.0012)
    let q = try decode(minimalPreset, ["materials.liver.conductivity_w_mk=0.6", "materials.liver.desiccated_conductivity_w_mk=0.3"])
    let back = try decode(JSONWriter.string(q.resolvedJSON()))
    #expect(back.materials["liver"] == q.materials["liver"])
    #expect(back.materials["liver"]!.desiccatedConductivityWMK == 0.3)
}

@Test func lawShapeFollowsTheDocumentedPieces() throws {
    var m = Material.liver
    m.conductivityPerC = 0.0012
    m.desiccatedConductivityWMK = 0.3
    let law = try #require(TissuePropertyLaw(m))
    #expect(law.conductivity(at: 37) == 0.52)
    #expect(abs(law.conductivity(at: 99) - 0.52 * (1 + 0.0012 * 62)) < 1e-12)
    #expect(abs(law.conductivity(at: 101.5) - (0.52 * (1 + 0.0012 * 62) + 0.3) / 2) < 1e-12)
    #expect(law.conductivity(at: 110) == 0.3)
    #expect(law.conductivity(at: -20) == law.conductivity(at: 0))
    for (t, expected): (Float, Float) in [(37.2, 37), (39.7, 37), (39.75, 40), (34.25, 37), (34.2, 34), (41.3, 41.5), (.nan, 37)] {
        #expect(TissuePropertyLaw.step(t) == expected, "step(\(t))")
        let c = TissuePropertyLaw.step(t), w = TissuePropertyLaw.halfWidth(of: c)
        if t.isFinite { #expect(c - w <= t && t < c + w) }
    }
    m.linear = true
    #expect(TissuePropertyLaw(m) == nil)
}
