@testable import AblationElectric
@testable import AblationKernels
@testable import AblationPreset
@testable import AblationSimulation
@testable import AblationVerification
import AblationGrid
import Foundation
import Testing

/// Arc length along a tine of every centreline point (the tines are alike, so one serves for all).
private func arcLengths(_ t: [SIMD3<Double>]) -> [Double] {
    var s = [0.0]
    for i in 1..<t.count { let d = t[i] - t[i - 1]; s.append(s[i - 1] + (d * d).sum().squareRoot()) }
    return s
}

/// How the current divides along an array's tines, against an independent thin-wire solution.
///
/// Reference: the electrostatic thin-wire integral equation for the twelve tine centrelines at one
/// potential in an infinite uniform medium. Each tine carries a line current constant on each of
/// `segments` pieces of its arc; the potential of that current, with the reduced kernel
/// 1 / sqrt(R² + a²) (the current on the axis, the potential on the surface), is matched to the
/// tine's potential at every piece's midpoint. The twelve tines are alike by symmetry, so one tine's
/// unknowns carry the kernel summed over all twelve. Nothing of the potential solve is used: only
/// the centrelines, which are the input both start from.
private func referenceShareOfLastMillimetres(_ tines: [[SIMD3<Double>]], wireRadiusMM a: Double, segments n: Int,
                                             windowsMM: [Double]) -> [Double] {
    let s = arcLengths(tines[0])
    let length = s[s.count - 1]
    func point(_ tine: [SIMD3<Double>], _ at: Double) -> SIMD3<Double> {
        var i = 1
        while i < s.count - 1 && s[i] < at { i += 1 }
        let f = (at - s[i - 1]) / (s[i] - s[i - 1])
        return tine[i - 1] + (tine[i] - tine[i - 1]) * f
    }
    let edges = (0...n).map { length * Double($0) / Double(n) }
    let mids = (0..<n).map { point(tines[0], (edges[$0] + edges[$0 + 1]) / 2) }
    // Sub-points per piece for the kernel's integral; the piece on its own midpoint is integrated exactly.
    let sub = 16
    var matrix = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for (t, tine) in tines.enumerated() {
        for p in 0..<n {
            let l = edges[p + 1] - edges[p]
            let points = (0..<sub).map { point(tine, edges[p] + l * (Double($0) + 0.5) / Double(sub)) }
            for m in 0..<n {
                if t == 0 && m == p { matrix[m][p] += 2 * asinh(l / (2 * a)); continue }
                var sum = 0.0
                for q in points { let d = mids[m] - q; sum += 1 / ((d * d).sum() + a * a).squareRoot() }
                matrix[m][p] += sum * l / Double(sub)
            }
        }
    }
    // The common potential, 1 on every tine.
    let density = DenseLinearSystem.solve(matrix, [Double](repeating: 1, count: n))
    let current = (0..<n).map { density[$0] * (edges[$0 + 1] - edges[$0]) }
    let total = current.reduce(0, +)
    return windowsMM.map { w in
        var share = 0.0
        for p in 0..<n {
            let overlap = max(0, edges[p + 1] - max(edges[p], length - w))
            share += current[p] * overlap / (edges[p + 1] - edges[p])
        }
        return share / total
    }
}

/// The production solve's share of each tine's current on its last `windowMM`, and the length of a
/// tine: every wire voxel's current (its faces' conductances times the potential drop to the tissue
/// beyond) is placed at the arc length of the nearest centreline point.
private func modelShareOfLastMillimetres(spacingMM h: Double, windowMM: Double) throws -> (share: Double, tines: [[SIMD3<Double>]]) {
    let p = try rfPreset("""
        {"type": "rfa", "electrode": "multi_tine", "diameter_mm": 2.1, "tines": 12, "deployed_diameter_mm": 40,
         "tine_diameter_mm": 0.4, "tine_shape": "umbrella", "tip_mm": [0, 0, 5], "entry_mm": [0, 0, 60],
         "control": {"mode": "constant_power", "power_w": 40}, "duration_s": 60}
        """, size: 70, spacing: h)
    let scene = try Scene(preset: p)
    let model = ThermalModel(preset: p, scene: scene)
    let rf = try #require(radiofrequencySpec(p))
    let e = RadiofrequencyElectrode(index: 0, spec: rf, scene: scene, materials: model.labelMaterial, threads: 2)
    e.update(temperature: AlignedBuffer<Float>(count: e.layout.count, repeating: 37), time: 0)
    let g = scene.grid, L = e.layout
    let geometry = ElectrodeGeometry(rf)
    let tines = geometry.tineArray!.tines
    let linear = geometry.thinConductorVoxels(grid: g)
    let wires = linear.map { L.index(linear: $0) }
    let isWire = Set(wires)
    let V = e.solver.potential, G = e.solver.grid
    let sy = L.strideY, sz = L.strideZ
    let arc = arcLengths(tines[0])
    let length = arc[arc.count - 1]
    var inWindow = 0.0, total = 0.0
    for (n, idx) in wires.enumerated() {
        var current = 0.0
        for (conductance, neighbour) in [(G.gx[idx], idx + 1), (G.gx[idx - 1], idx - 1), (G.gy[idx], idx + sy),
                                         (G.gy[idx - sy], idx - sy), (G.gz[idx], idx + sz), (G.gz[idx - sz], idx - sz)]
        where !isWire.contains(neighbour) {
            current += Double(conductance) * (Double(V[idx]) - Double(V[neighbour]))
        }
        let v = linear[n]
        let x = g.worldPosition(v % g.nx, (v / g.nx) % g.ny, v / (g.nx * g.ny))
        var best = (Double.infinity, 0.0)
        for tine in tines {
            for (i, c) in tine.enumerated() { let d = c - x; let r = (d * d).sum(); if r < best.0 { best = (r, arc[i]) } }
        }
        total += current
        if best.1 > length - windowMM { inWindow += current }
    }
    #expect(abs(total * e.gridResistance / Double(V[wires[0]]) - 1) < 1e-3, "the wire voxels carry the whole current")
    return (inWindow / total, tines)
}

/// The thin-wire treatment of tines (a node at the tine's potential in each voxel it crosses, its faces
/// scaled to the wire's radius) gives each part of a tine its share of the current: the share on the
/// last 5 mm of the bundled 4 cm array's tines, where the current gathers and the zone's width is made,
/// agrees with the reference (35 %).
///
/// Tolerance: a voxel's current is placed at one point of the tine although the voxel spans up to half a
/// spacing either way along it, and the tine's end lies anywhere in its last voxel. The window's two
/// edges are therefore uncertain by h / 2 each: the bound is h / 2 times the reference's share per
/// millimetre at the window's start plus its mean share per millimetre over the last h, plus the
/// reference's own discretisation error (its change from 120 to 240 pieces). The grounded cube (70 mm)
/// against the reference's infinite medium moves the model's share by under 0.002 (100 mm cube at 1 mm:
/// 0.381 against 0.382), left out. Measured December 2026: 0.382 at 1 mm (bound 0.084), 0.349 at 0.75 mm
/// (bound 0.068), against 0.352. Seen to fail with the rasterised tines 2.2 mm short (0.266 and 0.248);
/// seen to pass with the wire's contact doubled on the faces along z (0.378 and 0.347): the share follows
/// how the tissue spreads the current, not the contact, whose scaling
/// `thinWireResistanceIsIndependentOfTheSpacing` checks.
@Test(arguments: [1.0, 0.75])
func tineCurrentDividesAsAThinWireDoes(spacingMM h: Double) throws {
    let window = 5.0
    let (model, tines) = try modelShareOfLastMillimetres(spacingMM: h, windowMM: window)
    let windows = [window, window + h / 2, window - h / 2, h]
    let fine = referenceShareOfLastMillimetres(tines, wireRadiusMM: 0.2, segments: 240, windowsMM: windows)
    let coarse = referenceShareOfLastMillimetres(tines, wireRadiusMM: 0.2, segments: 120, windowsMM: [window])
    let perMMAtStart = (fine[1] - fine[2]) / h
    let perMMAtEnd = fine[3] / h
    let bound = h / 2 * (perMMAtStart + perMMAtEnd) + abs(fine[0] - coarse[0])
    print("tine current on the last \(window) mm at \(h) mm: model \(model), reference \(fine[0]) (120 pieces: \(coarse[0])), bound \(bound)")
    #expect(abs(model - fine[0]) <= bound, "model \(model) against \(fine[0]) ± \(bound)")
}
