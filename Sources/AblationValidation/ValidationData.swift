import AblationGrid
import AblationJSON
import AblationPreset
import Foundation

/// Published ablation zones (`validation/device-zones-training.csv`, embedded in the binary as
/// `BundledValidationTable`) and the presets that reproduce the rows ablsim can simulate today.
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
    /// The time column as written, for what a number does not say ("per manufacturer protocol").
    public var timeText: String = ""

    /// How ablsim simulates this row, or why it cannot.
    public var mapping: Result<ValidationMapping, ValidationSkip> { ValidationMapping.map(self) }

    /// A preset for the row: the antenna along z in a block of tissue in the row's condition.
    public func presetJSON(spacingMM: Double) -> String? {
        guard case let .success(m) = mapping else { return nil }
        return m.presetJSON(id: id, spacingMM: spacingMM)
    }
}

/// The tissue a published zone was measured in, as ablsim models it. One condition per kind of
/// experiment, never per row.
public struct TissueCondition: Sendable, Equatable {
    public var name: String
    /// Liver perfusion (1/s); nil keeps the built-in liver's (1.67e-2).
    public var perfusionPerS: Double?
    /// Start and far-boundary temperature (°C).
    public var temperatureC: Double
    /// Short label for the report's tissue column.
    public var label: String

    /// Excised liver on the bench: no perfusion, at room temperature (most ex vivo studies and
    /// manufacturer bench tests do not warm the organ; 20 °C assumed where a paper does not say).
    public static let exVivo = TissueCondition(name: "ex vivo (unperfused, 20 °C)", perfusionPerS: 0, temperatureC: 20, label: "ex vivo")
    /// Living liver: the built-in liver material (perfusion 1.67e-2 1/s, shut down where tissue dies), 37 °C.
    public static let inVivo = TissueCondition(name: "in vivo (built-in liver, perfusion 1 mL/min/g, 37 °C)", perfusionPerS: nil, temperatureC: 37,
                                                label: "in vivo")
}

/// What a validation row is simulated with.
public enum ValidationApplicator: Sendable, Equatable {
    case microwave(device: String, frequencyMHz: Int, powerW: Double)
    /// An RF device family (`RadiofrequencyDevice`) with its electrode and its size: the bare tip
    /// length of cooled needles, the deployed diameter of arrays (mm). The generator runs the
    /// family's own protocol.
    case radiofrequency(device: String, electrode: String, sizeMM: Double, maxPowerW: Double)
}

/// A validation row turned into a simulation: the applicator and the tissue condition.
public struct ValidationMapping: Sendable, Equatable {
    public var applicator: ValidationApplicator
    public var minutes: Double
    public var tissue: TissueCondition
    /// Why this mapping (which device, which condition), for the report.
    public var note: String
    /// What the row does not say and the mapping assumed (an exposure, a time, a frequency), for
    /// the report: a prediction rests on these as much as on the model.
    public var assumptions: [String] = []

    /// Name of the device profile or electrode, for the report.
    public var device: String {
        switch applicator {
        case let .microwave(device, _, _): return device
        case let .radiofrequency(device, electrode, size, _) where electrode != "multi_tine":
            return "\(device) \(electrode) \(JSONWriter.format(size)) mm"
        case let .radiofrequency(device, electrode, _, _): return "\(device) \(electrode)"
        }
    }

    /// Forward power (MWA) or the generator's maximum (RF), W.
    public var powerW: Double {
        switch applicator {
        case let .microwave(_, _, p): return p
        case let .radiofrequency(_, _, _, p): return p
        }
    }

    /// Tissue the manufacturer charts stand for. The charts do not say; the zones' growth with time
    /// does. AMICA zones keep growing to 15 min (x2 in diameter from 3 to 15 min at 20 W), as
    /// unperfused tissue does: bench tissue. Emprint zones plateau (+26 % from 2.5 to 10 min at
    /// 45 W), the signature of a perfusion heat sink: living tissue.
    public static let chartTissue: [String: TissueCondition] = ["emprint": .inVivo, "amica": .exVivo]

    /// Huang & Dodd's bovine livers perfused through the portal vein with warm blood (37 °C) at
    /// 10-50 mL/min/100 g, pooled. Its one parameter, the effective Pennes perfusion, was fitted on
    /// their three pooled rows (2026-11-27, 0.1.0; 1.0, 1.33, 1.67 and 2.0e-2 1/s tried,
    /// 1.5 mm): best at 1.67e-2, the living liver's value, 3.3x the mean flow set (5e-3, which made the
    /// zones 29-39 % too wide). Pennes' term cannot take more heat than the blood that flows, so the
    /// value is an empirical sink of this preparation, not a flow: the organ's zones (26-28 mm) are
    /// those of living pig liver (30 mm, PME), and the model reproduces them as living liver.
    public static let bloodPerfusedBench = TissueCondition(name: "blood-perfused bench liver (effective perfusion 1.67e-2 1/s, fitted; 37 °C)",
                                                           perfusionPerS: 1.67e-2, temperatureC: 37, label: "perfused bench")

    /// The condition a row's tissue column names, from the words papers use: living tissue
    /// ("in vivo", "clinical", "patients", "human"), excised tissue ("ex vivo", "excised", "explanted",
    /// "in vitro", "bench"), or Huang & Dodd's blood-perfused bench model ("blood-perfused"). Nil when
    /// it names none of them or both kinds (a row pooling bench and living zones).
    static func condition(ofTissue tissue: String) -> TissueCondition? {
        let t = tissue.lowercased()
        if t.contains("blood-perfused") { return bloodPerfusedBench }
        let living = ["in vivo", "clinical", "patient", "human"].contains { t.contains($0) }
        let excised = ["ex vivo", "excised", "explanted", "in vitro", "bench"].contains { t.contains($0) }
        if living == excised { return nil }
        return living ? .inVivo : .exVivo
    }

    static func map(_ row: ValidationRow) -> Result<ValidationMapping, ValidationSkip> {
        // An applicator ablsim has no model of is said so before anything else the row lacks.
        if let kind = UnmodelledApplicator.recognise(device: row.device) {
            return .failure(ValidationSkip(id: row.id, reason: kind.reason, kind: .notModelled))
        }
        if row.modality == "RFA" { return mapRadiofrequency(row) }
        guard row.modality == "MWA" else {
            return .failure(ValidationSkip(id: row.id, reason: "modality \(row.modality) not simulated", kind: .notModelled))
        }
        guard let power = row.powerW, let minutes = row.timeMin else {
            return .failure(ValidationSkip(id: row.id, reason: "power or time not published"))
        }
        if row.id.hasPrefix("CHART-EMP") || row.id.hasPrefix("CHART-AMI") {
            let device = row.id.hasPrefix("CHART-EMP") ? "emprint" : "amica"
            let condition = chartTissue[device]!
            return .success(ValidationMapping(applicator: .microwave(device: device, frequencyMHz: 2450, powerW: power),
                                              minutes: minutes, tissue: condition,
                                              note: "manufacturer chart; tissue: \(condition.name)"))
        }
        guard let condition = Self.condition(ofTissue: row.tissue), condition != bloodPerfusedBench else {
            return .failure(ValidationSkip(id: row.id, reason: "tissue \"\(row.tissue)\" not mapped"))
        }
        // A named device keeps its calibrated profile in whatever tissue the row was measured in.
        let named = row.device.lowercased()
        for (word, profile) in [("amica", "amica"), ("emprint", "emprint")] where named.contains(word) {
            return .success(ValidationMapping(applicator: .microwave(device: profile, frequencyMHz: 2450, powerW: power),
                                              minutes: minutes, tissue: condition,
                                              note: "\(profile) profile from its chart, in \(condition.name)"))
        }
        return .success(ValidationMapping(applicator: .microwave(device: "generic", frequencyMHz: row.frequencyMHz ?? 2450, powerW: power),
                                          minutes: minutes, tissue: condition,
                                          note: "unnamed cooled-shaft antenna: generic profile",
                                          assumptions: row.frequencyMHz == nil ? ["frequency not stated, 2450 MHz assumed"] : []))
    }

    /// RF rows by device family: Cool-tip clusters and internally cooled single electrodes (the
    /// family of 17-G cooled needles on a 200 W, 480 kHz impedance-controlled generator; rows that
    /// do not name the brand are taken as Cool-tip, as "Covidien MWA" is taken as Emprint), LeVeen
    /// arrays of the size the row names, StarBurst arrays likewise.
    static func mapRadiofrequency(_ row: ValidationRow) -> Result<ValidationMapping, ValidationSkip> {
        func skip(_ reason: String, _ kind: ValidationSkip.Kind = .notSimulated) -> Result<ValidationMapping, ValidationSkip> {
            .failure(ValidationSkip(id: row.id, reason: reason, kind: kind))
        }
        let device = row.device.lowercased()
        var assumptions: [String] = []
        let family: String, electrode: String, size: Double, what: String
        if device.contains("leveen") || device.contains("starburst") {
            family = device.contains("leveen") ? "leveen" : "starburst"
            let sizes = (family == "leveen" ? RadiofrequencyDeviceProfile.leveen : .starburst).arrayDiametersMM
            guard let cm = Self.arraySizeCM(device), sizes.contains(cm * 10) else { return skip("array size not named or not sold") }
            electrode = "multi_tine"; size = cm * 10
            what = "\(family == "leveen" ? "LeVeen" : "StarBurst") \(JSONWriter.format(cm)) cm array, the family's protocol"
        } else if device.contains("expandable") {
            return skip("expandable electrode whose brand and size the row does not name")
        } else {
            let isCluster = device.contains("cluster")
            guard isCluster || device.contains("cooled") || device.contains("cool-tip") else { return skip("electrode not identified") }
            electrode = isCluster ? "cluster" : "cooled_tip"
            // The product's exposure where the row states none: 3 cm for single electrodes (the
            // Cool-tip's longest, the one the family's rows used), 2.5 cm for the cluster (its only one).
            let coolTip = RadiofrequencyDeviceProfile.coolTip
            let productMM = isCluster ? coolTip.clusterExposuresMM[0] : 30
            switch StatedExposure.parse(row.device) {
            case let .length(mm)?:
                size = mm
            case let .range(low, high)?:
                guard (low...high).contains(productMM) else {
                    return skip("exposure stated only as a range, \(JSONWriter.format(low))-\(JSONWriter.format(high)) mm")
                }
                size = productMM
                assumptions.append("exposure stated as \(JSONWriter.format(low))-\(JSONWriter.format(high)) mm, the product's \(JSONWriter.format(productMM / 10)) cm taken")
            case nil:
                size = productMM
                assumptions.append("exposure not stated, \(JSONWriter.format(productMM / 10)) cm assumed")
            }
            // The bare tip lengths an rfa applicator takes (docs/preset-format.md, active_length_mm).
            guard (2...60).contains(size) else {
                return skip("exposure \(JSONWriter.format(size)) mm: cooled needles are modelled from 2 to 60 mm", .notModelled)
            }
            if (isCluster ? coolTip.clusterExposuresMM : coolTip.singleExposuresMM).contains(size) {
                family = "cool_tip"
            } else {
                // A cooled needle of another length: the generic electrode of that length, driven
                // as the Cool-tip family drives its own (ValidationMapping.presetJSON).
                family = "generic"
                assumptions.append("\(JSONWriter.format(size)) mm is no Cool-tip \(isCluster ? "cluster" : "electrode") exposure: a generic cooled needle of that length on the Cool-tip generator protocol")
            }
            what = "\(isCluster ? "cluster of three 17G cooled needles 5 mm apart" : "17G cooled electrode"), \(JSONWriter.format(size)) mm tips, impedance control to 200 W"
        }
        guard let condition = Self.condition(ofTissue: row.tissue) else { return skip("tissue \"\(row.tissue)\" not mapped") }
        let note = condition == bloodPerfusedBench ? "; perfused bench model, its effective perfusion fitted on the Huang & Dodd rows" : ""
        let profile = RadiofrequencyDevice(rawValue: family)?.profile ?? .coolTip
        let protocolMinutes = profile.defaultDurationS / 60
        var minutes = row.timeMin
        if minutes == nil, row.id.hasPrefix("LIT-DODD12") || family == "leveen" {
            minutes = protocolMinutes
            assumptions.append(family == "leveen" ? "time not stated: the LeVeen protocol's \(JSONWriter.format(protocolMinutes)) min at most (it stops at its second roll-off)"
                : "time not stated, the Cool-tip protocol's \(JSONWriter.format(protocolMinutes)) min assumed")
        } else if minutes == nil, row.timeText.lowercased().contains("protocol") {
            minutes = protocolMinutes
            // A staged protocol ends itself after its last hold; its duration is only the cap.
            let ends = profile.deploymentsByDiameterMM.isEmpty ? "" : " at most (it stops after the hold of its last deployment step)"
            assumptions.append("time \"\(row.timeText)\": the \(profile.name) protocol's \(JSONWriter.format(protocolMinutes)) min\(ends)")
        }
        guard let minutes else { return skip("time not published (or a maximum, not a setting)") }
        return .success(ValidationMapping(
            applicator: .radiofrequency(device: family, electrode: electrode, sizeMM: size, maxPowerW: profile.defaultPowerW),
            minutes: minutes, tissue: condition, note: what + note, assumptions: assumptions))
    }

    /// The array size a device column names ("4 cm", "4-cm", "4.0 cm"), in cm.
    static func arraySizeCM(_ text: String) -> Double? {
        let words = text.replacingOccurrences(of: "-", with: " ").split(separator: " ")
        for (i, w) in words.enumerated() where i + 1 < words.count && words[i + 1].hasPrefix("cm") {
            if let v = Double(w) { return v }
        }
        return nil
    }

    /// The needle along z, tip 25 mm below the block's centre plane, in a block sized for the zone.
    func presetJSON(id: String, spacingMM: Double) -> String {
        // Long treatments and strong antennas make zones that outgrow the smaller block.
        var large = minutes > 15
        if case let .microwave(_, _, power) = applicator, power > 70 { large = true }
        let size = large ? "[120, 120, 150]" : "[100, 100, 120]"
        let centre = large ? "[0, 0, 20]" : "[0, 0, 10]"
        let t = tissue.temperatureC
        let perfusion = tissue.perfusionPerS.map { "\"materials\": {\"liver\": {\"perfusion_per_s\": \($0)}}," } ?? ""
        let applicatorJSON: String
        switch applicator {
        case let .microwave(device, frequency, power):
            applicatorJSON = """
                {"type": "mwa", "frequency_mhz": \(frequency), "device": "\(device)",
                 "tip_mm": [0, 0, -25], "entry_mm": [0, 0, 90],
                 "schedule": [{"duration_s": \(minutes * 60), "power_w": \(power)}]}
                """
        case let .radiofrequency(device, electrode, size, _) where electrode == "multi_tine":
            // An array's zone centres on its tines: the trocar tip at the block's centre plane.
            applicatorJSON = """
                {"type": "rfa", "device": "\(device)", "deployed_diameter_mm": \(size),
                 "tip_mm": [0, 0, 10], "entry_mm": [0, 0, 90], "duration_s": \(minutes * 60)}
                """
        case let .radiofrequency(device, electrode, size, power):
            // The device's own generator protocol (Cool-tip: impedance control to 200 W). A generic
            // needle (an exposure the Cool-tip does not come in) gets the Cool-tip's generator, its
            // fitted roll-off and its cluster spacing spelled out: the family's twin
            // (docs/validation.md#rf-device-calibration).
            let coolTip = RadiofrequencyDeviceProfile.coolTip
            let generic = device == "generic"
                ? #", "control": {"mode": "impedance", "max_power_w": \#(power), "roll_off_ohm": \#(coolTip.rollOffRiseOhm)}"#
                    + (electrode == "cluster" ? ", \"spacing_mm\": \(coolTip.clusterSpacingMM)" : "")
                : ""
            applicatorJSON = """
                {"type": "rfa", "device": "\(device)", "electrode": "\(electrode)", "active_length_mm": \(size), "diameter_mm": \(coolTip.diameterMM),
                 "coolant_temperature_c": 15, "tip_mm": [0, 0, -25], "entry_mm": [0, 0, 90], "duration_s": \(minutes * 60)\(generic)}
                """
        }
        return """
            {"ablsim": 1, "name": "validate-\(id)",
             "grid": {"center_mm": \(centre), "size_mm": \(size), "spacing_mm": \(spacingMM)},
             "boundary": {"type": "dirichlet", "temperature_c": \(t)}, "initial_temperature_c": \(t),
             \(perfusion)
             "applicators": [\(applicatorJSON)],
             "output": {"formats": []}}
            """
    }
}

/// A row the report lists instead of simulating, and why.
public struct ValidationSkip: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The row's applicator is one ablsim has no model of (`UnmodelledApplicator`): no data
        /// would make it simulable, and it says nothing about the model's accuracy.
        case notModelled
        /// The row lacks what a run needs (a time, a tissue condition, a device named).
        case notSimulated
    }

    public var id: String
    public var reason: String
    public var kind: Kind = .notSimulated
}

public enum ValidationData {
    /// Reads the CSV (RFC 4180 quoting). Missing file: exit 66; malformed: 65.
    /// The table in a CSV file (`--data`); without a path, the table the binary carries.
    public static func load(path: String?) throws(PresetError) -> [ValidationRow] {
        guard let path else { return try parse(BundledValidationTable.csv, source: BundledValidationTable.source) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PresetError(.missingInput, path: "", "validation data \(path) does not exist; pass --data PATH to a CSV with the columns of validation/device-zones-training.csv, or omit --data for the bundled table")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    static func parse(_ text: String, source path: String) throws(PresetError) -> [ValidationRow] {
        let records = parseCSV(text)
        guard let header = records.first else { throw PresetError(path: "", "\(path) is empty") }
        func column(_ name: String) throws(PresetError) -> Int {
            guard let i = header.firstIndex(of: name) else { throw PresetError(path: "", "\(path) has no column \"\(name)\"") }
            return i
        }
        let c = (id: try column("id"), modality: try column("modality"), device: try column("device"),
                 f: try column("frequency_mhz"), p: try column("power_w"), t: try column("time_min"),
                 tissue: try column("tissue"), s: try column("short_axis_mm"), l: try column("long_axis_mm"),
                 v: try column("volume_ml"))
        // A device given as "same" is the previous row's.
        var previousDevice = ""
        return records.dropFirst().filter { $0.count == header.count }.map { r in
            var device = r[c.device]
            if device == "same" { device = previousDevice }
            previousDevice = device
            return ValidationRow(id: r[c.id], modality: r[c.modality], device: device, frequencyMHz: Int(r[c.f]),
                          powerW: Double(r[c.p]), timeMin: Double(r[c.t]), tissue: r[c.tissue],
                          shortAxisMM: Double(r[c.s]), longAxisMM: Double(r[c.l]), volumeML: Double(r[c.v]),
                          timeText: r[c.t])
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
