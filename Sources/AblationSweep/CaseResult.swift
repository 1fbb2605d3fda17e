import AblationJSON
import AblationPreset
import Foundation

/// One row of summary.csv: a case's axis values and what its summary.json (or status.json) says.
public struct CaseResult: Sendable {
    public enum Status: String, Sendable { case complete, failed, pending }

    public var sweepCase: SweepCase
    public var status: Status
    public var volumeML: Double?
    public var longAxisMM: Double?
    public var shortAxisMM: Double?
    public var sphericity: Double?
    public var maxTemperatureC: Double?
    /// Sum over applicators.
    public var deliveredEnergyJ: Double?
    public var simulatedTimeS: Double?
    public var wallTimeS: Double?
    public var coveragePercent: Double?
    public var minMarginMM: Double?
    /// The first applicator's power (its schedule's highest power, or its RF control power) and heating
    /// time (schedule total or duration), read from resolved_preset: the axes of the chart-style plot
    /// whatever the sweep's own axes are called.
    public var powerW: Double?
    public var heatingTimeS: Double?
    public var error: String?

    public init(sweepCase: SweepCase, status: Status) {
        self.sweepCase = sweepCase
        self.status = status
    }

    /// Reads the case's folder: summary.json when complete, status.json when failed.
    public static func read(_ c: SweepCase, layout: SweepLayout) -> CaseResult {
        if let data = FileManager.default.contents(atPath: layout.summary(c.id).path) {
            guard let summary = try? JSONParser.parse(Array(data)) else {
                var r = CaseResult(sweepCase: c, status: .failed)
                r.error = "summary.json is not valid JSON"
                return r
            }
            return CaseResult(sweepCase: c, summary: summary)
        }
        if let data = FileManager.default.contents(atPath: layout.failureStatus(c.id).path) {
            var r = CaseResult(sweepCase: c, status: .failed)
            r.error = (try? JSONParser.parse(Array(data))).flatMap(CaseFailure.init(json:))?.message ?? "status.json is unreadable"
            return r
        }
        return CaseResult(sweepCase: c, status: .pending)
    }

    init(sweepCase: SweepCase, summary s: JSONValue) {
        self.init(sweepCase: sweepCase, status: .complete)
        let ablation = s["ablation"]
        volumeML = Self.number(ablation?["volume_ml"])
        longAxisMM = Self.number(ablation?["long_axis_mm"])
        shortAxisMM = Self.number(ablation?["short_axis_mm"])
        sphericity = Self.number(ablation?["sphericity"])
        maxTemperatureC = Self.number(s["max_temperature_c"])
        simulatedTimeS = Self.number(s["simulated_time_s"])
        wallTimeS = Self.number(s["wall_time_s"])
        if case let .array(apps)? = s["applicators"] {
            let energies = apps.compactMap { Self.number($0["delivered_energy_j"]) }
            if !energies.isEmpty { deliveredEnergyJ = energies.reduce(0, +) }
        }
        if case let .array(targets)? = s["targets"], let first = targets.first {
            coveragePercent = Self.number(first["coverage_percent"])
            minMarginMM = Self.number(first["min_margin_mm"])
        }
        if case let .array(apps)? = s["resolved_preset"]?["applicators"], let app = apps.first {
            if case let .array(schedule)? = app["schedule"] {
                powerW = schedule.compactMap { Self.number($0["power_w"]) }.max()
                heatingTimeS = schedule.compactMap { Self.number($0["duration_s"]) }.reduce(0, +)
            } else {
                powerW = Self.number(app["control"]?["power_w"]) ?? Self.number(app["control"]?["max_power_w"])
                heatingTimeS = Self.number(app["duration_s"])
            }
        }
    }

    static func number(_ v: JSONValue?) -> Double? {
        if case let .number(d)? = v { return d }
        return nil
    }
}
