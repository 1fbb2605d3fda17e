import Foundation

/// Steady temperature of a perfused sphere of radius a (conductivity k1, perfusion coefficient W1,
/// uniform source q) inside an unbounded perfused medium (k2, W2, no source), theta -> 0 far away:
/// inside theta = q/W1 + A i0(m1 r), outside theta = B k0(m2 r), with the modified spherical Bessel
/// functions i0(x) = sinh(x)/x and k0(x) = e^(-x)/x (Abramowitz & Stegun 10.2.12, 10.2.17, up to
/// constant factors) and m = sqrt(W/k). Temperature and flux k theta' are continuous at r = a,
/// two equations for A and B (SI units, theta = T - T_arterial).
struct ConcentricSphereSolution {
    let radius: Double
    let inner: (conductivity: Double, perfusion: Double, source: Double)
    let outer: (conductivity: Double, perfusion: Double)
    private let a: Double, b: Double

    init(radius: Double, inner: (conductivity: Double, perfusion: Double, source: Double), outer: (conductivity: Double, perfusion: Double)) {
        self.radius = radius
        self.inner = inner
        self.outer = outer
        let m1 = (inner.perfusion / inner.conductivity).squareRoot(), m2 = (outer.perfusion / outer.conductivity).squareRoot()
        let x1 = m1 * radius, x2 = m2 * radius
        let i0 = sinh(x1) / x1, i0Prime = (x1 * cosh(x1) - sinh(x1)) / (x1 * x1)
        let k0 = exp(-x2) / x2, k0Prime = -exp(-x2) * (1 + x2) / (x2 * x2)
        let solution = DenseLinearSystem.solve([[i0, -k0], [inner.conductivity * m1 * i0Prime, -outer.conductivity * m2 * k0Prime]],
                                               [-inner.source / inner.perfusion, 0])
        a = solution[0]
        b = solution[1]
    }

    func theta(at r: Double) -> Double {
        let m1 = (inner.perfusion / inner.conductivity).squareRoot(), m2 = (outer.perfusion / outer.conductivity).squareRoot()
        if r <= radius {
            let x = m1 * r
            return inner.source / inner.perfusion + a * (x < 1e-8 ? 1 : sinh(x) / x)
        }
        let x = m2 * r
        return b * exp(-x) / x
    }
}
