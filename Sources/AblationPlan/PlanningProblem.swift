import AblationAnalysis
import AblationGrid
import AblationKernels
import AblationPreset
import AblationSimulation

/// What every candidate is scored against, computed once from the preset: for each target, the
/// voxels around it sorted by distance (so a candidate's margin is the distance of the first
/// voxel it leaves alive), and the distances and masks that needle paths are checked with.
struct PlanningProblem {
    struct TargetShell {
        var name: String
        var voxelCount: Int
        /// Voxels with distance to the target <= margin + one spacing + `reportBeyondMM`, nearest first.
        var voxels: [Int32]
        var distances: [Float]
    }

    let grid: Grid3D
    let scene: Scene
    let marginMM: Double
    var shells: [TargetShell]
    /// Centroid of all target voxels: where needles aim.
    var centroidMM: SIMD3<Double>
    /// Centroid of each target: where "one needle per target" aims.
    var targetCentroidsMM: [SIMD3<Double>]
    /// Distance from each voxel to the nearest vessel voxel centre (infinite without vessels).
    let vesselDistance: [Double]
    /// 1 where a region listed in planning.avoid lies.
    let avoidMask: [UInt8]
    /// Clearance from the vessels and avoided regions for needle paths, exact per point.
    let pathCheck: NeedlePathCheck
    /// Targets and vessels: necrosis there is not healthy tissue.
    let notHealthy: [Bool]
    /// Targets whose required margin region reaches into a vessel: a full margin cannot exist there.
    var vesselInMargin: [String]
    /// Closest vessel to each target (mm between voxel centres), for the heat-sink flag.
    var vesselDistanceToTarget: [Double]
    /// Per target, the vessels near enough to limit its margin, nearest first.
    var vesselCaps: [[VesselCap]]

    /// A vessel that stays alive (flowing blood) is living tissue to the margin estimator, so a
    /// target's margin can never exceed the distance to its nearest voxel less one spacing.
    struct VesselCap: Equatable {
        var vessel: String
        var capMM: Double
    }

    /// The largest margin target `t` can have while its vessels stay alive (infinite without one
    /// within margin + one spacing + reportBeyondMM).
    func marginCapMM(_ t: Int) -> Double { vesselCaps[t].first?.capMM ?? .infinity }

    static let reportBeyondMM = 10.0

    init(scene: Scene, preset: Preset, spec: PlanningSpec) {
        grid = scene.grid
        self.scene = scene
        marginMM = preset.marginMM
        let g = grid, h = g.spacingMM
        var vesselMask = [Bool](repeating: false, count: g.voxelCount)
        for v in scene.vesselVoxels { vesselMask[v] = true }
        vesselDistance = scene.vesselVoxels.isEmpty
            ? [Double](repeating: .infinity, count: g.voxelCount)
            : DistanceTransform.distances(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: h) { vesselMask[$0] }
        var avoid = [UInt8](repeating: 0, count: g.voxelCount)
        let avoidLabels = Set(preset.regions.enumerated().filter { spec.avoid.contains($0.element.name) }.map { UInt8($0.offset + 1) })
        for i in avoid.indices where avoidLabels.contains(scene.labels[i]) { avoid[i] = 1 }
        avoidMask = avoid
        pathCheck = NeedlePathCheck(grid: g, isVessel: vesselMask, vesselDistance: vesselDistance, avoided: avoid.map { $0 != 0 })
        let vesselVoxels = scene.vesselVoxels
        var excluded = vesselMask
        var sum = SIMD3<Double>(), count = 0
        shells = []
        vesselInMargin = []
        vesselDistanceToTarget = []
        targetCentroidsMM = []
        vesselCaps = []
        for t in scene.targets {
            var inTarget = [Bool](repeating: false, count: g.voxelCount)
            var own = SIMD3<Double>()
            for v in t.voxels { inTarget[v] = true; excluded[v] = true; sum += g.position(ofLinear: v); own += g.position(ofLinear: v); count += 1 }
            targetCentroidsMM.append(t.voxels.isEmpty ? .zero : own / Double(t.voxels.count))
            let d = DistanceTransform.distances(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: h) { inTarget[$0] }
            let limit = preset.marginMM + h + PlanningProblem.reportBeyondMM
            var pairs: [(Float, Int32)] = []
            for i in d.indices where d[i] <= limit { pairs.append((Float(d[i]), Int32(i))) }
            pairs.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            shells.append(TargetShell(name: t.name, voxelCount: t.voxels.count, voxels: pairs.map(\.1), distances: pairs.map(\.0)))
            if vesselVoxels.contains(where: { d[$0] < preset.marginMM + h - 1e-9 }) { vesselInMargin.append(t.name) }
            var capByLabel: [UInt8: Double] = [:]
            for v in vesselVoxels where d[v] <= limit {
                capByLabel[scene.labels[v]] = min(capByLabel[scene.labels[v]] ?? .infinity, d[v] - h)
            }
            vesselCaps.append(capByLabel.map { VesselCap(vessel: scene.labelNames[Int($0.key)], capMM: $0.value) }
                .sorted { ($0.capMM, $0.vessel) < ($1.capMM, $1.vessel) })
            var nearest = Double.infinity
            for v in t.voxels { nearest = min(nearest, vesselDistance[v]) }
            vesselDistanceToTarget.append(nearest)
        }
        centroidMM = count > 0 ? sum / Double(count) : .zero
        notHealthy = excluded
    }

    /// Predicted margin per target for a set of zones (capped at margin + reportBeyondMM): the
    /// distance of the nearest voxel the zones leave alive, less one spacing, as ZoneAnalysis
    /// measures it. Stops early once a target falls below `stopBelowMM`.
    /// `only`: score just these targets (indices into `shells`).
    func margins(_ zones: [PlacedZone], stopBelowMM: Double = -.infinity, only: [Int]? = nil) -> [Double] {
        let h = grid.spacingMM
        let selected = only.map { $0.map { shells[$0] } } ?? shells
        var out: [Double] = []
        for shell in selected {
            // Quick rejection: a live voxel in the outermost band that matters (distance in
            // [stop, stop + h)) already puts the margin below `stopBelowMM`; testing that thin band
            // first spares scanning the whole covered volume for most losing candidates.
            if stopBelowMM.isFinite {
                let low = shell.distances.partitionIndex { Double($0) < max(0, stopBelowMM) }
                let high = shell.distances.partitionIndex { Double($0) < stopBelowMM + h }
                if (low..<high).contains(where: { n in
                    let p = grid.position(ofLinear: Int(shell.voxels[n]))
                    return !zones.contains(where: { $0.contains(p) })
                }) {
                    return out + [Double](repeating: -.infinity, count: selected.count - out.count)
                }
            }
            var margin = marginMM + PlanningProblem.reportBeyondMM
            for n in shell.voxels.indices {
                let p = grid.position(ofLinear: Int(shell.voxels[n]))
                if !zones.contains(where: { $0.contains(p) }) {
                    // A target voxel left alive: incomplete (the depth is measured on the final mask).
                    margin = shell.distances[n] == 0 ? -h : Double(shell.distances[n]) - h
                    break
                }
            }
            out.append(margin)
            if margin < stopBelowMM { return out + [Double](repeating: -.infinity, count: selected.count - out.count) }
        }
        return out
    }

    /// The vessels that cap target `t`'s margin in a necrosis mask on the preset's grid: those
    /// with a living voxel at the distance of the target's nearest living voxel (so the margin
    /// equals their cap, and ablating more tissue elsewhere cannot raise it). Empty when the
    /// target is incomplete or its nearest living voxel is tissue. `metal`: an RF needle's voxels,
    /// which the estimator looks past.
    func cappingVessels(_ t: Int, necrosis: [UInt8], metal: [Int] = []) -> [String] {
        let shell = shells[t]
        let isMetal = Set(metal)
        var nearest: Float? = nil
        var names: [String] = []
        for n in shell.voxels.indices {
            let v = Int(shell.voxels[n])
            guard necrosis[v] == 0, !isMetal.contains(v) else { continue }
            let d = shell.distances[n]
            if nearest == nil {
                if d == 0 { return [] }
                nearest = d
            }
            guard d <= nearest! + 1e-4 else { break }
            let label = Int(scene.labels[v])
            if label > 0, isVesselVoxel(v), !names.contains(scene.labelNames[label]) { names.append(scene.labelNames[label]) }
        }
        return names
    }

    private func isVesselVoxel(_ v: Int) -> Bool { vesselDistance[v] == 0 }

    /// Healthy tissue the zones would ablate (mL), from every `stride`-th voxel per axis.
    func healthyML(_ zones: [PlacedZone], stride: Int = 1) -> Double {
        let g = grid
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        for z in zones { let b = z.boundingBoxMM; lo = pointwiseMin(lo, b.0); hi = pointwiseMax(hi, b.1) }
        guard let (rx, ry, rz) = g.voxelRange(coveringMin: lo, max: hi) else { return 0 }
        var count = 0
        for k in Swift.stride(from: rz.lowerBound, through: rz.upperBound, by: stride) {
            for j in Swift.stride(from: ry.lowerBound, through: ry.upperBound, by: stride) {
                for i in Swift.stride(from: rx.lowerBound, through: rx.upperBound, by: stride) {
                    let idx = g.linearIndex(i, j, k)
                    guard !notHealthy[idx] else { continue }
                    let p = g.worldPosition(i, j, k)
                    if zones.contains(where: { $0.contains(p) }) { count += 1 }
                }
            }
        }
        return Double(count * stride * stride * stride) * g.voxelVolumeMM3 / 1000
    }

    /// The surrogate's necrosis mask on the whole grid.
    func mask(_ zones: [PlacedZone]) -> [UInt8] {
        let g = grid
        var mask = [UInt8](repeating: 0, count: g.voxelCount)
        for z in zones {
            let b = z.boundingBoxMM
            guard let (rx, ry, rz) = g.voxelRange(coveringMin: b.0, max: b.1) else { continue }
            for k in rz { for j in ry { for i in rx where z.contains(g.worldPosition(i, j, k)) { mask[g.linearIndex(i, j, k)] = 1 } } }
        }
        return mask
    }

    enum PathProblem: Equatable { case vessel, avoided, tipOutside }

    /// Checks the straight path from entry to tip: every point of it at least `clearanceMM` from the
    /// vessels' voxels and touching no avoided voxel, decided exactly (`NeedlePathCheck`). `reach`:
    /// an RF electrode's conductors, which must stay a voxel inside the grid (as the preset decoder
    /// demands); counted as `tipOutside`.
    func pathProblem(entry: SIMD3<Double>, tip: SIMD3<Double>, clearanceMM: Double,
                     reach: TemplateDevice.Reach = .init()) -> PathProblem? {
        let g = grid
        guard g.contains(tip) else { return .tipOutside }
        if reach != .init() {
            let axis = (entry - tip) / ((entry - tip) * (entry - tip)).sum().squareRoot()
            let room = SIMD3<Double>(repeating: reach.lateralMM + g.spacingMM)
            for p in [tip + axis * reach.backMM, tip - axis * reach.forwardMM]
            where any(p - room .<= g.lowerCornerMM) || any(p + room .>= g.upperCornerMM) {
                return .tipOutside
            }
        }
        return pathCheck.problem(entry: entry, tip: tip, clearanceMM: clearanceMM)
    }
}

extension Array where Element == Float {
    /// First index whose element fails `below` (the array is sorted ascending).
    func partitionIndex(_ below: (Float) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if below(self[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

extension Grid3D {
    func position(ofLinear idx: Int) -> SIMD3<Double> {
        worldPosition(idx % nx, (idx / nx) % ny, idx / (nx * ny))
    }
}
