import AblationSimulation
import AblationTissue
import Foundation

/// Temperature-dependent conductivity k(T) through the preset path: the simulation rebuilds face
/// conductances from TissuePropertyLaw at every damage sample (ConductivityResponse).
extension VerificationSuite {
    func conductivityLawChecks() -> [VerificationCheck] {
        [kirchhoffSlab()]
    }

    /// A 10 mm non-linear tissue column (1 voxel thick, adiabatic all round) with uniform metabolic
    /// heat and no perfusion, against a sink voxel at 45 °C on one end (a fixed vessel at blood
    /// temperature, conductivity 500 W/m/K): steady state against KirchhoffSlabSolution with
    /// k37 = 0.5 W/m/K and the default law (conductivity_per_c = 0.0012/°C: k rises by 5 % from 45 to
    /// 88 °C, which moves the peak by about 1.5 K against constant k). The sink's half voxel is in
    /// series with the tissue's (the harmonic mean), so the held plane of the reference is the sink's
    /// face, at 45 °C + q L h/(2 x 500). Everything stays between 45 and 89 °C: above the resting
    /// band (where k is k37) and below boiling.
    ///
    /// The law is evaluated at voxel temperatures rounded to 0.5 K (TissuePropertyLaw.step), so each
    /// voxel's k is off by up to a k37 x 0.25 K, differently from voxel to voxel once a voxel spans
    /// several steps: the temperature difference across the column picks up a sum of N such
    /// errors, about 0.14 a dT / sqrt(N) relative (rms), which does not fall as h². At the default a
    /// that is 5e-5 at 10 voxels, below the truncation error at the spacings compared; at the format's
    /// largest a (0.01/°C) it is 4e-4 and overtakes the truncation error already at 1 mm
    /// (docs/verification.md).
    func kirchhoffSlab() -> VerificationCheck {
        let length = 0.010, rhoC = 4e6, k37 = 0.5, perC = TissuePropertyLaw.defaultConductivityPerC, source = 4.5e5, sinkC = 45.0, sinkK = 500.0
        // Slowest mode of the Dirichlet-Neumann slab, at the lowest diffusivity k(45 °C)/rho c.
        let tau = 4 * length * length / (Double.pi * Double.pi * k37 * (1 + perC * (sinkC - 37)) / rhoC)
        // Coarse on purpose, as slab-steady-1d: a Float32 explicit step stalls at steady state once its
        // increment is below half an ulp of T (~8e-6 K at 45-88 °C), which leaves an error of about
        // ulp/2 x (6 k/h²)/(k pi²/4L²), 0.015 K at 0.25 mm, above the truncation error there.
        let spacings = quick ? [2.0, 1.0] : [2.0, 1.0, 0.5]
        return VerificationCheck.convergence(
            name: "kirchhoff-slab", physics: .conductivityLaw,
            reference: "closed form: steady slab with uniform source, k = k37 (1 + a (T - 37)), the default a = 0.0012/°C, one face held, one adiabatic (Kirchhoff transform: U parabolic, T the root of a quadratic), 45 to 88 °C, through the preset path",
            resolutions: spacings, unit: "mm", scaleToSI: 1e-3, expectedOrder: 2) { h in
            let hMM = h * 1000, lMM = length * 1000
            let tissue = VerificationPresetRun.material(conductivity: k37, heatCapacity: rhoC, metabolicHeat: source, linear: false,
                                                        extra: "\"conductivity_per_c\": \(perC)")
            let json = """
                {"ablsim": 1, "name": "verify-kirchhoff",
                 "grid": {"center_mm": [\((lMM - hMM) / 2), 0, 0], "size_mm": [\(lMM + hMM), \(hMM), \(hMM)], "spacing_mm": \(hMM)},
                 "boundary": {"type": "adiabatic"}, "initial_temperature_c": \(sinkC), "blood": \(VerificationPresetRun.blood(temperatureC: sinkC)),
                 "background": "tissue",
                 "materials": {"tissue": \(tissue), "sink": \(VerificationPresetRun.material(conductivity: sinkK, heatCapacity: rhoC))},
                 "regions": [{"name": "sink", "material": "sink", "vessel": true, "shape": {"type": "box", "min_mm": [\(-lMM), -10, -10], "max_mm": [0, 10, 10]}}],
                 "applicators": [\(VerificationPresetRun.idleSource(durationS: 15 * tau, centerMM: [lMM / 2, 0, 0], radiusMM: hMM / 4))],
                 "damage": {"model": "isotherm"}}
                """
            let (scene, result) = VerificationPresetRun.run(json, threads: 1)
            let temperature = result.temperature()
            let faceC = sinkC + source * length * (h / 2) / sinkK
            let reference = KirchhoffSlabSolution(length: length, source: source, conductivity37: k37, conductivityPerC: perC, boundaryC: faceC)
            let n = scene.grid.nx
            // Voxel 0 is the sink; voxel i >= 1 has its centre at (i - 1/2) h from the held face.
            let model = (1..<n).map { Double(temperature[$0]) - sinkC }
            let exact = (1..<n).map { reference.temperatureC(at: (Double($0) - 0.5) * h) - sinkC }
            return (model, exact)
        }
    }
}
