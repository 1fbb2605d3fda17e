import Foundation
import Testing
@testable import AblationKernels

@Test func simdExpIsAccurate() {
    var worst = 0.0
    var x: Float = -80
    while x < 80 {
        let v = exp(Vec(repeating: x))
        let exact = Foundation.exp(Double(x))
        worst = max(worst, abs(Double(v[3]) - exact) / exact)
        x += 0.37
    }
    #expect(worst < 3e-7, "relative error \(worst)")
}

/// Liver Arrhenius constants from docs/physics.md (7.39e39 1/s, 2.577e5 J/mol, as the COMSOL bioheat
/// database gives them) and the isothermal times to Omega = 1 it quotes with them to two significant
/// digits: 61 s at 50 °C, 14 s at 55 °C, 3.4 s at 60 °C. No source publishes these times beside the
/// constants; they are the closed form 1 / (A exp(-Ea / (R T))) rounded (61.05, 14.16, 3.431 s with
/// T = t + 273.15 K; R = 8.314 instead of CODATA's 8.314462618 gives the same digits, 273 K instead of
/// 273.15 gives 64, 15 and 3.6 s). So the exact time lies within half a unit in the quoted last digit,
/// and Omega at the quoted time, t_quoted / t, within (unit / 2) / (t_quoted - unit / 2) of 1, plus the
/// integrator's own 2e-5 against the closed form.
@Test(arguments: [(50.0, 61.0), (55.0, 14.0), (60.0, 3.4)])
func arrheniusReachesOmegaOneAtTheQuotedTimes(case c: (Double, Double)) {
    let L = PaddedLayout(nx: 5, ny: 3, nz: 2)
    let law = DamageLaw.arrhenius(logFrequencyFactor: log(7.39e39), activationTemperature: 2.577e5 / 8.314462618)
    let d = DamageIntegrator(layout: L, law: law)
    let T = AlignedBuffer<Float>(count: L.count, repeating: Float(c.0))
    d.start(temperature: T, planes: 0..<L.nz)
    // Many small increments: Double accumulation must not lose them.
    let n = 10_000
    var stats = DamageIntegrator.SampleStatistics()
    for _ in 0..<n { stats = d.sample(temperature: T, interval: c.1 / Double(n), threshold: 1, planes: 0..<L.nz) }
    let omega = Double(d.value(at: L.index(2, 1, 1)))
    let expected = c.1 * 7.39e39 * Foundation.exp(-2.577e5 / (8.314462618 * (c.0 + 273.15)))
    #expect(abs(omega - expected) / expected < 2e-5, "Omega \(omega) vs \(expected)")
    let unit = pow(10, (log10(c.1)).rounded(.down) - 1)
    let bound = unit / 2 / (c.1 - unit / 2) + 2e-5
    print("Arrhenius at \(c.0) °C: Omega \(omega) after the quoted \(c.1) s (closed-form time \(c.1 / expected) s), bound \(bound)")
    #expect(abs(omega - 1) <= bound, "quoted time to Omega = 1 at \(c.0) °C: Omega \(omega), bound \(bound)")
    #expect(stats.maxTemperature == Float(c.0))
}

@Test func cem43CountsMinutesAtFortyThree() {
    let L = PaddedLayout(nx: 17, ny: 1, nz: 1)
    let d = DamageIntegrator(layout: L, law: .cem43)
    let T = AlignedBuffer<Float>(count: L.count, repeating: 43)
    d.start(temperature: T, planes: 0..<1)
    _ = d.sample(temperature: T, interval: 600, threshold: 240, planes: 0..<1)
    #expect(abs(Double(d.value(at: L.index(16, 0, 0))) - 10) < 1e-5)
    let hot = AlignedBuffer<Float>(count: L.count, repeating: 45)
    let d2 = DamageIntegrator(layout: L, law: .cem43)
    d2.start(temperature: hot, planes: 0..<1)
    let s = d2.sample(temperature: hot, interval: 60, threshold: 4, planes: 0..<1)
    #expect(abs(Double(d2.value(at: L.index(0, 0, 0))) - 4) < 1e-5)   // 0.5^(43-45) = 4 min per minute
    #expect(s.necroticVoxels == 17)
    let cool = AlignedBuffer<Float>(count: L.count, repeating: 41)
    let d3 = DamageIntegrator(layout: L, law: .cem43)
    d3.start(temperature: cool, planes: 0..<1)
    _ = d3.sample(temperature: cool, interval: 60, threshold: 240, planes: 0..<1)
    #expect(abs(Double(d3.value(at: L.index(0, 0, 0))) - 0.0625) < 1e-7) // 0.25^2
}

@Test func nonFiniteTemperatureIsLocated() {
    let L = PaddedLayout(nx: 20, ny: 4, nz: 3)
    let d = DamageIntegrator(layout: L, law: .peakTemperature)
    let T = AlignedBuffer<Float>(count: L.count, repeating: 37)
    d.start(temperature: T, planes: 0..<L.nz)
    T[L.index(18, 2, 1)] = .nan
    let s = d.sample(temperature: T, interval: 1, threshold: 60, planes: 0..<L.nz)
    #expect(s.firstNonFinite == L.index(18, 2, 1))
}

/// `baselineC`: only the rate in excess of the law's rate at the baseline counts, never negative.
/// Closed forms: Arrhenius (k(T) - k(37)) t with the liver's constants, for uniform and per-voxel
/// constants alike; CEM43 (R^(43 - T) - 0.25^6) per minute; nothing at or below the baseline.
@Test func damageBaselineCountsOnlyTheExcessRate() {
    let L = PaddedLayout(nx: 17, ny: 2, nz: 1)
    let lnA = log(7.39e39), eaR = 2.577e5 / 8.314462618
    func k(_ c: Double) -> Double { 7.39e39 * Foundation.exp(-2.577e5 / (8.314462618 * (c + 273.15))) }
    let field = ArrheniusField(logFrequencyFactor: AlignedBuffer(count: L.count, repeating: Float(lnA)),
                               activationTemperature: AlignedBuffer(count: L.count, repeating: Float(eaR)))
    for law in [DamageLaw.arrhenius(logFrequencyFactor: lnA, activationTemperature: eaR), .arrheniusPerVoxel(field)] {
        for (celsius, seconds) in [(50.0, 60.0), (40.0, 600.0), (37.0, 3600.0), (30.0, 3600.0)] {
            let d = DamageIntegrator(layout: L, law: law, baselineC: 37)
            let T = AlignedBuffer<Float>(count: L.count, repeating: Float(celsius))
            d.start(temperature: T, planes: 0..<1)
            for _ in 0..<100 { _ = d.sample(temperature: T, interval: seconds / 100, threshold: 1, planes: 0..<1) }
            let omega = Double(d.value(at: L.index(5, 1, 0)))
            let expected = max(0, k(celsius) - k(37)) * seconds
            // Float32 rates: the two exponentials each within about 1e-5 relative (their arguments
            // near 100 lose that much in Float), so the difference within 1e-5 k(T) t.
            #expect(abs(omega - expected) <= 1e-5 * k(celsius) * seconds + 1e-9, "\(law) \(celsius) °C: \(omega) vs \(expected)")
        }
    }
    // Without a baseline, 37 °C for an hour is the published law's Omega 1.06.
    let plain = DamageIntegrator(layout: L, law: .arrhenius(logFrequencyFactor: lnA, activationTemperature: eaR))
    let body = AlignedBuffer<Float>(count: L.count, repeating: 37)
    plain.start(temperature: body, planes: 0..<1)
    _ = plain.sample(temperature: body, interval: 3600, threshold: 1, planes: 0..<1)
    #expect(abs(Double(plain.value(at: L.index(5, 1, 0))) - k(37) * 3600) <= 1e-4 * k(37) * 3600)
    let cem = DamageIntegrator(layout: L, law: .cem43, baselineC: 37)
    let at43 = AlignedBuffer<Float>(count: L.count, repeating: 43)
    cem.start(temperature: at43, planes: 0..<1)
    _ = cem.sample(temperature: at43, interval: 60, threshold: 240, planes: 0..<1)
    #expect(abs(Double(cem.value(at: L.index(3, 0, 0))) - (1 - Foundation.pow(0.25, 6))) < 1e-6)
    let peak = DamageIntegrator(layout: L, law: .peakTemperature, baselineC: 37)
    #expect(peak.baselineC == nil, "peak temperature does not accumulate")
}
