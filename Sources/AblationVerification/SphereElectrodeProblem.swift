import AblationElectric
import AblationKernels
import Foundation

/// A spherical electrode of radius a at the centre of the potential solver's grounded box (a cube
/// of side s = (n + 1) h: the pad sits one spacing beyond the outer voxel centres), in tissue of
/// uniform conductivity, solved by the production `PotentialSolver`. The electrode is the voxels
/// whose centres lie in the ball; its true surface cuts each link to a tissue voxel where the
/// check computes it exactly (the solver's Shortley-Weller contacts).
///
/// Reference (GroundedCubeImages): with the current I, V(x) = I / (4 pi sigma) [1/r - M/s +
/// C4 K4 (r^4 - a^9 / r^5) / s^5] outside the ball (the last term is the ball's own answer to the
/// degree-4 image field, so that V is constant on r = a), and V(a) = V0 gives
/// R = (1/a - M/s) / (4 pi sigma). Higher image terms are O((r/s)^7) relative.
struct SphereElectrodeProblem {
    let n: Int
    let spacingM: Double
    let radiusM: Double
    let sigma: Double
    let voltage: Double
    let layout: PaddedLayout
    let solver: PotentialSolver
    let result: PotentialSolver.Result
    /// ||b|| of the solver's system for the applied voltage: the residual bound's scale.
    let rhsNorm: Double

    var boxSideM: Double { Double(n + 1) * spacingM }

    init(boxSideM s: Double, spacingM h: Double, radiusM a: Double, sigma: Double, voltage: Double, threads: Int) {
        n = Int((s / h).rounded()) - 1
        precondition(n % 2 == 1, "the box must have a voxel at its centre")
        spacingM = h
        radiusM = a
        self.sigma = sigma
        self.voltage = voltage
        let L = PaddedLayout(nx: n, ny: n, nz: n)
        layout = L
        let conductivity = AlignedBuffer<Float>(count: L.count, repeating: 0)
        let mask = AlignedBuffer<UInt8>(count: L.count, repeating: 0)
        let c = (n - 1) / 2
        func position(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> { SIMD3(Double(i - c), Double(j - c), Double(k - c)) * h }
        for k in 0..<n { for j in 0..<n { for i in 0..<n {
            let idx = L.index(i, j, k)
            conductivity[idx] = Float(sigma)
            let p = position(i, j, k)
            if (p * p).sum() <= a * a { mask[idx] = 1 }
        } } }
        // Links from electrode voxels to tissue: the surface lies at the smaller root t of
        // |x_t + t (x_e - x_t)| = a, measured from the tissue end in spacings.
        var contacts: [(electrode: Int, tissue: Int, fraction: Double)] = []
        var bSquares = [Int: Double]()
        let steps = [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)]
        for k in 0..<n { for j in 0..<n { for i in 0..<n where mask[L.index(i, j, k)] != 0 {
            let pe = position(i, j, k)
            for (di, dj, dk) in steps {
                let (ti, tj, tk) = (i + di, j + dj, k + dk)
                let tissue = L.index(ti, tj, tk)
                guard mask[tissue] == 0 else { continue }
                let pt = position(ti, tj, tk), d = pe - pt
                let b = (pt * d).sum(), cc = (pt * pt).sum() - a * a
                let t = (-b - (b * b - h * h * cc).squareRoot()) / (h * h)
                contacts.append((electrode: L.index(i, j, k), tissue: tissue, fraction: t))
                bSquares[tissue, default: 0] += sigma * h / t * voltage
            }
        } } }
        rhsNorm = bSquares.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        solver = PotentialSolver(layout: L, spacingM: h, threads: threads)
        solver.setConductivity(conductivity)
        solver.setElectrode(mask)
        solver.setSurfaceContacts(contacts)
        result = solver.solve(voltage: voltage, tolerance: 1e-8)
    }

    /// Voxel centre (m) relative to the ball's centre.
    func position(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> {
        let c = (n - 1) / 2
        return SIMD3(Double(i - c), Double(j - c), Double(k - c)) * spacingM
    }

    /// The closed-form resistance (ohm).
    var referenceResistance: Double {
        (1 / radiusM - GroundedCubeImages.madelung / boxSideM) / (4 * Double.pi * sigma)
    }

    /// The closed-form potential (V) at `x` outside the ball.
    func referencePotential(_ x: SIMD3<Double>) -> Double {
        let r = (x * x).sum().squareRoot(), a = radiusM, s = boxSideM
        let current = voltage / referenceResistance
        let degreeFour = GroundedCubeImages.degreeFourCoefficient * GroundedCubeImages.cubicHarmonic4(x)
            * (pow(r, 4) - pow(a, 9) / pow(r, 5)) / pow(s, 5)
        return current / (4 * Double.pi * sigma) * (1 / r - GroundedCubeImages.madelung / s + degreeFour)
    }
}
