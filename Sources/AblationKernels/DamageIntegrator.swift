/// How tissue damage accumulates from temperature.
public enum DamageLaw: Sendable, Equatable {
    /// Omega = integral A exp(-Ea / (R T)) dt, evaluated in the log domain because A (~1e39 1/s)
    /// does not fit in Float. `logFrequencyFactor` = ln A; `activationTemperature` = Ea / R (K).
    case arrhenius(logFrequencyFactor: Double, activationTemperature: Double)
    /// Arrhenius with constants that differ between voxels (regions of different tissue): ln A
    /// and Ea / R per padded voxel.
    case arrheniusPerVoxel(ArrheniusField)
    /// Cumulative equivalent minutes at 43 °C (Sapareto & Dewey): R^(43 - T) per minute,
    /// R = 0.5 at or above 43 °C and 0.25 below.
    case cem43
    /// No integral: the damage measure is the peak temperature.
    case peakTemperature
}

/// Per-voxel Arrhenius constants on the padded layout (ghost and padding voxels hold finite
/// values, since the damage loop computes whole SIMD chunks). Compared by identity.
public final class ArrheniusField: @unchecked Sendable, Equatable {
    // @unchecked: filled before the run, read-only afterwards.
    public let logFrequencyFactor: AlignedBuffer<Float>
    public let activationTemperature: AlignedBuffer<Float>

    public init(logFrequencyFactor: AlignedBuffer<Float>, activationTemperature: AlignedBuffer<Float>) {
        precondition(logFrequencyFactor.count == activationTemperature.count)
        self.logFrequencyFactor = logFrequencyFactor
        self.activationTemperature = activationTemperature
    }

    public static func == (a: ArrheniusField, b: ArrheniusField) -> Bool { a === b }
}

/// Running damage state on the padded layout: the integral with a Kahan compensation term (so
/// that increments of 1e-7 per sample are not lost against an accumulated value near 1: plain
/// Float addition would drop them), the rate at the previous sample (for the trapezoid rule) and
/// the peak temperature.
public final class DamageIntegrator: @unchecked Sendable {
    // @unchecked: workers touch disjoint slabs.
    public let layout: PaddedLayout
    public let law: DamageLaw
    /// With a baseline, the integral counts only the rate in excess of the law's rate at that
    /// temperature (°C), never negative: tissue held at the baseline takes no damage.
    public let baselineC: Double?
    public let integral: AlignedBuffer<Float>
    /// Kahan compensation: the low-order part the Float sum could not hold.
    public let compensation: AlignedBuffer<Float>
    public let previousRate: AlignedBuffer<Float>
    public let peakTemperature: AlignedBuffer<Float>
    /// Per row, for rows skipped because their temperature has not changed since the last sample:
    /// seconds of constant-rate damage not yet added, and the row's necrotic count and maximum.
    let pendingSeconds: AlignedBuffer<Double>
    let rowNecrotic: AlignedBuffer<Int32>
    public let rowMaximum: AlignedBuffer<Float>

    public init(layout: PaddedLayout, law: DamageLaw, baselineC: Double? = nil) {
        self.layout = layout
        self.law = law
        self.baselineC = law == .peakTemperature ? nil : baselineC
        integral = AlignedBuffer(count: layout.count, repeating: 0)
        compensation = AlignedBuffer(count: layout.count, repeating: 0)
        previousRate = AlignedBuffer(count: layout.count, repeating: 0)
        peakTemperature = AlignedBuffer(count: layout.count, repeating: -.infinity)
        pendingSeconds = AlignedBuffer(count: max(1, layout.rowCount), repeating: 0)
        rowNecrotic = AlignedBuffer(count: max(1, layout.rowCount), repeating: 0)
        rowMaximum = AlignedBuffer(count: max(1, layout.rowCount), repeating: -.infinity)
    }

    /// Per-slab results of one sample.
    public struct SampleStatistics: Sendable {
        public var maxTemperature: Float = -.infinity
        /// Voxels whose damage measure has reached the necrosis threshold.
        public var necroticVoxels: Int = 0
        /// First voxel (padded index) holding a non-finite temperature, if any.
        public var firstNonFinite: Int? = nil
        /// Interior rows (PaddedLayout.row) holding at least one voxel at or above the threshold.
        public var necroticRows: [Int32] = []
    }

    /// Rate laws as concrete types, so that `sample` is specialised per law and the exponential
    /// is inlined into the voxel loop instead of dispatched through the enum on every chunk.
    /// `b`: the padded index of the chunk's first lane, for laws whose constants vary by voxel.
    protocol RateLaw { func rate(_ t: Vec, at b: Int) -> Vec }

    struct ArrheniusRate: RateLaw {
        let lnA: Vec, eaR: Vec
        @inline(__always) func rate(_ t: Vec, at b: Int) -> Vec { exp(lnA - eaR / (t + 273.15)) }
    }

    struct PerVoxelArrheniusRate: RateLaw {
        let lnA: UnsafeMutablePointer<Float>, eaR: UnsafeMutablePointer<Float>
        @inline(__always) func rate(_ t: Vec, at b: Int) -> Vec { exp(load(lnA + b) - load(eaR + b) / (t + 273.15)) }
    }

    struct CEM43Rate: RateLaw {
        /// R^(43 - T) / 60 s = exp((43 - T) ln R) / 60, with ln R chosen per lane.
        @inline(__always) func rate(_ t: Vec, at b: Int) -> Vec {
            let lnR = Vec(repeating: -1.3862943611).replacing(with: Vec(repeating: -0.6931471806), where: t .>= 43)
            return exp((43 - t) * lnR) * (1 / 60.0)
        }
    }

    struct NoRate: RateLaw {
        @inline(__always) func rate(_ t: Vec, at b: Int) -> Vec { Vec(repeating: 0) }
    }

    /// A law's rate less its rate at the baseline temperature, floored at zero (below the baseline
    /// nothing is undone). The baseline's rate is evaluated per lane, so per-voxel constants keep
    /// their own baseline.
    struct ExcessRate<Inner: RateLaw>: RateLaw {
        let inner: Inner, baseline: Vec
        @inline(__always) func rate(_ t: Vec, at b: Int) -> Vec {
            let excess = inner.rate(t, at: b) - inner.rate(baseline, at: b)
            return excess.replacing(with: 0, where: excess .< 0)
        }
    }

    /// Sets the rate memory from the initial temperature; call once before the first sample.
    public func start(temperature: AlignedBuffer<Float>, planes: Range<Int>) {
        switch law {
        case let .arrhenius(lnA, eaR):
            startWithBaseline(temperature: temperature, planes: planes, law: ArrheniusRate(lnA: Vec(repeating: Float(lnA)), eaR: Vec(repeating: Float(eaR))))
        case let .arrheniusPerVoxel(field):
            startWithBaseline(temperature: temperature, planes: planes, law: PerVoxelArrheniusRate(field))
        case .cem43: startWithBaseline(temperature: temperature, planes: planes, law: CEM43Rate())
        case .peakTemperature: start(temperature: temperature, planes: planes, law: NoRate())
        }
    }

    func startWithBaseline<Law: RateLaw>(temperature: AlignedBuffer<Float>, planes: Range<Int>, law: Law) {
        if let baselineC {
            start(temperature: temperature, planes: planes, law: ExcessRate(inner: law, baseline: Vec(repeating: Float(baselineC))))
        } else {
            start(temperature: temperature, planes: planes, law: law)
        }
    }

    func start<Law: RateLaw>(temperature: AlignedBuffer<Float>, planes: Range<Int>, law: Law) {
        let L = layout
        let lanes = PaddedLayout.lanes
        let chunks = (L.nx + lanes - 1) / lanes
        for k in planes {
            for j in 0..<L.ny {
                let base = L.index(0, j, k)
                for n in 0..<chunks {
                    let b = base + n * lanes
                    let t = load(temperature.pointer + b)
                    store(law.rate(t, at: b), previousRate.pointer + b)
                    store(t, peakTemperature.pointer + b)
                }
            }
        }
    }

    /// Advances the integral over `interval` seconds by the trapezoid rule between the previous
    /// sample and `temperature`, updates the peak, and counts voxels at or above `threshold`.
    /// Padding lanes are computed too (they hold finite copies) and never read back as results.
    ///
    /// With `activity`, rows whose temperature has not changed since their last sample are not
    /// read: their constant-rate increment is deferred (`pendingSeconds`) and added in one go when
    /// the row changes again or at `flush`. Their cached necrotic count and maximum stand in.
    public func sample(temperature: AlignedBuffer<Float>, interval: Double, threshold: Double,
                       planes: Range<Int>, activity: RowActivity? = nil) -> SampleStatistics {
        // Dispatch once per call to a copy of the loop specialised for the law.
        switch law {
        case let .arrhenius(lnA, eaR):
            return sampleWithBaseline(temperature: temperature, interval: interval, threshold: threshold, planes: planes,
                                      law: ArrheniusRate(lnA: Vec(repeating: Float(lnA)), eaR: Vec(repeating: Float(eaR))), activity: activity)
        case let .arrheniusPerVoxel(field):
            return sampleWithBaseline(temperature: temperature, interval: interval, threshold: threshold, planes: planes,
                                      law: PerVoxelArrheniusRate(field), activity: activity)
        case .cem43:
            return sampleWithBaseline(temperature: temperature, interval: interval, threshold: threshold, planes: planes, law: CEM43Rate(), activity: activity)
        case .peakTemperature:
            return sample(temperature: temperature, interval: interval, threshold: threshold, planes: planes, law: NoRate(), activity: activity)
        }
    }

    func sampleWithBaseline<Law: RateLaw>(temperature: AlignedBuffer<Float>, interval: Double, threshold: Double,
                                          planes: Range<Int>, law: Law, activity: RowActivity?) -> SampleStatistics {
        guard let baselineC else {
            return sample(temperature: temperature, interval: interval, threshold: threshold, planes: planes, law: law, activity: activity)
        }
        return sample(temperature: temperature, interval: interval, threshold: threshold, planes: planes,
                      law: ExcessRate(inner: law, baseline: Vec(repeating: Float(baselineC))), activity: activity)
    }

    func sample<Law: RateLaw>(temperature: AlignedBuffer<Float>, interval: Double, threshold: Double,
                              planes: Range<Int>, law rateLaw: Law, activity: RowActivity?) -> SampleStatistics {
        let L = layout
        let lanes = PaddedLayout.lanes
        let fullChunks = L.nx / lanes
        let tail = L.nx - fullChunks * lanes
        let half = Float(interval / 2)
        let limit = Vec(repeating: Float(threshold))
        var stats = SampleStatistics()
        var maxT = Vec(repeating: -.infinity)
        // t - t is 0 for finite t and NaN otherwise; the sum flags any NaN or infinity, which a
        // max alone would skip.
        var poison = Vec(repeating: 0)
        let tp = temperature.pointer, rp = previousRate.pointer, pp = peakTemperature.pointer
        let op = integral.pointer, cp = compensation.pointer
        let usesIntegral = law != .peakTemperature
        let zero = Vec(repeating: 0), one = Vec(repeating: 1)
        let dirty = activity?.changedSinceSample.pointer
        for k in planes {
            for j in 0..<L.ny {
                let base = L.index(0, j, k)
                let row = L.row(j, k)
                if let dirty, dirty[row] == 0 {
                    pendingSeconds[row] += interval
                    if rowNecrotic[row] > 0 {
                        stats.necroticVoxels += Int(rowNecrotic[row])
                        stats.necroticRows.append(Int32(row))
                    }
                    maxT = pointwiseMaxFast(maxT, Vec(repeating: rowMaximum[row]))
                    continue
                }
                dirty?[row] = 0
                let pending = Float(pendingSeconds[row])
                pendingSeconds[row] = 0
                var count = zero
                var rowMax = Vec(repeating: -.infinity)
                @inline(__always) func chunk(_ b: Int, mask: SIMDMask<SIMD16<Int32>>) {
                    let t = load(tp + b)
                    let old = load(pp + b)
                    let peak = old.replacing(with: t, where: t .> old)
                    store(peak, pp + b)
                    rowMax = rowMax.replacing(with: t, where: mask .& (t .> rowMax))
                    poison = poison.replacing(with: poison + (t - t), where: mask)
                    if usesIntegral {
                        let r = rateLaw.rate(t, at: b)
                        let previous = load(rp + b)
                        // Deferred constant-rate time (the row did not change) plus this trapezoid.
                        let increment = (r + previous) * half + previous * pending
                        store(r, rp + b)
                        // Kahan summation.
                        let sum = load(op + b)
                        let y = increment - load(cp + b)
                        let s = sum + y
                        store((s - sum) - y, cp + b)
                        store(s, op + b)
                        count = count.replacing(with: count + one, where: mask .& (s .>= limit))
                    } else {
                        count = count.replacing(with: count + one, where: mask .& (peak .>= limit))
                    }
                }
                for n in 0..<fullChunks { chunk(base + n * lanes, mask: SIMDMask(repeating: true)) }
                if tail > 0 { chunk(base + fullChunks * lanes, mask: laneMask(valid: tail)) }
                let rowCount = Int(count.sum())
                rowNecrotic[row] = Int32(rowCount)
                rowMaximum[row] = rowMax.max()
                maxT = pointwiseMaxFast(maxT, rowMax)
                if rowCount > 0 {
                    stats.necroticVoxels += rowCount
                    stats.necroticRows.append(Int32(L.row(j, k)))
                }
            }
        }
        let m = maxT.max()
        stats.maxTemperature = m
        if !m.isFinite || !poison.sum().isFinite {
            stats.firstNonFinite = firstNonFinite(in: temperature, planes: planes)
        }
        return stats
    }

    /// Adds every row's deferred constant-rate damage; call before reading the integral.
    public func flush(planes: Range<Int>) {
        let L = layout
        for k in planes {
            for j in 0..<L.ny {
                let row = L.row(j, k)
                let pending = Float(pendingSeconds[row])
                guard pending > 0 else { continue }
                pendingSeconds[row] = 0
                let base = L.index(0, j, k)
                for i in 0..<L.nx {
                    let idx = base + i
                    let y = previousRate[idx] * pending - compensation[idx]
                    let s = integral[idx] + y
                    compensation[idx] = (s - integral[idx]) - y
                    integral[idx] = s
                }
            }
        }
    }

    /// The accumulated damage measure at a padded index (integral plus its compensation).
    @inline(__always) public func value(at idx: Int) -> Float { integral[idx] - compensation[idx] }

    @inline(__always)
    private func pointwiseMaxFast(_ a: Vec, _ b: Vec) -> Vec { a.replacing(with: b, where: b .> a) }

    private func firstNonFinite(in field: AlignedBuffer<Float>, planes: Range<Int>) -> Int? {
        let L = layout
        for k in planes {
            for j in 0..<L.ny {
                for i in 0..<L.nx {
                    let idx = L.index(i, j, k)
                    if !field[idx].isFinite { return idx }
                }
            }
        }
        return nil
    }
}

extension DamageIntegrator.PerVoxelArrheniusRate {
    init(_ field: ArrheniusField) {
        lnA = field.logFrequencyFactor.pointer
        eaR = field.activationTemperature.pointer
    }
}
