import AblationGrid
import AblationKernels
import AblationTissue
import Foundation

/// Where the needle is: tip and the point where it enters the grid's world (any point on the shaft
/// side works; only the direction matters). Millimetres, world frame.
public struct AntennaPlacement: Sendable, Equatable {
    public var tipMM: SIMD3<Double>
    public var entryMM: SIMD3<Double>
    public init(tipMM: SIMD3<Double>, entryMM: SIMD3<Double>) {
        self.tipMM = tipMM
        self.entryMM = entryMM
    }
}

/// How the radial factor uses the tissue state.
public enum RadialLaw: Sendable, Equatable {
    /// Q = K A(z) 2 alpha(r) exp(-2 tau(r)) / max(r, r0), tau(r) = integral_0^r alpha ds (default).
    /// This is the power balance of a cylindrical wave: the flux S(r) ~ exp(-2 tau) / r is absorbed
    /// at the local rate Q = 2 alpha S, so every ray deposits exactly the power the antenna radiated
    /// into it, whatever the tissue. Dried tissue both absorbs less itself and lets more through.
    case absorbing
    /// Q = K A(z) exp(-2 tau(r)) / max(r, r0): the radial factor exactly as first sketched. The
    /// pattern still responds to tissue state through tau, but dried tissue next to the antenna keeps
    /// absorbing at full strength, and hot slices of the antenna draw power from cool ones.
    case spreading
}

/// Sampling of the cylindrical grid on which the radial path integrals are computed.
public struct SARResolution: Sendable, Equatable {
    /// Radial and axial sample spacing as a fraction of the voxel size.
    public var radialStep: Double
    public var axialStep: Double
    /// Number of azimuthal rays (even, so that opposite rays exist).
    public var azimuths: Int
    public init(radialStep: Double = 0.5, axialStep: Double = 0.5, azimuths: Int = 64) {
        self.radialStep = radialStep
        self.axialStep = axialStep
        self.azimuths = max(4, azimuths + azimuths % 2)
    }
}

public struct DepositReport: Sendable, Equatable {
    /// Generator (forward) power and the absorbed power efficiency x forward.
    public var forwardPowerW: Double
    public var totalAbsorbedW: Double
    /// Power deposited on the grid: sum of Q x voxel volume (= totalAbsorbedW - outsideGridW up to
    /// Float rounding of Q).
    public var absorbedW: Double
    /// Fraction of the absorbed power that the model puts outside the grid (beyond its faces), and
    /// that power in watts. Tissue beyond the grid is taken at `MicrowaveSAR.outsideTemperatureC`.
    public var outsideGridFraction: Double
    public var outsideGridW: Double
    /// Main-lobe half-lengths used at this power (mm).
    public var forwardHalfLengthMM: Double
    public var backwardHalfLengthMM: Double
    /// Largest Q on the grid (W/m^3).
    public var peakWPerM3: Double
    /// Wavelength in the tissue next to the antenna over that at 37 °C (`nearFieldWavelengthRatio`).
    public var wavelengthRatio: Double = 1
}

/// Semi-empirical absorbed power density of an interstitial coaxial microwave antenna.
///
/// Antenna frame: z = distance along the needle from the tip (positive toward the entry point),
/// r = distance from the needle axis, phi = azimuth around it. The absorbed power density is
///
///     Q(r, z, phi) = K A(z) s(r) exp(-2 tau(r, z, phi)) / max(r, r0),   tau = integral_0^r alpha(T(s)) ds
///
/// with A(z) the device's axial profile (`DeviceProfile`), alpha the plane-wave attenuation of the
/// tissue at its current temperature (`DielectricModel`), s = 2 alpha at the point (`RadialLaw.absorbing`,
/// default) or a constant (`.spreading`), and K chosen so that Q integrates to the absorbed power.
///
/// Computation (per call, after a one-off set-up of the frame and each voxel's azimuth):
/// 1. alpha per voxel from a 0.05 °C table of alpha(T).
/// 2. For every axial station z_k (spacing `axialStep` x h over the support of A) and each of
///    `azimuths` rays perpendicular to the axis, alpha is sampled trilinearly every `radialStep` x h
///    out to the farthest grid corner (beyond the grid: alpha at `outsideTemperatureC`) and tau
///    integrated with the trapezoid rule; the table W = A(z_k) exp(-2 tau) / max(r, r0) is stored.
///    The same samples give each ray's deposit inside and outside the grid box (trapezoid, plus the
///    exact exponential tail beyond the last sample), hence the outside-grid fraction.
/// 3. Every voxel interpolates W trilinearly in (r, z, phi), times s at the voxel.
/// 4. The voxel sum is scaled to exactly (1 - outside fraction) x efficiency x forward power.
/// Accuracy: the trapezoid tau has relative error ~ (dr alpha)^2 / 12 ≈ 2e-5 for smooth alpha at
/// dr = 0.25 mm; the azimuthal interpolation blurs tissue structure over an arc of 2 pi r / azimuths
/// (2.9 mm at 30 mm with 64 rays), which is the main approximation for sharp features such as a
/// vessel; the outside-grid fraction is a quadrature estimate (error ~ dr x the deposit density at
/// the grid face), while the normalisation of the in-grid part is exact by construction.
public final class MicrowaveSAR: @unchecked Sendable {
    public let grid: Grid3D
    public let placement: AntennaPlacement
    public let profile: DeviceProfile
    public let dielectric: DielectricModel
    public let threads: Int
    public let radialLaw: RadialLaw
    public let resolution: SARResolution
    /// Tissue temperature assumed beyond the grid faces (°C).
    public var outsideTemperatureC: Double = 37

    let table: DielectricModel.AttenuationTable
    let tip: SIMD3<Double>
    let axis: SIMD3<Double>
    let e1: SIMD3<Double>
    let e2: SIMD3<Double>
    let drMM: Double
    let dzMM: Double
    let nr: Int
    let nphi: Int
    /// Axial stations k*dz covering the grid: k in kGridLo...kGridHi.
    let kGridLo: Int
    let kGridHi: Int
    /// Fractional azimuth index in [0, nphi) of each voxel, grid order.
    let phiIndex: [Float]
    /// Voxels within `nearFieldRadiusMM` of the antenna along its nominal radiating section.
    let nearField: [Int]
    /// Reused buffers: alpha per voxel (1/m) and the W table.
    var alpha: [Float]
    var wTable: [Float]
    /// Reused: each row's Float sum in steps 3 and 4 (index j + ny k).
    var rowSums: [Float]

    public convenience init(grid: Grid3D, placement: AntennaPlacement, profile: DeviceProfile, threads: Int) {
        // The throwing init only rejects a degenerate needle or an unknown frequency, both of which
        // the preset validation rejects first; use it directly to handle them as errors.
        do {
            try self.init(grid: grid, placement: placement, profile: profile, threads: threads,
                          radialLaw: .absorbing, resolution: SARResolution())
        } catch {
            preconditionFailure("MicrowaveSAR: \(error)")
        }
    }

    public init(grid: Grid3D, placement: AntennaPlacement, profile: DeviceProfile, threads: Int,
                radialLaw: RadialLaw, resolution: SARResolution) throws {
        let d = placement.entryMM - placement.tipMM
        let len = (d * d).sum().squareRoot()
        guard len > 1e-9, len.isFinite else { throw MicrowaveError.degenerateAntenna }
        self.grid = grid
        self.placement = placement
        self.profile = profile
        guard let dielectric = DielectricModel(frequencyMHz: profile.frequencyMHz) else {
            throw MicrowaveError.unsupportedFrequency(profile.frequencyMHz)
        }
        self.dielectric = dielectric
        self.threads = max(1, threads)
        self.radialLaw = radialLaw
        self.resolution = resolution
        self.table = DielectricModel.AttenuationTable(model: dielectric)
        let u = d / len
        tip = placement.tipMM
        axis = u
        // e1: the world axis least aligned with the needle, made perpendicular to it.
        let a: SIMD3<Double> = abs(u.x) <= abs(u.y) && abs(u.x) <= abs(u.z) ? [1, 0, 0]
            : (abs(u.y) <= abs(u.z) ? [0, 1, 0] : [0, 0, 1])
        var v = a - (a * u).sum() * u
        v /= (v * v).sum().squareRoot()
        e1 = v
        e2 = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
        drMM = resolution.radialStep * grid.spacingMM
        dzMM = resolution.axialStep * grid.spacingMM
        nphi = resolution.azimuths

        // Extent of the grid box in the antenna frame (its corners bound both r and z).
        let lo = grid.lowerCornerMM, hi = grid.upperCornerMM
        var rMax = 0.0, zLo = Double.infinity, zHi = -Double.infinity
        for c in 0..<8 {
            let p = SIMD3(c & 1 == 0 ? lo.x : hi.x, c & 2 == 0 ? lo.y : hi.y, c & 4 == 0 ? lo.z : hi.z)
            let q = p - tip
            let z = (q * u).sum()
            rMax = max(rMax, max(0, (q * q).sum() - z * z).squareRoot())
            zLo = min(zLo, z)
            zHi = max(zHi, z)
        }
        nr = Int((rMax / drMM).rounded(.up)) + 3
        kGridLo = Int((zLo / dzMM).rounded(.down)) - 1
        kGridHi = Int((zHi / dzMM).rounded(.up)) + 1

        // Azimuth of every voxel (the only per-voxel quantity worth storing: atan2 is the expensive part).
        let n = grid.voxelCount
        var phi = [Float](repeating: 0, count: n)
        let g = grid, t = tip, ee1 = e1, ee2 = e2, np = Double(nphi), workers = self.threads
        phi.withUnsafeMutableBufferPointer { buf in
            nonisolated(unsafe) let out = buf
            ParallelSlabs.run(planes: g.nz, threads: workers) { ks in
                for k in ks {
                    for j in 0..<g.ny {
                        for i in 0..<g.nx {
                            let q = g.worldPosition(i, j, k) - t
                            var f = atan2((q * ee2).sum(), (q * ee1).sum()) / (2 * Double.pi) * np
                            if f < 0 { f += np }
                            var ff = Float(f)
                            if !(ff < Float(np)) { ff = 0 }
                            out[g.linearIndex(i, j, k)] = ff
                        }
                    }
                }
            }
        }
        phiIndex = phi
        nearField = MicrowaveSAR.nearFieldVoxels(grid: grid, tip: tip, axis: u, profile: profile)
        alpha = [Float](repeating: 0, count: n)
        wTable = [Float](repeating: 0, count: (kGridHi - kGridLo + 1) * nphi * nr)
        rowSums = [Float](repeating: 0, count: grid.ny * grid.nz)
    }

    /// Antenna-frame coordinates of a world point: r (mm from the axis), z (mm along the needle from
    /// the tip, positive toward the entry), phi (radians, -pi...pi).
    public func cylindricalCoordinates(ofMM p: SIMD3<Double>) -> (r: Double, z: Double, phi: Double) {
        let q = p - tip
        let z = (q * axis).sum()
        let w = q - z * axis
        return ((w * w).sum().squareRoot(), z, atan2((w * e2).sum(), (w * e1).sum()))
    }

    /// Absorbed power density for the current tissue state.
    ///
    /// - temperature: °C per voxel in grid order (x fastest).
    /// - peakTemperature: optional peak °C per voxel; where it reached 100 °C the dielectric properties
    ///   stay at those of the peak (irreversible water loss, `DielectricModel.effectiveTemperature`).
    /// - q: resized to the grid if needed; receives W/m^3 per voxel. Sum of q x voxel volume =
    ///   efficiency x forwardPowerW x (1 - outsideGridFraction).
    public func deposit(forwardPowerW: Double, temperature: [Float], peakTemperature: [Float]? = nil,
                        into q: inout [Float]) -> DepositReport {
        let n = grid.voxelCount
        precondition(temperature.count == n, MicrowaveError.fieldSize(expected: n, got: temperature.count).description)
        if let p = peakTemperature {
            precondition(p.count == n, MicrowaveError.fieldSize(expected: n, got: p.count).description)
        }
        if q.count != n { q = [Float](repeating: 0, count: n) }
        let ratio = nearFieldWavelengthRatio(temperature: temperature, peakTemperature: peakTemperature)
        let lengths = profile.halfLengthsMM(forwardPowerW: max(forwardPowerW, 0), wavelengthRatio: ratio)
        let pAbs = profile.efficiency * max(forwardPowerW, 0)
        var report = DepositReport(forwardPowerW: forwardPowerW, totalAbsorbedW: pAbs, absorbedW: 0,
                                   outsideGridFraction: 0, outsideGridW: 0,
                                   forwardHalfLengthMM: lengths.forward, backwardHalfLengthMM: lengths.backward,
                                   peakWPerM3: 0, wavelengthRatio: ratio)
        guard pAbs > 0, pAbs.isFinite else {
            for i in 0..<n { q[i] = 0 }
            return report
        }

        let tab = table, workers = threads, g = grid
        let planeSize = g.nx * g.ny
        let support = profile.supportMM(forwardPowerW: forwardPowerW, wavelengthRatio: ratio)
        let kLo = max(kGridLo, Int((support.lowerBound / dzMM).rounded(.down)))
        let kHi = min(kGridHi, Int((support.upperBound / dzMM).rounded(.up)))
        let stations = max(0, kHi - kLo + 1)
        let zMinMM = Double(kLo) * dzMM, zMaxMM = Double(kHi) * dzMM
        let tipV = tip, u = axis

        // 1. alpha per voxel, in the rows steps 2 and 3 read: the rays lie in planes normal to the
        // axis at the stations, and a trilinear sample reads voxels at most 1.5 voxels per axis
        // from its point (2.6 h), so rows entirely beyond 4 h of the stations keep stale values that
        // nothing reads. The axial support is often a fraction of the grid.
        let reach = 4 * g.spacingMM
        @inline(__always) func needsAlpha(_ j: Int, _ k: Int) -> Bool {
            let span = MicrowaveSAR.axialSpan(g, tipV, u, j, k)
            return stations > 0 && span.hi >= zMinMM - reach && span.lo <= zMaxMM + reach
        }
        let alphaSlabs = ParallelSlabs.balanced(planes: g.nz, threads: workers) { k in
            Double((0..<g.ny).count { needsAlpha($0, k) })
        }
        alpha.withUnsafeMutableBufferPointer { ab in
            temperature.withUnsafeBufferPointer { tb in
                nonisolated(unsafe) let a = ab, t = tb
                if let peak = peakTemperature {
                    peak.withUnsafeBufferPointer { pb in
                        nonisolated(unsafe) let pk = pb
                        let onset = Float(DielectricModel.desiccationOnsetC)
                        ParallelSlabs.run(slabs: alphaSlabs) { ks in
                            for k in ks { for j in 0..<g.ny where needsAlpha(j, k) {
                                let start = k * planeSize + j * g.nx
                                for idx in start..<(start + g.nx) {
                                    let te = pk[idx] >= onset ? max(t[idx], pk[idx]) : t[idx]
                                    a[idx] = tab(te)
                                }
                            } }
                        }
                    }
                } else {
                    ParallelSlabs.run(slabs: alphaSlabs) { ks in
                        for k in ks { for j in 0..<g.ny where needsAlpha(j, k) {
                            let start = k * planeSize + j * g.nx
                            for idx in start..<(start + g.nx) { a[idx] = tab(t[idx]) }
                        } }
                    }
                }
            }
        }

        // 2. Rays: tau, the W table, and the in-grid / total deposit per ray.
        let alphaOut = Double(tab(Float(outsideTemperatureC)))
        let alphaRef = dielectric.attenuation(37)
        let law = radialLaw
        let r0 = profile.antennaRadiusMM
        let nr = self.nr, nphi = self.nphi, drMM = self.drMM, dzMM = self.dzMM, kGridLo = self.kGridLo
        let prof = profile, power = forwardPowerW
        let originV = g.originMM, h = g.spacingMM
        let ee1 = e1, ee2 = e2
        let nxD = Double(g.nx), nyD = Double(g.ny), nzD = Double(g.nz)
        var inGridShare = 0.0, totalShare = 0.0
        if stations > 0 {
            let sums: [(Double, Double)] = alpha.withUnsafeBufferPointer { ab in
                wTable.withUnsafeMutableBufferPointer { wb in
                    nonisolated(unsafe) let a = ab, w = wb
                    return ParallelSlabs.map(planes: stations, threads: workers) { range -> (Double, Double) in
                        var inside = 0.0, total = 0.0
                        let drM = drMM * 1e-3
                        let sOut = law == .absorbing ? alphaOut : alphaRef
                        let decayOut = exp(-2 * alphaOut * drM)
                        for s in range {
                            let k = kLo + s
                            let zMM = Double(k) * dzMM
                            let amp = prof.axialProfile(zMM: zMM, forwardPowerW: power, wavelengthRatio: ratio)
                            let rowBase = (k - kGridLo) * nphi * nr
                            if amp <= 0 {
                                for x in rowBase..<(rowBase + nphi * nr) { w[x] = 0 }
                                continue
                            }
                            let centre = (tipV + zMM * u - originV) / h
                            for m in 0..<nphi {
                                let ph = 2 * Double.pi * Double(m) / Double(nphi)
                                let dir = (cos(ph) * ee1 + sin(ph) * ee2) * (drMM / h)
                                let base = rowBase + m * nr
                                var tau = 0.0, prevAlpha = 0.0, e = 1.0
                                var rayIn = 0.0, rayTotal = 0.0
                                var entered = false, exited = false
                                for j in 0..<nr {
                                    let rMM = Double(j) * drMM
                                    let weight = (j == 0 || j == nr - 1) ? 0.5 : 1.0
                                    if exited {
                                        // Past the grid (a box is convex: a ray that left it stays out):
                                        // constant alpha, so exp(-2 tau) falls by a constant factor per step.
                                        e *= decayOut
                                        w[base + j] = Float(amp * e / (max(rMM, r0) * 1e-3))
                                        rayTotal += weight * sOut * e * min(1, rMM / r0)
                                        continue
                                    }
                                    let v = centre + Double(j) * dir
                                    // Inside the box of the grid's faces?
                                    let inBox = v.x >= -0.5 && v.y >= -0.5 && v.z >= -0.5
                                        && v.x <= nxD - 0.5 && v.y <= nyD - 0.5 && v.z <= nzD - 0.5
                                    if inBox { entered = true } else if entered { exited = true }
                                    let al = inBox ? MicrowaveSAR.trilinear(a, g, v) : alphaOut
                                    if j > 0 { tau += 0.5 * (prevAlpha + al) * drM }
                                    prevAlpha = al
                                    e = exp(-2 * tau)
                                    w[base + j] = Float(amp * e / (max(rMM, r0) * 1e-3))
                                    // Deposit per unit r on this ray: s e min(1, r / r0).
                                    let sLocal = law == .absorbing ? al : alphaRef
                                    let dep = weight * sLocal * e * min(1, rMM / r0)
                                    rayTotal += dep
                                    if inBox { rayIn += dep }
                                }
                                // Exact tail beyond the last sample (alpha = alphaOut there).
                                rayTotal += sOut * e / (2 * alphaOut * drM)
                                inside += amp * rayIn
                                total += amp * rayTotal
                            }
                        }
                        return (inside, total)
                    }
                }
            }
            for s in sums { inGridShare += s.0; totalShare += s.1 }
        }
        var outside = totalShare > 0 ? max(0, min(1, 1 - inGridShare / totalShare)) : 1

        // 3. Voxels: interpolate W, times s at the voxel; Float row sums, added in Double. Rows that
        // lie wholly outside the stations are zero. The work is in the support's planes, so slabs
        // are cut by rows in the support.
        @inline(__always) func inSupport(_ j: Int, _ k: Int) -> Bool {
            let span = MicrowaveSAR.axialSpan(g, tipV, u, j, k)
            return stations > 0 && span.hi >= zMinMM && span.lo < zMaxMM
        }
        let supportSlabs = ParallelSlabs.balanced(planes: g.nz, threads: workers) { k in
            Double((0..<g.ny).count { inSupport($0, k) })
        }
        let voxelSum: Double = phiIndex.withUnsafeBufferPointer { pb in
            alpha.withUnsafeBufferPointer { ab in
                wTable.withUnsafeBufferPointer { wb in
                    q.withUnsafeMutableBufferPointer { qb in
                        rowSums.withUnsafeMutableBufferPointer { sb in
                        nonisolated(unsafe) let ph = pb, a = ab, w = wb, out = qb, sums = sb
                        ParallelSlabs.run(slabs: supportSlabs) { ks in
                            let invDr = 1 / drMM, invDz = 1 / dzMM
                            let sConst = Float(alphaRef)
                            let planeStride = nphi * nr
                            for k in ks {
                                for j in 0..<g.ny {
                                    let p0 = g.worldPosition(0, j, k) - tipV
                                    let z0 = (p0 * u).sum(), zStep = u.x * h
                                    var rowSum: Float = 0
                                    let rowBase = g.linearIndex(0, j, k)
                                    guard inSupport(j, k) else {
                                        (out.baseAddress! + rowBase).update(repeating: 0, count: g.nx)
                                        sums[j + g.ny * k] = 0
                                        continue
                                    }
                                    for i in 0..<g.nx {
                                        let idx = rowBase + i
                                        let z = z0 + Double(i) * zStep
                                        if stations == 0 || z < zMinMM || z >= zMaxMM { out[idx] = 0; continue }
                                        let dx = p0.x + Double(i) * h
                                        let r2 = dx * dx + p0.y * p0.y + p0.z * p0.z - z * z
                                        let r = max(0, r2).squareRoot()
                                        let zf = (z - zMinMM) * invDz
                                        let k0 = min(Int(zf), stations - 2 >= 0 ? stations - 2 : 0)
                                        let fz = Float(zf - Double(k0))
                                        let rf = r * invDr
                                        let j0 = min(Int(rf), nr - 2)
                                        let fr = Float(rf - Double(j0))
                                        let pf = ph[idx]
                                        let m0 = min(Int(pf), nphi - 1)
                                        let m1 = m0 + 1 == nphi ? 0 : m0 + 1
                                        let fp = pf - Float(m0)
                                        let b0 = (kLo - kGridLo + k0) * planeStride
                                        let b1 = stations > 1 ? b0 + planeStride : b0
                                        @inline(__always) func lerpR(_ b: Int) -> Float {
                                            w[b + j0] + fr * (w[b + j0 + 1] - w[b + j0])
                                        }
                                        let c00 = lerpR(b0 + m0 * nr), c01 = lerpR(b0 + m1 * nr)
                                        let c10 = lerpR(b1 + m0 * nr), c11 = lerpR(b1 + m1 * nr)
                                        let c0 = c00 + fp * (c01 - c00), c1 = c10 + fp * (c11 - c10)
                                        let wv = c0 + fz * (c1 - c0)
                                        let val = (law == .absorbing ? a[idx] : sConst) * wv
                                        out[idx] = val
                                        rowSum += val
                                    }
                                    sums[j + g.ny * k] = rowSum
                                }
                            }
                        }
                        return MicrowaveSAR.sumLikeEvenSlabs(UnsafeBufferPointer(sums), grid: g, threads: workers)
                        }
                    }
                }
            }
        }

        // 4. Normalise the in-grid part to exactly (1 - outside) x P_abs.
        guard voxelSum > 0, voxelSum.isFinite, outside < 1 else {
            for i in 0..<n { q[i] = 0 }
            report.outsideGridFraction = 1
            report.outsideGridW = pAbs
            return report
        }
        let dV = grid.voxelVolumeMM3 * 1e-9
        let scale = pAbs * (1 - outside) / (voxelSum * dV)
        let (scaledSum, peak): (Double, Float) = q.withUnsafeMutableBufferPointer { qb in
            rowSums.withUnsafeMutableBufferPointer { sb in
                nonisolated(unsafe) let out = qb, sums = sb
                let peaks = ParallelSlabs.map(slabs: supportSlabs) { _, ks -> Float in
                    var peak: Float = 0
                    for k in ks {
                        // The rows step 3 zeroed stay zero (their row sums too).
                        for row in 0..<g.ny where inSupport(row, k) {
                            let start = k * planeSize + row * g.nx
                            var rowSum: Float = 0
                            for idx in start..<(start + g.nx) {
                                let v = Float(Double(out[idx]) * scale)
                                out[idx] = v
                                rowSum += v
                                peak = max(peak, v)
                            }
                            sums[row + g.ny * k] = rowSum
                        }
                    }
                    return peak
                }
                return (MicrowaveSAR.sumLikeEvenSlabs(UnsafeBufferPointer(sums), grid: g, threads: workers), peaks.max() ?? 0)
            }
        }
        outside = max(0, outside)
        report.outsideGridFraction = outside
        report.outsideGridW = pAbs * outside
        report.absorbedW = scaledSum * dV
        report.peakWPerM3 = Double(peak)
        return report
    }

    /// Radius of the tissue sleeve whose state sets the guided wavelength along the antenna (mm beyond
    /// the antenna's surface): about a tenth of the 2.45 GHz wavelength in fresh liver, the reach of
    /// the near field that loads the antenna.
    public static let nearFieldRadiusMM = 3.0

    /// Wavelength in the tissue sleeve around the antenna relative to fresh tissue at 37 °C:
    /// sqrt(eps_r(37) / mean eps_r) over the sleeve, the permittivity taken at the effective (drying-aware)
    /// temperature. 1 when the sleeve has no voxels (antenna outside the grid).
    public func nearFieldWavelengthRatio(temperature: [Float], peakTemperature: [Float]?) -> Double {
        guard !nearField.isEmpty else { return 1 }
        var sum = 0.0
        for idx in nearField {
            let t = Double(temperature[idx])
            let te = peakTemperature.map { DielectricModel.effectiveTemperature(current: t, peak: Double($0[idx])) } ?? t
            sum += dielectric.relativePermittivity(te)
        }
        let mean = sum / Double(nearField.count)
        return mean > 0 ? (dielectric.relativePermittivity(37) / mean).squareRoot() : 1
    }

    static func nearFieldVoxels(grid g: Grid3D, tip: SIMD3<Double>, axis u: SIMD3<Double>,
                                profile: DeviceProfile) -> [Int] {
        let reach = profile.antennaRadiusMM + nearFieldRadiusMM
        let l = profile.halfLengthsMM(forwardPowerW: profile.referencePowerW)
        let zRange = (profile.feedOffsetMM - l.forward)...(profile.feedOffsetMM + l.backward)
        var out: [Int] = []
        for k in 0..<g.nz {
            for j in 0..<g.ny {
                for i in 0..<g.nx {
                    let q = g.worldPosition(i, j, k) - tip
                    let z = (q * u).sum()
                    guard zRange.contains(z) else { continue }
                    let r2 = (q * q).sum() - z * z
                    if r2 <= reach * reach { out.append(g.linearIndex(i, j, k)) }
                }
            }
        }
        return out
    }

    // MARK: helpers

    /// The sum of the row sums (index j + ny k) in Double, grouped as `ParallelSlabs.map(planes: nz, threads:)`
    /// groups planes: each even slab's rows in order, then the slabs' totals in order. Work is split
    /// by the support now, but the totals keep the bits they had when each worker summed its own
    /// even slab, so results do not move with the split.
    static func sumLikeEvenSlabs(_ rowSums: UnsafeBufferPointer<Float>, grid g: Grid3D, threads: Int) -> Double {
        let workers = max(1, min(threads, g.nz))
        var total = 0.0
        for w in 0..<workers {
            var sum = 0.0
            let planes = ParallelSlabs.slab(w, of: workers, planes: g.nz)
            for r in (planes.lowerBound * g.ny)..<(planes.upperBound * g.ny) {
                sum += Double(rowSums[r])
            }
            total += sum
        }
        return total
    }

    /// Smallest and largest antenna-frame z (mm) of the voxels of row (j, k), computed exactly as
    /// step 3 computes each voxel's z (z0 + i * step). Rounding is monotone, so z is monotone in i
    /// and the row's two end voxels bound every voxel of the row: a row found outside a z range
    /// holds no voxel inside it.
    @inline(__always)
    static func axialSpan(_ g: Grid3D, _ tip: SIMD3<Double>, _ u: SIMD3<Double>, _ j: Int, _ k: Int) -> (lo: Double, hi: Double) {
        let p0 = g.worldPosition(0, j, k) - tip
        let z0 = (p0 * u).sum()
        let zLast = z0 + Double(g.nx - 1) * (u.x * g.spacingMM)
        return (min(z0, zLast), max(z0, zLast))
    }

    /// Trilinear interpolation of a voxel field at continuous voxel coordinates v (edges replicated).
    @inline(__always)
    static func trilinear(_ a: UnsafeBufferPointer<Float>, _ g: Grid3D, _ v: SIMD3<Double>) -> Double {
        let x = min(max(v.x, 0), Double(g.nx - 1)), y = min(max(v.y, 0), Double(g.ny - 1)),
            z = min(max(v.z, 0), Double(g.nz - 1))
        let i0 = min(Int(x), max(g.nx - 2, 0)), j0 = min(Int(y), max(g.ny - 2, 0)), k0 = min(Int(z), max(g.nz - 2, 0))
        let fx = x - Double(i0), fy = y - Double(j0), fz = z - Double(k0)
        let di = g.nx > 1 ? 1 : 0, dj = g.ny > 1 ? g.nx : 0, dk = g.nz > 1 ? g.nx * g.ny : 0
        let b = i0 + g.nx * (j0 + g.ny * k0)
        func at(_ o: Int) -> Double { Double(a[b + o]) }
        let c00 = at(0) + fx * (at(di) - at(0))
        let c10 = at(dj) + fx * (at(dj + di) - at(dj))
        let c01 = at(dk) + fx * (at(dk + di) - at(dk))
        let c11 = at(dk + dj) + fx * (at(dk + dj + di) - at(dk + dj))
        let c0 = c00 + fy * (c10 - c00), c1 = c01 + fy * (c11 - c01)
        return c0 + fz * (c1 - c0)
    }
}
