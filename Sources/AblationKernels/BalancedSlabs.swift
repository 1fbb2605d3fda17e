import Dispatch

/// Slabs cut by work instead of by plane count.
///
/// The stepping kernels skip quiet rows (RowActivity), so during a treatment the work sits in the
/// planes around the applicator and equal plane counts leave one worker with most of it: a 160³
/// microwave run spent 55 % more time stepping in one slab than in the other. Cutting where the
/// cumulative weight crosses each worker's share keeps slabs contiguous (the stencil still streams
/// whole planes) and gives each worker about the same work. Only callers whose per-voxel results do
/// not depend on the split use this: a split that moves with the weights would otherwise change
/// the order of reductions from step to step.
extension ParallelSlabs {
    /// Contiguous slabs covering 0..<planes, one per worker, with about equal total `weight`
    /// (per plane, not negative). Every plane also weighs a little, so an all-zero weight gives
    /// the even split.
    public static func balanced(planes: Int, threads: Int, weight: (Int) -> Double) -> [Range<Int>] {
        let workers = max(1, min(threads, planes))
        if workers == 1 { return [0..<planes] }
        var cumulative = [Double](repeating: 0, count: planes + 1)
        for k in 0..<planes { cumulative[k + 1] = cumulative[k] + weight(k) + 1e-3 }
        let total = cumulative[planes]
        var slabs: [Range<Int>] = []
        var start = 0
        for w in 1..<workers {
            let target = total * Double(w) / Double(workers)
            var end = start
            while end < planes && cumulative[end + 1] <= target { end += 1 }
            // The plane that crosses the target goes to whichever side leaves the cut closer to it.
            if end < planes && target - cumulative[end] > cumulative[end + 1] - target { end += 1 }
            slabs.append(start..<end)
            start = end
        }
        slabs.append(start..<planes)
        return slabs
    }

    /// Runs `body` on each slab concurrently.
    public static func run(slabs: [Range<Int>], _ body: (Range<Int>) -> Void) {
        if slabs.count == 1 { body(slabs[0]); return }
        // Slabs are disjoint; concurrentPerform returns after every iteration has finished.
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: slabs.count) { w in work(slabs[w]) }
    }

    /// Runs `body` on each slab concurrently (with the slab's number) and returns the results in slab order.
    public static func map<R>(slabs: [Range<Int>], _ body: (Int, Range<Int>) -> R) -> [R] {
        if slabs.count == 1 { return [body(0, slabs[0])] }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: slabs.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let work = body
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: slabs.count) { w in slots[w] = work(w, slabs[w]) }
        return results.map { $0! }
    }
}

extension RowActivity {
    /// Slabs with about equal numbers of rows flagged in `flags` (one per row), a row of class
    /// `general` in `op` (a row that reads all coefficient arrays) counting `generalCost` rows.
    public func slabs(threads: Int, flags: AlignedBuffer<UInt8>, op: PennesOperator? = nil, generalCost: Double = 1) -> [Range<Int>] {
        let L = layout
        let f = UnsafePointer(flags.pointer)
        let cls = op.map { UnsafePointer($0.rowClass.pointer) }
        // Called every step: branch-free counts the compiler can vectorise (a row-by-row loop with
        // an optional lookup took 3 % of a microwave run's CPU).
        return ParallelSlabs.balanced(planes: L.nz, threads: threads) { k in
            let rows = (k * L.ny)..<((k + 1) * L.ny)
            var n = 0, general = 0
            if let cls {
                for r in rows {
                    let on = f[r] != 0 ? 1 : 0
                    n &+= on
                    general &+= cls[r] < 0 ? on : 0
                }
            } else {
                for r in rows { n &+= f[r] != 0 ? 1 : 0 }
            }
            return Double(n - general) + generalCost * Double(general)
        }
    }
}
