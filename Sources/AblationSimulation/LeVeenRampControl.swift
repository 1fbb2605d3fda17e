import AblationPreset
/// `{mode: "impedance", protocol: "leveen"}`: the LeVeen ramp (`LeVeenProtocol`) as a generator.
package final class LeVeenRampControl: GeneratorControl {
    private(set) var ramp: LeVeenProtocol
    let rollOffRiseOhm: Double

    init(startPowerW: Double, maxPowerW: Double, rollOffRiseOhm: Double) {
        ramp = LeVeenProtocol(startPowerW: startPowerW, maxPowerW: maxPowerW)
        self.rollOffRiseOhm = rollOffRiseOhm
    }

    package func isOff(at time: Double) -> Bool { ramp.isOff(at: time) }

    package func powerAfterSolve(time: Double, impedance: Double, baseline: Double, reading: () -> Double) -> Double {
        ramp.power(time: time, rolledOff: Self.hasRolledOff(impedance: impedance, baseline: baseline, riseOhm: rollOffRiseOhm))
    }
}

/// The power protocol clinical and ex vivo studies report for LeVeen arrays on the RF 3000
/// generator, as an impedance-control ramp:
///
/// 1. first application: `startPowerW`, raised by 10 W at the end of every minute, up to
///    `maxPowerW`, until roll-off (the impedance rises the spec's `rollOffRiseOhm`
///    above its baseline as the tissue around the tines dries);
/// 2. 30 s off, so that the tissue around the tines rehydrates;
/// 3. second application at 70 % of the power reached at the first roll-off, until the
///    impedance rolls off again;
/// 4. off for the rest of `duration_s`, which is an upper limit.
///
/// The generic generator instead resumes after every roll-off for the whole duration, which
/// keeps pouring power into a multi-tine array whose tissue never gets a chance to stop it.
struct LeVeenProtocol: Sendable, Equatable {
    /// The protocol's numbers (the planner's RF model fingerprint is derived from them).
    struct Constants: Sendable, Equatable {
        var defaultStartPowerW = Preset.RadiofrequencySpec.defaultLeVeenStartPowerW
        var stepW = 10.0
        var stepIntervalS = 60.0
        var pauseS = 30.0
        var secondApplicationFraction = 0.7
    }
    static let constants = Constants()

    enum Phase: Sendable, Equatable {
        case first
        case pause(until: Double)
        case second
        case done
    }

    let startPowerW: Double
    let maxPowerW: Double
    private(set) var phase = Phase.first
    /// Power at the first roll-off (W).
    private(set) var rollOffPowerW = 0.0
    private var lastPowerW = 0.0

    init(startPowerW: Double, maxPowerW: Double) {
        self.startPowerW = startPowerW
        self.maxPowerW = maxPowerW
    }

    /// Whether the generator is off at `time` whatever the impedance (no solve is needed).
    func isOff(at time: Double) -> Bool {
        switch phase {
        case let .pause(until): return time < until
        case .done: return true
        case .first, .second: return false
        }
    }

    /// The power for the next interval, given the impedance just measured (`rolledOff`: it has
    /// risen past the roll-off threshold or no current flows).
    mutating func power(time: Double, rolledOff: Bool) -> Double {
        if case let .pause(until) = phase {
            guard time >= until else { return 0 }
            phase = .second
        }
        switch phase {
        case .first:
            if rolledOff {
                rollOffPowerW = lastPowerW
                phase = .pause(until: time + LeVeenProtocol.constants.pauseS)
                return 0
            }
            let steps = (time / LeVeenProtocol.constants.stepIntervalS).rounded(.down)
            lastPowerW = min(maxPowerW, startPowerW + LeVeenProtocol.constants.stepW * steps)
            return lastPowerW
        case .second:
            if rolledOff {
                phase = .done
                return 0
            }
            return LeVeenProtocol.constants.secondApplicationFraction * rollOffPowerW
        case .pause, .done:
            return 0
        }
    }
}
