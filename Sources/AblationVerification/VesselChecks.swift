import AblationPreset
import AblationSimulation
import AblationTissue
import Foundation

/// Convective vessels: the wall heat transfer law against the Graetz and Leveque constants computed
/// here, the outlet temperature of a straight vessel in tissue at one temperature against the
/// closed form, and the blood's energy balance against the wall heat summed from the field.
extension VerificationSuite {
    /// The Graetz problem (laminar Poiseuille flow, wall at constant temperature): the fully
    /// developed Nusselt number is beta0² / 2, beta0 the first eigenvalue of
    /// (1/r)(r phi')' + beta² (1 - r²) phi = 0, phi'(0) = 0, phi(1) = 0. phi is the series
    /// sum a_n r^(2n), a_0 = 1, a_(n+1) = -beta² (a_n - a_(n-1)) / (2n + 2)²; beta0 by bisection.
    static func graetzNusselt() -> Double {
        func wallValue(_ beta: Double) -> Double {
            var previous = 0.0, current = 1.0, sum = 1.0
            for n in 0..<200 {
                let next = -beta * beta * (current - previous) / Double((2 * n + 2) * (2 * n + 2))
                sum += next
                previous = current
                current = next
                if abs(next) < 1e-18 && n > 10 { break }
            }
            return sum
        }
        // Bracket the first sign change, then bisect.
        var lo = 0.5
        while wallValue(lo + 0.01) > 0 { lo += 0.01 }
        var hi = lo + 0.01
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if wallValue(mid) > 0 { lo = mid } else { hi = mid }
        }
        let beta = (lo + hi) / 2
        return beta * beta / 2
    }

    /// Leveque's thin thermal boundary layer in the wall shear of Poiseuille flow (8 U / D): the
    /// local Nusselt number is (8/9)^(1/3) / Gamma(4/3) (Re Pr D / x)^(1/3); its mean over the
    /// heated length is 3/2 of the local value at the end.
    static let levequeMeanCoefficient = 1.5 * pow(8.0 / 9.0, 1.0 / 3.0) / tgamma(4.0 / 3.0)

    /// The published constants of the correlation the model cites (Shah & London 1978): 3.66 in the
    /// fully developed limit, 1.615 Gz^(1/3) in the entrance region, joined by their maximum.
    static func publishedNusselt(graetz: Double) -> Double { max(3.66, 1.615 * pow(graetz, 1.0 / 3.0)) }

    /// Blood and vessel of the runs: the inputs of the wall coefficient (Gz = v D² / (alpha_b L)).
    struct VesselRun {
        let blood = (density: 1050.0, specificHeat: 3617.0, conductivity: 0.52, temperature: 37.0)
        let diameter = 3e-3, tissueK = 0.5
        var size = SIMD3<Double>(0.04, 0.012, 0.012)

        func graetz(velocity v: Double, length l: Double) -> Double {
            v * diameter * diameter * blood.density * blood.specificHeat / (blood.conductivity * l)
        }

        /// Heat transfer coefficient (W/m²/K) of the film, from the published correlation.
        func wallCoefficient(velocity v: Double) -> Double {
            VerificationSuite.publishedNusselt(graetz: graetz(velocity: v, length: size.x)) * blood.conductivity / diameter
        }

        /// Heat capacity flow rate m c (W/K).
        func capacityRate(velocity v: Double) -> Double {
            blood.density * blood.specificHeat * v * Double.pi * diameter * diameter / 4
        }

        /// A face between tissue and blood: the tissue half cell h / (2 k) in series with the film.
        func faceConductance(spacing h: Double, velocity v: Double) -> Double {
            h * h / (h / (2 * tissueK) + 1 / wallCoefficient(velocity: v))
        }

        /// Cross-section cells (j, k) whose centres lie in the lumen, and the faces from them to tissue.
        func crossSection(spacing h: Double) -> (inside: (Int, Int) -> Bool, ny: Int, wallFaces: Int) {
            let ny = Int((size.y / h).rounded())
            let r = diameter / 2
            func inside(_ j: Int, _ k: Int) -> Bool {
                guard j >= 0, j < ny, k >= 0, k < ny else { return false }
                let y = (Double(j) - Double(ny - 1) / 2) * h, z = (Double(k) - Double(ny - 1) / 2) * h
                return y * y + z * z <= r * r
            }
            var faces = 0
            for k in 0..<ny { for j in 0..<ny where inside(j, k) {
                for (dj, dk) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let jj = j + dj, kk = k + dk
                    if jj >= 0, jj < ny, kk >= 0, kk < ny, !inside(jj, kk) { faces += 1 }
                }
            } }
            return (inside, ny, faces)
        }

        /// A vessel along x through the whole box, tissue at `tissueC` with a Dirichlet boundary there,
        /// and a heat source for `duration`: 3 mm across, 1 mm from the wall, or a 0 W speck in a corner.
        func run(spacing h: Double, velocity v: Double, tissueC: Double, source: (power: Double, duration: Double), threads: Int) -> SimulationResult {
            let hMM = h * 1000, mm = size * 1000
            let json = """
                {"ablsim": 1, "name": "verify-vessel",
                 "grid": {"center_mm": [0, 0, 0], "size_mm": [\(mm.x), \(mm.y), \(mm.z)], "spacing_mm": \(hMM)},
                 "boundary": {"type": "dirichlet", "temperature_c": \(tissueC)}, "initial_temperature_c": \(tissueC),
                 "blood": {"temperature_c": \(blood.temperature), "density_kg_m3": \(blood.density), "specific_heat_j_kgk": \(blood.specificHeat)},
                 "background": "tissue",
                 "materials": {"tissue": {"density_kg_m3": 1000, "specific_heat_j_kgk": 4000, "conductivity_w_mk": \(tissueK),
                                          "perfusion_per_s": 0, "metabolic_heat_w_m3": 0, "linear": true},
                               "lumen": {"density_kg_m3": \(blood.density), "specific_heat_j_kgk": \(blood.specificHeat),
                                         "conductivity_w_mk": \(blood.conductivity), "perfusion_per_s": 0, "metabolic_heat_w_m3": 0, "linear": true}},
                 "regions": [{"name": "vein", "material": "lumen", "vessel": true,
                              "shape": {"type": "cylinder", "start_mm": [\(-mm.x), 0, 0], "end_mm": [\(mm.x), 0, 0], "radius_mm": \(diameter * 500)},
                              "flow": {"model": "convective", "velocity_mm_s": \(v * 1000), "occlusion": "never"}}],
                 "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, \(source.power > 0 ? 4 : 2.4), \(source.power > 0 ? 0 : 2.4)], "radius_mm": \(source.power > 0 ? 1.5 : 0.2)},
                                  "schedule": [{"duration_s": \(source.duration), "power_w": \(source.power)}]}],
                 "damage": {"model": "isotherm"}}
                """
            let preset = try! Preset.parse(bytes: Array(json.utf8), source: "verify-vessel").0
            let scene = try! Scene(preset: preset)
            return try! Simulation(preset: preset, scene: scene, threads: threads).run()
        }
    }

    func vesselChecks() -> [VerificationCheck] {
        var checks: [VerificationCheck] = []
        let blood = ArterialBlood()
        let vessel = VesselRun()
        // (a) The law's two limits, evaluated through the model's coefficient (VesselFlowSpec).
        func modelNusselt(graetz gz: Double) -> Double {
            var b = blood
            b.densityKgM3 = vessel.blood.density
            b.specificHeatJKgK = vessel.blood.specificHeat
            // 1 m/s keeps the entrance length above the diameter, below which the model clamps it.
            let v = 1.0, d = vessel.diameter
            let length = v * d * d * b.volumetricHeatCapacity / (vessel.blood.conductivity * gz)
            let h = VesselFlowSpec.wallCoefficient(diameterMM: d * 1000, velocityMMS: v * 1000, lengthMM: length * 1000,
                                                   blood: b, bloodConductivityWMK: vessel.blood.conductivity)
            return h * d / vessel.blood.conductivity
        }
        let graetz = Self.graetzNusselt()
        checks.append(VerificationCheck(
            name: "vessel-graetz-nusselt", physics: .vessel,
            reference: String(format: "Graetz 1885 / Shah & London 1978: fully developed laminar flow, wall at constant temperature, Nu = beta0²/2 = %.5f (eigenvalue computed here; 48/11 = 4.364 would be constant flux)", graetz),
            error: abs(modelNusselt(graetz: 1) - graetz) / graetz, tolerance: 0.005 / 3.66,
            toleranceBasis: "the published constant's rounding: 3.66 to 3 significant figures (half a unit in the last place)"))
        let leveque = Self.levequeMeanCoefficient
        let gz = 1e3
        checks.append(VerificationCheck(
            name: "vessel-leveque-nusselt", physics: .vessel,
            reference: String(format: "Leveque 1928: mean Nu = 1.5 (8/9)^(1/3) / Gamma(4/3) Gz^(1/3) = %.5f Gz^(1/3) (entrance region, Gz = 1e3)", leveque),
            error: abs(modelNusselt(graetz: gz) / pow(gz, 1.0 / 3.0) - leveque) / leveque, tolerance: 0.0005 / 1.615,
            toleranceBasis: "the published constant's rounding: 1.615 to 4 significant figures (half a unit in the last place)"))

        // (a) Outlet temperature with the tissue at one temperature T_w around the vessel (the run
        // stops after 1 ns, so the wall voxels keep T_w to the last bit): the closed form of a tube
        // at constant wall temperature, T_out = T_w - (T_w - T_in) exp(-U A / (m c)), with U the film
        // (published correlation) in series with the tissue half cell and A the voxelised wall's face
        // area, counted here. The model marches slices one voxel thick with the implicit midpoint
        // rule: (1 - x/2)/(1 + x/2) against exp(-x) per slice, an error of order h².
        // From 0.5 mm down the voxelised lumen is a digitally convex disc D / h rows and columns wide,
        // so its wall has 4 D / h faces per slice at every spacing and only the march is refined
        // (at 1 mm the 2 x 2 lumen has 8 faces of 1 mm, another wall); no steps are taken, so the
        // tissue ring can be thin.
        let tissueC = 90.0
        let velocities = [0.05, 0.004]  // Gz 82 (Leveque branch) and 6.6 (Graetz branch)
        let spacings = quick ? [5e-4, 2.5e-4] : [5e-4, 2.5e-4, 1.25e-4]
        var outletVessel = vessel
        outletVessel.size = SIMD3(0.04, 0.006, 0.006)
        // The voxel faces overstate the wall's area pi D L (a staircase circle's perimeter tends to
        // 4 D): reported, since the model exchanges heat over them.
        let areaRatio = Double(outletVessel.crossSection(spacing: spacings.last!).wallFaces) * spacings.last! / (Double.pi * vessel.diameter)
        checks.append(VerificationCheck.convergence(
            name: "vessel-outlet-closed-form", physics: .vessel,
            reference: String(format: "closed form: tube at constant wall temperature, T_out = T_w - (T_w - T_in) exp(-U A / (m c)), film from Shah & London's correlation in series with the half voxel, A = the voxel faces of the wall (%.3f x pi D L at %g mm); 3 mm vessel at 50 and 4 mm/s", areaRatio, spacings.last! * 1000),
            resolutions: spacings.map { $0 * 1000 }, unit: "mm", scaleToSI: 1e-3, expectedOrder: 2) { h in
            var model: [Double] = [], exact: [Double] = []
            let section = outletVessel.crossSection(spacing: h)
            let slices = Int((outletVessel.size.x / h).rounded())
            for v in velocities {
                let result = outletVessel.run(spacing: h, velocity: v, tissueC: tissueC, source: (0, 1e-9), threads: threads)
                let exchange = Double(slices * section.wallFaces) * outletVessel.faceConductance(spacing: h, velocity: v)
                let rise = (tissueC - vessel.blood.temperature) * (1 - exp(-exchange / outletVessel.capacityRate(velocity: v)))
                model.append(result.vessels[0].outletTemperatureC - vessel.blood.temperature)
                exact.append(rise)
            }
            return (model, exact)
        })

        // (b) Energy balance of the blood, in a run heated by a source beside the vessel: the heat the
        // blood gains, m c (T_out - T_in), against the wall heat summed in the check over every face
        // between lumen and tissue, G (T_tissue - T_lumen), from the final temperature field (the
        // field the last flow update used and wrote).
        let h = quick ? 1e-3 : 5e-4, v = 0.02
        let clock = ContinuousClock(), start = clock.now
        let result = vessel.run(spacing: h, velocity: v, tissueC: 37, source: (3, 60), threads: threads)
        let t = result.temperature()
        let section = vessel.crossSection(spacing: h)
        let nx = Int((vessel.size.x / h).rounded()), ny = section.ny
        let g = vessel.faceConductance(spacing: h, velocity: v)
        var wall = 0.0, roundingBound = 0.0
        let ulp = 0x1p-24
        for k in 0..<ny { for j in 0..<ny where section.inside(j, k) {
            for (dj, dk) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                let jj = j + dj, kk = k + dk
                guard jj >= 0, jj < ny, kk >= 0, kk < ny, !section.inside(jj, kk) else { continue }
                for i in 0..<nx {
                    let lumen = Double(t[i + nx * (j + ny * k)]), tissue = Double(t[i + nx * (jj + ny * kk)])
                    wall += g * (tissue - lumen)
                    // The lumen's slice temperature is stored as a Float (half an ulp), and the
                    // model's face conductance is a Float (half an ulp of G).
                    roundingBound += g * ulp * (abs(lumen) + abs(tissue - lumen))
                }
            }
        } }
        let gained = vessel.capacityRate(velocity: v) * (result.vessels[0].outletTemperatureC - vessel.blood.temperature)
        checks.append(VerificationCheck(
            name: "vessel-energy-balance", physics: .vessel,
            reference: String(format: "energy balance: m c (T_out - T_in) = %.5f W against the wall heat summed from the field, G (T_tissue - T_lumen) over the lumen's faces (3 W beside a 3 mm vessel at 20 mm/s, 60 s)", gained),
            error: abs(gained - wall) / abs(wall), tolerance: roundingBound / abs(wall),
            toleranceBasis: "Float32 storage: half an ulp of each lumen temperature and of each face conductance, summed over the faces",
            seconds: (clock.now - start).seconds))
        return checks
    }
}
