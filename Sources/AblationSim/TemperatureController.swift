/// The generator's temperature mode: a discrete PI controller on power that holds the measured
/// electrode temperature at a target, as RITA / StarBurst generators do with the thermocouples in
/// their tines (their exact control laws are not published; this one is documented in README).
///
///   e = target - measured,  P = clamp(Kp e + I, 0, max_power_w),  I += (Kp / Ti) e dt
///
/// with Kp = max_power_w / 20 K (full power while the tines are 20 K or more below target) and
/// Ti = 30 s. The integral is frozen while the output is saturated in the direction the error
/// pushes (conditional integration), so the long full-power warm-up does not wind it up into an
/// overshoot, and it is kept within [0, max_power_w].
struct TemperatureController {
    let targetC: Double
    let maxPowerW: Double
    let proportionalWPerK: Double
    let integralTimeS: Double
    private(set) var integralW = 0.0

    static let fullPowerBelowTargetK = 20.0
    static let defaultIntegralTimeS = 30.0

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
        if !saturatedHigh && !saturatedLow {
            integralW = min(max(integralW + proportionalWPerK * error * dt / integralTimeS, 0), maxPowerW)
        }
        return min(max(proportional + integralW, 0), maxPowerW)
    }
}
