import AblationPreset
/// How an RF generator sets its power: the control modes of `applicators[].control` (constant
/// power, impedance with the generic ramp or the LeVeen ramp, temperature) conform to this.
///
/// The electrode (RadiofrequencyElectrode) asks its control twice: after every potential solve,
/// with the impedance just measured, and after every step between solves, when only the
/// thermocouples and the clock have moved. Output limits (`max_voltage_v`, `max_current_a`) are
/// the electrode's, applied to whatever the control asks.
package protocol GeneratorControl: AnyObject {
    /// Whether the generator is off at `time` whatever the tissue does (a pause, or done): no
    /// solve is needed then.
    func isOff(at time: Double) -> Bool
    /// The power asked for after a solve at `time` that measured `impedance` (ohm, infinite when
    /// no current flows); `baseline` is the first impedance the generator measured, `reading()`
    /// the thermocouples' mean (°C, NaN without thermocouples).
    func powerAfterSolve(time: Double, impedance: Double, baseline: Double, reading: () -> Double) -> Double
    /// The power asked for after a step of `dt` that ends at `time`, between solves, given what it
    /// asked for before.
    func powerBetweenSolves(requested: Double, time: Double, dt: Double, reading: () -> Double) -> Double
    /// The end of the generator's current or last pause (-infinity if it never paused): a solve
    /// is due when the pause ends, since the tissue cooled meanwhile.
    var pausedUntil: Double { get }
}

extension GeneratorControl {
    package var pausedUntil: Double { -.infinity }
    package func powerBetweenSolves(requested: Double, time: Double, dt: Double, reading: () -> Double) -> Double { requested }

    /// Roll-off: the impedance has risen `riseOhm` above its baseline as the tissue dried, or no
    /// current flows at all.
    static func hasRolledOff(impedance: Double, baseline: Double, riseOhm: Double) -> Bool {
        !impedance.isFinite || impedance > baseline + riseOhm
    }
}

/// The generator constants of the control modes (typical of clinical generators; docs/devices.md).
/// The planner's RF model fingerprint is derived from these values.
struct GeneratorConstants: Sendable, Equatable {
    /// Impedance control: a rise of this much above the baseline counts as roll-off (unless the
    /// preset's `control.roll_off_ohm` or its device says otherwise), and the generic generator
    /// then pauses this long.
    var rollOffRiseOhm = Preset.RadiofrequencySpec.defaultRollOffRiseOhm
    var pauseS = 15.0
    /// Impedance control ramps the power up over this long at the start and after every pause
    /// (an assumption standing in for the generators' own ramp; it also keeps the first explicit
    /// steps from dumping full power into cold tissue).
    var rampS = 30.0

    static let standard = GeneratorConstants()
}

extension Preset.RadiofrequencySpec {
    /// A fresh generator in the spec's control mode, rolling off at the spec's impedance rise.
    package func makeGeneratorControl() -> any GeneratorControl {
        control.makeGeneratorControl(rollOffRiseOhm: rollOffRiseOhm)
    }
}

extension Preset.RadiofrequencySpec.Control {
    /// A fresh generator in this mode, rolling off when the impedance rises `rollOffRiseOhm` above
    /// its baseline.
    package func makeGeneratorControl(rollOffRiseOhm: Double = Preset.RadiofrequencySpec.defaultRollOffRiseOhm) -> any GeneratorControl {
        switch self {
        case let .constantPower(p): return ConstantPowerControl(powerW: p)
        case let .impedance(maxPower, .generic): return ImpedanceControl(maxPowerW: maxPower, rollOffRiseOhm: rollOffRiseOhm)
        case let .impedance(maxPower, .leveen(start)):
            return LeVeenRampControl(startPowerW: start, maxPowerW: maxPower, rollOffRiseOhm: rollOffRiseOhm)
        case let .temperature(target, maxPower): return TemperatureControl(targetC: target, maxPowerW: maxPower)
        }
    }
}

/// `{mode: "constant_power", power_w}`: the set power whenever current flows.
package final class ConstantPowerControl: GeneratorControl {
    let powerW: Double
    init(powerW: Double) { self.powerW = powerW }
    package func isOff(at time: Double) -> Bool { false }
    package func powerAfterSolve(time: Double, impedance: Double, baseline: Double, reading: () -> Double) -> Double {
        impedance.isFinite ? powerW : 0
    }
}

/// `{mode: "impedance", max_power_w}` with the generic generator: the power ramps up over
/// `rampS`; at roll-off the generator pauses `pauseS` and ramps up again, for the whole duration.
package final class ImpedanceControl: GeneratorControl {
    let maxPowerW: Double
    let rollOffRiseOhm: Double
    package private(set) var pausedUntil = -Double.infinity
    private var rampStart = 0.0

    init(maxPowerW: Double, rollOffRiseOhm: Double) {
        self.maxPowerW = maxPowerW
        self.rollOffRiseOhm = rollOffRiseOhm
    }

    package func isOff(at time: Double) -> Bool { time < pausedUntil }

    @inline(__always) private func rampFraction(at time: Double) -> Double {
        min(1, max(0.05, (time - rampStart) / GeneratorConstants.standard.rampS))
    }

    package func powerAfterSolve(time: Double, impedance: Double, baseline: Double, reading: () -> Double) -> Double {
        if Self.hasRolledOff(impedance: impedance, baseline: baseline, riseOhm: rollOffRiseOhm) {
            pausedUntil = time + GeneratorConstants.standard.pauseS
            rampStart = pausedUntil
            return 0
        }
        return maxPowerW * rampFraction(at: time)
    }

    /// The ramp is continuous (the generator raises its output smoothly, not in steps at the
    /// model's solves); during a pause the power stays 0.
    package func powerBetweenSolves(requested: Double, time: Double, dt: Double, reading: () -> Double) -> Double {
        requested > 0 && !isOff(at: time) ? maxPowerW * rampFraction(at: time) : requested
    }
}

/// `{mode: "temperature", target_c, max_power_w}`: a PI controller on the thermocouples' mean.
package final class TemperatureControl: GeneratorControl {
    private var controller: TemperatureController

    init(targetC: Double, maxPowerW: Double) { controller = TemperatureController(targetC: targetC, maxPowerW: maxPowerW) }

    package func isOff(at time: Double) -> Bool { false }

    /// dt 0: the controller's output for the present reading, without advancing its integral.
    package func powerAfterSolve(time: Double, impedance: Double, baseline: Double, reading: () -> Double) -> Double {
        impedance.isFinite ? controller.power(measuredC: reading(), dt: 0) : 0
    }

    package func powerBetweenSolves(requested: Double, time: Double, dt: Double, reading: () -> Double) -> Double {
        controller.power(measuredC: reading(), dt: dt)
    }
}
