@testable import AblationAnalysis
@testable import AblationJSON
@testable import AblationElectric
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

let rfaPreset = """
{"ablsim": 1, "name": "rf", "grid": {"size_mm": [40, 40, 40], "spacing_mm": 1},
 "applicators": [{"type": "rfa", "electrode": "cooled_tip", "active_length_mm": 10, "diameter_mm": 2,
                  "coolant_temperature_c": 15, "tip_mm": [0, 0, -5], "entry_mm": [0, 0, 30],
                  "control": {"mode": "constant_power", "power_w": 20}, "duration_s": 30}]}
"""

/// The `rfaPreset` electrode (20 W) solved once at 37 °C with its heat written on top of zeros
/// (no other source): the driver, the starting temperatures, the heat, its zero base and the
/// spacing in metres.
func solvedRadiofrequencyHeat() throws -> (driver: RadiofrequencyElectrode, T: AlignedBuffer<Float>, q: AlignedBuffer<Float>,
                                           base: AlignedBuffer<Float>, h: Double) {
    let p = try Preset.parse(bytes: Array(rfaPreset.utf8), source: "rf").0
    let scene = try Scene(preset: p)
    guard case let .radiofrequency(spec) = p.applicators[0] else { throw CocoaError(.featureUnsupported) }
    let model = ThermalModel(preset: p, scene: scene)
    let driver = RadiofrequencyElectrode(index: 0, spec: spec, scene: scene, materials: model.labelMaterial, threads: 2)
    let T = model.initialTemperature(p, scene: scene)
    driver.update(temperature: T, time: 0)
    let q = AlignedBuffer<Float>(count: model.op.layout.count, repeating: 0)
    let base = AlignedBuffer<Float>(count: q.count, repeating: 0)
    driver.addHeat(into: q, base: base, temperature: T)
    return (driver, T, q, base, scene.grid.spacingMM * 1e-3)
}

/// The generator's power equals the Joule heat the grid receives (P = V² / R and the solver's
/// energy identity), and between solves a drying voxel's heat collapses with its conductivity.
///
/// Tolerance, from the solve's own residual. For the unit-voltage field u (1 on the electrode, 0 on
/// the pad) the heat of every link, summed, is sum_i u_i (net current out of voxel i): the
/// electrode's current I on the electrode, 0 on the pad, and -r_i on a free voxel, r = b - A u the
/// residual the solver stops on. So the heat is I - u . r exactly, and the generator, which sets
/// V² = P / I, deposits P (1 - u . r / I). The stopping rule alone bounds that by Cauchy-Schwarz:
/// |u . r| <= ||u|| ||r|| <= ||u|| e ||b||, e the relative residual (3e-3 for every run's solve),
/// b_i the faces from free voxel i to the electrode. Here the residual itself is evaluated from the
/// field and the solver's face conductances, so the heat must differ from P by -u . r / I up to
/// rounding: the Float field's (each u_i within 2^-24 u_i, which moves u . r by at most
/// 2^-24 sum |u_i| (b_i + 2 |r_i|)), and the Float heat's (each voxel's value rounded at most eight
/// times: the heat per watt, the conductivity ratio's gain, law and product, the power, the sum
/// with the base; 8 x 2^-24 relative).
@Test func radiofrequencyHeatEqualsGeneratorPower() throws {
    let (driver, T, q, base, h) = try solvedRadiofrequencyHeat()
    var total = 0.0
    for i in 0..<q.count { total += Double(q[i]) }
    // The run's solve again with its own tolerance: from the warm start it only evaluates the
    // residual of the field that made the heat (no iteration, so the field is unchanged).
    let check = driver.solver.solve(voltage: 1, tolerance: RadiofrequencyElectrode.numerics.solveTolerance)
    #expect(check.iterations == 0 && check.converged)
    let g = driver.solver.grid, L = driver.layout, u = driver.solver.potential
    var uu = 0.0, bb = 0.0, ur = 0.0, fieldRounding = 0.0
    func inside(_ i: Int, _ j: Int, _ k: Int) -> Bool { i >= 0 && j >= 0 && k >= 0 && i < L.nx && j < L.ny && k < L.nz }
    for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
        let idx = L.index(i, j, k)
        guard g.diagonal[idx] > 0 else { continue }
        let ui = Double(u[idx])
        var b = 0.0, r = 0.0
        for (di, dj, dk, face) in [(1, 0, 0, g.gx[idx]), (-1, 0, 0, g.gx[idx - 1]), (0, 1, 0, g.gy[idx]), (0, -1, 0, g.gy[idx - L.strideY]),
                                   (0, 0, 1, g.gz[idx]), (0, 0, -1, g.gz[idx - L.strideZ])] {
            // Ghosts (the pad) hold 0, electrode voxels 1.
            let neighbour = inside(i + di, j + dj, k + dk) ? L.index(i + di, j + dj, k + dk) : -1
            let un = neighbour < 0 ? 0 : Double(u[neighbour])
            if neighbour >= 0 && g.diagonal[neighbour] == 0 { b += Double(face) }
            r += Double(face) * (un - ui)
        }
        uu += ui * ui
        bb += b * b
        ur += ui * r
        fieldRounding += Double(Float.ulpOfOne) / 2 * abs(ui) * (b + 2 * abs(r))
    } } }
    let current = 1 / driver.gridResistance
    let predicted = -ur / current
    let rounding = fieldRounding / current + 8 * Double(Float.ulpOfOne) / 2
    let stoppingRule = uu.squareRoot() * RadiofrequencyElectrode.numerics.solveTolerance * bb.squareRoot() / current
    let deposited = total * h * h * h
    print("RF heat: \(deposited) W of 20 W (\(deposited / 20 - 1)); from the residual \(predicted) +- \(rounding) "
          + "(relative residual \(check.relativeResidual), ||u|| \(uu.squareRoot()), ||b|| \(bb.squareRoot()) S, I \(current) A; "
          + "the stopping rule's bound \(stoppingRule))")
    #expect(abs(deposited / 20 - 1 - predicted) <= rounding, "deposited \(deposited) W")
    #expect(abs(deposited / 20 - 1) <= stoppingRule)
    // Liver at 37 °C with a 10 mm x 2 mm electrode: tens of ohms.
    #expect(driver.resistance > 20 && driver.resistance < 200, "R = \(driver.resistance)")
    // Boil every heated voxel: its heat must fall by about the conductivity drop.
    let hot = AlignedBuffer<Float>(count: T.count, repeating: 37)
    hot.copy(from: T)
    for i in 0..<q.count where q[i] > 0 { hot[i] = 110 }
    driver.refreshHeat(temperature: hot, time: 0, dt: 0, base: base, alone: true, into: q)
    var after = 0.0
    for i in 0..<q.count { after += Double(q[i]) }
    #expect(after * h * h * h < 0.01 * 20)
}

/// Impedance control: as tissue at the tip dries the impedance rises past baseline + 30 ohm, the
/// generator pauses, and the delivered energy falls short of full power for the whole time.
@Test func impedanceControlRollsOff() throws {
    let p = try Preset.parse(bytes: Array(rfaPreset.utf8), source: "rf", overrides: [
        "applicators.0.control={\"mode\":\"impedance\",\"max_power_w\":60}", "applicators.0.duration_s=240",
        "applicators.0.update_interval_s=1",
    ]).0
    let r = try Simulation(preset: p, scene: try Scene(preset: p), threads: 2).run()
    let paused = r.timeSeries.filter { $0.time > 40 && $0.powers[0] == 0 }
    #expect(!paused.isEmpty, "the generator never paused")
    #expect(r.deliveredEnergy[0] < 60 * 240 * 0.9)
    #expect(r.peakTemperatureC < 115, "peak \(r.peakTemperatureC) °C: the plateau and roll-off should hold it near 100")
    #expect(r.timeSeries.contains { ($0.impedanceOhm ?? 0) > 0 })
    // Voxels of the cooled electrode stay at the coolant temperature.
    let circuit = try #require(r.applicators[0].radiofrequency)
    #expect(circuit.finalImpedanceOhm.isFinite)
    // No solves while paused: fewer than one per second of the 240 s, and each solve iterated at most a few dozen times.
    #expect(circuit.potentialSolves > 10 && circuit.potentialSolves < 240, "\(circuit.potentialSolves) solves")
    #expect(circuit.cgIterations > 0 && circuit.cgIterations < 40 * circuit.potentialSolves, "\(circuit.cgIterations) iterations")
}

/// Between solves the generator holds its power: once the held heat has followed the tissue's
/// conductivity (warmer voxels take more, dried ones almost none), the next refresh rescales it so
/// that it sums to the generator's power again, and only when drying has taken more than half of
/// it does the driver ask for a new solve instead.
@Test func heldHeatSumsToTheGeneratorPowerBetweenSolves() throws {
    let (driver, T, q, base, h) = try solvedRadiofrequencyHeat()
    func watts() -> Double { (0..<q.count).reduce(0.0) { $0 + Double(q[$1]) } * h * h * h }
    let atSolve = (0..<q.count).map { q[$0] }
    let peak = atSolve.max()!
    // Warm the strongly heated voxels by 10 K (sigma +20 %) and dry those that hold the most heat,
    // together less than half of it.
    let changed = AlignedBuffer<Float>(count: T.count, repeating: 37)
    changed.copy(from: T)
    var dried = 0.0
    for i in 0..<q.count where atSolve[i] > 0.05 * peak {
        if atSolve[i] > 0.5 * peak { changed[i] = 110; dried += Double(atSolve[i]) } else { changed[i] += 10 }
    }
    dried *= h * h * h
    #expect(dried > 1 && dried < 10, "dried voxels held \(dried) W of 20")
    driver.refreshHeat(temperature: changed, time: 1, dt: 1, base: base, alone: true, into: q)
    let followed = watts()
    #expect(abs(followed - 20) > 0.5, "the held heat follows the conductivity first: \(followed) W")
    driver.refreshHeat(temperature: changed, time: 2, dt: 1, base: base, alone: true, into: q)
    #expect(abs(watts() - 20) < 1e-3 * 20, "held power: \(watts()) W")
    #expect(!driver.needsSolve(at: 2), "half of the heat is left: no early solve")
    // Dry everything that held heat above 5 % of the peak: most of the heat is gone.
    for i in 0..<q.count where atSolve[i] > 0.05 * peak { changed[i] = 110 }
    driver.refreshHeat(temperature: changed, time: 2.5, dt: 0.5, base: base, alone: true, into: q)
    #expect(driver.needsSolve(at: 2.5), "most of the held heat dried: the field must be solved again")
}

/// What the generator reports (impedance, and the voltage and current that deliver its power)
/// against the potential field itself. The current at 1 V is measured as the flux through a box
/// around the active tip, well inside the tissue: each face crossing it passes
/// 2 s_in s_out / (s_in + s_out) h (phi_in - phi_out), the harmonic face mean of the voxels'
/// conductivities; by conservation of charge that is the current leaving the electrode, whatever
/// the contacts at its surface. The field is first solved to a relative residual of 1e-7 (the run's
/// own solve stops at 3e-3): the flux through the box then differs from the electrode's current by
/// the net residual inside the box, at most sqrt(N) 1e-7 of ||b|| (N = 14 000 voxels: 1.2e-5), and
/// Float potentials round each face's drop by about 1e-7 of the potential: 2e-4 covers both. Then:
/// the resistance is 1 / that current; the reported voltage V and current I deliver the generator's
/// power into that resistance (V I = P, V / I = R, with R from the field, not from the driver); and
/// the Joule heat the driver deposits, summed over the voxels, is V I. The run's own solve stops at
/// a relative residual of 3e-3: the current is linear in the field, so its error is of that order,
/// which is the tolerance on the resistance (half of it, from the square roots, on V and I). The
/// Joule heat is held to 1e-3 as in radiofrequencyHeatEqualsGeneratorPower (not derived: the
/// identity's error is the residual weighted by the field, which the test cannot see). Measured at
/// 1 mm: box flux against the tight solve 1.4e-8, the run's resistance 4.3e-6, Joule heat 3.4e-6.
@Test func generatorReadingsMatchThePotentialField() throws {
    let (driver, _, q, _, h) = try solvedRadiofrequencyHeat()
    let power = driver.power, reported = driver.resistance
    let volts = RadiofrequencyElectrode.voltage(power: power, impedance: reported)
    let amps = RadiofrequencyElectrode.current(power: power, impedance: reported)
    var joule = 0.0
    for i in 0..<q.count { joule += Double(q[i]) }
    joule *= h * h * h
    let tight = driver.solver.solve(voltage: 1, tolerance: 1e-7)
    #expect(tight.converged)
    let phi = driver.solver.potential, sigma = driver.sigma, L = driver.layout
    // The box: x, y from -9.5 to 9.5 mm, z from -11.5 to 11.5 mm (voxel centres); the 10 mm tip
    // runs from z = -5 to 5, its insulated shaft leaves through the top face.
    let lo = (10, 10, 8), hi = (29, 29, 31)
    var current = 0.0, inside = 0
    for k in lo.2...hi.2 { for j in lo.1...hi.1 { for i in lo.0...hi.0 {
        inside += 1
        let a = L.index(i, j, k)
        for (di, dj, dk, out) in [(-1, 0, 0, i == lo.0), (1, 0, 0, i == hi.0), (0, -1, 0, j == lo.1), (0, 1, 0, j == hi.1),
                                  (0, 0, -1, k == lo.2), (0, 0, 1, k == hi.2)] where out {
            let b = L.index(i + di, j + dj, k + dk)
            let sa = Double(sigma[a]), sb = Double(sigma[b])
            current += 2 * sa * sb / (sa + sb) * h * (Double(phi[a]) - Double(phi[b]))
        }
    } } }
    let resistance = 1 / current
    print("R: field \(resistance) ohm, driver \(reported) ohm, tight solve \(1 / (tight.current)) ohm; "
          + "V \(volts) V, I \(amps) A, P \(power) W, Joule \(joule) W (\(inside) voxels in the box)")
    #expect(abs(power - 20) < 1e-12)
    #expect(abs(tight.resistance / resistance - 1) < 2e-4, "the solver's electrode current against the flux through the box")
    #expect(abs(reported / resistance - 1) < 3e-3, "the run's solve: \(reported) ohm, the field \(resistance) ohm")
    let fieldVolts = (power * resistance).squareRoot(), fieldAmps = fieldVolts / resistance
    #expect(abs(volts / fieldVolts - 1) < 3e-3 / 2 + 2e-4)
    #expect(abs(amps / fieldAmps - 1) < 3e-3 / 2 + 2e-4)
    #expect(abs(joule / (fieldVolts * fieldAmps) - 1) < 1e-3, "Joule heat \(joule) W against V I = \(fieldVolts * fieldAmps) W")
}
