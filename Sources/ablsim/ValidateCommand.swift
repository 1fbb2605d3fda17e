import AblationPreset
import AblationSweep
import AblationValidation
import ArgumentParser
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Simulate published device zones and print predicted against published sizes.",
        discussion: """
            Runs every row of the validation table that ablsim can map to a preset (the Emprint and \
            AMICA manufacturer charts, literature MWA rows with power and time, cooled-tip and \
            cluster RF rows), each in its tissue condition (ex vivo, in vivo, blood-perfused bench), \
            and prints short axis, long axis and volume, predicted and published, with relative \
            errors, each row marked fitted (a fit used it) or held-out (validation/roles.csv). A row \
            publishing only a volume is judged on it; what a row does not state (a needle's \
            exposure, a time) is listed as assumed. Rows of applicators ablsim has no model of \
            (bipolar, wet or perfused, switched or dual, gas-cooled) are listed as not modelled, rows \
            lacking what a run needs as not simulated; neither is counted. The report ends with the \
            rows within the calibration targets counted: chart rows, measured rows, fitted and \
            held-out rows apart.

            Examples:
              ablsim validate                      # every row of the bundled table
              ablsim validate --rows CHART-AMI-60W --spacing 1
              ablsim validate --rows LIT- --set damage.threshold=4.6
              ablsim validate --spacing 2 --json   # as CI runs it
            """)

    @Option(name: .long, help: "A validation table in the columns of validation/device-zones-training.csv (default: that table, bundled in the binary).")
    var data: String?

    @Option(name: .long, help: "Only rows whose id starts with this.")
    var rows: String?

    @Option(name: .long, help: "Voxel size in mm for the runs.")
    var spacing: Double = 1

    @Option(name: .long, help: "Worker threads (default: all cores), shared out among rows simulated side by side.")
    var threads: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of every row's preset by dotted path, as ablsim run --set, e.g. damage.threshold=4.6 (repeatable).", valueName: "path=value"))
    var overrides: [String] = []

    @Flag(name: .long, help: "Print the report as one JSON document (rows, not simulated, counts) instead of text.")
    var json = false

    func run() throws {
        guard spacing >= 0.25, spacing <= 4 else { throw ValidationError("--spacing must be from 0.25 to 4 mm") }
        do {
            var table = try ValidationData.load(path: data)
            if let rows { table = table.filter { $0.id.hasPrefix(rows) } }
            let report = try ValidationReport.run(table, spacingMM: spacing,
                                                  threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                                  overrides: overrides, json: json) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            print(report)
        } catch {
            throw Failure.exit(for: error)
        }
    }
}
