// ordo-one/benchmark suite for the two modality solvers that dominate RF and MW runs:
// the warm-started potential solve of a cooled-tip electrode (AblationElectric) and one
// evaluation of the microwave absorbed-power pattern (AblationMicrowave), both on the 160³
// grid of an 80 mm cube at 0.5 mm that the whole-treatment run-time targets use.
//
// One iteration is one solve at the runs' tolerance 1e-3 (after a 20 % conductivity change
// near the tip, about what 3 s of heating at full power give between two solves, alternating so
// every solve starts from a different field) or one pattern evaluation. Besides wallClock the
// custom metric Mvox/s is voxels of the grid per second of one iteration.
import AblationElectric
import AblationGrid
import AblationKernels
import AblationMicrowave
import Benchmark
import Foundation
import Synchronization

final class Slot<Value: AnyObject & Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)
    func set(_ v: Value?) { storage.withLock { $0 = v } }
    var value: Value { storage.withLock { $0! } }
}

let mvox = BenchmarkMetric.custom("Mvox/s", polarity: .prefersLarger, useScalingFactor: false)

func configuration(seconds: Int) -> Benchmark.Configuration {
    .init(metrics: [.wallClock, .throughput, mvox], timeUnits: .milliseconds, warmupIterations: 1,
          scalingFactor: .one, maxDuration: .seconds(seconds), maxIterations: 50)
}

/// A cooled-tip-like needle along z in liver: a 0.75 mm radius, 30 mm active cylinder at the cube's
/// centre held at the applied potential, an insulated shaft (1e-6 S/m) from it to the top face.
final class CooledTipProblem: @unchecked Sendable {
    let layout: PaddedLayout
    let solver: PotentialSolver
    let base: AlignedBuffer<Float>
    let heated: AlignedBuffer<Float>
    var flip = false

    init(n: Int, threads: Int) {
        let h = 0.08 / Double(n)
        layout = PaddedLayout(nx: n, ny: n, nz: n)
        base = AlignedBuffer(count: layout.count, repeating: 0)
        heated = AlignedBuffer(count: layout.count, repeating: 0)
        let electrode = AlignedBuffer<UInt8>(count: layout.count, repeating: 0)
        let c = Double(n - 1) / 2
        for k in 0..<n { for j in 0..<n { for i in 0..<n {
            let x = (Double(i) - c) * h, y = (Double(j) - c) * h, z = (Double(k) - c) * h
            let idx = layout.index(i, j, k)
            let r2 = x * x + y * y
            let inCylinder = r2 <= 0.00075 * 0.00075 + 1e-18
            base[idx] = inCylinder && z > 0.015 ? 1e-6 : 0.333
            if inCylinder && abs(z) <= 0.015 { electrode[idx] = 1 }
            // A hot region around the tip: +20 % conductivity (10 K), Gaussian of 6 mm (12 mm along z).
            heated[idx] = base[idx] * Float(1 + 0.2 * exp(-(r2 + z * z / 4) / (2 * 36e-6)))
        } } }
        solver = PotentialSolver(layout: layout, spacingM: h, threads: threads)
        solver.setConductivity(base)
        solver.setElectrode(electrode)
        _ = solver.solve(voltage: 40, tolerance: 1e-3)
    }

    func warmSolve() -> PotentialSolver.Result {
        flip.toggle()
        solver.setConductivity(flip ? heated : base)
        return solver.solve(voltage: 40, tolerance: 1e-3)
    }
}

/// The Emprint profile at 100 W in an 80 mm cube at 0.5 mm, tissue with a 100 °C core around the
/// antenna (so the rays cross dried and fresh tissue, as mid-treatment).
final class PatternProblem: @unchecked Sendable {
    let sar: MicrowaveSAR
    let temperature: [Float]
    var q: [Float] = []

    init(threads: Int) throws {
        let g = Grid3D(centerMM: .zero, sizeMM: [80, 80, 80], spacingMM: 0.5)
        sar = MicrowaveSAR(grid: g, placement: AntennaPlacement(tipMM: [0, 0, -20], entryMM: [0, 0, 60]),
                           profile: try DeviceProfile.profile(.emprint, frequencyMHz: 2450), threads: threads)
        var t = [Float](repeating: 37, count: g.voxelCount)
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let p = sar.cylindricalCoordinates(ofMM: g.worldPosition(i, j, k))
            if p.r < 8, p.z > -2, p.z < 25 { t[g.linearIndex(i, j, k)] = 100 }
        } } }
        temperature = t
    }

    func evaluate() -> DepositReport {
        sar.deposit(forwardPowerW: 100, temperature: temperature, peakTemperature: temperature, into: &q)
    }
}

let benchmarks: @Sendable () -> Void = {
    let threads = Int(ProcessInfo.processInfo.environment["ABLSIM_BENCH_THREADS"] ?? "") ?? 2
    let voxels = 160 * 160 * 160

    let tip = Slot<CooledTipProblem>()
    Benchmark("Potential solve, cooled tip, warm start, 160^3 (\(threads) threads)", configuration: configuration(seconds: 20)) { benchmark in
        for _ in benchmark.scaledIterations {
            let start = ContinuousClock.now
            blackHole(tip.value.warmSolve())
            let s = (ContinuousClock.now - start) / .seconds(1)
            benchmark.measurement(mvox, Int(Double(voxels) / s / 1e6))
        }
    } setup: {
        tip.set(CooledTipProblem(n: 160, threads: threads))
    } teardown: {
        tip.set(nil)
    }

    let pattern = Slot<PatternProblem>()
    Benchmark("MW absorbed-power pattern, Emprint 100 W, 160^3 (\(threads) threads)", configuration: configuration(seconds: 20)) { benchmark in
        for _ in benchmark.scaledIterations {
            let start = ContinuousClock.now
            blackHole(pattern.value.evaluate())
            let s = (ContinuousClock.now - start) / .seconds(1)
            benchmark.measurement(mvox, Int(Double(voxels) / s / 1e6))
        }
    } setup: {
        pattern.set(try PatternProblem(threads: threads))
    } teardown: {
        pattern.set(nil)
    }
}
