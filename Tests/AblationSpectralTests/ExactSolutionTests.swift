import AblationRandom
import AblationSpectral
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// (d) FFT path against the mode-by-mode analytic evaluator, plus n = 1 axes.
@Suite struct ExactSolutionTests {
    @Test(arguments: [0.0, 3.0, 45.0, 400.0, 1.0e4])
    func randomSixModeField(time: Double) throws {
        let (nx, ny, nz) = (17, 12, 9)
        let h = 0.8e-3
        let theta0 = SineSeriesField.random(nx: nx, ny: ny, nz: nz, maxMode: 5, seed: 2024).scaled(by: 4)
        let source = SineSeriesField.random(nx: nx, ny: ny, nz: nz, maxMode: 5, seed: 7).scaled(by: 8e5)
        #expect(theta0.modes.count == 6 && source.modes.count == 6)
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .dirichlet, coefficients: tissue)
        let fft = try solver.evolve(theta0: theta0.sample(), source: source.sample(), time: time)
        let exact = SineSeriesField.exactSolution(at: time, theta0: theta0, source: source,
                                                  coefficients: tissue, spacing: h)
        let error = relativeError(fft, exact)
        #expect(error < 1e-12, "relative error \(error)")
    }

    @Test func steadyStateMatchesLongTimeExact() throws {
        let (nx, ny, nz) = (17, 12, 9)
        let h = 0.8e-3
        let source = SineSeriesField.random(nx: nx, ny: ny, nz: nz, maxMode: 5, seed: 99).scaled(by: 1e6)
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .dirichlet, coefficients: tissue)
        let steady = try solver.steadyState(source: source.sample())
        let exact = SineSeriesField.exactSolution(at: 1e7, theta0: nil, source: source, coefficients: tissue, spacing: h)
        #expect(relativeError(steady, exact) < 1e-12)
    }

    @Test func randomFieldIsDeterministic() {
        let a = SineSeriesField.random(nx: 17, ny: 12, nz: 9, maxMode: 5, seed: 2024)
        let b = SineSeriesField.random(nx: 17, ny: 12, nz: 9, maxMode: 5, seed: 2024)
        let c = SineSeriesField.random(nx: 17, ny: 12, nz: 9, maxMode: 5, seed: 2025)
        #expect(a == b)
        #expect(a != c)
        #expect(a.modes.allSatisfy { (1...5).contains($0.mx) && (1...5).contains($0.my) && (1...5).contains($0.mz) })
        // Pin the SplitMix64 stream (reference values of the published algorithm, seed 0).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func sampleMatchesDefinition() {
        let field = SineSeriesField(nx: 5, ny: 4, nz: 3, modes: [(mx: 2, my: 1, mz: 3, amplitude: 1.5),
                                                                  (mx: 5, my: 4, mz: 1, amplitude: -0.25)])
        let values = field.sample()
        for k in 0..<3 { for j in 0..<4 { for i in 0..<5 {
            let expected = 1.5 * sin(.pi * 2 * Double(i + 1) / 6) * sin(.pi * 1 * Double(j + 1) / 5) * sin(.pi * 3 * Double(k + 1) / 4)
                - 0.25 * sin(.pi * 5 * Double(i + 1) / 6) * sin(.pi * 4 * Double(j + 1) / 5) * sin(.pi * 1 * Double(k + 1) / 4)
            #expect(abs(values[i + 5 * (j + 4 * k)] - expected) < 1e-14)
            #expect(abs(field.value(i: i, j: j, k: k) - expected) < 1e-14)
        } } }
    }

    /// Refinement keeps the box L = (n+1) h: the resampled field agrees at the shared points.
    @Test func resampledFieldIsSamePhysicalField() {
        let coarse = SineSeriesField.random(nx: 7, ny: 5, nz: 3, maxMode: 3, seed: 5)
        let fine = coarse.resampled(nx: 15, ny: 11, nz: 7)   // n' + 1 = 2 (n + 1)
        let (c, f) = (coarse.sample(), fine.sample())
        for k in 0..<3 { for j in 0..<5 { for i in 0..<7 {
            // coarse sample i at (i+1) h = fine sample 2i+1 at (2i+2) h/2
            let fineIndex = (2 * i + 1) + 15 * ((2 * j + 1) + 11 * (2 * k + 1))
            #expect(abs(c[i + 7 * (j + 5 * k)] - f[fineIndex]) < 1e-13)
        } } }
    }

    /// Dirichlet with n = 1 along y and z keeps the single mode m = 1 there.
    @Test func dirichletWithSingletonAxes() throws {
        let h = 1.0e-3
        for (nx, ny, nz) in [(20, 1, 1), (14, 9, 1), (1, 1, 1)] {
            let theta0 = SineSeriesField.random(nx: nx, ny: ny, nz: nz, maxMode: 6, seed: 3)
            let source = SineSeriesField.random(nx: nx, ny: ny, nz: nz, maxMode: 6, seed: 4).scaled(by: 1e6)
            let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .dirichlet, coefficients: tissue)
            let fft = try solver.evolve(theta0: theta0.sample(), source: source.sample(), time: 0.5)
            let exact = SineSeriesField.exactSolution(at: 0.5, theta0: theta0, source: source, coefficients: tissue, spacing: h)
            #expect(relativeError(fft, exact) < 1e-12, "\(nx)x\(ny)x\(nz)")
        }
    }

    /// Periodic with n = 1 along an axis keeps only its zero mode: a 1D problem.
    @Test func periodicOneDimensional() throws {
        let (nx, h) = (32, 1.0e-3)
        let m = 3
        let solver = try SpectralPennesSolver(nx: nx, ny: 1, nz: 1, spacing: h, boundary: .periodic, coefficients: tissue)
        let shape = (0..<nx).map { cos(2 * Double.pi * Double(m * $0) / Double(nx)) + 0.5 }
        let k = 2 * Double.pi * Double(m) / (Double(nx) * h)
        let d = tissue.diffusivity, p = tissue.perfusionRate
        let t = 25.0
        let result = try solver.evolve(theta0: shape, source: [Double](repeating: 0, count: nx), time: t)
        let expected = (0..<nx).map { cos(2 * Double.pi * Double(m * $0) / Double(nx)) * exp(-(d * k * k + p) * t) + 0.5 * exp(-p * t) }
        #expect(relativeError(result, expected) < 1e-12)
    }
}
