@testable import AblationJSON
@testable import AblationPreset
@testable import AblationSimulation
import Foundation
import Testing

/// Multi-tine arrays deployed in steps (`deployment`): the steps a preset gives or a device's
/// protocol brings, the partly deployed tines, and a run that moves them after each hold.

private func stagedPreset(_ applicator: String, spacing: Double = 2, size: Double = 100) -> String {
    """
    {"ablsim": 1, "name": "t", "grid": {"center_mm": [0, 0, 0], "size_mm": [\(size), \(size), \(size)], "spacing_mm": \(spacing)},
     "applicators": [\(applicator)], "output": {"formats": []}}
    """
}

private func stagedSpec(_ applicator: String) throws -> Preset.RadiofrequencySpec {
    guard case let .radiofrequency(rf) = try decode(stagedPreset(applicator)).applicators[0] else { throw CocoaError(.featureUnsupported) }
    return rf
}

private let path = "\"tip_mm\": [0, 0, 5], \"entry_mm\": [0, 0, 60]"
private let array = "\"type\": \"rfa\", \"electrode\": \"multi_tine\", \"tines\": 8, \"deployed_diameter_mm\": 40, \(path), \"duration_s\": 60, \"control\": {\"mode\": \"constant_power\", \"power_w\": 20}"

@Test func deploymentStepsAreReadAsGiven() throws {
    let rf = try stagedSpec("{\(array), \"deployment\": [{\"deployed_diameter_mm\": 20, \"hold_s\": 30}, {\"deployed_diameter_mm\": 40, \"hold_s\": 90}]}")
    guard case let .multiTine(m) = rf.electrode else { Issue.record("not a multi-tine electrode"); return }
    #expect(m.deployment == [.init(deployedDiameterMM: 20, holdS: 30), .init(deployedDiameterMM: 40, holdS: 90)])
    // Without the key a generic array is deployed at once, as before.
    guard case let .multiTine(plain) = try stagedSpec("{\(array)}").electrode else { return }
    #expect(plain.deployment.isEmpty)
}

@Test(arguments: [
    ("\"deployment\": [{\"deployed_diameter_mm\": 30, \"hold_s\": 10}, {\"deployed_diameter_mm\": 20, \"hold_s\": 10}, {\"deployed_diameter_mm\": 40, \"hold_s\": 10}]",
     "applicators.0.deployment.1.deployed_diameter_mm", "expected each step to deploy the tines further"),
    ("\"deployment\": [{\"deployed_diameter_mm\": 20, \"hold_s\": 10}, {\"deployed_diameter_mm\": 30, \"hold_s\": 10}]",
     "applicators.0.deployment.1.deployed_diameter_mm", "expected the last step to deploy the whole array (deployed_diameter_mm, 40 mm)"),
    ("\"diameter_mm\": 3, \"deployment\": [{\"deployed_diameter_mm\": 2.5, \"hold_s\": 10}, {\"deployed_diameter_mm\": 40, \"hold_s\": 10}]",
     "applicators.0.deployment.0.deployed_diameter_mm", "more than the trocar's diameter_mm"),
    ("\"deployment\": [{\"deployed_diameter_mm\": 40, \"hold_s\": 0}]", "applicators.0.deployment.0.hold_s", "expected a number > 0"),
    ("\"deployment\": [{\"deployed_diameter_mm\": 40, \"hold_s\": 10, \"power_w\": 5}]", "applicators.0.deployment.0.power_w", "unknown key"),
    ("\"deployment\": [{\"deployed_diameter_mm\": 40}]", "applicators.0.deployment.0.hold_s", "missing"),
    ("\"deployment\": {\"deployed_diameter_mm\": 40, \"hold_s\": 10}", "applicators.0.deployment", "expected an array"),
])
func deploymentStepsThatCannotBeDeployedAreRefused(_ key: String, _ errorPath: String, _ expected: String) {
    expectError(stagedPreset("{\(array), \(key)}"), path: errorPath, contains: expected)
}

@Test func onlyMultiTineArraysAreDeployed() {
    expectError(stagedPreset("{\"type\": \"rfa\", \(path), \"duration_s\": 60, \"control\": {\"mode\": \"impedance\", \"max_power_w\": 50}, \"deployment\": []}"),
                path: "applicators.0.deployment", contains: "applies to \"multi_tine\" electrodes only")
}

/// A pre-shaped tine pushed partly out of its trocar is the first part of its whole arc, and the
/// array it makes spans the step's diameter.
@Test(arguments: [Preset.RadiofrequencySpec.MultiTineSpec.Shape.star, .umbrella])
func partlyDeployedTinesFollowTheirWholeArcs(_ shape: Preset.RadiofrequencySpec.MultiTineSpec.Shape) {
    let spec = Preset.RadiofrequencySpec.MultiTineSpec(tines: 9, deployedDiameterMM: 50, tineDiameterMM: 0.4, shape: shape)
    let tip = SIMD3<Double>(1, -2, 3), entry = SIMD3<Double>(1, 40, 60)
    let whole = MultiTineArray(tipMM: tip, entryMM: entry, trocarDiameterMM: 2.1, spec: spec)
    for step in [20.0, 30, 40] {
        let part = MultiTineArray(tipMM: tip, entryMM: entry, trocarDiameterMM: 2.1, spec: spec, deployedToMM: step)
        let axis = (tip - entry) / ((tip - entry) * (tip - entry)).sum().squareRoot()
        for (n, tine) in part.tines.enumerated() {
            let end = tine[tine.count - 1] - tip
            let radial = end - axis * (end * axis).sum()
            #expect(abs((radial * radial).sum().squareRoot() - step / 2) < 1e-9, "\(shape) \(step) mm: tine \(n) ends off the step's circle")
            // Every point on the whole tine's arc (its polyline's chords sag by under 0.01 mm).
            let farthest = tine.map { p in
                (0..<(whole.tines[n].count - 1)).map { NeedleFrame.distance(p, segment: whole.tines[n][$0], whole.tines[n][$0 + 1]) }.min()!
            }.max()!
            #expect(farthest < 0.01, "\(shape) \(step) mm: tine \(n) leaves its arc by \(farthest) mm")
        }
    }
}

/// Under constant power each step is held for its `hold_s` from its start, the tines then go
/// out to the next step, and the generator stops after the last hold.
@Test func stagedDeploymentMovesTheTinesAfterEachHold() throws {
    let applicator = "{\(array), \"deployment\": [{\"deployed_diameter_mm\": 20, \"hold_s\": 12}, {\"deployed_diameter_mm\": 40, \"hold_s\": 12}]}"
    let p = try decode(stagedPreset(applicator, size: 60))
    let result = try Simulation(preset: p, scene: try Scene(preset: p), threads: 1).run()
    let report = try #require(result.applicators[0].radiofrequency)
    let starts = try #require(report.deploymentStepStartsS)
    let end = try #require(report.deploymentEndS)
    // Steps change at the first step boundary at or after the hold's end.
    let dt = result.maxTimeStep
    #expect(starts.count == 2 && starts[0] == 0)
    #expect(starts[1] >= 12 - 1e-9 && starts[1] < 12 + dt + 1e-9, "\(starts), dt \(dt)")
    #expect(end >= starts[1] + 12 - 1e-9 && end < starts[1] + 12 + dt + 1e-9, "\(end)")
    // 20 W until the generator stops, nothing after (60 s simulated).
    #expect(abs(result.deliveredEnergy[0] - 20 * end) <= 20 * dt + 1e-6, "\(result.deliveredEnergy[0]) J against \(20 * end) J")
    // The whole array draws more current at the same voltage than its first step did.
    let impedances = result.timeSeries.compactMap { s in s.time < end ? s.impedanceOhm.map { (s.time, $0) } : nil }
    let first = impedances.filter { $0.0 < starts[1] - 1 }.map(\.1).min() ?? .nan
    let second = impedances.filter { $0.0 > starts[1] + 1 }.map(\.1).max() ?? .nan
    #expect(second < first, "impedance \(first) ohm at 20 mm, \(second) ohm at 40 mm")
}

/// Under temperature control a step's hold counts from when the tine-end reading first reaches
/// the target, as the StarBurst protocol does: after the tines go out into cooler tissue the reading
/// falls, and the next hold waits until it is back at the target.
@Test func temperatureControlledStepsHoldFromTheTarget() throws {
    let applicator = """
    {"type": "rfa", "electrode": "multi_tine", "tines": 8, "deployed_diameter_mm": 40, \(path), "duration_s": 120,
     "control": {"mode": "temperature", "target_c": 60, "max_power_w": 100},
     "deployment": [{"deployed_diameter_mm": 20, "hold_s": 10}, {"deployed_diameter_mm": 40, "hold_s": 10}]}
    """
    var p = try decode(stagedPreset(applicator, size: 60))
    p.time.dtS = 0.5
    let result = try Simulation(preset: p, scene: try Scene(preset: p), threads: 1).run()
    let report = try #require(result.applicators[0].radiofrequency)
    let starts = try #require(report.deploymentStepStartsS)
    let end = try #require(report.deploymentEndS)
    #expect(starts.count == 2)
    let readings = result.timeSeries.compactMap { s in s.electrodeTemperatureC.map { (s.time, $0) } }
    let reached = try #require(readings.first { $0.1 >= 60 }?.0)
    let reachedAgain = try #require(readings.first { $0.0 > starts[1] && $0.1 >= 60 }?.0)
    // A sampled reading can lag the step on which it crossed by one sampling interval.
    let interval = p.time.damageIntervalS + result.maxTimeStep
    #expect(abs(starts[1] - (reached + 10)) <= interval, "\(starts), reached \(reached) s")
    #expect(reachedAgain - starts[1] > 2 * interval, "the whole array's reading is back at 60 °C only at \(reachedAgain) s")
    #expect(abs(end - (reachedAgain + 10)) <= interval, "ended at \(end) s, back at target at \(reachedAgain) s")
}

/// A run that ends before the last step's hold is over says so in its warnings, with why: the
/// zone is then that of a partly deployed array, which the preset alone does not show.
@Test func aDeploymentTheRunDidNotFinishIsWarnedAbout() throws {
    func warnings(_ applicator: String) throws -> [String] {
        let p = try decode(stagedPreset(applicator, size: 60))
        let scene = try Scene(preset: p)
        let result = try Simulation(preset: p, scene: scene, threads: 1).run()
        let unfinished = Simulation.zoneCaveats(preset: p, result: result).filter { $0.contains("of the deployment") }
        // summary.json carries the same warnings as ablsim validate's per-row note.
        let all = Simulation.applicatorWarnings(preset: p, scene: scene, result: result)
        #expect(unfinished.allSatisfy(all.contains), "\(unfinished) not among \(all)")
        return unfinished
    }
    let steps = "\"deployment\": [{\"deployed_diameter_mm\": 20, \"hold_s\": 12}, {\"deployed_diameter_mm\": 40, \"hold_s\": 12}]"
    // Finished (60 s is longer than both holds): nothing to say.
    #expect(try warnings("{\(array), \(steps)}").isEmpty)
    // Cut short in the last step's hold.
    let short = try warnings("{\(array.replacingOccurrences(of: "\"duration_s\": 60", with: "\"duration_s\": 18")), \(steps)}")
    #expect(short.count == 1 && short[0].hasPrefix("applicators.0: the run ended in step 2 of 2 of the deployment (the array at 40 mm): duration_s (18 s) ended"), "\(short)")
    #expect(!(short.first ?? "").contains("never deployed"))
    // A target the limited generator cannot reach: the first step is never held, the second never deployed.
    let stalled = try warnings("""
        {"type": "rfa", "electrode": "multi_tine", "tines": 8, "deployed_diameter_mm": 40, \(path), "duration_s": 30,
         "control": {"mode": "temperature", "target_c": 90, "max_power_w": 50, "max_voltage_v": 10}, \(steps)}
        """)
    #expect(stalled.count == 1, "\(stalled)")
    for part in ["step 1 of 2 of the deployment (the array at 20 mm)", "never reached control.target_c (90 °C)",
                 "an output limit held the power down", "the later steps to 40 mm were never deployed"] {
        #expect((stalled.first ?? "").contains(part), "missing \"\(part)\" in \(stalled)")
    }
}
