import Foundation

/// The surface charge of a conducting right circular cylinder (radius a, length 2l, flat ends) held at
/// unit potential in free space, by axisymmetric boundary elements: the reference of the cylinder
/// electrode check, which has no closed form. Written for the check, independently of the potential
/// solver.
///
/// The surface is the contour of its upper half (the side, z in [0, l] at rho = a, and the end,
/// rho in [0, a] at z = l) turned about the axis; the lower half is its mirror image. The charge
/// density is constant on each panel of the contour (a band or an annulus) and the potential is
/// matched at each panel's midpoint (collocation), with the kernel 1/|x - x'| (potential = charge /
/// distance, so the total charge is the capacitance in metres, C = 4 pi eps0 x this in SI). A ring of
/// radius rho' at height z' carrying unit charge per unit contour length and radius has potential
///
///     4 rho' K(m) / sqrt((rho + rho')^2 + (z - z')^2),  m = 4 rho rho' / ((rho + rho')^2 + (z - z')^2)
///
/// at (rho, z) (K the complete elliptic integral of the first kind, by the arithmetic-geometric mean of 1 and
/// sqrt(1 - m)).
/// The charge is singular at the rim (like d^(-1/3) at the right-angled edge), so the panels are graded
/// towards it (widths from the power 3 of a uniform parameter), and an integral over a panel near its
/// collocation point (the log singularity of K) is split there and summed on sub-intervals that shrink
/// geometrically towards it. The capacitance then converges as N^-3 in the number of panels
/// (`converged` measures the order and extrapolates).
struct CylinderSurfaceCharge {
    let radiusM: Double
    let halfLengthM: Double
    /// The upper half's panels, (rho, z) end points.
    let panels: [(start: SIMD2<Double>, end: SIMD2<Double>)]
    /// Charge per unit area on each panel (and on its mirror image) for unit potential.
    let density: [Double]
    /// Total charge for unit potential (m).
    let capacitance: Double
    /// Means over the charge (weights q / Q) of rho^2, z^2, rho^4, rho^2 z^2, z^4.
    let rho2, z2, rho4, rho2z2, z4: Double

    /// Grading power of the panels towards the rim.
    static let grading = 3.0

    init(radiusM a: Double, halfLengthM l: Double, panelCount: Int) {
        radiusM = a
        halfLengthM = l
        let side = max(2, Int((Double(panelCount) * l / (l + a)).rounded())), end = max(2, panelCount - side)
        func graded(_ k: Int, _ count: Int) -> Double { 1 - pow(1 - Double(k) / Double(count), Self.grading) }
        var contour: [(start: SIMD2<Double>, end: SIMD2<Double>)] = []
        for k in 0..<side { contour.append((SIMD2(a, l * graded(k, side)), SIMD2(a, l * graded(k + 1, side)))) }
        for k in 0..<end { contour.append((SIMD2(a * graded(k, end), l), SIMD2(a * graded(k + 1, end), l))) }
        panels = contour
        let n = contour.count
        let points = contour.map { ($0.start + $0.end) / 2 }
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0..<n { matrix[i][j] = Self.panelPotential(contour[j], at: points[i]) }
        }
        density = DenseLinearSystem.solve(matrix, [Double](repeating: 1, count: n))
        // Charge and its moments: 2 pi rho' sigma per unit contour length, both halves.
        let rule = GaussLegendre(points: 8)
        var q = 0.0, m = [Double](repeating: 0, count: 5)
        for (panel, sigma) in zip(contour, density) {
            let length = ((panel.end - panel.start) * (panel.end - panel.start)).sum().squareRoot()
            for (t, w) in zip(rule.nodes, rule.weights) {
                let p = panel.start + (panel.end - panel.start) * ((t + 1) / 2)
                let dq = w / 2 * length * 2 * Double.pi * p.x * sigma * 2
                let r2 = p.x * p.x, zz = p.y * p.y
                q += dq
                m[0] += dq * r2; m[1] += dq * zz; m[2] += dq * r2 * r2; m[3] += dq * r2 * zz; m[4] += dq * zz * zz
            }
        }
        capacitance = q
        (rho2, z2, rho4, rho2z2, z4) = (m[0] / q, m[1] / q, m[2] / q, m[3] / q, m[4] / q)
    }

    /// The potential at (rho, z) of the unit-potential charge (1 on the surface, ~ C / r far away).
    func potential(rho: Double, z: Double) -> Double {
        var v = 0.0
        for (panel, sigma) in zip(panels, density) { v += sigma * Self.panelPotential(panel, at: SIMD2(rho, z)) }
        return v
    }

    /// Potential at `x` of a panel of unit charge density and its mirror image in z = 0.
    static func panelPotential(_ panel: (start: SIMD2<Double>, end: SIMD2<Double>), at x: SIMD2<Double>) -> Double {
        let mirror = (start: SIMD2(panel.start.x, -panel.start.y), end: SIMD2(panel.end.x, -panel.end.y))
        return segmentPotential(panel.start, panel.end, at: x) + segmentPotential(mirror.start, mirror.end, at: x)
    }

    private static let rule = GaussLegendre(points: 8)

    /// int over the segment of 4 rho' K(m) / sqrt((rho + rho')^2 + (z - z')^2) dl'. Far from `x`
    /// (more than 3 lengths) one 8-point Gauss-Legendre rule; otherwise split at the point nearest to
    /// `x` and summed over sub-intervals whose distance to it shrinks by 0.2 per step (30 steps:
    /// the innermost, of relative size 1e-21, holds a negligible part of the log singularity).
    static func segmentPotential(_ p0: SIMD2<Double>, _ p1: SIMD2<Double>, at x: SIMD2<Double>) -> Double {
        let d = p1 - p0, length = (d * d).sum().squareRoot()
        func kernel(_ t: Double) -> Double {
            let p = p0 + d * t
            let sum = x.x + p.x, difference = x.x - p.x, dz = x.y - p.y
            let denominator = sum * sum + dz * dz
            // 1 - m from the distances, not by subtraction: near the ring it is far below 1e-16.
            return 4 * p.x * ellipticK(complement: (difference * difference + dz * dz) / denominator) / denominator.squareRoot()
        }
        func integrate(_ a: Double, _ b: Double) -> Double {
            rule.integrate(from: min(a, b), to: max(a, b), panels: 1, kernel)
        }
        let nearest = min(1, max(0, ((x - p0) * d).sum() / (length * length)))
        let offset = x - (p0 + d * nearest)
        guard (offset * offset).sum().squareRoot() <= 3 * length else { return integrate(0, 1) * length }
        var sum = 0.0
        for far in [0.0, 1.0] where far != nearest {
            let span = far - nearest
            var scale = 1.0
            for _ in 0..<30 {
                sum += integrate(nearest + span * scale * 0.2, nearest + span * scale)
                scale *= 0.2
            }
        }
        return sum * length
    }

    /// K(m) = pi / (2 AGM(1, sqrt(1 - m))) for the complementary parameter 1 - m in (0, 1].
    static func ellipticK(complement: Double) -> Double {
        var a = 1.0, b = complement.squareRoot()
        for _ in 0..<40 where abs(a - b) > 1e-16 * a { (a, b) = ((a + b) / 2, (a * b).squareRoot()) }
        return Double.pi / (2 * a)
    }

    /// The capacitance from solutions with `panelCounts` (N, 2N, 4N, ...) extrapolated with the order
    /// observed on the last three (Richardson), the finest solution (for the charge's shape and moments)
    /// and the extrapolation's size, |C_extrapolated - C_finest| / C, which bounds the reference's own error.
    static func converged(radiusM a: Double, halfLengthM l: Double, panelCounts: [Int])
        -> (capacitance: Double, finest: CylinderSurfaceCharge, order: Double, uncertainty: Double) {
        precondition(panelCounts.count >= 3, "Richardson needs three panel counts")
        let solutions = panelCounts.map { CylinderSurfaceCharge(radiusM: a, halfLengthM: l, panelCount: $0) }
        let c = solutions.suffix(3).map(\.capacitance)
        let ratio = Double(panelCounts[panelCounts.count - 1]) / Double(panelCounts[panelCounts.count - 2])
        let order = log(abs((c[1] - c[0]) / (c[2] - c[1]))) / log(ratio)
        let extrapolated = c[2] + (c[2] - c[1]) / (pow(ratio, order) - 1)
        return (extrapolated, solutions.last!, order, abs(extrapolated - c[2]) / extrapolated)
    }
}
