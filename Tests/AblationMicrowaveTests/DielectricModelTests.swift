import Foundation
import Testing
@testable import AblationTissue
@testable import AblationMicrowave

private func close(_ a: Double, _ b: Double, rel: Double) -> Bool { abs(a - b) <= rel * abs(b) }

/// Attenuation and phase constants from the complex propagation constant
/// gamma = sqrt(j omega mu (sigma + j omega eps)) = alpha + j beta, computed with an explicit complex
/// square root: independent of the closed form the library uses.
private func propagation(frequencyHz f: Double, epsR: Double, sigma: Double) -> (alpha: Double, beta: Double) {
    let w = 2 * Double.pi * f, mu = 4e-7 * Double.pi, eps = epsR * 8.8541878128e-12
    // j w mu (sigma + j w eps) = -w^2 mu eps + j w mu sigma
    let re = -w * w * mu * eps, im = w * mu * sigma
    let mod = (re * re + im * im).squareRoot()
    let a = ((mod + re) / 2).squareRoot()
    let b = ((mod - re) / 2).squareRoot() * (im >= 0 ? 1 : -1)
    return (a, b)
}

@Test func jiBraceValuesAt37And100MatchPhysicsDoc() {
    let m = DielectricModel(frequency: .mhz2450)
    // physics.md: at 37 C 47.9 and 2.10 S/m; at 100 C 10.9 and 0.58.
    #expect(close(m.relativePermittivity(37), 47.9, rel: 0.01))
    #expect(close(m.conductivity(37), 2.10, rel: 0.01))
    #expect(close(m.relativePermittivity(100), 10.9, rel: 0.01))
    #expect(close(m.conductivity(100), 0.58, rel: 0.01))
    // The exact published form, at an arbitrary temperature.
    let t = 73.0
    #expect(abs(m.relativePermittivity(t) - (48.391 * (1 - 1 / (1 + exp(6.286 - 0.0764 * t))) + 1)) < 1e-12)
    #expect(abs(m.conductivity(t) - 2.173 * (1 - 1 / (1 + exp(5.951 - 0.0697 * t)))) < 1e-12)
}

@Test func model915UsesLiverValuesAndChinSherarCoefficients() {
    let m = DielectricModel(frequency: .mhz915)
    #expect(close(m.relativePermittivity(37), 46.8, rel: 1e-9))
    #expect(close(m.conductivity(37), 0.86, rel: 1e-9))
    // +1.8 %/C and -0.13 %/C up to 60 C.
    #expect(close(m.conductivity(50), 0.86 * (1 + 0.018 * 13), rel: 1e-9))
    #expect(close(m.relativePermittivity(60), 46.8 * (1 - 0.0013 * 23), rel: 1e-9))
    // Continuous at 60 C, then falls like the 2.45 GHz sigmoid.
    #expect(abs(m.conductivity(60.0001) - m.conductivity(59.9999)) < 1e-5)
    #expect(m.conductivity(100) < 0.5 * m.conductivity(60))
    #expect(m.relativePermittivity(100) < 0.3 * m.relativePermittivity(60))
    print(String(format: "915 MHz: eps_r/sigma 37 C %.2f/%.3f, 60 C %.2f/%.3f, 100 C %.2f/%.3f",
                 m.relativePermittivity(37), m.conductivity(37), m.relativePermittivity(60), m.conductivity(60),
                 m.relativePermittivity(100), m.conductivity(100)))
}

@Test(arguments: [DielectricModel.Frequency.mhz2450, .mhz915])
func attenuationMatchesComplexPropagationConstant(_ f: DielectricModel.Frequency) {
    let m = DielectricModel(frequency: f)
    for t in stride(from: 20.0, through: 130.0, by: 10.0) {
        let ref = propagation(frequencyHz: Double(f.rawValue) * 1e6, epsR: m.relativePermittivity(t), sigma: m.conductivity(t))
        #expect(close(m.attenuation(t), ref.alpha, rel: 1e-10))
        #expect(close(m.wavelength(t), 2 * Double.pi / ref.beta, rel: 1e-10))
    }
    for t in [37.0, 60, 80, 100, 120] {
        print(String(format: "%d MHz %5.1f C: eps_r %6.2f sigma %6.3f S/m alpha %6.2f 1/m (power penetration 1/(2 alpha) %5.1f mm) wavelength %6.1f mm",
                     f.rawValue, t, m.relativePermittivity(t), m.conductivity(t), m.attenuation(t),
                     500 / m.attenuation(t), m.wavelength(t) * 1000))
    }
}

@Test func attenuationAt37IsInTheExpectedRange() {
    // By hand: 2.45 GHz, eps_r 47.9, sigma 2.10: loss tangent 0.322, alpha = 251.3 x 0.2247 = 56.5 1/m.
    // 915 MHz, eps_r 46.8, sigma 0.86: loss tangent 0.361, alpha = 92.8 x 0.2516 = 23.3 1/m.
    let a2450 = DielectricModel(frequency: .mhz2450).attenuation(37)
    let a915 = DielectricModel(frequency: .mhz915).attenuation(37)
    #expect(close(a2450, 56.5, rel: 0.005))
    #expect(close(a915, 23.3, rel: 0.005))
    // Wavelength in liver: 17.5 mm and 47 mm.
    #expect(close(DielectricModel(frequency: .mhz2450).wavelength(37), 0.01746, rel: 0.005))
    #expect(close(DielectricModel(frequency: .mhz915).wavelength(37), 0.04715, rel: 0.005))
    // Dried tissue is more transparent at 2.45 GHz.
    #expect(DielectricModel(frequency: .mhz2450).attenuation(100) < 0.6 * a2450)
}

@Test func tableMatchesModelAndIrreversibleWaterLoss() {
    for f in DielectricModel.Frequency.allCases {
        let m = DielectricModel(frequency: f)
        let tab = DielectricModel.AttenuationTable(model: m)
        for t in stride(from: 0.0, through: 200.0, by: 0.37) {
            #expect(close(Double(tab(Float(t))), m.attenuation(t), rel: 1e-5))
        }
        #expect(tab(.nan).isFinite)
    }
    #expect(DielectricModel.effectiveTemperature(current: 45, peak: 70) == 45)
    #expect(DielectricModel.effectiveTemperature(current: 45, peak: 104) == 104)
    #expect(DielectricModel(frequencyMHz: 433) == nil)
}
