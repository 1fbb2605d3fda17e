import Foundation
/// Exact (spectral) solution of the constant-coefficient Pennes bioheat
/// equation on a regular grid, used as a reference for finite-difference solvers.
///
/// With `theta = T - T_arterial`:
///
///     rho_c * dtheta/dt = k * Laplacian(theta) - W * theta + Q     (Q constant in time)
///
/// In the transform basis (DFT for `.periodic`, DST-I for `.dirichlet`) every
/// mode with Laplacian eigenvalue `-lambda` evolves independently. With
/// `D = k/rho_c`, `P = W/rho_c`, `s_hat = Q_hat/rho_c` and `a = D*lambda + P`:
///
///     theta_hat(t) = exp(-a t) * theta_hat(0) + (1 - exp(-a t))/a * s_hat
///
/// (`t * s_hat` when `a == 0`). See `SpectralBoundary` for the grid conventions
/// and `SpectralOperator` for the choice of `lambda`.
///
/// Thread safety: NOT thread-safe. An instance owns FFTW plans and work buffers
/// that every call reuses, so it must not be used from more than one thread at a
/// time; the class is deliberately not `Sendable`. Create one solver per thread
/// (or task) instead. Creating and destroying solvers concurrently is safe: all
/// FFTW planner calls are serialised by a process-wide lock
/// (see `withFFTWPlannerLock`).
public final class SpectralPennesSolver {
    public let nx: Int
    public let ny: Int
    public let nz: Int
    /// Grid spacing `h` in metres.
    public let spacing: Double
    public let boundary: SpectralBoundary
    public let spectralOperator: SpectralOperator
    public let coefficients: PennesCoefficients

    private let grid: SpectralGrid
    /// Decay rate `a = D*lambda + P` (1/s) per spectral coefficient.
    private let rates: [Double]
    private let doubleTransform: PrecisionTransform<DoublePrecision>
    /// Created on first single-precision call.
    private var floatTransform: PrecisionTransform<SinglePrecision>?

    /// Number of samples, `nx * ny * nz`.
    public var sampleCount: Int { grid.sampleCount }

    /// - Parameters:
    ///   - nx, ny, nz: samples per axis (each `>= 1`; a size of 1 embeds a
    ///     lower-dimensional problem: periodic keeps only the zero mode in that
    ///     axis, dirichlet keeps the single mode `m = 1`).
    ///   - spacing: isotropic grid spacing `h` in metres.
    ///   - boundary: `.periodic` or `.dirichlet` (see `SpectralBoundary`).
    ///   - operator: `.continuous` (exact PDE) or `.discrete` (7-point FD Laplacian).
    ///   - coefficients: Pennes coefficients (validated).
    public init(
        nx: Int, ny: Int, nz: Int,
        spacing: Double,
        boundary: SpectralBoundary,
        operator spectralOperator: SpectralOperator = .continuous,
        coefficients: PennesCoefficients
    ) throws {
        try coefficients.validate()
        let grid = try SpectralGrid(nx: nx, ny: ny, nz: nz, spacing: spacing, boundary: boundary)
        self.grid = grid
        self.nx = nx
        self.ny = ny
        self.nz = nz
        self.spacing = spacing
        self.boundary = boundary
        self.spectralOperator = spectralOperator
        self.coefficients = coefficients
        let d = coefficients.diffusivity
        let p = coefficients.perfusionRate
        self.rates = grid.modeEigenvalues(op: spectralOperator).map { d * $0 + p }
        self.doubleTransform = try PrecisionTransform<DoublePrecision>(grid: grid)
    }

    // MARK: - Evolution

    /// Temperature excess after `time` seconds, starting from `theta0` (K) with
    /// the constant source `source` (W/m^3). Double precision (`fftw_`).
    /// Both arrays must have `nx*ny*nz` elements; they are not modified.
    public func evolve(theta0: [Double], source: [Double], time: Double) throws -> [Double] {
        try checkSize(theta0, "theta0")
        try checkSize(source, "source")
        let (thetaMultiplier, sourceMultiplier) = try evolutionMultipliers(time: time)
        return doubleTransform.propagate(theta0: theta0, thetaMultiplier: thetaMultiplier,
                                         source: source, sourceMultiplier: sourceMultiplier)
    }

    /// Single-precision variant (`fftwf_`): same mathematics, with the mode
    /// multipliers evaluated in double precision and applied to the float spectra.
    public func evolve(theta0: [Float], source: [Float], time: Double) throws -> [Float] {
        try checkSize(theta0, "theta0")
        try checkSize(source, "source")
        let (thetaMultiplier, sourceMultiplier) = try evolutionMultipliers(time: time)
        return try singlePrecision().propagate(theta0: theta0, thetaMultiplier: thetaMultiplier,
                                               source: source, sourceMultiplier: sourceMultiplier)
    }

    // MARK: - Steady state

    /// The `t -> infinity` limit: solves `k*Lap(theta) - W*theta + Q = 0`
    /// (with the chosen operator and boundary). Throws
    /// `SpectralError.singularSteadyState` if any mode has zero decay rate,
    /// e.g. a periodic grid with `W == 0` (the zero mode).
    public func steadyState(source: [Double]) throws -> [Double] {
        try checkSize(source, "source")
        return doubleTransform.propagate(theta0: nil, thetaMultiplier: nil,
                                         source: source, sourceMultiplier: try steadyMultipliers())
    }

    /// Single-precision variant of `steadyState(source:)`.
    public func steadyState(source: [Float]) throws -> [Float] {
        try checkSize(source, "source")
        let multipliers = try steadyMultipliers()
        return try singlePrecision().propagate(theta0: nil, thetaMultiplier: nil,
                                               source: source, sourceMultiplier: multipliers)
    }

    // MARK: - Internals

    private func checkSize<T>(_ array: [T], _ name: String) throws(SpectralError) {
        guard array.count == grid.sampleCount else {
            throw .arraySizeMismatch(argument: name, expected: grid.sampleCount, actual: array.count)
        }
    }

    private func singlePrecision() throws -> PrecisionTransform<SinglePrecision> {
        if let floatTransform { return floatTransform }
        let created = try PrecisionTransform<SinglePrecision>(grid: grid)
        floatTransform = created
        return created
    }

    /// Multipliers per spectral coefficient, including the FFTW round-trip
    /// normalisation and the `1/rho_c` that turns `Q` into `s`.
    private func evolutionMultipliers(time: Double) throws(SpectralError) -> ([Double], [Double]) {
        guard time.isFinite, time >= 0 else { throw .invalidTime(time) }
        let norm = 1 / grid.roundTripScale
        let sourceScale = norm / coefficients.volumetricHeatCapacity
        var thetaMultiplier = [Double](repeating: 0, count: rates.count)
        var sourceMultiplier = [Double](repeating: 0, count: rates.count)
        for q in rates.indices {
            let a = rates[q]
            thetaMultiplier[q] = norm * PennesModePropagator.decay(rate: a, time: time)
            sourceMultiplier[q] = sourceScale * PennesModePropagator.sourceGain(rate: a, time: time)
        }
        return (thetaMultiplier, sourceMultiplier)
    }

    private func steadyMultipliers() throws(SpectralError) -> [Double] {
        let sourceScale = 1 / (grid.roundTripScale * coefficients.volumetricHeatCapacity)
        var multiplier = [Double](repeating: 0, count: rates.count)
        for q in rates.indices {
            let a = rates[q]
            guard a > 0 else { throw .singularSteadyState }
            multiplier[q] = sourceScale * PennesModePropagator.steadyGain(rate: a)
        }
        return multiplier
    }
}
