import AblationRandom
import AblationSpectral
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tissue-like coefficients used throughout the tests.
let tissue = PennesCoefficients(conductivity: 0.5, volumetricHeatCapacity: 3.6e6, perfusionCoefficient: 2000)

/// `max |a - b| / max |b|` (max-norm relative error).
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var diff = 0.0, scale = 0.0
    for q in a.indices {
        diff = max(diff, abs(a[q] - b[q]))
        scale = max(scale, abs(b[q]))
    }
    return scale == 0 ? diff : diff / scale
}

func relativeError(_ a: [Float], _ b: [Double]) -> Double {
    relativeError(a.map { Double($0) }, b)
}

func maxAbs(_ a: [Double]) -> Double {
    a.reduce(0) { max($0, abs($1)) }
}

/// Deterministic noise in [-amplitude, amplitude).
func noise(count: Int, seed: UInt64, amplitude: Double = 1) -> [Double] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in rng.nextDouble(in: -amplitude, amplitude) }
}

/// Independent reference implementation of the 7-point Laplacian
/// (zero ghost values for dirichlet, wrap-around for periodic).
func fdLaplacian(_ theta: [Double], nx: Int, ny: Int, nz: Int, h: Double, boundary: SpectralBoundary) -> [Double] {
    func at(_ i: Int, _ j: Int, _ k: Int) -> Double {
        switch boundary {
        case .dirichlet:
            if i < 0 || i >= nx || j < 0 || j >= ny || k < 0 || k >= nz { return 0 }
            return theta[i + nx * (j + ny * k)]
        case .periodic:
            let ii = (i + nx) % nx, jj = (j + ny) % ny, kk = (k + nz) % nz
            return theta[ii + nx * (jj + ny * kk)]
        }
    }
    var result = [Double](repeating: 0, count: theta.count)
    for k in 0..<nz {
        for j in 0..<ny {
            for i in 0..<nx {
                let c = at(i, j, k)
                let sum = at(i - 1, j, k) + at(i + 1, j, k) + at(i, j - 1, k) + at(i, j + 1, k)
                    + at(i, j, k - 1) + at(i, j, k + 1)
                result[i + nx * (j + ny * k)] = (sum - 6 * c) / (h * h)
            }
        }
    }
    return result
}

/// Right-hand side of the semi-discrete Pennes system, d(theta)/dt.
func fdRate(_ theta: [Double], _ q: [Double], nx: Int, ny: Int, nz: Int, h: Double,
            boundary: SpectralBoundary, c: PennesCoefficients) -> [Double] {
    let lap = fdLaplacian(theta, nx: nx, ny: ny, nz: nz, h: h, boundary: boundary)
    return theta.indices.map { n in
        (c.conductivity * lap[n] - c.perfusionCoefficient * theta[n] + q[n]) / c.volumetricHeatCapacity
    }
}

/// Separable product sampled on the grid, x fastest.
func separable(nx: Int, ny: Int, nz: Int, _ fx: (Int) -> Double, _ fy: (Int) -> Double, _ fz: (Int) -> Double) -> [Double] {
    var out = [Double]()
    out.reserveCapacity(nx * ny * nz)
    for k in 0..<nz {
        for j in 0..<ny {
            for i in 0..<nx {
                out.append(fx(i) * fy(j) * fz(k))
            }
        }
    }
    return out
}
