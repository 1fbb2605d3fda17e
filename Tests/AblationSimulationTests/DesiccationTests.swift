@testable import AblationAnalysis
import AblationIO
import AblationGrid
@testable import AblationJSON
import AblationKernels
@testable import AblationPreset
@testable import AblationRandom
@testable import AblationRun
@testable import AblationSimulation
@testable import AblationTissue
@testable import AblationValidation
@testable import AblationVerification
import Foundation
import Testing

/// Tissue dried past the vaporisation range keeps only its desiccated heat capacity (Vaporisation).
/// These runs heat a small source in an adiabatic, unperfused box until its core dries out.
private let drying = [
    "boundary.type=adiabatic", "materials.liver.perfusion_per_s=0",
    "applicators.0.shape.radius_mm=1.5", "applicators.0.schedule.0.power_w=2", "applicators.0.schedule.0.duration_s=40",
]
private let wetRhoC = 1079.0 * 3540

/// Sensible plus latent heat in the box (J) with the dry range's heat capacity `dryRhoC`.
private func storedHeat(_ r: SimulationResult, grid: Grid3D, dryRhoC: Double) -> Double {
    let ratio = Float(1000 * 2.26e6 * 0.78 / 5 / wetRhoC)
    let dry = Float(dryRhoC / wetRhoC)
    return r.temperature().reduce(0.0) { $0 + Double(Vaporisation.enthalpy($1, ratio: ratio, dry: dry)) - 37 }
        * wetRhoC * grid.voxelVolumeMM3 * 1e-9
}

/// The dry core is re-stepped in sub-steps and its neighbours are paid what the faces carried, so
/// energy stays exact although a dry voxel's time constant is several times shorter than the step.
/// The only departure allowed is Float rounding (EnergyRoundingBound): with up to n = 363 sub-steps
/// at 1e4 J/m³/K, the dry voxels' enthalpy round trips and the Float mean of their sub-step
/// temperatures that pays the neighbours dominate it (1.6e-4, 1.65e-4 and 5.8e-4 of the energy for
/// the three capacities); measured 8.5e-8, 7e-7 and 3.5e-5. The lower heat capacity must show: more of
/// the energy leaves the quasi-steady dry core, so the box around it ends warmer and the core with
/// it (measured +0.67 K at 0.8 MJ/m³/K).
@Test(arguments: [8.0e5, 4.4e5, 1.0e4])
func dryTissueConservesEnergyAndHeatsFaster(dryRhoC: Double) throws {
    let p = try decode(minimalPreset, drying + ["materials.liver.desiccated_heat_capacity_j_m3k=\(dryRhoC)"])
    let scene = try Scene(preset: p)
    let run = try BracketedRun(preset: p, scene: scene, floorC: 37)
    let r = run.result
    try #require(run.everyStepSampled)
    let t = r.temperature()
    #expect(t.contains { $0 > 104 }, "the test must dry some tissue out")
    #expect(t.allSatisfy { $0.isFinite && $0 >= 37 && $0 < 1000 }, "a dry voxel oscillated or overshot")
    let heat = storedHeat(r, grid: scene.grid, dryRhoC: dryRhoC)
    // The step is sized for the default k(T)'s largest value, k(99).
    let rounding = EnergyRoundingBound(capacityMin: wetRhoC, capacityMax: wetRhoC, conductivityMax: 0.52 * (1 + 0.0012 * 62),
                                       latent: 1000 * 2.26e6 * 0.78 / 5, dryRatio: dryRhoC / wetRhoC).joules(run, deliveredJ: 80)
    print("dry capacity \(dryRhoC): heat \(heat) J of 80 J, rounding bound \(rounding) J")
    #expect(abs(heat - 80) <= rounding, "heat \(heat) J of 80 J delivered")

    let wet = try decode(minimalPreset, drying + ["materials.liver.desiccated_heat_capacity_j_m3k=\(wetRhoC)"])
    let rw = try Simulation(preset: wet, scene: try Scene(preset: wet), threads: 2).run()
    #expect(r.peakTemperatureC > rw.peakTemperatureC + 0.3, "dry peak \(r.peakTemperatureC) °C, wet \(rw.peakTemperatureC) °C")
}

/// One thread or two give the same numbers (the dry voxels are sub-cycled in index order).
@Test func subcyclingIsDeterministicAcrossThreadCounts() throws {
    let p = try decode(minimalPreset, drying)
    let one = try Simulation(preset: p, scene: try Scene(preset: p), threads: 1).run()
    let two = try Simulation(preset: p, scene: try Scene(preset: p), threads: 2).run()
    #expect(one.temperature() == two.temperature())
}

/// A desiccated heat capacity equal to the wet one is the model before this feature, bit for bit:
/// `ablsim run` of this preset on commit a24e1d2 (which did not know the key) wrote temperature_max
/// and damage volumes byte-identical to this build's with the key; the digest pins it.
@Test func wetDesiccatedCapacityReproducesEarlierResults() throws {
    let p = try decode(minimalPreset, drying + ["materials.liver.desiccated_heat_capacity_j_m3k=\(wetRhoC)"])
    let r = try Simulation(preset: p, scene: try Scene(preset: p), threads: 2).run()
    var bytes: [UInt8] = []
    for v in r.temperature() + r.damageMeasure() { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
    #expect(r.temperature().contains { $0 > 104 })
    #expect(String(SHA256.hex(bytes).prefix(8)) == "147179f1")
}

@Test func desiccatedHeatCapacityKeyIsCheckedAndEchoed() throws {
    expectError(minimalPreset, ["materials.liver.desiccated_heat_capacity_j_m3k=100"], path: "materials.liver.desiccated_heat_capacity_j_m3k", contains: "10000")
    expectError(minimalPreset, ["materials.liver.desiccated_heat_capacity_j_m3k=\"dry\""], path: "materials.liver.desiccated_heat_capacity_j_m3k", contains: "number")
    let p = try decode(minimalPreset)
    #expect(p.materials["liver"]!.desiccatedHeatCapacityJM3K == 8.0e5)
    // It keeps its ratio to an overridden wet heat capacity; given, it stays.
    let q = try decode(minimalPreset, ["materials.liver.specific_heat_j_kgk=1770"])
    #expect(abs(q.materials["liver"]!.desiccatedHeatCapacityJM3K - 4.0e5) < 1e-6)
    let given = try decode(minimalPreset, ["materials.liver.desiccated_heat_capacity_j_m3k=6e5"])
    let back = try decode(JSONWriter.string(given.resolvedJSON()))
    #expect(back.materials["liver"] == given.materials["liver"])
}
