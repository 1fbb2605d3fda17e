import Foundation
@testable import AblationVerification

/// The share of a microwave antenna's absorbed power its rays carry across the faces of a square grid
/// cross-section, written from the ray law MicrowaveSAR documents: along every ray perpendicular to
/// the needle the deposit per unit length is 2 alpha exp(-2 tau(r)) min(1, r / r0), tau the integral
/// of alpha, so a ray leaving the grid at distance R carries out exp(-2 tau(R)) of
/// C = (1/r0) integral_0^r0 exp(-2 tau) dr (integration by parts); in uniform tissue C = (1 - e^-x) / x,
/// x = 2 alpha r0. The model samples 64 rays per axial station.
enum MicrowaveRayShare {
    /// Attenuation (1/m) of liver at 2.45 GHz and `t` °C: Ji & Brace's fit and the plane-wave
    /// wavenumber, as the verification suite computes them (not the model's DielectricModel).
    static func attenuation2450(_ t: Double) -> Double {
        let (eps, sigma) = DielectricReference.jiBrace2450(t)
        return DielectricReference.planeWave(omega: 2 * Double.pi * 2450e6, relativePermittivity: eps, conductivity: sigma).attenuation
    }

    /// Mean over 64 rays equally spaced from a face normal of exp(-2 alpha (d + shift)), d the distance
    /// from a needle through the centre of a square cross-section of half-width `halfWidthM` to its edge.
    static func meanExitFactor(halfWidthM a: Double, attenuation alpha: Double, shiftM: Double = 0, rays: Int = 64) -> Double {
        (0..<rays).reduce(0.0) { sum, m in
            let phi = 2 * Double.pi * Double(m) / Double(rays)
            return sum + exp(-2 * alpha * (a / max(abs(cos(phi)), abs(sin(phi))) + shiftM))
        } / Double(rays)
    }

    /// C of uniform tissue.
    static func uniformNormaliser(attenuation alpha: Double, antennaRadiusM r0: Double) -> Double {
        let x = 2 * alpha * r0
        return -expm1(-x) / x
    }
}
