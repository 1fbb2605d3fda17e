import AblationGrid
import AblationKernels
import AblationTissue

/// Keeps the kernel's face conductances in step with k(T), and its heat capacities with c(T) where
/// a material has that law (TissuePropertyLaw).
///
/// Each voxel that follows a law remembers the temperature step its conductivity was built at. At
/// every damage sample the rows whose temperatures changed since the last sample are scanned 16
/// voxels at a time; only voxels that crossed a step get a new conductivity, and only their six
/// faces are rebuilt, with the same harmonic mean (and argument order) ThermalModel.init uses, so
/// a face between two unchanged voxels keeps its bits and an interface to a vessel wall film stays
/// film and tissue in series. Faces to ghost voxels use the voxel's own conductivity, as at set-up.
/// The coefficients are lagged by at most one damage interval (1 s), during which a heating voxel
/// changes its conductivity by well under 1 %.
final class ConductivityResponse: @unchecked Sendable {
    // @unchecked: used only by the simulation loop between kernel launches.
        let layout: PaddedLayout
    let spacingSquared: Double
    /// Per label: the law, or nil for constant conductivity.
    let laws: [TissuePropertyLaw?]
    /// Per label: the conductivity of voxels that follow no law (the wall film for convective
    /// vessels; the blood's own after occlusion, set by ThermalModel.setFixedConductivity).
    var fixedConductivity: [Double]
    /// Per padded voxel of a flowing vessel-tree segment: its film conductivity, overriding its
    /// label's fixed one (ThermalModel.voxelFilm). Empty without vessel trees.
    var voxelFilm: [Int: Double] = [:]
    /// Per padded voxel: its label (interior voxels only).
    let labels: AlignedBuffer<UInt8>
    /// Per padded voxel: the temperature (a multiple of TissuePropertyLaw.quantumC) its current
    /// conductivity was evaluated at, or NaN where the conductivity is fixed (no law, vessels,
    /// held voxels, ghosts, padding).
    let centres: AlignedBuffer<Float>
    /// Per padded voxel: 1 for a cooled needle voxel, whose faces to tissue stay 0 (the tissue's
    /// exchange with it runs in CooledSurfaceContact).
    let held: AlignedBuffer<UInt8>

    /// Nil when no voxel follows a law (then nothing changes, bit for bit).
    init?(layout L: PaddedLayout, grid g: Grid3D, labels gridLabels: [UInt8], laws: [TissuePropertyLaw?],
          fixedConductivity: [Double], follows: (Int) -> Bool, held isHeld: (Int) -> Bool = { _ in false }) {
        guard laws.contains(where: { $0 != nil }) else { return nil }
        layout = L
        let h = g.spacingMM * 1e-3
        spacingSquared = h * h
        self.laws = laws
        self.fixedConductivity = fixedConductivity
        labels = AlignedBuffer(count: L.count, repeating: 0)
        centres = AlignedBuffer(count: L.count, repeating: .nan)
        held = AlignedBuffer(count: L.count, repeating: 0)
                var any = false
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let lin = g.linearIndex(i, j, k), idx = L.index(i, j, k)
            let label = gridLabels[lin]
            labels[idx] = label
            if isHeld(lin) { held[idx] = 1 }
            // Set-up built every face from the 37 °C conductivity.
            if laws[Int(label)] != nil && follows(lin) { centres[idx] = 37; any = true }
        } } }
        guard any else { return nil }
    }

    @inline(__always) func conductivity(_ idx: Int) -> Double {
        let label = Int(labels[idx])
        let t = centres[idx]
        if t.isNaN {
            if held[idx] != 0 { return 0 }
            if !voxelFilm.isEmpty, let f = voxelFilm[idx] { return f }
            return fixedConductivity[label]
        }
        return laws[label]!.conductivity(at: Double(t))
    }

    /// Same expression as ThermalModel.init's face conductance.
    @inline(__always) func face(_ a: Double, _ b: Double) -> Float { Float(2 * a * b / (a + b) / spacingSquared) }

    /// Updates conductivities from `T` in the rows `activity` saw change since the last sample (all
    /// rows when `all`). Returns the rows holding voxels whose conductivity changed; their faces
    /// reach into the four neighbouring rows, which the caller must reclassify and reactivate too.
    func update(temperature T: AlignedBuffer<Float>, activity: RowActivity, op: PennesOperator, all: Bool,
                threads: Int) -> Set<Int> {
        let L = layout
        // Pass 1, in parallel slabs: find the voxels that left their step (each writes only its own
        // entries of `centres`).
        let slabs = all ? ParallelSlabs.balanced(planes: L.nz, threads: threads) { _ in 0 }
                        : activity.slabs(threads: threads, flags: activity.changedSinceSample)
        let parts = ParallelSlabs.map(slabs: slabs) { _, planes in
            self.scan(temperature: T, dirty: activity.changedSinceSample, all: all, planes: planes)
        }
        guard parts.contains(where: { !$0.isEmpty }) else { return [] }
        // Pass 2, in the same slabs once every centre is final: each slab rebuilds the faces stored
        // in its own planes. The face below a slab's first plane is stored in the neighbouring
        // slab's last plane, so those are left to a serial pass (both voxels of such a face would
        // compute the same value, but not at the same time by construction).
        let rebuilt = ParallelSlabs.map(slabs: slabs) { n, planes in
            self.rebuildFaces(of: parts[n], firstPlane: planes.lowerBound, op: op)
        }
        var rows = Set<Int>()
        for part in rebuilt {
            for idx in part.below { op.gz[idx - L.strideZ] = face(neighbour(idx, -L.strideZ, inside: zIndex(idx) > 0), conductivity(idx)) }
            rows.formUnion(part.rows)
        }
        return rows
    }

    @inline(__always) private func zIndex(_ idx: Int) -> Int { idx / layout.strideZ - 1 }

    /// The conductivity across the face from `idx` to `idx + offset`; a ghost neighbour copies the voxel itself.
    @inline(__always) private func neighbour(_ idx: Int, _ offset: Int, inside: Bool) -> Double {
        conductivity(inside ? idx + offset : idx)
    }

    /// Rebuilds the six faces of each voxel in `changed` (ascending padded indices of one slab whose
    /// first plane is `firstPlane`), except the face below a voxel in that first plane, which is
    /// returned in `below`. `rows` lists the voxels' rows once each.
    private func rebuildFaces(of changed: [Int], firstPlane: Int, op: PennesOperator) -> (below: [Int], rows: [Int]) {
        let L = layout
        var below: [Int] = [], rows: [Int] = []
        for idx in changed {
            let law = laws[Int(labels[idx])]!
            if law.followsHeatCapacity { op.inverseHeatCapacity[idx] = Float(1 / law.heatCapacity(at: Double(centres[idx]))) }
            let inFirstPlane = zIndex(idx) == firstPlane
            let (_, j, k) = op.rebuildFaces(of: idx, own: conductivity(idx), includeBelow: !inFirstPlane,
                                            conductivity: conductivity, face: face)
            if inFirstPlane { below.append(idx) }
            // Ascending indices visit each row's voxels together.
            let row = L.row(j, k)
            if rows.last != row { rows.append(row) }
        }
        return (below, rows)
    }

    /// Voxels in `planes` whose temperature left the step of their conductivity; moves them to the new step.
    private func scan(temperature T: AlignedBuffer<Float>, dirty: AlignedBuffer<UInt8>, all: Bool, planes: Range<Int>) -> [Int] {
        let L = layout
        let lanes = PaddedLayout.lanes
        let chunks = (L.nx + lanes - 1) / lanes
        let half = SIMD16<Float>(repeating: TissuePropertyLaw.quantumC / 2)
        let band = SIMD16<Float>(repeating: TissuePropertyLaw.restingBandC)
        let resting = SIMD16<Float>(repeating: 37)
        var changed: [Int] = []
        for k in planes {
            for j in 0..<L.ny {
                guard all || dirty[L.row(j, k)] != 0 else { continue }
                let base = L.index(0, j, k)
                for c in 0..<chunks {
                    let b = base + c * lanes
                    let t = UnsafeRawPointer(T.pointer + b).loadUnaligned(as: SIMD16<Float>.self)
                    let centre = UnsafeRawPointer(centres.pointer + b).loadUnaligned(as: SIMD16<Float>.self)
                    // Most chunks stay in their step: 16 voxels per compare, no rounding. t - centre is
                    // exact near the centre (Sterbenz), so this agrees with TissuePropertyLaw.step and
                    // halfWidth; NaN centres (fixed voxels) and non-finite temperatures compare false.
                    let d = t - centre
                    let h = half.replacing(with: band, where: centre .== resting)
                    guard any((d .>= h) .| (d .< -h)) else { continue }
                    for idx in b..<min(b + lanes, base + L.nx) where !centres[idx].isNaN {
                        let step = TissuePropertyLaw.step(T[idx])
                        if step != centres[idx] { centres[idx] = step; changed.append(idx) }
                    }
                }
            }
        }
        return changed
    }
}
