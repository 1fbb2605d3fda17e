import Foundation

/// Steady 1-D conduction with a uniform source q in a slab 0 <= x <= L whose conductivity follows
/// the documented tissue law below boiling, k(T) = k37 (1 + a (T - 37)) (docs/physics.md, the
/// TissuePropertyLaw contract), zero flux at x = L and the temperature T_0 held at x = 0, no
/// perfusion. The Kirchhoff transform k37 U = integral from T_0 to T of k(s) ds turns
/// -(k T')' = q into -k37 U'' = q, so k37 U(x) = q (L x - x²/2), and
/// k37 [(u - u0) + a/2 (u² - u0²)] = k37 U with u = T - 37: a quadratic in u whose root is
/// u = 2C / (1 + sqrt(1 + 2 a C)), C = u0 + a/2 u0² + U (the form without cancellation).
struct KirchhoffSlabSolution {
    let length: Double, source: Double
    let conductivity37: Double, conductivityPerC: Double
    let boundaryC: Double

    func temperatureC(at x: Double) -> Double {
        let u0 = boundaryC - 37, a = conductivityPerC
        let transformed = source * (length * x - x * x / 2) / conductivity37
        let c = u0 + a / 2 * u0 * u0 + transformed
        return 37 + 2 * c / (1 + (1 + 2 * a * c).squareRoot())
    }

    /// Largest temperature (at the adiabatic face).
    var peakC: Double { temperatureC(at: length) }
}
