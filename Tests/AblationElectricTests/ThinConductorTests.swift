import AblationKernels
import Foundation
import Testing
@testable import AblationElectric

/// A straight wire of radius 0.2 mm and length 20 mm along z through voxel centres, in a 40 mm
/// cube of liver (0.333 S/m), marked as a thin conductor.
private func wire(spacingMM h: Double, radiusM: Double) -> (ElectricProblem, PotentialSolver) {
    let n = Int((40 / h).rounded())
    var p = ElectricProblem(n: n, spacingM: h * 1e-3, background: 0.333)
    let (ax, ay, _) = p.centre(n / 2, n / 2, 0)
    let tolerance = 1e-9
    p.addElectrode { x, y, z in abs(x - ax) < tolerance && abs(y - ay) < tolerance && abs(z) <= 10e-3 }
    p.forEachVoxel { idx, _, _, _ in if p.electrode[idx] != 0 { p.electrode[idx] = PotentialSolver.thinConductor } }
    let solver = p.makeSolver()
    solver.thinConductorRadiusM = radiusM
    return (p, solver)
}

/// With the contact faces scaled for the wire's radius, the wire's resistance no longer depends on
/// the voxel size (a node held at V alone is a wire of radius 0.198 h: at 0.5 mm half the radius).
///
/// Tolerance: self-convergence on 2, 1 and 0.5 mm. The scaling is exact for radial flow; the flow
/// is not radial at the wire's two end voxels, an error of the order of one voxel's share of the
/// wire, h / l: formal order 1 (the far field's error is second order). The change from 1 to
/// 0.5 mm may then be at most Roache's safety factor 1.25 times the change from 2 to 1 mm over
/// 2^1. (An error in the equivalent radius 0.198 h would shift R by the same ohms on every grid:
/// no spacing dependence, so this test cannot see it.)
@Test func thinWireResistanceIsIndependentOfTheSpacing() {
    func resistance(_ h: Double, radiusM: Double) -> Double {
        let (_, solver) = wire(spacingMM: h, radiusM: radiusM)
        let r = solver.solve(voltage: 1, tolerance: 1e-7)
        #expect(r.converged)
        return r.resistance
    }
    let coarsest = resistance(2, radiusM: 0.2e-3)
    let coarse = resistance(1, radiusM: 0.2e-3), fine = resistance(0.5, radiusM: 0.2e-3)
    let coarseRaw = resistance(1, radiusM: 0), fineRaw = resistance(0.5, radiusM: 0)
    let bound = 1.25 * abs(coarse - coarsest) / 2
    print("thin wire: R = \(coarsest) / \(coarse) / \(fine) ohm scaled at 2 / 1 / 0.5 mm (1 to 0.5 mm: \(abs(fine / coarse - 1)), "
          + "bound \(bound / coarse)), \(coarseRaw) / \(fineRaw) ohm unscaled")
    #expect(abs(fine - coarse) <= bound, "R \(coarse) ohm at 1 mm, \(fine) ohm at 0.5 mm")
    #expect(fineRaw / coarseRaw > 1.08, "unscaled: \(coarseRaw) vs \(fineRaw) ohm")
}

/// A thin conductor's contact is its own voxel's tissue: when that tissue dries (sigma / 1000) the
/// resistance soars, which is what makes a multi-tine generator roll off. A surface conductor's own
/// voxels are metal, so their conductivity changes nothing.
@Test func thinConductorContactFollowsItsOwnTissue() {
    let (p, solver) = wire(spacingMM: 1, radiusM: 0.2e-3)
    let wet = solver.solve(voltage: 1, tolerance: 1e-7).resistance
    let dried = AlignedBuffer<Float>(count: p.layout.count, repeating: 0)
    dried.copy(from: p.sigma)
    p.forEachVoxel { idx, _, _, _ in if p.electrode[idx] != 0 { dried[idx] = 0.333e-3 } }
    solver.setConductivity(dried)
    let dry = solver.solve(voltage: 1, tolerance: 1e-7).resistance
    #expect(dry > 5 * wet, "R \(wet) ohm wet, \(dry) ohm with the wire's voxels dried")

    // The same wire as a surface conductor (mask 1).
    let surface = ElectricProblem(n: p.layout.nx, spacingM: p.spacingM, background: 0.333)
    p.forEachVoxel { idx, _, _, _ in if p.electrode[idx] != 0 { surface.electrode[idx] = 1 } }
    let s = surface.makeSolver()
    let before = s.solve(voltage: 1, tolerance: 1e-7).resistance
    let surfaceDried = AlignedBuffer<Float>(count: p.layout.count, repeating: 0)
    surfaceDried.copy(from: surface.sigma)
    p.forEachVoxel { idx, _, _, _ in if p.electrode[idx] != 0 { surfaceDried[idx] = 0.333e-3 } }
    s.setConductivity(surfaceDried)
    #expect(s.solve(voltage: 1, tolerance: 1e-7).resistance == before)
}

/// The heat still adds up to V I with either kind of conductor, and a surface conductor (metal)
/// takes none of it: its contact faces' heat is dissipated in the tissue half-cell.
@Test(arguments: [PotentialSolver.thinConductor, 1])
func jouleHeatAddsUpAndStaysInTissue(kind: UInt8) {
    let (p, solver) = wire(spacingMM: 1, radiusM: 0.2e-3)
    p.forEachVoxel { idx, _, _, _ in if p.electrode[idx] != 0 { p.electrode[idx] = kind } }
    solver.setElectrode(p.electrode)
    let r = solver.solve(voltage: 10, tolerance: 1e-8)
    let q = AlignedBuffer<Float>(count: p.layout.count, repeating: 0)
    solver.jouleHeat(into: q)
    var total = 0.0, inConductor = 0.0
    let h3 = p.spacingM * p.spacingM * p.spacingM
    p.forEachVoxel { idx, _, _, _ in
        total += Double(q[idx]) * h3
        if p.electrode[idx] != 0 { inConductor += Double(q[idx]) * h3 }
    }
    #expect(abs(total / r.power - 1) < 1e-4, "heat \(total) W vs V I \(r.power) W")
    if kind == 1 { #expect(inConductor == 0) } else { #expect(inConductor > 0.05 * total) }
}
