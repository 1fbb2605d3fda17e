import AblationSpectral
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// (a) single sine mode, dirichlet, continuous operator, against the closed form.
@Suite struct DirichletSingleModeTests {
    let nx = 15, ny = 11, nz = 8
    let h = 1.0e-3
    let mx = 2, my = 3, mz = 1
    let amplitude = 3.0        // K
    let sourceAmplitude = 5.0e5 // W/m^3

    var shape: [Double] {
        separable(nx: nx, ny: ny, nz: nz,
                  { sin(Double.pi * Double(mx * ($0 + 1)) / Double(nx + 1)) },
                  { sin(Double.pi * Double(my * ($0 + 1)) / Double(ny + 1)) },
                  { sin(Double.pi * Double(mz * ($0 + 1)) / Double(nz + 1)) })
    }

    /// Decay rate a = D*lambda + P of the mode, computed independently.
    var rate: Double {
        let kx = Double.pi * Double(mx) / (Double(nx + 1) * h)
        let ky = Double.pi * Double(my) / (Double(ny + 1) * h)
        let kz = Double.pi * Double(mz) / (Double(nz + 1) * h)
        return tissue.conductivity / tissue.volumetricHeatCapacity * (kx * kx + ky * ky + kz * kz)
            + tissue.perfusionCoefficient / tissue.volumetricHeatCapacity
    }

    func closedForm(time t: Double) -> [Double] {
        let a = rate
        let s = sourceAmplitude / tissue.volumetricHeatCapacity
        let coefficient = exp(-a * t) * amplitude + (1 - exp(-a * t)) / a * s
        return shape.map { coefficient * $0 }
    }

    @Test(arguments: [0.0, 1.0, 60.0, 600.0, 5000.0])
    func doubleMatchesClosedForm(time: Double) throws {
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .dirichlet,
                                              coefficients: tissue)
        let shape = self.shape
        let result = try solver.evolve(theta0: shape.map { amplitude * $0 },
                                       source: shape.map { sourceAmplitude * $0 }, time: time)
        let error = relativeError(result, closedForm(time: time))
        #expect(error < 1e-12, "relative error \(error) at t = \(time)")
    }

    @Test(arguments: [0.0, 60.0, 600.0])
    func floatMatchesClosedForm(time: Double) throws {
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .dirichlet,
                                              coefficients: tissue)
        let shape = self.shape
        let result = try solver.evolve(theta0: shape.map { Float(amplitude * $0) },
                                       source: shape.map { Float(sourceAmplitude * $0) }, time: time)
        let error = relativeError(result, closedForm(time: time))
        #expect(error < 1e-5, "relative error \(error) at t = \(time)")
    }

    @Test func approachesSteadyState() throws {
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .dirichlet,
                                              coefficients: tissue)
        let shape = self.shape
        let source = shape.map { sourceAmplitude * $0 }
        let expectedSteady = shape.map { sourceAmplitude / tissue.volumetricHeatCapacity / rate * $0 }

        let steady = try solver.steadyState(source: source)
        #expect(relativeError(steady, expectedSteady) < 1e-12)

        let steadyFloat = try solver.steadyState(source: source.map { Float($0) })
        #expect(relativeError(steadyFloat, expectedSteady) < 1e-5)

        // exp(-a t) ~ e^-40 at this time: evolution has converged to the steady state.
        let late = try solver.evolve(theta0: shape.map { amplitude * $0 }, source: source, time: 40 / rate)
        #expect(relativeError(late, expectedSteady) < 1e-12)

        // Monotone approach from zero towards the steady amplitude.
        let zero = [Double](repeating: 0, count: shape.count)
        let probe = shape.indices.max { abs(shape[$0]) < abs(shape[$1]) }!
        var previous = 0.0
        for t in [1.0, 10.0, 30.0, 100.0] {  // a t from ~0.12 to ~12
            let value = try solver.evolve(theta0: zero, source: source, time: t)[probe] / expectedSteady[probe]
            #expect(value > previous && value < 1)
            previous = value
        }
    }
}
