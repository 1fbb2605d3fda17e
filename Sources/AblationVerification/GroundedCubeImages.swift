import Foundation

/// The Dirichlet Green's function of a grounded cube near its centre, for references of a source at
/// the centre of the potential solver's box (the pad is a grounded cube one spacing beyond the outer
/// voxel centres). By images, a unit charge at the centre of a cube of side s has images at s n
/// (n integer, n != 0) of sign (-1)^(n_x + n_y + n_z): the rock-salt lattice. Their potential near the
/// centre is, in spherical harmonics of the point x (r = |x|),
///
///     Phi(x) = sum' (-1)^|n| / |x - s n| = -M / s + (r^4 / s^5) C4 K4(x/r) + O(r^6 / s^7),
///
/// M the rock-salt Madelung constant, K4(u) = u_x^4 + u_y^4 + u_z^4 - 3/5 the cubic harmonic of
/// degree 4; the terms of degree 1 to 3 vanish by the lattice's cubic and inversion symmetry.
enum GroundedCubeImages {
    /// The rock-salt Madelung constant by Benson's series (Phys. Rev. 1956), which converges
    /// exponentially: M = 12 pi sum over odd m, n of sech^2((pi / 2) sqrt(m^2 + n^2)).
    /// The published value is 1.747564594633...
    static let madelung: Double = {
        var sum = 0.0
        for m in stride(from: 1, through: 61, by: 2) {
            for n in stride(from: 1, through: 61, by: 2) {
                let c = cosh(Double.pi / 2 * Double(m * m + n * n).squareRoot())
                sum += 1 / (c * c)
            }
        }
        return 12 * Double.pi * sum
    }()

    /// C4: the lattice sum of the degree-4 term, sum' (-1)^|n| P4(u . n / |n|) / |n|^5 = C4 K4(u),
    /// evaluated along u = z (K4 = 2/5). The sum converges absolutely (terms fall as |n|^-5); summed
    /// over the cube |n|_inf <= 24 its truncation is below 1e-6 of the value.
    static let degreeFourCoefficient: Double = {
        let n = 24
        var sum = 0.0
        for i in -n...n { for j in -n...n { for k in -n...n where i != 0 || j != 0 || k != 0 {
            let r2 = Double(i * i + j * j + k * k), r = r2.squareRoot()
            let c2 = Double(k * k) / r2
            let p4 = (35 * c2 * c2 - 30 * c2 + 3) / 8
            let sign: Double = (abs(i) + abs(j) + abs(k)) % 2 == 0 ? 1 : -1
            sum += sign * p4 / (r2 * r2 * r)
        } } }
        return sum / 0.4
    }()

    /// K4 of the direction of `x` (0 at the origin).
    static func cubicHarmonic4(_ x: SIMD3<Double>) -> Double {
        let r2 = (x * x).sum()
        guard r2 > 0 else { return 0 }
        let u2 = x * x / r2
        return (u2 * u2).sum() - 0.6
    }
}
