import AblationElectric
import AblationKernels
import Foundation

/// The RF potential solve and its Joule heat against closed forms: a spherical electrode at the
/// centre of the grounded box (SphereElectrodeProblem), its resistance and potential, the energy
/// identity of its heat, and the steady perfused temperature that heat drives.
extension VerificationSuite {
    /// Box side, ball radius and conductivity of the sphere cases: 6.25 mm is never at a voxel
    /// centre of the 2, 1 and 0.5 mm grids (156.25 is no sum of three squared integers), so no
    /// contact fraction is 0.
    static let rfBoxSideM = 0.064, rfRadiusM = 0.00625, rfSigma = 0.333, rfVoltage = 20.0

    func radiofrequencySphereChecks() -> [VerificationCheck] {
        let spacingsMM: [Double] = quick ? [2, 1] : [2, 1, 0.5]
        var problems: [Double: SphereElectrodeProblem] = [:]
        func problem(_ h: Double) -> SphereElectrodeProblem {
            if let p = problems[h] { return p }
            let p = SphereElectrodeProblem(boxSideM: Self.rfBoxSideM, spacingM: h, radiusM: Self.rfRadiusM, sigma: Self.rfSigma,
                                           voltage: Self.rfVoltage, threads: threads)
            problems[h] = p
            return p
        }
        let resistance = VerificationCheck.convergence(
            name: "rf-sphere-resistance", physics: .rf,
            reference: "closed form: sphere electrode in a grounded cube, R = (1/a - M/s)/(4 pi sigma), M the rock-salt Madelung constant (images)",
            resolutions: spacingsMM, unit: "mm", scaleToSI: 1e-3, expectedOrder: 2) { h in
            let p = problem(h)
            return ([p.result.resistance], [p.referenceResistance])
        }
        let potential = VerificationCheck.convergence(
            name: "rf-sphere-potential", physics: .rf,
            reference: "closed form: V = I/(4 pi sigma) (1/r - M/s + degree-4 image term) around a sphere electrode in a grounded cube, a < r <= 12 mm",
            resolutions: spacingsMM, unit: "mm", scaleToSI: 1e-3, expectedOrder: 2) { h in
            let p = problem(h)
            var model: [Double] = [], exact: [Double] = []
            let V = p.solver.potential
            for k in 0..<p.n { for j in 0..<p.n { for i in 0..<p.n {
                let x = p.position(i, j, k), r = (x * x).sum().squareRoot()
                guard r > p.radiusM, r <= 0.012 + 1e-12 else { continue }
                model.append(Double(V[p.layout.index(i, j, k)]))
                exact.append(p.referencePotential(x))
            } } }
            return (model, exact)
        }
        let temperature = VerificationCheck.convergence(
            name: "rf-sphere-joule-steady", physics: .rf,
            reference: "semi-analytic: steady Pennes temperature of the source sigma |E|^2 = sigma V0^2 a'^2 / r^4 around a sphere electrode (radial Green's function, Gauss-Legendre), r <= 10 mm",
            resolutions: spacingsMM, unit: "mm", scaleToSI: 1e-3, expectedOrder: 1) { h in
            sphereSteadyTemperature(problem(h))
        }
        let energy = sphereJouleEnergy(problem(1e-3))
        return [resistance, potential, energy, temperature]
    }

    /// Thermal constants of the RF steady case: strong perfusion (m = sqrt(W/k) = 632 /m) so that
    /// the temperature reaches steady state in 300 s and has decayed by 1e-5 well inside a 40 mm box.
    static let rfPerfusion = 2.0e5

    /// The solver's Joule heat (the production `jouleHeat`) as the source of the production Pennes
    /// kernel (FiniteDifferenceHarness) in a 40 mm box at the centre of the electric one, run to steady
    /// state, against the radial Green's function of the perfused medium applied to
    /// q = sigma |E|^2 = (I / (4 pi))^2 / (sigma r^4), I = V0 / R the closed-form current:
    ///
    ///     theta(r) = 1/(k m) [u2(r) int_a^r u1 q r'^2 dr' + u1(r) int_r^inf u2 q r'^2 dr'],
    ///     u1 = sinh(m r)/r, u2 = e^(-m r)/r, m = sqrt(W/k),
    ///
    /// (theta = u1(r) / (k m) int_a^inf u2 q r'^2 dr' inside the ball, which the kernel treats as
    /// perfused tissue without a source). The box's degree-4 image field changes |E|^2 by at most
    /// 3e-4 relative at r <= 8 mm, with zero mean over directions; it is left out. The heat jumps at
    /// r = a, where the voxels the surface cuts take their links' heat: formal order 1.
    func sphereSteadyTemperature(_ p: SphereElectrodeProblem) -> (model: [Double], reference: [Double]) {
        let h = p.spacingM
        let heat = AlignedBuffer<Float>(count: p.layout.count, repeating: 0)
        p.solver.jouleHeat(into: heat)
        let nt = Int((0.04 / h).rounded()) - 1, offset = (p.n - nt) / 2
        var source: [Double] = []
        source.reserveCapacity(nt * nt * nt)
        for k in 0..<nt { for j in 0..<nt { for i in 0..<nt {
            source.append(Double(heat[p.layout.index(i + offset, j + offset, k + offset)]))
        } } }
        let k = Self.k, w = Self.rfPerfusion, m = (w / k).squareRoot()
        let harness = FiniteDifferenceHarness(nx: nt, ny: nt, nz: nt, spacingM: h, conductivity: k, heatCapacity: Self.rhoC,
                                              perfusion: w, boundary: GhostBoundary(all: .dirichlet(0)), threads: threads)
        let theta = harness.run(initial: nil, source: source, time: 300)
        let current = p.voltage / p.referenceResistance
        let amplitude = current * current / (16 * Double.pi * Double.pi * p.sigma) // q r^4
        let a = p.radiusM
        let rule = GaussLegendre(points: 48)
        // Integrands times r'^2: q r'^2 = amplitude / r'^2.
        func inner(_ r: Double) -> Double { // int_a^r sinh(m r')/r'^3 dr'
            rule.integrate(from: a, to: r, panels: 4) { sinh(m * $0) / ($0 * $0 * $0) }
        }
        func outer(_ r: Double) -> Double { // int_r^inf e^(-m r')/r'^3 dr', truncated where e^(-m r') < 1e-17
            rule.integrate(from: r, to: r + 40 / m, panels: 8) { Foundation.exp(-m * $0) / ($0 * $0 * $0) }
        }
        let outerFromA = outer(a)
        var model: [Double] = [], exact: [Double] = []
        let c = (nt - 1) / 2
        for kk in 0..<nt { for j in 0..<nt { for i in 0..<nt {
            let x = SIMD3(Double(i - c), Double(j - c), Double(kk - c)) * h
            let r = (x * x).sum().squareRoot()
            guard r <= 0.010 + 1e-12 else { continue }
            let u1 = r > 0 ? sinh(m * r) / r : m, u2 = Foundation.exp(-m * r) / max(r, 1e-300)
            let value = r <= a ? u1 * outerFromA : u2 * inner(r) + u1 * outer(r)
            model.append(theta[i + nt * (j + nt * kk)])
            exact.append(amplitude / (k * m) * value)
        } } }
        return (model, exact)
    }

    /// The Joule power summed over the voxels (the solver's `jouleHeat` times the voxel volume)
    /// against V0 I, with I measured independently of the solver's own current: the flux
    /// sum sigma h (V_in - V_out) through the faces of a closed cube of half-width 10.5 mm around the
    /// electrode, from the solved potential. Both are measurements of the same solution, so they can
    /// disagree: a heat that counts a link twice or drops the contact links, or a current lost
    /// between the electrode and the surface, fails. Tolerance: the bounds of what the converged
    /// discrete identity leaves, (1) the solver's residual r (||r|| = relative residual ||b||):
    /// |sum Q h^3 - V0 I_electrode| <= V0 ||U|| ||r|| and |I_electrode - I_surface| <= sqrt(N) ||r||
    /// for the N free voxels inside the surface, and (2) Float32 rounding: the stored heat (eps/2 per
    /// voxel) and the stored potential (eps/2 |V| per value in every flux term).
    func sphereJouleEnergy(_ p: SphereElectrodeProblem) -> VerificationCheck {
        let clock = ContinuousClock(), start = clock.now
        let L = p.layout, h = p.spacingM, n = p.n
        let heat = AlignedBuffer<Float>(count: L.count, repeating: 0)
        p.solver.jouleHeat(into: heat)
        var joule = 0.0
        for k in 0..<n { for j in 0..<n { for i in 0..<n { joule += Double(heat[L.index(i, j, k)]) } } }
        joule *= h * h * h
        let V = p.solver.potential
        let c = (n - 1) / 2, half = Int((0.0105 / h).rounded(.down))
        let lo = c - half, hi = c + half
        var flux = 0.0, roundingBound = 0.0, inside = 0, unitNorm = 0.0
        let g = p.sigma * h, eps = Double(Float.ulpOfOne)
        for k in 0..<n { for j in 0..<n { for i in 0..<n {
            let u = Double(V[L.index(i, j, k)]) / p.voltage
            unitNorm += u < 1 ? u * u : 0
        } } }
        for k in lo...hi { for j in lo...hi { for i in lo...hi {
            let idx = L.index(i, j, k)
            if V[idx] != Float(p.voltage) { inside += 1 }
            let v = Double(V[idx])
            for (step, onFace) in [(1, i == hi), (-1, i == lo), (L.strideY, j == hi), (-L.strideY, j == lo),
                                   (L.strideZ, k == hi), (-L.strideZ, k == lo)] where onFace {
                let out = Double(V[idx + step])
                flux += g * (v - out)
                roundingBound += g * (abs(v) + abs(out)) * eps / 2
            }
        } } }
        let power = p.voltage * flux
        let residual = p.result.relativeResidual * p.rhsNorm
        let tolerance = (p.voltage * (unitNorm.squareRoot() + Double(inside).squareRoot()) * residual
            + p.voltage * roundingBound + joule * eps / 2) / joule
        return VerificationCheck(
            name: "rf-joule-energy", physics: .rf,
            reference: "energy identity: Joule heat summed over the voxels = V0 I, I the flux of the solved potential through a closed cube around the electrode (1 mm)",
            error: abs(joule - power) / joule, tolerance: tolerance,
            toleranceBasis: "bounds of the converged discrete identity: the solver's residual (V0 (||U|| + sqrt N) ||r||) and Float32 rounding of the stored heat and potential",
            seconds: (clock.now - start).seconds)
    }
}

/// Gauss-Legendre quadrature on [-1, 1] (nodes by Newton's method on P_n), composite over panels.
struct GaussLegendre {
    let nodes: [Double]
    let weights: [Double]

    init(points n: Int) {
        var x: [Double] = [], w: [Double] = []
        for i in 1...n {
            var t = cos(Double.pi * (Double(i) - 0.25) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = t
                for k in 2...n {
                    let p2 = ((2 * Double(k) - 1) * t * p1 - (Double(k) - 1) * p0) / Double(k)
                    p0 = p1
                    p1 = p2
                }
                derivative = Double(n) * (t * p1 - p0) / (t * t - 1)
                let dt = p1 / derivative
                t -= dt
                if abs(dt) < 1e-15 { break }
            }
            x.append(t)
            w.append(2 / ((1 - t * t) * derivative * derivative))
        }
        nodes = x
        weights = w
    }

    func integrate(from a: Double, to b: Double, panels: Int, _ f: (Double) -> Double) -> Double {
        guard b > a else { return 0 }
        let width = (b - a) / Double(panels)
        var sum = 0.0
        for p in 0..<panels {
            let mid = a + (Double(p) + 0.5) * width, half = width / 2
            for (t, w) in zip(nodes, weights) { sum += w * f(mid + half * t) }
        }
        return sum * width / 2
    }
}
