/// Which rows can change, so that steps skip the quiescent far field exactly.
///
/// A row's update depends only on itself, its four neighbouring rows, its coefficients, its
/// source and dt. If none of those changed during the last step, the update reproduces the last
/// result bit for bit, and since that result also equals the value two steps back (the one the
/// ping-pong destination still holds), skipping the row leaves the destination correct. Far from
/// the applicators temperatures stay at exactly 37.0 (increments below half an ulp round away),
/// so most of the volume is skipped for most of a treatment.
///
/// Callers must mark every row active whenever dt, sources or coefficients change (`markAll`,
/// `mark(rows:)`).
public final class RowActivity: @unchecked Sendable {
    // @unchecked: workers write `changed` for disjoint rows; propagation runs between steps.
    public let layout: PaddedLayout
    /// Per row: compute this row in the next step.
    public let active: AlignedBuffer<UInt8>
    /// Per row: the last step changed at least one voxel (written by the kernel).
    public let changed: AlignedBuffer<UInt8>
    /// Per row: changed at least once since the last damage sample.
    public let changedSinceSample: AlignedBuffer<UInt8>

    public init(layout: PaddedLayout) {
        self.layout = layout
        active = AlignedBuffer(count: max(1, layout.rowCount), repeating: 1)
        changed = AlignedBuffer(count: max(1, layout.rowCount), repeating: 1)
        changedSinceSample = AlignedBuffer(count: max(1, layout.rowCount), repeating: 1)
    }

    public func markAll() {
        active.fill(1)
        changedSinceSample.fill(1)
    }

    public func mark(rows: some Sequence<Int>) {
        for r in rows {
            active[r] = 1
            changedSinceSample[r] = 1
        }
    }

    /// Marks the rows whose flag (one per row) is non-zero.
    public func mark(flags: AlignedBuffer<UInt8>) {
        precondition(flags.count >= layout.rowCount, "one flag per row")
        let f = UnsafePointer(flags.pointer), a = active.pointer, s = changedSinceSample.pointer
        for r in 0..<layout.rowCount where f[r] != 0 {
            a[r] = 1
            s[r] = 1
        }
    }

    /// After a step: a row is active next if it or a neighbouring row changed.
    public func propagate() {
        let L = layout
        let c = changed.pointer, a = active.pointer, s = changedSinceSample.pointer
        for k in 0..<L.nz {
            for j in 0..<L.ny {
                let r = L.row(j, k)
                var any = c[r]
                if j > 0 { any |= c[r - 1] }
                if j + 1 < L.ny { any |= c[r + 1] }
                if k > 0 { any |= c[r - L.ny] }
                if k + 1 < L.nz { any |= c[r + L.ny] }
                a[r] = any
                s[r] |= c[r]
            }
        }
    }

    /// Fraction of rows the next step will compute.
    public var activeFraction: Double {
        var n = 0
        for r in 0..<layout.rowCount { n += Int(active[r]) }
        return Double(n) / Double(max(1, layout.rowCount))
    }
}
