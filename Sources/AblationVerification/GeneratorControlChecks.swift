import AblationPreset
import AblationSimulation
import Foundation

/// The generator control laws (`applicators[].control`), built from the preset's control as a run
/// builds them, driven by a synthetic load: a prescribed impedance history for the impedance
/// modes, a first-order thermal plant for the temperature mode. The references are the protocols as
/// docs/devices.md#generator-modes states them, with their numbers typed here from that page.
extension VerificationSuite {
    func generatorControlChecks() -> [VerificationCheck] {
        [genericImpedanceRamp(), leveenRamp(), temperaturePI()]
    }

    /// Steps the control as RadiofrequencyElectrode does: a solve (powerAfterSolve with the
    /// impedance at that moment) when the generator is on and `interval` has passed since the last
    /// one or a pause has ended; otherwise the power between solves (powerBetweenSolves). Returns
    /// the power of each step [t, t + dt).
    private func drive(_ control: any GeneratorControl, impedance: (Double) -> Double, interval: Double, dt: Double,
                       duration: Double) -> [(t: Double, power: Double)] {
        var out: [(t: Double, power: Double)] = []
        var t = 0.0, lastSolve = -Double.infinity, requested = 0.0, baseline = Double.nan
        while t < duration - 1e-9 {
            if control.isOff(at: t) {
                requested = 0
            } else if t - lastSolve >= interval - 1e-9 || lastSolve < control.pausedUntil {
                let z = impedance(t)
                if baseline.isNaN { baseline = z }
                requested = control.powerAfterSolve(time: t, impedance: z, baseline: baseline) { .nan }
                lastSolve = t
            }
            out.append((t, requested))
            t += dt
            requested = control.powerBetweenSolves(requested: requested, time: t, dt: dt) { .nan }
        }
        return out
    }

    /// Generic impedance control, max 60 W: ramp 5 % ... 100 % over 30 s; a solve that reads more
    /// than baseline + 30 ohm stops it for 15 s, then it ramps again from 5 %. The load: 80 ohm,
    /// rising 2.5 ohm/s from 50 s, rehydrated to 85 ohm at 70 s, rising 2 ohm/s from 120 s; solves
    /// every 1 s, steps of 0.25 s. Roll-offs (by the reference's own scan of the solve times): 63 s
    /// and 133 s.
    func genericImpedanceRamp() -> VerificationCheck {
        let clock = ContinuousClock(), start = clock.now
        let maxPower = 60.0
        func load(_ t: Double) -> Double {
            t < 70 ? 80 + 2.5 * max(0, t - 50) : 85 + 2 * max(0, t - 120)
        }
        let control = Preset.RadiofrequencySpec.Control.impedance(maxPowerW: maxPower, ramp: .generic).makeGeneratorControl()
        let series = drive(control, impedance: load, interval: 1, dt: 0.25, duration: 180)
        // The protocol: scan the solve times (integers while on) for roll-off.
        let threshold = load(0) + 30, pause = 15.0, ramp = 30.0
        var rampStart = 0.0, offUntil = -Double.infinity
        var reference: [Double] = []
        var nextSolve = 0.0
        for (t, _) in series {
            if t < offUntil {
                reference.append(0)
                continue
            }
            if t >= nextSolve - 1e-9 {
                nextSolve = t + 1
                if load(t) > threshold {
                    offUntil = t + pause
                    rampStart = offUntil
                    nextSolve = offUntil
                    reference.append(0)
                    continue
                }
            }
            reference.append(maxPower * min(1, max(0.05, (t - rampStart) / ramp)))
        }
        let error = zip(series, reference).map { abs($0.power - $1) }.max()! / maxPower
        return VerificationCheck(
            name: "rf-generator-impedance", physics: .rf,
            reference: "docs/devices.md generic impedance protocol (30 s ramp from 5 %, 15 s pause at +30 ohm) on a prescribed impedance history",
            error: error, tolerance: 1e-12,
            toleranceBasis: "exact: the schedule is piecewise linear in t (Double rounding of a few ulp of max power)",
            seconds: (clock.now - start).seconds)
    }

    /// LeVeen ramp, start 40 W, max 80 W: +10 W at every full minute until the first roll-off, the
    /// power then held; 30 s off; 70 % of the roll-off power until the second roll-off; then off.
    /// Power changes at solves (every 5 s). The load: 70 ohm, rising 1 ohm/s from 300 s (roll-off at
    /// the solve of 335 s, at 80 W), 72 ohm from 340 s, rising 2 ohm/s from 400 s (second roll-off at
    /// 420 s).
    func leveenRamp() -> VerificationCheck {
        let clock = ContinuousClock(), start = clock.now
        let startPower = 40.0, maxPower = 80.0, interval = 5.0
        func load(_ t: Double) -> Double {
            t < 340 ? 70 + max(0, t - 300) : 72 + 2 * max(0, t - 400)
        }
        let control = Preset.RadiofrequencySpec.Control.impedance(maxPowerW: maxPower, ramp: .leveen(startPowerW: startPower))
            .makeGeneratorControl()
        let series = drive(control, impedance: load, interval: interval, dt: 0.5, duration: 480)
        let threshold = load(0) + 30
        enum Phase { case first, pause(until: Double), second, done }
        var phase = Phase.first, held = 0.0, rollOffPower = 0.0
        var reference: [Double] = []
        for (t, _) in series {
            let solve = (t / interval).rounded() * interval == t
            if case let .pause(until) = phase, t >= until { phase = .second }
            switch phase {
            case .first where solve:
                if load(t) > threshold {
                    rollOffPower = held
                    phase = .pause(until: t + 30)
                    held = 0
                } else {
                    held = min(maxPower, startPower + 10 * (t / 60).rounded(.down))
                }
            case .second where solve:
                if load(t) > threshold {
                    phase = .done
                    held = 0
                } else {
                    held = 0.7 * rollOffPower
                }
            case .pause, .done:
                held = 0
            default:
                break
            }
            reference.append(held)
        }
        let error = zip(series, reference).map { abs($0.power - $1) }.max()! / maxPower
        return VerificationCheck(
            name: "rf-generator-leveen", physics: .rf,
            reference: "docs/devices.md LeVeen protocol (+10 W/min to max, 30 s off at +30 ohm, 70 % until the second roll-off) on a prescribed impedance history",
            error: error, tolerance: 1e-12,
            toleranceBasis: "exact: the schedule is piecewise constant (Double rounding)",
            seconds: (clock.now - start).seconds)
    }

    /// Temperature control (PI: Kp = max/10 K, Ti = 20 s, integral only within 10 K and unsaturated)
    /// holding about 91 °C on a first-order plant C T' = P - (T - T0)/R_th, T0 = 37 °C, R_th = 2 K/W,
    /// C = 20 J/K, max 40 W. The plant is advanced exactly over each step at the step's power (zero-
    /// order hold); the controller reads T after every step. Reference: the continuous loop in
    /// closed form, full power (T = T0 + P R (1 - e^(-t/tau))) until the reading is 10 K below target
    /// at t1, then the linear second-order system u'' + ((Kp + 1/R)/C) u' + (Kp/(Ti C)) u = 0 for
    /// u = T - target, from u(t1) = -10 K, I(t1) = 0. The discrete loop differs by its hold and the
    /// explicit integral: formal order 1 in the step.
    func temperaturePI() -> VerificationCheck {
        let maxPower = 40.0, t0 = 37.0, rth = 2.0, cap = 20.0, duration = 240.0
        let tau = rth * cap
        // The target (about 91 °C) puts the entry into the 10 K band 1 ms after a whole 0.4 s, so
        // every step size enters it one step late (delay ~ dt): the discrete entry is no sawtooth in dt.
        let t1 = 32.001
        let target = t0 + 10 + maxPower * rth * (1 - Foundation.exp(-t1 / tau))
        let kp = maxPower / 10, ti = 20.0, g = 1 / rth
        // Phase 2: state (u, v) with v = I - (target - T0)/R; C u' = -(Kp + g) u + v, v' = -(Kp/Ti) u.
        let b = (kp + g) / cap, c = kp / (ti * cap)
        let u1 = -10.0, v1 = -(target - t0) * g
        let du1 = (-(kp + g) * u1 + v1) / cap
        let disc = b * b - 4 * c
        func exact(_ t: Double) -> Double {
            if t <= t1 { return maxPower * rth * (1 - Foundation.exp(-t / tau)) }
            let s = t - t1
            let u: Double
            if disc > 0 {
                let l1 = (-b + disc.squareRoot()) / 2, l2 = (-b - disc.squareRoot()) / 2
                let a2 = (du1 - l1 * u1) / (l2 - l1), a1 = u1 - a2
                u = a1 * Foundation.exp(l1 * s) + a2 * Foundation.exp(l2 * s)
            } else {
                let re = -b / 2, im = (-disc).squareRoot() / 2
                u = Foundation.exp(re * s) * (u1 * cos(im * s) + (du1 - re * u1) / im * sin(im * s))
            }
            return target - t0 + u
        }
        let steps: [Double] = quick ? [0.4, 0.2] : [0.4, 0.2, 0.1]
        return VerificationCheck.convergence(
            name: "rf-generator-temperature-pi", physics: .rf,
            reference: "closed form: continuous PI loop (docs/devices.md gains) on a first-order thermal plant, full power until 10 K below target, then the linear second-order response",
            resolutions: steps, unit: "s", scaleToSI: 1, expectedOrder: 1) { dt in
            let control = Preset.RadiofrequencySpec.Control.temperature(targetC: target, maxPowerW: maxPower).makeGeneratorControl()
            var temperature = t0, t = 0.0
            var power = control.powerAfterSolve(time: 0, impedance: 100, baseline: 100) { temperature }
            var model: [Double] = [], reference: [Double] = []
            let n = Int((duration / dt).rounded()), every = Int((0.4 / dt).rounded())
            for step in 0..<n {
                if step % every == 0 {
                    model.append(temperature - t0)
                    reference.append(exact(t))
                }
                let steady = t0 + power * rth
                temperature = steady + (temperature - steady) * Foundation.exp(-dt / tau)
                t = Double(step + 1) * dt
                power = control.powerBetweenSolves(requested: power, time: t, dt: dt) { temperature }
            }
            return (model, reference)
        }
    }
}
