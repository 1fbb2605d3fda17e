import AblationGrid
import AblationIO
import Foundation

/// `ablsim run`: preset -> scene -> simulation -> analysis -> files, written atomically.
public struct RunPipeline {
    public var presetPath: String?
    /// Bytes and label of a preset that ships inside the binary, used when `presetPath` is nil.
    public var bundled: (name: String, bytes: [UInt8])?
    public var overrides: [String] = []
    public var outputDirectory: String?
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
        let (p, _, bytes) = try Preset.parse(bytes: bundled.bytes, source: bundled.name, overrides: overrides)
        return (p, bytes)
    }

    public func run() throws -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        let (preset, bytes) = try loadPreset()
        try MemoryBudget.check(preset)
        let target = URL(fileURLWithPath: outputDirectory ?? preset.name)
        // Claim the output folder before the long computation so an unwritable path fails fast.
        let staging: AtomicOutputDirectory
        do {
            staging = try AtomicOutputDirectory(final: target)
        } catch let AtomicOutputError.cannotCreateDirectory(path, reason) where path.contains(".partial-") {
            // The hidden staging folder is an implementation detail: name the folder the user asked for.
            throw PresetError(.cannotCreateOutput, path: "", "cannot create output folder \(target.path): \(reason)")
        } catch {
            throw PresetError(.cannotCreateOutput, path: "", "\(error)")
        }
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
        let analysis = ZoneAnalysis(necrosis: necrosis, scene: scene, axis: [0, 0, 1], marginMM: preset.marginMM,
                                    zoneField: result.zoneField())
        mark("analysis_s")

        var warnings: [String] = []
        let unsupported = preset.outputFormats.filter { ["vti", "stl", "png"].contains($0) }
        if !unsupported.isEmpty {
            warnings.append("output formats \(unsupported.joined(separator: ", ")) are not produced by ablsim \(AblsimVersion.string) yet; NIfTI, CSV and JSON were written")
        }
        for (n, footprint) in scene.sourceFootprints.enumerated() {
            if let f = footprint, f.voxelVolume < 8 {
                warnings.append(String(format: "applicators.%d: the heat source covers only %.1f voxels; refine grid.spacing_mm to resolve it", n, f.voxelVolume))
            }
        }

        let g = scene.grid
        let geometry = VolumeGeometry(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: SIMD3(repeating: g.spacingMM), originMM: g.originMM)
        // Encoders are independent and gzip dominates: run them on all cores.
        var encoders: [(String, @Sendable () throws -> Data)] = []
        if preset.outputFormats.contains("nifti") {
            let units = RunSummary.damageUnits(preset.damage.model)
            let labels = scene.labels
            encoders.append(("necrosis.nii.gz", { try NIfTIWriter.data(uint8: necrosis, geometry: geometry, description: "ablsim necrosis mask (1 = necrotic)", gzip: true) }))
            encoders.append(("temperature_max.nii.gz", { try NIfTIWriter.data(float32: result.peakTemperature(), geometry: geometry, description: "ablsim peak temperature (C)", gzip: true) }))
            encoders.append(("damage.nii.gz", { try NIfTIWriter.data(float32: result.damageMeasure(), geometry: geometry, description: "ablsim damage: \(units)", gzip: true) }))
            encoders.append(("labels.nii.gz", { try NIfTIWriter.data(uint8: labels, geometry: geometry, description: "ablsim tissue labels (see summary.json labels)", gzip: true) }))
        }
        if preset.outputFormats.contains("csv") {
            encoders.append(("timeseries.csv", { Data(RunSummary.timeSeriesCSV(result).utf8) }))
        }
        let encoded = UnsafeMutableBufferPointer<Result<Data, Error>?>.allocate(capacity: max(1, encoders.count))
        encoded.initialize(repeating: nil)
        defer { encoded.deallocate() }
        nonisolated(unsafe) let slots = encoded
        let jobs = encoders
        DispatchQueue.concurrentPerform(iterations: jobs.count) { n in slots[n] = Result { try jobs[n].1() } }
        var files: [(String, Data)] = []
        for (n, job) in jobs.enumerated() { files.append((job.0, try encoded[n]!.get())) }
        mark("encode_s")
        let wall = clock.now - started
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        let summary = RunSummary.json(result: result, analysis: analysis, presetSHA256: SHA256.hex(bytes),
                                      wallTimeS: wallSeconds, threads: threads, warnings: warnings,
                                      outputs: files.map(\.0) + ["summary.json"], timings: timings)
        files.append(("summary.json", Data(JSONWriter.string(summary).utf8)))
        do {
            for (name, data) in files { try staging.write(data, named: name) }
            try staging.commit()
        } catch {
            staging.discard()
            throw PresetError(.io, path: "", "writing \(target.path) failed: \(error)")
        }
        return Outcome(directory: target, summary: summary, result: result, analysis: analysis)
    }
}
