import AblationSpectral
import Testing

/// (g) single and double precision paths agree.
@Suite struct PrecisionTests {
    @Test(arguments: [SpectralBoundary.dirichlet, .periodic], [SpectralOperator.continuous, .discrete])
    func floatAgreesWithDouble(boundary: SpectralBoundary, op: SpectralOperator) throws {
        let (nx, ny, nz, h) = (17, 12, 9, 1.0e-3)
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: boundary,
                                              operator: op, coefficients: tissue)
        // Smooth data (a realistic temperature field) in float-representable values.
        let theta0 = SineSeriesField.random(nx: nx, ny: ny, nz: nz, maxMode: 4, seed: 81).scaled(by: 10)
            .sampleFloat().map { Double($0) }
        let source = SineSeriesField.random(nx: nx, ny: ny, nz: nz, maxMode: 4, seed: 82).scaled(by: 1e6)
            .sampleFloat().map { Double($0) }
        for t in [0.0, 30.0, 300.0] {
            let d = try solver.evolve(theta0: theta0, source: source, time: t)
            let f = try solver.evolve(theta0: theta0.map { Float($0) }, source: source.map { Float($0) }, time: t)
            let error = relativeError(f, d)
            #expect(error < 1e-5, "t = \(t): \(error)")
        }
        let d = try solver.steadyState(source: source)
        let f = try solver.steadyState(source: source.map { Float($0) })
        #expect(relativeError(f, d) < 1e-5)
    }
}
