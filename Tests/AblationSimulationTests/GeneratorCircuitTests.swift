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

/// The LeVeen ramp: +10 W per whole minute from the start power, capped; roll-off, 30 s off, a
/// second application at 70 % of the roll-off power, and off for good after the second roll-off.
@Test func leveenProtocolStepsPausesAndStops() {
    var p = LeVeenProtocol(startPowerW: 40, maxPowerW: 90)
    #expect(p.power(time: 0, rolledOff: false) == 40)
    #expect(p.power(time: 59.9, rolledOff: false) == 40)
    #expect(p.power(time: 60, rolledOff: false) == 50)
    #expect(p.power(time: 250, rolledOff: false) == 80)
    #expect(p.power(time: 400, rolledOff: false) == 90)
    #expect(!p.isOff(at: 402))
    #expect(p.power(time: 402, rolledOff: true) == 0)
    #expect(p.rollOffPowerW == 90)
    #expect(p.isOff(at: 431.9) && !p.isOff(at: 432))
    #expect(abs(p.power(time: 432, rolledOff: false) - 63) < 1e-12)
    #expect(abs(p.power(time: 500, rolledOff: false) - 63) < 1e-12)
    #expect(p.power(time: 510, rolledOff: true) == 0)
    #expect(p.isOff(at: 511) && p.isOff(at: 7200))
    #expect(p.power(time: 600, rolledOff: false) == 0)
}

/// A return path in series: the generator sees grid + return resistance, and the grid's tissue
/// takes P R_grid / (R_grid + R_return) of the generator's power.
@Test func returnPathTakesItsShareOfThePower() throws {
    let p = try rfPreset("""
        {"type": "rfa", "active_length_mm": 10, "diameter_mm": 2, "tip_mm": [0, 0, -5], "entry_mm": [0, 0, 30],
         "control": {"mode": "constant_power", "power_w": 20}, "duration_s": 30, "return_path_ohm": 40}
        """)
    let scene = try Scene(preset: p)
    let spec = try #require(radiofrequencySpec(p))
    let model = ThermalModel(preset: p, scene: scene)
    let driver = RadiofrequencyElectrode(index: 0, spec: spec, scene: scene, materials: model.labelMaterial, threads: 2)
    let T = model.initialTemperature(p, scene: scene)
    driver.update(temperature: T, time: 0)
    let q = AlignedBuffer<Float>(count: model.op.layout.count, repeating: 0)
    driver.addHeat(into: q, base: AlignedBuffer<Float>(count: q.count, repeating: 0), temperature: T)
    let h = scene.grid.spacingMM * 1e-3
    var total = 0.0
    for i in 0..<q.count { total += Double(q[i]) }
    let grid = driver.gridResistance
    #expect(abs(driver.resistance - (grid + 40)) < 1e-9)
    let expected = 20 * grid / (grid + 40)
    #expect(abs(total * h * h * h - expected) / expected < 1e-3, "deposited \(total * h * h * h) W, expected \(expected) W")
}
