@testable import AblationKernels
@testable import AblationPreset
@testable import AblationSimulation
import Foundation
import Testing

/// The wire's surface excess over its voxel's mean against an independent computation: a
/// finite-volume solve of steady radial conduction, -(1/r) d/dr (k r dT/dr) = A / r², on the annulus
/// from the wire's radius (no flux into the wire) to the voxel's equivalent radius h / sqrt(pi)
/// (held at 0), with A set by the voxel's heat per length q h²; then the surface minus the
/// annulus' area-weighted mean. 20000 cells put the discretisation error near 1e-7 relative
/// (second order; 5000 cells differ from 20000 by under 1e-6), so 1e-4 is the tolerance.
@Test(arguments: [(1.0, 0.2), (0.75, 0.2), (0.5, 0.2), (2.0, 0.15)])
func wireSurfaceExcessMatchesARadialConductionSolve(spacingMM: Double, wireRadiusMM: Double) {
    let h = spacingMM * 1e-3, rw = wireRadiusMM * 1e-3, k = 0.52, q = 1e9
    let re = h / Double.pi.squareRoot()
    let u = log(re / rw)
    let a = q * h * h / (2 * Double.pi * u)
    let n = 20000
    let dr = (re - rw) / Double(n)
    // Cell i spans [rw + i dr, rw + (i+1) dr]; unknowns at cell centres; T = 0 at re.
    var lower = [Double](repeating: 0, count: n), diag = lower, upper = lower, rhs = lower
    for i in 0..<n {
        let r0 = rw + Double(i) * dr, r1 = r0 + dr
        rhs[i] = 2 * Double.pi * a * log(r1 / r0)          // heat of the cell per length
        let west = i == 0 ? 0 : 2 * Double.pi * k * r0 / dr  // no flux into the wire
        let east = 2 * Double.pi * k * r1 / (i == n - 1 ? dr / 2 : dr)
        diag[i] = west + east
        if i > 0 { lower[i] = -west }
        if i < n - 1 { upper[i] = -east }
    }
    // Thomas algorithm.
    for i in 1..<n {
        let m = lower[i] / diag[i - 1]
        diag[i] -= m * upper[i - 1]
        rhs[i] -= m * rhs[i - 1]
    }
    var t = [Double](repeating: 0, count: n)
    t[n - 1] = rhs[n - 1] / diag[n - 1]
    for i in stride(from: n - 2, through: 0, by: -1) { t[i] = (rhs[i] - upper[i] * t[i + 1]) / diag[i] }
    var weighted = 0.0, area = 0.0
    for i in 0..<n {
        let r0 = rw + Double(i) * dr, r1 = r0 + dr
        weighted += t[i] * (r1 * r1 - r0 * r0)
        area += r1 * r1 - r0 * r0
    }
    // The surface: extrapolate the first two centres to r_w (zero slope there).
    let surface = t[0] + (t[0] - t[1]) / 8
    let expected = surface - weighted / area
    let model = q * WireSurfaceTemperature.excessPerHeatDensity(spacingM: h, wireRadiusM: rw, conductivityWMK: k)
    #expect(abs(model - expected) <= 1e-4 * expected, "\(spacingMM) mm: \(model) K against \(expected) K")
}

/// No excess where the voxel's equivalent disc does not reach beyond the wire.
@Test func resolvedWiresHaveNoSurfaceExcess() {
    #expect(WireSurfaceTemperature.excessPerHeatDensity(spacingM: 0.3e-3, wireRadiusM: 0.2e-3, conductivityWMK: 0.52) == 0)
    #expect(WireSurfaceTemperature.excessPerHeatDensity(spacingM: 1e-3, wireRadiusM: 0, conductivityWMK: 0.52) == 0)
}

/// The contact of a tine thinner than its voxels follows the tissue at the wire's surface, which
/// the wire's own heat keeps hotter than the voxel's mean: with every voxel at 95 °C (below the
/// drying onset, 99 °C), a solve that follows one at 40 W finds the tissue on the wires of the
/// hottest voxels dried and the impedance higher than the first solve's, which the temperatures
/// alone (identical for both solves) would have repeated to within the solve tolerance (3e-3).
/// At 37 °C the same surface excess only raises the conductivity (sigma +2 %/K), so the impedance
/// falls: the excess follows the law, it does not just add resistance.
@Test func wireContactDriesBeforeItsVoxelDoes() throws {
    let p = try rfPreset("""
        {"type": "rfa", "electrode": "multi_tine", "diameter_mm": 2, "tines": 8, "deployed_diameter_mm": 20, "tine_diameter_mm": 0.4,
         "tip_mm": [0, 0, 4], "entry_mm": [0, 0, 30], "control": {"mode": "constant_power", "power_w": 40}, "duration_s": 60}
        """)
    let scene = try Scene(preset: p)
    let model = ThermalModel(preset: p, scene: scene)
    guard case let .radiofrequency(rf) = p.applicators[0] else { Issue.record("not rfa"); return }
    func impedances(at celsius: Float) -> (first: Double, second: Double, wires: Int) {
        let e = RadiofrequencyElectrode(index: 0, spec: rf, scene: scene, materials: model.labelMaterial, threads: 1)
        let t = AlignedBuffer<Float>(count: e.layout.count, repeating: celsius)
        e.update(temperature: t, time: 0)
        let first = e.resistance
        e.update(temperature: t, time: 1)
        return (first, e.resistance, e.wireVoxels.count)
    }
    let hot = impedances(at: 95), cold = impedances(at: 37)
    #expect(hot.wires > 0, "the 0.4 mm tines are wires at 1 mm")
    #expect(hot.second > 1.05 * hot.first, "95 °C: \(hot.first) -> \(hot.second) ohm")
    #expect(cold.second < cold.first * (1 - 3e-3), "37 °C: \(cold.first) -> \(cold.second) ohm")
}
