@testable import AblationAnalysis
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
@Test func radiofrequencyHeatEqualsGeneratorPower() throws {
    let (driver, T, q, base, h) = try solvedRadiofrequencyHeat()
    var total = 0.0
    for i in 0..<q.count { total += Double(q[i]) }
    #expect(abs(total * h * h * h - 20) / 20 < 1e-3, "deposited \(total * h * h * h) W")
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
