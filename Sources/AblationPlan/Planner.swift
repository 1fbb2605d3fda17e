import AblationAnalysis
import AblationGrid
import AblationJSON
import AblationKernels
import AblationPreset
import AblationRun
import AblationSimulation
import Foundation

/// `ablsim plan`: search with the surrogate, then confirm with the full simulation (vessels and
/// all); a plan counts only when the verifying run covers every target with the margin.
public struct Planner {
    public var presetPath: String
    public var overrides: [String] = []
    public var outputDirectory: String?
    /// Replace an existing non-empty output folder (`--force`).
    public var force = false
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var cacheDirectory: URL?
    public var libraryPowers = 3
    public var libraryDurations = 3
    public var maxVerifications = 3
    /// Voxel size of the coarse simulations that re-score the library's best candidates (never
    /// finer than the preset's own spacing); nil: `defaultCoarseSpacingMM(for:)`.
    public var coarseSpacingMM: Double? = nil

    /// 2 mm for microwave antennas; 1.5 mm when a template is an RF electrode. A 1.5 mm cooled
    /// needle on 2 mm voxels becomes a 2 mm conductor (a third more surface), which lowers the
    /// current density at the tip and delays the roll-off that shapes an RF zone; at 1.5 mm it is
    /// one voxel of its own diameter (docs/planning.md#rf-specifics, measured coarse errors).
    public static func defaultCoarseSpacingMM(for spec: PlanningSpec) -> Double {
        spec.templates.contains { if case .radiofrequency = $0.device { return true } else { return false } } ? 1.5 : 2
    }
    /// Margin the coarse simulation must predict beyond margin_mm before a candidate is verified:
    /// room for what 2 mm voxels resolve less well than the preset's grid (docs/planning.md#how-it-works).
    public var coarseAllowanceMM = Planner.defaultCoarseAllowanceMM
    public static let defaultCoarseAllowanceMM = 0.5
    /// Halvings of the duration interval below the smallest confirmed library setting (3: to an
    /// eighth of the library's duration step, about 26 s with the default 3 x 3 library).
    static let durationRefinements = 3
    /// Runs at the preset's own spacing for close calls at most (candidates the coarse run passes
    /// only because a vessel caps a target's margin); a checked candidate's run is its verification.
    public var maxFineChecks = 4
    /// Margins within this of a target's vessel cap count as reaching it: the cap is where blood
    /// keeps tissue alive, and plans that reach it equally are told apart by insertions and healthy
    /// tissue, not by a few tenths of a millimetre (docs/planning.md#preference).
    public static let vesselCapToleranceMM = 0.25
    /// Library candidates re-scored by the coarse simulation per search pass.
    public var coarseCandidates = 3
    /// Coarse simulations at most (re-scoring and the search downward in power and time).
    public var maxCoarseSimulations = 40
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
        /// The coarse simulation's prediction (made before the verifying run).
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
        // A preset to plan may place no applicators: choosing them is the planner's work.
        let loaded = try Preset.load(contentsOf: presetPath, overrides: overrides, applicators: .optionalForPlanning)
        let preset = loaded.0, bytes = loaded.2
        let spec = try PlanningSpec.decode(preset, baseDirectory: (presetPath as NSString).deletingLastPathComponent)
        try MemoryBudget.check(preset)
        return (preset, spec, bytes)
    }

    /// The preset with the candidate's positions in place of its applicators. A position switched
    /// on later (a pulled-back needle) waits at zero power; one that stops early simply ends.
    static func planPreset(_ preset: Preset, _ c: Candidate, _ spec: PlanningSpec) throws(PresetError) -> Preset {
        let applicators: [JSONValue] = c.needles.map { n in
            spec.templates[n.templateIndex].device.applicatorJSON(tipMM: roundVector(n.tipMM), entryMM: roundVector(n.entryMM),
                                                                  powerW: n.powerW, durationS: n.durationS, startS: n.startS)
        }
        let document = preset.resolvedJSON()
            .setting("name", .string(String((preset.name + "-plan").prefix(200))))
            .setting("applicators", .array(applicators))
        return try Preset.decode(document)
    }

    /// Millimetres a plan's grid grows by on a face its verifying zone reaches, and how often.
    static let gridGrowthMM = 10.0
    static let maxGridGrowths = 3

    /// `plan` with its grid grown on `faces` ("-x", "+y", ...) by `gridGrowthMM`, rounded to whole
    /// voxels so the voxel centres stay where they were.
    static func grown(_ plan: Preset, on faces: [String]) throws(PresetError) -> Preset {
        let g = plan.makeGrid()
        let step = (gridGrowthMM / g.spacingMM).rounded(.up) * g.spacingMM
        var lo = g.lowerCornerMM, hi = g.upperCornerMM
        for face in faces {
            let axis = ["x": 0, "y": 1, "z": 2][String(face.dropFirst())]!
            if face.hasPrefix("-") { lo[axis] -= step } else { hi[axis] += step }
        }
        let center = (lo + hi) / 2, size = hi - lo
        let document = plan.resolvedJSON().setting("grid", .object([
            ("center_mm", .array([.number(center.x), .number(center.y), .number(center.z)])),
            ("size_mm", .array([.number(size.x), .number(size.y), .number(size.z)])),
            ("spacing_mm", .number(g.spacingMM))]))
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
        let staging = try RunPipeline.claim(target, force: force)

        let libraryStarted = clock.now
        let spacing = max(preset.grid.spacingMM, 1)
        var libraries: [ZoneLibrary] = []
        for t in spec.templates {
            libraries.append(try ZoneLibrary.build(template: t, tissueFrom: preset, spacingMM: spacing, powers: libraryPowers,
                                                   durations: libraryDurations, cacheDirectory: cacheDirectory,
                                                   threads: threads, log: log, observer: cancellableObserver()))
        }
        let librarySeconds = seconds(since: libraryStarted)

        // The targets as the plan will see them: the preset's own applicators are only a first
        // guess, and an RF electrode among them would cut its voxels out of the targets.
        var unplaced = preset
        unplaced.applicators = []
        let scene = try Scene(preset: unplaced)
        let problem = PlanningProblem(scene: scene, preset: preset, spec: spec)
        let search = CandidateSearch(problem: problem, spec: spec, libraries: libraries)
        let coarse = CoarseModel(preset: preset, spec: spec, fineScene: scene,
                                 spacingMM: max(coarseSpacingMM ?? Planner.defaultCoarseSpacingMM(for: spec), preset.grid.spacingMM),
                                 threads: threads)
        var tally = SearchTally()
        var searchSeconds = 0.0
        var coarseSeconds = 0.0
        var verifications: [Verification] = []
        // Margin the zone library must predict (raised when the coarse runs show it over-predicts:
        // a vessel's heat sink), and margin the coarse run must predict (raised when a verifying
        // run falls short of it).
        var libraryRequired = preset.marginMM
        var coarseRequired = preset.marginMM + coarseAllowanceMM
        var tried = Set<String>()
        var scores: [String: (candidate: Candidate, score: CoarseModel.Score)] = [:]
        var scoredOrder: [String] = []
        var reduced = Set<String>()
        var shortfallFamilies = Set<String>()
        var fineRuns: [String: (plan: Preset, run: RunPipeline.Computed)] = [:]
        var fineChecks = 0
        var everFeasible = false
        var count = 1
        var reason: Reason? = nil
        var explanation = ""
        var pipeline = RunPipeline()
        pipeline.threads = threads

        /// The coarse simulation of a candidate, once per candidate.
        func score(_ c: Candidate, why: String) throws -> CoarseModel.Score? {
            if let known = scores[c.label] { return known.score }
            guard scoredOrder.count < maxCoarseSimulations else { return nil }
            if isCancelled() { throw SimulationFailure.cancelled }
            let s = try coarse.score(c, observer: cancellableObserver())
            coarseSeconds += s.seconds
            scores[c.label] = (c, s)
            scoredOrder.append(c.label)
            log(String(format: "coarse %d (%@, %.3g mm voxels): worst margin %.2f mm (library %.2f mm), healthy %.1f mL, %.1f s: %@",
                       scoredOrder.count, why, coarse.spacingMM, s.worstMarginMM, c.worstMarginMM, s.healthyML, s.seconds, c.label))
            return s
        }
        /// A full run of `plan` whose zone ends inside its grid: where the zone reaches a face, the
        /// grid grows by `Planner.gridGrowthMM` on that face and the run is repeated (at most
        /// `Planner.maxGridGrowths` times; a zone still cut then is no plan). Growing keeps the voxel
        /// centres where they were, so the targets and vessels are painted as before.
        func fullRun(_ plan: Preset) throws -> (plan: Preset, run: RunPipeline.Computed) {
            var plan = plan
            for growth in 0...Planner.maxGridGrowths {
                pipeline.observer = cancellableObserver()
                let run = try pipeline.compute(preset: plan, bytes: Array(JSONWriter.string(plan.resolvedJSON()).utf8))
                let contact = run.analysis.boundary
                guard contact.touchesBoundary, growth < Planner.maxGridGrowths else { return (plan, run) }
                plan = try Planner.grown(plan, on: contact.faces)
                let size = plan.grid.sizeMM
                log(String(format: "the zone reaches the grid's %@; grid grown to %g x %g x %g mm and the run repeated",
                           contact.faces.joined(separator: ", "), size.x, size.y, size.z))
            }
            fatalError("unreachable: the loop returns on its last pass")
        }
        /// What the coarse run must predict for target `t`: margin_mm with the allowance, or, where
        /// a vessel caps the margin below that, the cap less `vesselCapToleranceMM`.
        func coarseRequirement(_ t: Int) -> Double { min(coarseRequired, problem.marginCapMM(t) - Planner.vesselCapToleranceMM) }
        /// What a run at the preset's spacing must show for target `t`: margin_mm, or within the
        /// tolerance of a vessel's cap below it (the best any plan can do there; not confirmed).
        func exactRequirement(_ t: Int) -> Double {
            let cap = problem.marginCapMM(t)
            return cap < preset.marginMM ? cap - Planner.vesselCapToleranceMM : preset.marginMM
        }
        /// The coarse zone reaches margin_mm (or a vessel's cap) round every target. With `cut`, the
        /// zone may reach the grid's faces: its margins and healthy volume are then those of a zone
        /// the box cut short, so such candidates are taken only when no whole zone passes, and
        /// verified on a grown grid (`fullRun`).
        func passesCoarse(_ s: CoarseModel.Score, cut: Bool = false) -> Bool {
            (cut || !s.touchesBoundary)
                && s.analysis.targets.indices.allSatisfy { s.analysis.targets[$0].minMarginMM >= coarseRequirement($0) - 1e-9 }
        }
        /// Passed by the coarse run only through a vessel's cap: the coarse grid resolves the vessel
        /// wall less well than the prediction's tolerance, so the preset's spacing decides.
        func isCloseCall(_ s: CoarseModel.Score) -> Bool { s.worstMarginMM < coarseRequired - 1e-9 }
        func passesExactly(_ c: RunPipeline.Computed) -> Bool {
            !c.analysis.boundary.touchesBoundary
                && c.analysis.targets.indices.allSatisfy { c.analysis.targets[$0].minMarginMM >= exactRequirement($0) - 1e-9 }
        }
        func passes(_ label: String, cut: Bool = false) -> Bool {
            if let run = fineRuns[label]?.run { return passesExactly(run) }
            guard let s = scores[label]?.score, passesCoarse(s, cut: cut) else { return false }
            return !isCloseCall(s) || fineChecks < maxFineChecks
        }
        func passes(_ s: CoarseModel.Score) -> Bool { passesCoarse(s) }
        /// The preference rule (docs/planning.md#preference): among candidates that pass, fewest
        /// needle insertions, then least healthy tissue (the run at the preset's spacing where a
        /// close call has one, else the coarse run), then the shortest treatment, then the least energy.
        func bestPassing() -> Candidate? {
            func healthy(_ label: String) -> Double { fineRuns[label]?.run.analysis.healthyAblatedML ?? scores[label]!.score.healthyML }
            // Whole zones first; zones the box cuts only when none passes (see passesCoarse).
            for cut in [false, true] {
                let best = scoredOrder.compactMap { scores[$0] }.filter { !tried.contains($0.candidate.label) && passes($0.candidate.label, cut: cut) }
                    .min { Planner.isPreferred($0.candidate, healthyML: healthy($0.candidate.label),
                                               over: $1.candidate, healthyML: healthy($1.candidate.label)) }
                if let best { return best.candidate }
            }
            return nil
        }
        /// A close call simulated at the preset's spacing: exactly what its verification would be.
        func checkFine(_ candidate: Candidate) throws {
            if isCancelled() { throw SimulationFailure.cancelled }
            fineChecks += 1
            log("checking close call \(fineChecks)/\(maxFineChecks) at the preset's spacing: \(candidate.label)")
            let checked = try fullRun(try Planner.planPreset(preset, candidate, spec))
            fineRuns[candidate.label] = checked
            let run = checked.run
            log(String(format: "close call: worst margin %.1f mm, healthy %.1f mL: %@", run.analysis.targets.map(\.minMarginMM).min() ?? 0,
                       run.analysis.healthyAblatedML, passesExactly(run) ? "passes" : "fails"))
        }
        /// Search downward in power and time (and without the pull-back): several positions heat
        /// each other beyond what the library's union shows, and the tumour's lower perfusion
        /// enlarges even one needle's zone. For each library power, the shortest library duration
        /// the coarse run confirms, then finer durations below it: every confirmed variant joins
        /// the pool and bestPassing() picks among them (a higher power for a shorter time can
        /// ablate as little healthy tissue as a low power for long, in half the treatment time).
        /// Variants are not reduced again (their labels name their settings, not their tips, so
        /// one pattern must derive them all from one start).
        func reduce(_ c: Candidate) throws {
            guard c.layout != nil, Set(c.needles.map(\.entryIndex)).count == 1 else { return }
            for start in [c] + [search.withoutPullBack(c)].compactMap({ $0 }) {
                reduced.insert(start.label)
                guard let s = try score(start, why: "without pull-back"), passes(s) else { continue }
                let t = start.needles[0].templateIndex
                let entries = libraries[t].entries
                var failed: [Int] = []
                // A setting with no more power and no more time than one that fell short falls
                // short too (the zone grows with both): it is not simulated. Highest power first,
                // so that its failures spare the lower powers' short durations. Under impedance
                // control a lower power can give a larger zone, so there only time dominates.
                let growsWithPower = spec.templates[t].device.zoneGrowsWithPower
                func dominated(_ e: Int) -> Bool {
                    failed.contains {
                        (growsWithPower ? entries[e].powerW <= entries[$0].powerW : entries[e].powerW == entries[$0].powerW)
                            && entries[e].durationS <= entries[$0].durationS
                    }
                }
                for power in Set(entries.map(\.powerW)).sorted(by: >) {
                    let row = entries.indices.filter { entries[$0].powerW == power }.sorted { entries[$0].durationS < entries[$1].durationS }
                    var passing: Int? = nil
                    for e in row where !dominated(e) {
                        if e == start.needles[0].entryIndex { passing = e; break }
                        guard let v = search.resized(start, entry: e) else { continue }
                        reduced.insert(v.label)
                        guard let s = try score(v, why: "other power or time") else { return }
                        if passes(s) { passing = e; break }
                        failed.append(e)
                    }
                    // Between the confirmed duration and the next shorter one at this power (which
                    // fell short, or was skipped as dominated by one that did): halve the interval
                    // `durationRefinements` times, to 10 s.
                    guard let passing, let shorter = row.last(where: { entries[$0].durationS < entries[passing].durationS }) else { continue }
                    var lo = entries[shorter].durationS, hi = entries[passing].durationS
                    for _ in 0..<Planner.durationRefinements {
                        let mid = ((lo + hi) / 20).rounded() * 10
                        guard mid > lo, mid < hi, let v = search.retimed(start, shorter: shorter, longer: passing, durationS: mid) else { break }
                        reduced.insert(v.label)
                        guard let s = try score(v, why: "shorter") else { return }
                        if passes(s) { hi = mid } else { lo = mid }
                    }
                }
            }
        }

        /// After a verification falls short: when a longer setting of the same pattern (same
        /// needle tracks, same power) also passed the coarse run, the coarse grid could not tell the
        /// two apart (its margins move in whole coarse voxels, a few seconds of heating move the
        /// zone by less), so the shortfall says the setting was too short, not that the coarse run
        /// over-predicts. Settings of that pattern with no more time are dropped (the zone grows
        /// with time: they fall short too) and the longer one is verified next, without raising
        /// the coarse requirement for every other candidate. Once per pattern: a second shortfall
        /// there is the coarse run's, and raises the requirement as usual.
        func dropShorterSettings(after v: Verification) -> Bool {
            guard let family = Planner.settingFamily(v.candidate), !shortfallFamilies.contains(family) else { return false }
            let sameFamily = scoredOrder.compactMap { scores[$0]?.candidate }.filter { Planner.settingFamily($0) == family }
            guard sameFamily.contains(where: { $0.treatmentS > v.candidate.treatmentS && !tried.contains($0.label) && passes($0.label) }) else { return false }
            shortfallFamilies.insert(family)
            for c in sameFamily where c.treatmentS <= v.candidate.treatmentS { tried.insert(c.label) }
            log("\(v.candidate.label) fell short; a longer setting of that pattern passed the coarse run: it is verified next, the coarse requirement stays")
            return true
        }

        /// Simulates a candidate in full (vessels, flow, tumour tissue) and records the verdict.
        func verify(_ candidate: Candidate, why: String) throws -> Verification {
            if isCancelled() { throw SimulationFailure.cancelled }
            tried.insert(candidate.label)
            // The prediction is the coarse run's, made before this verification.
            let predicted = try scores[candidate.label]?.score.analysis ?? coarse.score(candidate, observer: cancellableObserver()).analysis
            log("verifying \(verifications.count + 1)/\(maxVerifications) (\(why)): \(candidate.label)")
            let (plan, computed) = try fineRuns[candidate.label] ?? fullRun(try Planner.planPreset(preset, candidate, spec))
            // A zone cut by the box is not the patient's: never a plan.
            let confirmed = computed.analysis.targets.allSatisfy(\.completeWithMargin) && !computed.analysis.boundary.touchesBoundary
            let v = Verification(candidate: candidate, preset: plan, computed: computed, predicted: predicted, confirmed: confirmed)
            log(String(format: "verified: worst margin %.1f mm (predicted %.1f mm): %@", computed.analysis.targets.map(\.minMarginMM).min() ?? 0,
                       predicted.targets.map(\.minMarginMM).min() ?? 0, confirmed ? "confirmed" : "not confirmed"))
            verifications.append(v)
            return v
        }

        planning: while count <= spec.maxApplicators, verifications.count < maxVerifications {
            let searchStarted = clock.now
            let result = try search.search(count: count, requiredMarginMM: libraryRequired, tally: &tally, isCancelled: isCancelled)
            searchSeconds += seconds(since: searchStarted)
            everFeasible = everFeasible || !result.feasible.isEmpty
            let fresh = result.feasible.filter { scores[$0.label] == nil }
            // Nothing the library accepts: its union leaves out the needles heating each other, so
            // its closest misses (one per arrangement) go to the coarse simulation instead.
            let fromMisses = fresh.isEmpty
            let pool = Array((fromMisses ? result.nearMisses.filter { scores[$0.label] == nil } : fresh).prefix(coarseCandidates))
            log(String(format: "search, %d needle(s), library margin %.2f mm: %d library-feasible, %d placements so far (%.1f s); %d to the coarse simulation",
                       count, libraryRequired, result.feasible.count, tally.placements, seconds(since: searchStarted), pool.count))
            var scored: [(Candidate, CoarseModel.Score)] = []
            for c in pool {
                guard let s = try score(c, why: fromMisses ? "library near miss" : "library-feasible") else { break }
                scored.append((c, s))
            }
            while verifications.count < maxVerifications, let best = bestPassing() {
                if !reduced.contains(best.label) {
                    try reduce(best)
                    continue
                }
                if isCloseCall(scores[best.label]!.score) && fineRuns[best.label] == nil {
                    try checkFine(best)
                    continue
                }
                let v = try verify(best, why: String(format: "coarse margin %.2f mm", scores[best.label]!.score.worstMarginMM))
                if v.confirmed { break planning }
                // Still cut by the grid after it grew: the next candidate, without asking more margin.
                if v.computed.analysis.boundary.touchesBoundary { continue }
                // A vessel inside the margin keeps tissue there alive whatever the plan: more runs
                // cannot give the full margin, so one confirming run is enough evidence.
                if !problem.vesselInMargin.isEmpty { break planning }
                if dropShorterSettings(after: v) { continue }
                // The coarse run over-predicted: ask it for that much more margin from now on.
                let shortfall = zip(v.predicted.targets, v.computed.analysis.targets).map { $0.minMarginMM - $1.minMarginMM }.max() ?? 0
                coarseRequired += max(shortfall, problem.grid.spacingMM)
            }
            if scoredOrder.count >= maxCoarseSimulations { break }
            if fromMisses || scored.isEmpty {
                count += 1
            } else {
                // The library accepted what the coarse run rejects (a vessel's heat sink, the
                // allowance): ask the library for that much more margin at the same needle count.
                let excess = scored.map { min($0.0.worstMarginMM, preset.marginMM + PlanningProblem.reportBeyondMM) - $0.1.worstMarginMM }.min() ?? 0
                libraryRequired = max(libraryRequired + problem.grid.spacingMM, coarseRequired + excess)
            }
        }
        // Nothing confirmed and nothing verified: the coarse run's closest candidate is simulated
        // in full, so that plan-summary.json shows the best attempt with real numbers.
        if verifications.isEmpty, let closest = scoredOrder.compactMap({ scores[$0] }).max(by: {
            ($0.score.worstMarginMM, -$0.score.healthyML) < ($1.score.worstMarginMM, -$1.score.healthyML)
        }) {
            _ = try verify(closest.candidate, why: String(format: "closest miss, coarse margin %.2f mm", closest.score.worstMarginMM))
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
                explanation = "no straight needle path keeps \(JSONWriter.format(spec.clearanceMM)) mm from every vessel" + (spec.avoid.isEmpty ? "" : " and avoids " + spec.avoid.joined(separator: ", ")) + (spec.entry == nil ? "" : " from planning.entry") + String(format: " (%d placements: %d with a path too close to a vessel, %d crossing an avoided region, %d outside the entry window, %d with the tip or electrode outside the grid)", tally.placements, tally.rejectedVessel, tally.rejectedAvoid, tally.rejectedEntry, tally.rejectedOutsideGrid)
            } else if verifications.isEmpty {
                reason = .tooLarge
                explanation = "no arrangement of up to \(spec.maxApplicators) applicator(s) within the power and duration ranges covers the target(s) with the margin"
            } else {
                let best = verifications.last!
                let t = best.computed.analysis.targets
                let coarseBest = scores.values.map(\.score.worstMarginMM).max() ?? -.infinity
                reason = problem.vesselDistanceToTarget.contains(where: { $0 < 10 }) ? .tooCloseToVessel : .tooLarge
                explanation = String(format: "no arrangement of up to %d needle(s) (parallel, on a triangle%@) within the power and duration ranges was confirmed: %d candidate(s) were simulated coarsely (%.3g mm voxels, all needles, vessels%@), the best reaching a worst margin of %.1f mm; the best of %d full simulation(s) (%@) covers %.1f %% with a worst margin of %.1f mm (%g mm required)",
                                     spec.maxApplicators, spec.templates.contains { $0.device.canStartLate } ? ", pulled back once" : "",
                                     scores.count, coarse.spacingMM, everFeasible ? "" : "; the zone library accepted none",
                                     coarseBest, verifications.count, best.candidate.label, t.map(\.coveragePercent).min() ?? 0,
                                     t.map(\.minMarginMM).min() ?? 0, preset.marginMM)
                    + (reason == .tooCloseToVessel ? " (a vessel within 10 mm of the target carries heat away)" : "")
                    + (best.computed.analysis.boundary.touchesBoundary
                        ? "; its zone still reaches the grid's boundary after the grid grew \(Planner.maxGridGrowths) times by \(JSONWriter.format(Planner.gridGrowthMM)) mm, so it is no plan: enlarge grid.size_mm" : "")
            }
        }
        var summary = PlanSummary.json(preset: preset, presetBytes: bytes, spec: spec, libraries: libraries, problem: problem,
                                       tally: tally, verifications: verifications, feasible: confirmed,
                                       reason: reason, explanation: explanation,
                                       timings: ["library_s": librarySeconds, "search_s": searchSeconds, "coarse_s": coarseSeconds],
                                       coarse: .init(spacingMM: coarse.spacingMM, allowanceMM: coarseAllowanceMM, simulations: scores.count,
                                                     finalRequiredMM: coarseRequired, closeCallsChecked: fineChecks))
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
    /// The preference rule between two passing candidates (docs/planning.md#preference): fewest
    /// needle insertions, then least healthy tissue (`healthyML`: the close call's run at the
    /// preset's spacing where there is one, else the coarse run's), then the shortest treatment,
    /// then the least energy; the label makes the order total, so the choice never depends on the
    /// order the candidates were found in.
    static func isPreferred(_ a: Candidate, healthyML healthyA: Double, over b: Candidate, healthyML healthyB: Double) -> Bool {
        (a.insertions, healthyA, a.treatmentS, a.energyJ, a.label) < (b.insertions, healthyB, b.treatmentS, b.energyJ, b.label)
    }

    /// Candidates that differ only in their duration: same arrangement and placement (the tracks;
    /// retiming moves tips only along them), one template and one power. nil without a layout.
    static func settingFamily(_ c: Candidate) -> String? {
        guard let layout = c.layout, let first = c.needles.first,
              c.needles.allSatisfy({ $0.templateIndex == first.templateIndex && $0.powerW == first.powerW }) else { return nil }
        return "\(layout.arrangement) | \(layout.placement) | template \(first.templateIndex) | \(first.powerW) W"
    }

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
