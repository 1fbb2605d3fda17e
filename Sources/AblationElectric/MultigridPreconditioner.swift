import AblationKernels

/// Symmetric geometric multigrid V-cycle used as the preconditioner of the conjugate gradients.
///
/// Coarse grids aggregate 2 x 2 x 2 cells (ceil(n / 2) per axis). Coarse operators are Galerkin
/// products A_c = P^T A P with the piecewise-constant prolongation P restricted to free voxels, which
/// on a 7-point operator is again a 7-point operator:
///   - coarse face = sum of the fine faces that join free voxels of the two aggregates,
///   - coarse diagonal = sum of the faces that leave the aggregate's free voxels (to other aggregates,
///     the electrode or the pad).
/// An aggregate with at least one free voxel is free, so the electrode, however thin, stays coupled
/// on every level with the right conductance, and conductivity jumps (insulators) are carried by the
/// faces themselves. Piecewise-constant Galerkin operators are too stiff for smooth errors (about
/// twice, in energy), so the coarse correction is scaled by `coarseScale` < 2, which keeps the
/// preconditioner symmetric positive definite.
///
/// Smoother: damped Jacobi, the same number of sweeps before and after the coarse correction
/// (symmetric cycle). The coarsest grid (at most `coarsestCells` cells) is solved exactly by a dense
/// Cholesky factorisation.
final class MultigridPreconditioner: @unchecked Sendable {
    // @unchecked: levels are only touched by the owning solver; workers write disjoint planes.
    final class Level: @unchecked Sendable {
        let grid: ConductanceGrid
        /// Right-hand side, solution and scratch of this level (unused on level 0, which works on
        /// the caller's vectors).
        let b, x, t: AlignedBuffer<Float>
        init(grid: ConductanceGrid, vectors: Bool) {
            self.grid = grid
            let n = vectors ? grid.layout.count : 1
            b = AlignedBuffer(count: n, repeating: 0)
            x = AlignedBuffer(count: n, repeating: 0)
            t = AlignedBuffer(count: n, repeating: 0)
        }
    }

    let levels: [Level]
    let threads: Int
    /// Tuned on the cooled-tip case (48^3 and 80^3): 0.85 ~ 6/7, the classic 3D Jacobi smoothing
    /// weight; coarse scale 1.5-2 all give 13-14 iterations at 80^3 (1 gives 20).
    var smoothingSweeps = 2
    var jacobiWeight: Float = 0.85
    var coarseScale: Float = 1.8
    static let coarsestCells = 512

    // Dense Cholesky factor of the coarsest operator over its free cells.
    private var coarseFree: [Int] = []
    private var cholesky: [Double] = []

    init(fine: ConductanceGrid, threads: Int) {
        self.threads = threads
        var levels = [Level(grid: fine, vectors: false)]
        var current = fine
        while current.layout.voxelCount > MultigridPreconditioner.coarsestCells
                && max(current.layout.nx, current.layout.ny, current.layout.nz) > 2 {
            let coarse = MultigridPreconditioner.coarsen(current, threads: threads)
            levels.append(Level(grid: coarse, vectors: true))
            current = coarse
        }
        self.levels = levels
        factorCoarsest()
    }

    /// Galerkin coarse operator of `fine` (see the type's comment).
    static func coarsen(_ fine: ConductanceGrid, threads: Int) -> ConductanceGrid {
        let F = fine.layout
        let C = PaddedLayout(nx: (F.nx + 1) / 2, ny: (F.ny + 1) / 2, nz: (F.nz + 1) / 2)
        let coarse = ConductanceGrid(layout: C)
        let fsy = F.strideY, fsz = F.strideZ
        let D = fine.diagonal, gx = fine.gx, gy = fine.gy, gz = fine.gz
        let cgx = coarse.gx, cgy = coarse.gy, cgz = coarse.gz, cd = coarse.diagonal, cid = coarse.inverseDiagonal
        // Each worker owns whole coarse planes (and so the two fine planes under them).
        ParallelSlabs.run(planes: C.nz, threads: threads) { coarsePlanes in
            for kc in coarsePlanes {
                // Accumulate in Double, one coarse plane at a time.
                var faceX = [Double](repeating: 0, count: C.nx * C.ny)
                var faceY = faceX, faceZ = faceX, diag = faceX
                for k in (2 * kc)..<min(2 * kc + 2, F.nz) {
                    for j in 0..<F.ny {
                        for i in 0..<F.nx {
                            let idx = F.index(i, j, k)
                            guard D[idx] > 0 else { continue }
                            let cell = (i / 2) + C.nx * (j / 2)
                            // The diagonal gets everything that leaves this voxel (D_i, which on
                            // coarse levels also carries couplings to Dirichlet cells that no face
                            // array stores) minus the faces to free voxels of the same aggregate.
                            // + faces to a free voxel of another aggregate form the coarse faces.
                            diag[cell] += Double(D[idx])
                            func visit(_ g: Float, neighbour: Int, sameAggregate: Bool, plus: Bool,
                                       _ face: inout [Double]) {
                                guard D[neighbour] > 0 else { return }
                                if sameAggregate { diag[cell] -= Double(g) } else if plus { face[cell] += Double(g) }
                            }
                            visit(gx[idx], neighbour: idx + 1, sameAggregate: (i + 1) / 2 == i / 2 && i + 1 < F.nx, plus: true, &faceX)
                            visit(gx[idx - 1], neighbour: idx - 1, sameAggregate: (i - 1) / 2 == i / 2 && i > 0, plus: false, &faceX)
                            visit(gy[idx], neighbour: idx + fsy, sameAggregate: (j + 1) / 2 == j / 2 && j + 1 < F.ny, plus: true, &faceY)
                            visit(gy[idx - fsy], neighbour: idx - fsy, sameAggregate: (j - 1) / 2 == j / 2 && j > 0, plus: false, &faceY)
                            // z: the + neighbour of an even k is in the same coarse plane, of an odd k in the next.
                            visit(gz[idx], neighbour: idx + fsz, sameAggregate: (k + 1) / 2 == k / 2 && k + 1 < F.nz, plus: true, &faceZ)
                            visit(gz[idx - fsz], neighbour: idx - fsz, sameAggregate: (k - 1) / 2 == k / 2 && k > 0, plus: false, &faceZ)
                        }
                    }
                }
                for jc in 0..<C.ny {
                    for ic in 0..<C.nx {
                        let cell = ic + C.nx * jc
                        let idx = C.index(ic, jc, kc)
                        cgx[idx] = Float(faceX[cell])
                        cgy[idx] = Float(faceY[cell])
                        cgz[idx] = Float(faceZ[cell])
                        cd[idx] = Float(diag[cell])
                        cid[idx] = diag[cell] > 0 ? Float(1 / diag[cell]) : 0
                    }
                }
            }
        }
        return coarse
    }

    private func factorCoarsest() {
        let g = levels[levels.count - 1].grid
        let L = g.layout
        var free: [Int] = []
        var number = [Int: Int]()
        for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
            let idx = L.index(i, j, k)
            if g.diagonal[idx] > 0 { number[idx] = free.count; free.append(idx) }
        } } }
        let n = free.count
        var a = [Double](repeating: 0, count: n * n)
        for (r, idx) in free.enumerated() {
            a[r * n + r] = Double(g.diagonal[idx])
            for (nb, face) in [(idx + 1, g.gx[idx]), (idx - 1, g.gx[idx - 1]),
                               (idx + L.strideY, g.gy[idx]), (idx - L.strideY, g.gy[idx - L.strideY]),
                               (idx + L.strideZ, g.gz[idx]), (idx - L.strideZ, g.gz[idx - L.strideZ])] {
                if let c = number[nb] { a[r * n + c] -= Double(face) }
            }
        }
        // In-place lower Cholesky factor.
        for j in 0..<n {
            var d = a[j * n + j]
            for p in 0..<j { d -= a[j * n + p] * a[j * n + p] }
            let ljj = d > 0 ? d.squareRoot() : 1e-300
            a[j * n + j] = ljj
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i * n + j]
                for p in 0..<j { s -= a[i * n + p] * a[j * n + p] }
                a[i * n + j] = s / ljj
            }
        }
        coarseFree = free
        cholesky = a

    }

    private func solveCoarsest(b: AlignedBuffer<Float>, x: AlignedBuffer<Float>) {
        let n = coarseFree.count
        guard n > 0 else { return }
        var y = coarseFree.map { Double(b[$0]) }
        cholesky.withUnsafeBufferPointer { a in
            for i in 0..<n {
                var s = y[i]
                for p in 0..<i { s -= a[i * n + p] * y[p] }
                y[i] = s / a[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = y[i]
                for p in (i + 1)..<max(i + 1, n) { s -= a[p * n + i] * y[p] }
                y[i] = s / a[i * n + i]
            }
        }
        for (r, idx) in coarseFree.enumerated() { x[idx] = Float(y[r]) }
    }

    /// z = M r: one symmetric V-cycle. `scratch` is a free vector of the fine layout.
    func apply(_ r: AlignedBuffer<Float>, into z: AlignedBuffer<Float>, scratch: AlignedBuffer<Float>) {
        cycle(level: 0, b: r, x: z, t: scratch)
    }

    private func parallel(_ grid: ConductanceGrid, _ body: (Range<Int>) -> Void) {
        ParallelSlabs.run(planes: grid.layout.nz, threads: threads, body)
    }

    /// Leaves the cycle's result in `x`; `t` is scratch.
    private func cycle(level l: Int, b: AlignedBuffer<Float>, x: AlignedBuffer<Float>, t: AlignedBuffer<Float>) {
        let level = levels[l]
        let g = level.grid
        if l == levels.count - 1 {
            solveCoarsest(b: b, x: x)
            return
        }
        let w = jacobiWeight
        let sweeps = max(1, smoothingSweeps)
        // Pre-smoothing from zero. Sweep s (1-based) writes x when sweeps - s is even, so the last
        // one lands in x.
        func target(_ s: Int) -> AlignedBuffer<Float> { (sweeps - s) % 2 == 0 ? x : t }
        let first = target(1)
        parallel(g) { g.jacobi(x: first, b: b, into: first, omega: w, fromZero: true, planes: $0) }
        if sweeps > 1 {
            for s in 2...sweeps {
                let from = target(s - 1), to = target(s)
                parallel(g) { g.jacobi(x: from, b: b, into: to, omega: w, fromZero: false, planes: $0) }
            }
        }
        // Residual into t, restricted to the next level.
        parallel(g) { g.residual(x: x, b: b, into: t, planes: $0) }
        let next = levels[l + 1]
        restrict(t, fine: g, into: next.b, coarse: next.grid)
        cycle(level: l + 1, b: next.b, x: next.x, t: next.t)
        prolongAdd(next.x, coarse: next.grid, into: x, fine: g, scale: coarseScale)
        // Post-smoothing: same number of sweeps, ending in x.
        for s in 0..<sweeps {
            let (from, to) = s % 2 == 0 ? (x, t) : (t, x)
            parallel(g) { g.jacobi(x: from, b: b, into: to, omega: w, fromZero: false, planes: $0) }
        }
        if sweeps % 2 == 1 { x.copy(from: t) }
    }

    /// b_c = P^T r: sums the eight children (children beyond an odd edge are ghosts, which hold 0).
    private func restrict(_ r: AlignedBuffer<Float>, fine: ConductanceGrid, into bc: AlignedBuffer<Float>,
                          coarse: ConductanceGrid) {
        let F = fine.layout, C = coarse.layout
        let R = UnsafePointer(r.pointer), B = bc.pointer
        let sy = F.strideY, sz = F.strideZ
        ParallelSlabs.run(planes: C.nz, threads: threads) { planes in
            for kc in planes {
                for jc in 0..<C.ny {
                    let cbase = C.index(0, jc, kc)
                    let fbase = F.index(0, 2 * jc, 2 * kc)
                    for ic in 0..<C.nx {
                        let f = fbase + 2 * ic
                        let s = (R[f] + R[f + 1]) + (R[f + sy] + R[f + sy + 1])
                            + ((R[f + sz] + R[f + sz + 1]) + (R[f + sz + sy] + R[f + sz + sy + 1]))
                        B[cbase + ic] = s
                    }
                }
            }
        }
    }

    /// x_f += scale * P x_c on free fine voxels.
    private func prolongAdd(_ xc: AlignedBuffer<Float>, coarse: ConductanceGrid, into xf: AlignedBuffer<Float>,
                            fine: ConductanceGrid, scale: Float) {
        let F = fine.layout, C = coarse.layout
        let X = UnsafePointer(xc.pointer), Y = xf.pointer, D = UnsafePointer(fine.diagonal.pointer)
        ParallelSlabs.run(planes: F.nz, threads: threads) { planes in
            for k in planes {
                for j in 0..<F.ny {
                    let fbase = F.index(0, j, k)
                    let cbase = C.index(0, j / 2, k / 2)
                    for i in 0..<F.nx where D[fbase + i] > 0 {
                        Y[fbase + i] += scale * X[cbase + i / 2]
                    }
                }
            }
        }
    }
}
