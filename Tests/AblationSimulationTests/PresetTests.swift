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

let minimalPreset = """
{"ablsim": 1, "name": "t", "grid": {"size_mm": [20, 20, 20], "spacing_mm": 1},
 "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 3},
                  "schedule": [{"duration_s": 10, "power_w": 1}]}]}
"""

func decode(_ text: String, _ overrides: [String] = []) throws(PresetError) -> Preset {
    try Preset.parse(bytes: Array(text.utf8), source: "test.json", overrides: overrides).0
}

func expectError(_ text: String, _ overrides: [String] = [], code: Int32 = 65, path: String, contains: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let p = try decode(text, overrides)
        // Some problems only show once the grid and tissue are known.
        _ = try Simulation(preset: p, scene: try Scene(preset: p), threads: 1).chosenTimeStep()
        try MemoryBudget.check(p)
        Issue.record("accepted an invalid preset", sourceLocation: sourceLocation)
    } catch {
        #expect(error.exitCode == code, sourceLocation: sourceLocation)
        #expect(error.path == path, "path was \(error.path): \(error.message)", sourceLocation: sourceLocation)
        #expect(error.message.contains(contains), "\(error.description)", sourceLocation: sourceLocation)
    }
}

@Test func defaultsAreResolved() throws {
    let p = try decode(minimalPreset)
    #expect(p.background == "liver")
    #expect(p.boundary.kind == .dirichlet && p.boundary.temperatureC == 37)
    #expect(p.damage.model == .arrhenius && p.damage.threshold == 1)
    #expect(p.marginMM == 5)
    #expect(p.outputFormats == ["nifti", "vti", "stl", "png", "csv"])
    #expect(p.materials["liver"] == Material.liver)
}

@Test func resolvedPresetDecodesToTheSamePreset() throws {
    let p = try decode(minimalPreset, ["damage.model=cem43", "regions.0={\"name\":\"t\",\"material\":\"tumor\",\"target\":true,\"shape\":{\"type\":\"box\",\"min_mm\":[-2,-2,-2],\"max_mm\":[2,2,2]}}"])
    let text = JSONWriter.string(p.resolvedJSON())
    let q = try decode(text)
    #expect(JSONWriter.string(q.resolvedJSON()) == text)
    #expect(q.damage.threshold == 240)
    #expect(q.regions.count == 1 && q.regions[0].target)
}

@Test func overridesFollowDottedPaths() throws {
    let p = try decode(minimalPreset, ["applicators.0.schedule.0.power_w=80", "time.cooldown_s=30", "name=renamed"])
    #expect(p.applicators[0].schedule[0].powerW == 80)
    #expect(p.time.cooldownS == 30)
    #expect(p.name == "renamed")
    #expect(p.totalTimeS == 40)
}

@Test func badValuesNameTheirPath() {
    expectError(minimalPreset.replacingOccurrences(of: "\"spacing_mm\": 1", with: "\"spacing_mm\": -1"),
                path: "grid.spacing_mm", contains: "got -1; expected a number from 0.05 to 20 mm")
    expectError(minimalPreset.replacingOccurrences(of: "\"size_mm\"", with: "\"sise_mm\""),
                path: "grid.sise_mm", contains: "did you mean \"size_mm\"")
    expectError(minimalPreset.replacingOccurrences(of: "[0, 0, 0]", with: "[0, 0]"),
                path: "applicators.0.shape.center_mm", contains: "got an array of 2 elements; expected 3 numbers")
    expectError(minimalPreset.replacingOccurrences(of: "\"power_w\": 1", with: "\"power_w\": \"1\""),
                path: "applicators.0.schedule.0.power_w", contains: "got a string; expected a number")
    expectError(minimalPreset, ["applicators.0.shape.center_mm=[9,0,0]"],
                path: "applicators.0.shape", contains: "extends outside the grid")
    expectError(minimalPreset, ["regions.0={\"material\":\"livr\",\"shape\":{\"type\":\"sphere\",\"center_mm\":[0,0,0],\"radius_mm\":1}}"],
                path: "regions.0.material", contains: "did you mean \"liver\"")
    expectError(minimalPreset, ["damage.model=arrhenious"], path: "damage.model", contains: "did you mean \"arrhenius\"")
    expectError(minimalPreset, ["damage.model=isotherm", "damage.baseline=initial_temperature"], path: "damage.baseline", contains: "does not accumulate")
    expectError(minimalPreset, ["damage.baseline=body"], path: "damage.baseline", contains: "expected one of \"none\", \"initial_temperature\"")
    expectError(minimalPreset, ["ablsim=2"], path: "ablsim", contains: "expected 1")
    expectError(minimalPreset, ["applicators.0.type=laser"], path: "applicators.0.type", contains: "expected one of \"heat_source\", \"mwa\", \"rfa\"")
    expectError(minimalPreset, ["time.dt_s=5"], path: "time.dt_s", contains: "stability bound")
    expectError(minimalPreset, ["grid.spacing_mm=0.05", "grid.size_mm=[2000,2000,2000]"], path: "grid", contains: "GiB of memory")
    expectError(minimalPreset, ["applicators.0.schedule=[]"], path: "applicators.0.schedule", contains: "is empty")
    expectError(minimalPreset, ["regions.0={\"material\":\"liver\",\"shape\":{\"type\":\"sphere\",\"center_mm\":[500,0,0],\"radius_mm\":1}}"],
                path: "regions.0.shape", contains: "lies entirely outside the grid")
    expectError("[1, 2]", path: "", contains: "the preset is an array; expected a JSON object")
    expectError("{\"ablsim\": 1", path: "", contains: "not valid JSON: line 1, column 13: unexpected end of file")
}

@Test func stableStepBoundIsInTheMessageAndRespected() throws {
    let p = try decode(minimalPreset)
    let sim = Simulation(preset: p, scene: try Scene(preset: p), threads: 1)
    let bound = sim.stableTimeStep
    // liver: rho c h^2 / (6 k + w rho_b c_b h^2), with k at its largest: k(99 °C) = k37 (1 + 0.0012 x 62)
    let expected = 1079.0 * 3540 * 1e-6 / (6 * 0.52 * (1 + 0.0012 * 62) + 1.67e-2 * 1050 * 3617 * 1e-6)
    #expect(abs(bound - expected) / expected < 1e-5)
    let ok = try decode(minimalPreset, ["time.dt_s=\(bound * 0.99)"])
    #expect(try Simulation(preset: ok, scene: try Scene(preset: ok), threads: 1).chosenTimeStep() == bound * 0.99)
}
