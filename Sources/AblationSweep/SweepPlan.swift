import AblationIO
import AblationJSON
import AblationPreset
import AblationRandom
import AblationSimulation
import Foundation

/// A sweep file expanded into its cases, each checked as a complete preset before anything runs.
public struct SweepPlan: Sendable {
    public enum Validation: Sendable {
        /// Every case: what `sweep`, `sweep slurm` and `sweep list` do before starting anything.
        case allCases
        /// One case only: `sweep case` runs inside a job whose sweep was checked when it was set up.
        case only(id: String)
    }

    public var sweep: SweepFile
    /// The sweep file as given and as an absolute path (for commands run elsewhere: SLURM, parallel).
    public var sweepPath: String
    public var absoluteSweepPath: String
    public var baseDocument: JSONValue
    /// SHA-256 of the base preset's bytes (or of an inline base's canonical JSON).
    public var baseSHA256: String
    public var cases: [SweepCase]

    public static func load(sweepPath: String, validation: Validation = .allCases) throws(PresetError) -> SweepPlan {
        let (sweep, _) = try SweepFile.load(contentsOf: sweepPath)
        return try make(sweep, sweepPath: sweepPath, validation: validation)
    }

    public static func make(_ sweep: SweepFile, sweepPath: String, validation: Validation = .allCases) throws(PresetError) -> SweepPlan {
        let (document, sha) = try loadBase(sweep.base)
        let cases = try expand(sweep)
        let plan = SweepPlan(sweep: sweep, sweepPath: sweepPath, absoluteSweepPath: absolute(sweepPath),
                             baseDocument: document, baseSHA256: sha, cases: cases)
        switch validation {
        case .allCases:
            if let error = plan.firstInvalidCase() { throw error }
        case .only(let id):
            guard let c = cases.first(where: { $0.id == id }) else {
                let hint = suggestion(for: id, among: cases.map(\.id)).map { "; did you mean \"\($0)\"?" } ?? "; `ablsim sweep list` prints them"
                throw PresetError(.usage, path: "", "sweep \(sweepPath) has no case \"\(id)\"\(hint)")
            }
            _ = try plan.preset(for: c)
        }
        return plan
    }

    /// Checks every case on every core (decoding voxelises heat sources, a few ms per case) and
    /// reports the error of the first invalid case in sweep order, whatever order the checks ran in.
    func firstInvalidCase() -> PresetError? {
        let count = cases.count
        let errors = UnsafeMutableBufferPointer<PresetError?>.allocate(capacity: count)
        errors.initialize(repeating: nil)
        defer { errors.deallocate() }
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count))
        let base = UInt(bitPattern: errors.baseAddress)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let out = UnsafeMutablePointer<PresetError?>(bitPattern: base)!
            var n = w
            while n < count {
                do throws(PresetError) { _ = try preset(for: cases[n]) } catch { out[n] = error; return }
                n += workers
            }
        }
        return errors.lazy.compactMap { $0 }.first
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    static func loadBase(_ base: SweepFile.Base) throws(PresetError) -> (JSONValue, String) {
        switch base {
        case .inline(let document):
            return (document, SHA256.hex(Array(JSONWriter.compact(document, sortedKeys: true).utf8)))
        case .file(let given, let resolved):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else {
                throw PresetError(.missingInput, path: "base", "preset file \(resolved) does not exist (\"\(given)\" is resolved against the sweep file's folder)")
            }
            guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: resolved) else {
                throw PresetError(.io, path: "base", "cannot read preset file \(resolved)\(isDirectory.boolValue ? ": it is a folder" : "")")
            }
            guard data.count <= 16 << 20 else {
                throw PresetError(path: "base", "\(resolved) is \(data.count) bytes; a preset is expected to be under 16 MiB")
            }
            do {
                return (try JSONParser.parse(Array(data)), SHA256.hex(Array(data)))
            } catch {
                throw PresetError(path: "base", "\(resolved) is not valid JSON: \(error)")
            }
        }
    }

    /// Cases in a fixed order: product with the first axis slowest (nested loops in axis order), zip
    /// by position, samples in draw order (SplitMix64 from `seed`, axes drawn in file order).
    static func expand(_ sweep: SweepFile) throws(PresetError) -> [SweepCase] {
        var rows: [[(String, JSONValue)]] = []
        if let sampling = sweep.sampling {
            var rng = SplitMix64(seed: sampling.seed)
            for _ in 0..<sampling.count {
                rows.append(sweep.axes.map { axis in
                    switch axis.values {
                    case .range(let lo, let hi): return (axis.path, .number(rng.nextDouble(in: lo, hi)))
                    case .list(let values): return (axis.path, values[rng.nextInt(in: 0...(values.count - 1))])
                    }
                })
            }
        } else {
            let lists = sweep.axes.map { axis -> [JSONValue] in if case let .list(v) = axis.values { return v } else { return [] } }
            switch sweep.combine {
            case .zip:
                for n in 0..<lists[0].count { rows.append(sweep.axes.indices.map { (sweep.axes[$0].path, lists[$0][n]) }) }
            case .product:
                var odometer = [Int](repeating: 0, count: lists.count)
                outer: while true {
                    rows.append(sweep.axes.indices.map { (sweep.axes[$0].path, lists[$0][odometer[$0]]) })
                    var axis = lists.count - 1
                    while axis >= 0 {
                        odometer[axis] += 1
                        if odometer[axis] < lists[axis].count { continue outer }
                        odometer[axis] = 0
                        axis -= 1
                    }
                    break
                }
            }
        }
        let cases = rows.enumerated().map { SweepCase(index: $0.offset, values: $0.element) }
        var seen: [String: Int] = [:]
        for c in cases {
            if let earlier = seen[c.id] {
                throw PresetError(path: sweep.sampling != nil ? "samples" : "axes", "cases \(earlier) and \(c.index) have the same values \(c.canonicalOverrides); expected distinct cases (with lists only, random draws repeat: use fewer samples or {min, max} ranges)")
            }
            seen[c.id] = c.index
        }
        return cases
    }

    /// Where relative paths inside the base preset (label maps) resolve.
    public var baseDirectory: String {
        switch sweep.base {
        case .file(_, let resolved): return (resolved as NSString).deletingLastPathComponent
        case .inline: return sweep.directory
        }
    }

    /// The case's preset document: the base with the case's `--set` assignments applied in axis order,
    /// through the same code `ablsim run --set` uses.
    public func document(for c: SweepCase) throws(PresetError) -> JSONValue {
        var document = baseDocument
        for (n, assignment) in c.assignments.enumerated() {
            do {
                document = try PresetOverride.apply(assignment, to: document)
            } catch {
                let prefix = "--set \(assignment): "
                let message = error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
                throw PresetError(path: "axes.\(c.values[n].0)", "\(message) (case \(c.id))")
            }
        }
        return document
    }

    /// The case as a checked preset: the decoder's checks, the memory budget, and the time-step bound
    /// when the preset fixes `time.dt_s` (the only check that needs the voxelised scene).
    public func preset(for c: SweepCase) throws(PresetError) -> Preset {
        let document = try document(for: c)
        do {
            let preset = try Preset.decode(document, baseDirectory: baseDirectory)
            try MemoryBudget.check(preset)
            if preset.time.dtS != nil {
                _ = try Simulation(preset: preset, scene: try Scene(preset: preset), threads: 1).chosenTimeStep()
            }
            return preset
        } catch {
            throw attribute(error, to: c)
        }
    }

    /// Names the sweep file's key to blame: the axis whose path the error is under (or above), else the base.
    func attribute(_ e: PresetError, to c: SweepCase) -> PresetError {
        let kind: PresetError.Kind = e.kind == .usage ? .invalidData : e.kind
        if !e.path.isEmpty, let axis = c.values.map(\.0).first(where: { e.path == $0 || e.path.hasPrefix($0 + ".") || $0.hasPrefix(e.path + ".") }) {
            let inner = e.path == axis ? e.message : e.description
            return PresetError(kind, path: "axes.\(axis)", "\(inner) (case \(c.id))")
        }
        switch sweep.base {
        case .inline:
            return PresetError(kind, path: e.path.isEmpty ? "base" : "base.\(e.path)", "\(e.message) (case \(c.id))")
        case .file(let given, _):
            return PresetError(kind, path: "base", "\(given): \(e.description) (case \(c.id))")
        }
    }

    /// The command that runs one case into `caseDirectory`: a plain `ablsim run` of the base preset with
    /// the case's `--set` values, or `ablsim sweep case` when the base is inline (it has no file to run).
    public func commandLine(for c: SweepCase, executable: String, caseDirectory: String, threads: Int? = nil) -> [String] {
        var argv: [String]
        switch sweep.base {
        case .file(_, let resolved):
            argv = [executable, "run", Self.absolute(resolved)]
            for a in c.assignments { argv += ["--set", a] }
        case .inline:
            argv = [executable, "sweep", "case", absoluteSweepPath, "--id", c.id]
        }
        // The sweep owns its case folders: a case re-run after a failure replaces the failure record.
        argv += ["--out", caseDirectory, "--force", "--quiet"]
        if let threads { argv += ["--threads", String(threads)] }
        return argv
    }
}
