import AblationKernels
import AblationPreset
import Foundation

/// The damage that tissue never warmed above the run's initial temperature accrues over the
/// simulated time, as a fraction of the necrosis threshold, in the background material.
///
/// Why it is reported: the liver's Arrhenius constants (7.39e39 1/s, 257.7 kJ/mol) were fitted to
/// coagulation at ablative temperatures; extrapolated down, they kill liver held at 37 °C in 57 min.
/// That dose is counted everywhere in living tissue, so the longer a run, the cooler the tissue at its
/// zone's edge (docs/physics.md#damage-at-body-temperature). The number says how much of the threshold
/// a run's edge owes to it. `damage.baseline` "initial_temperature" removes it (then 0); the default
/// leaves the damage as every fit used it.
public enum UnheatedDose {
    /// nil for peak-temperature (isotherm) damage, which does not accumulate.
    public static func fraction(preset: Preset, simulatedTimeS: Double) -> Double? {
        let t0 = preset.initialTemperatureC
        let perSecond: Double
        switch preset.damage.model {
        case .isotherm:
            return nil
        case _ where DamageLaw.baselineC(preset) != nil:
            return 0  // tissue held at the baseline takes no damage by construction
        case .cem43:
            // Sapareto & Dewey: minutes at 43 °C equivalent, R = 0.25 below 43 °C, 0.5 above.
            perSecond = pow(t0 < 43 ? 0.25 : 0.5, 43 - t0) / 60
        case .arrhenius:
            guard let m = preset.materials[preset.background] else { return nil }
            let c = DamageLaw.arrheniusConstants(m)
            perSecond = exp(c.lnA - c.eaR / (t0 + 273.15))
        }
        return perSecond * simulatedTimeS / preset.damage.threshold
    }

    /// Above this fraction a run says so in its warnings: a tenth of the threshold moves an edge by a
    /// measurable amount on long runs (the 21-minute cluster plan: 16 % of its volume at 0.37).
    public static let warningFraction = 0.1

    public static func warning(preset: Preset, simulatedTimeS: Double) -> String? {
        guard let f = fraction(preset: preset, simulatedTimeS: simulatedTimeS), f >= warningFraction else { return nil }
        return String(format: "damage: tissue held at the initial %.4g °C reaches %.0f %% of the necrosis threshold in this run's %.0f s (damage.unheated_dose_fraction %.3g): the %@ damage law, fitted at ablative temperatures, accrues damage at body temperature, so the zone's edge lies in tissue that was only mildly heated, the more so the longer the run (damage.baseline \"initial_temperature\" counts only the excess, outside the frame the devices were calibrated in; docs/physics.md#damage-at-body-temperature)",
                      preset.initialTemperatureC, 100 * f, simulatedTimeS, f, preset.damage.model.rawValue)
    }
}
