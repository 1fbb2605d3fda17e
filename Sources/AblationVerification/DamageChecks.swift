import AblationKernels
import AblationPreset
import AblationSimulation
import Foundation

/// Cell-death models: Arrhenius and CEM43 at constant temperature through the whole preset path
/// (exact up to Float rounding: the trapezoid rule is exact for a constant rate), and along a
/// linear ramp on the production damage integrator at the default damage interval (exact
/// integrals via E1 and an exponential, the trapezoid rule's remainder bound as tolerance).
extension VerificationSuite {
    func damageChecks() -> [VerificationCheck] {
        [arrheniusConstant(), cem43Constant(), arrheniusRamp(), cem43Ramp()]
    }

    /// Liver's constants (Material.liver; Jacques et al., as in docs/physics.md) and a second pair
    /// of the order of Henriques & Moritz's skin constants (3.1e98 1/s, 6.28e5 J/mol), so that a
    /// region with its own constants runs the per-voxel law.
    static let liverArrhenius = (frequencyFactor: 7.39e39, activationEnergy: 2.577e5)
    static let skinArrhenius = (frequencyFactor: 3.1e98, activationEnergy: 6.28e5)

    /// A 1 mm voxel column with zero flux and no source or perfusion stays at its initial
    /// temperature exactly, so each voxel's damage is rate x time.
    private func constantTemperatureRun(temperatureC: Double, damageModel: String, durationS: Double, regions: Bool) -> [Double] {
        let material = { (a: (frequencyFactor: Double, activationEnergy: Double)) in
            VerificationPresetRun.material(conductivity: 0.5, heatCapacity: 4e6,
                                           extra: "\"arrhenius\": {\"frequency_factor_per_s\": \(a.frequencyFactor), \"activation_energy_j_mol\": \(a.activationEnergy)}")
        }
        let json = """
            {"ablsim": 1, "name": "verify-damage-constant",
             "grid": {"center_mm": [0, 0, 0], "size_mm": [\(regions ? 2 : 1), 1, 1], "spacing_mm": 1},
             "boundary": {"type": "adiabatic"}, "initial_temperature_c": \(temperatureC), "blood": \(VerificationPresetRun.blood()),
             "background": "liver-like",
             "materials": {"liver-like": \(material(Self.liverArrhenius)), "skin-like": \(material(Self.skinArrhenius))},
             "regions": [\(regions ? "{\"name\": \"skin\", \"material\": \"skin-like\", \"shape\": {\"type\": \"box\", \"min_mm\": [0, -5, -5], \"max_mm\": [5, 5, 5]}}" : "")],
             "applicators": [\(VerificationPresetRun.idleSource(durationS: durationS, radiusMM: 0.25))],
             "damage": {"model": "\(damageModel)"}}
            """
        let (_, result) = VerificationPresetRun.run(json, threads: 1)
        return result.damageMeasure().map(Double.init)
    }

    /// Omega = A t exp(-Ea/(R T)) at 60 °C for 300 s, through the preset path: one material (the
    /// uniform law) and two side by side (the per-voxel law).
    func arrheniusConstant() -> VerificationCheck {
        let clock = ContinuousClock(), start = clock.now
        let temperatureC = 60.0, duration = 300.0
        let pairs = [Self.liverArrhenius, Self.liverArrhenius, Self.skinArrhenius]
        let model = constantTemperatureRun(temperatureC: temperatureC, damageModel: "arrhenius", durationS: duration, regions: false)
            + constantTemperatureRun(temperatureC: temperatureC, damageModel: "arrhenius", durationS: duration, regions: true)
        var error = 0.0, tolerance = 0.0
        for (omega, pair) in zip(model, pairs) {
            let lnA = log(pair.frequencyFactor), c = pair.activationEnergy / DamageHistoryIntegrals.gasConstant
            let exact = DamageHistoryIntegrals.arrheniusConstant(logFrequencyFactor: lnA, activationTemperature: c, temperatureC: temperatureC, time: duration)
            error = max(error, abs(omega - exact) / exact)
            // ln A and Ea/R as Float, T + 273.15 (the constant and the sum), the division, the subtraction.
            let kelvin = temperatureC + DamageHistoryIntegrals.kelvinOffset
            tolerance = max(tolerance, SingleVoxelDamage.floatBound(exponentRounding: abs(lnA) + 3 * c / kelvin + abs(lnA - c / kelvin)))
        }
        return VerificationCheck(
            name: "arrhenius-constant", physics: .damage,
            reference: "closed form: Omega = A t exp(-Ea/(R T)) at 60 °C for 300 s (liver 7.39e39 1/s, 257.7 kJ/mol; 3.1e98 1/s, 628 kJ/mol in a second region), R = 8.314462618 J/mol/K (CODATA 2018), through the preset path",
            error: model.count == pairs.count ? error : .infinity, tolerance: tolerance,
            toleranceBasis: "Float32 rounding bound of the rate and the sum: 2^-24 x (|ln A| + 3 Ea/(R T) + |exponent| + 10)",
            seconds: (clock.now - start).seconds)
    }

    /// CEM43 = t R^(43 - T) / 60 at 45 °C (R = 0.5) and 41 °C (R = 0.25) for 600 s, through the preset path.
    func cem43Constant() -> VerificationCheck {
        let clock = ContinuousClock(), start = clock.now
        let duration = 600.0
        var error = 0.0, tolerance = 0.0, count = 0
        for temperatureC in [45.0, 41.0] {
            let model = constantTemperatureRun(temperatureC: temperatureC, damageModel: "cem43", durationS: duration, regions: false)
            let exact = DamageHistoryIntegrals.cem43Constant(temperatureC: temperatureC, time: duration)
            for minutes in model {
                error = max(error, abs(minutes - exact) / exact)
                count += 1
            }
            tolerance = max(tolerance, SingleVoxelDamage.floatBound(
                exponentRounding: 2 * abs((43 - temperatureC) * DamageHistoryIntegrals.cem43LogBase(temperatureC))))
        }
        return VerificationCheck(
            name: "cem43-constant", physics: .damage,
            reference: "closed form: CEM43 = t R^(43 - T) / 60 s, 600 s at 45 °C (R = 0.5: 40 min) and 41 °C (R = 0.25: 0.625 min) (Sapareto & Dewey 1984), through the preset path",
            error: count == 2 ? error : .infinity, tolerance: tolerance,
            toleranceBasis: "Float32 rounding bound of the rate and the sum: 2^-24 x (2 |(43 - T) ln R| + 10)",
            seconds: (clock.now - start).seconds)
    }

    /// The damage interval a preset gets by default (time.damage_interval_s), read from the decoder.
    static var defaultDamageInterval: Double {
        let json = #"{"ablsim": 1, "grid": {"size_mm": [1, 1, 1], "spacing_mm": 1}, "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 0.25}, "schedule": [{"duration_s": 1, "power_w": 0}]}]}"#
        return try! Preset.parse(bytes: Array(json.utf8), source: "default").0.time.damageIntervalS
    }

    /// Liver Arrhenius damage along T = 37 + 0.5 t °C for 60 s (to 67 °C, Omega about 14) sampled at
    /// the default damage interval by the production integrator, against the exact integral
    /// (A/b)[T exp(-c/T) - c E1(c/T)] between the ends.
    func arrheniusRamp() -> VerificationCheck {
        let clock = ContinuousClock(), start = clock.now
        let interval = Self.defaultDamageInterval
        let startC = 37.0, rate = 0.5, duration = 60.0
        let samples = Int((duration / interval).rounded())
        let lnA = log(Self.liverArrhenius.frequencyFactor), c = Self.liverArrhenius.activationEnergy / DamageHistoryIntegrals.gasConstant
        let model = SingleVoxelDamage.integrate(law: .arrhenius(logFrequencyFactor: lnA, activationTemperature: c), interval: interval,
                                                samples: samples) { startC + rate * $0 }
        let (exact, referenceBound) = DamageHistoryIntegrals.arrheniusRamp(logFrequencyFactor: lnA, activationTemperature: c, startC: startC,
                                                                           rate: rate, time: duration)
        let trapezoid = DamageHistoryIntegrals.trapezoidBound(
            samples: samples, interval: interval, rate: rate, startC: startC,
            secondDerivativeBound: DamageHistoryIntegrals.arrheniusSecondDerivativeBound(logFrequencyFactor: lnA, activationTemperature: c, rate: rate))
        let endK = startC + rate * duration + DamageHistoryIntegrals.kelvinOffset
        // As at constant temperature, plus the temperature itself rounded to Float (c T_C / T_K²).
        let rounding = SingleVoxelDamage.floatBound(exponentRounding: abs(lnA) + 3 * c / (startC + DamageHistoryIntegrals.kelvinOffset)
                                                        + abs(lnA - c / (startC + DamageHistoryIntegrals.kelvinOffset)) + c * (endK - DamageHistoryIntegrals.kelvinOffset) / (endK * endK))
        return VerificationCheck(
            name: "arrhenius-ramp", physics: .damage,
            reference: String(format: "closed form: liver Arrhenius Omega of T = 37 + 0.5 t °C over 60 s (%.4g), (A/b)[T e^(-c/T) - c E1(c/T)], E1 by its continued fraction (error %.1e); sampled every %g s (the default damage_interval_s)", exact, referenceBound, interval),
            error: abs((model.last ?? .nan) - exact) / exact, tolerance: trapezoid / exact + rounding + referenceBound,
            toleranceBasis: "trapezoid rule remainder bound sum dt³/12 max|f''| over the samples, plus the Float32 rounding bound and the reference's E1 error",
            seconds: (clock.now - start).seconds)
    }

    /// CEM43 along T = 37 + 0.5 t °C for 30 s (to 52 °C, 43 °C on a sample), at the default damage
    /// interval, against the exact integral of R^(43 - T) on each side of 43 °C.
    func cem43Ramp() -> VerificationCheck {
        let clock = ContinuousClock(), start = clock.now
        let interval = Self.defaultDamageInterval
        let startC = 37.0, rate = 0.5, duration = 30.0
        let samples = Int((duration / interval).rounded())
        let model = SingleVoxelDamage.integrate(law: .cem43, interval: interval, samples: samples) { startC + rate * $0 }
        let exact = DamageHistoryIntegrals.cem43Ramp(startC: startC, rate: rate, time: duration)
        let trapezoid = DamageHistoryIntegrals.trapezoidBound(samples: samples, interval: interval, rate: rate, startC: startC,
                                                              secondDerivativeBound: DamageHistoryIntegrals.cem43SecondDerivativeBound(rate: rate))
        let endC = startC + rate * duration
        // (43 - T) ln R with T itself rounded to Float: 2 |(43 - T) ln R| + |T ln R|.
        let rounding = SingleVoxelDamage.floatBound(exponentRounding: 2 * abs((43 - endC) * log(0.5)) + abs(endC * log(0.25)))
        return VerificationCheck(
            name: "cem43-ramp", physics: .damage,
            reference: String(format: "closed form: CEM43 of T = 37 + 0.5 t °C over 30 s (%.4g min), [R^(43 - T)]/(-b ln R)/60 s on each side of 43 °C; sampled every %g s (the default damage_interval_s)", exact, interval),
            error: abs((model.last ?? .nan) - exact) / exact, tolerance: trapezoid / exact + rounding,
            toleranceBasis: "trapezoid rule remainder bound sum dt³/12 max|f''| over the samples, plus the Float32 rounding bound",
            seconds: (clock.now - start).seconds)
    }
}
