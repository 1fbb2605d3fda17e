import AblationSweep
import ArgumentParser
import Foundation

struct SweepCollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Tabulate a sweep's cases (DIR/summary.csv) and plot them (DIR/zone-axes.svg, DIR/volume-energy.svg).",
        discussion: """
            One row per case of DIR/sweep.json: case id, status (complete, failed, pending), the axis \
            values, zone volume, long and short axis, sphericity, peak temperature, delivered energy, \
            first target's coverage and margin, wall time, and the error of a failed case. Exit 0 \
            when every case is complete, 1 otherwise (the files are written either way).
            """)

    @Argument(help: "Output folder of `ablsim sweep`.")
    var directory: String

    func run() throws {
        let layout = SweepLayout(root: URL(fileURLWithPath: directory))
        let collection: SweepCollection
        do {
            let manifest = try SweepManifest.read(layout)
            collection = SweepCollection.read(manifest, layout: layout)
            try collection.write(to: layout)
        } catch {
            throw Failure.exit(for: error)
        }
        let counts = collection.counts
        print("wrote \(layout.root.appendingPathComponent(SweepCollection.tableName).path): \(collection.rows.count) cases, \(counts.complete) complete, \(counts.failed) failed, \(counts.pending) pending")
        if counts.failed + counts.pending > 0 { throw ExitCode(1) }
    }
}
