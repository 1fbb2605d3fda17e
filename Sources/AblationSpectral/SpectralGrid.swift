#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Grid geometry and the layout of transform coefficients.
///
/// Physical samples: `nx * ny * nz`, index `i + nx * (j + ny * k)`.
/// Spectral layout (FFTW row-major with dims `(nz, ny, nx)`, last index fastest):
/// - periodic: `(nz, ny, nx/2 + 1)` complex coefficients (r2c half spectrum);
/// - dirichlet: `(nz, ny, nx)` real DST-I coefficients, index `q` is mode `q + 1`.
struct SpectralGrid: Sendable {
    let nx: Int
    let ny: Int
    let nz: Int
    let spacing: Double
    let boundary: SpectralBoundary

    init(nx: Int, ny: Int, nz: Int, spacing: Double, boundary: SpectralBoundary) throws(SpectralError) {
        let limit = Int(Int32.max)
        guard nx > 0, ny > 0, nz > 0, nx <= limit, ny <= limit, nz <= limit else {
            throw .invalidGridSize(nx: nx, ny: ny, nz: nz)
        }
        let (nxy, o1) = nx.multipliedReportingOverflow(by: ny)
        let (n, o2) = nxy.multipliedReportingOverflow(by: nz)
        guard !o1, !o2, n <= Int.max / 16 else {
            throw .invalidGridSize(nx: nx, ny: ny, nz: nz)
        }
        guard spacing.isFinite, spacing > 0 else {
            throw .invalidSpacing(spacing)
        }
        self.nx = nx
        self.ny = ny
        self.nz = nz
        self.spacing = spacing
        self.boundary = boundary
    }

    /// Number of physical samples.
    var sampleCount: Int { nx * ny * nz }

    /// Length of the fastest spectral axis.
    var spectralNx: Int {
        switch boundary {
        case .periodic: return nx / 2 + 1
        case .dirichlet: return nx
        }
    }

    /// Number of spectral coefficients (complex for periodic, real for dirichlet).
    var spectralCount: Int { spectralNx * ny * nz }

    /// Factor by which a forward + backward unnormalised FFTW round trip scales data.
    var roundTripScale: Double {
        switch boundary {
        case .periodic:
            return Double(nx) * Double(ny) * Double(nz)
        case .dirichlet:
            return 8 * Double(nx + 1) * Double(ny + 1) * Double(nz + 1)
        }
    }

    /// Laplacian eigenvalues (`lambda >= 0`, Laplacian eigenvalue is `-lambda`)
    /// along one axis with `n` samples, in spectral storage order. `count` is the
    /// stored length (`n/2 + 1` for the periodic r2c axis, otherwise `n`).
    func axisEigenvalues(n: Int, count: Int, op: SpectralOperator) -> [Double] {
        let h = spacing
        return (0..<count).map { q -> Double in
            let k: Double
            switch boundary {
            case .periodic:
                // Signed frequency index; the Nyquist index of even n maps to |m| = n/2.
                let m = q <= n / 2 ? q : q - n
                k = 2 * Double.pi * Double(m) / (Double(n) * h)
            case .dirichlet:
                let m = q + 1
                k = Double.pi * Double(m) / (Double(n + 1) * h)
            }
            switch op {
            case .continuous:
                return k * k
            case .discrete:
                let s = sin(0.5 * k * h)
                return 4 / (h * h) * s * s
            }
        }
    }

    /// Per-coefficient Laplacian eigenvalue `lambda_x + lambda_y + lambda_z`
    /// in spectral storage order.
    func modeEigenvalues(op: SpectralOperator) -> [Double] {
        let sx = spectralNx
        let lx = axisEigenvalues(n: nx, count: sx, op: op)
        let ly = axisEigenvalues(n: ny, count: ny, op: op)
        let lz = axisEigenvalues(n: nz, count: nz, op: op)
        var result = [Double](repeating: 0, count: spectralCount)
        var index = 0
        for k in 0..<nz {
            for j in 0..<ny {
                let lyz = ly[j] + lz[k]
                for i in 0..<sx {
                    result[index] = lx[i] + lyz
                    index += 1
                }
            }
        }
        return result
    }
}
