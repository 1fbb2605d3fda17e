import Foundation

/// Published ablation zones (`../shared/validation/device-zones-training.csv`) and the presets that
/// reproduce the rows ablsim can simulate today.
public struct ValidationRow: Sendable {
    public var id: String
    public var modality: String
    public var device: String
    public var frequencyMHz: Int?
    public var powerW: Double?
    public var timeMin: Double?
    public var tissue: String
    public var shortAxisMM: Double?
    public var longAxisMM: Double?
    public var volumeML: Double?

    /// Device profile for rows ablsim can map, nil otherwise.
    public var profile: String? {
        guard modality == "MWA", frequencyMHz == 2450, powerW != nil, timeMin != nil else { return nil }
        if id.hasPrefix("CHART-EMP") { return "emprint" }
        if id.hasPrefix("CHART-AMI") { return "amica" }
        return nil
    }

    /// A preset for the row: the antenna along z in a 100 x 100 x 120 mm block of liver. Chart rows
    /// state no tissue model; manufacturers test unperfused (ex vivo) liver, so perfusion is off and
    /// the tissue starts at 37 °C (an assumption to revisit during calibration).
    public func presetJSON(spacingMM: Double) -> String? {
        guard let profile, let power = powerW, let minutes = timeMin else { return nil }
        return """
            {"ablsim": 1, "name": "validate-\(id)",
             "grid": {"center_mm": [0, 0, 10], "size_mm": [100, 100, 120], "spacing_mm": \(spacingMM)},
             "materials": {"liver": {"perfusion_per_s": 0}},
             "applicators": [{"type": "mwa", "frequency_mhz": 2450, "device": "\(profile)",
                              "tip_mm": [0, 0, -25], "entry_mm": [0, 0, 70],
                              "schedule": [{"duration_s": \(minutes * 60), "power_w": \(power)}]}],
             "output": {"formats": []}}
            """
    }
}

public enum ValidationData {
    /// Reads the CSV (RFC 4180 quoting). Missing file: exit 66; malformed: 65.
    public static func load(path: String) throws(PresetError) -> [ValidationRow] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PresetError(.missingInput, path: "", "validation data \(path) does not exist; pass --data PATH to device-zones-training.csv")
        }
        let records = parseCSV(String(decoding: data, as: UTF8.self))
        guard let header = records.first else { throw PresetError(path: "", "\(path) is empty") }
        func column(_ name: String) throws(PresetError) -> Int {
            guard let i = header.firstIndex(of: name) else { throw PresetError(path: "", "\(path) has no column \"\(name)\"") }
            return i
        }
        let c = (id: try column("id"), modality: try column("modality"), device: try column("device"),
                 f: try column("frequency_mhz"), p: try column("power_w"), t: try column("time_min"),
                 tissue: try column("tissue"), s: try column("short_axis_mm"), l: try column("long_axis_mm"),
                 v: try column("volume_ml"))
        return records.dropFirst().filter { $0.count == header.count }.map { r in
            ValidationRow(id: r[c.id], modality: r[c.modality], device: r[c.device], frequencyMHz: Int(r[c.f]),
                          powerW: Double(r[c.p]), timeMin: Double(r[c.t]), tissue: r[c.tissue],
                          shortAxisMM: Double(r[c.s]), longAxisMM: Double(r[c.l]), volumeML: Double(r[c.v]))
        }
    }

    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = [], field = "", record: [String] = []
        var quoted = false
        var chars = Array(text)[...]
        while let ch = chars.popFirst() {
            if quoted {
                if ch == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                record.append(field); field = ""
            } else if ch == "\n" || ch == "\r\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else if ch != "\r" {
                field.append(ch)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
