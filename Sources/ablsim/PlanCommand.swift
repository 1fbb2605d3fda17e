import AblationJSON
import AblationPlan
import AblationPreset
import AblationRun
import ArgumentParser
import Foundation

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Choose applicators, paths, power and time that cover every target with the margin.",
        discussion: """
            Uses the preset's planning block (planning.applicators[] templates with power_w and \
            duration_s ranges, max_applicators, entry, clearance_mm, avoid). Templates are mwa antennas or \
            rfa electrodes (power_w sets an RF generator's max_power_w). A zone library of one \
            applicator in homogeneous tissue is simulated by ablsim and cached (--cache, default \
            $XDG_CACHE_HOME/ablsim or ~/.cache/ablsim); candidates are ranked with it, the best \
            are re-scored by a coarse simulation with every needle and vessel (--coarse-spacing), \
            which also lowers power and time for several needles; the best is confirmed by the \
            full simulation at the preset's resolution. Writes DIR/plan.json (a preset for \
            `ablsim run`), DIR/plan-summary.json and the verifying run's outputs, all at once; \
            a DIR that already holds results is refused (exit 73) unless --force.

            --samples N draws N tissue variations (perfusion, conductivity, specific heat) and \
            writes DIR/uncertainty.json with the probability of complete coverage with margin and \
            its Wilson 95 % interval. --evaluate-only skips planning: the preset's own applicators \
            are run and (with --samples) evaluated.

            Exit status: 0 a confirmed plan (or --evaluate-only done), 2 no feasible plan (the \
            reason is in plan-summary.json), 64/65/66/70/73/74 as for `ablsim run`.

            Examples:
              ablsim plan presets/plan-mwa-20mm.json --out plans/20mm
              ablsim plan case.json --out plans/case --samples 20 --seed 7
              ablsim plan plans/20mm/plan.json --evaluate-only --samples 20 --out plans/20mm-uq
            """)

    @Argument(help: "Preset JSON file with a planning block, or a bundled preset name.")
    var preset: String

    @Option(name: .long, help: "Output folder (default: the preset's name + \"-plan\").")
    var out: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a preset value by dotted path (repeatable).", valueName: "path=value"))
    var overrides: [String] = []

    @Option(name: .long, help: "Zone library cache folder.")
    var cache: String?

    @Flag(name: .customLong("no-cache"), help: "Neither read nor write the zone library cache.")
    var noCache = false

    @Option(name: .customLong("library-powers"), help: "Powers per template in the zone library (default 3).")
    var libraryPowers = 3

    @Option(name: .customLong("library-durations"), help: "Durations per template in the zone library (default 3).")
    var libraryDurations = 3

    @Option(name: .customLong("max-verifications"), help: "Full simulations of candidates at most (default 3).")
    var maxVerifications = 3

    @Option(name: .customLong("coarse-spacing"), help: "Voxel size (mm) of the coarse simulations that re-score candidates (default 2, 1.5 with an rfa template; at least the preset's spacing).")
    var coarseSpacing: Double?

    @Option(name: .long, help: "Tissue samples for the probability of coverage (default 0: none).")
    var samples = 0

    @Option(name: .long, help: "Seed of the tissue samples (default: the preset's seed).")
    var seed: UInt64?

    @Flag(name: .customLong("evaluate-only"), help: "Do not plan: run the preset's applicators (and --samples).")
    var evaluateOnly = false

    @Flag(name: .long, help: "Replace the output folder if it already holds results (atomically, once the new ones are complete).")
    var force = false

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let threads, threads < 1 || threads > 1024 { throw ValidationError("--threads must be between 1 and 1024, got \(threads)") }
        if !(1...9).contains(libraryPowers) { throw ValidationError("--library-powers must be between 1 and 9, got \(libraryPowers)") }
        if !(1...9).contains(libraryDurations) { throw ValidationError("--library-durations must be between 1 and 9, got \(libraryDurations)") }
        if !(1...20).contains(maxVerifications) { throw ValidationError("--max-verifications must be between 1 and 20, got \(maxVerifications)") }
        if let coarseSpacing, !(coarseSpacing >= 0.5 && coarseSpacing <= 10) { throw ValidationError("--coarse-spacing must be between 0.5 and 10 mm, got \(coarseSpacing)") }
        if !(0...10_000).contains(samples) { throw ValidationError("--samples must be between 0 and 10000, got \(samples)") }
        if evaluateOnly && cache != nil { throw ValidationError("--cache has no use with --evaluate-only") }
    }

    var cacheDirectory: URL? {
        if noCache { return nil }
        if let cache { return URL(fileURLWithPath: cache) }
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg).appendingPathComponent("ablsim") }
        if let home = env["HOME"], !home.isEmpty { return URL(fileURLWithPath: home).appendingPathComponent(".cache/ablsim") }
        return nil
    }

    func run() throws {
        Interrupt.install()
        let progress = PlanProgress(quiet: quiet)
        let log: (String) -> Void = progress.log
        let cores = ProcessInfo.processInfo.activeProcessorCount
        do {
            if evaluateOnly {
                try evaluate(log: log, progress: progress, threads: threads ?? cores)
                progress.finish()
                return
            }
            var planner = Planner(presetPath: preset)
            planner.overrides = overrides
            planner.outputDirectory = out
            planner.force = force
            planner.threads = threads ?? cores
            planner.cacheDirectory = cacheDirectory
            planner.libraryPowers = libraryPowers
            planner.libraryDurations = libraryDurations
            planner.maxVerifications = maxVerifications
            planner.coarseSpacingMM = coarseSpacing
            planner.samples = samples
            planner.seed = seed
            planner.log = log
            planner.makeObserver = progress.observer
            planner.isCancelled = { Interrupt.isRequested }
            let outcome = try planner.run()
            progress.finish()
            if !quiet { print(PlanReport.text(outcome)) }
            if !outcome.feasible { throw ExitCode(2) }
        } catch {
            progress.finish()
            throw Failure.exit(for: error)
        }
    }

    /// --evaluate-only: the preset as it is, its run's outputs and (with --samples) uncertainty.json.
    func evaluate(log: @escaping (String) -> Void, progress: PlanProgress, threads: Int) throws {
        var pipeline = RunPipeline()
        pipeline.presetPath = preset
        pipeline.overrides = overrides
        pipeline.threads = threads
        pipeline.observer = progress.observer()
        let (p, bytes) = try pipeline.loadPreset()
        try MemoryBudget.check(p)
        let target = URL(fileURLWithPath: out ?? p.name)
        let staging = try RunPipeline.claim(target, force: force)
        let computed = try pipeline.compute(preset: p, bytes: bytes)
        var extra: [(String, Data)] = []
        var line = ""
        if samples > 0 {
            let u = try TissueUncertainty.run(preset: p, samples: samples, seed: seed ?? p.seed, threads: threads, log: log,
                                              observer: progress.observer())
            extra.append(("uncertainty.json", Data(JSONWriter.string(u.json(preset: p)).utf8)))
            let (lo, hi) = TissueUncertainty.wilson(successes: u.successes, trials: samples)
            line = String(format: "probability of complete coverage with margin: %d/%d = %.2f (Wilson 95 %%: %.2f-%.2f)",
                          u.successes, samples, Double(u.successes) / Double(samples), lo, hi)
        }
        let outcome = try pipeline.write(computed, to: staging, extraFiles: extra)
        if !quiet {
            print(RunReport.text(outcome))
            if !line.isEmpty { print(line) }
        }
    }
}

enum PlanReport {
    private static func array(_ v: JSONValue?) -> [JSONValue] { if case let .array(a)? = v { return a } else { return [] } }
    private static func number(_ v: JSONValue?) -> Double? { if case let .number(x)? = v { return x } else { return nil } }
    private static func string(_ v: JSONValue) -> String? { if case let .string(x) = v { return x } else { return nil } }

    static func text(_ o: Planner.Outcome) -> String {
        var lines = ["wrote \(o.directory.path)"]
        if o.feasible, let v = o.verifications.last {
            let c = v.candidate
            lines.append("plan: \(c.insertions) needle(s), \(c.needles.count) position(s), \(JSONWriter.format(c.treatmentS)) s in all (\(c.label))")
            let plan = o.summary["plan"]
            for (n, position) in array(plan?["applicators"]).enumerated() {
                let axial = number(position["angles_deg"]?["axial"]).map { String(format: "%.1f", $0) } ?? "none"
                lines.append("position \(n + 1) (needle \(Int(number(position["insertion"]) ?? 0) + 1)): "
                    + String(format: "depth %.1f mm, craniocaudal %.1f deg, axial ", number(position["depth_mm"]) ?? 0,
                             number(position["angles_deg"]?["craniocaudal"]) ?? 0) + axial + " deg (docs/planning.md#needle-angles)")
            }
            let verified = array(plan?["verified"]?["targets"])
            for (n, (p, q)) in zip(v.predicted.targets, v.computed.analysis.targets).enumerated() {
                let capping = (n < verified.count ? array(verified[n]["margin_capped_by_vessels"]) : []).compactMap(string)
                lines.append(String(format: "target %@: verified %.1f %% covered, margin %.1f mm (predicted by the coarse simulation %.1f mm)",
                                    q.name, q.coveragePercent, q.minMarginMM, p.minMarginMM)
                    + (capping.isEmpty ? "" : "; capped by " + capping.joined(separator: ", ") + ": no plan can give more while its blood flows"))
            }
        } else {
            lines.append("no feasible plan: \(o.reason?.rawValue ?? "unknown"): \(o.explanation)")
        }
        return lines.joined(separator: "\n")
    }
}
