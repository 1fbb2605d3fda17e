import AblationRandom
import Testing
@testable import AblationKernels

/// A block of uniform tissue with a heterogeneous inclusion, random temperatures and a source
/// in part of the volume: exercises both the uniform-row and the general-row SIMD paths.
func makeOperator(nx: Int, ny: Int, nz: Int, seed: UInt64) -> (PennesOperator, AlignedBuffer<Float>) {
    var rng = SplitMix64(seed: seed)
    let L = PaddedLayout(nx: nx, ny: ny, nz: nz)
    let op = PennesOperator(layout: L)
    let h: Float = 5e-4
    var k = [Float](repeating: 0.52, count: L.count)
    for kk in 0..<nz { for j in 0..<ny { for i in 0..<nx where i > nx / 2 && j > ny / 3 && kk < nz / 2 {
        k[L.index(i, j, kk)] = Float.random(in: 0.4...0.6, using: &rng)
    } } }
    for kk in -1...nz { for j in -1...ny { for i in -1...nx {
        let idx = L.index(i, j, kk)
        func kk0(_ a: Int) -> Float { k[a] == 0 ? 0.52 : k[a] }
        func face(_ a: Int, _ b: Int) -> Float { let x = kk0(a), y = kk0(b); return 2 * x * y / (x + y) / (h * h) }
        if i < nx { op.gx[idx] = face(idx, idx + 1) }
        if j < ny { op.gy[idx] = face(idx, idx + L.strideY) }
        if kk < nz { op.gz[idx] = face(idx, idx + L.strideZ) }
        if i >= 0, j >= 0, kk >= 0, i < nx, j < ny, kk < nz {
            op.inverseHeatCapacity[idx] = 1 / 3.8e6
            op.perfusion[idx] = 2.4e4
            op.baseSource[idx] = 2.4e4 * 37
            if i < nx / 3 && j < ny / 2 { op.externalSource[idx] = Float.random(in: 0...5e6, using: &rng) }
        }
    } } }
    op.classifyRows()
    let T = AlignedBuffer<Float>(count: L.count, repeating: 37)
    for kk in 0..<nz { for j in 0..<ny { for i in 0..<nx { T[L.index(i, j, kk)] = Float.random(in: 30...90, using: &rng) } } }
    return (op, T)
}

@Test(arguments: [(16, 8, 5), (21, 7, 6), (37, 19, 11), (3, 2, 1)])
func simdStepMatchesScalarTwin(dims: (Int, Int, Int)) {
    let (op, T) = makeOperator(nx: dims.0, ny: dims.1, nz: dims.2, seed: 42)
    let L = op.layout
    #expect(op.uniformCoefficients.count >= 1 || dims.0 < 4)
    let a = AlignedBuffer<Float>(count: L.count, repeating: -1)
    let b = AlignedBuffer<Float>(count: L.count, repeating: -1)
    let dt = Float(op.stableTimeStep()) * 0.9
    op.step(from: T, to: a, dt: dt, planes: 0..<L.nz)
    op.referenceStep(from: T, to: b, dt: dt, planes: 0..<L.nz)
    var worst: Float = 0
    for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
        let idx = L.index(i, j, k)
        worst = max(worst, abs(a[idx] - b[idx]))
    } } }
    // Temperatures are O(100); a few ulps of that is ~1e-5.
    #expect(worst < 4e-5, "SIMD and scalar kernels differ by \(worst) K")
    // Ghosts and padding are never written by the blended tail.
    #expect(a[L.index(-1, 0, 0)] == -1 && a[L.index(L.nx, 0, 0)] == -1)
}

@Test func uniformRowsAreFoundAndHeterogeneousRowsAreNot() {
    let (op, _) = makeOperator(nx: 32, ny: 12, nz: 8, seed: 1)
    let L = op.layout
    // Row far from the inclusion: uniform. Row through the inclusion: general.
    #expect(op.rowClass[L.row(1, 6)] >= 0)
    #expect(op.rowClass[L.row(8, 1)] == -1)
}

@Test func slabsSplitEveryPlaneExactlyOnce() {
    for planes in [1, 2, 7, 160] {
        for threads in 1...5 {
            var seen = [Int](repeating: 0, count: planes)
            let workers = max(1, min(threads, planes))
            for w in 0..<workers { for p in ParallelSlabs.slab(w, of: workers, planes: planes) { seen[p] += 1 } }
            #expect(seen.allSatisfy { $0 == 1 })
        }
    }
}

@Test func threadedStepEqualsSingleThreaded() {
    let (op, T) = makeOperator(nx: 20, ny: 9, nz: 13, seed: 7)
    let L = op.layout
    let one = AlignedBuffer<Float>(count: L.count, repeating: 0)
    let two = AlignedBuffer<Float>(count: L.count, repeating: 0)
    op.step(from: T, to: one, dt: 0.1, planes: 0..<L.nz)
    ParallelSlabs.run(planes: L.nz, threads: 3) { op.step(from: T, to: two, dt: 0.1, planes: $0) }
    for i in 0..<L.count { #expect(one[i] == two[i]); if one[i] != two[i] { break } }
}

/// Skipping rows whose inputs did not change must give bit-identical fields, including when the
/// source switches off half-way (every row marked active again).
@Test func rowSkippingIsExact() {
    let L = PaddedLayout(nx: 40, ny: 30, nz: 24)
    let op = PennesOperator(layout: L)
    let h: Float = 5e-4
    for k in -1..<L.nz { for j in -1..<L.ny { for i in -1..<L.nx {
        let idx = L.index(i, j, k)
        if j >= 0, k >= 0 { op.gx[idx] = 0.52 / (h * h) }
        if i >= 0, k >= 0 { op.gy[idx] = 0.52 / (h * h) }
        if i >= 0, j >= 0 { op.gz[idx] = 0.52 / (h * h) }
    } } }
    for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
        let idx = L.index(i, j, k)
        op.inverseHeatCapacity[idx] = 1 / 3.8e6
        op.perfusion[idx] = 2.4e4
        op.baseSource[idx] = 2.4e4 * 37
    } } }
    func switchSource(on: Bool) {
        for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx where abs(i - 20) < 3 && abs(j - 15) < 3 && abs(k - 12) < 3 {
            op.externalSource[L.index(i, j, k)] = on ? 4e7 : 0
        } } }
        op.markSourceRows()
    }
    op.classifyRows()
    let dt = Float(op.stableTimeStep()) * 0.95
    func run(skipping: Bool) -> AlignedBuffer<Float> {
        var a = AlignedBuffer<Float>(count: L.count, repeating: 37)
        var b = AlignedBuffer<Float>(count: L.count, repeating: 37)
        let activity = RowActivity(layout: L)
        var activeSeen = 1.0
        switchSource(on: true)
        for n in 0..<120 {
            if n == 60 {
                switchSource(on: false)
                activity.markAll()
            }
            op.step(from: a, to: b, dt: dt, planes: 0..<L.nz, activity: skipping ? activity : nil)
            if skipping { activity.propagate(); activeSeen = min(activeSeen, activity.activeFraction) }
            swap(&a, &b)
        }
        if skipping { #expect(activeSeen < 0.5, "the far field should be skipped early on") }
        return a
    }
    let full = run(skipping: false), skipped = run(skipping: true)
    var identical = true
    for i in 0..<L.count where full[i] != skipped[i] { identical = false; break }
    #expect(identical)
}

@Test func bandedSweepEqualsUnbandedSweep() {
    let (op, T) = makeOperator(nx: 21, ny: 17, nz: 9, seed: 11)
    let L = op.layout
    let a = AlignedBuffer<Float>(count: L.count, repeating: 0)
    let b = AlignedBuffer<Float>(count: L.count, repeating: 0)
    op.step(from: T, to: a, dt: 0.2, planes: 0..<L.nz)
    op.rowBandLimit = 4
    #expect(op.rowBand == 4)
    op.step(from: T, to: b, dt: 0.2, planes: 0..<L.nz)
    var same = true
    for i in 0..<L.count where a[i] != b[i] { same = false; break }
    #expect(same)
}
