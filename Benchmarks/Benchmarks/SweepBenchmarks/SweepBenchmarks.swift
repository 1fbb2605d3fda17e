// ordo-one/benchmark for `ablsim sweep collect`: reading 10,000 case folders (a 100 x 100 sweep)
// and writing summary.csv and the plots. The fixture copies one real summary.json (a 2 mm run of
// the bundled default preset) into every case folder, as scripts/sweep/bench-collect.sh does
// through the command line. The target is under 10 s.
import AblationJSON
import AblationPreset
import AblationRun
import AblationSweep
import Benchmark
import Foundation
import Synchronization

final class SweepFixture: @unchecked Sendable {
    let root: URL
    let layout: SweepLayout
    let manifest: SweepManifest

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-bench-collect-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let base = root.appendingPathComponent("base.json")
        try Data(BundledPresets.named(BundledPresets.defaultName)!.utf8).write(to: base)
        let powers = (0..<100).map { String(1 + Double($0) / 20) }.joined(separator: ", ")
        let durations = (0..<100).map { String(60 + 6 * $0) }.joined(separator: ", ")
        let sweepPath = root.appendingPathComponent("sweep.json")
        try Data("""
            {"ablsim_sweep": 1, "name": "bench-10k", "base": "base.json",
             "axes": {"grid.spacing_mm": [2], "applicators.0.schedule.0.power_w": [\(powers)],
                      "applicators.0.schedule.0.duration_s": [\(durations)]}}
            """.utf8).write(to: sweepPath)
        let plan = try SweepPlan.load(sweepPath: sweepPath.path, validation: .allCases)
        layout = SweepLayout(root: root.appendingPathComponent("out"))
        manifest = SweepManifest(plan: plan)
        try FileManager.default.createDirectory(at: layout.cases, withIntermediateDirectories: true)
        try manifest.write(to: layout)
        var one = RunPipeline()
        one.presetPath = base.path
        one.overrides = ["grid.spacing_mm=2", "output.formats=[]"]
        one.outputDirectory = root.appendingPathComponent("one").path
        _ = try one.run()
        let summary = try Data(contentsOf: root.appendingPathComponent("one/summary.json"))
        for c in manifest.cases {
            try FileManager.default.createDirectory(at: layout.caseDirectory(c.id), withIntermediateDirectories: true)
            try summary.write(to: layout.summary(c.id))
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }
}

final class Slot: Sendable {
    private let storage = Mutex<SweepFixture?>(nil)
    func set(_ v: SweepFixture?) { storage.withLock { $0 = v } }
    var value: SweepFixture { storage.withLock { $0! } }
}

let benchmarks: @Sendable () -> Void = {
    let fixture = Slot()
    Benchmark("sweep collect, 10,000 case folders",
              configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .milliseconds, warmupIterations: 1,
                                   scalingFactor: .one, maxDuration: .seconds(30), maxIterations: 10)) { benchmark in
        for _ in benchmark.scaledIterations {
            let f = fixture.value
            let collection = SweepCollection.read(f.manifest, layout: f.layout)
            try collection.write(to: f.layout)
            precondition(collection.rows.count == 10_000 && collection.counts.complete == 10_000)
        }
    } setup: {
        fixture.set(try SweepFixture())
    } teardown: {
        fixture.set(nil)
    }
}
