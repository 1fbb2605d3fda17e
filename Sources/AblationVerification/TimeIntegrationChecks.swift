import AblationKernels
import AblationRandom
import AblationSpectral
import Foundation

/// Temporal order of the two time discretisations a run makes: the explicit Euler step of the
/// Pennes kernel and the trapezoid rule of the damage sampling.
extension VerificationSuite {
    func timeIntegrationChecks() -> [VerificationCheck] {
        [explicitStepOrder(), damageSamplingOrder()]
    }

    /// The kernel at a fixed 1 mm spacing with ever smaller steps, against the exact solution of
    /// the same semi-discrete system (FFTW DST-I exponential integrator with the eigenvalues of the
    /// 7-point Laplacian, SpectralOperator.discrete): the spatial error is common to both, so only
    /// the time error remains, first order for explicit Euler. A smooth source (low sine modes of
    /// a Dirichlet box) is switched on at t = 0 and compared at 20 s.
    func explicitStepOrder() -> VerificationCheck {
        let h = 1e-3, time = 20.0
        let nx = 11, ny = 9, nz = 7
        let lengths = SIMD3<Double>(Double(nx + 1), Double(ny + 1), Double(nz + 1)) * h
        var rng = SplitMix64(seed: 3)
        let modes: [(SIMD3<Double>, Double)] = (0..<4).map { _ in
            (SIMD3<Double>(Double(rng.nextInt(in: 1...3)), Double(rng.nextInt(in: 1...3)), Double(rng.nextInt(in: 1...2))),
             rng.nextDouble(in: 2e5, 1e6))
        }
        var source = [Double]()
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let p = Double.pi * SIMD3<Double>(Double(i + 1), Double(j + 1), Double(k + 1)) * h / lengths
            source.append(modes.reduce(0) { s, m in
                let q = p * m.0
                return s + m.1 * sin(q.x) * sin(q.y) * sin(q.z)
            })
        } } }
        let coefficients = PennesCoefficients(conductivity: Self.k, volumetricHeatCapacity: Self.rhoC, perfusionCoefficient: Self.w)
        let solver = try! SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: .dirichlet, operator: .discrete,
                                               coefficients: coefficients)
        let exact = try! solver.evolve(theta0: [Double](repeating: 0, count: source.count), source: source, time: time)
        // 20 steps of 1 s is 0.76 of the stability bound (1.31 s); then halved.
        let stepCounts = quick ? [20, 40, 80] : [20, 40, 80, 160]
        return VerificationCheck.convergence(
            name: "explicit-step-order", physics: .timeIntegration,
            reference: "exact solution of the same semi-discrete system (FFTW DST-I exponential integrator, eigenvalues of the 7-point Laplacian), Dirichlet box at 1 mm, source switched on, t = 20 s",
            resolutions: stepCounts.map { time / Double($0) }, unit: "s", scaleToSI: 1, expectedOrder: 1) { dt in
            let harness = FiniteDifferenceHarness(nx: nx, ny: ny, nz: nz, spacingM: h, conductivity: Self.k, heatCapacity: Self.rhoC,
                                                  perfusion: Self.w, boundary: GhostBoundary(all: .dirichlet(0)), threads: threads)
            // The harness takes ceil(time / (fraction x bound)) steps: this fraction gives exactly time / dt.
            let steps = (time / dt).rounded()
            let fraction = time / ((steps - 0.5) * harness.op.stableTimeStep())
            return (harness.run(initial: nil, source: source, time: time, stepFraction: fraction), exact)
        }
    }

    /// The damage integral of liver Arrhenius along T = 37 + 0.5 t °C (to 67 °C in 60 s), on the
    /// production integrator sampled every 4, 2, 1, 0.5, 0.25 s, compared every 4 s with the exact
    /// integral: the trapezoid rule between samples is second order.
    func damageSamplingOrder() -> VerificationCheck {
        let startC = 37.0, rate = 0.5, duration = 60.0, every = 4.0
        let lnA = log(Self.liverArrhenius.frequencyFactor), c = Self.liverArrhenius.activationEnergy / DamageHistoryIntegrals.gasConstant
        let exact = stride(from: every, through: duration, by: every).map {
            DamageHistoryIntegrals.arrheniusRamp(logFrequencyFactor: lnA, activationTemperature: c, startC: startC, rate: rate, time: $0).value
        }
        return VerificationCheck.convergence(
            name: "damage-sampling-order", physics: .timeIntegration,
            reference: "closed form: liver Arrhenius Omega of T = 37 + 0.5 t °C at every 4 s to 60 s, (A/b)[T e^(-c/T) - c E1(c/T)]",
            resolutions: [4, 2, 1, 0.5, 0.25], unit: "s", scaleToSI: 1, expectedOrder: 2) { interval in
            let samples = Int((duration / interval).rounded()), stride = Int((every / interval).rounded())
            let values = SingleVoxelDamage.integrate(law: .arrhenius(logFrequencyFactor: lnA, activationTemperature: c), interval: interval,
                                                     samples: samples) { startC + rate * $0 }
            return (Swift.stride(from: stride - 1, to: samples, by: stride).map { values[$0] }, exact)
        }
    }
}
