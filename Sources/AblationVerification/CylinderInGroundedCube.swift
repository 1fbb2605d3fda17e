import Foundation

/// The resistance and potential of a cylinder electrode at the centre of the solver's grounded cube,
/// from its free-space charge (CylinderSurfaceCharge) and the cube's images (GroundedCubeImages).
///
/// In the cube the Green's function is 1/|x - x'| + H(x, x'), H the images' potential, harmonic and
/// smooth near the centre. By the cube's symmetry (joint rotations and reflections of x and x') its
/// expansion is -M/s + c2 (x . x')/s^3 + (degree 4)/s^5 + O(|x|^6/s^7): no polynomial of degree 1 or 3
/// survives, and x . x' is the only invariant of degree 2 harmonic in both points. The cylinder's
/// charge is symmetric under each reflection x_i -> -x_i, so (1) its dipole moment is zero and the
/// x . x' term does nothing, and (2) the degree-4 term, sum' (-1)^|n| |d|^4 P4(n^ . d^)/|n|^5 with
/// d = x - P_n x' (P_n the images' reflections), has the same mean over the charge as with d = x - x',
/// which is C4 K4(d) |d|^4 (K4 |d|^4 = d_x^4 + d_y^4 + d_z^4 - (3/5)|d|^4, the cubic harmonic).
/// The constant -M/s keeps the charge's shape and scales it; to first order in the degree-4 term the
/// elastance changes by its mean over pairs of the charge (reciprocity), so
///
///     R = (1/C - M/s + C4 <K4(x - x') |x - x'|^4> / s^5) / (4 pi sigma),
///
/// <> over x, x' independent with the charge's weights, from its moments: for each axis
/// <d_i^4> = 2 <x_i^4> + 6 <x_i^2>^2 and <d_i^2 d_j^2> = 2 <x_i^2 x_j^2> + 2 <x_i^2><x_j^2>. Left
/// out: the degree-6 images, O(C l^6 / s^7), and the degree-4 term's square, both below 1e-6 of R here.
/// The potential at x off the electrode is I/(4 pi sigma) [u(x)/C - M/s + C4 <K4(x - x') |x - x'|^4>_x' / s^5],
/// u the free-space potential of the unit-potential charge; left out there are the degree-6 images,
/// O((|x|/s)^7) relative, and the electrode's answer to the degree-4 field (a charge of zero total that
/// keeps the surface equipotential), at most the degree-4 field's variation over the electrode (4e-4 of
/// V0 for the check's tip, by the maximum principle).
struct CylinderInGroundedCube {
    let charge: CylinderSurfaceCharge
    /// Free-space capacitance (m), extrapolated in the number of panels.
    let capacitance: Double
    let boxSideM: Double
    let sigma: Double

    /// <x_i^2> and <x_i^4> per axis and <x_i^2 x_j^2> for (x, y), (x, z), (y, z), from the charge's
    /// moments (an axisymmetric charge: <cos^2> = 1/2, <cos^4> = 3/8, <cos^2 sin^2> = 1/8).
    private var second: SIMD3<Double> { SIMD3(charge.rho2 / 2, charge.rho2 / 2, charge.z2) }
    private var fourth: SIMD3<Double> { SIMD3(3 * charge.rho4 / 8, 3 * charge.rho4 / 8, charge.z4) }
    private var mixed: SIMD3<Double> { SIMD3(charge.rho4 / 8, charge.rho2z2 / 2, charge.rho2z2 / 2) }

    /// <K4(x - x') |x - x'|^4> over both points (m^4).
    var pairQuartic: Double {
        let d4 = 2 * fourth + 6 * second * second
        let m2 = second
        let d22 = 2 * mixed + 2 * SIMD3(m2.x * m2.y, m2.x * m2.z, m2.y * m2.z)
        return d4.sum() - 0.6 * (d4.sum() + 2 * d22.sum())
    }

    /// <K4(x - x') |x - x'|^4> over x' for a fixed x (m^4).
    func pointQuartic(_ x: SIMD3<Double>) -> Double {
        let x2 = x * x
        let d4 = x2 * x2 + 6 * x2 * second + fourth
        let d22 = SIMD3(x2.x * x2.y + x2.x * second.y + x2.y * second.x + mixed.x,
                        x2.x * x2.z + x2.x * second.z + x2.z * second.x + mixed.y,
                        x2.y * x2.z + x2.y * second.z + x2.z * second.y + mixed.z)
        return d4.sum() - 0.6 * (d4.sum() + 2 * d22.sum())
    }

    /// Elastance 1/C in the cube (1/m).
    var elastance: Double {
        1 / capacitance - GroundedCubeImages.madelung / boxSideM
            + GroundedCubeImages.degreeFourCoefficient * pairQuartic / pow(boxSideM, 5)
    }

    /// Resistance (ohm).
    var resistance: Double { elastance / (4 * Double.pi * sigma) }

    /// Potential (V) at `x` (m from the centre, off the electrode) for `voltage` on the electrode.
    func potential(at x: SIMD3<Double>, voltage: Double) -> Double {
        let rho = (x.x * x.x + x.y * x.y).squareRoot()
        let free = charge.potential(rho: rho, z: x.z) / charge.capacitance
        let images = -GroundedCubeImages.madelung / boxSideM + GroundedCubeImages.degreeFourCoefficient * pointQuartic(x) / pow(boxSideM, 5)
        return voltage / elastance * (free + images)
    }
}
