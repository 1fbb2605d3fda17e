import AblationSpectral
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// (b) single cosine mode on the periodic grid against the closed form.
@Suite struct PeriodicSingleModeTests {
    let nx = 16, ny = 12, nz = 9
    let h = 1.0e-3

    struct Case: Sendable, CustomStringConvertible {
        let mx: Int, my: Int, mz: Int
        let op: SpectralOperator
        var description: String { "(\(mx),\(my),\(mz)) \(op)" }
    }

    static let cases: [Case] = [
        Case(mx: 3, my: 2, mz: 1, op: .continuous),
        Case(mx: 8, my: 6, mz: 4, op: .continuous),   // Nyquist in x and y (real modes)
        Case(mx: 0, my: 0, mz: 0, op: .continuous),   // zero mode: pure perfusion decay
        Case(mx: 3, my: 2, mz: 1, op: .discrete),
        Case(mx: 8, my: 5, mz: 4, op: .discrete),
    ]

    func shape(_ c: Case) -> [Double] {
        separable(nx: nx, ny: ny, nz: nz,
                  { cos(2 * Double.pi * Double(c.mx * $0) / Double(nx)) },
                  { cos(2 * Double.pi * Double(c.my * $0) / Double(ny)) },
                  { cos(2 * Double.pi * Double(c.mz * $0) / Double(nz)) })
    }

    func rate(_ c: Case) -> Double {
        func lambda(_ m: Int, _ n: Int) -> Double {
            let k = 2 * Double.pi * Double(m) / (Double(n) * h)
            switch c.op {
            case .continuous: return k * k
            case .discrete: return 4 / (h * h) * pow(sin(k * h / 2), 2)
            }
        }
        return tissue.conductivity / tissue.volumetricHeatCapacity
            * (lambda(c.mx, nx) + lambda(c.my, ny) + lambda(c.mz, nz))
            + tissue.perfusionCoefficient / tissue.volumetricHeatCapacity
    }

    @Test(arguments: cases)
    func matchesClosedForm(_ c: Case) throws {
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .periodic,
                                              operator: c.op, coefficients: tissue)
        let shape = self.shape(c)
        let a = rate(c)
        let (amp, src) = (-2.0, 7.0e5)
        let theta0 = shape.map { amp * $0 }
        let source = shape.map { src * $0 }
        for t in [0.0, 5.0, 120.0, 2000.0] {
            let coefficient = exp(-a * t) * amp + (1 - exp(-a * t)) / a * src / tissue.volumetricHeatCapacity
            let expected = shape.map { coefficient * $0 }
            let result = try solver.evolve(theta0: theta0, source: source, time: t)
            #expect(relativeError(result, expected) < 1e-12, "double, t = \(t)")
            let resultF = try solver.evolve(theta0: theta0.map { Float($0) }, source: source.map { Float($0) }, time: t)
            #expect(relativeError(resultF, expected) < 1e-5, "float, t = \(t)")
        }
        let steadyExpected = shape.map { src / tissue.volumetricHeatCapacity / a * $0 }
        #expect(relativeError(try solver.steadyState(source: source), steadyExpected) < 1e-12)
    }

    /// With W = 0 the zero mode has a = 0: a uniform source heats linearly, theta0 + Q t / rho_c.
    @Test func zeroModeWithoutPerfusionGrowsLinearly() throws {
        let c = PennesCoefficients(conductivity: 0.5, volumetricHeatCapacity: 3.6e6, perfusionCoefficient: 0)
        let solver = try SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .periodic, coefficients: c)
        let n = nx * ny * nz
        let q = 1.0e6, t = 36.0
        let result = try solver.evolve(theta0: [Double](repeating: 1.5, count: n),
                                       source: [Double](repeating: q, count: n), time: t)
        let expected = [Double](repeating: 1.5 + q * t / c.volumetricHeatCapacity, count: n)
        #expect(relativeError(result, expected) < 1e-13)
    }
}
