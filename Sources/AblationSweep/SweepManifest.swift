import AblationJSON
import AblationPreset
import Foundation

/// `DIR/sweep.json`: which sweep the folder holds and every case's id and axis values, so that
/// `collect` needs only the folder, and a rerun into the same folder can tell it is the same sweep.
public struct SweepManifest: Sendable {
    public static let formatKey = "ablsim_sweep_manifest"

    public var name: String
    public var sweepFile: String
    public var baseSHA256: String
    public var axes: [String]
    public var cases: [SweepCase]

    public init(plan: SweepPlan) {
        name = plan.sweep.name
        sweepFile = plan.absoluteSweepPath
        baseSHA256 = plan.baseSHA256
        axes = plan.sweep.axes.map(\.path)
        cases = plan.cases
    }

    public var json: JSONValue {
        .object([
            (Self.formatKey, .number(1)), ("name", .string(name)), ("ablsim_version", .string(AblsimVersion.string)),
            ("sweep_file", .string(sweepFile)), ("base_sha256", .string(baseSHA256)),
            ("axes", .array(axes.map { .string($0) })),
            ("cases", .array(cases.map { c in
                .object([("id", .string(c.id)), ("index", .number(Double(c.index))), ("values", .object(c.values))])
            })),
        ])
    }

    public static func read(_ layout: SweepLayout) throws(PresetError) -> SweepManifest {
        let path = layout.manifest.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw PresetError(.missingInput, path: "", "\(path) does not exist; expected the output folder of `ablsim sweep`")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PresetError(.io, path: "", "cannot read \(path)")
        }
        let document: JSONValue
        do { document = try JSONParser.parse(Array(data)) } catch {
            throw PresetError(path: "", "\(path) is not valid JSON: \(error)")
        }
        guard case .number(1)? = document[formatKey], case let .string(name)? = document["name"],
              case let .string(sweepFile)? = document["sweep_file"], case let .string(sha)? = document["base_sha256"],
              case let .array(axisItems)? = document["axes"], case let .array(caseItems)? = document["cases"] else {
            throw PresetError(path: "", "\(path) is not an ablsim sweep manifest (expected \"\(formatKey)\": 1 with name, axes and cases)")
        }
        let axes = axisItems.compactMap { v -> String? in if case let .string(s) = v { return s } else { return nil } }
        var cases: [SweepCase] = []
        for (n, item) in caseItems.enumerated() {
            guard case let .string(id)? = item["id"], case let .object(values)? = item["values"] else {
                throw PresetError(path: "cases.\(n)", "\(path): expected {id, index, values}")
            }
            var c = SweepCase(index: n, values: values)
            c.id = id
            cases.append(c)
        }
        var m = SweepManifest(name: name, sweepFile: sweepFile, baseSHA256: sha, axes: axes, cases: [])
        m.cases = cases
        return m
    }

    init(name: String, sweepFile: String, baseSHA256: String, axes: [String], cases: [SweepCase]) {
        self.name = name
        self.sweepFile = sweepFile
        self.baseSHA256 = baseSHA256
        self.axes = axes
        self.cases = cases
    }

    /// Writes the manifest (atomically: concurrent array tasks write identical bytes) after checking
    /// that the folder does not already hold another sweep, whose finished cases would be mixed in.
    public func write(to layout: SweepLayout) throws(PresetError) {
        if FileManager.default.fileExists(atPath: layout.manifest.path) {
            let existing = try Self.read(layout)
            if existing.name != name || existing.baseSHA256 != baseSHA256 {
                throw PresetError(.cannotCreateOutput, path: "", "\(layout.root.path) holds another sweep (\"\(existing.name)\", base preset sha256 \(existing.baseSHA256.prefix(12))); expected \"\(name)\" with base sha256 \(baseSHA256.prefix(12)): use another --out, or delete the folder to start over")
            }
        }
        do {
            try FileManager.default.createDirectory(at: layout.cases, withIntermediateDirectories: true)
            try Data(JSONWriter.string(json).utf8).write(to: layout.manifest, options: .atomic)
        } catch {
            throw PresetError(.cannotCreateOutput, path: "", "cannot create \(layout.manifest.path): \(error.localizedDescription)")
        }
    }
}
