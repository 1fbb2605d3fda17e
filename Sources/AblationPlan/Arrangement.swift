import AblationKernels
import Foundation

/// A pattern of applicator positions around an aim point, in the needle's frame: e1, e2 span the
/// plane perpendicular to the axis (unit vector tip -> entry).
struct Arrangement {
    struct Position {
        /// Offset perpendicular to the axis, from (e1, e2).
        var lateral: (SIMD3<Double>, SIMD3<Double>) -> SIMD3<Double>
        /// Offset along the axis (mm, toward the entry): pulled-back positions are shallower.
        var axialMM: Double
        /// 0: on from the start; 1: on when phase 0 ends (the needle has been pulled back).
        var phase: Int
        var insertion: Int
    }
    var label: String
    var positions: [Position]
    /// Distance between a pulled-back needle's two positions (0: not pulled back).
    var pullBackMM = 0.0
    /// Index of the target each position aims at; nil: all aim at the targets' common centroid.
    var perTarget = false

    /// Insertions x pull-back: 1 needle (alone or pulled back once), 2 parallel needles (pairs,
    /// optionally pulled back), 3 on a triangle (optionally pulled back), and one needle per target
    /// when there are several targets. Simultaneous needles heat each other's zones more than the
    /// union the surrogate scores, which is why near misses are verified too (Planner).
    static func all(count: Int, targets: Int) -> [Arrangement] {
        var out: [Arrangement] = []
        func lateral(_ radius: Double, _ degrees: Double) -> (SIMD3<Double>, SIMD3<Double>) -> SIMD3<Double> {
            let a = degrees * .pi / 180
            return { e1, e2 in (cos(a) * e1 + sin(a) * e2) * radius }
        }
        /// The same lateral pattern at two depths `pull` mm apart, the deeper first.
        func pulledBack(_ base: [Position], _ pull: Double) -> [Position] {
            base.map { Position(lateral: $0.lateral, axialMM: -pull / 2, phase: 0, insertion: $0.insertion) }
                + base.map { Position(lateral: $0.lateral, axialMM: pull / 2, phase: 1, insertion: $0.insertion) }
        }
        switch count {
        case 1:
            let single = [Position(lateral: { _, _ in .zero }, axialMM: 0, phase: 0, insertion: 0)]
            out.append(Arrangement(label: "single", positions: single))
            for pull in [10.0, 15, 20] {
                out.append(Arrangement(label: "single pulled back \(Int(pull)) mm", positions: pulledBack(single, pull), pullBackMM: pull))
            }
        case 2:
            for d in [10.0, 15, 20, 25] { for phi in [0.0, 45, 90, 135] {
                let pair = [Position(lateral: lateral(d / 2, phi), axialMM: 0, phase: 0, insertion: 0),
                            Position(lateral: lateral(d / 2, phi + 180), axialMM: 0, phase: 0, insertion: 1)]
                out.append(Arrangement(label: "pair \(Int(d)) mm apart at \(Int(phi)) deg", positions: pair))
                if d >= 15 {
                    for pull in [12.0, 18] {
                        out.append(Arrangement(label: "pair \(Int(d)) mm apart at \(Int(phi)) deg pulled back \(Int(pull)) mm",
                                               positions: pulledBack(pair, pull), pullBackMM: pull))
                    }
                }
            } }
        default:
            for radius in [6.0, 9, 12, 15] { for phi in [0.0, 60] {
                let triangle = (0..<3).map { j in
                    Position(lateral: lateral(radius, phi + 120 * Double(j)), axialMM: 0, phase: 0, insertion: j)
                }
                out.append(Arrangement(label: "triangle of radius \(Int(radius)) mm at \(Int(phi)) deg", positions: triangle))
                if radius >= 9 {
                    for pull in [12.0, 18] {
                        out.append(Arrangement(label: "triangle of radius \(Int(radius)) mm at \(Int(phi)) deg pulled back \(Int(pull)) mm",
                                               positions: pulledBack(triangle, pull), pullBackMM: pull))
                    }
                }
            } }
        }
        if targets > 1, count == targets {
            let each = (0..<count).map { Position(lateral: { _, _ in .zero }, axialMM: 0, phase: 0, insertion: $0) }
            out.append(Arrangement(label: "one needle per target", positions: each, perTarget: true))
        }
        return out
    }

    static func axialShifts(count: Int) -> [Double] { count == 1 ? [-6, -4, -2, 0, 2, 4, 6] : [-4, 0, 4] }
}
