import AblationSpectral
import Testing

/// Separate solver instances may be created, used and destroyed concurrently
/// (the FFTW planner is guarded by a process-wide lock).
@Suite struct ConcurrencyTests {
    @Test func independentSolversInParallelTasks() async throws {
        let (nx, ny, nz, h) = (9, 8, 7, 1.0e-3)
        let theta0 = SineSeriesField.random(nx: nx, ny: ny, nz: nz, maxMode: 4, seed: 91)
        let source = SineSeriesField.random(nx: nx, ny: ny, nz: nz, maxMode: 4, seed: 92).scaled(by: 1e6)
        let exact = SineSeriesField.exactSolution(at: 10, theta0: theta0, source: source, coefficients: tissue, spacing: h)
        let errors = try await withThrowingTaskGroup(of: Double.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .dirichlet,
                                                          coefficients: tissue)
                    let d = try solver.evolve(theta0: theta0.sample(), source: source.sample(), time: 10)
                    _ = try solver.evolve(theta0: theta0.sampleFloat(), source: source.sampleFloat(), time: 10)
                    return relativeError(d, exact)
                }
            }
            var all: [Double] = []
            for try await e in group { all.append(e) }
            return all
        }
        #expect(errors.count == 16 && errors.allSatisfy { $0 < 1e-12 })
    }
}
