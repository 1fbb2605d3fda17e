import AblationKernels
import AblationPreset
import AblationTissue

/// Water vaporisation by the enthalpy method (the effective heat capacity of Yang et al., IEEE
/// TBME 2007, integrated exactly), and the heat capacity of the desiccated tissue it leaves.
///
/// Between `lower` (99 °C) and `upper` (104 °C) the tissue's volumetric heat capacity rises by
/// rho_w L C / (upper - lower) (water density, latent heat 2.26 MJ/kg, water content C), so the
/// temperature plateaus while the water boils, as measured. Above `upper` the tissue is dry and
/// its heat capacity is the material's desiccated value (0.8 MJ/m³/K for liver against 3.82 wet).
/// The kernel steps with the voxel's sensible heat capacity (the 37 °C value, or c(99) under a c(T)
/// law once the voxel boils); afterwards every voxel that is or was above
/// `lower` has its step re-expressed as the energy it received, added to its enthalpy and mapped
/// back to temperature through the piecewise linear H(T), so a step can never jump the plateau.
/// The model is reversible (condensation returns the latent heat on cooling), as the
/// effective-heat-capacity model is.
///
/// Why dry voxels are sub-cycled: the global step is sized for the wet heat capacity (every update
/// a convex combination of old values). A dry voxel's own time constant, C_dry / (sum of its face
/// conductances + perfusion), is shorter than that step (about 0.2x for liver), so its explicit
/// update would overshoot and oscillate. The voxels that are dry, or reach the dry range in this
/// step, are therefore re-stepped together in `n` sub-steps of dt / n (n just large enough for the
/// driest of them), exchanging heat among themselves at every sub-step and with their other
/// neighbours frozen at the step's start. Each such neighbour then receives the heat its face
/// carried on average over the sub-steps instead of the kernel's start-of-step estimate, so what
/// one side of a face loses the other gains: energy stays exact. They are few (the dried core
/// around an applicator: 556 voxels at 1 mm after Emprint 100 W / 10 min), so this costs little.
final class Vaporisation: @unchecked Sendable {
    // @unchecked: immutable after init except the scratch slot map, which only the serial
    // sub-cycling touches; worker threads touch disjoint rows of the fields.
    static let lowerC: Float = 99
    static let upperC: Float = 104
    static let latentHeatJPerKg = 2.26e6
    static let waterDensity = 1000.0
    /// Rows whose last damage sample peaked above this are checked every step: a row that was
    /// colder than 60 °C a second ago cannot reach 99 °C unless it heats faster than 39 K/s.
    static let watchC: Float = 60
    /// Sub-steps are capped here (a desiccated heat capacity near the decoder's 1e4 J/m³/K floor
    /// would ask for ~400); beyond it the sub-step is no longer convex for the driest voxels.
    static let maximumSubsteps = 1024

    let layout: PaddedLayout
    /// Per padded voxel: extra volumetric heat capacity in the plateau (J/m³/K); 0 where the
    /// material is linear or the voxel is held at a fixed temperature.
    let latentCapacity: AlignedBuffer<Float>
    /// Per padded voxel: desiccated over 37 °C heat capacity; 1 where the material is linear.
    let dryRatio: AlignedBuffer<Float>
    let active: Bool
    /// Whether any voxel's dry heat capacity differs from its wet one (else no sub-cycling).
    let anyDry: Bool
    /// Per axis: whether its faces are adiabatic. A mirror ghost copies the voxel beside it, so its
    /// face carries no heat; frozen at the step's start like other neighbours it would pull a dry
    /// voxel back to its start temperature and lose that heat.
    let mirrored: (x: Bool, y: Bool, z: Bool)
    /// Scratch map from padded index to a sub-cycled voxel's slot (-1 elsewhere); allocated on first use.
    private var slots: AlignedBuffer<Int32>?

    init(model: ThermalModel, scene: Scene, preset: Preset) {
        let g = scene.grid
        let L = model.op.layout
        layout = L
        latentCapacity = AlignedBuffer(count: L.count, repeating: 0)
        dryRatio = AlignedBuffer(count: L.count, repeating: 1)
        // Per label: the plateau's extra heat capacity, and the dry one relative to the sensible heat
        // capacity the voxel has once it boils (c(99) under a c(T) law).
        let latentOfLabel = model.labelMaterial.map {
            Float(Vaporisation.waterDensity * Vaporisation.latentHeatJPerKg * $0.waterContent / Double(Vaporisation.upperC - Vaporisation.lowerC))
        }
        let dryRatioOfLabel = model.labelMaterial.map { m in
            Float(m.desiccatedHeatCapacityJM3K / (TissuePropertyLaw(m).map { $0.heatCapacity(at: Double(Vaporisation.lowerC)) } ?? m.volumetricHeatCapacity))
        }
        var any = false, dry = false
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let idx = L.index(i, j, k)
            let label = Int(scene.labels[g.linearIndex(i, j, k)])
            guard !model.labelMaterial[label].linear, model.op.inverseHeatCapacity[idx] > 0 else { continue }
            latentCapacity[idx] = latentOfLabel[label]
            dryRatio[idx] = dryRatioOfLabel[label]
            if dryRatioOfLabel[label] != 1 { dry = true }
            any = true
        } } }
        active = any
        anyDry = dry
        func isMirror(_ b: AxisBoundary) -> Bool { b == .adiabatic }
        mirrored = (isMirror(model.boundary.x), isMirror(model.boundary.y), isMirror(model.boundary.z))
    }

    /// Enthalpy per unit 37 °C heat capacity, in kelvin-equivalents: h(T) = T up to `lower`;
    /// lower + (1 + r)(T - lower) in the plateau (r = latent over sensible capacity); above `upper`,
    /// the plateau's top plus s (T - upper) (s = dry over wet capacity).
    @inline(__always) static func enthalpy(_ t: Float, ratio r: Float, dry s: Float = 1) -> Float {
        if t <= lowerC { return t }
        if t <= upperC { return lowerC + (1 + r) * (t - lowerC) }
        // s == 1 keeps the expression (and its rounding) of the model before dry heat capacity.
        if s == 1 { return t + r * (upperC - lowerC) }
        return plateauTop(ratio: r) + s * (t - upperC)
    }

    @inline(__always) static func temperature(_ h: Float, ratio r: Float, dry s: Float = 1) -> Float {
        if h <= lowerC { return h }
        let top = plateauTop(ratio: r)
        if h <= top { return lowerC + (h - lowerC) / (1 + r) }
        if s == 1 { return h - r * (upperC - lowerC) }
        return upperC + (h - top) / s
    }

    @inline(__always) static func plateauTop(ratio r: Float) -> Float { lowerC + (1 + r) * (upperC - lowerC) }

    /// Corrects `after` (the kernel's result from `before`, a step of `dt`) in the rows the last
    /// damage sample saw above `watchC`.
    func correct(before: AlignedBuffer<Float>, after: AlignedBuffer<Float>, damage: DamageIntegrator,
                 op: PennesOperator, dt: Float, threads: Int) {
        guard active else { return }
        let L = layout
        let lanes = PaddedLayout.lanes
        let chunks = (L.nx + lanes - 1) / lanes
        let lower = SIMD16<Float>(repeating: Vaporisation.lowerC)
        // Only hot rows do work, and they crowd around the applicator: slabs are cut by hot rows.
        let slabs = ParallelSlabs.balanced(planes: L.nz, threads: threads) { k in
            var hot = 0
            for r in (k * L.ny)..<((k + 1) * L.ny) where damage.rowMaximum[r] >= Vaporisation.watchC { hot += 1 }
            return Double(hot)
        }
        let parts = ParallelSlabs.map(slabs: slabs) { _, planes -> [Int] in
            var dry: [Int] = []
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
                        for i in b..<min(b + lanes, base + L.nx) where fix(i, before: before, after: after, a: op.inverseHeatCapacity) {
                            dry.append(i)
                        }
                    }
                }
            }
            return dry
        }
        let dry = parts.flatMap { $0 }
        guard !dry.isEmpty else { return }
        // Slabs come back in plane order, so `dry` is in index order whatever the thread count.
        subcycle(dry, before: before, after: after, op: op, dt: dt)
    }

    /// Applies the enthalpy correction to one voxel, or returns true when it is dry (or drying in
    /// this step) and must be sub-cycled instead.
    @inline(__always)
    private func fix(_ idx: Int, before: AlignedBuffer<Float>, after: AlignedBuffer<Float>, a: AlignedBuffer<Float>) -> Bool {
        let t0 = before[idx], t1 = after[idx]
        // Unchanged voxels stay bit-identical (row skipping relies on it).
        guard t1 != t0, t0 > Vaporisation.lowerC || t1 > Vaporisation.lowerC else { return false }
        let latent = latentCapacity[idx]
        guard latent > 0 else { return false }
        // latent / (rho c) = ratio of plateau to sensible heat capacity.
        let r = latent * a[idx]
        let s = dryRatio[idx]
        // The kernel's step at the sensible heat capacity is the energy received.
        let h = Vaporisation.enthalpy(t0, ratio: r, dry: s) + (t1 - t0)
        if s < 1 && (t0 > Vaporisation.upperC || h > Vaporisation.plateauTop(ratio: r)) { return true }
        after[idx] = Vaporisation.temperature(h, ratio: r, dry: s)
        return false
    }

    /// Conductance of face `q` of voxel `idx`, in the order +x, -x, +y, -y, +z, -z.
    @inline(__always) private static func face(_ q: Int, of idx: Int, _ op: PennesOperator) -> Float {
        let L = op.layout
        switch q {
        case 0: return op.gx[idx]
        case 1: return op.gx[idx - 1]
        case 2: return op.gy[idx]
        case 3: return op.gy[idx - L.strideY]
        case 4: return op.gz[idx]
        default: return op.gz[idx - L.strideZ]
        }
    }

    /// Whether face `q` of voxel `idx` (order as in `face`) leads to a mirror ghost.
    @inline(__always) private func facesMirror(_ q: Int, of idx: Int) -> Bool {
        let L = layout
        switch q {
        case 0, 1:
            guard mirrored.x else { return false }
            let i = idx % L.strideY - 1
            return q == 0 ? i == L.nx - 1 : i == 0
        case 2, 3:
            guard mirrored.y else { return false }
            let j = (idx % L.strideZ) / L.strideY - 1
            return q == 2 ? j == L.ny - 1 : j == 0
        default:
            guard mirrored.z else { return false }
            let k = idx / L.strideZ - 1
            return q == 4 ? k == L.nz - 1 : k == 0
        }
    }

    /// Re-steps the dry voxels `dry` (padded indices, ascending) over this step in sub-steps, and
    /// hands their other neighbours the heat the faces carried on average.
    private func subcycle(_ dry: [Int], before: AlignedBuffer<Float>, after: AlignedBuffer<Float>, op: PennesOperator, dt: Float) {
        let L = layout
        let map: AlignedBuffer<Int32>
        if let existing = slots { map = existing } else {
            map = AlignedBuffer(count: L.count, repeating: -1)
            slots = map
        }
        for (m, idx) in dry.enumerated() { map[idx] = Int32(m) }
        defer { for idx in dry { map[idx] = -1 } }

        let n = dry.count
        let offsets = [1, -1, L.strideY, -L.strideY, L.strideZ, -L.strideZ]
        // Per dry voxel: heat from frozen neighbours and sources at the step's start (W/m³ less the
        // self terms), the diagonal, and the conductances to other dry voxels by slot.
        var frozen = [Float](repeating: 0, count: n)
        var diagonal = [Float](repeating: 0, count: n)
        var inner = [Int32](repeating: -1, count: 6 * n)
        var innerG = [Float](repeating: 0, count: 6 * n)
        // Per dry voxel, gathered once for every sub-step: 1 / c, latent / c and the dry ratio.
        var inverseCapacity = [Float](repeating: 0, count: n)
        var latentRatio = [Float](repeating: 0, count: n)
        var dryRatios = [Float](repeating: 0, count: n)
        var worst: Float = 1
        for (m, idx) in dry.enumerated() {
            var f = op.baseSource[idx] + op.externalSource[idx]
            var d = op.perfusion[idx]
            for (q, off) in offsets.enumerated() where !facesMirror(q, of: idx) {
                let nb = idx + off, g = Self.face(q, of: idx, op)
                d += g
                let slot = map[nb]
                if slot >= 0 { inner[6 * m + q] = slot; innerG[6 * m + q] = g } else { f += g * before[nb] }
            }
            frozen[m] = f
            diagonal[m] = d
            let a = op.inverseHeatCapacity[idx]
            inverseCapacity[m] = a
            latentRatio[m] = latentCapacity[idx] * a
            dryRatios[m] = dryRatio[idx]
            // Sub-steps needed for a convex update at the dry heat capacity: dt D a / s.
            worst = max(worst, dt * d * a / dryRatios[m])
        }
        let substeps = min(Vaporisation.maximumSubsteps, Int(worst.rounded(.up)))
        let h = dt / Float(substeps)
        var t = dry.map { before[$0] }
        var next = t
        var sum = [Float](repeating: 0, count: n)
        for _ in 0..<substeps {
            for m in 0..<n {
                var flux = frozen[m] - diagonal[m] * t[m]
                for q in 0..<6 {
                    let slot = inner[6 * m + q]
                    if slot >= 0 { flux += innerG[6 * m + q] * t[Int(slot)] }
                }
                let a = inverseCapacity[m], r = latentRatio[m], s = dryRatios[m]
                next[m] = Vaporisation.temperature(Vaporisation.enthalpy(t[m], ratio: r, dry: s) + h * a * flux, ratio: r, dry: s)
                sum[m] += t[m]
            }
            swap(&t, &next)
        }
        for (m, idx) in dry.enumerated() { after[idx] = t[m] }
        // The kernel gave each frozen neighbour dt g (T_dry(start) - T_nb); the dry voxel's sub-steps
        // took dt g (mean T_dry - T_nb) from that face. Pay the difference to the neighbour.
        for (m, idx) in dry.enumerated() {
            let shift = sum[m] / Float(substeps) - before[idx]
            guard shift != 0 else { continue }
            for (q, off) in offsets.enumerated() where inner[6 * m + q] < 0 {
                let nb = idx + off
                let a = op.inverseHeatCapacity[nb]
                guard a > 0 else { continue }  // held voxels and ghosts do not change
                let received = dt * Self.face(q, of: idx, op) * a * shift
                let latent = latentCapacity[nb]
                if latent > 0 {
                    let r = latent * a, s = dryRatio[nb]
                    after[nb] = Vaporisation.temperature(Vaporisation.enthalpy(after[nb], ratio: r, dry: s) + received, ratio: r, dry: s)
                } else {
                    after[nb] += received
                }
            }
        }
    }
}
