import Foundation
/// Which eigenvalues of the Laplacian the spectral solver uses per mode.
///
/// Both choices use the same wavenumbers: `k = 2*pi*m / L` with `L = n*h` and
/// `m` the signed frequency index for `.periodic` (the Nyquist index of an even
/// `n` is treated as the real mode `|m| = n/2`), and `k = pi*m / ((n+1)*h)`,
/// `m = 1...n`, for `.dirichlet`.
public enum SpectralOperator: Sendable, Hashable {
    /// Exact PDE Laplacian: `lambda = kx^2 + ky^2 + kz^2`. Gives the exact PDE
    /// solution whenever the initial condition and the source consist of modes
    /// the grid resolves.
    case continuous

    /// Eigenvalues of the standard 7-point finite-difference Laplacian on the
    /// same grid: `lambda = sum over axes of (4/h^2) * sin^2(k*h/2)`. Gives the
    /// exact solution of the semi-discrete (method-of-lines) ODE system, so a
    /// finite-difference time stepper should match it up to time-stepping error.
    case discrete
}
