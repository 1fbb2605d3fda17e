import Foundation

/// Temperature-dependent dielectric properties of liver at the two clinical microwave frequencies,
/// and the plane-wave quantities derived from them (attenuation constant, wavelength in tissue).
///
/// 2450 MHz: the sigmoid fit of Ji & Brace (Phys Med Biol 2011;56:5249), exactly as
/// `docs/physics.md` gives it (T in °C):
///
///     eps_r(T)     = 48.391 (1 - 1 / (1 + exp(6.286 - 0.0764 T))) + 1
///     sigma_eff(T) = 2.173  (1 - 1 / (1 + exp(5.951 - 0.0697 T)))   S/m
///
/// 915 MHz: no fit of the same kind was available, so the model is assembled from three pieces
/// (see `Frequency.mhz915` for the numbers):
/// 1. 37 °C values of liver from the Gabriel parametric model as tabulated by the IT'IS tissue
///    database: eps_r ≈ 46.8, sigma ≈ 0.86 S/m (?) — recalled from the IT'IS tables at 900-915 MHz,
///    not re-read for this code; check before relying on the third digit.
/// 2. The reversible linear coefficients of Chin & Sherar (Phys Med Biol 2001;46:197), sigma
///    +1.8 %/°C and eps_r -0.13 %/°C relative to the 37 °C values, applied from 37 °C up to
///    `reversibleLimitC` = 60 °C (the range they measured) and held constant above it.
/// 3. **Assumption**: above 60 °C the water-loss drop has the same shape as the Ji & Brace sigmoid,
///    renormalised to 1 at 60 °C, i.e. the 915 MHz property at T is its 60 °C value times
///    `S(T) / S(60)`, with S the 2.45 GHz sigmoid factor (for eps_r it acts on eps_r - 1, as the
///    "+ 1" of the Ji & Brace form keeps dry tissue above vacuum). This gives at 100 °C eps_r ≈ 11.8,
///    sigma ≈ 0.38 S/m (2.45 GHz: 10.9, 0.58). No 915 MHz high-temperature data were used.
///
/// Irreversible water loss (optional): tissue that has boiled does not rehydrate during an
/// ablation. `effectiveTemperature(current:peak:)` returns the temperature at which the properties
/// are evaluated: the current temperature, or the peak one once the peak has reached
/// `desiccationOnsetC` (100 °C) and the tissue has cooled since. Below that the model is reversible.
public struct DielectricModel: Sendable, Equatable {
    public enum Frequency: Int, Sendable, CaseIterable {
        case mhz915 = 915
        case mhz2450 = 2450
    }

    public let frequency: Frequency

    /// Vacuum permittivity (F/m) and permeability (H/m; tissue is non-magnetic).
    public static let epsilon0 = 8.8541878128e-12
    public static let mu0 = 4e-7 * Double.pi

    // Ji & Brace 2011 sigmoid coefficients (2.45 GHz), as in physics.md.
    public static let jiBraceEpsScale = 48.391, jiBraceEpsA = 6.286, jiBraceEpsB = 0.0764
    public static let jiBraceSigmaScale = 2.173, jiBraceSigmaA = 5.951, jiBraceSigmaB = 0.0697

    // 915 MHz, liver at 37 °C (Gabriel / IT'IS, values recalled (?)).
    public static let liver915Eps37 = 46.8
    public static let liver915Sigma37 = 0.86
    // Chin & Sherar 2001 reversible coefficients at 915 MHz, fraction per °C.
    public static let chinSherarSigmaPerC = 0.018
    public static let chinSherarEpsPerC = -0.0013
    /// Upper end of the reversible linear range used at 915 MHz (°C).
    public static let reversibleLimitC = 60.0
    /// Peak temperature from which water loss is treated as irreversible (°C).
    public static let desiccationOnsetC = PhaseChange.dielectricDesiccationOnsetC

    public init(frequency: Frequency) { self.frequency = frequency }

    /// Nil at a frequency the model has no data for (915 and 2450 MHz only).
    public init?(frequencyMHz: Int) {
        guard let f = Frequency(rawValue: frequencyMHz) else { return nil }
        self.init(frequency: f)
    }

    public var omega: Double { 2 * Double.pi * Double(frequency.rawValue) * 1e6 }

    /// The Ji & Brace water-loss factor 1 - 1/(1 + exp(a - b T)).
    @inlinable static func sigmoid(_ t: Double, _ a: Double, _ b: Double) -> Double {
        1 - 1 / (1 + exp(a - b * t))
    }

    /// Relative permittivity at temperature `t` (°C).
    public func relativePermittivity(_ t: Double) -> Double {
        switch frequency {
        case .mhz2450:
            return Self.jiBraceEpsScale * Self.sigmoid(t, Self.jiBraceEpsA, Self.jiBraceEpsB) + 1
        case .mhz915:
            let tl = min(t, Self.reversibleLimitC)
            let reversible = Self.liver915Eps37 * (1 + Self.chinSherarEpsPerC * (tl - 37))
            let s = Self.sigmoid(max(t, Self.reversibleLimitC), Self.jiBraceEpsA, Self.jiBraceEpsB)
                / Self.sigmoid(Self.reversibleLimitC, Self.jiBraceEpsA, Self.jiBraceEpsB)
            return 1 + (reversible - 1) * s
        }
    }

    /// Effective conductivity (S/m) at temperature `t` (°C).
    public func conductivity(_ t: Double) -> Double {
        switch frequency {
        case .mhz2450:
            return Self.jiBraceSigmaScale * Self.sigmoid(t, Self.jiBraceSigmaA, Self.jiBraceSigmaB)
        case .mhz915:
            let tl = min(t, Self.reversibleLimitC)
            // Clamped at zero for very cold input (far below any physiological temperature).
            let reversible = max(0, Self.liver915Sigma37 * (1 + Self.chinSherarSigmaPerC * (tl - 37)))
            let s = Self.sigmoid(max(t, Self.reversibleLimitC), Self.jiBraceSigmaA, Self.jiBraceSigmaB)
                / Self.sigmoid(Self.reversibleLimitC, Self.jiBraceSigmaA, Self.jiBraceSigmaB)
            return reversible * s
        }
    }

    /// Plane-wave attenuation constant of the field (1/m):
    /// alpha = omega sqrt(mu eps / 2) sqrt(sqrt(1 + (sigma / (omega eps))^2) - 1).
    /// Power falls as exp(-2 alpha d).
    public func attenuation(_ t: Double) -> Double {
        Self.attenuation(omega: omega, relativePermittivity: relativePermittivity(t), conductivity: conductivity(t))
    }

    /// Phase constant beta (rad/m) and wavelength in tissue 2 pi / beta (m).
    public func wavelength(_ t: Double) -> Double {
        let eps = relativePermittivity(t) * Self.epsilon0
        let p = conductivity(t) / (omega * eps)
        let beta = omega * (Self.mu0 * eps / 2).squareRoot() * ((1 + p * p).squareRoot() + 1).squareRoot()
        return 2 * Double.pi / beta
    }

    public static func attenuation(omega: Double, relativePermittivity er: Double, conductivity sigma: Double) -> Double {
        let eps = er * epsilon0
        let p = sigma / (omega * eps)
        // sqrt(1 + p^2) - 1 written as p^2 / (sqrt(1 + p^2) + 1): no cancellation for small losses.
        let x = p * p / ((1 + p * p).squareRoot() + 1)
        return omega * (mu0 * eps / 2).squareRoot() * x.squareRoot()
    }

    /// The temperature at which properties are evaluated when water loss is irreversible.
    @inlinable public static func effectiveTemperature(current t: Double, peak: Double) -> Double {
        peak >= desiccationOnsetC ? max(t, peak) : t
    }

    /// alpha(T) tabulated for fast per-voxel evaluation (linear interpolation; clamped outside).
    public struct AttenuationTable: Sendable {
        public let minC: Float
        public let maxC: Float
        public let stepC: Float
        public let values: [Float]

        /// Default 0.05 °C steps over -20...250 °C: interpolation error < 1e-5 relative
        /// (alpha varies on a scale of ~10 °C).
        public init(model: DielectricModel, minC: Double = -20, maxC: Double = 250, stepC: Double = 0.05) {
            let n = Int(((maxC - minC) / stepC).rounded()) + 1
            self.minC = Float(minC)
            self.stepC = Float(stepC)
            self.maxC = Float(minC + Double(n - 1) * stepC)
            values = (0..<n).map { Float(model.attenuation(minC + Double($0) * stepC)) }
        }

        @inlinable public func callAsFunction(_ t: Float) -> Float {
            // NaN maps to the low end rather than crashing the index computation.
            var x = (t - minC) / stepC
            x = x.isNaN ? 0 : min(max(x, 0), Float(values.count - 1))
            let i = min(Int(x), values.count - 2)
            let f = x - Float(i)
            return values[i] + f * (values[i + 1] - values[i])
        }
    }
}
