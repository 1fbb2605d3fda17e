import Foundation
/// Boundary treatment of the spectral reference solver.
///
/// Grid convention (shared with the finite-difference solver): `nx * ny * nz`
/// samples, x fastest (linear index `i + nx * (j + ny * k)`), isotropic spacing
/// `h` in metres.
public enum SpectralBoundary: Sendable, Hashable {
    /// Periodic box. Sample `i` sits at `x_i = i * h`; the period is `L = n * h`
    /// per axis. Transform: FFTW real-to-complex / complex-to-real 3D DFT.
    case periodic

    /// Homogeneous Dirichlet: `theta = 0` on the planes one spacing outside the
    /// samples (ghost indices `-1` and `n`). The box between the zero planes has
    /// length `L = (n + 1) * h` and sample `i` sits at `(i + 1) * h` from the
    /// zero plane. Transform: DST-I (`FFTW_RODFT00`) along all three axes.
    case dirichlet
}
