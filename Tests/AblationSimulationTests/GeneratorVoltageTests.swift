@testable import AblationAnalysis
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

/// A 10 mm cooled tip for 120 s under `control` (JSON), on 1 mm voxels.
private func peakVoltageAndWarnings(control: String) throws -> (volts: Double, warnings: [String], result: SimulationResult) {
    let (result, warnings) = try run(control: control)
    return (try #require(result.applicators.first?.radiofrequency).peakVoltageV, warnings, result)
}

private func run(control: String) throws -> (SimulationResult, [String]) {
    let text = """
        {"ablsim": 1, "name": "rf", "grid": {"size_mm": [30, 30, 30], "spacing_mm": 1, "center_mm": [0.5, 0.5, 0]},
         "applicators": [{"type": "rfa", "electrode": "cooled_tip", "active_length_mm": 10, "diameter_mm": 1.5,
          "tip_mm": [0, 0, -5], "entry_mm": [0, 0, 30], "control": \(control), "duration_s": 120}]}
        """
    let p = try Preset.parse(bytes: Array(text.utf8), source: "rf").0
    let scene = try Scene(preset: p)
    let result = try Simulation(preset: p, scene: scene, threads: 2).run()
    return (result, RunPipeline.warnings(preset: p, scene: scene, result: result))
}

/// Without a voltage limit (the default), a constant-power generator keeps its power into dried
/// tissue by raising the voltage without bound (746 V here, thousands at 50 W, and temperatures
/// beside the electrode no tissue reaches); summary.json says so. An impedance-controlled generator rolls off
/// and stays at clinical voltages, without the warning.
@Test func runawayGeneratorVoltageIsReported() throws {
    let constant = try peakVoltageAndWarnings(control: #"{"mode": "constant_power", "power_w": 25}"#)
    let impedance = try peakVoltageAndWarnings(control: #"{"mode": "impedance", "max_power_w": 60}"#)
    print("peak voltage: constant power \(constant.volts) V, impedance control \(impedance.volts) V")
    #expect(constant.volts > RadiofrequencyElectrode.plausibleVoltageV)
    #expect(constant.warnings.contains { $0.hasPrefix("applicators.0: the generator needed up to") })
    // The same warning is one of the caveats ablsim validate lists under a row.
    #expect(Simulation.zoneCaveats(preset: constant.result.preset, result: constant.result).contains { $0.hasPrefix("applicators.0: the generator needed up to") })
    #expect(impedance.volts > 0 && impedance.volts < RadiofrequencyElectrode.plausibleVoltageV)
    #expect(!impedance.warnings.contains { $0.contains("the generator needed up to") })
}

/// A generator with a voltage limit (extension `control.max_voltage_v`) delivers at most V² / R:
/// the same constant 25 W that drove the unlimited generator past 300 V stays at the limit, the
/// power falls as the tissue dries instead, and the tissue beside the electrode stays far cooler.
/// A current limit caps I² R the same way. Neither gets the runaway warning; both report how long
/// the limit held the power down.
@Test func generatorLimitsCapVoltageAndCurrent() throws {
    let (free, _) = try run(control: #"{"mode": "constant_power", "power_w": 25}"#)
    let (capped, cappedWarnings) = try run(control: #"{"mode": "constant_power", "power_w": 25, "max_voltage_v": 100}"#)
    let (currentCapped, _) = try run(control: #"{"mode": "constant_power", "power_w": 25, "max_current_a": 0.3}"#)
    let peak = try #require(capped.applicators.first?.radiofrequency).peakVoltageV
    let limited = try #require(capped.applicators.first?.radiofrequency?.powerLimitedS)
    print("max_voltage_v 100: peak \(peak) V, limited \(limited) s, max T \(capped.peakTemperatureC) °C (unlimited: \(free.peakTemperatureC) °C)")
    #expect(peak <= 100 * (1 + 1e-9))
    #expect(limited > 0 && limited < 120)
    #expect(capped.peakTemperatureC < free.peakTemperatureC - 20)
    #expect(capped.deliveredEnergy[0] < free.deliveredEnergy[0])
    #expect(!cappedWarnings.contains { $0.contains("the generator needed up to") })
    // Every sample: the generator's output within its limits (the impedance of the last solve).
    for s in capped.timeSeries { #expect((s.voltageV ?? 0) <= 100 * (1 + 1e-9)) }
    for s in currentCapped.timeSeries { #expect((s.currentA ?? 0) <= 0.3 * (1 + 1e-9)) }
    #expect((currentCapped.applicators.first?.radiofrequency?.powerLimitedS ?? 0) > 0)
    // Without limits nothing is reported.
    #expect(free.applicators.first?.radiofrequency != nil && free.applicators.first?.radiofrequency?.powerLimitedS == nil)
}
