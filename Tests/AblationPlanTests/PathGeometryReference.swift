import AblationGrid
import AblationRandom

// Independent references for needle paths against voxel cubes, by brute force: every cube is looked
// at, and the least distance along the segment is found by golden-section search on a convex
// function, with no closed form or voxel walk shared with the planner's NeedlePathCheck.

/// Distance from a point to the closed cube of side `h` centred on `c` (per axis, the gap beyond the
/// half side; zero inside).
func pointCubeDistance(_ p: SIMD3<Double>, centre c: SIMD3<Double>, side h: Double) -> Double {
    let q = p - c
    let gap = SIMD3<Double>(max(abs(q.x) - h / 2, 0), max(abs(q.y) - h / 2, 0), max(abs(q.z) - h / 2, 0))
    return (gap * gap).sum().squareRoot()
}

/// Least distance from the segment a -> b to one cube. The distance to a convex set along a line is
/// a convex function of the line's parameter, so golden-section search brackets its minimum; 120
/// rounds shrink the bracket by 0.618^120 (about 1e-25), far below a double's resolution, so the
/// result is the minimum to rounding (about 1e-13 mm on these lengths).
func segmentCubeDistance(_ a: SIMD3<Double>, _ b: SIMD3<Double>, centre: SIMD3<Double>, side h: Double) -> Double {
    func f(_ t: Double) -> Double { pointCubeDistance(a + (b - a) * t, centre: centre, side: h) }
    let r = (5.0.squareRoot() - 1) / 2
    var lo = 0.0, hi = 1.0
    var x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo)
    var f1 = f(x1), f2 = f(x2)
    for _ in 0..<120 {
        if f1 <= f2 { hi = x2; x2 = x1; f2 = f1; x1 = hi - r * (hi - lo); f1 = f(x1) }
        else { lo = x1; x1 = x2; f1 = f2; x2 = lo + r * (hi - lo); f2 = f(x2) }
    }
    return min(f(0), f(1), f1, f2, f((lo + hi) / 2))
}

/// Distance from a point to the segment a -> b (projection, clamped).
func pointSegmentDistance(_ p: SIMD3<Double>, _ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
    let ab = b - a
    let l2 = (ab * ab).sum()
    let s = l2 > 0 ? min(1, max(0, ((p - a) * ab).sum() / l2)) : 0
    let d = p - (a + s * ab)
    return (d * d).sum().squareRoot()
}

/// Least distance from the segment a -> b to the union of cubes of side `h` centred on `centres`,
/// exact where it is below `within`; `.infinity` means at least `within`. A cube lies within
/// h * sqrt(3) / 2 of its centre, so cubes whose centre is farther than that beyond `within` are
/// skipped without changing any result below `within`.
func segmentCubesDistance(_ a: SIMD3<Double>, _ b: SIMD3<Double>, centres: [SIMD3<Double>], side h: Double,
                          within: Double) -> Double {
    var best = Double.infinity
    let reach = within + h * 3.0.squareRoot() / 2
    for c in centres where pointSegmentDistance(c, a, b) < reach {
        best = min(best, segmentCubeDistance(a, b, centre: c, side: h))
    }
    return best < within ? best : .infinity
}

/// Voxel centres of `grid` inside a capped cylinder (a region owns the voxels whose centres it contains).
func cylinderVoxelCentres(_ grid: Grid3D, start: SIMD3<Double>, end: SIMD3<Double>, radiusMM: Double) -> [SIMD3<Double>] {
    let axis = end - start
    let length = (axis * axis).sum().squareRoot()
    let u = axis / length
    var out: [SIMD3<Double>] = []
    for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
        let p = grid.worldPosition(i, j, k)
        let t = ((p - start) * u).sum()
        let radial = p - start - t * u
        if t >= 0, t <= length, (radial * radial).sum() <= radiusMM * radiusMM { out.append(p) }
    } } }
    return out
}
