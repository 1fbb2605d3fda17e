/// Exact least squared distance (mm²) between the points `origin + t * direction`, t in [t0, t1],
/// and the closed axis-aligned box [lo, hi].
///
/// Per axis the gap to the box is lo - x(t) below it, x(t) - hi above it and 0 between, so the
/// squared distance is a sum of squares of pieces linear in t: on each interval between the t where
/// x(t) meets lo or hi (at most six inside [t0, t1]) it is one quadratic, minimised in closed form.
/// No sampling, no iteration: the result is the true minimum up to rounding (about 1e-13 mm for
/// coordinates of a few hundred mm).
func segmentBoxDistanceSquared(origin a: SIMD3<Double>, direction d: SIMD3<Double>, t0: Double, t1: Double,
                               lo: SIMD3<Double>, hi: SIMD3<Double>) -> Double {
    // The interval's ends and the crossings of the box's planes, sorted (at most 8 values; a
    // fixed-size vector keeps the hot path free of allocations).
    var cuts = SIMD8<Double>(repeating: .infinity)
    cuts[0] = t0
    cuts[1] = t1
    var count = 2
    for k in 0..<3 where d[k] != 0 {
        for side in 0..<2 {
            let t = ((side == 0 ? lo[k] : hi[k]) - a[k]) / d[k]
            if t > t0 && t < t1 { cuts[count] = t; count += 1 }
        }
    }
    for i in 1..<count {
        var j = i
        while j > 0 && cuts[j - 1] > cuts[j] { cuts.swapAt(j - 1, j); j -= 1 }
    }
    var best = Double.infinity
    for n in 0..<(count - 1) {
        let u = cuts[n], v = cuts[n + 1]
        let mid = a + d * ((u + v) / 2)
        // gap_k(t) = alpha_k + beta_k t on this interval (zero on axes where the box spans x(t)).
        var alpha = SIMD3<Double>(), beta = SIMD3<Double>()
        for k in 0..<3 {
            if mid[k] < lo[k] { alpha[k] = lo[k] - a[k]; beta[k] = -d[k] }
            else if mid[k] > hi[k] { alpha[k] = a[k] - hi[k]; beta[k] = d[k] }
        }
        let quadratic = (beta * beta).sum(), linear = 2 * (alpha * beta).sum()
        let t = quadratic > 0 ? min(v, max(u, -linear / (2 * quadratic))) : u
        // Evaluated from the gaps themselves, not the polynomial: no cancellation.
        let gap = alpha + beta * t
        best = min(best, (gap * gap).sum())
    }
    return best
}

private extension SIMD8 {
    mutating func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}
