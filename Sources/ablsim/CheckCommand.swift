import AblationJSON
import AblationPlan
import AblationPreset
import AblationSimulation
import AblationSweep
import ArgumentParser
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a preset and print it with every default resolved.",
        discussion: """
            Exits 0 and prints the resolved preset when it is valid (and, on stderr, which label or \
            segment each NRRD label map contributes); otherwise prints the JSON path \
            and what was expected, and exits 65 (66 when the file is missing). A planning block is \
            checked as `ablsim plan` reads it.

            Example:
              ablsim check case.json --set grid.spacing_mm=1
            """)

    @Argument(help: "Preset JSON file or bundled preset name (see `ablsim presets`).")
    var preset: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a preset value by dotted path (repeatable).", valueName: "path=value"))
    var overrides: [String] = []

    func run() throws {
        do {
            // Without applicators a preset can only be planned: valid here when its planning block
            // is (as `ablsim plan` accepts it), refused as `ablsim run` refuses it otherwise.
            let (p, _, _) = try Preset.load(contentsOf: preset, overrides: overrides, applicators: .optionalForPlanning)
            if p.applicators.isEmpty && p.planning == nil { throw ApplicatorRequirement.missing(hasPlanning: false) }
            try MemoryBudget.check(p)
            // A planning block is checked exactly as `ablsim plan` would read it, so that check
            // and plan agree on what is valid (exit 65 with the JSON path).
            if p.planning != nil { _ = try PlanningSpec.decode(p, baseDirectory: (preset as NSString).deletingLastPathComponent) }
            let simulation = Simulation(preset: p, scene: try Scene(preset: p), threads: 1)
            _ = try simulation.chosenTimeStep()
            // A NRRD segmentation may be chosen by segment name or hold several layers: say which
            // voxels were taken, on stderr so stdout stays the resolved preset.
            for map in p.labelMaps where LabelMapFile.isNRRD(map.resolvedPath) {
                FileHandle.standardError.write(Data("ablsim: \(map.choiceDescription)\n".utf8))
            }
            print(JSONWriter.string(p.resolvedJSON()), terminator: "")
        } catch {
            throw Failure.exit(for: error)
        }
    }
}

struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List the presets bundled with ablsim.",
        discussion: """
            Example:
              ablsim presets
              ablsim presets --show heat-source-sphere > my-case.json
            """)

    @Option(name: .long, help: "Print one bundled preset's JSON.")
    var show: String?

    func run() throws {
        if let show {
            guard let json = BundledPresets.named(show) else {
                throw Failure.exit(for: PresetError(.usage, path: "", "no bundled preset named \"\(show)\"; see `ablsim presets`"))
            }
            print(json)
            return
        }
        for p in BundledPresets.all {
            print("\(p.name)\(p.name == BundledPresets.defaultName ? " (default)" : "")\n    \(p.description)")
        }
    }
}
