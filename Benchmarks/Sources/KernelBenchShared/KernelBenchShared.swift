import AblationKernels
import CPennesReference
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Liver-like tissue (values typical of the ablation literature; only their magnitudes matter
/// for timing, but realistic magnitudes keep the field away from denormals and overflow).
public enum Liver {
    public static let conductivity: Float = 0.52        // W/m/K
    public static let heatCapacity: Float = 1079 * 3540  // rho c, J/m³/K
    public static let perfusion: Float = 0.0064 * 1050 * 3617 // w_b rho_b c_b, W/m³/K
    public static let arterial: Float = 37                // °C
    public static let metabolic: Float = 10_700           // W/m³
    public static let heating: Float = 5e7                 // W/m³ inside the heated sphere
    /// Edge of the simulated cube (m); the spacing follows from the grid size.
    public static let domain: Float = 0.064
}

/// Bytes moved per voxel update, by row kind. The rule (stated again in kernel-report's output):
/// every update reads T (4 B) and writes T' (4 B), and the write costs a write-allocate read of
/// the destination line (4 B) because the kernels use ordinary stores, so 12 B; a row with an
/// external source also streams q (+4 B); a general row streams the 7 coefficient arrays
/// gx, gy, gz, 1/(rho c), w, s0 and q (+28 B, q included). Neighbour reads (T at ±1, ±strideY,
/// ±strideZ and the faces at -1, -strideY, -strideZ) are assumed to hit in cache: the three
/// planes a worker needs fit in L2 at 256².
public enum ByteModel {
    public static let uniformRow = 12
    public static let uniformHeatedRow = 16
    public static let generalRow = 40
    /// STREAM triad a = b + s c: read b and c, write a, plus the write-allocate read of a.
    public static let triadElement = 16
}

/// One Pennes problem on an n³ grid with both a Swift and a C stepper over identical data.
public final class PennesFixture: @unchecked Sendable {
    // @unchecked: the benchmark drivers use a fixture from one thread at a time; the kernels'
    // worker threads write disjoint slabs.
    public let n: Int
    public let layout: PaddedLayout
    public let op: PennesOperator
    public let initial: AlignedBuffer<Float>
    public var source: AlignedBuffer<Float>
    public var destination: AlignedBuffer<Float>
    public let dt: Float
    public let general: Bool
    /// Copy of `op.uniformCoefficients` in the C layout, kept alive for the C kernel.
    let cTable: UnsafeMutablePointer<PennesUniform>
    /// Rows by kind after classification (and after forcing rows general, if asked).
    public let uniformRows: Int
    public let heatedUniformRows: Int
    public let generalRows: Int

    /// - Parameters:
    ///   - n: interior voxels per axis.
    ///   - general: mark every row general (rowClass = -1) after classification, so the kernel
    ///     takes the heterogeneous path that reads all coefficient arrays.
    public init(n: Int, general: Bool) {
        self.n = n
        self.general = general
        let L = PaddedLayout(nx: n, ny: n, nz: n)
        layout = L
        op = PennesOperator(layout: L)
        let h = Liver.domain / Float(n)
        let g = Liver.conductivity / (h * h)
        // Homogeneous block: every face (ghost faces included) carries the same conductance.
        op.gx.fill(g)
        op.gy.fill(g)
        op.gz.fill(g)
        let centre = Float(n - 1) / 2, radius = Float(n) * 0.1
        for k in 0..<n {
            for j in 0..<n {
                for i in 0..<n {
                    let idx = L.index(i, j, k)
                    op.inverseHeatCapacity[idx] = 1 / Liver.heatCapacity
                    op.perfusion[idx] = Liver.perfusion
                    op.baseSource[idx] = Liver.perfusion * Liver.arterial + Liver.metabolic
                    let dx = Float(i) - centre, dy = Float(j) - centre, dz = Float(k) - centre
                    if dx * dx + dy * dy + dz * dz <= radius * radius {
                        op.externalSource[idx] = Liver.heating
                    }
                }
            }
        }
        op.classifyRows()
        if general { op.rowClass.fill(-1) }
        var u = 0, hu = 0, gr = 0
        for r in 0..<L.rowCount {
            if op.rowClass[r] < 0 { gr += 1 } else if op.rowHasSource[r] != 0 { hu += 1 } else { u += 1 }
        }
        uniformRows = u
        heatedUniformRows = hu
        generalRows = gr
        dt = Float(op.stableTimeStep()) * 0.9

        // A smooth, non-constant starting field so that the Swift/C comparison exercises every
        // neighbour term; ghosts hold the 37 °C Dirichlet value and never change.
        initial = AlignedBuffer(count: L.count, repeating: 37)
        let w = 2 * Float.pi / Float(n)
        for k in 0..<n {
            for j in 0..<n {
                for i in 0..<n {
                    let s = sinf(w * Float(i)) * sinf(w * Float(2 * j)) * sinf(w * Float(3 * k))
                    initial[L.index(i, j, k)] = 37 + 3 * s
                }
            }
        }
        source = AlignedBuffer(count: L.count, repeating: 37)
        destination = AlignedBuffer(count: L.count, repeating: 37)
        source.copy(from: initial)
        destination.copy(from: initial)

        let table = op.uniformCoefficients
        cTable = .allocate(capacity: max(1, table.count))
        for (c, v) in table.enumerated() {
            cTable[c] = PennesUniform(conductance: v.conductance, inverseHeatCapacity: v.inverseHeatCapacity,
                                      perfusion: v.perfusion, baseSource: v.baseSource)
        }
    }

    deinit { cTable.deallocate() }

    public var voxels: Int { n * n * n }

    /// Bytes one full step moves under ByteModel.
    public var bytesPerStep: Int {
        n * (uniformRows * ByteModel.uniformRow + heatedUniformRows * ByteModel.uniformHeatedRow
            + generalRows * ByteModel.generalRow)
    }

    /// Bytes of the arrays one step streams through (both fields, plus q in heated rows, plus the
    /// seven coefficient arrays when rows are general), padding included: compare with the
    /// cache sizes to see whether a grid runs from L3 or from DRAM.
    public var workingSetBytes: Int {
        let field = layout.count * 4
        return 2 * field + (generalRows > 0 ? 7 * field : heatedUniformRows * layout.strideY * 4)
    }

    /// Restores the starting field in both buffers.
    public func reset() {
        source.copy(from: initial)
        destination.copy(from: initial)
    }

    /// One step with the Swift SIMD kernel; the buffers then swap roles.
    public func stepSwift(threads: Int) {
        let op = self.op, src = source, dst = destination, dt = self.dt
        ParallelSlabs.run(planes: layout.nz, threads: threads) { planes in
            op.step(from: src, to: dst, dt: dt, planes: planes)
        }
        swap(&source, &destination)
    }

    /// One step with the C twin, on the same threads and slabs; the buffers then swap roles.
    public func stepC(threads: Int) {
        var args = cArguments(from: source, to: destination)
        withUnsafePointer(to: &args) { argp in
            nonisolated(unsafe) let a = argp
            ParallelSlabs.run(planes: layout.nz, threads: threads) { planes in
                pennes_step_c(a, Int32(planes.lowerBound), Int32(planes.upperBound))
            }
        }
        swap(&source, &destination)
    }

    func cArguments(from src: AlignedBuffer<Float>, to dst: AlignedBuffer<Float>) -> PennesArgs {
        let L = layout
        return PennesArgs(
            temperature: src.pointer, destination: dst.pointer,
            gx: op.gx.pointer, gy: op.gy.pointer, gz: op.gz.pointer,
            inverseHeatCapacity: op.inverseHeatCapacity.pointer, perfusion: op.perfusion.pointer,
            baseSource: op.baseSource.pointer, externalSource: op.externalSource.pointer,
            rowClass: op.rowClass.pointer, rowHasSource: op.rowHasSource.pointer,
            uniform: cTable, nx: L.nx, ny: L.ny, nz: L.nz,
            strideY: L.strideY, strideZ: L.strideZ, dt: dt)
    }

    /// Runs `steps` Swift steps and `steps` C steps from the same starting field and returns the
    /// largest difference (K) between the two results over the interior, and the Swift field's
    /// peak temperature (a sanity check that the heated sphere really heats).
    public func compareSwiftAndC(steps: Int, threads: Int) -> (maxDifference: Float, peak: Float) {
        reset()
        for _ in 0..<steps { stepSwift(threads: threads) }
        let swiftResult = AlignedBuffer<Float>(count: layout.count, repeating: 0)
        swiftResult.copy(from: source)
        reset()
        for _ in 0..<steps { stepC(threads: threads) }
        let L = layout
        var worst: Float = 0, peak: Float = -.infinity
        for k in 0..<L.nz {
            for j in 0..<L.ny {
                for i in 0..<L.nx {
                    let idx = L.index(i, j, k)
                    let d = abs(swiftResult[idx] - source[idx])
                    // NaN anywhere must fail the check, so a NaN difference becomes infinity.
                    worst = d.isNaN ? .infinity : max(worst, d)
                    peak = max(peak, swiftResult[idx])
                }
            }
        }
        reset()
        return (worst, peak)
    }
}

/// Three float arrays for the STREAM triad a = b + s c.
public final class TriadFixture: @unchecked Sendable {
    // @unchecked: workers write disjoint ranges of `a`.
    public let count: Int
    public let a, b, c: AlignedBuffer<Float>
    public let scalar: Float = 3

    /// `count` is rounded up to a multiple of 16 lanes.
    public init(count: Int) {
        self.count = (count + 15) / 16 * 16
        a = AlignedBuffer(count: self.count, repeating: 0)
        b = AlignedBuffer(count: self.count, repeating: 1)
        c = AlignedBuffer(count: self.count, repeating: 2)
    }

    public var bytesPerRun: Int { count * ByteModel.triadElement }

    /// Swift triad, 16 lanes per load and store as in the Pennes kernel; work is split into
    /// contiguous chunks by ParallelSlabs, as the kernels split planes.
    public func runSwift(threads: Int) {
        let ap = a.pointer, bp = UnsafePointer(b.pointer), cp = UnsafePointer(c.pointer)
        let s = SIMD16<Float>(repeating: scalar)
        ParallelSlabs.run(planes: count / 16, threads: threads) { chunks in
            for n in chunks {
                let o = n * 16
                storeVec(loadVec(bp + o).addingProduct(s, loadVec(cp + o)), ap + o)
            }
        }
    }

    /// C triad on the same threads and ranges.
    public func runC(threads: Int) {
        nonisolated(unsafe) let ap = a.pointer
        nonisolated(unsafe) let bp = UnsafePointer(b.pointer)
        nonisolated(unsafe) let cp = UnsafePointer(c.pointer)
        let s = scalar
        ParallelSlabs.run(planes: count / 16, threads: threads) { chunks in
            let o = chunks.lowerBound * 16
            triad_c(ap + o, bp + o, cp + o, s, chunks.count * 16)
        }
    }
}

@inline(__always)
func loadVec(_ p: UnsafePointer<Float>) -> SIMD16<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }

@inline(__always)
func storeVec(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// Monotonic nanoseconds (CLOCK_MONOTONIC through the standard library's ContinuousClock).
public func elapsedSeconds(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    body()
    let d = clock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
