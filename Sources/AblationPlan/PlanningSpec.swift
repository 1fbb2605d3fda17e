import AblationAnalysis
import AblationGrid
import AblationJSON
import AblationKernels
import AblationMicrowave
import AblationPreset

/// The preset's `planning` block, decoded and checked (docs/preset-format.md, "Planning keys").
public struct PlanningSpec: Sendable {
    /// A device the planner may place: fixed keys, and the power and duration ranges it may choose from.
    public struct Template: Sendable, Equatable {
        public var device: TemplateDevice
        /// Microwave: forward power; RF: the generator's power setting (`max_power_w` under
        /// impedance or temperature control).
        public var powerW: ClosedRange<Double>
        public var durationS: ClosedRange<Double>
    }

    public var templates: [Template]
    public var maxApplicators: Int
    /// Shape every needle path must start in; nil: any straight path from outside the grid.
    public var entry: ShapeSpec?
    public var clearanceMM: Double
    /// Names of regions no needle path may cross (each names a region of the preset).
    public var avoid: [String]

    /// `planning` missing, malformed or out of range: exit 65 naming the JSON path.
    public static func decode(_ preset: Preset, baseDirectory: String?) throws(PresetError) -> PlanningSpec {
        guard let block = preset.planning else {
            throw PresetError(path: "planning", "missing; expected an object {\"applicators\": [{\"type\": \"mwa\", \"frequency_mhz\": 2450, \"power_w\": [min, max], \"duration_s\": [min, max]}], ...} (or an \"rfa\" template with its electrode) for ablsim plan")
        }
        var r = try JSONObjectReader(block, path: "planning")
        guard let items = try r.array("applicators", required: true), !items.isEmpty else {
            throw PresetError(path: "planning.applicators", "is empty; expected at least one device template")
        }
        var templates: [Template] = []
        for (n, item) in items.enumerated() {
            var t = try JSONObjectReader(item, path: "planning.applicators.\(n)")
            let type = try t.string("type", oneOf: ["mwa", "rfa", "heat_source"])
            guard type != "heat_source" else {
                throw PresetError(path: t.child("type"), "got \"heat_source\"; the planner places needles; expected \"mwa\" or \"rfa\"")
            }
            if type == "rfa" {
                let power = try range(&t, "power_w", within: 1...300, unit: "W")
                let duration = try range(&t, "duration_s", within: 10...3600, unit: "s")
                let device = try RadiofrequencyTemplate.decode(item, reader: &t, powerW: power, durationS: duration)
                templates.append(Template(device: device, powerW: power, durationS: duration))
                continue
            }
            let frequency = try t.integer("frequency_mhz", NumberCheck(accepts: { $0 == 915 || $0 == 2450 }, expectation: "915 or 2450 (MHz)"))
            let device = try t.string("device", default: "generic", oneOf: MicrowaveDevice.allCases.map(\.rawValue))
            do {
                _ = try DeviceProfile.profile(MicrowaveDevice(rawValue: device)!, frequencyMHz: frequency)
            } catch {
                let supported = DeviceProfile.supportedFrequencies(MicrowaveDevice(rawValue: device)!).map(String.init).joined(separator: " or ")
                throw PresetError(path: t.child("frequency_mhz"), "device \"\(device)\" runs at \(supported) MHz, not \(frequency)")
            }
            let power = try range(&t, "power_w", within: 1...300, unit: "W")
            let duration = try range(&t, "duration_s", within: 10...3600, unit: "s")
            try t.finish()
            templates.append(Template(device: .microwave(frequencyMHz: frequency, device: device), powerW: power, durationS: duration))
        }
        let maxApplicators = try r.integer("max_applicators", default: 3, .range(1, 3))
        var entry: ShapeSpec? = nil
        if let value = r.value("entry") {
            entry = try ShapeSpec.decode(value, path: "planning.entry", baseDirectory: baseDirectory)
        }
        let clearance = try r.number("clearance_mm", default: 3, .range(0, 50, unit: "mm"))
        var avoid: [String] = []
        let names = preset.regions.map(\.name)
        for (n, item) in (try r.array("avoid", required: false) ?? []).enumerated() {
            let name = try JSONObjectReader.string(item, path: "planning.avoid.\(n)", oneOf: nil)
            guard names.contains(name) else {
                var message = "got \"\(name)\"; expected the name of a region: " + names.map { "\"\($0)\"" }.joined(separator: ", ")
                if names.isEmpty { message = "got \"\(name)\"; the preset has no regions to avoid" }
                if let hint = suggestion(for: name, among: names) { message += " (did you mean \"\(hint)\"?)" }
                throw PresetError(path: "planning.avoid.\(n)", message)
            }
            avoid.append(name)
        }
        try r.finish()
        guard !preset.regions.filter(\.target).isEmpty else {
            throw PresetError(path: "regions", "has no region with \"target\": true; expected at least one target to plan for")
        }
        return PlanningSpec(templates: templates, maxApplicators: maxApplicators, entry: entry, clearanceMM: clearance, avoid: avoid)
    }

    static func range(_ r: inout JSONObjectReader, _ key: String, within limits: ClosedRange<Double>, unit: String) throws(PresetError) -> ClosedRange<Double> {
        let expectation = "[min, max] with \(JSONWriter.format(limits.lowerBound)) <= min <= max <= \(JSONWriter.format(limits.upperBound)) \(unit)"
        guard let value = r.value(key) else { throw r.missing(key, expected: expectation) }
        guard case let .array(items) = value, items.count == 2 else {
            throw PresetError(path: r.child(key), "got \(value.kindDescription)\(value.arrayCount.map { " of \($0) elements" } ?? ""); expected \(expectation)")
        }
        let check = NumberCheck.range(limits.lowerBound, limits.upperBound, unit: unit)
        let lo = try JSONObjectReader.number(items[0], path: "\(r.child(key)).0", check)
        let hi = try JSONObjectReader.number(items[1], path: "\(r.child(key)).1", check)
        guard lo <= hi else {
            throw PresetError(path: r.child(key), "got [\(JSONWriter.format(lo)), \(JSONWriter.format(hi))]; expected min <= max")
        }
        return lo...hi
    }
}

extension JSONValue {
    var arrayCount: Int? { if case let .array(a) = self { return a.count } else { return nil } }
}
