import Foundation

/// The RF potential solve around a needle tip, the electrode shape the product uses, against an
/// independent converged solution: the cylinder's free-space charge by boundary elements
/// (CylinderSurfaceCharge) in the grounded box's images (CylinderInGroundedCube).
extension VerificationSuite {
    /// Box side, tip radius and half-length: a 4 mm x 8 mm tip in a 32 mm box, its side and end
    /// 1 um beyond voxel centres on the 1, 0.5 and 0.25 mm grids (a/h = 2, 4, 8 and l/h = 4, 8, 16,
    /// plus 1 um). Why: the error of the solve depends on where the rim falls between voxel centres,
    /// and only with the same placement on every grid does a three-grid study measure convergence
    /// (with a = 1.6 mm, l = 4.4 mm the errors are +2.8, +0.45, +0.60 % at 1, 0.5, 0.25 mm and
    /// +0.36 % at 0.2 mm). The micrometre keeps the centres inside the metal without relying on
    /// rounding; just outside, their links would be clamped to the minimum contact fraction.
    static let cylinderBoxSideM = 0.032, cylinderRadiusM = 0.002001, cylinderHalfLengthM = 0.004001

    /// The needle tip's resistance and the potential around it, on the 1, 0.5 and 0.25 mm grids.
    /// Formal order 1: the product's contacts clamp the surface's cut of a link to at least a tenth
    /// of a spacing (ElectrodeGeometry.minimumContactFraction), which moves the surface by up to
    /// 0.1 h where it passes that close to a tissue centre, a first-order term; without it the
    /// rim's singularity (the potential goes as d^(2/3) at a right-angled edge) would limit the
    /// current, an energy functional, to h^(4/3).
    func radiofrequencyCylinderChecks() -> [VerificationCheck] {
        let spacingsMM: [Double] = quick ? [1, 0.5] : [1, 0.5, 0.25]
        let panelCounts = quick ? [24, 48, 96] : [48, 96, 192]
        let a = Self.cylinderRadiusM, l = Self.cylinderHalfLengthM, s = Self.cylinderBoxSideM
        let bem = CylinderSurfaceCharge.converged(radiusM: a, halfLengthM: l, panelCounts: panelCounts)
        let reference = CylinderInGroundedCube(charge: bem.finest, capacitance: bem.capacitance, boxSideM: s, sigma: Self.rfSigma)
        var problems: [Double: CylinderElectrodeProblem] = [:]
        func problem(_ h: Double) -> CylinderElectrodeProblem {
            if let p = problems[h] { return p }
            let p = CylinderElectrodeProblem(boxSideM: s, spacingM: h, radiusM: a, halfLengthM: l, sigma: Self.rfSigma,
                                             voltage: Self.rfVoltage, threads: threads)
            problems[h] = p
            return p
        }
        let panels = String(format: "C = %.6f mm, N = %d-%d panels, order %.2f, Richardson step %.0e", bem.capacitance * 1000,
                            panelCounts.first!, panelCounts.last!, bem.order, bem.uncertainty)
        let resistance = VerificationCheck.convergence(
            name: "rf-cylinder-resistance", physics: .rf,
            reference: "independent converged solution: flat-ended needle tip (a = 2 mm, L = 8 mm) in the grounded 32 mm box, R = (1/C - M/s + C4 <K4(x - x') |x - x'|^4>/s^5)/(4 pi sigma), C by axisymmetric boundary elements (\(panels))",
            resolutions: spacingsMM, unit: "mm", scaleToSI: 1e-3, expectedOrder: 1) { h in
            ([problem(h).result.resistance], [reference.resistance])
        }
        // Voxel centres of every grid (the 1 mm lattice), |x| <= 8 mm, at least 1 mm from the metal.
        var points: [SIMD3<Double>] = []
        let step = quick ? 2 : 1
        for k in stride(from: -8, through: 8, by: step) { for j in stride(from: -8, through: 8, by: step) { for i in stride(from: -8, through: 8, by: step) {
            let x = SIMD3(Double(i), Double(j), Double(k)) * 1e-3
            let radial = max(0, (x.x * x.x + x.y * x.y).squareRoot() - a), axial = max(0, abs(x.z) - l)
            guard (x * x).sum() <= 0.008 * 0.008 + 1e-12, radial * radial + axial * axial >= 0.001 * 0.001 - 1e-12 else { continue }
            points.append(x)
        } } }
        let exact = points.map { reference.potential(at: $0, voltage: Self.rfVoltage) }
        let potential = VerificationCheck.convergence(
            name: "rf-cylinder-potential", physics: .rf,
            reference: "independent converged solution: V = I/(4 pi sigma) [u(x)/C - M/s + C4 <K4(x - x') |x - x'|^4>_x'/s^5] around the needle tip, u the boundary elements' free-space potential; 1 mm lattice, |x| <= 8 mm, >= 1 mm from the metal",
            resolutions: spacingsMM, unit: "mm", scaleToSI: 1e-3, expectedOrder: 1) { h in
            (points.map { problem(h).potential(at: $0) }, exact)
        }
        return [resistance, potential]
    }
}
