// ordo-one/benchmark suite for the AblationKernels hot loops: the Swift SIMD Pennes step, its
// plain-C twin on identical data, and a STREAM triad in both languages.
//
// One benchmark iteration is one full explicit step over the grid (or one triad pass). Besides
// wallClock and throughput (iterations, i.e. steps, per second) every benchmark records two
// custom metrics per iteration: Mvox/s (interior voxels updated per second) and MB/s under the
// byte model of KernelBenchShared.ByteModel. kernel-report turns the same measurements into
// fractions of triad bandwidth.
import Benchmark
import KernelBenchShared
import Synchronization

/// Fixtures are large (a 256³ problem holds ~650 MB of coefficient arrays), so each benchmark
/// builds its own in `setup` and drops it in `teardown`.
final class FixtureSlot<Value: AnyObject & Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)
    func set(_ v: Value?) { storage.withLock { $0 = v } }
    var value: Value { storage.withLock { $0! } }
}

enum Metrics {
    static let mvox = BenchmarkMetric.custom("Mvox/s", polarity: .prefersLarger, useScalingFactor: false)
    static let megabytes = BenchmarkMetric.custom("MB/s (byte model)", polarity: .prefersLarger, useScalingFactor: false)
}

func configuration(seconds: Int = 3) -> Benchmark.Configuration {
    .init(metrics: [.wallClock, .throughput, Metrics.mvox, Metrics.megabytes],
          timeUnits: .microseconds,
          warmupIterations: 3,
          scalingFactor: .one,
          maxDuration: .seconds(seconds),
          maxIterations: 1_000)
}

/// Times `body` with the suite's own clock and records the per-iteration rates.
func record(_ benchmark: Benchmark, units: Int, bytes: Int, _ body: () -> Void) {
    let seconds = elapsedSeconds(body)
    benchmark.measurement(Metrics.mvox, Int((Double(units) / seconds / 1e6).rounded()))
    benchmark.measurement(Metrics.megabytes, Int((Double(bytes) / seconds / 1e6).rounded()))
}

func pennesBenchmark(language: String, n: Int, threads: Int, general: Bool) {
    let name = "pennes-\(language)\(general ? "-general" : "")-\(n)^3-\(threads)t"
    let slot = FixtureSlot<PennesFixture>()
    let useC = language == "c"
    Benchmark(name, configuration: configuration(), closure: { benchmark in
        let f = slot.value
        record(benchmark, units: f.voxels, bytes: f.bytesPerStep) {
            if useC { f.stepC(threads: threads) } else { f.stepSwift(threads: threads) }
        }
    }, setup: {
        slot.set(PennesFixture(n: n, general: general))
    }, teardown: {
        slot.set(nil)
    })
}

func triadBenchmark(language: String, n: Int, threads: Int) {
    let name = "triad\(language == "c" ? "-c" : "")-\(n)^3-\(threads)t"
    let slot = FixtureSlot<TriadFixture>()
    let useC = language == "c"
    Benchmark(name, configuration: configuration(seconds: 2), closure: { benchmark in
        let f = slot.value
        // "Mvox/s" here reads as million triad elements per second.
        record(benchmark, units: f.count, bytes: f.bytesPerRun) {
            if useC { f.runC(threads: threads) } else { f.runSwift(threads: threads) }
        }
    }, setup: {
        slot.set(TriadFixture(count: n * n * n))
    }, teardown: {
        slot.set(nil)
    })
}

let benchmarks: @Sendable () -> Void = {
    for language in ["swift", "c"] {
        for n in [128, 256] {
            for threads in [1, 2] {
                pennesBenchmark(language: language, n: n, threads: threads, general: false)
            }
        }
        pennesBenchmark(language: language, n: 256, threads: 2, general: true)
    }
    for language in ["swift", "c"] {
        for threads in [1, 2] {
            triadBenchmark(language: language, n: 256, threads: threads)
        }
    }
}
