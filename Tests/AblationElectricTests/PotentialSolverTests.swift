import AblationRandom
import Foundation
import Testing
import AblationKernels
@testable import AblationElectric

/// (a) Sphere electrode of radius a = 3 mm, spacing 0.5 mm, liver sigma.
///
/// Reference: a sphere of radius a in an infinite medium has R = 1 / (4 pi sigma a). The voxelised
/// sphere (voxels whose centre lies within a) is a staircase whose surface is the voxel faces (the
/// solver applies the voltage there). Its resistance in an infinite medium is bracketed in closed
/// form: among bodies of one volume the ball has the least capacitance (Polya-Szego), so R is at
/// most that of the equal-volume ball, radius a_eff = (3 N h^3 / (4 pi))^(1/3), N the electrode
/// voxel count; and capacitance grows with the body, so R is at least that of the ball through the
/// staircase's farthest corner, a_max.
///
/// Finite box: with the pad on the faces of a cube of side L = (n + 1) h (ghost centres), a unit
/// charge at the centre sees its images (the rock-salt lattice) as -M / L + C4 K4 r^4 / L^5 + ...
/// (M = 1.747564594633, the rock-salt Madelung constant; docs/verification.md). The constant only
/// shifts the electrode's potential, so R(L) = R_inf - beta / L + gamma / L^5 + O(L^-7) with
/// beta = M / (4 pi sigma) exactly; gamma is the degree-4 term averaged over pairs of the
/// electrode's charge (reciprocity), which vanishes for a uniformly charged ball. Two boxes (L1, L3)
/// extrapolate in 1/L: R_inf = (L3 R3 - L1 R1) / (L3 - L1), beta = (R3 - R1) / (1/L1 - 1/L3); a
/// third box between them fits gamma as well, and the two-box values' error is estimated by their
/// difference from the three-box fit, times Roache's safety factor 3 (the order of the neglected
/// term taken from the image expansion, not observed); the discrete lattice's images differ from
/// the continuous ones by a further (h / L1)^2 of beta (order of magnitude).
///
/// The solve's own error on this staircase: the same staircase on voxels of h/2 (each voxel split
/// in eight; the box then ends h/4 nearer, corrected with beta) changes R by e (a local error, the
/// same in both boxes); the staircase's edges make the potential go as d^(2/3) outside them, so the
/// current converges as h^(4/3) (formal order 4/3), and Roache's GCI with two grids (safety factor
/// 3) puts the h/2 value R_inf - e within 3 |e| / (2^(4/3) - 1) of the staircase's. That value must
/// lie in the bracket, widened by the boxes' and the solve's error estimates. (Measured: the h
/// solve's R is 2.8 % above the h/2 one, so the 0.6 % agreement of the h value with the
/// equal-volume ball was a cancellation of the solve's error against the staircase's larger
/// capacitance.)
@Test func sphereResistanceMatchesInfiniteMedium() {
    let h = 0.5e-3, a = 3e-3
    let sigma: Float = 0.333
    let s = Double(sigma)
    let madelung = 1.747564594633
    func staircase(n: Int, spacingM: Double) -> ElectricProblem {
        // Voxels of h / spacingM per voxel of h: the electrode is every one whose h-voxel's centre is within a.
        var p = ElectricProblem(n: n, spacingM: spacingM, background: sigma)
        p.addElectrode { x, y, z in
            let c = [x, y, z].map { (($0 / h).rounded(.down) + 0.5) * h }
            return c[0] * c[0] + c[1] * c[1] + c[2] * c[2] <= a * a
        }
        return p
    }
    var resistances: [(L: Double, R: Double)] = []
    var aEff = 0.0, aMax = 0.0
    for n in [40, 52, 64] {
        let problem = staircase(n: n, spacingM: h)
        let result = problem.makeSolver().solve(voltage: 1, tolerance: 1e-8)
        #expect(result.converged)
        resistances.append((Double(n + 1) * h, result.resistance))
        aEff = pow(3 * Double(problem.electrodeVoxels) * h * h * h / (4 * Double.pi), 1.0 / 3.0)
        problem.forEachVoxel { idx, x, y, z in
            guard problem.electrode[idx] != 0 else { return }
            let corner = [x, y, z].map { abs($0) + h / 2 }
            aMax = max(aMax, (corner[0] * corner[0] + corner[1] * corner[1] + corner[2] * corner[2]).squareRoot())
        }
    }
    let (L1, R1) = resistances[0], (L2, R2) = resistances[1], (L3, R3) = resistances[2]
    let beta = madelung / (4 * Double.pi * s)
    // Two boxes, and the three-box fit of R_inf - beta / L + gamma / L^5 (Cramer's rule).
    let twoBoxR = (L3 * R3 - L1 * R1) / (L3 - L1), twoBoxBeta = (R3 - R1) / (1 / L1 - 1 / L3)
    let rows = [(L1, R1), (L2, R2), (L3, R3)].map { ([1, -1 / $0.0, pow($0.0, -5)], $0.1) }
    func det(_ m: [[Double]]) -> Double {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    }
    let matrix = rows.map(\.0), values = rows.map(\.1)
    func solved(_ column: Int) -> Double {
        det(matrix.enumerated().map { i, row in row.enumerated().map { j, v in j == column ? values[i] : v } }) / det(matrix)
    }
    let threeBoxR = solved(0), threeBoxBeta = solved(1)
    let lattice = (h / L1) * (h / L1) * beta
    let rInfiniteError = 3 * abs(twoBoxR - threeBoxR), betaError = 3 * abs(twoBoxBeta - threeBoxBeta) + lattice
    // The same staircase at h/2 in the first box less h/4, brought to L1 with beta.
    let fine = staircase(n: 80, spacingM: h / 2)
    let fineResult = fine.makeSolver().solve(voltage: 1, tolerance: 1e-8)
    #expect(fineResult.converged && fine.electrodeVoxels == 8 * Int((4 * Double.pi * pow(aEff, 3) / 3 / (h * h * h)).rounded()))
    let fineAtL1 = fineResult.resistance - beta / (81 * h / 2) + beta / L1
    let gain = pow(2, 4.0 / 3)
    let e = R1 - fineAtL1
    let solveError = 3 * abs(e) / (gain - 1)
    let rInfinite = twoBoxR - e
    let upper = 1 / (4 * Double.pi * s * aEff), lower = 1 / (4 * Double.pi * s * aMax)
    print("sphere: a_eff \(aEff * 1e3) mm, a_max \(aMax * 1e3) mm; R at L = \(resistances), h/2 at L1 \(fineAtL1); R_inf \(rInfinite) "
          + "(\(rInfinite / upper - 1) of the equal-volume ball; at h alone \(twoBoxR), three boxes \(threeBoxR)) within "
          + "[\(lower), \(upper)] +- \(rInfiniteError) (boxes) +- \(solveError) (solve); beta \(twoBoxBeta) (three boxes \(threeBoxBeta)) "
          + "vs M/(4 pi sigma) \(beta): \(twoBoxBeta / beta - 1), bound \(betaError / beta)")
    #expect(rInfinite <= upper + rInfiniteError + solveError, "above the equal-volume ball's resistance")
    #expect(rInfinite >= lower - rInfiniteError - solveError, "below the circumscribed ball's resistance")
    #expect(abs(twoBoxBeta - beta) <= betaError, "the box's 1/L coefficient against the Madelung constant")
}

/// A heterogeneous field for the identity and conservation tests: cooled tip with a 3x sigma
/// jump across the plane z = 5 mm and random +-10 % texture.
func heterogeneousTip(n: Int) -> ElectricProblem {
    let p = ElectricProblem.cooledTip(n: n)
    var rng = SplitMix64(seed: 7)
    let s = p.sigma, e = p.electrode
    p.forEachVoxel { idx, _, _, z in
        guard e[idx] == 0, s[idx] > 1e-3 else { return }
        var v = s[idx] * Float.random(in: 0.9...1.1, using: &rng)
        if z > 5e-3 { v *= 3 }
        s[idx] = v
    }
    return p
}

/// (b) sum(Q h^3) = V I.
@Test func jouleHeatSatisfiesEnergyIdentity() {
    let p = heterogeneousTip(n: 40)
    let solver = p.makeSolver()
    let result = solver.solve(voltage: 35, tolerance: 1e-6)
    #expect(result.converged)
    let q = AlignedBuffer<Float>(count: p.layout.count, repeating: -1)
    solver.jouleHeat(into: q)
    let total = integrate(q, layout: p.layout, spacingM: p.spacingM)
    print("energy: sum Q h^3 = \(total) W, V I = \(result.power) W")
    #expect(abs(total / result.power - 1) < 1e-4)
    // Nothing outside the interior.
    let L = p.layout
    #expect(q[L.index(-1, 3, 3)] == 0 && q[L.index(L.nx, 3, 3)] == 0 && q[L.index(3, 3, L.nz)] == 0)
    // Heat is non-negative everywhere and largest next to the electrode.
    var minimum: Float = .infinity
    for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx { minimum = min(minimum, q[L.index(i, j, k)]) } } }
    #expect(minimum >= 0)
}

/// (c) The SIMD operator equals the scalar reference, on the fine grid and on a coarse level,
/// for sizes with and without a partial last chunk.
@Test(arguments: [(16, 8, 5), (21, 7, 6), (37, 19, 11), (3, 2, 1)])
func simdOperatorMatchesScalarReference(dims: (Int, Int, Int)) {
    var p = ElectricProblem(nx: dims.0, ny: dims.1, nz: dims.2, spacingM: 1e-3, background: 0.333)
    var rng = SplitMix64(seed: 11)
    let s = p.sigma
    p.forEachVoxel { idx, _, _, _ in s[idx] = Float.random(in: 0.1...1.0, using: &rng) }
    p.addElectrode { x, y, z in abs(x) < 1.2e-3 && abs(y) < 1.2e-3 && abs(z) < 2e-3 }
    let solver = p.makeSolver(threads: 2)
    _ = solver.solve(voltage: 1, tolerance: 1e-3, maxIterations: 2)
    var grids = [solver.grid]
    if dims.0 > 2 { grids.append(MultigridPreconditioner.coarsen(solver.grid, threads: 2)) }
    for g in grids {
        let L = g.layout
        let x = AlignedBuffer<Float>(count: L.count, repeating: 0)
        for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
            let idx = L.index(i, j, k)
            if g.diagonal[idx] > 0 { x[idx] = Float.random(in: -1...1, using: &rng) }
        } } }
        let a = AlignedBuffer<Float>(count: L.count, repeating: 0)
        let b = AlignedBuffer<Float>(count: L.count, repeating: 0)
        var dotSIMD = 0.0
        for k in 0..<L.nz { dotSIMD += g.apply(x, into: a, plane: k) }
        g.referenceApply(x, into: b)
        var worst: Float = 0, scale: Float = 0, dotScalar = 0.0
        for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
            let idx = L.index(i, j, k)
            worst = max(worst, abs(a[idx] - b[idx]))
            scale = max(scale, g.diagonal[idx])
            dotScalar += Double(x[idx]) * Double(b[idx])
        } } }
        // Same operations in a different order (fused multiply-adds): a few ulp of the diagonal.
        #expect(worst <= 8 * scale * Float.ulpOfOne)
        #expect(abs(dotSIMD - dotScalar) <= 1e-5 * Double(scale) * Double(L.voxelCount))
        // The padding lanes and ghosts of the SIMD output hold exact zeros.
        for k in 0..<L.nz { for j in 0..<L.ny {
            #expect(a[L.index(L.nx, j, k)] == 0)
        } }
    }
}

/// (d) After a 2 % heating-like sigma change, a warm start needs far fewer iterations.
///
/// The stopping rule is a relative residual, so a warm start that begins at relative residual
/// delta needs about log(tol / delta) / log(tol) of the cold iterations when the rate is uniform:
/// a 2 % change leaves delta ~ 1e-4 here, i.e. about 1/3. Multigrid-PCG converges faster than that
/// uniform rate in its first iterations from a cold start (and the refinement restart costs one or
/// two), so 7-8 warm against 12-15 cold is what is measured (also at 80^3 and 160^3); the test asks
/// for less than 2/3, and for delta to reflect the small change.
@Test func warmStartAfterSmallConductivityChange() {
    let p = ElectricProblem.cooledTip(n: 48)
    let solver = p.makeSolver()
    let cold = solver.solve(voltage: 40)
    #expect(cold.converged)
    // sigma rises by up to 2 % near the tip (Gaussian, 6 mm wide), as after a little heating.
    let changed = AlignedBuffer<Float>(count: p.layout.count, repeating: 0)
    changed.copy(from: p.sigma)
    p.forEachVoxel { idx, x, y, z in
        changed[idx] *= Float(1 + 0.02 * exp(-(x * x + y * y + z * z / 4) / (2 * 6e-3 * 6e-3)))
    }
    solver.setConductivity(changed)
    let warm = solver.solve(voltage: 40)
    #expect(warm.converged)
    // The same change from a cold start, for comparison.
    solver.resetWarmStart()
    let coldAgain = solver.solve(voltage: 40)
    print("warm start: cold \(cold.iterations) it, warm \(warm.iterations) it, cold on new sigma \(coldAgain.iterations) it")
    #expect(warm.iterations * 3 < coldAgain.iterations * 2)
    #expect(warm.initialRelativeResidual < 1e-3)
    #expect(abs(warm.resistance / coldAgain.resistance - 1) < 1e-5)
    #expect(warm.resistance < cold.resistance)
    // A new voltage alone needs no iteration at all: the scaled field is already the solution.
    let rescaled = solver.solve(voltage: 55)
    #expect(rescaled.iterations == 0)
}

/// (e) Heterogeneous conductivity (3x jump across a plane): charge conservation, the current out
/// of the electrode equals the current into the pad.
@Test func currentIsConservedAcrossConductivityJump() {
    let p = heterogeneousTip(n: 48)
    let solver = p.makeSolver()
    let result = solver.solve(voltage: 20, tolerance: 1e-8)
    #expect(result.converged)
    print("conservation: I = \(result.current) A, pad \(result.padCurrent) A, R = \(result.resistance) ohm")
    #expect(abs(result.padCurrent / result.current - 1) < 1e-6)
    // Flux continuity through every z-plane above the electrode: the current crossing the plane
    // between layers k and k + 1 equals the current leaving through the pad above it.
    let L = p.layout, V = solver.potential
    let g = solver.grid
    for k in (L.nz - 8)..<(L.nz - 1) {
        var crossing = 0.0, padAbove = 0.0
        for j in 0..<L.ny { for i in 0..<L.nx {
            let idx = L.index(i, j, k)
            crossing += Double(g.gz[idx]) * (Double(V[idx]) - Double(V[idx + L.strideZ]))
            for kk in (k + 1)..<L.nz {
                let a = L.index(i, j, kk)
                if i == 0 { padAbove += Double(g.gx[a - 1]) * Double(V[a]) }
                if i == L.nx - 1 { padAbove += Double(g.gx[a]) * Double(V[a]) }
                if j == 0 { padAbove += Double(g.gy[a - L.strideY]) * Double(V[a]) }
                if j == L.ny - 1 { padAbove += Double(g.gy[a]) * Double(V[a]) }
                if kk == L.nz - 1 { padAbove += Double(g.gz[a]) * Double(V[a]) }
            }
        } }
        #expect(abs(crossing / padAbove - 1) < 1e-4, "plane \(k)")
    }
}

/// (f) Doubling the voltage doubles the current and quadruples the heat.
@Test func potentialIsLinearInVoltage() {
    let p = heterogeneousTip(n: 32)
    let solver = p.makeSolver()
    let one = solver.solve(voltage: 15)
    let q1 = AlignedBuffer<Float>(count: p.layout.count, repeating: 0)
    solver.jouleHeat(into: q1)
    let v1 = AlignedBuffer<Float>(count: p.layout.count, repeating: 0)
    v1.copy(from: solver.potential)
    let two = solver.solve(voltage: 30)
    let q2 = AlignedBuffer<Float>(count: p.layout.count, repeating: 0)
    solver.jouleHeat(into: q2)
    #expect(abs(two.current / one.current - 2) < 1e-12)
    #expect(abs(two.power / one.power - 4) < 1e-12)
    #expect(abs(two.resistance / one.resistance - 1) < 1e-12)
    let L = p.layout
    var worstQ: Float = 0, worstV: Float = 0, maxQ: Float = 0
    for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
        let idx = L.index(i, j, k)
        worstQ = max(worstQ, abs(q2[idx] - 4 * q1[idx]))
        worstV = max(worstV, abs(solver.potential[idx] - 2 * v1[idx]))
        maxQ = max(maxQ, q1[idx])
    } } }
    #expect(worstQ <= 4 * maxQ * 4 * Float.ulpOfOne)
    #expect(worstV <= 30 * 2 * Float.ulpOfOne)
    // `scale` multiplies the heat.
    solver.jouleHeat(into: q2, scale: 0.25)
    #expect(abs(integrate(q2, layout: L, spacingM: p.spacingM) / one.power - 1) < 1e-4)
}

/// Jacobi and multigrid preconditioning converge to the same field; results do not depend on the
/// thread count (reductions are summed per plane in plane order).
@Test func preconditionersAndThreadCountsAgree() {
    let p = heterogeneousTip(n: 24)
    let a = p.makeSolver(threads: 1)
    let b = p.makeSolver(threads: 2)
    let c = p.makeSolver(threads: 2)
    c.preconditioner = .jacobi
    let ra = a.solve(voltage: 10, tolerance: 1e-8)
    let rb = b.solve(voltage: 10, tolerance: 1e-8)
    let rc = c.solve(voltage: 10, tolerance: 1e-8)
    #expect(ra == rb)
    let L = p.layout
    var identical = true
    for i in 0..<L.count where a.potential[i] != b.potential[i] { identical = false }
    #expect(identical)
    #expect(rc.converged)
    #expect(abs(rc.resistance / ra.resistance - 1) < 1e-6)
    #expect(rc.iterations > ra.iterations)
}

/// No electrode: nothing to drive, zero current, infinite resistance, no iterations.
@Test func emptyElectrodeGivesNoCurrent() {
    let p = ElectricProblem(n: 8, spacingM: 1e-3, background: 0.333)
    let solver = p.makeSolver()
    let r = solver.solve(voltage: 10)
    #expect(r.current == 0 && r.iterations == 0 && r.resistance == .infinity)
}
