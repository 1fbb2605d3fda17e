import AblationAnalysis
import AblationGrid
import AblationJSON
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
        /// What the run's generator did that its zone rests on (Simulation.zoneCaveats).
        public var caveats: [String] = []
        /// The zone after the tissue's shrinkage, for RF rows (a calibrated antenna's zone is
        /// already the measured one): what a published, shrunk zone is compared with when judged
        /// contracted (docs/validation.md#tissue-contraction-not-modelled).
        public var contracted: ContractedZone? = nil
    }

    /// `overrides` (`path=value`, as `ablsim run --set`) apply to the row's generated preset, so a
    /// study can re-run the table under another damage model or tissue parameter.
    public static func simulate(_ row: ValidationRow, spacingMM: Double, threads: Int,
                                overrides: [String] = []) throws -> Result? {
        guard let json = row.presetJSON(spacingMM: spacingMM) else { return nil }
        let preset = try Preset.parse(bytes: Array(json.utf8), source: row.id, overrides: overrides).0
        let scene = try Scene(preset: preset)
        let result = try Simulation(preset: preset, scene: scene, threads: threads).run()
        let necrosis = result.necrosis()
        let analysis = ZoneAnalysis(necrosis: necrosis, scene: scene, axis: [0, 0, -1], marginMM: 0,
                                    zoneField: result.zoneField())
        return Result(row: row, shortAxisMM: analysis.zone.shortAxisMM, longAxisMM: analysis.zone.longAxisMM,
                      volumeML: analysis.zone.volumeML,
                      caveats: Simulation.zoneCaveats(preset: preset, result: result),
                      contracted: ContractedZone.estimate(applicators: preset.applicators, necrosis: necrosis,
                                                          peakTemperature: result.peakTemperature(), grid: scene.grid,
                                                          axis: analysis.zone.axis))
    }

    /// The report as text (a Markdown table and the counted targets), or with `json` as one JSON
    /// document: `spacing_mm`, `overrides`, `rows[]` (id, modality, device, tissue, role, fits, power_w,
    /// time_min, predicted and published {short_axis_mm, long_axis_mm, volume_ml}, signed relative
    /// `error` {short_axis, long_axis, volume}, `target`, `within_target`: on the axes, or on the volume
    /// for a row publishing only a volume), `not_simulated[]` and `not_modelled[]` {id, reason},
    /// `mean_abs_error` and `counts` {chart, measured, measured_mwa, measured_rfa, fitted, held_out}, each
    /// {rows, within, volume_only, outside[]}; RF rows also give `contracted` {short_axis_mm, long_axis_mm,
    /// volume_ml, error, within_target}, counted apart as `measured_rfa_contracted` (not a target).
    public static func run(_ rows: [ValidationRow], spacingMM: Double, threads: Int, overrides: [String] = [],
                           json: Bool = false, log: @escaping @Sendable (String) -> Void = { _ in }) throws -> String {
        var lines = overrides.isEmpty ? [] : ["every row with: " + overrides.joined(separator: ", "), ""]
        lines += ["| row | device | tissue | power W | time min | short mm (published) | long mm (published) | volume mL (published) | short err | long err | volume err | role |",
                     "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        var skipped: [ValidationSkip] = [], assumed: [(id: String, what: [String])] = []
        var caveats: [(id: String, what: [String])] = []
        var shortErrors: [Double] = [], longErrors: [Double] = [], volumeOnlyErrors: [Double] = []
        // The calibration targets: every axis of a manufacturer chart row within 15 %, of a
        // measured (literature) row within 25 %. Rows outside are named. RF and MWA measured rows
        // are also counted apart, and the held-out rows (no parameter fitted on them) apart again.
        // A row that publishes only a volume is judged on it, under the same target
        // (`VolumeTarget`).
        typealias Tally = (rows: Int, volumeOnly: Int, outside: [String])
        var chart: Tally = (0, 0, []), measured: Tally = (0, 0, [])
        var byModality: [String: Tally] = [:], heldOut: Tally = (0, 0, []), fitted: Tally = (0, 0, [])
        // RF measured rows judged on their contracted estimate instead: reported beside the targets,
        // not one of them (the RF fits were made on the uncontracted zones).
        var contractedRF: Tally = (0, 0, [])
        var jsonRows: [JSONValue] = []
        // Rows that map to the same simulation (Huang & Dodd's three lobes, one paper's zone in two
        // readings) are simulated once.
        func pct(_ a: Double, _ b: Double?) -> String {
            guard let b, b > 0 else { return "-" }
            return String(format: "%+.0f %%", 100 * (a - b) / b)
        }
        // A bad override fails before the first (minutes-long) simulation, not after it.
        if !overrides.isEmpty, let json = rows.lazy.compactMap({ $0.presetJSON(spacingMM: spacingMM) }).first {
            _ = try Preset.parse(bytes: Array(json.utf8), source: "--set", overrides: overrides)
        }
        // Which rows need which simulation, decided before any runs, so that the simulations can run
        // side by side (ConcurrentRuns); the report is then assembled in the table's order.
        enum Plan { case skip(ValidationSkip), simulate(ValidationMapping, run: Int) }
        var plans: [Plan] = [], runs: [(mapping: ValidationMapping, row: ValidationRow)] = []
        for row in rows {
            switch row.mapping {
            case let .failure(skip): plans.append(.skip(skip))
            case let .success(mapping):
                // Nothing to compare with: not worth minutes of simulation.
                guard row.shortAxisMM != nil || row.longAxisMM != nil || row.volumeML != nil else {
                    plans.append(.skip(ValidationSkip(id: row.id, reason: "no size published"))); continue
                }
                if let earlier = runs.firstIndex(where: { $0.mapping == mapping }) {
                    plans.append(.simulate(mapping, run: earlier))
                } else {
                    plans.append(.simulate(mapping, run: runs.count))
                    runs.append((mapping, row))
                }
            }
        }
        // Longest simulated treatments first, so that the last to finish is a short one.
        let order = runs.indices.sorted { runs[$0].mapping.minutes > runs[$1].mapping.minutes }
        let width = ConcurrentRuns.width(jobs: runs.count, threads: threads)
        let jobs = order.map { runs[$0].row }
        let finished = try ConcurrentRuns.map(count: jobs.count, width: width, threads: threads) { i, jobThreads in
            log("simulating \(jobs[i].id) ...")
            let started = Date()
            let result = try simulate(jobs[i], spacingMM: spacingMM, threads: jobThreads, overrides: overrides)
            log(String(format: "simulated %@ in %.0f s", jobs[i].id, Date().timeIntervalSince(started)))
            return result
        }
        var simulated = [Result?](repeating: nil, count: runs.count)
        for (position, run) in order.enumerated() { simulated[run] = finished[position] }
        for (row, plan) in zip(rows, plans) {
            let mapping: ValidationMapping, run: Int
            switch plan {
            case let .skip(skip): skipped.append(skip); continue
            case let .simulate(m, r): (mapping, run) = (m, r)
            }
            guard let earlier = simulated[run] else { continue }
            // Rows that share a run share its result; only the row differs.
            var r = earlier
            r.row = row
            if !r.caveats.isEmpty { caveats.append((row.id, r.caveats)) }
            let shortError = row.shortAxisMM.map { abs(r.shortAxisMM - $0) / $0 }
            let longError = row.longAxisMM.map { abs(r.longAxisMM - $0) / $0 }
            if let e = shortError { shortErrors.append(e) }
            if let e = longError { longErrors.append(e) }
            let role = ValidationRole.of(row)
            if !mapping.assumptions.isEmpty { assumed.append((row.id, mapping.assumptions)) }
            let limit = row.tissue.lowercased().contains("chart") ? 0.15 : 0.25
            let hasAxis = row.shortAxisMM != nil || row.longAxisMM != nil
            // Within target on every published axis, or on the volume for a row publishing only a volume.
            func judged(short: Double, long: Double, volume: Double) -> Bool? {
                if hasAxis {
                    return max(row.shortAxisMM.map { abs(short - $0) / $0 } ?? 0, row.longAxisMM.map { abs(long - $0) / $0 } ?? 0) <= limit
                }
                guard let published = row.volumeML, published > 0 else { return nil }
                return VolumeTarget(axisLimit: limit).contains(predicted: volume, published: published)
            }
            func count(_ t: inout Tally, _ within: Bool) {
                t.rows += 1
                if !hasAxis { t.volumeOnly += 1 }
                if !within { t.outside.append(row.id) }
            }
            if !hasAxis, let published = row.volumeML, published > 0 {
                volumeOnlyErrors.append(abs(r.volumeML - published) / published)
            }
            let within = judged(short: r.shortAxisMM, long: r.longAxisMM, volume: r.volumeML)
            if let within {
                if limit < 0.25 { count(&chart, within) } else {
                    count(&measured, within)
                    count(&byModality[row.modality, default: (0, 0, [])], within)
                }
                if role == .heldOut { count(&heldOut, within) }
                if role == .fitted { count(&fitted, within) }
            }
            // The same judgement on the contracted zone (RF measured rows).
            let withinContracted = limit < 0.25 ? nil
                : r.contracted.flatMap { judged(short: $0.shortAxisMM, long: $0.longAxisMM, volume: $0.volumeML) }
            if let withinContracted { count(&contractedRF, withinContracted) }
            if json {
                func num(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
                func signed(_ a: Double, _ b: Double?) -> JSONValue { b.map { .number((a - $0) / $0) } ?? .null }
                jsonRows.append(.object([
                    ("id", .string(row.id)), ("modality", .string(row.modality)), ("device", .string(mapping.device)),
                    ("tissue", .string(mapping.tissue.label)), ("role", role.map { .string($0.rawValue) } ?? .null),
                    ("fits", .array(ValidationRole.fits(of: row).map { .string($0) })),
                    ("power_w", .number(mapping.powerW)), ("time_min", .number(mapping.minutes)),
                    ("predicted", .object([("short_axis_mm", .number(r.shortAxisMM)), ("long_axis_mm", .number(r.longAxisMM)),
                                           ("volume_ml", .number(r.volumeML))])),
                    ("published", .object([("short_axis_mm", num(row.shortAxisMM)), ("long_axis_mm", num(row.longAxisMM)),
                                           ("volume_ml", num(row.volumeML))])),
                    ("error", .object([("short_axis", signed(r.shortAxisMM, row.shortAxisMM)),
                                       ("long_axis", signed(r.longAxisMM, row.longAxisMM)),
                                       ("volume", signed(r.volumeML, row.volumeML))])),
                    ("target", .number(limit)), ("within_target", within.map { .bool($0) } ?? .null),
                    ("caveats", .array(r.caveats.map { .string($0) })),
                    ("contracted", r.contracted.map { c in .object([
                        ("short_axis_mm", .number(c.shortAxisMM)), ("long_axis_mm", .number(c.longAxisMM)),
                        ("volume_ml", .number(c.volumeML)),
                        ("error", .object([("short_axis", signed(c.shortAxisMM, row.shortAxisMM)),
                                           ("long_axis", signed(c.longAxisMM, row.longAxisMM)),
                                           ("volume", signed(c.volumeML, row.volumeML))])),
                        ("within_target", withinContracted.map { .bool($0) } ?? .null),
                    ]) } ?? .null),
                ]))
            }
            lines.append(String(format: "| %@ | %@ | %@ | %.0f | %.1f | %.1f (%@) | %.1f (%@) | %.1f (%@) | %@ | %@ | %@ | %@ |",
                                row.id as NSString, mapping.device as NSString,
                                mapping.tissue.label as NSString,
                                mapping.powerW, mapping.minutes,
                                r.shortAxisMM, (row.shortAxisMM.map { String(format: "%.0f", $0) } ?? "-") as NSString,
                                r.longAxisMM, (row.longAxisMM.map { String(format: "%.0f", $0) } ?? "-") as NSString,
                                r.volumeML, (row.volumeML.map { String(format: "%.1f", $0) } ?? "-") as NSString,
                                pct(r.shortAxisMM, row.shortAxisMM) as NSString, pct(r.longAxisMM, row.longAxisMM) as NSString,
                                pct(r.volumeML, row.volumeML) as NSString, (role?.label ?? "-") as NSString))
        }
        func mean(_ v: [Double]) -> String { v.isEmpty ? "-" : String(format: "%.0f %%", 100 * v.reduce(0, +) / Double(v.count)) }
        lines.append("")
        lines.append("mean |error|: short axis \(mean(shortErrors)), long axis \(mean(longErrors)) over \(shortErrors.count) rows")
        if !volumeOnlyErrors.isEmpty {
            lines.append("mean |volume error| of the rows publishing only a volume: \(mean(volumeOnlyErrors)) over \(volumeOnlyErrors.count) rows")
        }
        func tallied(_ t: Tally) -> String {
            "\(t.rows - t.outside.count) of \(t.rows)" + (t.outside.isEmpty ? "" : " (outside: " + t.outside.joined(separator: ", ") + ")")
        }
        func target(_ name: String, _ limit: Double, _ t: Tally) -> String {
            let volume = t.volumeOnly == 0 ? "" : " (\(t.volumeOnly) on volume only, within \(VolumeTarget(axisLimit: limit)) of the published volume)"
            return "\(name) with every published axis within \(Int((limit * 100).rounded())) %\(volume): " + tallied(t)
        }
        if chart.rows > 0 { lines.append(target("manufacturer chart rows", 0.15, chart)) }
        if measured.rows > 0 { lines.append(target("measured rows", 0.25, measured)) }
        for modality in byModality.keys.sorted() { lines.append(target("- \(modality) measured rows", 0.25, byModality[modality]!)) }
        // Fitted rows against the same targets as the table (15 % chart, 25 % measured), and held-out ones.
        if fitted.rows > 0 {
            lines.append("fitted rows (used by a fit) with every published axis within their target: " + tallied(fitted))
        }
        if heldOut.rows > 0 {
            lines.append(target("held-out rows (no parameter fitted on them)", 0.25, heldOut))
        }
        if contractedRF.rows > 0 {
            lines.append("not a target: " + target("RF measured rows judged on the zone after the tissue's shrinkage (ablation.contracted_estimate, fits unchanged)", 0.25, contractedRF))
        }
        let notModelled = skipped.filter { $0.kind == .notModelled }, notSimulated = skipped.filter { $0.kind == .notSimulated }
        lines.append("not modelled (an applicator ablsim has no model of; not in the targets): \(notModelled.count) rows; not simulated (the row lacks what a run needs): \(notSimulated.count) rows")
        if !assumed.isEmpty {
            lines.append("")
            lines.append("assumed where the row does not say:")
            for a in assumed { lines.append("- \(a.id): " + a.what.joined(separator: "; ")) }
        }
        if !caveats.isEmpty {
            lines.append("")
            lines.append("what a row's generator did that its zone rests on (voltages no clinical generator drives, deployments not finished):")
            for c in caveats { lines.append("- \(c.id): " + c.what.joined(separator: "; ")) }
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
        if json {
            func tally(_ t: Tally) -> JSONValue {
                .object([("rows", .number(Double(t.rows))), ("within", .number(Double(t.rows - t.outside.count))),
                         ("volume_only", .number(Double(t.volumeOnly))),
                         ("outside", .array(t.outside.map { .string($0) }))])
            }
            func skips(_ list: [ValidationSkip]) -> JSONValue {
                .array(list.map { .object([("id", .string($0.id)), ("reason", .string($0.reason))]) })
            }
            func meanValue(_ v: [Double]) -> JSONValue { v.isEmpty ? .null : .number(v.reduce(0, +) / Double(v.count)) }
            var counts: [(String, JSONValue)] = [("chart", tally(chart)), ("measured", tally(measured))]
            for modality in byModality.keys.sorted() { counts.append(("measured_\(modality.lowercased())", tally(byModality[modality]!))) }
            counts += [("fitted", tally(fitted)), ("held_out", tally(heldOut))]
            if contractedRF.rows > 0 { counts.append(("measured_rfa_contracted", tally(contractedRF))) }
            return JSONWriter.string(.object([
                ("spacing_mm", .number(spacingMM)), ("overrides", .array(overrides.map { .string($0) })),
                ("rows", .array(jsonRows)),
                ("not_simulated", skips(notSimulated)), ("not_modelled", skips(notModelled)),
                ("mean_abs_error", .object([("short_axis", meanValue(shortErrors)), ("long_axis", meanValue(longErrors)),
                                            ("rows", .number(Double(shortErrors.count)))])),
                ("counts", .object(counts)),
            ])).trimmingCharacters(in: .newlines)
        }
        return lines.joined(separator: "\n")
    }
}
