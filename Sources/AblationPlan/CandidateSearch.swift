import Foundation
import AblationGrid
import AblationSim

/// One arrangement of needles with one library zone each, as the surrogate scores it.
public struct Candidate: Sendable {
    public struct Needle: Sendable {
        public var tipMM: SIMD3<Double>
        public var entryMM: SIMD3<Double>
    }
    public var needles: [Needle]
    public var templateIndex: Int
    public var entryIndex: Int
    public var powerW: Double
    public var durationS: Double
    public var predictedMarginsMM: [Double]
    public var predictedHealthyML: Double
    /// A stable description for plan-summary.json's list of alternatives.
    public var label: String
}

/// Why placements were thrown out, for the infeasibility reason.
struct SearchTally {
    var placements = 0
    var safePlacements = 0
    var rejectedVessel = 0
    var rejectedAvoid = 0
    var rejectedEntry = 0
    var evaluations = 0
    var feasible = 0
}

/// Needle directions, arrangements of 1-3 parallel needles and library zones: every combination
/// whose paths are safe is scored by the surrogate; for each placement only the smallest library
/// zone that covers every target with the required margin is kept.
struct CandidateSearch {
    let problem: PlanningProblem
    let spec: PlanningSpec
    let libraries: [ZoneLibrary]

    static let directionCount = 48

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

    /// Lateral offsets (perpendicular to the axis) of `count` parallel needles.
    static func arrangements(count: Int) -> [(label: String, offsets: (SIMD3<Double>, SIMD3<Double>) -> [SIMD3<Double>])] {
        switch count {
        case 1: return [("single", { _, _ in [.zero] })]
        case 2:
            var out: [(String, (SIMD3<Double>, SIMD3<Double>) -> [SIMD3<Double>])] = []
            for d in [10.0, 15, 20, 25] { for phi in [0.0, 45, 90, 135] {
                let a = phi * .pi / 180
                out.append(("pair \(Int(d)) mm apart at \(Int(phi)) deg", { e1, e2 in
                    let u = (cos(a) * e1 + sin(a) * e2) * (d / 2)
                    return [u, -u]
                }))
            } }
            return out
        default:
            var out: [(String, (SIMD3<Double>, SIMD3<Double>) -> [SIMD3<Double>])] = []
            for radius in [6.0, 9, 12, 15] { for phi in [0.0, 60] {
                out.append(("triangle of radius \(Int(radius)) mm at \(Int(phi)) deg", { e1, e2 in
                    (0..<3).map { j in
                        let a = (phi + 120 * Double(j)) * .pi / 180
                        return (cos(a) * e1 + sin(a) * e2) * radius
                    }
                }))
            } }
            return out
        }
    }

    static func axialShifts(count: Int) -> [Double] { count == 1 ? [-6, -4, -2, 0, 2, 4, 6] : [-4, 0, 4] }

    /// Every surrogate-feasible candidate with `count` needles, best first.
    func search(count: Int, requiredMarginMM: Double, tally: inout SearchTally) -> [Candidate] {
        var found: [Candidate] = []
        let g = problem.grid
        for (axis, entryPoint) in approaches() {
            let helper: SIMD3<Double> = abs(axis.x) < 0.9 ? [1, 0, 0] : [0, 1, 0]
            var e1 = helper - (helper * axis).sum() * axis
            e1 /= (e1 * e1).sum().squareRoot()
            let e2 = SIMD3<Double>(axis.y * e1.z - axis.z * e1.y, axis.z * e1.x - axis.x * e1.z, axis.x * e1.y - axis.y * e1.x)
            for arrangement in CandidateSearch.arrangements(count: count) {
                let offsets = arrangement.offsets(e1, e2)
                for shift in CandidateSearch.axialShifts(count: count) {
                    for (t, library) in libraries.enumerated() {
                        // Library zones from small to large: the first that covers is kept.
                        let order = library.entries.indices.sorted {
                            (library.entries[$0].profile.volumeMM3, library.entries[$0].durationS) <
                                (library.entries[$1].profile.volumeMM3, library.entries[$1].durationS)
                        }
                        var checkedPaths: [Double: Bool] = [:]
                        tally.placements += 1
                        var anySafe = false
                        for e in order {
                            let entry = library.entries[e]
                            let zc = entry.profile.centroidZMM
                            // The path depends on the tip, which depends on the zone's centroid.
                            let needles: [Candidate.Needle] = offsets.map { off in
                                let tip = problem.centroidMM + off + axis * (shift - zc)
                                let start = entryPoint.map { $0 + off } ?? CandidateSearch.exitPoint(from: tip, along: axis, grid: g)
                                return Candidate.Needle(tipMM: tip, entryMM: start)
                            }
                            let safe: Bool
                            if let cached = checkedPaths[zc] { safe = cached } else {
                                var ok = true
                                for n in needles {
                                    if let shape = spec.entry?.makeShape(), !shape.contains(n.entryMM) { tally.rejectedEntry += 1; ok = false; break }
                                    switch problem.pathProblem(entry: n.entryMM, tip: n.tipMM, clearanceMM: spec.clearanceMM) {
                                    case .vessel?: tally.rejectedVessel += 1; ok = false
                                    case .avoided?: tally.rejectedAvoid += 1; ok = false
                                    case .tipOutside?: ok = false
                                    case nil: break
                                    }
                                    if !ok { break }
                                }
                                checkedPaths[zc] = ok
                                safe = ok
                            }
                            guard safe else { continue }
                            anySafe = true
                            let zones = needles.map { PlacedZone(tipMM: $0.tipMM, axis: axis, profile: entry.profile) }
                            tally.evaluations += 1
                            let margins = problem.margins(zones, stopBelowMM: requiredMarginMM - 1e-9)
                            guard margins.allSatisfy({ $0 >= requiredMarginMM - 1e-9 }) else { continue }
                            tally.feasible += 1
                            found.append(Candidate(needles: needles, templateIndex: t, entryIndex: e, powerW: entry.powerW,
                                                   durationS: entry.durationS, predictedMarginsMM: margins,
                                                   predictedHealthyML: problem.healthyML(zones, stride: 2),
                                                   label: String(format: "%@, axis (%.3f, %.3f, %.3f), shift %g mm, %g W for %g s",
                                                                 arrangement.label, axis.x, axis.y, axis.z, shift, entry.powerW, entry.durationS)))
                            break
                        }
                        if anySafe { tally.safePlacements += 1 }
                    }
                }
            }
        }
        // Least healthy tissue, then the shortest treatment, then fewer watts; the label breaks ties.
        return found.sorted {
            ($0.predictedHealthyML, $0.durationS, $0.powerW, $0.label) < ($1.predictedHealthyML, $1.durationS, $1.powerW, $1.label)
        }
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
