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
/// by voxel. u is the closed form of the law as docs/physics.md#thermal-conductivity-kt documents
/// it, written here from that text and not from the code: k = k37 (1 + a theta) below 99 °C,
/// evaluated at the nearest multiple of 0.5 K (steps [c - 0.25, c + 0.25)), and exactly k37 within
/// 2.75 K of 37 °C. Integrating that exactly (the midpoint value of a linear law over a whole step is
/// its mean):
///
///     u = theta                                                 for theta < 2.75
///     u = theta + a/2 (l^2 - 2.75^2) + a c (theta - l)          above, c = step centre - 37, l = c - 0.25
///
/// and for the smooth law k37 (1 + a theta) u = theta + a theta^2 / 2, which differs from the stepped
/// one by a/2 (2.75^2 + x (x - 0.5)) with x = theta - l: between 3.75 a and 3.78 a above the band,
/// at most 3.78 a in it.
///
/// Tolerance, from the discretisation: a face between two voxels in the same step carries exactly
/// the Kirchhoff flux k37 (u_i - u_j) / h (the harmonic mean of equal values is that value), so
/// only faces that straddle a step edge err, by the gap between the harmonic mean of the two
/// steps' k and the mean of k over [T_j, T_i]: at most half the jump, a/4 of k37 between 0.5 K
/// steps and 1.5 a at the band's edge (k37 against k(40 °C)). The heat flows outwards through
/// nested shells, so a relative error e in a shell's flux moves u inside it by at most e times the
/// temperature drop across that shell; summed over the shells, at most a/4 of the peak rise plus
/// 1.5 a times the largest one-voxel drop at the band's edge (measured from the constant-k field).
/// Against the smooth law the quantisation's 3.78 a is added. Measured at 1 mm (peak rise 24.7 K,
/// k(T) moving it by 2.44 K): 0.0072 K against the stepped law (2.9e-4 of the peak, most of it at
/// the band's edge), 0.0447 K against the smooth one (the quantisation's 0.038 K and the same
/// 0.007 K), bounds 0.082 K and 0.120 K. A law that was ignored (u off by a theta^2 / 2: 3 K at
/// the peak), applied with the wrong sign (twice that), with a coefficient 3 % off (0.09 K) or with
/// a resting band twice as wide (0.09 K) fails; finer errors in a are below this bound.
@Test func steadyStateWithLinearConductivityMatchesTheKirchhoffTransform() throws {
    let a = 0.01
    let common = ["materials.liver.perfusion_per_s=0", "applicators.0.schedule.0.power_w=0.4",
                  "applicators.0.schedule.0.duration_s=1500", "time.damage_interval_s=1"]
    let varying = try decode(minimalPreset, common + ["materials.liver.conductivity_per_c=\(a)"])
    let constant = try decode(minimalPreset, common + ["materials.liver.linear=true"])
    let sceneC = try Scene(preset: constant)
    let rv = try Simulation(preset: varying, scene: try Scene(preset: varying), threads: 2).run()
    let rc = try Simulation(preset: constant, scene: sceneC, threads: 2).run()
    #expect(rv.peakTemperatureC < 99, "below boiling, so that k(T) is the only law at work")
    let band = 2.75
    func stepped(_ theta: Double) -> Double {
        guard theta >= band else { return theta }
        let c = ((theta + 37 + 0.25) / 0.5).rounded(.down) * 0.5 - 37, l = c - 0.25
        return theta + a / 2 * (l * l - band * band) + a * c * (theta - l)
    }
    func smooth(_ theta: Double) -> Double { theta + a * theta * theta / 2 }
    let tv = rv.temperature(), tc = rc.temperature()
    var worstStepped = 0.0, worstSmooth = 0.0, peak = 0.0, lawEffect = 0.0
    for (x, y) in zip(tv, tc) {
        let thetaConstant = Double(y) - 37, theta = Double(x) - 37
        worstStepped = max(worstStepped, abs(stepped(theta) - thetaConstant))
        worstSmooth = max(worstSmooth, abs(smooth(theta) - thetaConstant))
        peak = max(peak, thetaConstant)
        lawEffect = max(lawEffect, abs(theta - thetaConstant))
    }
    // The largest temperature drop across a face with one side at or past the band's edge and
    // the other inside it, in the constant-k field (the k(T) field's edge lies within a few
    // hundredths of a kelvin of it, far less than a voxel's drop).
    let g = sceneC.grid
    var edgeDrop = 0.0
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
        let t = Double(tc[g.linearIndex(i, j, k)]) - 37
        for (di, dj, dk) in [(1, 0, 0), (0, 1, 0), (0, 0, 1)] where i + di < g.nx && j + dj < g.ny && k + dk < g.nz {
            let s = Double(tc[g.linearIndex(i + di, j + dj, k + dk)]) - 37
            if min(t, s) < band + 0.5 && max(t, s) >= band - 0.5 { edgeDrop = max(edgeDrop, abs(t - s)) }
        }
    } } }
    let discretisation = a / 4 * peak + 1.5 * a * edgeDrop
    let quantisation = a / 2 * (band * band + 0.25 * 0.25)
    print("Kirchhoff: peak rise \(peak) K, law effect \(lawEffect) K; stepped law \(worstStepped) K, smooth law \(worstSmooth) K; "
          + "bounds \(discretisation) K (edge drop \(edgeDrop) K) and +\(quantisation) K")
    #expect(lawEffect / peak > 0.05, "k(T) changed the peak rise by only \(lawEffect / peak)")
    #expect(worstStepped < discretisation, "Kirchhoff mismatch \(worstStepped) K of \(peak) K against the stepped law")
    #expect(worstSmooth < discretisation + quantisation, "Kirchhoff mismatch \(worstSmooth) K of \(peak) K against the smooth law")
}

/// At steady state, with no perfusion and no metabolic heat, the heat leaving through the fixed-
/// temperature faces is the source's power. Measured from the field alone: each outermost voxel
/// passes k37 h (T - 37) through each of its faces to the boundary value one spacing beyond its
/// centre (docs/preset-format.md, `boundary.type`). Tolerance: the slowest mode of the 21 mm box
/// decays with tau = (21 mm / pi)^2 / (3 alpha) = 110 s, so after 1500 s the transient is e^-13.7 =
/// 1e-6 of the flux; but the field is Float, and an explicit step leaves a voxel unchanged once its
/// increment is below half an ulp, so the steady field balances each voxel only to
/// rho c V ulp(T) / (2 dt): summed over the voxels (computed here, 1.3e-4 of the power), plus half
/// an ulp of each boundary face's temperature. Measured 4.2e-5.
@Test func steadyHeatThroughTheBoundaryIsTheSourcePower() throws {
    let p = try decode(minimalPreset, ["materials.liver.perfusion_per_s=0", "materials.liver.linear=true",
                                       "applicators.0.schedule.0.power_w=0.4", "applicators.0.schedule.0.duration_s=1500"])
    let scene = try Scene(preset: p)
    let sim = Simulation(preset: p, scene: scene, threads: 2)
    let dt = try sim.chosenTimeStep()
    let r = try sim.run()
    let g = scene.grid, t = r.temperature(), h = g.spacingMM * 1e-3, k37 = 0.52, rhoC = 1079.0 * 3540
    var out = 0.0, stagnation = 0.0, rounding = 0.0
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
        let v = t[g.linearIndex(i, j, k)]
        stagnation += rhoC * h * h * h * Double(v.ulp) / 2 / dt
        let faces = Double([i == 0, i == g.nx - 1, j == 0, j == g.ny - 1, k == 0, k == g.nz - 1].filter { $0 }.count)
        out += faces * k37 * h * (Double(v) - 37)
        rounding += faces * k37 * h * Double(v.ulp) / 2
    } } }
    let bound = 1e-6 * 0.4 + stagnation + rounding
    print("steady state: \(out) W left through the boundary of 0.4 W delivered (bound \(bound) W)")
    #expect(abs(out - 0.4) <= bound, "\(out) W left through the boundary, 0.4 W delivered")
}

/// Energy stays exact with k(T) and a lower desiccated conductivity through boiling: face
/// conductances are shared by both voxels of a face, so what one loses the other gains, and the
/// lag of k (one damage sample) moves heat between voxels but creates none. The only departure
/// allowed is Float rounding (EnergyRoundingBound, with the step sized for k(99) = 1.62 k37:
/// 2.4e-4 of the energy here); measured 1.1e-6.
@Test func conductivityLawConservesEnergyThroughBoiling() throws {
    let p = try decode(minimalPreset, [
        "boundary.type=adiabatic", "materials.liver.perfusion_per_s=0",
        "materials.liver.conductivity_per_c=0.01", "materials.liver.desiccated_conductivity_w_mk=0.2",
        "applicators.0.shape.radius_mm=1.5", "applicators.0.schedule.0.power_w=2", "applicators.0.schedule.0.duration_s=40",
    ])
    let scene = try Scene(preset: p)
    let run = try BracketedRun(preset: p, scene: scene, floorC: 37)
    try #require(run.everyStepSampled)
    let rhoC = 1079.0 * 3540
    let latent = 1000 * 2.26e6 * 0.78 / 5
    let ratio = Float(latent / rhoC)
    let dry = Float(8.0e5 / rhoC)
    let t = run.result.temperature()
    let heat = t.reduce(0.0) { $0 + Double(Vaporisation.enthalpy($1, ratio: ratio, dry: dry)) - 37 } * rhoC * scene.grid.voxelVolumeMM3 * 1e-9
    let rounding = EnergyRoundingBound(capacityMin: rhoC, capacityMax: rhoC, conductivityMax: 0.52 * (1 + 0.01 * 62),
                                       latent: latent, dryRatio: 8.0e5 / rhoC).joules(run, deliveredJ: 80)
    print("k(T) through boiling: heat \(heat) J of 80 J, rounding bound \(rounding) J")
    #expect(t.contains { $0 > 104 }, "the test must dry some tissue out")
    #expect(abs(heat - 80) <= rounding, "heat \(heat) J of 80 J delivered")
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
