import AblationGrid
import AblationKernels
import AblationPreset

/// Track ablation on withdrawal (extension `track_ablation` of cooled RF electrodes).
///
/// Cooled-tip protocols end by pulling the needle out with the pump off and the generator on, so
/// that the track coagulates (against bleeding and tumour seeding along it). While the pump ran,
/// the cold shaft kept a sleeve of tissue alive around it; where the shaft leaves the tumour, that
/// sleeve is a cooled electrode's weakest margin (docs/validation.md#cooled-shafts).
///
/// Modelled as a generator in temperature mode with a perfect controller: from the end of the
/// pump-off check the bare tip (each needle's, for a cluster) moves back along its path at
/// `speed_mm_s` for `length_mm`, and after every kernel step the voxels it occupies are set to
/// `temperature_c`, and the tissue voxels beside them exchange heat with the tip's true surface
/// (the fraction f of each link outside the cylinder, as for the cooled contact: the kernel's face
/// carries k (T_tip - T) / h, the surface k (T_tip - T) / (f h), and the difference is added by
/// backward Euler). The heat that took (never negative: a generator cannot cool) is the
/// generator's energy. Approximations: the temperature is held exactly, where a real generator's
/// loop lags and the needle moves in steps by hand; the tip's voxels are tissue held hot (after the
/// pump-off check the needle's voxels are tissue in this model).
final class TrackAblation {
    struct Track {
        let applicator: Int
        let startS: Double
        let spec: Preset.RadiofrequencySpec.TrackAblationSpec
        /// Bare tips at the start of the withdrawal.
        let rods: [ElectrodeGeometry.Rod]
        /// Unit vector from the tip towards the entry point.
        let backward: SIMD3<Double>
    }

    let tracks: [Track]
    let grid: Grid3D
    let layout: PaddedLayout
    /// A tissue voxel beside the held tip voxels: its extra conductance towards the tip's surface,
    /// summed over its links (W/m³/K per unit of the tissue's conductivity: (1/f - 1) / h² per
    /// link, f the link's fraction outside the surface), beyond the kernel's faces to the held
    /// voxels' centres.
    struct Contact { let padded: Int; let row: Int; let extraPerConductivity: Double }
    /// Per track: the withdrawal (mm) its voxels were found for, the held voxels and their contacts.
    private var cachedShift: [Double]
    private var held: [[(padded: Int, row: Int)]]
    private var contacts: [[Contact]]

    /// Nil when no applicator ablates its track.
    init?(preset: Preset, grid g: Grid3D) {
        var found: [Track] = []
        for (n, a) in preset.applicators.enumerated() {
            guard case let .radiofrequency(rf) = a, let spec = rf.trackAblation else { continue }
            let (forward, _, _) = NeedleFrame.basis(tipMM: rf.tipMM, entryMM: rf.entryMM)
            found.append(Track(applicator: n, startS: rf.durationS + rf.pumpOffS, spec: spec,
                               rods: ElectrodeGeometry(rf).activeRods, backward: -forward))
        }
        guard !found.isEmpty else { return nil }
        tracks = found
        grid = g
        layout = PaddedLayout(nx: g.nx, ny: g.ny, nz: g.nz)
        cachedShift = found.map { _ in -.infinity }
        held = found.map { _ in [] }
        contacts = found.map { _ in [] }
    }

    /// How far track `n` has been pulled back at `time`, or nil outside its withdrawal.
    func shift(_ n: Int, at time: Double) -> Double? {
        let t = tracks[n]
        let elapsed = time - t.startS
        guard elapsed > 1e-9, elapsed <= t.spec.durationS + 1e-9 else { return nil }
        return min(t.spec.lengthMM, elapsed * t.spec.speedMMS)
    }

    /// Track `n`'s tips pulled back `shift` mm, rasterised as the electrode is (a cylinder of the
    /// needle's diameter and every voxel its axis crosses), and their links to the tissue around.
    private func place(_ n: Int, shift: Double) {
        let t = tracks[n]
        let rods = t.rods.map { ElectrodeGeometry.Rod(startMM: $0.startMM + t.backward * shift, endMM: $0.endMM + t.backward * shift,
                                                      radiusMM: $0.radiusMM) }
        let set = ElectrodeGeometry.rodVoxels(rods, grid: grid)
        func row(_ v: Int) -> Int { layout.row((v / grid.nx) % grid.ny, v / (grid.nx * grid.ny)) }
        held[n] = set.sorted().map { (layout.index(linear: $0), row($0)) }
        // Each tissue voxel once, its links summed (a voxel can touch the tip on several faces).
        let h = grid.spacingMM * 1e-3
        var perVoxel: [Int: Double] = [:]
        for c in ElectrodeGeometry.surfaceContacts(rods: rods, voxels: set, grid: grid) {
            perVoxel[c.tissueVoxel, default: 0] += (1 / c.fraction - 1) / (h * h)
        }
        contacts[n] = perVoxel.keys.sorted().map {
            Contact(padded: layout.index(linear: $0), row: row($0), extraPerConductivity: perVoxel[$0]!)
        }
    }

    /// Holds every withdrawing tip's voxels at its temperature in `T` (the step of `dt` that ends at
    /// `time`), lets the tissue beside them exchange heat with the tip's true surface
    /// (SurfaceExchange, as CooledSurfaceContact does for the coolant), marks the rows and returns the heat (J)
    /// each applicator delivered.
    func apply(to T: AlignedBuffer<Float>, time: Double, dt: Double, model: ThermalModel, voxelVolumeM3: Double,
               activity: RowActivity) -> [(applicator: Int, heatJ: Double)] {
        let op = model.op
        var out: [(Int, Double)] = []
        for n in tracks.indices {
            guard let s = shift(n, at: time) else { continue }
            // The tip moves in steps of a quarter voxel.
            if abs(s - cachedShift[n]) >= grid.spacingMM / 4 || cachedShift[n] == -.infinity {
                place(n, shift: s)
                cachedShift[n] = s
            }
            let target = Float(tracks[n].spec.temperatureC)
            var heat = 0.0
            var rows = Set<Int>()
            for (idx, row) in held[n] {
                let a = op.inverseHeatCapacity[idx]
                // Flowing vessels (a = 0) stay at blood temperature; tissue hotter than the tip keeps its heat.
                guard a > 0, T[idx] < target else { continue }
                heat += Double(target - T[idx]) / Double(a) * voxelVolumeM3
                T[idx] = target
                rows.insert(row)
            }
            for c in contacts[n] {
                let idx = c.padded
                let a = Double(op.inverseHeatCapacity[idx])
                guard a > 0, T[idx] < target else { continue }
                let g = c.extraPerConductivity * model.conductivity(atPadded: idx)
                let before = Double(T[idx])
                // One link of weight 1 per voxel: g already sums the links' extra conductance.
                T[idx] = Float(SurfaceExchange.implicitStep(from: before, coupling: dt * a * g, weightedSurfaceTemperature: Double(target),
                                                            weight: 1))
                heat += (Double(T[idx]) - before) / a * voxelVolumeM3
                rows.insert(c.row)
            }
            // Their neighbours read the new temperatures in the next step.
            activity.mark(rows: layout.withNeighbourRows(rows))
            out.append((tracks[n].applicator, heat))
        }
        return out
    }
}
