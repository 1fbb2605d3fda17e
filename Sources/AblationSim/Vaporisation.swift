import AblationGrid
import AblationKernels

/// Water vaporisation by the enthalpy method (the effective heat capacity of Yang et al., IEEE
/// TBME 2007, integrated exactly).
///
/// Between `lower` (99 °C) and `upper` (104 °C) the tissue's volumetric heat capacity rises by
/// rho_w L C / (upper - lower) (water density, latent heat 2.26 MJ/kg, water content C), so the
/// temperature plateaus while the water boils, as measured. The kernel steps with the 37 °C heat
/// capacity; afterwards every voxel that is or was above `lower` has its step re-expressed as the
/// energy it received, added to its enthalpy and mapped back to temperature through the piecewise
/// linear H(T). Energy is conserved exactly, and a step can never jump across the plateau. Above
/// `upper` the 37 °C heat capacity applies again: desiccated tissue's lower heat capacity is not
/// modelled, because it would shrink the explicit stability limit several-fold. The model is
/// reversible (condensation returns the latent heat on cooling), as the effective-heat-capacity
/// model is.
final class Vaporisation: @unchecked Sendable {
    // @unchecked: immutable after init; worker threads touch disjoint rows of the fields.
    static let lowerC: Float = 99
    static let upperC: Float = 104
    static let latentHeatJPerKg = 2.26e6
    static let waterDensity = 1000.0
    /// Rows whose last damage sample peaked above this are checked every step: a row that was
    /// colder than 60 °C a second ago cannot reach 99 °C unless it heats faster than 39 K/s.
    static let watchC: Float = 60

    let layout: PaddedLayout
    /// Per padded voxel: extra volumetric heat capacity in the plateau (J/m³/K); 0 where the
    /// material is linear or the voxel is held at a fixed temperature.
    let latentCapacity: AlignedBuffer<Float>
    let active: Bool

    init(model: ThermalModel, scene: Scene, preset: Preset) {
        let g = scene.grid
        let L = model.op.layout
        layout = L
        latentCapacity = AlignedBuffer(count: L.count, repeating: 0)
        var any = false
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let idx = L.index(i, j, k)
            let m = model.labelMaterial[Int(scene.labels[g.linearIndex(i, j, k)])]
            guard !m.linear, model.op.inverseHeatCapacity[idx] > 0 else { continue }
            latentCapacity[idx] = Float(Vaporisation.waterDensity * Vaporisation.latentHeatJPerKg * m.waterContent
                                        / Double(Vaporisation.upperC - Vaporisation.lowerC))
            any = true
        } } }
        active = any
    }

    /// Enthalpy above the plateau's start per unit sensible heat capacity, in kelvin-equivalents:
    /// h(T) = T for T <= lower; lower + (1 + r)(T - lower) in the plateau; then + r * width.
    @inline(__always) static func enthalpy(_ t: Float, ratio r: Float) -> Float {
        if t <= lowerC { return t }
        if t <= upperC { return lowerC + (1 + r) * (t - lowerC) }
        return t + r * (upperC - lowerC)
    }

    @inline(__always) static func temperature(_ h: Float, ratio r: Float) -> Float {
        if h <= lowerC { return h }
        let top = lowerC + (1 + r) * (upperC - lowerC)
        if h <= top { return lowerC + (h - lowerC) / (1 + r) }
        return h - r * (upperC - lowerC)
    }

    /// Corrects `after` (the kernel's result from `before`) in the rows the last damage sample saw
    /// above `watchC`.
    func correct(before: AlignedBuffer<Float>, after: AlignedBuffer<Float>, damage: DamageIntegrator,
                 inverseHeatCapacity a: AlignedBuffer<Float>, threads: Int) {
        guard active else { return }
        let L = layout
        let lanes = PaddedLayout.lanes
        let chunks = (L.nx + lanes - 1) / lanes
        let lower = SIMD16<Float>(repeating: Vaporisation.lowerC)
        ParallelSlabs.run(planes: L.nz, threads: threads) { planes in
            for k in planes {
                for j in 0..<L.ny {
                    guard damage.rowMaximum[L.row(j, k)] >= Vaporisation.watchC else { continue }
                    let base = L.index(0, j, k)
                    for c in 0..<chunks {
                        let b = base + c * lanes
                        // Most chunks of a hot row are still below boiling: test 16 voxels at once.
                        let t0 = UnsafeRawPointer(before.pointer + b).loadUnaligned(as: SIMD16<Float>.self)
                        let t1 = UnsafeRawPointer(after.pointer + b).loadUnaligned(as: SIMD16<Float>.self)
                        guard any((t0 .> lower) .| (t1 .> lower)) else { continue }
                        for i in b..<min(b + lanes, base + L.nx) { fix(i, before: before, after: after, a: a) }
                    }
                }
            }
        }
    }

    @inline(__always)
    private func fix(_ idx: Int, before: AlignedBuffer<Float>, after: AlignedBuffer<Float>, a: AlignedBuffer<Float>) {
        let t0 = before[idx], t1 = after[idx]
        // Unchanged voxels stay bit-identical (row skipping relies on it).
        guard t1 != t0, t0 > Vaporisation.lowerC || t1 > Vaporisation.lowerC else { return }
        let latent = latentCapacity[idx]
        guard latent > 0 else { return }
        // latent / (rho c) = ratio of plateau to sensible heat capacity.
        let r = latent * a[idx]
        // The kernel's step at the sensible heat capacity is the energy received.
        let h = Vaporisation.enthalpy(t0, ratio: r) + (t1 - t0)
        after[idx] = Vaporisation.temperature(h, ratio: r)
    }
}
