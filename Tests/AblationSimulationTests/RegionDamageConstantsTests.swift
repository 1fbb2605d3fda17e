@testable import AblationAnalysis
@testable import AblationJSON
@testable import AblationPreset
@testable import AblationRandom
@testable import AblationRun
@testable import AblationSimulation
@testable import AblationTissue
@testable import AblationValidation
@testable import AblationVerification
import Foundation
import Testing

/// A region's material carries its own Arrhenius constants: at one constant temperature
/// (boundary and start at 55 °C, no perfusion, no power) Omega = A exp(-Ea / RT) t,
/// so a frequency factor ten times smaller gives ten times less damage, voxel by voxel.
@Test func regionArrheniusConstantsTakeEffect() throws {
    let p = try decode(minimalPreset, [
        "boundary.temperature_c=55", "initial_temperature_c=55",
        "applicators.0.schedule.0.power_w=0", "applicators.0.schedule.0.duration_s=60",
        "materials.liver.linear=true", "materials.liver.perfusion_per_s=0",
        #"materials.slow={"linear": true, "perfusion_per_s": 0, "arrhenius": {"frequency_factor_per_s": 7.39e38}}"#,
        #"regions=[{"name": "slow", "material": "slow", "shape": {"type": "box", "min_mm": [-10, -10, -10], "max_mm": [0, 10, 10]}}]"#,
    ])
    let scene = try Scene(preset: p)
    let r = try Simulation(preset: p, scene: scene, threads: 2).run()
    let damage = r.damageMeasure()
    #expect(r.temperature().allSatisfy { abs($0 - 55) < 1e-4 }, "the temperature must stay constant")
    let slow = scene.labels.indices.filter { scene.labels[$0] == 1 }.map { Double(damage[$0]) }
    let liver = scene.labels.indices.filter { scene.labels[$0] == 0 }.map { Double(damage[$0]) }
    try #require(!slow.isEmpty && !liver.isEmpty)
    // Omega at 55 °C for 60 s with the liver's constants, the closed form.
    let expected = 7.39e39 * exp(-2.577e5 / (8.314462618 * (55 + 273.15))) * 60
    // Float exponent and Kahan-summed trapezoid samples: 1e-4 relative covers the rounding of
    // ln A - Ea / RT (about 1e-7 of 100, so 1e-5 of Omega) with room to spare.
    for v in liver { #expect(abs(v / expected - 1) < 1e-4, "liver Omega \(v), closed form \(expected)") }
    for v in slow { #expect(abs(v / expected * 10 - 1) < 1e-4, "slow-region Omega \(v), closed form \(expected / 10)") }
}

/// The built-in tumour dies at the rate measured for colorectal cancer cells (Mouratidis et al.,
/// Int J Hyperthermia 2019: A = 3.27e91 1/s, Ea = 5.78e5 J/mol), the liver around it at its own: at a
/// constant 50 °C for 60 s, Omega is 0.73 in the tumour and 0.98 in the liver (closed forms). It also
/// checks the per-voxel kernel keeps such steep constants accurate: ln A = 210.7 and Ea / RT = 215.1
/// nearly cancel in Float, whose rounding of the difference (a few ulp of 215, about 3e-5) is the
/// relative error it puts on Omega; 1e-4 holds it.
@Test func builtInTumourDamagesAtTheColorectalCellsRate() throws {
    let p = try decode(minimalPreset, [
        "boundary.temperature_c=50", "initial_temperature_c=50",
        "applicators.0.schedule.0.power_w=0", "applicators.0.schedule.0.duration_s=60",
        "materials.liver.linear=true", "materials.liver.perfusion_per_s=0",
        "materials.tumor.linear=true", "materials.tumor.perfusion_per_s=0",
        #"regions=[{"name": "tumor", "material": "tumor", "shape": {"type": "box", "min_mm": [-10, -10, -10], "max_mm": [0, 10, 10]}}]"#,
    ])
    let scene = try Scene(preset: p)
    let r = try Simulation(preset: p, scene: scene, threads: 2).run()
    let damage = r.damageMeasure()
    #expect(r.temperature().allSatisfy { abs($0 - 50) < 1e-4 }, "the temperature must stay constant")
    let tumour = scene.labels.indices.filter { scene.labels[$0] == 1 }.map { Double(damage[$0]) }
    let liver = scene.labels.indices.filter { scene.labels[$0] == 0 }.map { Double(damage[$0]) }
    try #require(!tumour.isEmpty && !liver.isEmpty)
    let kelvin = 50 + 273.15, gas = 8.314462618
    let tumourExpected = 3.27e91 * exp(-5.78e5 / (gas * kelvin)) * 60
    let liverExpected = 7.39e39 * exp(-2.577e5 / (gas * kelvin)) * 60
    for v in tumour { #expect(abs(v / tumourExpected - 1) < 1e-4, "tumour Omega \(v), closed form \(tumourExpected)") }
    for v in liver { #expect(abs(v / liverExpected - 1) < 1e-4, "liver Omega \(v), closed form \(liverExpected)") }
}
