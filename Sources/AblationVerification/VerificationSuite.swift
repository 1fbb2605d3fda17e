import AblationGrid
import AblationKernels
import AblationPreset
import AblationRandom
import AblationSimulation
import AblationSpectral
import AblationTissue
import Foundation

/// `ablsim verify`: every model that decides a zone against references that are not the code under
/// test (closed forms, semi-analytic and exact spectral solutions, published tables), with observed
/// orders where a sequence of grids or steps applies. Each physics adds its checks in a file of its
/// own (`...Checks.swift`) and is listed in `run`.
public struct VerificationSuite {
    public var quick: Bool
    public var threads: Int

    public init(quick: Bool, threads: Int) {
        self.quick = quick
        self.threads = max(1, threads)
    }

    /// Liver-like constants with strong perfusion so that steady states arrive within a few
    /// hundred seconds and fields decay well inside the boxes.
    static let k = 0.5, rhoC = 4.0e6, w = 5.0e4

    public func run(log: (String) -> Void = { _ in }) -> VerificationReport {
        var checks: [VerificationCheck] = []
        let groups: [(String, () -> [VerificationCheck])] = [
            ("slab-steady-1d", { [slabSteady()] }),
            ("gaussian-decay", { [gaussianDecay()] }),
            ("spectral-dirichlet", { [spectralBox(periodic: false)] }),
            ("spectral-periodic", { [spectralBox(periodic: true)] }),
            ("point-source-erfc", { [pointSource()] }),
            ("sphere-steady", { [sphereSteady()] }),
            ("heterogeneous", { heterogeneousChecks() }),
            ("time-integration", { timeIntegrationChecks() }),
            ("damage", { damageChecks() }),
            ("conductivity-law", { conductivityLawChecks() }),
            ("vaporisation", { vaporisationChecks() }),
            ("vessel", { vesselChecks() }),
            ("rf-sphere", { radiofrequencySphereChecks() }),
            ("rf-generator", { generatorControlChecks() }),
            ("mwa-deposit", { microwaveChecks() }),
            ("mwa-dielectric", { dielectricChecks() }),
            ("rf-cylinder", { radiofrequencyCylinderChecks() }),
        ]
        for (name, body) in groups {
            log("running \(name) ...")
            checks += body()
        }
        return VerificationReport(checks: checks)
    }

    // MARK: cases

    /// 1-D slab between two planes held at theta = 0, uniform source, steady state:
    /// theta = q/W (1 - cosh(l (x - L/2)) / cosh(l L/2)), l = sqrt(W/k).
    func slabSteady() -> VerificationCheck {
        let length = 0.02, q = 1e6
        // Coarser than the 3-D cases on purpose: at steady state a Float32 explicit step stalls once
        // the increment drops below half an ulp of theta, which leaves a floor of about
        // ulp(theta) * rho c / (dt * W) (~2e-3 K at 0.25 mm here) that would mask the truncation error.
        let spacings = [2e-3, 1e-3, 5e-4]
        let l = (Self.w / Self.k).squareRoot()
        return VerificationCheck.convergence(name: "slab-steady-1d", physics: .perfusion,
                                            reference: "closed form: steady perfused slab between 0-K planes, uniform source (cosh profile)",
                                            resolutions: spacings.map { $0 * 1000 }, unit: "mm", scaleToSI: 1e-3, expectedOrder: 2) { h in
            let n = Int((length / h).rounded()) - 1
            let harness = FiniteDifferenceHarness(nx: n, ny: 1, nz: 1, spacingM: h, conductivity: Self.k, heatCapacity: Self.rhoC,
                                                  perfusion: Self.w, boundary: GhostBoundary(x: .dirichlet(0), y: .adiabatic, z: .adiabatic),
                                                  threads: 1)
            let fd = harness.run(initial: nil, source: [Double](repeating: q, count: n), time: 1500)
            let exact = (0..<n).map { i -> Double in
                let x = Double(i + 1) * h
                return q / Self.w * (1 - cosh(l * (x - length / 2)) / cosh(l * length / 2))
            }
            return (fd, exact)
        }
    }

    /// Gaussian bump diffusing and perfused: theta0 (s²/(s² + 2 alpha t))^(3/2)
    /// exp(-r²/(2(s² + 2 alpha t))) exp(-beta t).
    func gaussianDecay() -> VerificationCheck {
        let size = 0.04, s = 0.003, theta0 = 10.0, t = 40.0
        let alpha = Self.k / Self.rhoC, beta = Self.w / Self.rhoC
        let spacings = quick ? [1e-3, 5e-4] : [1e-3, 5e-4, 2.5e-4]
        return VerificationCheck.convergence(name: "gaussian-decay", physics: .conduction,
                                            reference: "closed form: Gaussian bump diffusing with perfusion decay",
                                            resolutions: spacings.map { $0 * 1000 }, unit: "mm", scaleToSI: 1e-3, expectedOrder: 2) { h in
            let n = Int((size / h).rounded()) | 1
            let c = Double(n / 2)
            func r2(_ i: Int, _ j: Int, _ k: Int) -> Double {
                let d = SIMD3<Double>(Double(i) - c, Double(j) - c, Double(k) - c) * h
                return (d * d).sum()
            }
            var initial = [Double](), exact = [Double]()
            let s2t = s * s + 2 * alpha * t
            for k in 0..<n { for j in 0..<n { for i in 0..<n {
                let rr = r2(i, j, k)
                initial.append(theta0 * Foundation.exp(-rr / (2 * s * s)))
                exact.append(theta0 * pow(s * s / s2t, 1.5) * Foundation.exp(-rr / (2 * s2t)) * Foundation.exp(-beta * t))
            } } }
            let harness = FiniteDifferenceHarness(nx: n, ny: n, nz: n, spacingM: h, conductivity: Self.k, heatCapacity: Self.rhoC,
                                                  perfusion: Self.w, boundary: GhostBoundary(all: .dirichlet(0)), threads: threads)
            return (harness.run(initial: initial, source: nil, time: t), exact)
        }
    }

    /// A smooth random source (a few low modes, fixed seed) switched on in a box, compared with
    /// the exact solution computed by FFTW: DST-I for a Dirichlet box, r2c/c2r for a periodic one.
    func spectralBox(periodic: Bool) -> VerificationCheck {
        let lengths = SIMD3<Double>(0.024, 0.020, 0.016), t = 30.0
        let spacings = quick ? [1e-3, 5e-4] : [1e-3, 5e-4, 2.5e-4]
        let name = periodic ? "spectral-periodic" : "spectral-dirichlet"
        let coefficients = PennesCoefficients(conductivity: Self.k, volumetricHeatCapacity: Self.rhoC, perfusionCoefficient: Self.w)
        // Mode amplitudes fixed by a seed so every run and every grid see the same source.
        var rng = SplitMix64(seed: periodic ? 2 : 1)
        let modes: [(SIMD3<Double>, Double, Double)] = (0..<5).map { _ in
            let m = SIMD3<Double>(Double(rng.nextInt(in: 1...3)), Double(rng.nextInt(in: 1...3)), Double(rng.nextInt(in: 1...2)))
            return (m, rng.nextDouble(in: 2e5, 1e6), rng.nextDouble(in: 0, 2 * Double.pi))
        }
        return VerificationCheck.convergence(name: name, physics: .conduction,
                                            reference: periodic ? "exact spectral solution (FFTW r2c/c2r exponential integrator), periodic box" : "exact spectral solution (FFTW DST-I exponential integrator), Dirichlet box",
                                            resolutions: spacings.map { $0 * 1000 }, unit: "mm", scaleToSI: 1e-3, expectedOrder: 2) { h in
            let counts = (lengths / h).rounded(.toNearestOrEven)
            let n = periodic ? counts : counts - 1
            let nx = Int(n.x), ny = Int(n.y), nz = Int(n.z)
            var source = [Double]()
            source.reserveCapacity(nx * ny * nz)
            for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
                // Dirichlet samples sit at (i + 1) h from the zero plane; periodic ones at i h.
                let x = SIMD3<Double>(Double(i), Double(j), Double(k)) * h + (periodic ? 0 : h)
                var v = 0.0
                for (m, amplitude, phase) in modes {
                    if periodic {
                        let arg = 2 * Double.pi * (m * x / lengths).sum() + phase
                        v += amplitude * (1 + cos(arg)) / 2
                    } else {
                        let p = Double.pi * m * x / lengths
                        v += amplitude * sin(p.x) * sin(p.y) * sin(p.z)
                    }
                }
                source.append(v)
            } } }
            let solver = try! SpectralPennesSolver(nx: nx, ny: ny, nz: nz, spacing: h, boundary: periodic ? .periodic : .dirichlet,
                                                   operator: .continuous, coefficients: coefficients)
            let exact = try! solver.evolve(theta0: [Double](repeating: 0, count: source.count), source: source, time: t)
            let harness = FiniteDifferenceHarness(nx: nx, ny: ny, nz: nz, spacingM: h, conductivity: Self.k, heatCapacity: Self.rhoC,
                                                  perfusion: Self.w, boundary: GhostBoundary(all: periodic ? .periodic : .dirichlet(0)),
                                                  threads: threads)
            return (harness.run(initial: nil, source: source, time: t), exact)
        }
    }

    /// Point source P switched on at t = 0 (one voxel of power density P/h³), compared with
    /// P/(8 pi k r) [e^(-m r) erfc(r/(2 sqrt(alpha t)) - sqrt(beta t)) + e^(m r) erfc(... + sqrt(beta t))]
    /// for 3 mm <= r <= 9 mm (the singular near field is excluded).
    func pointSource() -> VerificationCheck {
        let power = 0.3, t = 60.0, size = 0.03
        let alpha = Self.k / Self.rhoC, beta = Self.w / Self.rhoC, m = (Self.w / Self.k).squareRoot()
        let spacings = quick ? [1e-3, 5e-4] : [1e-3, 5e-4, 2.5e-4]
        return VerificationCheck.convergence(name: "point-source-erfc", physics: .perfusion,
                                            reference: "closed form: point source switched on in perfused tissue (erfc solution), 3-9 mm",
                                            resolutions: spacings.map { $0 * 1000 }, unit: "mm", scaleToSI: 1e-3, expectedOrder: 2) { h in
            let n = Int((size / h).rounded()) | 1
            let c = n / 2
            var source = [Double](repeating: 0, count: n * n * n)
            source[c + n * (c + n * c)] = power / (h * h * h)
            let harness = FiniteDifferenceHarness(nx: n, ny: n, nz: n, spacingM: h, conductivity: Self.k, heatCapacity: Self.rhoC,
                                                  perfusion: Self.w, boundary: GhostBoundary(all: .dirichlet(0)), threads: threads)
            let full = harness.run(initial: nil, source: source, time: t)
            var fd = [Double](), exact = [Double]()
            for k in 0..<n { for j in 0..<n { for i in 0..<n {
                let d = SIMD3<Double>(Double(i - c), Double(j - c), Double(k - c)) * h
                let r = (d * d).sum().squareRoot()
                guard r >= 0.003 - 1e-12, r <= 0.009 + 1e-12 else { continue }
                let x = r / (2 * (alpha * t).squareRoot()), y = (beta * t).squareRoot()
                let theta = power / (8 * Double.pi * Self.k * r) * (Foundation.exp(-m * r) * erfc(x - y) + Foundation.exp(m * r) * erfc(x + y))
                fd.append(full[i + n * (j + n * k)])
                exact.append(theta)
            } } }
            return (fd, exact)
        }
    }

    /// A uniform sphere source through the whole product path (preset -> scene with partial
    /// volumes -> simulation), run to steady state, against
    /// inside: (q/W)[1 - (1 + m a) e^(-m a) sinh(m r)/(m r)], outside: (q/W)[m a cosh(m a) - sinh(m a)] e^(-m r)/(m r).
    /// The source jumps at r = a and the scene spreads it by partial volumes, whose error is O(h) in
    /// the voxels the surface cuts: the formal order is 1 (second order is observed away from it).
    func sphereSteady() -> VerificationCheck {
        let radius = 0.005, power = 2.0
        let m = (Self.w / Self.k).squareRoot()
        let q = power / (4.0 / 3.0 * Double.pi * pow(radius, 3))
        let spacings = quick ? [1e-3, 5e-4] : [1e-3, 5e-4, 2.5e-4]
        return VerificationCheck.convergence(name: "sphere-steady", physics: .perfusion,
                                            reference: "closed form: steady uniform sphere source in perfused tissue, through the preset path",
                                            resolutions: spacings.map { $0 * 1000 }, unit: "mm", scaleToSI: 1e-3, expectedOrder: 1) { h in
            let hMM = h * 1000
            let blood = ArterialBlood()
            let perfusionPerS = Self.w / blood.volumetricHeatCapacity
            let json = """
                {"ablsim": 1, "name": "verify-sphere",
                 "grid": {"size_mm": [40, 40, 40], "spacing_mm": \(hMM)},
                 "background": "phantom",
                 "materials": {"phantom": {"density_kg_m3": 1000, "specific_heat_j_kgk": 4000, "conductivity_w_mk": \(Self.k),
                                           "perfusion_per_s": \(perfusionPerS), "linear": true}},
                 "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": \(radius * 1000)},
                                  "schedule": [{"duration_s": 1200, "power_w": \(power)}]}],
                 "damage": {"model": "isotherm"}}
                """
            let preset = try! Preset.parse(bytes: Array(json.utf8), source: "verify-sphere").0
            let scene = try! Scene(preset: preset)
            let result = try! Simulation(preset: preset, scene: scene, threads: threads).run()
            let temperature = result.temperature()
            let g = scene.grid
            var fd = [Double](), exact = [Double]()
            for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
                let p = g.worldPosition(i, j, k) * 1e-3
                let r = (p * p).sum().squareRoot()
                guard r <= 0.012 else { continue }
                let mr = max(m * r, 1e-12), ma = m * radius
                let theta = r <= radius
                    ? q / Self.w * (1 - (1 + ma) * Foundation.exp(-ma) * sinh(mr) / mr)
                    : q / Self.w * (ma * cosh(ma) - sinh(ma)) * Foundation.exp(-mr) / mr
                fd.append(Double(temperature[g.linearIndex(i, j, k)]) - 37)
                exact.append(theta)
            } } }
            return (fd, exact)
        }
    }
}
