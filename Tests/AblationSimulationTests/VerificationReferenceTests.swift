import Foundation
import Testing
@testable import AblationVerification

// The references `ablsim verify` builds on, against values computed independently with mpmath
// 1.3.0 at 30-40 significant digits (mpmath.e1; mpmath.quad of the damage rates).

@Test func exponentialIntegralMatchesIndependentValues() {
    // (x, E1(x), e^x E1(x)); x <= 1 takes the series, x > 1 the continued fraction.
    let table: [(Double, Double, Double)] = [
        (0.1, 1.8229239584193906661, 2.0146425447084516791),
        (0.5, 0.55977359477616081175, 0.92291063248373046883),
        (1, 0.21938393439552027368, 0.59634736232319407434),
        (2, 0.048900510708061119567, 0.3613286168882225847),
        (5, 0.0011482955912753257973, 0.17042217628473220181),
        (10, 4.1569689296853242774e-6, 0.091563333939788081876),
        (50, 3.7832640295504590187e-24, 0.019615109930114870365),
        (94, 1.5799460122894995708e-43, 0.010527458692300630482),
    ]
    for (x, e1, scaled) in table {
        let (value, bound) = ExponentialIntegral.value(x)
        let (s, scaledBound) = ExponentialIntegral.scaled(x)
        // The stated bound must cover the true error, and be tight enough to be useful.
        #expect(abs(value - e1) <= bound + 2e-16 * e1, "E1(\(x)) = \(value), error bound \(bound)")
        #expect(abs(s - scaled) <= scaledBound + 2e-16 * scaled, "e^x E1(\(x)) = \(s), error bound \(scaledBound)")
        #expect(bound <= 1e-13 * e1 && scaledBound <= 1e-13 * scaled)
    }
}

@Test func rampDamageIntegralsMatchQuadrature() {
    // Liver Arrhenius (7.39e39 1/s, 257.7 kJ/mol) along T = 37 + 0.5 t °C for 60 s; CEM43 along the
    // same ramp for 30 s (mpmath.quad split at 43 °C).
    let c = 2.577e5 / DamageHistoryIntegrals.gasConstant
    let arrhenius = DamageHistoryIntegrals.arrheniusRamp(logFrequencyFactor: log(7.39e39), activationTemperature: c, startC: 37, rate: 0.5, time: 60)
    #expect(abs(arrhenius.value - 14.447648103762412514) <= 14.45 * max(arrhenius.relativeBound, 1e-14) + 1e-12)
    #expect(arrhenius.relativeBound < 1e-10)
    let cem = DamageHistoryIntegrals.cem43Ramp(startC: 37, rate: 0.5, time: 30)
    #expect(abs(cem - 24.597944576815676645) <= 1e-12)
}
