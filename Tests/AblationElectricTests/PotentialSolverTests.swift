import Foundation
import Testing
import AblationKernels
@testable import AblationElectric

/// (a) Sphere electrode of radius a = 3 mm, spacing 0.5 mm, liver sigma.
///
/// Reference: a sphere of radius a in an infinite medium has R = 1 / (4 pi sigma a). The voxelised
/// sphere (voxels whose centre lies within a) is a staircase whose surface is the voxel faces (the
/// solver applies the voltage there), so we use the radius of the sphere with the same volume,
/// a_eff = (3 N h^3 / (4 pi))^(1/3), N the electrode voxel count.
///
/// Finite box: with the pad on the faces of a cube of side L = (n + 1) h (ghost centres), the
/// potential is V a/r plus a regular harmonic correction whose value at the centre scales exactly
/// like 1/L; by the cube's symmetry its gradient and (harmonic, isotropic) second derivatives vanish
/// at the centre, so across the sphere it is constant up to O(a^4 / L^5). Hence
/// R(L) = R_inf - beta / L + O(a^3 / L^4), and two box sizes extrapolate (Richardson in 1/L):
/// R_inf = (L2 R2 - L1 R1) / (L2 - L1). As a cross-check, beta is compared with the estimate that
/// replaces the cube by the sphere of equal volume, beta ~ 1 / (4 pi sigma 0.6204).
@Test func sphereResistanceMatchesInfiniteMedium() {
    let h = 0.5e-3, a = 3e-3
    let sigma: Float = 0.333
    var resistances: [(L: Double, R: Double)] = []
    var aEff = 0.0
    for n in [40, 64] {
        let problem = ElectricProblem.sphere(n: n, spacingM: h, radius: a, sigma: sigma)
        let solver = problem.makeSolver()
        let result = solver.solve(voltage: 1, tolerance: 1e-8)
        #expect(result.converged)
        resistances.append((Double(n + 1) * h, result.resistance))
        aEff = pow(3 * Double(problem.electrodeVoxels) * h * h * h / (4 * Double.pi), 1.0 / 3.0)
    }
    let (L1, R1) = resistances[0], (L2, R2) = resistances[1]
    let rInfinite = (L2 * R2 - L1 * R1) / (L2 - L1)
    let s = Double(sigma)
    let reference = 1 / (4 * Double.pi * s * aEff)
    let beta = (R2 - R1) / (1 / L1 - 1 / L2)
    let betaEqualVolume = 1 / (4 * Double.pi * s * pow(3 / (4 * Double.pi), 1.0 / 3.0))
    print("sphere: a_eff = \(aEff * 1e3) mm, R(\(L1 * 1e3) mm) = \(R1), R(\(L2 * 1e3) mm) = \(R2), "
          + "R_inf = \(rInfinite), 1/(4 pi sigma a_eff) = \(reference), beta = \(beta) vs \(betaEqualVolume)")
    #expect(abs(rInfinite / reference - 1) < 0.03)
    #expect(abs(beta / betaEqualVolume - 1) < 0.15)
    // The equal-volume-sphere correction applied to one box agrees as well.
    let corrected = R2 + betaEqualVolume / L2
    #expect(abs(corrected / reference - 1) < 0.03)
}

/// A heterogeneous field for the identity and conservation tests: cooled tip with a 3x sigma
/// jump across the plane z = 5 mm and random +-10 % texture.
func heterogeneousTip(n: Int) -> ElectricProblem {
    let p = ElectricProblem.cooledTip(n: n)
    var rng = TestRandom(state: 7)
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
    var rng = TestRandom(state: 11)
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
