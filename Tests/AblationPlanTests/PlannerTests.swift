import AblationSim
import Foundation
import Testing
@testable import AblationPlan

private func withPresetFile<T>(_ text: String, _ body: (String, URL) throws -> T) throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-plan-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("p.json")
    try Data(text.utf8).write(to: file)
    return try body(file.path, dir)
}

/// A coarse plan end to end: the verified plan must really cover with margin (the verifying run's
/// own summary says so), the surrogate's margin must be close to it, and the cache must be used
/// on the second run with the identical result.
@Test func coarsePlanIsConfirmedAndReproducible() throws {
    try withPresetFile(planPreset) { path, dir in
        var planner = Planner(presetPath: path)
        planner.outputDirectory = dir.appendingPathComponent("out").path
        planner.cacheDirectory = dir.appendingPathComponent("cache")
        planner.libraryPowers = 2
        planner.libraryDurations = 2
        planner.threads = 2
        let first = try planner.run()
        #expect(first.feasible, "\(first.explanation)")
        let v = try #require(first.verifications.last)
        let allCovered = v.computed.analysis.targets.allSatisfy { $0.completeWithMargin }
        #expect(allCovered)
        let error = abs(v.predicted.targets[0].minMarginMM - v.computed.analysis.targets[0].minMarginMM)
        #expect(error <= 2 * 2.0, "surrogate margin off by \(error) mm at 2 mm voxels")
        // The plan keeps clear of the vein (3 mm clearance plus half a voxel).
        let summary = try JSONParser.parse(Array(try Data(contentsOf: first.directory.appendingPathComponent("summary.json"))))
        #expect(summary["targets"].flatMap { if case let .array(a) = $0 { return a.first?["complete_with_margin"] } else { return nil } } == .bool(true))
        for name in ["plan.json", "plan-summary.json", "preview.png", "necrosis.nii.gz"] {
            #expect(FileManager.default.fileExists(atPath: first.directory.appendingPathComponent(name).path), "\(name)")
        }
        // plan.json is a runnable preset holding the chosen needles.
        let plan = try Preset.load(contentsOf: first.directory.appendingPathComponent("plan.json").path).0
        #expect(plan.applicators.count == v.candidate.needles.count)

        planner.outputDirectory = dir.appendingPathComponent("out2").path
        let second = try planner.run()
        #expect(second.summary["zone_library"].map { JSONWriter.compact($0).contains("\"from_cache\":false") } == false)
        #expect(second.verifications.last?.candidate.label == v.candidate.label)
        #expect(second.verifications.last?.computed.analysis.targets[0].minMarginMM == v.computed.analysis.targets[0].minMarginMM)
    }
}

@Test func unreachableTargetIsInfeasibleWithAReason() throws {
    // A 36 mm tumour with one needle of at most 50 W for 60 s: too large.
    let text = planPreset.replacingOccurrences(of: "\"radius_mm\": 5}", with: "\"radius_mm\": 18}")
        .replacingOccurrences(of: "\"power_w\": [40, 80], \"duration_s\": [60, 120]", with: "\"power_w\": [40, 50], \"duration_s\": [60, 60]")
    try withPresetFile(text) { path, dir in
        var planner = Planner(presetPath: path)
        planner.outputDirectory = dir.appendingPathComponent("out").path
        planner.cacheDirectory = nil
        planner.libraryPowers = 1
        planner.libraryDurations = 1
        let outcome = try planner.run()
        #expect(!outcome.feasible)
        #expect(outcome.reason == .tooLarge || outcome.reason == .tooCloseToVessel, "\(String(describing: outcome.reason))")
        #expect(outcome.summary["reason"] != nil && outcome.summary["explanation"] != nil)
    }
}

@Test func tissueSamplesAreDeterministicForASeed() throws {
    let p = try Preset.parse(bytes: Array(planPreset.utf8), source: "t.json").0
    let a = try TissueUncertainty.run(preset: p, samples: 2, seed: 11, threads: 2, log: { _ in })
    let b = try TissueUncertainty.run(preset: p, samples: 2, seed: 11, threads: 2, log: { _ in })
    #expect(a.samples.map(\.perfusionPerS) == b.samples.map(\.perfusionPerS))
    #expect(a.samples.map(\.minMarginMM) == b.samples.map(\.minMarginMM))
    for s in a.samples {
        #expect(TissueUncertainty.perfusionPerS.contains(s.perfusionPerS) && TissueUncertainty.conductivityWMK.contains(s.conductivityWMK))
    }
    let c = try TissueUncertainty.run(preset: p, samples: 2, seed: 12, threads: 2, log: { _ in })
    #expect(c.samples.map(\.perfusionPerS) != a.samples.map(\.perfusionPerS))
}
