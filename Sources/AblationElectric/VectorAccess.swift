import AblationKernels

// AblationKernels keeps its load/store helpers internal, so this module carries its own two-line
// versions: unaligned 16-lane loads and stores at any padded index.

@inline(__always) @usableFromInline
func vload(_ p: UnsafePointer<Float>) -> Vec { UnsafeRawPointer(p).loadUnaligned(as: Vec.self) }

@inline(__always) @usableFromInline
func vstore(_ v: Vec, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec.self) }

/// Sum of the 16 lanes, added pairwise so the result does not depend on a generic reduction.
@inline(__always) @usableFromInline
func laneSum(_ v: Vec) -> Float {
    let a = v.lowHalf + v.highHalf // 8 lanes
    let b = a.lowHalf + a.highHalf // 4
    let c = b.lowHalf + b.highHalf // 2
    return c[0] + c[1]
}

/// Runs `body` on every z-plane range in parallel and returns the sum of the per-plane values in
/// plane order, so reductions give the same bits on any thread count.
@inline(__always)
func planeReduce(planes: Int, threads: Int, _ body: (Int) -> Double) -> Double {
    let sums = UnsafeMutablePointer<Double>.allocate(capacity: max(1, planes))
    defer { sums.deallocate() }
    nonisolated(unsafe) let slots = sums
    ParallelSlabs.run(planes: planes, threads: threads) { range in
        for k in range { slots[k] = body(k) }
    }
    var total = 0.0
    for k in 0..<planes { total += sums[k] }
    return total
}
