import AblationSpectral
import Testing

/// (c) linearity, t = 0 identity and the semigroup property, for both boundaries.
@Suite struct LinearityTests {
    static let boundaries: [SpectralBoundary] = [.dirichlet, .periodic]
    let nx = 10, ny = 7, nz = 6
    let h = 1.0e-3

    @Test(arguments: boundaries)
    func linearInInitialConditionAndSource(boundary: SpectralBoundary) throws {
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: boundary, coefficients: tissue)
        let n = nx * ny * nz
        let theta1 = noise(count: n, seed: 11, amplitude: 5)
        let theta2 = noise(count: n, seed: 12, amplitude: 5)
        let q1 = noise(count: n, seed: 13, amplitude: 1e6)
        let q2 = noise(count: n, seed: 14, amplitude: 1e6)
        let (alpha, beta) = (0.7, -2.3)
        let t = 42.0
        let combined = try solver.evolve(theta0: theta1.indices.map { alpha * theta1[$0] + beta * theta2[$0] },
                                         source: q1.indices.map { alpha * q1[$0] + beta * q2[$0] }, time: t)
        let r1 = try solver.evolve(theta0: theta1, source: q1, time: t)
        let r2 = try solver.evolve(theta0: theta2, source: q2, time: t)
        let expected = r1.indices.map { alpha * r1[$0] + beta * r2[$0] }
        #expect(relativeError(combined, expected) < 1e-12)

        // Superposition of the homogeneous and the source-driven parts.
        let zero = [Double](repeating: 0, count: n)
        let homogeneous = try solver.evolve(theta0: theta1, source: zero, time: t)
        let driven = try solver.evolve(theta0: zero, source: q1, time: t)
        #expect(relativeError(homogeneous.indices.map { homogeneous[$0] + driven[$0] }, r1) < 1e-12)
    }

    @Test(arguments: boundaries)
    func timeZeroIsIdentity(boundary: SpectralBoundary) throws {
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: boundary, coefficients: tissue)
        let n = nx * ny * nz
        let theta0 = noise(count: n, seed: 21, amplitude: 3)
        let source = noise(count: n, seed: 22, amplitude: 1e6)
        let result = try solver.evolve(theta0: theta0, source: source, time: 0)
        #expect(relativeError(result, theta0) < 1e-13)
        let resultF = try solver.evolve(theta0: theta0.map { Float($0) }, source: source.map { Float($0) }, time: 0)
        #expect(relativeError(resultF, theta0) < 1e-6)
    }

    @Test(arguments: boundaries)
    func semigroupProperty(boundary: SpectralBoundary) throws {
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: boundary,
                                              operator: .discrete, coefficients: tissue)
        let n = nx * ny * nz
        let theta0 = noise(count: n, seed: 31, amplitude: 3)
        let source = noise(count: n, seed: 32, amplitude: 1e6)
        let direct = try solver.evolve(theta0: theta0, source: source, time: 30)
        let twoSteps = try solver.evolve(theta0: try solver.evolve(theta0: theta0, source: source, time: 12),
                                         source: source, time: 18)
        #expect(relativeError(twoSteps, direct) < 1e-12)
    }

    @Test func callerArraysAreNotModified() throws {
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .periodic, coefficients: tissue)
        let n = nx * ny * nz
        let theta0 = noise(count: n, seed: 41)
        let source = noise(count: n, seed: 42, amplitude: 1e6)
        let (copyT, copyS) = (theta0, source)
        _ = try solver.evolve(theta0: theta0, source: source, time: 10)
        _ = try solver.steadyState(source: source)
        #expect(theta0 == copyT && source == copyS)
    }
}
