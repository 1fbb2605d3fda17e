import Dispatch

/// Splits z-planes into contiguous slabs, one per worker, and runs them concurrently.
/// Contiguous slabs keep each worker's stencil planes in its own cache.
public enum ParallelSlabs {
    public static func run(planes: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let workers = max(1, min(threads, planes))
        if workers == 1 { body(0..<planes); return }
        // The body only touches disjoint slabs of shared buffers; concurrentPerform returns after
        // every iteration has finished, so nothing escapes.
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            work(slab(w, of: workers, planes: planes))
        }
    }

    /// Runs slabs concurrently and returns each worker's result in slab order.
    public static func map<R>(planes: Int, threads: Int, _ body: (Range<Int>) -> R) -> [R] {
        let workers = max(1, min(threads, planes))
        if workers == 1 { return [body(0..<planes)] }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: workers)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let work = body
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            slots[w] = work(slab(w, of: workers, planes: planes))
        }
        return results.map { $0! }
    }

    /// Worker `w`'s planes: the split every parallel pass uses, so that sums grouped by slab keep their bits.
    public static func slab(_ w: Int, of workers: Int, planes: Int) -> Range<Int> {
        (planes * w / workers)..<(planes * (w + 1) / workers)
    }
}
