import AblationKernels

/// The production kernel on a homogeneous, constant-coefficient grid, in excess-temperature
/// form (theta = T - T_a, arterial and boundary theta = 0). Verification cases drive it directly so
/// that they can use per-axis boundaries (slabs) and periodic boxes the preset format does not offer.
public final class FiniteDifferenceHarness {
    public let layout: PaddedLayout
    public let op: PennesOperator
    public let boundary: GhostBoundary
    public let spacingM: Double
    public let threads: Int

    public init(nx: Int, ny: Int, nz: Int, spacingM h: Double, conductivity k: Double, heatCapacity rhoC: Double,
                perfusion w: Double, boundary: GhostBoundary, threads: Int) {
        layout = PaddedLayout(nx: nx, ny: ny, nz: nz)
        op = PennesOperator(layout: layout)
        self.boundary = boundary
        spacingM = h
        self.threads = threads
        let L = layout
        let g = Float(k / (h * h))
        for kk in -1..<nz { for j in -1..<ny { for i in -1..<nx {
            let idx = L.index(i, j, kk)
            if j >= 0, kk >= 0 { op.gx[idx] = g }
            if i >= 0, kk >= 0 { op.gy[idx] = g }
            if i >= 0, j >= 0 { op.gz[idx] = g }
        } } }
        for kk in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let idx = L.index(i, j, kk)
            op.inverseHeatCapacity[idx] = Float(1 / rhoC)
            op.perfusion[idx] = Float(w)
        } } }
        op.classifyRows()
    }

    /// Integrates from `initial` for `time` seconds with a constant source (W/m³), both in grid
    /// order (x fastest); returns theta in grid order.
    public func run(initial: [Double]?, source: [Double]?, time: Double, stepFraction: Double = 0.95) -> [Double] {
        let L = layout
        let a = AlignedBuffer<Float>(count: L.count, repeating: 0)
        if let initial { scatter(initial, into: a) }
        if let source {
            let q = AlignedBuffer<Float>(count: L.count, repeating: 0)
            scatter(source, into: q)
            op.externalSource.copy(from: q)
        }
        op.markSourceRows()
        boundary.fillGhosts(a, layout: L)
        let b = AlignedBuffer<Float>(count: L.count, repeating: 0)
        b.copy(from: a)
        var current = a, next = b
        let n = max(1, Int((time / (stepFraction * op.stableTimeStep())).rounded(.up)))
        let dt = Float(time / Double(n))
        for _ in 0..<n {
            let src = current, dst = next
            ParallelSlabs.run(planes: L.nz, threads: threads) { op.step(from: src, to: dst, dt: dt, planes: $0) }
            if boundary.needsRefresh { boundary.fillGhosts(dst, layout: L, onlyDependent: true) }
            swap(&current, &next)
        }
        var out: [Double] = []
        out.reserveCapacity(L.voxelCount)
        for kk in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx { out.append(Double(current[L.index(i, j, kk)])) } } }
        return out
    }

    func scatter(_ values: [Double], into buffer: AlignedBuffer<Float>) {
        let L = layout
        var n = 0
        for kk in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx { buffer[L.index(i, j, kk)] = Float(values[n]); n += 1 } } }
    }
}
