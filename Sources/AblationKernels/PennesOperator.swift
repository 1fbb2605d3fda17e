/// Coefficients of the discrete Pennes operator on a padded grid, and the explicit time step.
///
/// With face conductances g (k at the face / h², W/m³/K), perfusion coefficient w = w_b rho_b c_b
/// (W/m³/K), base source s0 = w T_a + Q_met and external heat q (W/m³), one explicit Euler step is
///
///     T' = T + dt / (rho c) * ( sum_faces g (T_nb - T) + s0 + q - w T )
///
/// Face arrays hold the face on the + side of a voxel: gx[idx] couples idx and idx + 1. Faces to
/// ghost voxels use the interior voxel's conductivity, so a Dirichlet ghost sits one spacing away.
///
/// Rows (fixed j, k) whose voxels and four neighbouring rows share one material are marked uniform:
/// the SIMD kernel then reads only T and, where the row has any, q — 12 to 16 bytes per update
/// instead of 36. The scalar reference ignores the marks and always reads the full arrays, so tests
/// that compare the two also check the classification.
public final class PennesOperator: @unchecked Sendable {
    // @unchecked: worker threads read the coefficients and write disjoint slabs of the output field.
    public let layout: PaddedLayout
    public let gx, gy, gz: AlignedBuffer<Float>
    public let inverseHeatCapacity: AlignedBuffer<Float>
    public let perfusion: AlignedBuffer<Float>
    public let baseSource: AlignedBuffer<Float>
    public let externalSource: AlignedBuffer<Float>
    /// Per interior row: index into `uniformCoefficients`, or -1 for rows that need the full arrays.
    public let rowClass: AlignedBuffer<Int32>
    /// Per interior row: 1 when `externalSource` is non-zero somewhere in the row.
    public let rowHasSource: AlignedBuffer<UInt8>
    public private(set) var uniformCoefficients: [UniformCoefficients] = []
    private var uniformIndex: [UniformCoefficients: Int32] = [:]
    /// Fixed rows per band instead of the L2-derived size (tests use it to force several bands).
    public var rowBandLimit: Int?

    public struct UniformCoefficients: Sendable, Equatable, Hashable {
        public var conductance: Float
        public var inverseHeatCapacity: Float
        public var perfusion: Float
        public var baseSource: Float
        public init(conductance: Float, inverseHeatCapacity: Float, perfusion: Float, baseSource: Float) {
            self.conductance = conductance
            self.inverseHeatCapacity = inverseHeatCapacity
            self.perfusion = perfusion
            self.baseSource = baseSource
        }
    }

    public init(layout: PaddedLayout) {
        self.layout = layout
        gx = AlignedBuffer(count: layout.count, repeating: 0)
        gy = AlignedBuffer(count: layout.count, repeating: 0)
        gz = AlignedBuffer(count: layout.count, repeating: 0)
        inverseHeatCapacity = AlignedBuffer(count: layout.count, repeating: 0)
        perfusion = AlignedBuffer(count: layout.count, repeating: 0)
        baseSource = AlignedBuffer(count: layout.count, repeating: 0)
        externalSource = AlignedBuffer(count: layout.count, repeating: 0)
        rowClass = AlignedBuffer(count: max(1, layout.rowCount), repeating: -1)
        rowHasSource = AlignedBuffer(count: max(1, layout.rowCount), repeating: 0)
    }

    /// Marks rows uniform where every voxel of the row and of its four neighbouring rows has the
    /// same coefficients and all of the row's faces carry that same conductance. Call after the
    /// coefficient arrays change.
    public func classifyRows() {
        uniformIndex = [:]
        uniformCoefficients = []
        for r in 0..<layout.rowCount { classify(row: r) }
        markSourceRows()
    }

    func coefficients(at idx: Int) -> UniformCoefficients {
        UniformCoefficients(conductance: gx[idx], inverseHeatCapacity: inverseHeatCapacity[idx],
                            perfusion: perfusion[idx], baseSource: baseSource[idx])
    }

    func classify(row r: Int) { assign(row: r, uniformWith: uniformReference(row: r)) }

    /// The coefficients row `r` is uniform with, or nil when it must read the full arrays. Reads
    /// only, so rows can be examined concurrently.
    func uniformReference(row r: Int) -> UniformCoefficients? {
        let L = layout
        let j = r % L.ny, k = r / L.ny
        let first = L.index(0, j, k)
        let reference = coefficients(at: first)
        guard reference.inverseHeatCapacity > 0 else { return nil }
        let g = reference.conductance
        for i in 0..<L.nx {
            let idx = L.index(i, j, k)
            if coefficients(at: idx) != reference
                || gx[idx - 1] != g || gy[idx] != g || gy[idx - L.strideY] != g
                || gz[idx] != g || gz[idx - L.strideZ] != g {
                return nil
            }
        }
        return reference
    }

    /// Records row `r`'s class, adding `reference` to the table if it is new.
    func assign(row r: Int, uniformWith reference: UniformCoefficients?) {
        guard let reference else { rowClass[r] = -1; return }
        if let existing = uniformIndex[reference] {
            rowClass[r] = existing
        } else {
            let n = Int32(uniformCoefficients.count)
            uniformIndex[reference] = n
            uniformCoefficients.append(reference)
            rowClass[r] = n
        }
    }

    /// Refreshes the per-row "has external heat" flags; call after `externalSource` changes.
    public func markSourceRows() { markSourceRows(planes: 0..<layout.nz) }

    /// The same in parallel slabs: a microwave update rewrites the source of the whole grid, and
    /// one serial scan of it per update showed in profiles.
    public func markSourceRows(threads: Int) {
        ParallelSlabs.run(planes: layout.nz, threads: threads) { markSourceRows(planes: $0) }
    }

    /// Refreshes the flags of the rows in `planes` (k indices); workers on disjoint slabs write disjoint flags.
    public func markSourceRows(planes: Range<Int>) {
        let L = layout
        for k in planes {
            for j in 0..<L.ny {
                let base = L.index(0, j, k)
                var any: UInt8 = 0
                for i in 0..<L.nx where externalSource[base + i] != 0 { any = 1; break }
                rowHasSource[L.row(j, k)] = any
            }
        }
    }

    /// The largest explicit step for which every update is a convex combination of old values
    /// (the discrete maximum principle holds, so no oscillation and no overshoot):
    /// dt <= rho c / (sum of face conductances + w), minimised over voxels that are updated.
    public func stableTimeStep() -> Double {
        let L = layout
        var worst: Double = 0
        for k in 0..<L.nz {
            for j in 0..<L.ny {
                for i in 0..<L.nx {
                    let idx = L.index(i, j, k)
                    let a = Double(inverseHeatCapacity[idx])
                    if a == 0 { continue }
                    let sumG = Double(gx[idx]) + Double(gx[idx - 1]) + Double(gy[idx]) + Double(gy[idx - L.strideY])
                        + Double(gz[idx]) + Double(gz[idx - L.strideZ])
                    worst = max(worst, a * (sumG + Double(perfusion[idx])))
                }
            }
        }
        return worst > 0 ? 1 / worst : .infinity
    }
}

extension PennesOperator {
    /// Reclassifies the given rows and their four neighbours after coefficients changed there.
    public func reclassify(rows: Set<Int>, threads: Int = 1) {
        classify(rows: Array(layout.withNeighbourRows(rows)), threads: threads)
    }

    /// Reclassifies `rows`: the rows are examined in parallel and the table of uniform coefficients
    /// is then updated in list order, as `classify(rows:)` would. Every damage sample reclassifies
    /// the rows at the necrosis front; done serially this showed in profiles of 160³ runs.
    public func classify(rows: [Int], threads: Int) {
        guard threads > 1, rows.count > 64 else { for r in rows { classify(row: r) }; return }
        var references = [UniformCoefficients?](repeating: nil, count: rows.count)
        references.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            // Contiguous runs of the list per worker; each writes only its own entries.
            ParallelSlabs.run(planes: rows.count, threads: threads) { range in
                for n in range { out[n] = uniformReference(row: rows[n]) }
            }
        }
        for (r, reference) in zip(rows, references) { assign(row: r, uniformWith: reference) }
    }

    /// Reclassifies exactly `rows`, for callers that already include every neighbour whose inputs
    /// changed. Leaving a general row general is always correct (it reads the full arrays), so
    /// callers may pass only the rows currently marked uniform.
    public func classify(rows: some Sequence<Int>) {
        for r in rows { classify(row: r) }
    }
}
