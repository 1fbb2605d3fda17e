import AblationGrid
import AblationSim
import Foundation

/// `ablsim plan`: search with the surrogate, then confirm with the full simulation (vessels and
/// all); a plan counts only when the verifying run covers every target with the margin.
public struct Planner {
    public var presetPath: String
    public var overrides: [String] = []
    public var outputDirectory: String?
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var cacheDirectory: URL?
    public var libraryPowers = 3
    public var libraryDurations = 3
    public var maxVerifications = 3
    /// Tissue samples for the probability of coverage of the verified plan (0: none).
    public var samples = 0
    public var seed: UInt64?
    public var log: (String) -> Void = { _ in }
    /// A progress observer for each full simulation (library, verification, samples); returning
    /// false cancels it. nil: no progress.
    public var makeObserver: () -> ((Simulation.Progress) -> Bool)? = { nil }
    /// Polled between simulations and search passes: Ctrl-C. The run then throws
    /// SimulationFailure.cancelled and its staging folder is discarded (nothing is left behind).
    public var isCancelled: () -> Bool = { false }

    public init(presetPath: String) { self.presetPath = presetPath }

    public enum Reason: String, Sendable {
        case tooLarge = "too_large"
        case tooCloseToVessel = "too_close_to_vessel"
        case noSafePath = "no_safe_path"
    }

    /// One full simulation of a candidate.
    public struct Verification {
        public var candidate: Candidate
        public var preset: Preset
        public var computed: RunPipeline.Computed
        public var predicted: ZoneAnalysis
        public var confirmed: Bool
    }

    public struct Outcome {
        public var feasible: Bool
        public var reason: Reason?
        public var explanation: String
        public var verifications: [Verification]
        public var summary: JSONValue
        public var directory: URL
    }

    /// Reads the preset and its planning block (exit 65/66 on problems, before anything runs).
    public func load() throws(PresetError) -> (Preset, PlanningSpec, [UInt8]) {
        let loaded = try Preset.load(contentsOf: presetPath, overrides: overrides)
        let preset = loaded.0, bytes = loaded.2
        let spec = try PlanningSpec.decode(preset, baseDirectory: (presetPath as NSString).deletingLastPathComponent)
        try MemoryBudget.check(preset)
        return (preset, spec, bytes)
    }

    /// The preset with the candidate's positions in place of its applicators. A position switched
    /// on later (a pulled-back needle) waits at zero power; one that stops early simply ends.
    static func planPreset(_ preset: Preset, _ c: Candidate, _ spec: PlanningSpec) throws(PresetError) -> Preset {
        let applicators: [JSONValue] = c.needles.map { n in
            let t = spec.templates[n.templateIndex]
            var schedule: [JSONValue] = []
            if n.startS > 0 { schedule.append(["duration_s": .number(n.startS), "power_w": 0]) }
            schedule.append(["duration_s": .number(n.durationS), "power_w": .number(n.powerW)])
            return ["type": "mwa", "frequency_mhz": .number(Double(t.frequencyMHz)), "device": .string(t.device),
                    "tip_mm": vectorJSON(roundVector(n.tipMM)), "entry_mm": vectorJSON(roundVector(n.entryMM)),
                    "schedule": .array(schedule)]
        }
        let document = preset.resolvedJSON()
            .setting("name", .string(String((preset.name + "-plan").prefix(200))))
            .setting("applicators", .array(applicators))
        return try Preset.decode(document)
    }

    /// Positions to 0.01 mm: plan.json reads cleanly and decodes to the same numbers.
    static func roundVector(_ v: SIMD3<Double>) -> SIMD3<Double> { (v * 100).rounded(.toNearestOrAwayFromZero) / 100 }

    public func run() throws -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        func seconds(since t: ContinuousClock.Instant) -> Double {
            let d = clock.now - t
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        let (preset, spec, bytes) = try load()
        let target = URL(fileURLWithPath: outputDirectory ?? preset.name + "-plan")
        let staging = try RunPipeline.claim(target)

        let libraryStarted = clock.now
        let spacing = max(preset.grid.spacingMM, 1)
        var libraries: [ZoneLibrary] = []
        for t in spec.templates {
            libraries.append(try ZoneLibrary.build(template: t, tissueFrom: preset, spacingMM: spacing, powers: libraryPowers,
                                                   durations: libraryDurations, cacheDirectory: cacheDirectory,
                                                   threads: threads, log: log, observer: cancellableObserver()))
        }
        let librarySeconds = seconds(since: libraryStarted)

        let scene = try Scene(preset: preset)
        let problem = PlanningProblem(scene: scene, preset: preset, spec: spec)
        let search = CandidateSearch(problem: problem, spec: spec, libraries: libraries)
        var tally = SearchTally()
        var searchSeconds = 0.0
        var verifications: [Verification] = []
        var required = preset.marginMM
        var tried = Set<String>()
        var nearMisses: [Candidate] = []
        var everFeasible = false
        var count = 1
        var reason: Reason? = nil
        var explanation = ""
        var pipeline = RunPipeline()
        pipeline.threads = threads

        /// Simulates a candidate in full (vessels, flow, tumour tissue) and records the verdict.
        func verify(_ candidate: Candidate, why: String) throws -> Verification {
            if isCancelled() { throw SimulationFailure.cancelled }
            tried.insert(candidate.label)
            let plan = try Planner.planPreset(preset, candidate, spec)
            log("verifying \(verifications.count + 1)/\(maxVerifications) (\(why)): \(candidate.label)")
            pipeline.observer = cancellableObserver()
            let computed = try pipeline.compute(preset: plan, bytes: Array(JSONWriter.string(plan.resolvedJSON()).utf8))
            let zones = candidate.needles.map {
                PlacedZone(tipMM: $0.tipMM, axis: axisOf($0), profile: libraries[$0.templateIndex].entries[$0.entryIndex].profile)
            }
            let predicted = ZoneAnalysis(necrosis: problem.mask(zones), scene: computed.scene, axis: axisOf(candidate.needles[0]) * -1,
                                         marginMM: preset.marginMM)
            let confirmed = computed.analysis.targets.allSatisfy(\.completeWithMargin)
            let v = Verification(candidate: candidate, preset: plan, computed: computed, predicted: predicted, confirmed: confirmed)
            log(String(format: "verified: worst margin %.1f mm (surrogate %.1f mm): %@", computed.analysis.targets.map(\.minMarginMM).min() ?? 0,
                       predicted.targets.map(\.minMarginMM).min() ?? 0, confirmed ? "confirmed" : "not confirmed"))
            verifications.append(v)
            return v
        }

        planning: while count <= spec.maxApplicators {
            let searchStarted = clock.now
            let result = try search.search(count: count, requiredMarginMM: required, tally: &tally, isCancelled: isCancelled)
            searchSeconds += seconds(since: searchStarted)
            let candidates = result.feasible.filter { !tried.contains($0.label) }
            log(String(format: "search, %d needle(s), margin %.2f mm: %d surrogate-feasible, %d placements so far (%.1f s)",
                       count, required, candidates.count, tally.placements, seconds(since: searchStarted)))
            nearMisses = (nearMisses + result.nearMisses).sorted(by: CandidateSearch.closer)
            guard let best = candidates.first else {
                count += 1
                continue
            }
            everFeasible = true
            if verifications.count >= maxVerifications { break }
            let v = try verify(best, why: "best in the surrogate")
            if v.confirmed { break planning }
            // A vessel inside the margin keeps tissue there alive whatever the plan: more runs
            // cannot give the full margin, so one confirming run is enough evidence.
            if !problem.vesselInMargin.isEmpty { break }
            // The full simulation fell short (heat sink of a vessel, tissue the surrogate does not
            // model): ask the surrogate for that much more margin next time.
            let deficit = zip(v.predicted.targets, v.computed.analysis.targets).map { p, q in
                min(p.minMarginMM, preset.marginMM + PlanningProblem.reportBeyondMM) - q.minMarginMM
            }.max() ?? 0
            required += max(deficit, problem.grid.spacingMM)
            if verifications.count >= maxVerifications { break }
        }
        // Nothing the surrogate accepts: simultaneous needles heat each other's zones beyond the
        // union it scores, so the closest misses (largest zones) are simulated in full before
        // calling the target too large; only one when a vessel sits inside the margin (see above).
        if !everFeasible {
            for miss in nearMisses where verifications.count < maxVerifications && !tried.contains(miss.label) {
                if try verify(miss, why: String(format: "near miss, surrogate margin %.1f mm", miss.worstMarginMM)).confirmed { break }
                if !problem.vesselInMargin.isEmpty { break }
            }
        }
        let confirmed = verifications.last?.confirmed == true
        if !confirmed, let best = verifications.indices.max(by: {
            (verifications[$0].computed.analysis.targets.map(\.minMarginMM).min() ?? 0, -$0) <
                (verifications[$1].computed.analysis.targets.map(\.minMarginMM).min() ?? 0, -$1)
        }) {
            // The best attempt goes last: its outputs are written and plan-summary.json shows it.
            verifications.append(verifications.remove(at: best))
        }
        if !confirmed {
            if !problem.vesselInMargin.isEmpty {
                reason = .tooCloseToVessel
                explanation = "a vessel lies within margin_mm (\(JSONWriter.format(preset.marginMM)) mm) of target " + problem.vesselInMargin.map { "\"\($0)\"" }.joined(separator: ", ") + ": blood keeps that tissue alive, so no plan can give the full margin there"
            } else if tally.safePlacements == 0 {
                reason = .noSafePath
                explanation = "no straight needle path keeps \(JSONWriter.format(spec.clearanceMM)) mm from every vessel" + (spec.avoid.isEmpty ? "" : " and avoids " + spec.avoid.joined(separator: ", ")) + (spec.entry == nil ? "" : " from planning.entry") + String(format: " (%d paths too close to a vessel, %d crossing an avoided region, %d outside the entry window)", tally.rejectedVessel, tally.rejectedAvoid, tally.rejectedEntry)
            } else if verifications.isEmpty {
                reason = .tooLarge
                explanation = "no arrangement of up to \(spec.maxApplicators) applicator(s) within the power and duration ranges covers the target(s) with the margin in the surrogate"
            } else if !everFeasible {
                let best = verifications.max { ($0.computed.analysis.targets.map(\.minMarginMM).min() ?? 0) < ($1.computed.analysis.targets.map(\.minMarginMM).min() ?? 0) }!
                let t = best.computed.analysis.targets
                reason = problem.vesselDistanceToTarget.contains(where: { $0 < 10 }) ? .tooCloseToVessel : .tooLarge
                explanation = String(format: "no arrangement of up to %d needle(s) (parallel, on a triangle, pulled back once) within the power and duration ranges covers the target(s) with the margin in the surrogate; the %d closest misses were simulated in full, the best (%@) covers %.1f %% with a worst margin of %.1f mm (%g mm required)",
                                     spec.maxApplicators, verifications.count, best.candidate.label, t.map(\.coveragePercent).min() ?? 0,
                                     t.map(\.minMarginMM).min() ?? 0, preset.marginMM)
            } else {
                reason = problem.vesselDistanceToTarget.contains(where: { $0 < 10 }) ? .tooCloseToVessel : .tooLarge
                explanation = "\(verifications.count) candidate(s) looked sufficient in the surrogate but the full simulation did not confirm coverage with margin" + (reason == .tooCloseToVessel ? " (a vessel within 10 mm of the target carries heat away)" : "")
            }
        }
        var summary = PlanSummary.json(preset: preset, presetBytes: bytes, spec: spec, libraries: libraries, problem: problem,
                                       tally: tally, verifications: verifications, feasible: confirmed,
                                       reason: reason, explanation: explanation,
                                       timings: ["library_s": librarySeconds, "search_s": searchSeconds])
        var files: [(String, Data)] = []
        if let final = verifications.last {
            files.append(("plan.json", Data(JSONWriter.string(final.preset.resolvedJSON()).utf8)))
        }
        if samples > 0, confirmed, let final = verifications.last {
            let u = try TissueUncertainty.run(preset: final.preset, samples: samples, seed: seed ?? preset.seed, threads: threads, log: log,
                                              observer: cancellableObserver())
            let report = u.json(preset: final.preset)
            files.append(("uncertainty.json", Data(JSONWriter.string(report).utf8)))
            summary = summary.setting("uncertainty", report.setting("draws", nil))
        }
        if isCancelled() { throw SimulationFailure.cancelled }
        summary = summary.setting("wall_time_s", rounded(seconds(since: started)))
        files.append(("plan-summary.json", Data(JSONWriter.string(summary).utf8)))
        if let final = verifications.last {
            _ = try pipeline.write(final.computed, to: staging, extraFiles: files)
        } else {
            try RunPipeline.publish(files, in: staging)
        }
        return Outcome(feasible: confirmed, reason: reason, explanation: explanation, verifications: verifications,
                       summary: summary, directory: staging.finalURL)
    }
}

extension Planner {
    /// The caller's progress observer, which also stops the simulation on Ctrl-C.
    func cancellableObserver() -> (Simulation.Progress) -> Bool {
        let inner = makeObserver()
        let cancelled = isCancelled
        return { p in !cancelled() && (inner?(p) ?? true) }
    }
}

func axisOf(_ n: Candidate.Needle) -> SIMD3<Double> {
    let d = n.entryMM - n.tipMM
    return d / (d * d).sum().squareRoot()
}
