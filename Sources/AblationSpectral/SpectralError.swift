import Foundation
/// Errors thrown by the spectral Pennes reference solver.
public enum SpectralError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A grid dimension is not positive (or the grid is too large for FFTW).
    case invalidGridSize(nx: Int, ny: Int, nz: Int)
    /// The grid spacing is not finite and positive.
    case invalidSpacing(Double)
    /// The Pennes coefficients are not physically admissible.
    case invalidCoefficients(String)
    /// The evolution time is negative or not finite.
    case invalidTime(Double)
    /// An input array does not have `nx * ny * nz` elements.
    case arraySizeMismatch(argument: String, expected: Int, actual: Int)
    /// The steady state does not exist: some mode has a zero decay rate
    /// (periodic boundary with zero perfusion, or `k == 0` and `W == 0`).
    case singularSteadyState
    /// FFTW returned a null plan.
    case planCreationFailed(String)

    public var description: String {
        switch self {
        case let .invalidGridSize(nx, ny, nz):
            return "SpectralError: invalid grid size \(nx)x\(ny)x\(nz) (every dimension must be positive and fit FFTW's int)"
        case let .invalidSpacing(h):
            return "SpectralError: grid spacing must be finite and positive, got \(h)"
        case let .invalidCoefficients(message):
            return "SpectralError: invalid Pennes coefficients: \(message)"
        case let .invalidTime(t):
            return "SpectralError: time must be finite and >= 0, got \(t)"
        case let .arraySizeMismatch(argument, expected, actual):
            return "SpectralError: '\(argument)' has \(actual) elements, expected \(expected)"
        case .singularSteadyState:
            return "SpectralError: steady state is singular (a mode has zero decay rate, e.g. periodic boundary with zero perfusion)"
        case let .planCreationFailed(what):
            return "SpectralError: FFTW plan creation failed (\(what))"
        }
    }
}
