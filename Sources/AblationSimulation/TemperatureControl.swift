import AblationGrid
/// The generator's temperature mode: a discrete PI controller on power that holds the measured
/// electrode temperature at a target, as RITA / StarBurst generators do with the thermocouples in their
/// tines (their exact control laws are not published; this one is documented in
/// docs/devices.md#generator-modes).
///
///   e = target - measured,  P = clamp(Kp e + I, 0, max_power_w),  I += (Kp / Ti) e dt
///
/// with Kp = max_power_w / 10 K (full power while the reading is 10 K or more below target),
/// Ti = 20 s, and the integral acting only within 10 K of the target and while the output is not
/// saturated in the direction the error pushes (conditional integration), so the full-power
/// warm-up does not wind it up into an overshoot; it is kept within [0, max_power_w]. The reading
/// averages a junction-sized neighbourhood of each tine end (RadiofrequencyElectrode): a single
/// voxel next to a tine end heats by about 0.5 K per watt-second at 1 mm voxels, which turned a
/// loop of this gain into a +-10 K limit cycle of the explicit step; averaged, the loop settles
/// within 1 K of target in about 45 s and overshoots by under 1 K at 1 mm and 0.5 mm voxels
/// (Tests/AblationSimulationTests/RadiofrequencyControlTests.swift).
struct TemperatureController {
    let targetC: Double
    let maxPowerW: Double
    let proportionalWPerK: Double
    let integralTimeS: Double
    private(set) var integralW = 0.0

    static let fullPowerBelowTargetK = 10.0
    static let defaultIntegralTimeS = 20.0
    /// The integral acts only within this band around the target (see above).
    static let integralBandK = 10.0

    init(targetC: Double, maxPowerW: Double) {
        self.targetC = targetC
        self.maxPowerW = maxPowerW
        proportionalWPerK = maxPowerW / TemperatureController.fullPowerBelowTargetK
        integralTimeS = TemperatureController.defaultIntegralTimeS
    }

    /// The power for the next `dt` seconds given the temperature measured now.
    mutating func power(measuredC: Double, dt: Double) -> Double {
        guard measuredC.isFinite else { return 0 }
        let error = targetC - measuredC
        let proportional = proportionalWPerK * error
        let unclamped = proportional + integralW
        let saturatedHigh = unclamped >= maxPowerW && error > 0
        let saturatedLow = unclamped <= 0 && error < 0
        if !saturatedHigh && !saturatedLow && abs(error) <= TemperatureController.integralBandK {
            integralW = min(max(integralW + proportionalWPerK * error * dt / integralTimeS, 0), maxPowerW)
        }
        return min(max(proportional + integralW, 0), maxPowerW)
    }
}
