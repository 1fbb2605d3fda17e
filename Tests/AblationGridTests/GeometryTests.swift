import AblationRandom
import Testing
@testable import AblationGrid

@Test func gridIsCentredAndVoxelCentresAreWhereTheAffineSays() {
    let g = Grid3D(centerMM: [10, -5, 3], sizeMM: [20, 10, 4], spacingMM: 0.5)
    #expect(g.shape == [40, 20, 8])
    // The centre of the box lies halfway between the two middle voxel centres.
    let mid = (g.worldPosition(19, 9, 3) + g.worldPosition(20, 10, 4)) / 2
    #expect(mid == [10, -5, 3])
    #expect(g.lowerCornerMM == [0, -10, 1])
    #expect(g.upperCornerMM == [20, 0, 5])
    #expect(g.voxel(containing: [0.1, -9.9, 1.1])! == (0, 0, 0))
    #expect(g.voxel(containing: [20.1, -5, 3]) == nil)
}

/// The sub-samples of every voxel lie on one lattice of spacing delta = h / s over the whole grid
/// (voxel centres +- (h - delta) / 2 in steps of delta), and a voxel wholly inside or outside is
/// counted exactly, so the summed fractions are delta^3 times the lattice points in the ball. Only a
/// sub-cube the sphere crosses can be misclassified, and by at most half its volume plus a curvature
/// term: a centre outside the convex ball leaves at most the half beyond the separating plane inside;
/// a centre c inside leaves outside only points c + y with c.y > -|y|^2 / 2, i.e. at most the half
/// cube plus a slab of depth rho^2 / (2 |c|) (rho = delta sqrt 3 / 2, |c| >= r - rho) across a
/// cross-section of at most sqrt 2 delta^2. The crossed sub-cubes are counted column by column here.
func misclassificationBound(_ s: Sphere, grid g: Grid3D, subsamples: Int) -> Double {
    let delta = g.spacingMM / Double(subsamples), r = s.radiusMM
    let rho = delta * 3.0.squareRoot() / 2
    let perCube = 0.5 + 2.0.squareRoot() * rho * rho / (2 * (r - rho) * delta)
    let first = g.lowerCornerMM + delta / 2
    // Lattice points first + delta n with |x - centre| <= d, per axis.
    func points(_ axis: Int, within d: Double) -> ClosedRange<Int>? {
        guard d >= 0 else { return nil }
        let lo = Int(((s.centerMM[axis] - d - first[axis]) / delta).rounded(.up))
        let hi = Int(((s.centerMM[axis] + d - first[axis]) / delta).rounded(.down))
        return lo <= hi ? lo...hi : nil
    }
    func nearFar(_ axis: Int, _ n: Int) -> (Double, Double) {
        let d = abs(first[axis] + delta * Double(n) - s.centerMM[axis])
        return (max(d - delta / 2, 0), d + delta / 2)
    }
    var crossed = 0
    guard let xs = points(0, within: r + delta), let ys = points(1, within: r + delta) else { return 0 }
    for i in xs {
        for j in ys {
            let (nx, fx) = nearFar(0, i), (ny, fy) = nearFar(1, j)
            let near = nx * nx + ny * ny, far = fx * fx + fy * fy
            guard near <= r * r else { continue }
            // Crossed: nearest corner inside (|z - zc| <= upper) and farthest outside (|z - zc| >= lower).
            let upper = (r * r - near).squareRoot() + delta / 2
            let lower = max(r * r - far, 0).squareRoot() - delta / 2
            let outer = points(2, within: upper).map(\.count) ?? 0
            let inner = lower > 0 ? (points(2, within: lower.nextDown).map(\.count) ?? 0) : 0
            crossed += outer - inner
        }
    }
    return Double(crossed) * perCube * pow(delta, 3)
}

@Test(arguments: [0.0, 0.13, 0.25, 0.41])
func sphereFractionsAddUpToItsVolume(offset: Double) {
    // Whatever way the surface cuts the voxels, the summed fractions are the volume to within the
    // sub-cubes the surface crosses (misclassificationBound): a worst case, about 5 % here.
    let g = Grid3D(centerMM: [0, 0, 0], sizeMM: [20, 20, 20], spacingMM: 0.5)
    let s = Sphere(centerMM: [offset, -offset / 2, offset / 3], radiusMM: 3.3)
    let v = VoxelizedShape(shape: s, grid: g, subsamples: 8)
    let exact = 4.0 / 3.0 * Double.pi * pow(3.3, 3)
    let error = abs(v.voxelVolume * g.voxelVolumeMM3 - exact), bound = misclassificationBound(s, grid: g, subsamples: 8)
    print(String(format: "sphere fractions, offset %.2f: error %.2e, bound %.2e of the volume", offset, error / exact, bound / exact))
    #expect(error <= bound, "error \(error / exact), bound \(bound / exact) of the volume")
}

/// The typical error is far below that worst case because the misclassified parts cancel. Over a
/// uniformly random offset of the sphere the expected lattice count is exactly the volume / delta^3,
/// and its variance is Kendall's sum (Q. J. Math. 1948;19:1) over the non-zero dual lattice vectors k
/// of the squared Fourier transform of the ball: (4/3 pi r^3)^2 sum (3 j1(q) / q)^2, q = 2 pi r |k| / delta.
/// So the mean relative error of N random offsets is 0 with standard deviation sigma / sqrt N, and
/// a bias of the partial-volume rule (a wrong shortcut for whole voxels, sub-samples off their
/// lattice) shows at 4 sigma / sqrt N: 3e-5 here.
@Test func sphereFractionsAreUnbiasedOverGridOffsets() {
    let g = Grid3D(centerMM: [0, 0, 0], sizeMM: [20, 20, 20], spacingMM: 0.5)
    let r = 3.3, delta = 0.5 / 8
    var variance = 0.0
    let kMax = 40   // the terms fall as |k|^-4: the rest is below 1e-10 of the sum's square root
    for a in -kMax...kMax { for b in -kMax...kMax { for c in -kMax...kMax where a != 0 || b != 0 || c != 0 {
        let q = 2 * Double.pi * r * Double(a * a + b * b + c * c).squareRoot() / delta
        let j1 = sin(q) / (q * q) - cos(q) / q
        variance += 9 * j1 * j1 / (q * q)
    } } }
    let sigma = variance.squareRoot()
    // Offsets uniform over one voxel, a whole number of lattice cells, from the project's seeded generator.
    var rng = SplitMix64(seed: 2026)
    func uniform() -> Double { rng.nextUnitDouble() }
    let n = 64, exact = 4.0 / 3.0 * Double.pi * pow(r, 3) / g.voxelVolumeMM3
    var sum = 0.0, squares = 0.0
    for _ in 0..<n {
        let centre = SIMD3(uniform(), uniform(), uniform()) * g.spacingMM
        let e = VoxelizedShape(shape: Sphere(centerMM: centre, radiusMM: r), grid: g, subsamples: 8).voxelVolume / exact - 1
        sum += e
        squares += e * e
    }
    let mean = sum / Double(n), rms = (squares / Double(n)).squareRoot()
    print(String(format: "sphere fractions over %d offsets: mean %.2e, rms %.2e; Kendall sigma %.2e", n, mean, rms, sigma))
    #expect(abs(mean) <= 4 * sigma / Double(n).squareRoot(), "mean \(mean), sigma \(sigma)")
}

@Test func shapeDistancesHaveTheRightSign() {
    let c = Cylinder(startMM: [0, 0, -5], endMM: [0, 0, 5], radiusMM: 2)
    #expect(c.signedDistance([0, 0, 0]) == -2)
    #expect(abs(c.signedDistance([3, 0, 0]) - 1) < 1e-12)
    #expect(abs(c.signedDistance([0, 0, 7]) - 2) < 1e-12)
    let b = Box(minMM: [-1, -1, -1], maxMM: [1, 2, 3])
    #expect(b.contains([0.5, 1.5, 2.5]))
    #expect(!b.contains([0.5, 2.5, 2.5]))
    let e = Ellipsoid(centerMM: [0, 0, 0], semiAxesMM: [4, 2, 1], axes: ([0, 1, 0], [1, 0, 0], [0, 0, 1]))
    #expect(e.contains([0, 3.9, 0]) && !e.contains([3.9, 0, 0]))
    let (lo, hi) = e.boundingBoxMM
    #expect(abs(hi.y - 4) < 1e-12 && abs(lo.x + 2) < 1e-12)
}

import Foundation
