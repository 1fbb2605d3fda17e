import AblationSimulation
import Foundation

/// Tissues of different conductivity, perfusion and metabolic heat side by side, through the
/// preset path: the scene paints the regions voxel by voxel (centre inside the shape) and
/// ThermalModel joins neighbouring voxels by the harmonic mean of their conductivities, which is
/// the exact series conductance of two half voxels.
extension VerificationSuite {
    func heterogeneousChecks() -> [VerificationCheck] {
        [layeredSlab(), concentricSpheres()]
    }

    /// Three perfused layers with their own k, W and metabolic heat between adiabatic faces, a
    /// 1-voxel-thick column (adiabatic in y and z, so the problem is 1-D), steady state, against
    /// LayeredSlabSolution. The interfaces sit on voxel faces at every spacing, where the harmonic
    /// mean is the exact conductance: the scheme stays second order.
    func layeredSlab() -> VerificationCheck {
        let rhoC = 4e6
        let layers = [
            LayeredSlabSolution.Layer(start: 0, end: 0.006, conductivity: 0.5, perfusion: 5e4, source: 1e6),
            LayeredSlabSolution.Layer(start: 0.006, end: 0.012, conductivity: 1.5, perfusion: 1.5e5, source: 0),
            LayeredSlabSolution.Layer(start: 0.012, end: 0.016, conductivity: 0.3, perfusion: 7.5e4, source: 3e5),
        ]
        let reference = LayeredSlabSolution(layers: layers)
        let length = 0.016
        // 15 time constants rho c / W of the least perfused layer: the start has decayed to e^-15.
        let duration = 15 * rhoC / layers.map(\.perfusion).min()!
        // Not finer: at steady state the Float32 step stalls once its increment is below half an ulp,
        // an error of up to about ulp/2 x (6 k/h² + W)/W (slab-steady-1d): 2e-3 K at 0.25 mm in the
        // k = 1.5 layer, against a truncation error of 1e-2 K there, enough to pull the observed
        // order below what the formal-order tolerance allows.
        let spacings = quick ? [2.0, 1.0] : [2.0, 1.0, 0.5]
        return VerificationCheck.convergence(
            name: "layered-slab", physics: .heterogeneous,
            reference: "closed form: three perfused layers with their own k, W and source, zero-flux ends (cosh/sinh per layer, temperature and flux continuous at the interfaces, 6x6 system), interfaces on voxel faces, through the preset path",
            resolutions: spacings, unit: "mm", scaleToSI: 1e-3, expectedOrder: 2) { h in
            let hMM = h * 1000
            var materials: [String] = [], regions: [String] = []
            for (n, layer) in layers.enumerated() {
                materials.append("\"layer\(n)\": " + VerificationPresetRun.material(conductivity: layer.conductivity, heatCapacity: rhoC,
                                                                                    perfusionCoefficient: layer.perfusion, metabolicHeat: layer.source))
                if n > 0 {
                    let lo = (layer.start - length / 2) * 1000, hi = (layer.end - length / 2) * 1000
                    regions.append("{\"name\": \"layer\(n)\", \"material\": \"layer\(n)\", \"shape\": {\"type\": \"box\", \"min_mm\": [\(lo), -10, -10], \"max_mm\": [\(hi), 10, 10]}}")
                }
            }
            let json = """
                {"ablsim": 1, "name": "verify-layers",
                 "grid": {"center_mm": [0, 0, 0], "size_mm": [\(length * 1000), \(hMM), \(hMM)], "spacing_mm": \(hMM)},
                 "boundary": {"type": "adiabatic"}, "blood": \(VerificationPresetRun.blood()),
                 "background": "layer0", "materials": {\(materials.joined(separator: ", "))},
                 "regions": [\(regions.joined(separator: ", "))],
                 "applicators": [\(VerificationPresetRun.idleSource(durationS: duration, radiusMM: hMM / 4))],
                 "damage": {"model": "isotherm"}}
                """
            let (scene, result) = VerificationPresetRun.run(json, threads: 1)
            let temperature = result.temperature()
            let n = scene.grid.nx
            let model = (0..<n).map { Double(temperature[$0]) - 37 }
            let exact = (0..<n).map { reference.theta(at: (Double($0) + 0.5) * h) }
            return (model, exact)
        }
    }

    /// A perfused sphere with metabolic heat (radius 4 mm) inside tissue of other k and W, in a
    /// 32 mm box held at 37 °C (the far field there is below 1e-3 of the peak), steady state,
    /// against ConcentricSphereSolution within 10 mm of the centre. The voxels take the material
    /// their centre lies in, so the interface is a staircase whose radius is off by O(h): first order.
    func concentricSpheres() -> VerificationCheck {
        let rhoC = 4e6, radius = 0.004, size = 0.032
        let inner = (conductivity: 0.6, perfusion: 1.5e5, source: 3e6), outer = (conductivity: 0.3, perfusion: 7.5e4)
        let reference = ConcentricSphereSolution(radius: radius, inner: inner, outer: outer)
        let duration = 15 * rhoC / min(inner.perfusion, outer.perfusion)
        let spacings = quick ? [2.0, 1.0] : [2.0, 1.0, 0.5]
        return VerificationCheck.convergence(
            name: "concentric-spheres", physics: .heterogeneous,
            reference: "closed form: heated perfused sphere inside perfused tissue of other k and W (i0/k0 spherical Bessel functions, continuity at r = a), r <= 10 mm, through the preset path",
            resolutions: spacings, unit: "mm", scaleToSI: 1e-3, expectedOrder: 1) { h in
            let hMM = h * 1000
            let json = """
                {"ablsim": 1, "name": "verify-spheres",
                 "grid": {"center_mm": [0, 0, 0], "size_mm": [\(size * 1000), \(size * 1000), \(size * 1000)], "spacing_mm": \(hMM)},
                 "boundary": {"type": "dirichlet", "temperature_c": 37}, "blood": \(VerificationPresetRun.blood()),
                 "background": "shell",
                 "materials": {"shell": \(VerificationPresetRun.material(conductivity: outer.conductivity, heatCapacity: rhoC, perfusionCoefficient: outer.perfusion)),
                               "core": \(VerificationPresetRun.material(conductivity: inner.conductivity, heatCapacity: rhoC, perfusionCoefficient: inner.perfusion, metabolicHeat: inner.source))},
                 "regions": [{"name": "core", "material": "core", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": \(radius * 1000)}}],
                 "applicators": [\(VerificationPresetRun.idleSource(durationS: duration, radiusMM: 1))],
                 "damage": {"model": "isotherm"}}
                """
            let (scene, result) = VerificationPresetRun.run(json, threads: threads)
            let temperature = result.temperature()
            let g = scene.grid
            var model = [Double](), exact = [Double]()
            for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
                let p = g.worldPosition(i, j, k) * 1e-3
                let r = (p * p).sum().squareRoot()
                guard r <= 0.010 + 1e-12 else { continue }
                model.append(Double(temperature[g.linearIndex(i, j, k)]) - 37)
                exact.append(reference.theta(at: r))
            } } }
            return (model, exact)
        }
    }
}
