import AblationGrid
import AblationKernels
import Foundation

/// The tines of a deployed multi-tine electrode as centrelines in world millimetres.
///
/// Every tine leaves the trocar at its rim, in its own plane through the needle axis (planes evenly
/// spaced around it), and follows a circular arc that starts pointing forward (away from the entry
/// point). `umbrella` (LeVeen-like) arcs turn through 180°, so the tines recurve toward the shaft and
/// end in the plane of the trocar tip; `star` (StarBurst-like) arcs turn through 90° and end pointing
/// outward, half an array diameter ahead of the tip. Either way the tine ends lie on a circle of the
/// deployed diameter. Real arrays differ in detail (StarBurst also has straight forward tines and
/// tines of several lengths); these idealised arcs keep the array's reach and symmetry.
package struct MultiTineArray {
    let tipMM: SIMD3<Double>
    /// Unit vector from the trocar tip away from the entry point.
    let forward: SIMD3<Double>
    /// Centreline of each tine, from the trocar rim to its end.
    let tines: [[SIMD3<Double>]]

    /// Points per tine centreline (segments = points - 1): fine enough that a 70 mm array's
    /// segments stay under 0.6 mm, and the rasteriser fills the segments exactly anyway.
    static let pointsPerTine = 97

    /// `deployedToMM`: the tines pushed out only until the array spans this diameter. A pre-shaped
    /// tine leaving a straight trocar takes its set curve from its end backwards, so a partly
    /// deployed tine is the first part of the same arc, cut where it reaches half this diameter
    /// from the axis.
    init(tipMM: SIMD3<Double>, entryMM: SIMD3<Double>, trocarDiameterMM: Double, spec: Preset.RadiofrequencySpec.MultiTineSpec,
         deployedToMM: Double? = nil) {
        self.tipMM = tipMM
        let (f, e1, e2) = NeedleFrame.basis(tipMM: tipMM, entryMM: entryMM)
        forward = f
        let rim = trocarDiameterMM / 2
        let reach = spec.deployedDiameterMM / 2
        var turn: Double
        let radius: Double
        switch spec.shape {
        case .umbrella: turn = Double.pi; radius = (reach - rim) / 2
        case .star: turn = Double.pi / 2; radius = reach - rim
        }
        if let partial = deployedToMM, partial < spec.deployedDiameterMM {
            // The arc's distance from the axis is rim + radius (1 - cos theta), rising on [0, pi].
            let fraction = min(max((partial / 2 - rim) / radius, 0), 2)
            turn = min(turn, acos(1 - fraction))
        }
        tines = (0..<spec.tines).map { n in
            let phi = 2 * Double.pi * Double(n) / Double(spec.tines)
            let outward = e1 * cos(phi) + e2 * sin(phi)
            let centre = tipMM + outward * (rim + radius)
            return (0..<MultiTineArray.pointsPerTine).map { s in
                let theta = turn * Double(s) / Double(MultiTineArray.pointsPerTine - 1)
                return centre - outward * (radius * cos(theta)) + f * (radius * sin(theta))
            }
        }
    }

    /// Where the thermocouples sit: the end of every tine.
    package var tineEndsMM: [SIMD3<Double>] { tines.map { $0[$0.count - 1] } }

    /// The least distance between the centrelines of two different tines, and where it occurs
    /// (point on the first tine): tines closer than their diameter touch or cross.
    func closestApproach() -> (distanceMM: Double, atMM: SIMD3<Double>) {
        var best = (Double.infinity, tipMM)
        for a in tines.indices {
            for b in tines.indices where b > a {
                for p in tines[a] {
                    for s in 0..<(tines[b].count - 1) {
                        let d = NeedleFrame.distance(p, segment: tines[b][s], tines[b][s + 1])
                        if d < best.0 { best = (d, p) }
                    }
                }
            }
        }
        return (best.0, best.1)
    }

    /// Axis-aligned bounds of the tine centrelines.
    var boundsMM: (lo: SIMD3<Double>, hi: SIMD3<Double>) {
        var lo = tipMM, hi = tipMM
        for tine in tines { for p in tine { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) } }
        return (lo, hi)
    }
}

/// A right-handed frame around a needle: forward (away from the entry) and two perpendicular unit
/// vectors, chosen deterministically so that arrays and clusters land on the same voxels every run.
package enum NeedleFrame {
    package static func basis(tipMM: SIMD3<Double>, entryMM: SIMD3<Double>) -> (forward: SIMD3<Double>, e1: SIMD3<Double>, e2: SIMD3<Double>) {
        let d = tipMM - entryMM
        let f = d / (d * d).sum().squareRoot()
        // The world axis least aligned with the needle (x before y before z on ties) fixes e1.
        let a = SIMD3(abs(f.x), abs(f.y), abs(f.z))
        let reference: SIMD3<Double> = a.x <= a.y && a.x <= a.z ? [1, 0, 0] : (a.y <= a.z ? [0, 1, 0] : [0, 0, 1])
        var e1 = reference - f * (reference * f).sum()
        e1 /= (e1 * e1).sum().squareRoot()
        let e2 = SIMD3(f.y * e1.z - f.z * e1.y, f.z * e1.x - f.x * e1.z, f.x * e1.y - f.y * e1.x)
        return (f, e1, e2)
    }

    static func distance(_ p: SIMD3<Double>, segment a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
        let ab = b - a
        let len2 = (ab * ab).sum()
        let t = len2 > 0 ? min(1, max(0, ((p - a) * ab).sum() / len2)) : 0
        let q = a + ab * t - p
        return (q * q).sum().squareRoot()
    }
}
