import AblationPreset
import AblationRun
import ArgumentParser
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Simulate one treatment and write the necrosis zone and summary.",
        discussion: """
            Writes DIR/summary.json and, per the preset's output.formats (default all): \
            necrosis.nii.gz, temperature_max.nii.gz, damage.nii.gz, labels.nii.gz (nifti), zone.vti \
            (vti), ablation.stl (stl), preview.png (png), timeseries.csv (csv). Everything appears at \
            once: a failed or interrupted (Ctrl-C, exit 130) run leaves no DIR. A DIR that already \
            holds results is refused (exit 73) unless --force, which replaces it only once the new \
            results are complete.

            Examples:
              ablsim run                                        # bundled default preset
              ablsim run mwa-2450-emprint-100w-5min             # a bundled preset by name
              ablsim run case.json --out runs/case --threads 2
              ablsim run case.json --set applicators.0.schedule.0.power_w=10 --set time.cooldown_s=60
            """)

    @Argument(help: "Preset JSON file or bundled preset name (default: the bundled preset \(BundledPresets.defaultName)).")
    var preset: String?

    @Option(name: .long, help: "Output folder (default: the preset's name).")
    var out: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a preset value by dotted path, e.g. applicators.0.schedule.0.power_w=80 (repeatable).", valueName: "path=value"))
    var overrides: [String] = []

    @Flag(name: .long, help: "Replace the output folder if it already holds results (atomically, once the new ones are complete).")
    var force = false

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let threads, threads < 1 || threads > 1024 {
            throw ValidationError("--threads must be between 1 and 1024, got \(threads)")
        }
    }

    func run() throws {
        Interrupt.install()
        var pipeline = RunPipeline()
        pipeline.presetPath = preset
        if preset == nil, let json = BundledPresets.named(BundledPresets.defaultName) {
            pipeline.bundled = ("bundled preset \(BundledPresets.defaultName)", Array(json.utf8))
        }
        pipeline.overrides = overrides
        pipeline.outputDirectory = out
        pipeline.force = force
        if let threads { pipeline.threads = threads }
        try pipeline.runReporting(quiet: quiet)
    }
}

extension RunPipeline {
    /// Runs with progress on stderr and the short report on stdout, as `ablsim run` prints them;
    /// failures become the exit status of their kind.
    func runReporting(quiet: Bool) throws {
        var pipeline = self
        let reporter = ProgressReporter(quiet: quiet)
        pipeline.observer = { reporter.update($0) }
        do {
            let outcome = try pipeline.run()
            reporter.finish()
            if !quiet { print(RunReport.text(outcome)) }
        } catch {
            reporter.finish()
            throw Failure.exit(for: error)
        }
    }
}

enum RunReport {
    static func text(_ o: RunPipeline.Outcome) -> String {
        let a = o.analysis, r = o.result
        var lines = [
            "wrote \(o.directory.path)",
            String(format: "ablation zone: %.2f mL, long axis %.1f mm, short axis %.1f mm, peak %.1f °C",
                   a.zone.volumeML, a.zone.longAxisMM, a.zone.shortAxisMM, r.peakTemperatureC),
            String(format: "simulated %.0f s in %d steps (dt %.3g s), solver %.2f s", r.simulatedTime, r.steps, r.maxTimeStep, r.solverSeconds),
        ]
        for t in a.targets {
            lines.append(String(format: "target %@: %.1f %% covered, min margin %.1f mm, %@", t.name, t.coveragePercent, t.minMarginMM,
                                t.completeWithMargin ? "complete with margin" : t.complete ? "complete, margin too small" : "INCOMPLETE"))
        }
        // Only what can make the numbers above wrong; the calibration notes stay in summary.json.
        if let cut = RunPipeline.boundaryWarning(o) { lines.append("warning: \(cut)") }
        return lines.joined(separator: "\n")
    }
}
