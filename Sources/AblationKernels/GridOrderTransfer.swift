/// Moves interior values between a padded field and a plain grid-order array (x fastest, no ghosts
/// or padding), the form the microwave model reads and writes, one slab of planes per worker.
///
/// The microwave model is updated every few seconds of simulated time over the whole grid; done
/// serially into freshly allocated arrays, these transfers and their page faults were a visible
/// share of a 160³ run.
extension PaddedLayout {
    /// Copies the interior of `field` into `out` (voxelCount values, grid order).
    public func gather(_ field: AlignedBuffer<Float>, into out: inout [Float], threads: Int) {
        precondition(field.count == count && out.count == voxelCount, "gather: field sizes")
        let source = UnsafePointer(field.pointer)
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let destination = buffer.baseAddress!
            ParallelSlabs.run(planes: nz, threads: threads) { planes in
                for k in planes { for j in 0..<ny {
                    (destination + (j + ny * k) * nx).update(from: source + index(0, j, k), count: nx)
                } }
            }
        }
    }

    /// Adds `values` (voxelCount values, grid order) to the interior of `field`.
    public func add(_ values: [Float], to field: AlignedBuffer<Float>, threads: Int) {
        precondition(field.count == count && values.count == voxelCount, "add: field sizes")
        nonisolated(unsafe) let destination = field.pointer
        values.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let source = buffer.baseAddress!
            ParallelSlabs.run(planes: nz, threads: threads) { planes in
                for k in planes { for j in 0..<ny {
                    let d = destination + index(0, j, k), s = source + (j + ny * k) * nx
                    for i in 0..<nx { d[i] += s[i] }
                } }
            }
        }
    }
}
