import AblationRandom
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A field that is an exact finite sum of DST-I modes of the dirichlet grid
/// (see `SpectralBoundary.dirichlet`), for building smooth verification data.
///
/// Value at sample `(i, j, k)` (0-based, x fastest):
///
///     sum over modes of  amplitude * sin(pi*mx*(i+1)/(nx+1))
///                                  * sin(pi*my*(j+1)/(ny+1))
///                                  * sin(pi*mz*(k+1)/(nz+1))
///
/// Physically, mode `(mx, my, mz)` is `sin(pi*mx*x/Lx) * sin(pi*my*y/Ly) *
/// sin(pi*mz*z/Lz)` with `x` measured from the zero plane and `Lx = (nx+1)*h`
/// (the box between the zero planes). The mode indices are therefore relative
/// to the box, not to the grid spacing: the SAME physical field sampled on a
/// finer grid keeps the same modes and the same box `L`, so the finer grid must
/// satisfy `n' + 1 = r * (n + 1)` with spacing `h' = h / r` (e.g. halving `h`
/// gives `n' + 1 = 2 * (n + 1)`). Use `resampled(nx:ny:nz:)` for that, and pass
/// the matching spacing `h'` to the solver.
///
/// Mode indices must satisfy `1 <= mx <= nx` (likewise y, z) so every mode is
/// resolved (higher indices would alias); this is checked with `precondition`.
public struct SineSeriesField: Sendable, Equatable {
    /// One separable term of the series.
    public struct Mode: Sendable, Hashable {
        public var mx: Int
        public var my: Int
        public var mz: Int
        public var amplitude: Double

        public init(mx: Int, my: Int, mz: Int, amplitude: Double) {
            self.mx = mx
            self.my = my
            self.mz = mz
            self.amplitude = amplitude
        }
    }

    public let nx: Int
    public let ny: Int
    public let nz: Int
    public let modes: [Mode]

    /// - Parameter modes: `(mx, my, mz, amplitude)` terms, `1 <= m <= n` per axis.
    public init(nx: Int, ny: Int, nz: Int, modes: [(mx: Int, my: Int, mz: Int, amplitude: Double)]) {
        self.init(nx: nx, ny: ny, nz: nz,
                  terms: modes.map { Mode(mx: $0.mx, my: $0.my, mz: $0.mz, amplitude: $0.amplitude) })
    }

    /// Same as `init(nx:ny:nz:modes:)` with `Mode` values.
    public init(nx: Int, ny: Int, nz: Int, terms: [Mode]) {
        precondition(nx > 0 && ny > 0 && nz > 0, "SineSeriesField: grid sizes must be positive")
        for mode in terms {
            precondition((1...nx).contains(mode.mx) && (1...ny).contains(mode.my) && (1...nz).contains(mode.mz),
                         "SineSeriesField: mode (\(mode.mx), \(mode.my), \(mode.mz)) not resolved on \(nx)x\(ny)x\(nz) grid")
            precondition(mode.amplitude.isFinite, "SineSeriesField: amplitude must be finite")
        }
        self.nx = nx
        self.ny = ny
        self.nz = nz
        self.modes = terms
    }

    /// Number of samples, `nx * ny * nz`.
    public var sampleCount: Int { nx * ny * nz }

    /// The field sampled on the grid, index `i + nx*(j + ny*k)`.
    public func sample() -> [Double] {
        var values = [Double](repeating: 0, count: sampleCount)
        for mode in modes {
            let sx = Self.axisTable(m: mode.mx, n: nx)
            let sy = Self.axisTable(m: mode.my, n: ny)
            let sz = Self.axisTable(m: mode.mz, n: nz)
            var index = 0
            for k in 0..<nz {
                for j in 0..<ny {
                    let ayz = mode.amplitude * sy[j] * sz[k]
                    for i in 0..<nx {
                        values[index] += ayz * sx[i]
                        index += 1
                    }
                }
            }
        }
        return values
    }

    /// Single-precision sampling (evaluated in double, rounded once).
    public func sampleFloat() -> [Float] {
        sample().map { Float($0) }
    }

    /// Value at one sample.
    public func value(i: Int, j: Int, k: Int) -> Double {
        var sum = 0.0
        for mode in modes {
            sum += mode.amplitude
                * Self.basis(m: mode.mx, index: i, n: nx)
                * Self.basis(m: mode.my, index: j, n: ny)
                * Self.basis(m: mode.mz, index: k, n: nz)
        }
        return sum
    }

    /// The same physical field (same modes, same box `L`) on another grid.
    /// The caller must use the spacing `h' = L / (n' + 1)` for the new grid.
    public func resampled(nx: Int, ny: Int, nz: Int) -> SineSeriesField {
        SineSeriesField(nx: nx, ny: ny, nz: nz, terms: modes)
    }

    /// The field multiplied by `factor`.
    public func scaled(by factor: Double) -> SineSeriesField {
        SineSeriesField(nx: nx, ny: ny, nz: nz,
                        terms: modes.map { Mode(mx: $0.mx, my: $0.my, mz: $0.mz, amplitude: factor * $0.amplitude) })
    }

    /// A deterministic pseudo-random field of `modeCount` terms, mode indices
    /// uniform in `1...min(maxMode, n)` per axis and amplitudes uniform in
    /// `[-1, 1)`, drawn from `SplitMix64(seed:)` in the order mx, my, mz,
    /// amplitude per term. Same arguments give the same field on every run.
    public static func random(nx: Int, ny: Int, nz: Int, maxMode: Int, seed: UInt64, modeCount: Int = 6) -> SineSeriesField {
        precondition(maxMode >= 1, "SineSeriesField.random: maxMode must be >= 1")
        precondition(modeCount >= 0, "SineSeriesField.random: modeCount must be >= 0")
        var rng = SplitMix64(seed: seed)
        var terms: [Mode] = []
        terms.reserveCapacity(modeCount)
        for _ in 0..<modeCount {
            let mx = rng.nextInt(in: 1...min(maxMode, nx))
            let my = rng.nextInt(in: 1...min(maxMode, ny))
            let mz = rng.nextInt(in: 1...min(maxMode, nz))
            let amplitude = rng.nextDouble(in: -1, 1)
            terms.append(Mode(mx: mx, my: my, mz: mz, amplitude: amplitude))
        }
        return SineSeriesField(nx: nx, ny: ny, nz: nz, terms: terms)
    }

    // MARK: - Analytic solution (continuous operator, dirichlet box)

    /// Exact PDE solution (continuous Laplacian, zero Dirichlet planes) at
    /// `time` as a sine series, evaluated mode by mode without any FFT.
    ///
    /// `theta0` is the initial temperature excess (K), `source` the constant
    /// heat source (W/m^3); `nil` means zero. At least one must be given, and
    /// both must be on the same grid. Mode `(mx,my,mz)` decays at rate
    /// `a = D*pi^2*(mx^2/Lx^2 + my^2/Ly^2 + mz^2/Lz^2) + P`, `L = (n+1)*h`.
    public static func exactSolutionField(
        at time: Double,
        theta0: SineSeriesField?,
        source: SineSeriesField?,
        coefficients: PennesCoefficients,
        spacing: Double
    ) -> SineSeriesField {
        guard let reference = theta0 ?? source else {
            preconditionFailure("SineSeriesField.exactSolution: theta0 and source cannot both be nil")
        }
        if let theta0, let source {
            precondition(theta0.nx == source.nx && theta0.ny == source.ny && theta0.nz == source.nz,
                         "SineSeriesField.exactSolution: theta0 and source grids differ")
        }
        precondition(time.isFinite && time >= 0, "SineSeriesField.exactSolution: time must be finite and >= 0")
        precondition(spacing.isFinite && spacing > 0, "SineSeriesField.exactSolution: spacing must be positive")
        let nx = reference.nx, ny = reference.ny, nz = reference.nz
        let lx = Double(nx + 1) * spacing
        let ly = Double(ny + 1) * spacing
        let lz = Double(nz + 1) * spacing
        let d = coefficients.diffusivity
        let p = coefficients.perfusionRate
        func rate(_ mode: Mode) -> Double {
            let kx = Double.pi * Double(mode.mx) / lx
            let ky = Double.pi * Double(mode.my) / ly
            let kz = Double.pi * Double(mode.mz) / lz
            return d * (kx * kx + ky * ky + kz * kz) + p
        }
        var terms: [Mode] = []
        for mode in theta0?.modes ?? [] {
            let factor = PennesModePropagator.decay(rate: rate(mode), time: time)
            terms.append(Mode(mx: mode.mx, my: mode.my, mz: mode.mz, amplitude: factor * mode.amplitude))
        }
        for mode in source?.modes ?? [] {
            let gain = PennesModePropagator.sourceGain(rate: rate(mode), time: time)
            terms.append(Mode(mx: mode.mx, my: mode.my, mz: mode.mz,
                              amplitude: gain * mode.amplitude / coefficients.volumetricHeatCapacity))
        }
        return SineSeriesField(nx: nx, ny: ny, nz: nz, terms: terms)
    }

    /// `exactSolutionField(...)` sampled on the grid (index `i + nx*(j + ny*k)`).
    public static func exactSolution(
        at time: Double,
        theta0: SineSeriesField?,
        source: SineSeriesField?,
        coefficients: PennesCoefficients,
        spacing: Double
    ) -> [Double] {
        exactSolutionField(at: time, theta0: theta0, source: source,
                           coefficients: coefficients, spacing: spacing).sample()
    }

    // MARK: - Basis helpers

    @inline(__always)
    private static func basis(m: Int, index: Int, n: Int) -> Double {
        sin(Double.pi * Double(m) * Double(index + 1) / Double(n + 1))
    }

    private static func axisTable(m: Int, n: Int) -> [Double] {
        (0..<n).map { basis(m: m, index: $0, n: n) }
    }
}
