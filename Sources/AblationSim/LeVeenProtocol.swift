extension RadiofrequencyDriver {
    /// The power protocol clinical and ex vivo studies report for LeVeen arrays on the RF 3000
    /// generator, as an impedance-control ramp:
    ///
    /// 1. first application: `startPowerW`, raised by 10 W at the end of every minute, up to
    ///    `maxPowerW`, until roll-off (the impedance rises `RadiofrequencyDriver.rollOffRiseOhm`
    ///    above its baseline as the tissue around the tines dries);
    /// 2. 30 s off, so that the tissue around the tines rehydrates;
    /// 3. second application at 70 % of the power reached at the first roll-off, until the
    ///    impedance rolls off again;
    /// 4. off for the rest of `duration_s`, which is an upper limit.
    ///
    /// The generic generator instead resumes after every roll-off for the whole duration, which
    /// keeps pouring power into a multi-tine array whose tissue never gets a chance to stop it.
    struct LeVeenProtocol: Sendable, Equatable {
        static let defaultStartPowerW = 40.0
        static let stepW = 10.0
        static let stepIntervalS = 60.0
        static let pauseS = 30.0
        static let secondApplicationFraction = 0.7

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
                    phase = .pause(until: time + LeVeenProtocol.pauseS)
                    return 0
                }
                let steps = (time / LeVeenProtocol.stepIntervalS).rounded(.down)
                lastPowerW = min(maxPowerW, startPowerW + LeVeenProtocol.stepW * steps)
                return lastPowerW
            case .second:
                if rolledOff {
                    phase = .done
                    return 0
                }
                return LeVeenProtocol.secondApplicationFraction * rollOffPowerW
            case .pause, .done:
                return 0
            }
        }
    }
}
