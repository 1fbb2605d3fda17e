import AblationIO
import AblationRun
import Foundation
import Testing

// summary.json's damage.unheated_dose_fraction: what tissue never warmed accrues over the run, checked
// against the closed form of the liver's published constants and against the damage the solver itself
// integrated in a voxel that stayed at the initial temperature.

private func unheatedPreset(name: String, initialC: Double, seconds: Double, damage: String = #"{"model": "arrhenius"}"#) -> String {
    """
    {"ablsim": 1, "name": "\(name)", "grid": {"size_mm": [24, 24, 24], "spacing_mm": 2},
     "boundary": {"type": "dirichlet", "temperature_c": \(initialC)}, "initial_temperature_c": \(initialC),
     "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2},
                      "schedule": [{"duration_s": \(seconds), "power_w": 0.001}]}],
     "time": {"cooldown_s": 0}, "damage": \(damage)}
    """
}

/// Liver, A = 7.39e39 1/s, Ea = 2.577e5 J/mol (COMSOL's bioheat database, docs/physics.md), R from CODATA.
private func liverRatePerSecond(_ celsius: Double) -> Double {
    7.39e39 * exp(-2.577e5 / (8.314462618 * (celsius + 273.15)))
}

@Test func unheatedLivingLiverDoseIsTheClosedFormAndWhatTheSolverIntegrated() throws {
    let scratch = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let run = try FinishedRun(preset: unheatedPreset(name: "unheated-37", initialC: 37, seconds: 900), in: scratch, name: "warm")
    let expected = liverRatePerSecond(37) * 900  // 0.263: Omega = 1 would take 57 min at 37 °C
    let reported = run.number("damage.unheated_dose_fraction")
    // summary.json writes it to 4 significant digits.
    #expect(abs(reported - expected) <= 5e-4 * expected, "reported \(reported), closed form \(expected)")
    // A corner voxel, 15 mm from a 1 mW source, stays at 37 °C: its integrated Omega is the same dose
    // (Float32 log-domain rate and a Kahan sum: 1e-3 relative).
    let damage = try run.volume("damage.nii.gz")
    let corner = Double(damage.values[0])
    #expect(abs(corner - expected) <= 1e-3 * expected, "corner Omega \(corner), closed form \(expected)")
    let warnings = run.summary["warnings"] as! [String]
    #expect(warnings.contains { $0.hasPrefix("damage: tissue held at the initial 37 °C reaches 26 % of the necrosis threshold") }, "\(warnings)")
}

@Test func benchTissueAndPeakTemperatureDamageCarryNoUnheatedDose() throws {
    let scratch = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let bench = try FinishedRun(preset: unheatedPreset(name: "unheated-20", initialC: 20, seconds: 900), in: scratch, name: "bench")
    let reported = bench.number("damage.unheated_dose_fraction")
    #expect(abs(reported - liverRatePerSecond(20) * 900) <= 5e-4 * liverRatePerSecond(20) * 900, "\(reported)")
    #expect(reported < 1e-3)
    #expect(!(bench.summary["warnings"] as! [String]).contains { $0.hasPrefix("damage:") })
    let isotherm = try FinishedRun(preset: unheatedPreset(name: "unheated-iso", initialC: 37, seconds: 900, damage: #"{"model": "isotherm"}"#), in: scratch, name: "iso")
    #expect(isotherm["damage.unheated_dose_fraction"] == nil, "peak temperature does not accumulate")
}

@Test func baselineAtTheInitialTemperatureLeavesUnheatedTissueUndamaged() throws {
    let scratch = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let text = unheatedPreset(name: "unheated-excess", initialC: 37, seconds: 900,
                              damage: #"{"model": "arrhenius", "baseline": "initial_temperature"}"#)
    #expect(text.contains("initial_temperature\"}"))
    let run = try FinishedRun(preset: text, in: scratch, name: "excess")
    #expect(run.number("damage.unheated_dose_fraction") == 0)
    #expect(try run.volume("damage.nii.gz").values[0] == 0, "a voxel held at 37 °C takes no damage")
    #expect(!(run.summary["warnings"] as! [String]).contains { $0.hasPrefix("damage:") })
    #expect(run["resolved_preset.damage.baseline"] as? String == "initial_temperature")
}
