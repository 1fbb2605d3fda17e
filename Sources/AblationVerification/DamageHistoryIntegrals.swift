import Foundation

/// Exact damage integrals of simple temperature histories, written from the laws' definitions
/// (not from the integrator): Arrhenius Omega = integral A exp(-Ea/(R T)) dt, CEM43 = integral
/// R^(43 - T) dt / 60 s with R = 0.5 at or above 43 °C and 0.25 below (Sapareto & Dewey 1984).
/// Temperatures in °C; the kelvin offset and the gas constant are stated here, as facts.
enum DamageHistoryIntegrals {
    static let kelvinOffset = 273.15
    /// CODATA 2018 molar gas constant (J/mol/K).
    static let gasConstant = 8.314462618

    /// Omega after `time` s at constant `temperatureC`; `activationTemperature` = Ea / R (K).
    static func arrheniusConstant(logFrequencyFactor lnA: Double, activationTemperature c: Double, temperatureC: Double, time: Double) -> Double {
        exp(lnA - c / (temperatureC + kelvinOffset)) * time
    }

    /// Omega of the ramp T = T0 + b t over [0, time], and a bound on its relative error:
    /// (A/b) integral from T0 to T1 of exp(-c/T) dT, whose antiderivative is
    /// T exp(-c/T) - c E1(c/T) = exp(-x) T (1 - x e^x E1(x)), x = c/T (integrate exp(-c/T) by parts).
    static func arrheniusRamp(logFrequencyFactor lnA: Double, activationTemperature c: Double, startC: Double, rate b: Double,
                              time: Double) -> (value: Double, relativeBound: Double) {
        func antiderivative(_ temperatureC: Double) -> (Double, Double) {
            let t = temperatureC + kelvinOffset, x = c / t
            let (s, bound) = ExponentialIntegral.scaled(x)
            let scale = exp(lnA - x) * t / b
            // 1 - x s loses about log10(x) digits to cancellation; its error is x times s's.
            return (scale * (1 - x * s), scale * (x * bound + 4 * Double.ulpOfOne))
        }
        let (g1, e1) = antiderivative(startC + b * time), (g0, e0) = antiderivative(startC)
        let value = g1 - g0
        return (value, (e1 + e0) / value + 4 * Double.ulpOfOne)
    }

    /// Arrhenius rate (1/s) at `temperatureC`.
    static func arrheniusRate(logFrequencyFactor lnA: Double, activationTemperature c: Double, temperatureC: Double) -> Double {
        exp(lnA - c / (temperatureC + kelvinOffset))
    }

    /// ln R of the CEM43 law at `temperatureC`.
    static func cem43LogBase(_ temperatureC: Double) -> Double { temperatureC >= 43 ? log(0.5) : log(0.25) }

    /// CEM43 rate (equivalent minutes per second) at `temperatureC`.
    static func cem43Rate(_ temperatureC: Double) -> Double { exp((43 - temperatureC) * cem43LogBase(temperatureC)) / 60 }

    /// CEM43 minutes after `time` s at constant `temperatureC`.
    static func cem43Constant(temperatureC: Double, time: Double) -> Double { cem43Rate(temperatureC) * time }

    /// CEM43 minutes of the ramp T = T0 + b t (b > 0) over [0, time]: on each side of 43 °C,
    /// integral exp((43 - T0 - b t) ln R) dt / 60 = [R^(43 - T)] / (-b ln R) / 60 between the ends.
    static func cem43Ramp(startC: Double, rate b: Double, time: Double) -> Double {
        let endC = startC + b * time
        func piece(_ fromC: Double, _ toC: Double, logBase lnR: Double) -> Double {
            guard toC > fromC else { return 0 }
            return (exp((43 - toC) * lnR) - exp((43 - fromC) * lnR)) / (-b * lnR) / 60
        }
        return piece(startC, min(endC, 43), logBase: log(0.25)) + piece(max(startC, 43), endC, logBase: log(0.5))
    }

    /// Bound on the composite trapezoid rule's error over samples `interval` apart on a rising
    /// ramp: sum over intervals of interval³/12 max|f''| (the rule's remainder), with max|f''| on
    /// [t_i, t_i+1] bounded from the ends. Arrhenius: f'' = A b² exp(-c/T) c (c - 2T)/T⁴ (T in K),
    /// where exp(-c/T) grows and c (c - 2T)/T⁴ falls with T (c > 2T); CEM43: f'' = (b ln R)² f,
    /// f growing, with 43 °C on a sample so that R is fixed in each interval.
    static func trapezoidBound(samples: Int, interval: Double, rate b: Double, startC: Double,
                               secondDerivativeBound: (_ lowC: Double, _ highC: Double) -> Double) -> Double {
        var sum = 0.0
        for i in 0..<samples {
            let low = startC + b * interval * Double(i), high = startC + b * interval * Double(i + 1)
            sum += pow(interval, 3) / 12 * secondDerivativeBound(low, high)
        }
        return sum
    }

    static func arrheniusSecondDerivativeBound(logFrequencyFactor lnA: Double, activationTemperature c: Double, rate b: Double)
        -> (Double, Double) -> Double {
        { lowC, highC in
            let low = lowC + kelvinOffset, high = highC + kelvinOffset
            precondition(c > 2 * high, "the bound assumes c > 2T")
            return exp(lnA - c / high) * b * b * c * (c - 2 * low) / pow(low, 4)
        }
    }

    static func cem43SecondDerivativeBound(rate b: Double) -> (Double, Double) -> Double {
        { lowC, highC in
            let lnR = cem43LogBase(lowC)
            precondition(cem43LogBase(highC) == lnR || highC == 43, "43 °C must fall on a sample")
            return b * b * lnR * lnR * exp((43 - highC) * lnR) / 60
        }
    }
}
