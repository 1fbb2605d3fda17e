@testable import AblationPreset
@testable import AblationSimulation
import Foundation
import Testing

/// A simulated LeVeen array follows the generator protocol docs/devices.md states for it
/// ("Generator modes", `ramp: "leveen"`), end to end: the tissue's own drying decides when it rolls
/// off. GeneratorControlChecks tests the same law on prescribed loads; this one reads it back from
/// the time series of a run. The protocol is written here from the documentation, not from the
/// code's constants:
///
/// - first application: 40 W, +10 W at the end of every minute, at most `max_power_w` (90 W);
/// - roll-off when the impedance is 30 ohm above the baseline, the first impedance measured;
/// - 30 s off, then a second application at 70 % of the power at the first roll-off;
/// - off after the second roll-off, for the rest of `duration_s` (720 s).
///
/// Power changes take effect at the next potential solve (every `update_interval_s`, 3 s), and a
/// sample shows the power of the step ending at it and the impedance of the last solve, so every
/// timing is checked to within one solve interval plus one sample spacing.
@Test func simulatedLeVeenArrayFollowsItsProtocol() throws {
    let start = 40.0, stepW = 10.0, minute = 60.0, maxPower = 90.0
    let riseOhm = 30.0, pauseS = 30.0, secondFraction = 0.7, duration = 720.0, solveInterval = 3.0
    // A 2 cm array in living liver dries its tine contacts within a few minutes.
    let p = try rfPreset("""
        {"type": "rfa", "device": "leveen", "deployed_diameter_mm": 20, "tip_mm": [0, 0, 4], "entry_mm": [0, 0, 30]}
        """, size: 45, spacing: 1.5)
    let (r, _) = try runZone(p)
    let series = r.timeSeries
    let spacing = zip(series, series.dropFirst()).map { $1.time - $0.time }.max() ?? 0
    let lag = solveInterval + spacing
    func ramp(_ t: Double) -> Double { min(maxPower, start + stepW * (max(0, t) / minute).rounded(.down)) }
    let power = series.map { $0.powers[0] }
    let impedance = try series.map { try #require($0.impedanceOhm) }
    let baseline = impedance[0]
    let threshold = baseline + riseOhm

    // First application: the ramp, until the first roll-off.
    let firstOff = try #require(power.firstIndex(of: 0), "no roll-off in \(duration) s")
    let firstCross = try #require(impedance.firstIndex { $0 >= threshold })
    print("LeVeen 2 cm, 1.5 mm: baseline \(baseline) ohm, min \(impedance.min()!) ohm; first roll-off at \(series[firstOff].time) s"
          + " (impedance \(impedance[firstCross]) ohm at \(series[firstCross].time) s, power \(power[firstOff - 1]) W)")
    #expect(power[0] == start, "the ramp starts at \(power[0]) W")
    for n in 0..<firstOff {
        let t = series[n].time
        #expect(power[n] == ramp(t) || power[n] == ramp(t - lag), "\(power[n]) W at \(t) s, the ramp has \(ramp(t)) W")
    }
    #expect(series[firstOff - 1].time > minute, "rolled off before the ramp's first step: the test would not see the ramp")
    // The generator sees the rise at a solve; the sample that first shows it ends either the last
    // powered step or the first unpowered one.
    #expect(firstCross == firstOff || firstCross == firstOff - 1,
            "impedance \(impedance[firstCross]) ohm at \(series[firstCross].time) s, power cut at \(series[firstOff].time) s")
    let rollOffPower = power[firstOff - 1]

    // The pause, then the second application at 70 %.
    let restart = try #require(power[firstOff...].firstIndex { $0 > 0 }, "no second application")
    let off = series[restart].time - series[firstOff].time
    #expect(off >= pauseS - lag && off <= pauseS + lag, "off for \(off) s")
    let second = try #require(power[restart...].firstIndex(of: 0).map { $0 - 1 }.map { restart...$0 }, "no second roll-off")
    for n in second {
        #expect(abs(power[n] - secondFraction * rollOffPower) <= 1e-9 * rollOffPower,
                "\(power[n]) W at \(series[n].time) s in the second application, 70 % of \(rollOffPower) W is \(secondFraction * rollOffPower) W")
    }
    // The second roll-off: the impedance of the solve that cut the power is above the threshold,
    // and none before it in the second application was.
    let secondOff = second.upperBound + 1
    let secondCross = try #require(impedance[restart...].firstIndex { $0 >= threshold })
    #expect(secondCross == secondOff || secondCross == secondOff - 1,
            "impedance \(impedance[secondCross]) ohm at \(series[secondCross].time) s, power cut at \(series[secondOff].time) s")
    print("second application \(series[restart].time)-\(series[secondOff].time) s at \(power[restart]) W;"
          + " energy \(r.deliveredEnergy[0]) J; run ends at \(series.last!.time) s")

    // Off for the rest of the run, which lasts the whole duration.
    #expect(power[secondOff...].allSatisfy { $0 == 0 }, "power after the second roll-off")
    #expect(abs(series.last!.time - duration) <= spacing)
    // The generator's readings: V = sqrt(P R) while powered, 0 while off.
    for (s, z) in zip(series, impedance) {
        #expect(abs((s.voltageV ?? -1) - (s.powers[0] * z).squareRoot()) <= 1e-9 * max(1, s.voltageV ?? 1), "at \(s.time) s")
    }
}
