import AblationJSON
import AblationPreset
import AblationSimulation

/// An `rfa` planning template: the electrode and generator keys of an `rfa` applicator, fixed,
/// with the planner choosing the position, `power_w` (the generator's power setting) and
/// `duration_s` from the template's ranges.
enum RadiofrequencyTemplate {
    /// Keys a template may fix: every `rfa` applicator key except what the planner chooses.
    static let fixedKeys = ["device", "electrode", "diameter_mm", "active_length_mm", "coolant_temperature_c", "pump_off_s",
                            "track_ablation", "spacing_mm", "tines", "deployed_diameter_mm", "tine_diameter_mm", "tine_shape",
                            "deployment", "control", "update_interval_s", "return_path_ohm"]
    /// Impedance control ramping to the power setting (RadiofrequencyElectrode): what the product's
    /// cooled electrodes run with.
    static let defaultControl: JSONValue = ["mode": "impedance"]

    /// `r` has read `type`, `power_w` and `duration_s`. The rest is checked by the preset decoder
    /// itself, on the template completed with a placeholder position, so every key means and is
    /// checked exactly as in an `rfa` applicator, with the template's path in the message.
    static func decode(_ item: JSONValue, reader r: inout JSONObjectReader, powerW: ClosedRange<Double>,
                       durationS: ClosedRange<Double>) throws(PresetError) -> TemplateDevice {
        for key in ["tip_mm", "entry_mm"] where r.value(key) != nil {
            throw PresetError(path: r.child(key), "is chosen by the planner; expected no \(key) in a template (it fixes the electrode and generator only)")
        }
        for key in fixedKeys { _ = r.value(key) }
        try r.finish()
        let control = r.value("control") ?? defaultControl
        var c = try JSONObjectReader(control, path: r.child("control"))
        for key in ["max_power_w", "power_w"] where c.value(key) != nil {
            throw PresetError(path: c.child(key), "is chosen by the planner from \(r.child("power_w")); expected no \(key) in a template's control")
        }
        let mode = try c.string("mode", oneOf: ["constant_power", "impedance", "temperature"])
        // The placeholder power is the range's lowest: a LeVeen start power must not exceed any
        // power the planner may choose. The decoder's own limits (400 W, 7200 s) contain the
        // template's ranges, and the placeholder path is longer than any active tip (60 mm at most).
        let key = mode == "constant_power" ? "power_w" : "max_power_w"
        let probe = item.setting("power_w", nil).setting("duration_s", .number(durationS.upperBound))
            .setting("tip_mm", [0, 0, 0]).setting("entry_mm", [0, 0, 100])
            .setting("control", control.setting(key, .number(powerW.lowerBound)))
        guard case let .radiofrequency(spec) = try Preset.decodeApplicator(probe, path: r.path, baseDirectory: nil) else {
            preconditionFailure("an rfa applicator decodes as .radiofrequency")
        }
        return .radiofrequency(applicator: probe, spec: spec)
    }
}
