import AblationJSON
import Foundation

/// Every case of a sweep folder, read for `ablsim sweep collect`: summary.csv and the plots.
public struct SweepCollection: Sendable {
    public static let tableName = "summary.csv"

    public var manifest: SweepManifest
    public var rows: [CaseResult]

    /// Reads the case folders on every core: each summary.json is parsed independently.
    public static func read(_ manifest: SweepManifest, layout: SweepLayout) -> SweepCollection {
        let cases = manifest.cases
        let rows = UnsafeMutableBufferPointer<CaseResult?>.allocate(capacity: cases.count)
        rows.initialize(repeating: nil)
        defer { rows.deallocate() }
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, cases.count))
        let base = UInt(bitPattern: rows.baseAddress)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let out = UnsafeMutablePointer<CaseResult?>(bitPattern: base)!
            var n = w
            while n < cases.count {
                out[n] = CaseResult.read(cases[n], layout: layout)
                n += workers
            }
        }
        return SweepCollection(manifest: manifest, rows: rows.map { $0! })
    }

    public var counts: (complete: Int, failed: Int, pending: Int) {
        (rows.filter { $0.status == .complete }.count, rows.filter { $0.status == .failed }.count,
         rows.filter { $0.status == .pending }.count)
    }

    public static let metricColumns = ["volume_ml", "long_axis_mm", "short_axis_mm", "sphericity", "max_temperature_c",
                                       "delivered_energy_j", "power_w", "heating_time_s", "simulated_time_s",
                                       "coverage_percent", "min_margin_mm", "wall_time_s"]

    public var csv: String {
        var lines = [(["case_id", "status"] + manifest.axes + Self.metricColumns + ["error"]).map(Self.field).joined(separator: ",")]
        lines.reserveCapacity(rows.count + 1)
        for r in rows {
            var cells = [r.sweepCase.id, r.status.rawValue]
            for axis in manifest.axes {
                let value = r.sweepCase.values.first { $0.0 == axis }?.1
                switch value {
                case .string(let s)?: cells.append(s)
                case let v?: cells.append(JSONWriter.compact(v, sortedKeys: true))
                case nil: cells.append("")
                }
            }
            let metrics = [r.volumeML, r.longAxisMM, r.shortAxisMM, r.sphericity, r.maxTemperatureC, r.deliveredEnergyJ,
                           r.powerW, r.heatingTimeS, r.simulatedTimeS, r.coveragePercent, r.minMarginMM, r.wallTimeS]
            cells += metrics.map { $0.map(JSONWriter.format) ?? "" }
            cells.append(r.error ?? "")
            lines.append(cells.map(Self.field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180: quote fields holding a comma, quote or line break.
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// summary.csv and both plots, each replaced atomically.
    public func write(to layout: SweepLayout) throws(PresetError) {
        let files = [(Self.tableName, csv), ("zone-axes.svg", SweepPlots.zoneAxes(rows, title: manifest.name)),
                     ("volume-energy.svg", SweepPlots.volumeEnergy(rows, title: manifest.name))]
        for (name, text) in files {
            let url = layout.root.appendingPathComponent(name)
            do { try Data(text.utf8).write(to: url, options: .atomic) } catch {
                throw PresetError(.cannotCreateOutput, path: "", "cannot write \(url.path): \(error.localizedDescription)")
            }
        }
    }
}
