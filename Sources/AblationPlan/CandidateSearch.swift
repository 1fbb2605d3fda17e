import AblationGrid
import AblationJSON
import AblationKernels
import AblationSimulation
import Foundation

/// Why placements were thrown out, for the infeasibility reason. Every placement is either safe (one
/// of its zones' paths is) or counted once under the first reason that refused it (its smallest zone's
/// paths are checked first), so the counts add up to `placements`.
struct SearchTally {
    var placements = 0
    var safePlacements = 0
    var rejectedVessel = 0
    var rejectedAvoid = 0
    var rejectedEntry = 0
    /// A tip outside the grid, or an RF electrode's conductors less than a voxel inside it.
    var rejectedOutsideGrid = 0
    var evaluations = 0
    var feasible = 0

    enum Rejection { case vessel, avoided, entry, outsideGrid }

    mutating func reject(_ r: Rejection) {
        switch r {
        case .vessel: rejectedVessel += 1
        case .avoided: rejectedAvoid += 1
        case .entry: rejectedEntry += 1
        case .outsideGrid: rejectedOutsideGrid += 1
        }
    }

    var rejectedPlacements: Int { rejectedVessel + rejectedAvoid + rejectedEntry + rejectedOutsideGrid }
}

/// What one search pass found: surrogate-feasible candidates (best first) and the nearest misses
/// (largest zones, best predicted margin first), which the planner may still verify.
struct SearchResult {
    var feasible: [Candidate]
    var nearMisses: [Candidate]
}

/// Needle directions x arrangements (Arrangement) x axial shifts x library zones: every
/// combination whose paths are safe is scored by the surrogate; for each placement only the
/// smallest library zone that covers every target with the required margin is kept.
struct CandidateSearch {
    let problem: PlanningProblem
    let spec: PlanningSpec
    let libraries: [ZoneLibrary]

    static let directionCount = 48
    static let nearMissesKept = 3

    /// Needle axes (unit, tip -> entry) with an entry point on the path; from the entry shape when given.
    func approaches() -> [(axis: SIMD3<Double>, entry: SIMD3<Double>?)] {
        let c = problem.centroidMM
        if let shape = spec.entry?.makeShape() {
            let (lo, hi) = shape.boundingBoxMM
            var points: [SIMD3<Double>] = []
            let n = 6
            for a in 0..<n { for b in 0..<n { for d in 0..<n {
                let f = SIMD3<Double>((Double(a) + 0.5) / Double(n), (Double(b) + 0.5) / Double(n), (Double(d) + 0.5) / Double(n))
                let p = lo + (hi - lo) * f
                if shape.contains(p) { points.append(p) }
            } } }
            return points.compactMap { p in
                let d = p - c
                let l = (d * d).sum().squareRoot()
                return l > 1 ? (d / l, p) : nil
            }
        }
        // Fibonacci sphere: near-uniform directions, the same on every run.
        let n = CandidateSearch.directionCount
        let golden = Double.pi * (3 - 5.0.squareRoot())
        return (0..<n).map { i in
            let y = 1 - 2 * (Double(i) + 0.5) / Double(n)
            let r = (1 - y * y).squareRoot()
            let t = golden * Double(i)
            return (SIMD3<Double>(r * cos(t), r * sin(t), y), nil)
        }
    }

    /// Library entries of a template from small to large zone (then shorter): the first that covers is kept.
    func sizeOrder(_ t: Int) -> [Int] {
        let entries = libraries[t].entries
        return entries.indices.sorted { (entries[$0].profile.volumeMM3, entries[$0].durationS) < (entries[$1].profile.volumeMM3, entries[$1].durationS) }
    }

    /// Every surrogate-feasible candidate with `count` needle insertions, best first, and the near misses.
    func search(count: Int, requiredMarginMM: Double, tally: inout SearchTally, isCancelled: () -> Bool = { false }) throws -> SearchResult {
        var found: [Candidate] = []
        var misses: [Candidate] = []
        let g = problem.grid
        let entryShape = spec.entry?.makeShape()
        let orders = libraries.indices.map(sizeOrder)
        for (axis, entryPoint) in approaches() {
            if isCancelled() { throw SimulationFailure.cancelled }
            let helper: SIMD3<Double> = abs(axis.x) < 0.9 ? [1, 0, 0] : [0, 1, 0]
            var e1 = helper - (helper * axis).sum() * axis
            e1 /= (e1 * e1).sum().squareRoot()
            let e2 = SIMD3<Double>(axis.y * e1.z - axis.z * e1.y, axis.z * e1.x - axis.x * e1.z, axis.x * e1.y - axis.y * e1.x)
            for arrangement in Arrangement.all(count: count, targets: problem.shells.count) {
                let aims = arrangement.positions.indices.map { arrangement.perTarget ? problem.targetCentroidsMM[$0] : problem.centroidMM }
                for shift in Arrangement.axialShifts(count: count) {
                    // A pulled-back position waits at zero power, which only templates that can start late allow.
                    for t in libraries.indices where arrangement.pullBackMM == 0 || libraries[t].template.device.canStartLate {
                        tally.placements += 1
                        var checkedPaths: [String: Bool] = [:]
                        var firstRejection: SearchTally.Rejection? = nil
                        /// Positions for one library entry per position; nil when a path is unsafe.
                        func place(_ entries: [Int]) -> [Candidate.Needle]? {
                            var needles: [Candidate.Needle] = []
                            // Phase 1 positions start when every phase 0 position has stopped.
                            let phase1Start = zip(arrangement.positions, entries).filter { $0.0.phase == 0 }
                                .map { libraries[t].entries[$0.1].durationS }.max() ?? 0
                            for (n, (position, e)) in zip(arrangement.positions, entries).enumerated() {
                                let entry = libraries[t].entries[e]
                                let off = position.lateral(e1, e2)
                                let tip = aims[n] + off + axis * (shift + position.axialMM - entry.profile.centroidZMM)
                                let start = entryPoint.map { $0 + off + (aims[n] - problem.centroidMM) }
                                    ?? CandidateSearch.exitPoint(from: tip, along: axis, grid: g)
                                needles.append(Candidate.Needle(tipMM: tip, entryMM: start, templateIndex: t, entryIndex: e,
                                                                powerW: entry.powerW, durationS: entry.durationS,
                                                                startS: position.phase == 0 ? 0 : phase1Start, insertion: position.insertion))
                            }
                            // The paths depend on the tips, which depend on the zones' centroids.
                            let key = needles.map { String(format: "%.6f,%.6f,%.6f", $0.tipMM.x, $0.tipMM.y, $0.tipMM.z) }.joined(separator: ";")
                            if let cached = checkedPaths[key] { return cached ? needles : nil }
                            var rejection: SearchTally.Rejection? = nil
                            for n in needles where rejection == nil {
                                if let entryShape, !entryShape.contains(n.entryMM) { rejection = .entry; break }
                                switch problem.pathProblem(entry: n.entryMM, tip: n.tipMM, clearanceMM: spec.clearanceMM,
                                                           reach: libraries[t].template.device.reach) {
                                case .vessel?: rejection = .vessel
                                case .avoided?: rejection = .avoided
                                case .tipOutside?: rejection = .outsideGrid
                                case nil: break
                                }
                            }
                            checkedPaths[key] = rejection == nil
                            if firstRejection == nil { firstRejection = rejection }
                            return rejection == nil ? needles : nil
                        }
                        func zones(_ needles: [Candidate.Needle]) -> [PlacedZone] {
                            needles.map { PlacedZone(tipMM: $0.tipMM, axis: axis, profile: libraries[t].entries[$0.entryIndex].profile) }
                        }
                        func candidate(_ needles: [Candidate.Needle], _ margins: [Double]) -> Candidate {
                            let settings = CandidateSearch.settingsLabel(needles)
                            let placement = String(format: "axis (%.3f, %.3f, %.3f), shift %g mm", axis.x, axis.y, axis.z, shift)
                            return Candidate(needles: needles, predictedMarginsMM: margins,
                                             predictedHealthyML: problem.healthyML(zones(needles), stride: 2),
                                             label: "\(arrangement.label), \(placement), \(settings)",
                                             layout: .init(arrangement: arrangement.label, placement: placement, axis: axis,
                                                           pullBackMM: arrangement.pullBackMM))
                        }
                        var anySafe = false
                        let order = orders[t]
                        // The entries to try: one shared zone from small to large, or (one needle per
                        // target) each needle's own smallest zone that covers its own target.
                        var trials: [[Int]] = order.map { [Int](repeating: $0, count: arrangement.positions.count) }
                        if arrangement.perTarget {
                            var own: [Int] = []
                            for n in arrangement.positions.indices {
                                var chosen = order.last!
                                for e in order {
                                    let tip = aims[n] + axis * (shift - libraries[t].entries[e].profile.centroidZMM)
                                    let z = PlacedZone(tipMM: tip, axis: axis, profile: libraries[t].entries[e].profile)
                                    if problem.margins([z], stopBelowMM: requiredMarginMM - 1e-9, only: [n])[0] >= requiredMarginMM - 1e-9 { chosen = e; break }
                                }
                                own.append(chosen)
                            }
                            trials = [own] + trials
                        }
                        for (number, entries) in trials.enumerated() {
                            guard let needles = place(entries) else { continue }
                            anySafe = true
                            tally.evaluations += 1
                            let margins = problem.margins(zones(needles), stopBelowMM: requiredMarginMM - 1e-9)
                            if margins.allSatisfy({ $0 >= requiredMarginMM - 1e-9 }) {
                                tally.feasible += 1
                                found.append(candidate(needles, margins))
                                break
                            }
                            // The largest shared zone still falls short: remember how close it came.
                            if number == trials.count - 1 {
                                // Only a miss that beats the kept ones needs its exact margin.
                                // At most one miss per arrangement: the coarse stage, which sees the
                                // needles heat each other, then compares different patterns rather
                                // than one pattern at neighbouring directions.
                                let same = misses.firstIndex { $0.layout?.arrangement == arrangement.label }
                                let bar = same.map { misses[$0].worstMarginMM }
                                    ?? (misses.count == CandidateSearch.nearMissesKept ? misses.last!.worstMarginMM : -Double.infinity)
                                let exact = problem.margins(zones(needles), stopBelowMM: bar + 1e-9)
                                guard (exact.min() ?? -.infinity) > bar else { continue }
                                if let same { misses.remove(at: same) }
                                misses.append(candidate(needles, exact))
                                misses.sort(by: CandidateSearch.closer)
                                if misses.count > CandidateSearch.nearMissesKept { misses.removeLast() }
                            }
                        }
                        if anySafe {
                            tally.safePlacements += 1
                        } else if let firstRejection {
                            tally.reject(firstRejection)
                        }
                    }
                }
            }
        }
        return SearchResult(feasible: found.sorted(by: CandidateSearch.better), nearMisses: misses)
    }

    /// "100 W for 600 s", or several such settings joined by " / ".
    static func settingsLabel(_ needles: [Candidate.Needle]) -> String {
        Set(needles.map { "\(JSONWriter.format($0.powerW)) W for \(JSONWriter.format($0.durationS)) s" }).sorted().joined(separator: " / ")
    }

    /// Least healthy tissue, then the shortest treatment, then the least energy; the label breaks ties.
    static func better(_ a: Candidate, _ b: Candidate) -> Bool {
        (a.predictedHealthyML, a.treatmentS, a.energyJ, a.label) < (b.predictedHealthyML, b.treatmentS, b.energyJ, b.label)
    }

    /// The larger predicted worst margin, then fewer positions, then less healthy tissue.
    static func closer(_ a: Candidate, _ b: Candidate) -> Bool {
        (-a.worstMarginMM, a.needles.count, a.predictedHealthyML, a.label) < (-b.worstMarginMM, b.needles.count, b.predictedHealthyML, b.label)
    }

    /// One millimetre beyond where the needle's line leaves the grid behind the tip.
    static func exitPoint(from tip: SIMD3<Double>, along axis: SIMD3<Double>, grid g: Grid3D) -> SIMD3<Double> {
        let lo = g.lowerCornerMM, hi = g.upperCornerMM
        var t = Double.infinity
        for a in 0..<3 where abs(axis[a]) > 1e-12 {
            let bound = axis[a] > 0 ? hi[a] : lo[a]
            t = min(t, (bound - tip[a]) / axis[a])
        }
        return tip + axis * (max(t, 0) + 1)
    }
}
