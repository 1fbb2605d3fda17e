import AblationKernels
import Foundation

/// Quasi-static electric potential of radiofrequency ablation: div(sigma grad V) = 0.
///
/// Discretisation: 7-point finite volumes on the padded grid. The face between voxels i and j has
/// conductance G_f = sigma_f h (S), sigma_f the harmonic mean of the two conductivities (exact flux
/// continuity across tissue interfaces), so the equation of a free voxel is sum_f G_f (V_j - V_i) = 0.
///
/// Boundary conditions:
/// - electrode voxels (mask) are held at the applied voltage. They are ideal conductors: the sigma
///   given there is ignored and the face to a tissue voxel has conductance 2 sigma_tissue h (the
///   harmonic mean with an infinite conductivity), i.e. the voltage acts on the voxel faces, which
///   are the electrode's surface, unless `setSurfaceContacts` places the true surface along the link
///   (a needle's cylinder), making the face sigma_tissue h / fraction. A conductor thinner than a voxel (mask value
///   `thinConductor`) is instead a wire through the voxel's centre: the rest of that voxel is
///   tissue with the sigma given there, so its faces are the usual harmonic mean. Why: the voltage
///   then acts at the centre, and the tissue touching the wire, which dries first and makes the
///   generator roll off, is that voxel's own tissue (the surface treatment would make the wire a
///   conductor a voxel thick, whose neighbours 1 mm away must dry first). A node held at V behaves
///   like a wire of radius r_o = 0.198 h (Peaceman's equivalent radius of the 5-point stencil
///   around a line source), so its faces to tissue are scaled by ln(h / r_o) / ln(h / r_w) for a
///   wire of radius r_w (`thinConductorRadiusM`): exact for radial flow in uniform tissue, 1 when
///   r_w = r_o (0.4 mm tines at 1 mm voxels);
/// - the outer boundary is the dispersive pad at 0 V: ghost values are 0 and a face to a ghost uses
///   the interior voxel's sigma (the pad sits one spacing beyond the outermost voxel centres);
/// - insulation (the needle shaft) is a voxel with tiny sigma, set by the caller.
///   Electrodes should not touch the outer boundary (that would short them to the pad).
///
/// Solver: preconditioned conjugate gradients on the SPD system restricted to the free voxels.
/// Mixed precision: the field is kept in Double for unit voltage (`unit`), and the true residual is
/// evaluated in Double; corrections are computed by CG in Float (SIMD16 kernels, Float V-cycle,
/// dot products summed per row in Float and across rows and planes in Double) to a modest relative
/// reduction and added to the Double field (iterative refinement). A pure Float iteration cannot
/// promise 1e-6: the rounding of a Float field alone leaves a residual near 1e-6 of the
/// right-hand side on 160^3 grids, and the recursively updated Float residual drifts from the true
/// one. The Double outer loop makes the reported residual the true one.
///
/// Warm start: the solution is linear in the voltage, so the solver keeps the unit-voltage field and
/// every solve starts from it, which is the previous solution scaled to the new voltage. After a small
/// change of sigma only the correction is computed.
public final class PotentialSolver: @unchecked Sendable {
    // @unchecked: one owner calls the methods; worker threads write disjoint planes inside them.
    public enum Preconditioner: Sendable, Equatable {
        case jacobi
        case multigrid
    }

    public struct Result: Sendable, Equatable {
        /// Conjugate-gradient iterations (each one operator product and one preconditioner
        /// application), summed over the refinement steps.
        public var iterations: Int
        /// Refinement steps (true residuals evaluated in Double, including the final check).
        public var refinements: Int
        /// ||b - A x|| / ||b|| of the final field over the free voxels, in Double.
        public var relativeResidual: Double
        /// The same for the starting field (1 on a cold start; small on a good warm start).
        public var initialRelativeResidual: Double
        public var converged: Bool
        /// Current leaving the electrode (A).
        public var current: Double
        /// Current entering the dispersive pad through the outer boundary (A); equals `current` up
        /// to the residual (charge conservation).
        public var padCurrent: Double
        /// V / I (ohm); +infinity without electrode voxels.
        public var resistance: Double
        /// Total Joule power V I (W).
        public var power: Double
    }

    public let layout: PaddedLayout
    public let spacingM: Double
    public let threads: Int
    public var preconditioner: Preconditioner = .multigrid { didSet { hierarchy = nil } }
    /// How many conductivity updates the multigrid hierarchy may lag behind the operator (0: rebuilt
    /// for every new operator). A lagged hierarchy is still a symmetric positive definite
    /// preconditioner, so CG converges to the same tolerance; it only costs iterations when the
    /// conductivity has moved far since the hierarchy was built. Electrode changes always rebuild it.
    public var hierarchyLag = 0
    private var hierarchyAge = 0
    /// Relative reduction of the Float residual per refinement step.
    public var innerReduction: Double = 1e-4

    private let sigma: AlignedBuffer<Float>
    private let electrode: AlignedBuffer<UInt8>
    /// Per row (j, k): 1 if the row holds an electrode voxel. Faces of rows without one, whose
    /// neighbour row across the face has none either, are plain harmonic means (the fast path of
    /// `rebuild`).
    private var electrodeRows: [UInt8] = []
    /// Free voxels with a face to an electrode voxel: the only ones with a right-hand side.
    private var electrodeNeighbours: [Int] = []
    private var hasConductivity = false
    private var operatorStale = true
    let grid: ConductanceGrid
    private var hierarchy: MultigridPreconditioner?

    /// Field for 1 V on the electrode (electrode voxels 1, ghosts 0).
    private let unit: AlignedBuffer<Double>
    private let field: AlignedBuffer<Float>
    private var appliedVoltage: Double = 0
    /// ||b|| for 1 V: b_i = sum of the faces from free voxel i to electrode voxels.
    private var rhsNormPerVolt: Double = 0

    // Float CG vectors.
    private let e, r, p, q, z, scratch: AlignedBuffer<Float>

    public init(layout: PaddedLayout, spacingM: Double, threads: Int) {
        precondition(spacingM > 0 && spacingM.isFinite, "spacing must be positive")
        self.layout = layout
        self.spacingM = spacingM
        self.threads = max(1, threads)
        sigma = AlignedBuffer(count: layout.count, repeating: 0)
        electrode = AlignedBuffer(count: layout.count, repeating: 0)
        grid = ConductanceGrid(layout: layout)
        unit = AlignedBuffer(count: layout.count, repeating: 0)
        field = AlignedBuffer(count: layout.count, repeating: 0)
        e = AlignedBuffer(count: layout.count, repeating: 0)
        r = AlignedBuffer(count: layout.count, repeating: 0)
        p = AlignedBuffer(count: layout.count, repeating: 0)
        q = AlignedBuffer(count: layout.count, repeating: 0)
        z = AlignedBuffer(count: layout.count, repeating: 0)
        scratch = AlignedBuffer(count: layout.count, repeating: 0)
    }

    /// Electric potential (V) of the last solve, padded layout; ghosts 0.
    public var potential: AlignedBuffer<Float> { field }

    /// Conductivity in S/m per voxel (padded layout; only interior voxels are read; every
    /// non-electrode voxel must be positive and finite). Face conductances and the preconditioner
    /// are rebuilt at the next solve; the previous solution is kept as the warm start.
    public func setConductivity(_ values: AlignedBuffer<Float>) {
        precondition(values.count == layout.count, "conductivity must use the solver's layout")
        sigma.copy(from: values)
        hasConductivity = true
        operatorStale = true
    }

    /// Mask value of an electrode voxel whose conductor is thinner than the voxel (see the type).
    public static let thinConductor: UInt8 = 2
    /// Whether a mask value marks a conductor whose surface is the voxel's faces (metal fills the voxel).
    @inline(__always) static func isSurfaceConductor(_ mask: UInt8) -> Bool { mask != 0 && mask != thinConductor }
    /// Radius (m) of the wire in `thinConductor` voxels; 0 leaves their faces unscaled.
    public var thinConductorRadiusM: Double = 0 { didSet { operatorStale = true } }
    /// Peaceman's equivalent radius of a line source in a square grid, over the spacing.
    static let equivalentRadiusPerSpacing = 0.198

    /// Factor on the faces between a thin conductor's voxel and tissue (see the type).
    var thinContactScale: Double {
        let r = thinConductorRadiusM, h = spacingM
        guard r > 0, r < h / 2 else { return 1 }
        return Foundation.log(1 / PotentialSolver.equivalentRadiusPerSpacing) / Foundation.log(h / r)
    }

    /// Electrode mask (padded layout, interior read): non-zero = electrode voxel at the applied
    /// voltage; `thinConductor` = a conductor thinner than the voxel, through its centre.
    public func setElectrode(_ mask: AlignedBuffer<UInt8>) {
        precondition(mask.count == layout.count, "electrode mask must use the solver's layout")
        electrode.copy(from: mask)
        hierarchy = nil
        let L = layout
        electrodeRows = [UInt8](repeating: 0, count: L.rowCount)
        electrodeNeighbours = []
        for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
            let idx = L.index(i, j, k)
            if electrode[idx] != 0 { unit[idx] = 1; electrodeRows[L.row(j, k)] = 1 } else if unit[idx] == 1 { unit[idx] = 0 }
        } } }
        for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
            let idx = L.index(i, j, k)
            guard electrode[idx] == 0 else { continue }
            // Ghost neighbours hold 0 in the mask.
            if electrode[idx + 1] != 0 || electrode[idx - 1] != 0 || electrode[idx + L.strideY] != 0
                || electrode[idx - L.strideY] != 0 || electrode[idx + L.strideZ] != 0 || electrode[idx - L.strideZ] != 0 {
                electrodeNeighbours.append(idx)
            }
        } } }
        operatorStale = true
    }

    /// Where a surface conductor's true surface cuts the link to a tissue voxel, per face: the
    /// distance from the tissue voxel's centre to the surface, in spacings (key: the face's lower
    /// padded index times 3 plus its axis). Faces without an entry have the surface on the voxel
    /// face (0.5). The face conductance is sigma_tissue h / fraction (Shortley-Weller).
    private var surfaceFractions: [Int: Double] = [:]

    /// Sets where the conductors' true surfaces cut their links to tissue (padded indices of the
    /// two voxels, which must be face neighbours, the electrode one a surface conductor; fraction in
    /// (0, 1]). Call after `setElectrode`; an empty list restores voxel-face surfaces.
    public func setSurfaceContacts(_ contacts: [(electrode: Int, tissue: Int, fraction: Double)]) {
        let L = layout
        surfaceFractions = [:]
        for c in contacts {
            precondition(c.fraction > 0 && c.fraction <= 1, "contact fraction must be in (0, 1]")
            let lower = min(c.electrode, c.tissue), step = abs(c.electrode - c.tissue)
            let axis = step == 1 ? 0 : step == L.strideY ? 1 : 2
            precondition(step == 1 || step == L.strideY || step == L.strideZ, "contacts join face neighbours")
            surfaceFractions[lower * 3 + axis] = c.fraction
        }
        operatorStale = true
    }

    /// Convenience: electrode mask as one Bool per padded entry.
    public func setElectrode(_ mask: [Bool]) {
        precondition(mask.count == layout.count, "electrode mask must use the solver's layout")
        let m = AlignedBuffer<UInt8>(count: layout.count, repeating: 0)
        for i in 0..<mask.count where mask[i] { m[i] = 1 }
        setElectrode(m)
    }

    /// Forgets the previous solution (the next solve starts cold).
    public func resetWarmStart() {
        let L = layout
        for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
            let idx = L.index(i, j, k)
            unit[idx] = electrode[idx] != 0 ? 1 : 0
        } } }
    }

    // MARK: Operator assembly

    private func rebuild() {
        precondition(hasConductivity, "setConductivity before solve")
        let L = layout
        let h = spacingM
        let s = sigma, el = electrode, g = grid
        let sy = L.strideY, sz = L.strideZ
        let thinScale = thinContactScale
        let fractions = surfaceFractions
        ParallelSlabs.run(planes: L.nz, threads: threads) { planes in
            func inside(_ i: Int, _ n: Int) -> Bool { i >= 0 && i < n }
            func conductance(_ a: Int, _ aInside: Bool, _ b: Int, _ bInside: Bool) -> Float {
                // a or b may be a ghost (not both).
                if !aInside || !bInside {
                    let c = aInside ? a : b
                    return Float(Double(s[c]) * h)
                }
                let ea = el[a] != 0, eb = el[b] != 0
                if ea && eb { return 0 }
                // A thin conductor's voxel is tissue around a wire: the harmonic mean below.
                let ca = PotentialSolver.isSurfaceConductor(el[a]), cb = PotentialSolver.isSurfaceConductor(el[b])
                if ca || cb {
                    let step = b - a
                    let fraction = fractions[a * 3 + (step == 1 ? 0 : step == sy ? 1 : 2)] ?? 0.5
                    return Float(Double(s[ca ? b : a]) * h / fraction)
                }
                let sa = Double(s[a]), sb = Double(s[b])
                return Float(2 * sa * sb / (sa + sb) * h * (ea || eb ? thinScale : 1))
            }
            let S = UnsafePointer(s.pointer), GX = g.gx.pointer, GY = g.gy.pointer, GZ = g.gz.pointer
            let hf = Float(h)
            // Plain tissue faces: the harmonic mean, in Float (within an ulp of the Double formula).
            @inline(__always) func harmonic(_ a: Float, _ b: Float) -> Float { 2 * a * b / (a + b) * hf }
            let rows = electrodeRows
            for k in planes {
                for j in 0..<L.ny {
                    let base = L.index(0, j, k)
                    if rows[L.row(j, k)] == 0 {
                        GX[base - 1] = S[base] * hf
                        for i in 0..<(L.nx - 1) { GX[base + i] = harmonic(S[base + i], S[base + i + 1]) }
                        GX[base + L.nx - 1] = S[base + L.nx - 1] * hf
                    } else {
                        for i in -1..<L.nx {
                            let idx = base + i
                            g.gx[idx] = conductance(idx, inside(i, L.nx), idx + 1, inside(i + 1, L.nx))
                        }
                    }
                }
                for j in -1..<L.ny {
                    let base = L.index(0, j, k)
                    if j >= 0, j + 1 < L.ny, rows[L.row(j, k)] == 0, rows[L.row(j + 1, k)] == 0 {
                        for i in 0..<L.nx { GY[base + i] = harmonic(S[base + i], S[base + i + sy]) }
                    } else {
                        for i in 0..<L.nx {
                            let idx = base + i
                            g.gy[idx] = conductance(idx, inside(j, L.ny), idx + sy, inside(j + 1, L.ny))
                        }
                    }
                }
                // z faces of plane k (+ side), and the ghost face below plane 0.
                for j in 0..<L.ny {
                    let base = L.index(0, j, k)
                    if k + 1 < L.nz, rows[L.row(j, k)] == 0, rows[L.row(j, k + 1)] == 0 {
                        for i in 0..<L.nx { GZ[base + i] = harmonic(S[base + i], S[base + i + sz]) }
                    } else {
                        for i in 0..<L.nx {
                            let idx = base + i
                            g.gz[idx] = conductance(idx, true, idx + sz, k + 1 < L.nz)
                        }
                    }
                    if k == 0 {
                        for i in 0..<L.nx {
                            let idx = base + i
                            g.gz[idx - sz] = conductance(idx - sz, false, idx, true)
                        }
                    }
                }
            }
        }
        ParallelSlabs.run(planes: L.nz, threads: threads) { planes in
            for k in planes { for j in 0..<L.ny { for i in 0..<L.nx {
                let idx = L.index(i, j, k)
                precondition(PotentialSolver.isSurfaceConductor(el[idx]) || (s[idx] > 0 && s[idx].isFinite),
                             "conductivity must be positive and finite outside surface conductors (voxel \(i), \(j), \(k))")
            } } }
            g.finishDiagonal(planes: planes) { el[$0] == 0 }
        }
        // ||b|| per volt: b is non-zero only beside the electrode (ghost neighbours are 0 in the mask).
        var sum = 0.0
        for idx in electrodeNeighbours {
            var b = 0.0
            if el[idx + 1] != 0 { b += Double(g.gx[idx]) }
            if el[idx - 1] != 0 { b += Double(g.gx[idx - 1]) }
            if el[idx + sy] != 0 { b += Double(g.gy[idx]) }
            if el[idx - sy] != 0 { b += Double(g.gy[idx - sy]) }
            if el[idx + sz] != 0 { b += Double(g.gz[idx]) }
            if el[idx - sz] != 0 { b += Double(g.gz[idx - sz]) }
            sum += b * b
        }
        rhsNormPerVolt = sum.squareRoot()
        if hierarchyAge >= hierarchyLag { hierarchy = nil }
        hierarchyAge += 1
        operatorStale = false
    }

    // MARK: Solve

    /// Solves for `voltage` on the electrode, starting from the previous unit-voltage field.
    /// Converged when the Double residual over the free voxels is at most `tolerance` times ||b||.
    @discardableResult
    public func solve(voltage: Double, tolerance: Double = 1e-6, maxIterations: Int = 5000) -> Result {
        if operatorStale { rebuild() }
        appliedVoltage = voltage
        var iterations = 0
        var refinements = 0
        var relative = 0.0, initial = 0.0
        let bNorm = rhsNormPerVolt
        if bNorm > 0 {
            while true {
                let rNorm = trueResidual()
                refinements += 1
                relative = rNorm / bNorm
                if refinements == 1 { initial = relative }
                if relative <= tolerance || iterations >= maxIterations || refinements > 50 { break }
                // Built only when needed: a warm start may already meet the tolerance.
                if preconditioner == .multigrid && hierarchy == nil {
                    hierarchy = MultigridPreconditioner(fine: grid, threads: threads)
                    hierarchyAge = 0
                }
                let target = max(0.5 * tolerance * bNorm, innerReduction * rNorm)
                iterations += conjugateGradient(initialNorm: rNorm, target: target,
                                                maxIterations: maxIterations - iterations)
                addCorrection()
            }
        }
        writePotential()
        let (current, pad) = currents()
        return Result(iterations: iterations, refinements: refinements, relativeResidual: relative, initialRelativeResidual: initial,
                      converged: relative <= tolerance, current: voltage * current, padCurrent: voltage * pad,
                      resistance: current > 0 ? 1 / current : .infinity, power: voltage * voltage * current)
    }

    /// r = b - A u in Double for the unit field; writes Float(r) into `r`; returns ||r||.
    private func trueResidual() -> Double {
        let L = layout, g = grid
        let sy = L.strideY, sz = L.strideZ
        let U = UnsafePointer(unit.pointer), R = r.pointer
        let D = UnsafePointer(g.diagonal.pointer)
        let GX = UnsafePointer(g.gx.pointer), GY = UnsafePointer(g.gy.pointer), GZ = UnsafePointer(g.gz.pointer)
        let sum = planeReduce(planes: L.nz, threads: threads) { k in
            var planeSum = 0.0
            for j in 0..<L.ny {
                let base = L.index(0, j, k)
                for idx in base..<(base + L.nx) {
                    guard D[idx] > 0 else { R[idx] = 0; continue }
                    let ax = Double(GX[idx]), bx = Double(GX[idx - 1])
                    let ay = Double(GY[idx]), by = Double(GY[idx - sy])
                    let az = Double(GZ[idx]), bz = Double(GZ[idx - sz])
                    let flux = ax * U[idx + 1] + bx * U[idx - 1] + ay * U[idx + sy] + by * U[idx - sy]
                        + az * U[idx + sz] + bz * U[idx - sz]
                    let res = flux - (ax + bx + ay + by + az + bz) * U[idx]
                    R[idx] = Float(res)
                    planeSum += res * res
                }
            }
            return planeSum
        }
        return sum.squareRoot()
    }

    /// u += e on free voxels.
    private func addCorrection() {
        let L = layout
        let U = unit.pointer, E = UnsafePointer(e.pointer), D = UnsafePointer(grid.diagonal.pointer)
        ParallelSlabs.run(planes: L.nz, threads: threads) { planes in
            for k in planes { for j in 0..<L.ny {
                let base = L.index(0, j, k)
                for idx in base..<(base + L.nx) where D[idx] > 0 { U[idx] += Double(E[idx]) }
            } }
        }
    }

    private func writePotential() {
        let L = layout
        let U = UnsafePointer(unit.pointer), F = field.pointer
        let v = appliedVoltage
        ParallelSlabs.run(planes: L.nz, threads: threads) { planes in
            for k in planes { for j in 0..<L.ny {
                let base = L.index(0, j, k)
                for idx in base..<(base + L.nx) { F[idx] = Float(v * U[idx]) }
            } }
        }
    }

    /// Unit-voltage currents: out of the electrode, and into the pad.
    private func currents() -> (Double, Double) {
        let L = layout, g = grid
        let sy = L.strideY, sz = L.strideZ
        let U = UnsafePointer(unit.pointer), el = UnsafePointer(electrode.pointer)
        let GX = UnsafePointer(g.gx.pointer), GY = UnsafePointer(g.gy.pointer), GZ = UnsafePointer(g.gz.pointer)
        // Per plane, then summed in plane order (the same bits on any thread count).
        let perPlane = UnsafeMutablePointer<(Double, Double)>.allocate(capacity: max(1, L.nz))
        defer { perPlane.deallocate() }
        nonisolated(unsafe) let slots = perPlane
        ParallelSlabs.run(planes: L.nz, threads: threads) { planes in
            for k in planes {
                var out = 0.0, pad = 0.0
                for j in 0..<L.ny { for i in 0..<L.nx {
                    let idx = L.index(i, j, k)
                    let isElectrode = el[idx] != 0
                    // Only the boundary layer touches the pad, and only electrode voxels carry current out.
                    let onBoundary = i == 0 || j == 0 || k == 0 || i + 1 == L.nx || j + 1 == L.ny || k + 1 == L.nz
                    guard isElectrode || onBoundary else { continue }
                    func face(_ G: Float, _ nb: Int, _ inside: Bool) {
                        let c = Double(G)
                        if !inside { pad += c * U[idx] }
                        if isElectrode && !(inside && el[nb] != 0) { out += c * (1 - (inside ? U[nb] : 0)) }
                    }
                    face(GX[idx], idx + 1, i + 1 < L.nx); face(GX[idx - 1], idx - 1, i > 0)
                    face(GY[idx], idx + sy, j + 1 < L.ny); face(GY[idx - sy], idx - sy, j > 0)
                    face(GZ[idx], idx + sz, k + 1 < L.nz); face(GZ[idx - sz], idx - sz, k > 0)
                } }
                slots[k] = (out, pad)
            }
        }
        var out = 0.0, pad = 0.0
        for k in 0..<L.nz { out += perPlane[k].0; pad += perPlane[k].1 }
        return (out, pad)
    }

    // MARK: Float conjugate gradients on A e = r

    /// Solves A e = r (r holds the Float residual of norm `initialNorm`) until the recursive
    /// residual norm is at most `target`; returns the iterations.
    private func conjugateGradient(initialNorm: Double, target: Double, maxIterations: Int) -> Int {
        let L = layout, g = grid
        let nz = L.nz
        e.fill(0)
        precondition_(into: z)
        var rz = dot(r, z)
        p.copy(from: z)
        var iterations = 0
        while iterations < maxIterations {
            let pq = planeReduce(planes: nz, threads: threads) { [p, q] k in g.apply(p, into: q, plane: k) }
            guard pq > 0, rz > 0 else { break }
            let alpha = rz / pq
            let rr = update(alpha: Float(alpha))
            iterations += 1
            if rr.squareRoot() <= target { break }
            precondition_(into: z)
            let rzNew = dot(r, z)
            let beta = rzNew / rz
            rz = rzNew
            direction(beta: Float(beta))
        }
        return iterations
    }

    private func precondition_(into out: AlignedBuffer<Float>) {
        switch preconditioner {
        case .multigrid:
            hierarchy!.apply(r, into: out, scratch: scratch)
        case .jacobi:
            let g = grid, R = UnsafePointer(r.pointer), O = out.pointer, ID = UnsafePointer(grid.inverseDiagonal.pointer)
            let L = layout, chunks = g.chunksPerRow
            ParallelSlabs.run(planes: L.nz, threads: threads) { planes in
                for k in planes { for j in 0..<L.ny {
                    let base = L.index(0, j, k)
                    for c in 0..<chunks {
                        let i = base + c * PaddedLayout.lanes
                        vstore(vload(ID + i) * vload(R + i), O + i)
                    }
                } }
            }
        }
    }

    private func dot(_ a: AlignedBuffer<Float>, _ b: AlignedBuffer<Float>) -> Double {
        let L = layout, chunks = grid.chunksPerRow
        let A = UnsafePointer(a.pointer), B = UnsafePointer(b.pointer)
        return planeReduce(planes: L.nz, threads: threads) { k in
            var s = 0.0
            for j in 0..<L.ny {
                let base = L.index(0, j, k)
                var acc = Vec(repeating: 0)
                for c in 0..<chunks {
                    let i = base + c * PaddedLayout.lanes
                    acc = acc.addingProduct(vload(A + i), vload(B + i))
                }
                s += Double(laneSum(acc))
            }
            return s
        }
    }

    /// e += alpha p, r -= alpha q; returns r . r.
    private func update(alpha: Float) -> Double {
        let L = layout, chunks = grid.chunksPerRow
        let E = e.pointer, R = r.pointer, P = UnsafePointer(p.pointer), Q = UnsafePointer(q.pointer)
        let a = Vec(repeating: alpha), na = Vec(repeating: -alpha)
        return planeReduce(planes: L.nz, threads: threads) { k in
            var s = 0.0
            for j in 0..<L.ny {
                let base = L.index(0, j, k)
                var acc = Vec(repeating: 0)
                for c in 0..<chunks {
                    let i = base + c * PaddedLayout.lanes
                    vstore(vload(E + i).addingProduct(a, vload(P + i)), E + i)
                    let rn = vload(R + i).addingProduct(na, vload(Q + i))
                    vstore(rn, R + i)
                    acc = acc.addingProduct(rn, rn)
                }
                s += Double(laneSum(acc))
            }
            return s
        }
    }

    /// p = z + beta p.
    private func direction(beta: Float) {
        let L = layout, chunks = grid.chunksPerRow
        let P = p.pointer, Z = UnsafePointer(z.pointer)
        let b = Vec(repeating: beta)
        ParallelSlabs.run(planes: L.nz, threads: threads) { planes in
            for k in planes { for j in 0..<L.ny {
                let base = L.index(0, j, k)
                for c in 0..<chunks {
                    let i = base + c * PaddedLayout.lanes
                    vstore(vload(Z + i).addingProduct(b, vload(P + i)), P + i)
                }
            } }
        }
    }

    // MARK: Joule heat

    /// Joule heat (W/m^3) of the last solve, times `scale`, into `q` (padded layout; overwritten,
    /// 0 outside the interior voxels). Each link between neighbouring voxels dissipates
    /// G_f (V_i - V_j)^2; half goes to each of its voxels, divided by the voxel volume h^3. A link
    /// to the pad, or to a surface conductor, is tissue only on one side (the conductor's surface is
    /// the face), so all of its heat goes to the tissue voxel; a thin conductor's voxel is tissue and
    /// takes its half. Hence sum(Q h^3) = V I: the energy identity of the
    /// discrete equations (exact for the converged field, up to the residual otherwise).
    /// `scale` multiplies Q; for a generator that rescales the voltage by s without a new solve, pass s^2.
    public func jouleHeat(into out: AlignedBuffer<Float>, scale: Double = 1) {
        precondition(out.count == layout.count, "heat buffer must use the solver's layout")
        let L = layout, g = grid
        let sy = L.strideY, sz = L.strideZ
        let U = UnsafePointer(unit.pointer), O = out.pointer, el = UnsafePointer(electrode.pointer)
        let GX = UnsafePointer(g.gx.pointer), GY = UnsafePointer(g.gy.pointer), GZ = UnsafePointer(g.gz.pointer)
        let factor = scale * appliedVoltage * appliedVoltage / (spacingM * spacingM * spacingM)
        out.fill(0)
        @inline(__always) func surface(_ v: Int) -> Bool { PotentialSolver.isSurfaceConductor(el[v]) }
        ParallelSlabs.run(planes: L.nz, threads: threads) { planes in
            for k in planes { for j in 0..<L.ny { for i in 0..<L.nx {
                let idx = L.index(i, j, k)
                if surface(idx) { O[idx] = 0; continue }
                let u = U[idx]
                @inline(__always) func link(_ G: Float, _ nb: Int, _ inside: Bool) -> Double {
                    let d = u - U[nb] // ghosts hold 0
                    return (inside && !surface(nb) ? 0.5 : 1) * Double(G) * d * d
                }
                var s = link(GX[idx], idx + 1, i + 1 < L.nx) + link(GX[idx - 1], idx - 1, i > 0)
                s += link(GY[idx], idx + sy, j + 1 < L.ny) + link(GY[idx - sy], idx - sy, j > 0)
                s += link(GZ[idx], idx + sz, k + 1 < L.nz) + link(GZ[idx - sz], idx - sz, k > 0)
                O[idx] = Float(factor * s)
            } } }
        }
    }
}
