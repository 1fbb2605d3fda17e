import AblationSpectral
import Testing

/// (e), (f): the discrete-operator steady state solves the 7-point FD equations
/// k*Lap_h(theta) - W*theta + Q = 0, and the discrete evolution matches a
/// fine-step RK4 integration of the semi-discrete system.
@Suite struct DiscreteSteadyStateTests {
    static let grids: [(Int, Int, Int)] = [(13, 10, 7), (16, 9, 1), (8, 1, 1), (1, 1, 1)]

    func residual(_ boundary: SpectralBoundary, nx: Int, ny: Int, nz: Int, h: Double,
                  coefficients c: PennesCoefficients, seed: UInt64) throws -> Double {
        let q = noise(count: nx * ny * nz, seed: seed, amplitude: 1e6)
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: boundary,
                                              operator: .discrete, coefficients: c)
        let theta = try solver.steadyState(source: q)
        let lap = fdLaplacian(theta, nx: nx, ny: ny, nz: nz, h: h, boundary: boundary)
        let r = theta.indices.map { c.conductivity * lap[$0] - c.perfusionCoefficient * theta[$0] + q[$0] }
        return maxAbs(r) / maxAbs(q)
    }

    @Test(arguments: grids)
    func dirichletSteadyStateSolvesFDEquations(grid: (Int, Int, Int)) throws {
        let (nx, ny, nz) = grid
        let value = try residual(.dirichlet, nx: nx, ny: ny, nz: nz, h: 1.0e-3, coefficients: tissue, seed: 51)
        #expect(value < 1e-10, "residual \(value)")
        // Without perfusion the dirichlet problem is still non-singular.
        let noPerfusion = PennesCoefficients(conductivity: 0.5, volumetricHeatCapacity: 3.6e6, perfusionCoefficient: 0)
        let value0 = try residual(.dirichlet, nx: nx, ny: ny, nz: nz, h: 1.0e-3, coefficients: noPerfusion, seed: 52)
        #expect(value0 < 1e-10, "residual (W = 0) \(value0)")
    }

    @Test(arguments: grids)
    func periodicSteadyStateSolvesFDEquations(grid: (Int, Int, Int)) throws {
        let (nx, ny, nz) = grid
        let value = try residual(.periodic, nx: nx, ny: ny, nz: nz, h: 1.0e-3, coefficients: tissue, seed: 61)
        #expect(value < 1e-10, "residual \(value)")
        // Odd sizes everywhere (no Nyquist) as well.
        let valueOdd = try residual(.periodic, nx: nx | 1, ny: ny | 1, nz: nz | 1, h: 0.5e-3, coefficients: tissue, seed: 62)
        #expect(valueOdd < 1e-10, "residual (odd sizes) \(valueOdd)")
    }

    @Test(arguments: [SpectralBoundary.dirichlet, .periodic])
    func discreteEvolutionMatchesRK4(boundary: SpectralBoundary) throws {
        let (nx, ny, nz, h) = (6, 5, 4, 1.0e-3)
        let n = nx * ny * nz
        let theta0 = noise(count: n, seed: 71, amplitude: 4)
        let q = noise(count: n, seed: 72, amplitude: 1e6)
        let t = 20.0, steps = 2000
        let dt = t / Double(steps)
        var y = theta0
        func f(_ y: [Double]) -> [Double] {
            fdRate(y, q, nx: nx, ny: ny, nz: nz, h: h, boundary: boundary, c: tissue)
        }
        for _ in 0..<steps {
            let k1 = f(y)
            let k2 = f(y.indices.map { y[$0] + 0.5 * dt * k1[$0] })
            let k3 = f(y.indices.map { y[$0] + 0.5 * dt * k2[$0] })
            let k4 = f(y.indices.map { y[$0] + dt * k3[$0] })
            y = y.indices.map { y[$0] + dt / 6 * (k1[$0] + 2 * k2[$0] + 2 * k3[$0] + k4[$0]) }
        }
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: boundary,
                                              operator: .discrete, coefficients: tissue)
        let spectral = try solver.evolve(theta0: theta0, source: q, time: t)
        let error = relativeError(spectral, y)
        #expect(error < 1e-9, "relative error \(error)")
        // The continuous operator is a different (PDE) answer for this rough data.
        let continuous = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: boundary,
                                                  operator: .continuous, coefficients: tissue)
        #expect(relativeError(try continuous.evolve(theta0: theta0, source: q, time: t), y) > 1e-4)
    }
}
