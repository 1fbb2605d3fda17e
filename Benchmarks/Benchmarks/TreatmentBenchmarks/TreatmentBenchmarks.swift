// ordo-one/benchmark suite for whole treatments at their run-time targets: the bundled
// cooled-tip RF preset (12 min, and with its default pump-off check) and the Emprint MWA preset at 100 W for 10 min, both on the 160³
// grid of an 80 mm cube at 0.5 mm. One iteration is one `Simulation.run()` (stepping, damage,
// potential solves or antenna updates; not the preset parsing, zone analysis or file encoding
// that `ablsim run` adds, about 1-2 s). Besides wallClock the custom metric is voxel updates per
// second (grid voxels x time steps / wall time).
import AblationPreset
import AblationSimulation
import Benchmark
import Foundation
import Synchronization

final class Slot<Value: AnyObject & Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)
    func set(_ v: Value?) { storage.withLock { $0 = v } }
    var value: Value { storage.withLock { $0! } }
}

let updates = BenchmarkMetric.custom("Mvox updates/s", polarity: .prefersLarger, useScalingFactor: false)

/// A bundled preset with overrides, parsed once; `run` simulates it from the start.
final class Treatment: @unchecked Sendable {
    let preset: Preset
    let scene: Scene
    let threads: Int
    init(bundled name: String, overrides: [String], threads: Int) throws {
        guard let json = BundledPresets.all.first(where: { $0.name == name })?.json else {
            fatalError("no bundled preset \(name)")
        }
        preset = try Preset.parse(bytes: Array(json.utf8), source: name, overrides: overrides).0
        scene = try Scene(preset: preset)
        self.threads = threads
    }
    func run() throws -> SimulationResult { try Simulation(preset: preset, scene: scene, threads: threads).run() }
}

/// A few iterations: one run takes tens of seconds.
func configuration() -> Benchmark.Configuration {
    .init(metrics: [.wallClock, updates], timeUnits: .seconds, warmupIterations: 0,
          scalingFactor: .one, maxDuration: .seconds(200), maxIterations: 3)
}

let benchmarks: @Sendable () -> Void = {
    let threads = Int(ProcessInfo.processInfo.environment["ABLSIM_BENCH_THREADS"] ?? "") ?? 2
    // ABLSIM_BENCH_SPACING_MM: a coarser grid for a quick check of the suite itself.
    let spacing = ProcessInfo.processInfo.environment["ABLSIM_BENCH_SPACING_MM"] ?? "0.5"
    let cases: [(label: String, preset: String, overrides: [String])] = [
        // The run-time target is set for the 12-min treatment; the preset adds a 60-s pump-off check by default.
        ("RF cooled tip, impedance to 200 W, 12 min", "rfa-cooled-tip-12min",
         ["grid.spacing_mm=\(spacing)", "applicators.0.pump_off_s=0"]),
        ("RF cooled tip, 12 min + 60 s pump-off check", "rfa-cooled-tip-12min", ["grid.spacing_mm=\(spacing)"]),
        ("MWA Emprint 100 W, 10 min", "mwa-2450-emprint-100w-5min",
         ["grid.spacing_mm=\(spacing)", "applicators.0.schedule.0.duration_s=600"]),
    ]
    for c in cases {
        let slot = Slot<Treatment>()
        Benchmark("\(c.label), \(spacing) mm (\(threads) threads)", configuration: configuration()) { benchmark in
            for _ in benchmark.scaledIterations {
                let start = ContinuousClock.now
                let result = try slot.value.run()
                let s = (ContinuousClock.now - start) / .seconds(1)
                let g = slot.value.scene.grid
                benchmark.measurement(updates, Int(Double(g.nx * g.ny * g.nz) * Double(result.steps) / s / 1e6))
                blackHole(result)
            }
        } setup: {
            slot.set(try Treatment(bundled: c.preset, overrides: c.overrides, threads: threads))
        } teardown: {
            slot.set(nil)
        }
    }
}
