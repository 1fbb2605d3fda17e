import AblationGrid

/// Whether a straight needle path (the segment tip -> entry) keeps `planning.clearance_mm` from every
/// vessel and stays out of every avoided region, decided exactly for every point of the segment.
///
/// *What a vessel is here.* The vessel is the union of its voxels' closed cubes (side one spacing h,
/// centred on the voxel centres): a region owns the voxels whose centres it contains, so these cubes
/// are the vessel as the simulation sees it, and their outer faces are its surface. A path's clearance
/// is the least Euclidean distance from any point of the segment to that union (0 if it touches or
/// enters it). `PlanningProblem.vesselDistance` (DistanceTransform) is another quantity: the exact
/// Euclidean distance between voxel *centres*. A vessel cube's surface lies between h/2 (across a face)
/// and h·√3/2 (towards a corner) nearer than its centre, so no fixed offset turns one into the other;
/// the earlier rule (the centre distance of the voxel holding each half-voxel sample at least
/// clearance + h/2) let a path pass up to about a voxel closer than asked.
///
/// *How.* The segment is walked voxel by voxel (`VoxelTraversal`) on the grid extended by
/// ceil(clearance / h) + 1 voxels on every side (a point further out is more than the clearance from
/// every voxel of the grid). For the piece of the segment inside one voxel's cube:
/// 1. `cubeDistance` of that voxel, the exact distance between its cube and the vessel, is a lower bound
///    for every point of the piece: if it reaches the clearance the piece is safe. This settles all
///    pieces but those within about a voxel of the limit, at one look-up each.
/// 2. The centre distance gives an upper bound: the nearest vessel centre lies at `vesselDistance`,
///    and its cube holds the ball of radius h/2 around it, so the vessel lies within
///    vesselDistance - h/2 of the voxel's centre, and within that plus the centre's distance to the
///    piece of the piece. Below the clearance, the path is refused without further work.
/// 3. Otherwise the exact least distance from the piece to each vessel cube that could lie within the
///    clearance (those whose cube-to-cube distance to this voxel is below it) decides
///    (`segmentBoxDistanceSquared`, closed form).
/// The bounds only save work: the decision is the exact one, so the check is neither lax nor stricter
/// than asked. A path is refused when some point of it comes nearer than clearance + `roundingGuardMM`
/// to a vessel cube; the guard (a nanometre, far above the arithmetic's rounding of about 1e-13 mm)
/// keeps rounding from accepting a path exactly at or a hair inside the limit. With a clearance of 0
/// a path that touches or enters a vessel voxel is therefore still refused.
///
/// An avoided region is refused in the same exact way: a path is refused when it comes within
/// `roundingGuardMM` of any avoided voxel's cube (it touches or crosses it, a clipped corner included).
/// The cubes a piece can touch are its voxel's and its 26 neighbours'.
struct NeedlePathCheck {
    let grid: Grid3D
    /// Distance between voxel centres, from each voxel to the nearest vessel voxel (DistanceTransform).
    let vesselDistance: [Double]
    /// Exact distance from each voxel's cube to the union of vessel cubes (infinite without vessels).
    let cubeDistance: [Double]
    let isVessel: [Bool]
    let avoided: [Bool]
    /// Avoided voxels and their 26 neighbours: where a piece of the path must be looked at closely.
    let nearAvoided: [Bool]
    let hasAvoided: Bool
    let hasVessel: Bool

    static let roundingGuardMM = 1e-9

    init(grid g: Grid3D, isVessel: [Bool], vesselDistance: [Double], avoided: [Bool]) {
        grid = g
        self.isVessel = isVessel
        self.vesselDistance = vesselDistance
        self.avoided = avoided
        hasAvoided = avoided.contains(true)
        hasVessel = isVessel.contains(true)
        nearAvoided = hasAvoided ? NeedlePathCheck.dilated(avoided, g) : avoided
        if hasVessel {
            // Two cubes of side h whose centres lie (di, dj, dk) voxels apart are
            // h * |(max(|di| - 1, 0), ...)| apart, and for whole numbers max(|n| - 1, 0) is the least
            // |n - e| over e in {-1, 0, 1}: so the cube-to-cube distance to the nearest vessel cube is the
            // centre-to-centre distance transform of the vessel dilated by its 26 neighbours. (The best
            // e always keeps the dilated voxel inside the grid, so the grid's edge changes nothing.)
            let grown = NeedlePathCheck.dilated(isVessel, g)
            cubeDistance = DistanceTransform.distances(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: g.spacingMM) { grown[$0] }
        } else {
            cubeDistance = [Double](repeating: .infinity, count: g.voxelCount)
        }
    }

    /// The first problem met walking from `tip` to `entry`, or nil for a safe path. `tip` lies in the grid.
    func problem(entry: SIMD3<Double>, tip: SIMD3<Double>, clearanceMM: Double) -> PlanningProblem.PathProblem? {
        guard hasVessel || hasAvoided else { return nil }
        let g = grid, h = g.spacingMM
        let limit = clearanceMM + NeedlePathCheck.roundingGuardMM
        let pad = Double(Int((limit / h).rounded(.up)) + 1)
        let lo = g.lowerCornerMM, hi = g.upperCornerMM
        let outerLo = lo - pad * h, outerHi = hi + pad * h
        let d = entry - tip
        // The part of the segment within the extended grid (the tip is inside the grid itself).
        var tEnd = 1.0
        for k in 0..<3 where d[k] != 0 {
            tEnd = min(tEnd, ((d[k] > 0 ? outerHi[k] : outerLo[k]) - tip[k]) / d[k])
        }
        let n = SIMD3<Int>(g.nx, g.ny, g.nz)
        // A vessel cube (di, dj, dk) voxels away is h * |max(|di| - 1, 0), ...| from this voxel's cube:
        // below the limit only for offsets up to ceil(limit / h) on every axis.
        let reach = Int((limit / h).rounded(.up))
        var found: PlanningProblem.PathProblem? = nil
        VoxelTraversal.walk(origin: tip, direction: d, tStart: 0, tEnd: max(0, tEnd), cornerMM: lo, spacingMM: h) { c, t0, t1 in
            let clamped = pointwiseMax(SIMD3<Int>(repeating: 0), pointwiseMin(c, n &- 1))
            let inside = clamped == c
            let idx = g.linearIndex(clamped.x, clamped.y, clamped.z)
            if hasVessel, tooClose(c, clamped: clamped, inside: inside, idx: idx, tip: tip, d: d, t0: t0, t1: t1, limit: limit, reach: reach) {
                found = .vessel
                return false
            }
            if hasAvoided, touchesAvoided(c, inside: inside, idx: idx, tip: tip, d: d, t0: t0, t1: t1) {
                found = .avoided
                return false
            }
            return true
        }
        return found
    }

    /// Whether the piece t0...t1 inside lattice cube `c` (possibly outside the grid; `clamped` is the
    /// nearest grid voxel) comes nearer than `limit` to a vessel cube.
    private func tooClose(_ c: SIMD3<Int>, clamped: SIMD3<Int>, inside: Bool, idx: Int, tip: SIMD3<Double>, d: SIMD3<Double>,
                          t0: Double, t1: Double, limit: Double, reach: Int) -> Bool {
        let g = grid, h = g.spacingMM
        // 1. Lower bound. Outside the grid, the cube shifted onto the nearest grid voxel: the distance to
        // the vessel changes by at most the shift (it is 1-Lipschitz).
        let shift = SIMD3<Double>(c &- clamped) * h
        if cubeDistance[idx] - (shift * shift).sum().squareRoot() >= limit { return false }
        // 2. Upper bound (inside the grid, where the centre distance is known).
        if inside {
            let centre = g.worldPosition(c.x, c.y, c.z)
            let toCentre = segmentBoxDistanceSquared(origin: tip, direction: d, t0: t0, t1: t1, lo: centre, hi: centre).squareRoot()
            if vesselDistance[idx] == 0 || vesselDistance[idx] - h / 2 + toCentre < limit { return true }
        }
        // 3. Exact: every vessel cube whose cube-to-cube distance to this one is below the limit.
        let r = reach
        for dk in -r...r {
            let k = c.z + dk
            guard k >= 0, k < g.nz else { continue }
            for dj in -r...r {
                let j = c.y + dj
                guard j >= 0, j < g.ny else { continue }
                for di in -r...r {
                    let i = c.x + di
                    guard i >= 0, i < g.nx else { continue }
                    let v = g.linearIndex(i, j, k)
                    guard isVessel[v] else { continue }
                    let gaps = SIMD3<Double>(Double(max(abs(di) - 1, 0)), Double(max(abs(dj) - 1, 0)), Double(max(abs(dk) - 1, 0))) * h
                    guard (gaps * gaps).sum() < limit * limit else { continue }
                    let centre = g.worldPosition(i, j, k)
                    let d2 = segmentBoxDistanceSquared(origin: tip, direction: d, t0: t0, t1: t1, lo: centre - h / 2, hi: centre + h / 2)
                    if d2 < limit * limit { return true }
                }
            }
        }
        return false
    }

    /// Whether the piece t0...t1 inside lattice cube `c` touches an avoided voxel's cube: its own or a
    /// neighbour's (a piece lies in its cube, which touches only those 27).
    private func touchesAvoided(_ c: SIMD3<Int>, inside: Bool, idx: Int, tip: SIMD3<Double>, d: SIMD3<Double>,
                                t0: Double, t1: Double) -> Bool {
        let g = grid, h = g.spacingMM
        if inside && !nearAvoided[idx] { return false }
        let guardMM = NeedlePathCheck.roundingGuardMM
        for dk in -1...1 {
            for dj in -1...1 {
                for di in -1...1 {
                    let i = c.x + di, j = c.y + dj, k = c.z + dk
                    guard i >= 0, j >= 0, k >= 0, i < g.nx, j < g.ny, k < g.nz, avoided[g.linearIndex(i, j, k)] else { continue }
                    let centre = g.worldPosition(i, j, k)
                    if segmentBoxDistanceSquared(origin: tip, direction: d, t0: t0, t1: t1, lo: centre - h / 2, hi: centre + h / 2) < guardMM * guardMM {
                        return true
                    }
                }
            }
        }
        return false
    }

    /// `mask` grown by its 26 neighbours (a 3 x 3 x 3 box), one axis at a time.
    static func dilated(_ mask: [Bool], _ g: Grid3D) -> [Bool] {
        var out = mask
        for (count, stride) in [(g.nx, 1), (g.ny, g.nx), (g.nz, g.nx * g.ny)] {
            let source = out
            for i in source.indices where source[i] {
                let q = (i / stride) % count
                if q > 0 { out[i - stride] = true }
                if q < count - 1 { out[i + stride] = true }
            }
        }
        return out
    }
}
