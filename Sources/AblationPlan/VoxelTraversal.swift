/// The voxels of a lattice that a straight segment runs through, in order from its start
/// (Amanatides & Woo's traversal, 1987): each visited once, with the stretch of the segment's
/// parameter spent in it. Unlike samples every half voxel, it misses no voxel the segment crosses,
/// however briefly (a clipped corner included).
enum VoxelTraversal {
    /// Walks the segment `origin + t * direction`, t in [tStart, tEnd], through the unbounded lattice
    /// of cubes of side `spacingMM` whose cube (0, 0, 0) has its lower corner at `cornerMM`, calling
    /// `visit(index, t0, t1)` per cube entered, in order; `visit` returns false to stop the walk.
    /// Returns false when a visit stopped it. Where the segment crosses an edge or a corner of the
    /// lattice exactly, one axis is stepped at a time, so some cubes touched only at that edge or
    /// corner are visited with t0 == t1 and others not: a caller that cares about touching (not
    /// only crossing) looks at the 26 neighbours, as `NeedlePathCheck` does.
    @discardableResult
    static func walk(origin a: SIMD3<Double>, direction d: SIMD3<Double>, tStart: Double, tEnd: Double,
                     cornerMM: SIMD3<Double>, spacingMM h: Double,
                     visit: (SIMD3<Int>, Double, Double) -> Bool) -> Bool {
        guard tEnd >= tStart else { return true }
        let start = (a + d * tStart - cornerMM) / h
        var index = SIMD3<Int>(Int(start.x.rounded(.down)), Int(start.y.rounded(.down)), Int(start.z.rounded(.down)))
        var step = SIMD3<Int>(repeating: 0)
        for k in 0..<3 { step[k] = d[k] > 0 ? 1 : (d[k] < 0 ? -1 : 0) }
        /// The parameter at which the segment leaves the current cube across axis k's next face.
        func exit(_ k: Int) -> Double {
            guard step[k] != 0 else { return .infinity }
            let face = cornerMM[k] + Double(index[k] + (step[k] > 0 ? 1 : 0)) * h
            return (face - a[k]) / d[k]
        }
        // Every step moves one axis by one cube: this many steps cross the whole segment (plus slack
        // for rounding at the ends).
        let span = SIMD3<Double>(abs(d.x), abs(d.y), abs(d.z)) * (tEnd - tStart) / h
        let maxSteps = Int(span.x.rounded(.up) + span.y.rounded(.up) + span.z.rounded(.up)) + 6
        var t = tStart
        for _ in 0...maxSteps {
            let exits = SIMD3<Double>(exit(0), exit(1), exit(2))
            let leave = exits.min()
            let next = max(t, min(leave, tEnd))
            if !visit(index, t, next) { return false }
            if leave >= tEnd { return true }
            let k = exits.x == leave ? 0 : (exits.y == leave ? 1 : 2)
            index[k] += step[k]
            t = next
        }
        return true
    }
}
