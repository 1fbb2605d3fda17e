import AblationJSON
import AblationPreset
import Foundation

extension SweepFile {
    /// Reads and validates a sweep file's own keys (not yet the cases' presets: see `SweepPlan`).
    /// Missing file: exit 66; unreadable: 74; bad JSON or values: 65 with the JSON path.
    public static func load(contentsOf path: String) throws(PresetError) -> (SweepFile, [UInt8]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PresetError(.missingInput, path: "", "sweep file \(path) does not exist")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw PresetError(.io, path: "", "cannot read sweep file \(path)")
        }
        let bytes = Array(data)
        guard bytes.count <= 16 << 20 else {
            throw PresetError(path: "", "\(path) is \(bytes.count) bytes; a sweep file is expected to be under 16 MiB")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw PresetError(path: "", "\(path) is not valid JSON: \(error)")
        }
        return (try decode(document, directory: (path as NSString).deletingLastPathComponent), bytes)
    }

    public static func decode(_ document: JSONValue, directory: String) throws(PresetError) -> SweepFile {
        guard case .object = document else {
            throw PresetError(path: "", "the sweep file is \(document.kindDescription); expected a JSON object such as {\"ablsim_sweep\": 1, \"base\": \"preset.json\", \"axes\": {...}}")
        }
        var r = try JSONObjectReader(document, path: "")
        _ = try r.integer("ablsim_sweep", NumberCheck(accepts: { $0 == 1 }, expectation: "1 (the sweep format version)"))
        let name = try r.string("name", default: "sweep")
        guard !name.isEmpty, name.count <= 200, !name.contains("/"), !name.hasPrefix(".") else {
            throw PresetError(path: "name", "got \"\(name)\"; expected 1-200 characters without '/' and not starting with '.'")
        }
        let description = try r.string("description", default: "")

        let base: Base
        switch r.value("base") {
        case nil:
            throw r.missing("base", expected: "a preset path (relative to the sweep file) or an inline preset object")
        case .string(let relative)?:
            guard !relative.isEmpty else {
                throw PresetError(path: "base", "got an empty string; expected a preset path relative to the sweep file")
            }
            let resolved = relative.hasPrefix("/") || directory.isEmpty ? relative : (directory as NSString).appendingPathComponent(relative)
            if !FileManager.default.fileExists(atPath: resolved), let json = BundledPresets.named(relative) {
                // A bundled preset by name, when no file of that name exists: it runs as an inline base.
                do {
                    base = .inline(try JSONParser.parse(Array(json.utf8)))
                } catch {
                    throw PresetError(.software, path: "base", "the bundled preset \(relative) is not valid JSON: \(error)")
                }
            } else {
                base = .file(path: relative, resolvedPath: resolved)
            }
        case .object(let members)?:
            base = .inline(.object(members))
        case let other?:
            throw PresetError(path: "base", "got \(other.kindDescription); expected a preset path (relative to the sweep file) or an inline preset object")
        }

        let samplesCount = try r.value("samples").map { v throws(PresetError) in
            try integerValue(v, path: "samples", NumberCheck(accepts: { $0 >= 1 && $0 <= Double(maxCases) }, expectation: "an integer from 1 to \(maxCases) (the number of random cases)"))
        }
        let seed = try r.value("seed").map { v throws(PresetError) in
            try integerValue(v, path: "seed", NumberCheck(accepts: { $0 >= 0 && $0 <= 9_007_199_254_740_991 }, expectation: "an integer from 0 to 2^53 - 1"))
        }
        if seed != nil, samplesCount == nil {
            throw PresetError(path: "seed", "set without \"samples\"; expected only with random cases: remove it, or add \"samples\": N")
        }
        let combineText: String? = try r.value("combine").map { v throws(PresetError) in
            try JSONObjectReader.string(v, path: "combine", oneOf: ["product", "zip"])
        }
        if samplesCount != nil, let combineText {
            throw PresetError(path: "combine", "got \"\(combineText)\" together with \"samples\"; random cases draw every axis independently, so remove \"combine\" (or \"samples\" for a grid)")
        }
        let combine = Combine(rawValue: combineText ?? "product")!

        guard let axesValue = r.value("axes") else {
            throw r.missing("axes", expected: "an object mapping dotted preset paths to their values, e.g. {\"applicators.0.schedule.0.power_w\": [60, 100]}")
        }
        guard case let .object(axisMembers) = axesValue else {
            throw PresetError(path: "axes", "got \(axesValue.kindDescription); expected an object mapping dotted preset paths to their values")
        }
        guard !axisMembers.isEmpty else {
            throw PresetError(path: "axes", "got an empty object; expected at least one dotted preset path with its values, e.g. {\"applicators.0.schedule.0.power_w\": [60, 100]}")
        }
        var axes: [Axis] = []
        for (key, value) in axisMembers {
            let path = "axes.\(key)"
            let parts = key.split(separator: ".", omittingEmptySubsequences: false)
            guard !parts.contains(where: \.isEmpty) else {
                throw PresetError(path: path, "the preset path has an empty component; expected keys and indices separated by '.', as `ablsim run --set` takes them")
            }
            if let earlier = axes.first(where: { $0.path.hasPrefix(key + ".") || key.hasPrefix($0.path + ".") }) {
                throw PresetError(path: path, "overlaps axes.\(earlier.path); one axis would overwrite the other's value")
            }
            axes.append(Axis(path: key, values: try decodeAxisValues(value, path: path, sampling: samplesCount != nil)))
        }
        try r.finish()

        let sweep = SweepFile(name: name, description: description, base: base, combine: combine, axes: axes,
                              sampling: samplesCount.map { Sampling(count: $0, seed: UInt64(seed ?? 0)) },
                              directory: directory)
        try sweep.checkCaseCount()
        return sweep
    }

    static func decodeAxisValues(_ value: JSONValue, path: String, sampling: Bool) throws(PresetError) -> AxisValues {
        switch value {
        case .array(let items):
            guard !items.isEmpty else {
                throw PresetError(path: path, "got an empty array; expected at least one value")
            }
            for (n, item) in items.enumerated() {
                if let first = items[..<n].firstIndex(of: item) {
                    throw PresetError(path: "\(path)[\(n)]", "got \(JSONWriter.compact(item)) again (as at [\(first)]); expected distinct values, since equal values give the same case")
                }
            }
            return .list(items)
        case .object where sampling:
            var r = try JSONObjectReader(value, path: path)
            let finite = NumberCheck(accepts: { $0.isFinite }, expectation: "a finite number")
            let lo = try r.number("min", finite)
            let hi = try r.number("max", finite)
            try r.finish()
            guard lo < hi else {
                throw PresetError(path: "\(path).max", "got \(JSONWriter.format(hi)); expected more than min (\(JSONWriter.format(lo)))")
            }
            return .range(min: lo, max: hi)
        case .object:
            throw PresetError(path: path, "got a {min, max} range without \"samples\"; expected an array of values (ranges need \"samples\" and \"seed\" for random cases)")
        default:
            throw PresetError(path: path, "got \(value.kindDescription); expected an array of values\(sampling ? " or a {\"min\", \"max\"} range" : "")")
        }
    }

    static func integerValue(_ v: JSONValue, path: String, _ check: NumberCheck) throws(PresetError) -> Int {
        let d = try JSONObjectReader.number(v, path: path, check)
        guard d == d.rounded() else { throw PresetError(path: path, "got \(JSONWriter.format(d)); expected an integer") }
        return Int(d)
    }

    /// Refuses absurd sweeps before anything is enumerated.
    func checkCaseCount() throws(PresetError) {
        if sampling != nil { return }
        let counts = axes.map { axis -> Int in if case let .list(v) = axis.values { return v.count } else { return 0 } }
        switch combine {
        case .zip:
            if let mismatch = counts.firstIndex(where: { $0 != counts[0] }) {
                throw PresetError(path: "axes.\(axes[mismatch].path)", "has \(counts[mismatch]) value\(counts[mismatch] == 1 ? "" : "s") but axes.\(axes[0].path) has \(counts[0]); \"combine\": \"zip\" pairs values by position, so every axis needs the same number")
            }
            if counts[0] > Self.maxCases {
                throw PresetError(path: "axes", "makes \(counts[0]) cases; expected at most \(Self.maxCases) (split the sweep)")
            }
        case .product:
            var total = 1
            for c in counts {
                let (p, overflow) = total.multipliedReportingOverflow(by: c)
                total = overflow ? Int.max : p
            }
            if total > Self.maxCases {
                let shown = total == Int.max ? "more than 9e18" : "\(total)"
                throw PresetError(path: "axes", "\(counts.map(String.init).joined(separator: " x ")) values make \(shown) cases; expected at most \(Self.maxCases) (split the sweep, or use \"combine\": \"zip\")")
            }
        }
    }
}
