import Foundation
import Testing
@testable import AblationSim

/// A 10 mm cooled tip for 120 s under `control` (JSON), on 1 mm voxels.
private func peakVoltageAndWarnings(control: String) throws -> (volts: Double, warnings: [String]) {
    let text = """
        {"ablsim": 1, "name": "rf", "grid": {"size_mm": [30, 30, 30], "spacing_mm": 1, "center_mm": [0.5, 0.5, 0]},
         "applicators": [{"type": "rfa", "electrode": "cooled_tip", "active_length_mm": 10, "diameter_mm": 1.5,
          "tip_mm": [0, 0, -5], "entry_mm": [0, 0, 30], "control": \(control), "duration_s": 120}]}
        """
    let p = try Preset.parse(bytes: Array(text.utf8), source: "rf").0
    let scene = try Scene(preset: p)
    let result = try Simulation(preset: p, scene: scene, threads: 2).run()
    return (try #require(result.peakVoltage.first ?? nil), RunPipeline.warnings(preset: p, scene: scene, result: result))
}

/// ablsim has no generator voltage limit, so a constant-power generator keeps its power into dried
/// tissue by raising the voltage without bound (thousands of volts, and temperatures beside the
/// electrode no tissue reaches); summary.json says so. An impedance-controlled generator rolls off
/// and stays at clinical voltages, without the warning.
@Test func runawayGeneratorVoltageIsReported() throws {
    let constant = try peakVoltageAndWarnings(control: #"{"mode": "constant_power", "power_w": 25}"#)
    let impedance = try peakVoltageAndWarnings(control: #"{"mode": "impedance", "max_power_w": 60}"#)
    print("peak voltage: constant power \(constant.volts) V, impedance control \(impedance.volts) V")
    #expect(constant.volts > RadiofrequencyDriver.plausibleVoltageV)
    #expect(constant.warnings.contains { $0.hasPrefix("applicators.0: the generator needed up to") })
    #expect(impedance.volts > 0 && impedance.volts < RadiofrequencyDriver.plausibleVoltageV)
    #expect(!impedance.warnings.contains { $0.contains("the generator needed up to") })
}
