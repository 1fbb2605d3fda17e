import Foundation
/// Constant coefficients of the Pennes bioheat equation written for the
/// temperature excess `theta = T - T_arterial`:
///
///     rho_c * dtheta/dt = k * Laplacian(theta) - W * theta + Q
public struct PennesCoefficients: Sendable, Hashable {
    /// Thermal conductivity `k` in W/(m K). Must be finite and `>= 0`.
    public var conductivity: Double
    /// Volumetric heat capacity `rho_c` in J/(m^3 K). Must be finite and `> 0`.
    public var volumetricHeatCapacity: Double
    /// Perfusion coefficient `W = w_b * rho_b * c_b` in W/(m^3 K). Must be
    /// finite and `>= 0`.
    public var perfusionCoefficient: Double

    public init(conductivity: Double, volumetricHeatCapacity: Double, perfusionCoefficient: Double) {
        self.conductivity = conductivity
        self.volumetricHeatCapacity = volumetricHeatCapacity
        self.perfusionCoefficient = perfusionCoefficient
    }

    /// Thermal diffusivity `D = k / rho_c` in m^2/s.
    public var diffusivity: Double { conductivity / volumetricHeatCapacity }

    /// Perfusion rate `P = W / rho_c` in 1/s.
    public var perfusionRate: Double { perfusionCoefficient / volumetricHeatCapacity }

    /// Throws `SpectralError.invalidCoefficients` unless the coefficients are
    /// finite with `k >= 0`, `rho_c > 0` and `W >= 0`.
    public func validate() throws(SpectralError) {
        guard conductivity.isFinite, conductivity >= 0 else {
            throw .invalidCoefficients("conductivity must be finite and >= 0, got \(conductivity)")
        }
        guard volumetricHeatCapacity.isFinite, volumetricHeatCapacity > 0 else {
            throw .invalidCoefficients("volumetricHeatCapacity must be finite and > 0, got \(volumetricHeatCapacity)")
        }
        guard perfusionCoefficient.isFinite, perfusionCoefficient >= 0 else {
            throw .invalidCoefficients("perfusionCoefficient must be finite and >= 0, got \(perfusionCoefficient)")
        }
    }
}
