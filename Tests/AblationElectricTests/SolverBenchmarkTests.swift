import Foundation
import Testing
import AblationKernels
@testable import AblationElectric

/// Iteration counts and timings for docs/devices.md#rf-potential-solver-ablationelectric:
/// cooled-tip-like needle in an 80 mm liver cube at 80^3 (1 mm) and 160^3 (0.5 mm), cold start and warm
/// start after a 2 % heating-like sigma change. Runs only with ABLSIM_RFA_BENCH=1 (it takes a while at
/// 160^3); prints one line per case.
@Test(.enabled(if: ProcessInfo.processInfo.environment["ABLSIM_RFA_BENCH"] == "1"))
func cooledTipIterationCounts() {
    let threads = Int(ProcessInfo.processInfo.environment["ABLSIM_RFA_THREADS"] ?? "") ?? 2
    let sizes = (ProcessInfo.processInfo.environment["ABLSIM_RFA_SIZES"] ?? "80,160").split(separator: ",").compactMap { Int($0) }
    let withJacobi = ProcessInfo.processInfo.environment["ABLSIM_RFA_JACOBI"] == "1"
    for n in sizes {
        let p = ElectricProblem.cooledTip(n: n)
        for pre in withJacobi ? [PotentialSolver.Preconditioner.multigrid, .jacobi] : [.multigrid] {
            let clock = ContinuousClock()
            let solver = PotentialSolver(layout: p.layout, spacingM: p.spacingM, threads: threads)
            solver.preconditioner = pre
            var t0 = clock.now
            solver.setConductivity(p.sigma)
            solver.setElectrode(p.electrode)
            let cold = solver.solve(voltage: 40)
            let coldTime = clock.now - t0
            let changed = AlignedBuffer<Float>(count: p.layout.count, repeating: 0)
            changed.copy(from: p.sigma)
            p.forEachVoxel { idx, x, y, z in
                changed[idx] *= Float(1 + 0.02 * exp(-(x * x + y * y + z * z / 4) / (2 * 6e-3 * 6e-3)))
            }
            t0 = clock.now
            solver.setConductivity(changed)
            let warm = solver.solve(voltage: 40)
            let warmTime = clock.now - t0
            let q = AlignedBuffer<Float>(count: p.layout.count, repeating: 0)
            t0 = clock.now
            solver.jouleHeat(into: q)
            let heatTime = clock.now - t0
            print("bench n=\(n) \(pre) threads=\(threads) electrode=\(p.electrodeVoxels) vox: "
                  + "cold \(cold.iterations) it (\(cold.refinements) refinements) \(coldTime) rel \(cold.relativeResidual); "
                  + "warm \(warm.iterations) it \(warmTime) from rel \(warm.initialRelativeResidual) to \(warm.relativeResidual); "
                  + "R = \(cold.resistance) -> \(warm.resistance) ohm; joule \(heatTime)")
            #expect(cold.converged && warm.converged)
        }
    }
}
