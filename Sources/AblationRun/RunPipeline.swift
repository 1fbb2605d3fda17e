import AblationAnalysis
import AblationGrid
import AblationIO
import AblationJSON
import AblationKernels
import AblationPreset
import AblationSimulation
import Foundation

/// `ablsim run`: preset -> scene -> simulation -> analysis -> files, written atomically.
public struct RunPipeline {
    public var presetPath: String?
    /// Bytes and label of a preset that ships inside the binary, used when `presetPath` is nil.
    public var bundled: (name: String, bytes: [UInt8])?
    /// Where relative paths in `bundled` resolve (label maps); the working directory when nil.
    public var bundledBaseDirectory: String?
    public var overrides: [String] = []
    public var outputDirectory: String?
    /// Replace an existing non-empty output folder (`--force`).
    public var force = false
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    public var observer: ((Simulation.Progress) -> Bool)?

    public init() {}

    public struct Outcome {
        public var directory: URL
        public var summary: JSONValue
        public var result: SimulationResult
        public var analysis: ZoneAnalysis
    }

    /// Reads and checks the preset (exit 65/66 on problems) without running it.
    public func loadPreset() throws(PresetError) -> (Preset, [UInt8]) {
        if let presetPath {
            let (p, _, bytes) = try Preset.load(contentsOf: presetPath, overrides: overrides)
            return (p, bytes)
        }
        guard let bundled else { throw PresetError(.usage, path: "", "no preset given") }
        let (p, _, bytes) = try Preset.parse(bytes: bundled.bytes, source: bundled.name, overrides: overrides,
                                             baseDirectory: bundledBaseDirectory)
        return (p, bytes)
    }

    /// A finished simulation and its analysis, not yet written.
    public struct Computed {
        public var preset: Preset
        public var presetBytes: [UInt8]
        public var scene: Scene
        public var result: SimulationResult
        public var necrosis: [UInt8]
        public var analysis: ZoneAnalysis
        /// The zone after the tissue's shrinkage, for runs whose zone is the physics' own (nil with a
        /// microwave antenna: its calibrated profile already gives the measured, shrunk zone).
        public var contracted: ContractedZone?
        public var warnings: [String]
        var timings: [(String, Double)]
        var started: ContinuousClock.Instant
    }

    public func run() throws -> Outcome {
        let (preset, bytes) = try loadPreset()
        try MemoryBudget.check(preset)
        let target = URL(fileURLWithPath: outputDirectory ?? preset.name)
        // Claim the output folder before the long computation so an unwritable path fails fast.
        let staging = try RunPipeline.claim(target, force: force)
        let computed = try compute(preset: preset, bytes: bytes)
        return try write(computed, to: staging)
    }

    /// The hidden staging folder beside `target` (exit 73 when it cannot be made). An existing
    /// non-empty `target` is refused unless `force`: earlier results are never replaced by
    /// accident; with `force` they are replaced atomically when the new ones are complete.
    public static func claim(_ target: URL, force: Bool) throws(PresetError) -> AtomicOutputDirectory {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw PresetError(.cannotCreateOutput, path: "", "output folder \(target.path) is a file; choose another --out")
            }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? ["?"]
            if !entries.isEmpty, !force {
                throw PresetError(.cannotCreateOutput, path: "",
                                  "output folder \(target.path) already holds results; choose another --out, or pass --force to replace them")
            }
        }
        do {
            return try AtomicOutputDirectory(final: target)
        } catch let AtomicOutputError.cannotCreateDirectory(path, reason) where path.contains(".partial-") {
            // The hidden staging folder is an implementation detail: name the folder the user asked for.
            throw PresetError(.cannotCreateOutput, path: "", "cannot create output folder \(target.path): \(reason)")
        } catch {
            throw PresetError(.cannotCreateOutput, path: "", "\(error)")
        }
    }

    /// Simulates and analyses a decoded preset; writes nothing.
    public func compute(preset: Preset, bytes: [UInt8]) throws -> Computed {
        let clock = ContinuousClock()
        let started = clock.now
        var timings: [(String, Double)] = []
        var lap = clock.now
        func mark(_ phase: String) {
            let now = clock.now
            let d = now - lap
            timings.append((phase, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18))
            lap = now
        }
        let scene = try Scene(preset: preset)
        let simulation = Simulation(preset: preset, scene: scene, threads: threads)
        simulation.observer = observer
        mark("setup_s")
        let result = try simulation.run()
        mark("solver_s")
        let necrosis = result.necrosis()
        let zoneField = result.zoneField()
        // Long axis along the first needle (entry -> tip); world z when there is none.
        let axis: SIMD3<Double> = preset.applicators.compactMap(\.needle).first.map { $0.tipMM - $0.entryMM } ?? [0, 0, 1]
        let reference = preset.referenceZone.map { ReferenceComparison.mask(of: $0, grid: scene.grid) }
        let analysis = ZoneAnalysis(necrosis: necrosis, scene: scene, axis: axis, marginMM: preset.marginMM,
                                    zoneField: zoneField, reference: reference)
        let contracted = ContractedZone.estimate(applicators: preset.applicators, necrosis: necrosis,
                                                 peakTemperature: result.peakTemperature(), grid: scene.grid, axis: analysis.zone.axis)
        mark("analysis_s")
        return Computed(preset: preset, presetBytes: bytes, scene: scene, result: result, necrosis: necrosis,
                        analysis: analysis, contracted: contracted, warnings: RunPipeline.warnings(preset: preset, scene: scene, result: result, analysis: analysis),
                        timings: timings, started: started)
    }

    /// What the run's user should know: about its applicators (each kind says it for its own), and
    /// once for the run, whatever the grid cuts off (necrosis at a face, microwave power outside).
    /// (`analysis` nil: the applicators' warnings alone.)
    static func warnings(preset: Preset, scene: Scene, result: SimulationResult, analysis: ZoneAnalysis? = nil) -> [String] {
        var warnings = Simulation.applicatorWarnings(preset: preset, scene: scene, result: result)
        if let analysis, let cut = boundaryWarning(result: result, analysis: analysis) { warnings.append(cut) }
        if let dose = UnheatedDose.warning(preset: preset, simulatedTimeS: result.simulatedTime) { warnings.append(dose) }
        return warnings
    }

    static func boundaryWarning(result: SimulationResult, analysis: ZoneAnalysis) -> String? {
        let lost = result.applicators.enumerated().compactMap { n, report in
            report.microwave.map { (applicator: n, fraction: $0.outsideGridFraction) }
        }
        let remedy = result.preset.grid.fit != nil ? "increase grid.fit.padding_mm" : "enlarge grid.size_mm"
        return analysis.boundary.warning(lostPower: lost, remedy: remedy)
    }

    /// The run's one warning about what its grid cuts off, if any.
    public static func boundaryWarning(_ o: Outcome) -> String? { boundaryWarning(result: o.result, analysis: o.analysis) }

    /// Writes `files` into `staging` and publishes the folder; on failure nothing is left behind (exit 74).
    public static func publish(_ files: [(String, Data)], in staging: AtomicOutputDirectory) throws(PresetError) {
        do {
            for (name, data) in files { try staging.write(data, named: name) }
            try staging.commit()
        } catch {
            staging.discard()
            throw PresetError(.io, path: "", "writing \(staging.finalURL.path) failed: \(error)")
        }
    }

    /// Encodes every output of `c` into `staging` (plus `extraFiles`) and publishes it.
    public func write(_ c: Computed, to staging: AtomicOutputDirectory, extraFiles: [(String, Data)] = []) throws -> Outcome {
        let clock = ContinuousClock()
        let preset = c.preset, scene = c.scene, result = c.result, analysis = c.analysis
        let lap = clock.now
        var timings = c.timings
        let g = scene.grid
        let geometry = VolumeGeometry(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: SIMD3(repeating: g.spacingMM), originMM: g.originMM)
        var files = try RunOutputs.encode(.init(result: result, scene: scene, necrosis: c.necrosis, analysis: analysis,
                                                geometry: geometry), formats: preset.outputFormats)
        let encode = clock.now - lap
        timings.append(("encode_s", Double(encode.components.seconds) + Double(encode.components.attoseconds) * 1e-18))
        let wall = clock.now - c.started
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        let summary = RunSummary.json(result: result, analysis: analysis, contracted: c.contracted,
                                      presetSHA256: SHA256.hex(c.presetBytes),
                                      wallTimeS: wallSeconds, threads: threads, warnings: c.warnings,
                                      outputs: files.map(\.0) + ["summary.json"], timings: timings)
        files.append(("summary.json", Data(JSONWriter.string(summary).utf8)))
        files += extraFiles
        try RunPipeline.publish(files, in: staging)
        return Outcome(directory: staging.finalURL, summary: summary, result: result, analysis: analysis)
    }
}
