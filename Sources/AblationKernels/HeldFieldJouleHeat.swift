/// One RF electrode's Joule heat between two potential solves: Q = sigma(T) |E|² with the field E
/// of the last solve held, i.e. each voxel's heat at the solve scaled by sigma(T now) / sigma(T at
/// the solve), capped at `gainLimit`.
///
/// Runs after every explicit step over every voxel the field reaches (all of the grid), so it is
/// laid out like the temperature field (padded, SIMD16 rows) and split over z-slabs. The
/// conductivity law is sigma = sigma37 * law(T) with law(T) = 1 + slope (T - 37) up to `kneeC`
/// and a caller-given function above it (the drying branch, rare, evaluated lane by lane). The
/// ratio is precomputed as a gain: sigma(T) / sigma_solve = gain * law(T) with
/// gain = sigma37 / sigma_solve; voxels with a fixed conductivity (linear materials, insulation)
/// have gain 0, which stands for a ratio of 1.
public final class HeldFieldJouleHeat: @unchecked Sendable {
    // @unchecked: workers write disjoint planes of the output and of `changedRows`.
    public let layout: PaddedLayout
    public let threads: Int
    public let slopePerK: Float
    public let kneeC: Float
    public let gainLimit: Float
    /// law(T) above the knee.
    public let lawAboveKnee: @Sendable (Float) -> Float
    /// Heat per watt of generator power at the last solve (W/m³/W); 0 where none.
    public let heatPerWatt: AlignedBuffer<Float>
    /// sigma37 / sigma at the last solve, or 0 for a fixed conductivity (see the type's comment).
    public let lawGain: AlignedBuffer<Float>
    /// Per row: the last `apply` changed the source there.
    public let changedRows: AlignedBuffer<UInt8>
    public private(set) var isEmpty = true
    /// The held heat's total over the heat at the solve for the same power, sum(Q_w r) / sum(Q_w)
    /// with Q_w the heat per watt and r the capped conductivity ratio, from the last `apply`.
    public private(set) var heatRatio = 1.0
    /// The rescaling for held power is at most 1 / this: once half of the heat has gone with
    /// drying voxels, the held field no longer says where the rest goes (a dried shell in series
    /// takes more, not less), and the caller should solve again (RadiofrequencyElectrode.needsSolve).
    public static let minimumHeldRatio = 0.5
    /// sum(Q_w) at the capture.
    private var heatSum = 0.0
    /// Per-plane partial sums, added in plane order (the same bits on any thread count).
    private let planeSums: AlignedBuffer<Double>

    public init(layout: PaddedLayout, threads: Int, slopePerK: Float, kneeC: Float, gainLimit: Float,
                lawAboveKnee: @escaping @Sendable (Float) -> Float) {
        self.layout = layout
        self.threads = max(1, threads)
        self.slopePerK = slopePerK
        self.kneeC = kneeC
        self.gainLimit = gainLimit
        self.lawAboveKnee = lawAboveKnee
        heatPerWatt = AlignedBuffer(count: layout.count, repeating: 0)
        lawGain = AlignedBuffer(count: layout.count, repeating: 0)
        changedRows = AlignedBuffer(count: max(1, layout.rowCount), repeating: 0)
        planeSums = AlignedBuffer(count: max(1, layout.nz), repeating: 0)
    }

    /// Takes the heat of a new solve: `source` is the heat per watt of generator power (W/m³/W).
    /// `followsLaw(idx)` tells which voxels follow the law.
    public func capture(heatPerWatt source: AlignedBuffer<Float>, sigmaAtSolve: AlignedBuffer<Float>,
                        sigma37: AlignedBuffer<Float>, followsLaw: (Int) -> Bool) {
        let L = layout
        let H = heatPerWatt.pointer, G = lawGain.pointer
        let Q1 = UnsafePointer(source.pointer), S = UnsafePointer(sigmaAtSolve.pointer), S37 = UnsafePointer(sigma37.pointer)
        nonisolated(unsafe) let law = followsLaw
        let sums = planeSums.pointer
        ParallelSlabs.run(planes: L.nz, threads: threads) { planes in
            for k in planes {
                var planeSum = 0.0
                for j in 0..<L.ny {
                    let base = L.index(0, j, k)
                    for idx in base..<(base + L.nx) {
                        H[idx] = Q1[idx]
                        G[idx] = law(idx) ? S37[idx] / S[idx] : 0
                        planeSum += Double(Q1[idx])
                    }
                }
                sums[k] = planeSum
            }
        }
        heatSum = (0..<L.nz).reduce(0.0) { $0 + sums[$1] }
        heatRatio = 1
        isEmpty = false
    }

    public func clear() { isEmpty = true }

    /// Writes the heat at `power` (W) for the current temperatures into `q`: q = base + heat when
    /// `base` is given (the first electrode), q += heat otherwise. Flags the rows whose source
    /// changed in `changedRows` and returns whether any did.
    /// The generator holds its output, so the heat is divided by the held heat's total ratio
    /// (`heatRatio`, of the previous call: one step behind, which costs no second pass) and sums to
    /// `power` again, spread as the held field spreads it.
    public func apply(temperature: AlignedBuffer<Float>, power: Double, base: AlignedBuffer<Float>?,
                      into q: AlignedBuffer<Float>) -> Bool {
        let L = layout
        let lanes = PaddedLayout.lanes
        let chunks = (L.nx + lanes - 1) / lanes
        let T = UnsafePointer(temperature.pointer), H = UnsafePointer(heatPerWatt.pointer), G = UnsafePointer(lawGain.pointer)
        let Q = q.pointer, C = changedRows.pointer
        // Without a base, the heat adds to what q holds.
        let B = base.map { UnsafePointer($0.pointer) } ?? UnsafePointer(q.pointer)
        let p = Vec(repeating: Float(power / max(heatRatio, HeldFieldJouleHeat.minimumHeldRatio)))
        let one = Vec(repeating: 1), zero = Vec(repeating: 0)
        let cap = Vec(repeating: gainLimit), slope = Vec(repeating: slopePerK)
        let knee = Vec(repeating: kneeC), kneeScalar = kneeC
        let above = lawAboveKnee
        let sums = planeSums.pointer
        let anyChange = ParallelSlabs.map(planes: L.nz, threads: threads) { planes -> Bool in
            var planesChanged = false
            for k in planes {
                var planeSum = 0.0
                for j in 0..<L.ny {
                    let base = L.index(0, j, k)
                    var rowChanged = false
                    var rowHeld = zero
                    for c in 0..<chunks {
                        let i = base + c &* lanes
                        let t = load(T + i)
                        var law = one.addingProduct(slope, t - 37)
                        if any(t .> knee) {
                            for lane in 0..<lanes where t[lane] > kneeScalar { law[lane] = above(t[lane]) }
                        }
                        let g = load(G + i)
                        let h = load(H + i)
                        var ratio = (g * law).replacing(with: one, where: g .== zero)
                        ratio = ratio.replacing(with: cap, where: ratio .> cap)
                        rowHeld = rowHeld.addingProduct(h, ratio)
                        let old = load(Q + i)
                        let value = load(B + i).addingProduct(h * p, ratio)
                        if any(value .!= old) { rowChanged = true }
                        store(value, Q + i)
                    }
                    C[L.row(j, k)] = rowChanged ? 1 : 0
                    planesChanged = planesChanged || rowChanged
                    planeSum += Double(rowHeld.sum())
                }
                sums[k] = planeSum
            }
            return planesChanged
        }
        let held = (0..<L.nz).reduce(0.0) { $0 + sums[$1] }
        heatRatio = heatSum > 0 ? held / heatSum : 1
        return anyChange.contains(true)
    }
}
