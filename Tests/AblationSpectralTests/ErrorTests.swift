import AblationSpectral
import Testing

/// (h) argument validation.
@Suite struct ErrorTests {
    let nx = 6, ny = 5, nz = 4, h = 1.0e-3

    @Test(arguments: [SpectralBoundary.dirichlet, .periodic])
    func wrongArraySizesThrow(boundary: SpectralBoundary) throws {
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: boundary, coefficients: tissue)
        let good = [Double](repeating: 0, count: nx * ny * nz)
        let bad = [Double](repeating: 0, count: nx * ny * nz - 1)
        #expect(throws: SpectralError.arraySizeMismatch(argument: "theta0", expected: 120, actual: 119)) {
            try solver.evolve(theta0: bad, source: good, time: 1)
        }
        #expect(throws: SpectralError.arraySizeMismatch(argument: "source", expected: 120, actual: 121)) {
            try solver.evolve(theta0: good, source: good + [1], time: 1)
        }
        #expect(throws: SpectralError.self) {
            try solver.evolve(theta0: [Float](repeating: 0, count: 3), source: good.map { Float($0) }, time: 1)
        }
        #expect(throws: SpectralError.self) { try solver.steadyState(source: bad) }
        #expect(throws: SpectralError.self) { try solver.steadyState(source: [Float]()) }
    }

    @Test func periodicSteadyStateWithoutPerfusionThrows() throws {
        let c = PennesCoefficients(conductivity: 0.5, volumetricHeatCapacity: 3.6e6, perfusionCoefficient: 0)
        for op in [SpectralOperator.continuous, .discrete] {
            let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .periodic,
                                                  operator: op, coefficients: c)
            let q = [Double](repeating: 1, count: nx * ny * nz)
            #expect(throws: SpectralError.singularSteadyState) { try solver.steadyState(source: q) }
            #expect(throws: SpectralError.singularSteadyState) { try solver.steadyState(source: q.map { Float($0) }) }
        }
        // ... but dirichlet without perfusion is fine.
        let dirichlet = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .dirichlet, coefficients: c)
        _ = try dirichlet.steadyState(source: [Double](repeating: 1, count: nx * ny * nz))
    }

    @Test func invalidConstructionThrows() {
        for (x, y, z) in [(0, 5, 4), (6, -1, 4), (6, 5, 0)] {
            #expect(throws: SpectralError.invalidGridSize(nx: x, ny: y, nz: z)) {
                try SpectralPennesSolver(nx: x, ny: y, nz: z, spacing: h, boundary: .dirichlet, coefficients: tissue)
            }
        }
        for spacing in [0.0, -1e-3, .nan, .infinity] {
            #expect(throws: SpectralError.self) {
                try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: spacing, boundary: .periodic, coefficients: tissue)
            }
        }
        let badCoefficients = [
            PennesCoefficients(conductivity: -1, volumetricHeatCapacity: 3.6e6, perfusionCoefficient: 0),
            PennesCoefficients(conductivity: 0.5, volumetricHeatCapacity: 0, perfusionCoefficient: 0),
            PennesCoefficients(conductivity: 0.5, volumetricHeatCapacity: 3.6e6, perfusionCoefficient: -5),
            PennesCoefficients(conductivity: .nan, volumetricHeatCapacity: 3.6e6, perfusionCoefficient: 0),
        ]
        for c in badCoefficients {
            #expect(throws: SpectralError.self) {
                try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .dirichlet, coefficients: c)
            }
        }
    }

    @Test func invalidTimeThrows() throws {
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .dirichlet, coefficients: tissue)
        let zero = [Double](repeating: 0, count: nx * ny * nz)
        for t in [-1.0, .nan, .infinity] {
            #expect(throws: SpectralError.self) { try solver.evolve(theta0: zero, source: zero, time: t) }
        }
    }

    @Test func errorsDescribeThemselves() {
        let text = SpectralError.arraySizeMismatch(argument: "source", expected: 10, actual: 9).description
        #expect(text.contains("source") && text.contains("10") && text.contains("9"))
        #expect(SpectralError.singularSteadyState.description.contains("singular"))
    }
}
