import AblationPreset
import AblationSimulation

/// Runs a preset written by a verification check through the whole product path (parse, scene,
/// simulation). The presets are constants of the checks, so a parse error is a bug in the check.
enum VerificationPresetRun {
    static func run(_ json: String, threads: Int) -> (scene: Scene, result: SimulationResult) {
        let preset = try! Preset.parse(bytes: Array(json.utf8), source: "verification").0
        let scene = try! Scene(preset: preset)
        let result = try! Simulation(preset: preset, scene: scene, threads: threads).run()
        return (scene, result)
    }

    /// A material entry with the given constants (SI; perfusion in 1/s of blood with rho c =
    /// `bloodHeatCapacity`, which the preset must declare).
    static func material(conductivity k: Double, heatCapacity rhoC: Double, perfusionCoefficient w: Double = 0,
                         bloodHeatCapacity: Double = 4e6, metabolicHeat q: Double = 0, linear: Bool = true, extra: String = "") -> String {
        "{\"density_kg_m3\": 1000, \"specific_heat_j_kgk\": \(rhoC / 1000), \"conductivity_w_mk\": \(k), "
            + "\"perfusion_per_s\": \(w / bloodHeatCapacity), \"metabolic_heat_w_m3\": \(q), \"linear\": \(linear)\(extra.isEmpty ? "" : ", " + extra)}"
    }

    /// Blood with rho c = 4e6 J/m³/K at `temperatureC`.
    static func blood(temperatureC: Double = 37) -> String {
        "{\"temperature_c\": \(temperatureC), \"density_kg_m3\": 1000, \"specific_heat_j_kgk\": 4000}"
    }

    /// A zero-power heat source that only sets the run's duration (a preset needs an applicator):
    /// a small sphere, which must lie inside the grid.
    static func idleSource(durationS: Double, centerMM: SIMD3<Double> = .zero, radiusMM: Double) -> String {
        "{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [\(centerMM.x), \(centerMM.y), \(centerMM.z)], \"radius_mm\": \(radiusMM)}, "
            + "\"schedule\": [{\"duration_s\": \(durationS), \"power_w\": 0}]}"
    }
}
