import AblationAnalysis
import AblationGrid
import AblationPreset
import AblationSimulation
import Foundation

/// Predicted against published zone sizes for every mappable validation row.
public enum ValidationReport {
    public struct Result: Sendable {
        public var row: ValidationRow
        public var shortAxisMM: Double
        public var longAxisMM: Double
        public var volumeML: Double
    }

    /// `overrides` (`path=value`, as `ablsim run --set`) apply to the row's generated preset, so a
    /// study can re-run the table under another damage model or tissue parameter.
    public static func simulate(_ row: ValidationRow, spacingMM: Double, threads: Int,
                                overrides: [String] = []) throws -> Result? {
        guard let json = row.presetJSON(spacingMM: spacingMM) else { return nil }
        let preset = try Preset.parse(bytes: Array(json.utf8), source: row.id, overrides: overrides).0
        let scene = try Scene(preset: preset)
        let result = try Simulation(preset: preset, scene: scene, threads: threads).run()
        let analysis = ZoneAnalysis(necrosis: result.necrosis(), scene: scene, axis: [0, 0, -1], marginMM: 0,
                                    zoneField: result.zoneField())
        return Result(row: row, shortAxisMM: analysis.zone.shortAxisMM, longAxisMM: analysis.zone.longAxisMM,
                      volumeML: analysis.zone.volumeML)
    }

    public static func run(_ rows: [ValidationRow], spacingMM: Double, threads: Int, overrides: [String] = [],
                           log: (String) -> Void = { _ in }) throws -> String {
        var lines = overrides.isEmpty ? [] : ["every row with: " + overrides.joined(separator: ", "), ""]
        lines += ["| row | device | tissue | power W | time min | short mm (published) | long mm (published) | volume mL (published) | short err | long err | volume err | role |",
                     "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        var skipped: [ValidationSkip] = [], assumed: [(id: String, what: [String])] = []
        var shortErrors: [Double] = [], longErrors: [Double] = [], volumeOnlyErrors: [Double] = []
        // The calibration targets: every axis of a manufacturer chart row within 15 %, of a
        // measured (literature) row within 25 %. Rows outside are named. RF and MWA measured rows
        // are also counted apart, and the held-out rows (no parameter fitted on them) apart again.
        // A row that publishes only a volume is judged on it, under the same target
        // (`VolumeTarget`).
        typealias Tally = (rows: Int, volumeOnly: Int, outside: [String])
        var chart: Tally = (0, 0, []), measured: Tally = (0, 0, [])
        var byModality: [String: Tally] = [:], heldOut: Tally = (0, 0, [])
        func pct(_ a: Double, _ b: Double?) -> String {
            guard let b, b > 0 else { return "-" }
            return String(format: "%+.0f %%", 100 * (a - b) / b)
        }
        // A bad override fails before the first (minutes-long) simulation, not after it.
        if !overrides.isEmpty, let json = rows.lazy.compactMap({ $0.presetJSON(spacingMM: spacingMM) }).first {
            _ = try Preset.parse(bytes: Array(json.utf8), source: "--set", overrides: overrides)
        }
        for row in rows {
            let mapping: ValidationMapping
            switch row.mapping {
            case let .success(m): mapping = m
            case let .failure(skip): skipped.append(skip); continue
            }
            // Nothing to compare with: not worth minutes of simulation.
            guard row.shortAxisMM != nil || row.longAxisMM != nil || row.volumeML != nil else {
                skipped.append(ValidationSkip(id: row.id, reason: "no size published")); continue
            }
            log("simulating \(row.id) ...")
            guard let r = try simulate(row, spacingMM: spacingMM, threads: threads, overrides: overrides) else { continue }
            let shortError = row.shortAxisMM.map { abs(r.shortAxisMM - $0) / $0 }
            let longError = row.longAxisMM.map { abs(r.longAxisMM - $0) / $0 }
            if let e = shortError { shortErrors.append(e) }
            if let e = longError { longErrors.append(e) }
            let worst = max(shortError ?? 0, longError ?? 0)
            let role = ValidationRole.of(row)
            if !mapping.assumptions.isEmpty { assumed.append((row.id, mapping.assumptions)) }
            let limit = row.tissue.lowercased().contains("chart") ? 0.15 : 0.25
            let hasAxis = row.shortAxisMM != nil || row.longAxisMM != nil
            var within: Bool?
            if hasAxis {
                within = worst <= limit
            } else if let published = row.volumeML, published > 0 {
                volumeOnlyErrors.append(abs(r.volumeML - published) / published)
                within = VolumeTarget(axisLimit: limit).contains(predicted: r.volumeML, published: published)
            }
            if let within {
                func count(_ t: inout Tally) {
                    t.rows += 1
                    if !hasAxis { t.volumeOnly += 1 }
                    if !within { t.outside.append(row.id) }
                }
                if limit < 0.25 { count(&chart) } else {
                    count(&measured)
                    count(&byModality[row.modality, default: (0, 0, [])])
                }
                if role == .heldOut { count(&heldOut) }
            }
            lines.append(String(format: "| %@ | %@ | %@ | %.0f | %.1f | %.1f (%@) | %.1f (%@) | %.1f (%@) | %@ | %@ | %@ | %@ |",
                                row.id as NSString, mapping.device as NSString,
                                mapping.tissue.label as NSString,
                                mapping.powerW, mapping.minutes,
                                r.shortAxisMM, (row.shortAxisMM.map { String(format: "%.0f", $0) } ?? "-") as NSString,
                                r.longAxisMM, (row.longAxisMM.map { String(format: "%.0f", $0) } ?? "-") as NSString,
                                r.volumeML, (row.volumeML.map { String(format: "%.1f", $0) } ?? "-") as NSString,
                                pct(r.shortAxisMM, row.shortAxisMM) as NSString, pct(r.longAxisMM, row.longAxisMM) as NSString,
                                pct(r.volumeML, row.volumeML) as NSString, role.rawValue as NSString))
        }
        func mean(_ v: [Double]) -> String { v.isEmpty ? "-" : String(format: "%.0f %%", 100 * v.reduce(0, +) / Double(v.count)) }
        lines.append("")
        lines.append("mean |error|: short axis \(mean(shortErrors)), long axis \(mean(longErrors)) over \(shortErrors.count) rows")
        if !volumeOnlyErrors.isEmpty {
            lines.append("mean |volume error| of the rows publishing only a volume: \(mean(volumeOnlyErrors)) over \(volumeOnlyErrors.count) rows")
        }
        func target(_ name: String, _ limit: Double, _ t: Tally) -> String {
            let volume = t.volumeOnly == 0 ? "" : " (\(t.volumeOnly) on volume only, within \(VolumeTarget(axisLimit: limit)) of the published volume)"
            return "\(name) with every published axis within \(Int((limit * 100).rounded())) %\(volume): \(t.rows - t.outside.count) of \(t.rows)"
                + (t.outside.isEmpty ? "" : " (outside: " + t.outside.joined(separator: ", ") + ")")
        }
        if chart.rows > 0 { lines.append(target("manufacturer chart rows", 0.15, chart)) }
        if measured.rows > 0 { lines.append(target("measured rows", 0.25, measured)) }
        for modality in byModality.keys.sorted() { lines.append(target("- \(modality) measured rows", 0.25, byModality[modality]!)) }
        if heldOut.rows > 0 {
            lines.append(target("held-out rows (no parameter fitted on them)", 0.25, heldOut))
        }
        let notModelled = skipped.filter { $0.kind == .notModelled }, notSimulated = skipped.filter { $0.kind == .notSimulated }
        lines.append("not modelled (an applicator ablsim has no model of; not in the targets): \(notModelled.count) rows; not simulated (the row lacks what a run needs): \(notSimulated.count) rows")
        if !assumed.isEmpty {
            lines.append("")
            lines.append("assumed where the row does not say:")
            for a in assumed { lines.append("- \(a.id): " + a.what.joined(separator: "; ")) }
        }
        if !notModelled.isEmpty {
            lines.append("")
            lines.append("not modelled:")
            for s in notModelled { lines.append("- \(s.id): \(s.reason)") }
        }
        if !notSimulated.isEmpty {
            lines.append("")
            lines.append("not simulated:")
            for s in notSimulated { lines.append("- \(s.id): \(s.reason)") }
        }
        return lines.joined(separator: "\n")
    }
}
