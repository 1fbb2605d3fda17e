import Foundation

/// Temperature law of tissue's electrical conductivity at RF frequencies:
///
///     sigma(T) = sigma37 (1 + slope (T - 37))                               T <= onset
///     sigma(T) = sigma(onset) max(fallFactor^(-(T - onset) / width), floor)  T > onset
///
/// +2 %/°C up to the boiling onset, then a fall by three orders of magnitude over the vaporisation
/// range as water boils off (docs/physics.md), which is what makes generators roll off.
/// Reversible in this version. Tissue with `linear: true` keeps sigma37.
public struct ElectricalConductivityLaw: Sendable, Equatable {
    /// Relative rise per kelvin below the onset.
    public var slopePerK: Float = 0.02
    /// Where drying starts (°C).
    public var dryingOnsetC: Float = PhaseChange.boilingOnsetC
    /// Drying divides the conductivity by this over `dryingWidthK`.
    public var dryingFallFactor: Float = 1000
    public var dryingWidthK: Float = PhaseChange.desiccatedC - PhaseChange.boilingOnsetC
    /// The most drying takes away: sigma(onset) times this is the floor.
    public var floorFraction: Float = 1e-4

    /// The law of liver and every tissue that follows temperature laws.
    public static let tissue = ElectricalConductivityLaw()

    /// sigma at `t` for a tissue with `sigma37` at 37 °C.
    @inline(__always) public func conductivity(_ sigma37: Float, at t: Float) -> Float {
        if t <= dryingOnsetC { return sigma37 * (1 + slopePerK * (t - 37)) }
        let drop = Foundation.exp(-(t - dryingOnsetC) * Float(Foundation.log(Double(dryingFallFactor))) / dryingWidthK)
        return sigma37 * (1 + slopePerK * (dryingOnsetC - 37)) * max(drop, floorFraction)
    }
}
