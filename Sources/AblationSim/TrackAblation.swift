import AblationGrid
import AblationKernels

/// Track ablation on withdrawal (extension `track_ablation` of cooled RF electrodes).
///
/// Cooled-tip protocols end by pulling the needle out with the pump off and the generator on, so
/// that the track coagulates (against bleeding and tumour seeding along it). While the pump ran,
/// the cold shaft kept a sleeve of tissue alive around it; where the shaft leaves the tumour, that
/// sleeve is a cooled electrode's weakest margin (README, "Cooled shafts").
///
/// Modelled as a generator in temperature mode with a perfect controller: from the end of the
/// pump-off check the bare tip (each needle's, for a cluster) moves back along its path at
/// `speed_mm_s` for `length_mm`, and after every kernel step the voxels it occupies are set to
/// `temperature_c`. The heat that took (their heat capacity times the rise, never negative: a
/// generator cannot cool) is the generator's energy. Approximations: the tip is its voxels (no
/// sub-voxel surface, unlike the cooled contact), and the temperature is held exactly, where a real
/// generator's loop lags and the needle moves in steps by hand.
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
    /// Per track: the withdrawal (mm) its held voxels were found for, and those voxels (padded).
    private var cachedShift: [Double]
    private var held: [[(padded: Int, row: Int)]]

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
    }

    /// How far track `n` has been pulled back at `time`, or nil outside its withdrawal.
    func shift(_ n: Int, at time: Double) -> Double? {
        let t = tracks[n]
        let elapsed = time - t.startS
        guard elapsed > 1e-9, elapsed <= t.spec.durationS + 1e-9 else { return nil }
        return min(t.spec.lengthMM, elapsed * t.spec.speedMMS)
    }

    /// The voxels of track `n`'s tips pulled back `shift` mm: centres within the needle's radius of
    /// the axis (at least half a spacing) and every voxel the axis passes through.
    private func voxels(_ n: Int, shift: Double) -> [(padded: Int, row: Int)] {
        let t = tracks[n]
        var set = Set<Int>()
        for rod in t.rods {
            let a = rod.startMM + t.backward * shift, b = rod.endMM + t.backward * shift
            let radius = max(rod.radiusMM, grid.spacingMM / 2)
            set.formUnion(ElectrodeGeometry.nearSegment(a, b, radiusMM: radius, grid: grid))
            set.formUnion(ElectrodeGeometry.alongLine(a, b, grid: grid))
        }
        return set.sorted().map { v in
            (layout.index(linear: v), layout.row((v / grid.nx) % grid.ny, v / (grid.nx * grid.ny)))
        }
    }

    /// Holds every withdrawing tip's voxels at its temperature in `T` (the step that ends at
    /// `time`), marks their rows and returns the heat (J) each applicator delivered to do so.
    func apply(to T: AlignedBuffer<Float>, time: Double, op: PennesOperator, voxelVolumeM3: Double,
               activity: RowActivity) -> [(applicator: Int, heatJ: Double)] {
        var out: [(Int, Double)] = []
        for n in tracks.indices {
            guard let s = shift(n, at: time) else { continue }
            // The held set moves in steps of a quarter voxel.
            if abs(s - cachedShift[n]) >= grid.spacingMM / 4 || cachedShift[n] == -.infinity {
                held[n] = voxels(n, shift: s)
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
            // Their neighbours read the new temperature in the next step.
            activity.mark(rows: layout.withNeighbourRows(rows))
            out.append((tracks[n].applicator, heat))
        }
        return out
    }
}
