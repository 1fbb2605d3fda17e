import AblationKernels

/// The symmetric positive definite operator of one grid, restricted to its free voxels:
///
///     (A p)_i = D_i p_i - sum_faces G_f p_j        for free voxels i, 0 elsewhere
///
/// Face arrays hold the face on the + side of a voxel (`gx[idx]` couples idx and idx + 1, also for
/// the ghost face at i = -1). `diagonal` is the sum of all six faces of a free voxel, including faces
/// to Dirichlet voxels (electrode, pad), and 0 on every other entry; `inverseDiagonal` likewise.
/// Vectors the operator acts on are 0 outside the free voxels, so faces into Dirichlet voxels only
/// enter through the diagonal. A zero diagonal marks "not free" inside the SIMD kernels, which
/// therefore need no extra mask stream.
///
/// The same structure serves the fine grid and every multigrid level (Galerkin coarse operators of
/// 7-point operators with piecewise-constant prolongation are again 7-point operators).
final class ConductanceGrid: @unchecked Sendable {
    // @unchecked: worker threads read the coefficients and write disjoint planes of outputs.
    let layout: PaddedLayout
    let gx, gy, gz: AlignedBuffer<Float>
    let diagonal: AlignedBuffer<Float>
    let inverseDiagonal: AlignedBuffer<Float>

    init(layout: PaddedLayout) {
        self.layout = layout
        gx = AlignedBuffer(count: layout.count, repeating: 0)
        gy = AlignedBuffer(count: layout.count, repeating: 0)
        gz = AlignedBuffer(count: layout.count, repeating: 0)
        diagonal = AlignedBuffer(count: layout.count, repeating: 0)
        inverseDiagonal = AlignedBuffer(count: layout.count, repeating: 0)
    }

    var chunksPerRow: Int { (layout.nx + PaddedLayout.lanes - 1) / PaddedLayout.lanes }

    /// Number of free voxels.
    var freeCount: Int {
        var n = 0
        let L = layout
        for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx where diagonal[L.index(i, j, k)] > 0 { n += 1 } } }
        return n
    }

    /// Sets the diagonal from the faces (free voxels given by `isFree`) and its inverse.
    func finishDiagonal(planes: Range<Int>, isFree: (Int) -> Bool) {
        let L = layout
        let sy = L.strideY, sz = L.strideZ
        for k in planes {
            for j in 0..<L.ny {
                for i in 0..<L.nx {
                    let idx = L.index(i, j, k)
                    if isFree(idx) {
                        let d = Double(gx[idx]) + Double(gx[idx - 1]) + Double(gy[idx]) + Double(gy[idx - sy])
                            + Double(gz[idx]) + Double(gz[idx - sz])
                        diagonal[idx] = Float(d)
                        inverseDiagonal[idx] = Float(1 / d)
                    } else {
                        diagonal[idx] = 0
                        inverseDiagonal[idx] = 0
                    }
                }
            }
        }
    }

    // MARK: SIMD kernels (x across 16 lanes, one z-plane range per worker)
    //
    // Row chunks start at voxel i = 0 and run past nx into the row padding and the ghost at i = nx;
    // those lanes have a zero diagonal, so every kernel writes exact zeros there, and the next
    // row's ghost at i = -1 lies beyond the last chunk (PaddedLayout keeps one spare chunk).

    /// The off-diagonal part  sum_faces G_f p_j  at chunk `i`.
    @inline(__always)
    private static func neighbourSum(_ i: Int, _ P: UnsafePointer<Float>,
                                     _ GX: UnsafePointer<Float>, _ GY: UnsafePointer<Float>, _ GZ: UnsafePointer<Float>,
                                     _ sy: Int, _ sz: Int) -> Vec {
        var s = vload(GX + i) * vload(P + i + 1)
        s = s.addingProduct(vload(GX + i - 1), vload(P + i - 1))
        s = s.addingProduct(vload(GY + i), vload(P + i + sy))
        s = s.addingProduct(vload(GY + i - sy), vload(P + i - sy))
        s = s.addingProduct(vload(GZ + i), vload(P + i + sz))
        s = s.addingProduct(vload(GZ + i - sz), vload(P + i - sz))
        return s
    }

    /// q = A p on plane k; returns the plane's p . q (Float within a row, Double across rows).
    func apply(_ p: AlignedBuffer<Float>, into q: AlignedBuffer<Float>, plane k: Int) -> Double {
        let L = layout
        let sy = L.strideY, sz = L.strideZ
        let P = UnsafePointer(p.pointer), Q = q.pointer
        let GX = UnsafePointer(gx.pointer), GY = UnsafePointer(gy.pointer), GZ = UnsafePointer(gz.pointer)
        let D = UnsafePointer(diagonal.pointer)
        let chunks = chunksPerRow
        let zero = Vec(repeating: 0)
        var planeSum = 0.0
        for j in 0..<L.ny {
            let base = L.index(0, j, k)
            var acc = zero
            for c in 0..<chunks {
                let i = base + c &* PaddedLayout.lanes
                let d = vload(D + i)
                let pc = vload(P + i)
                let s = ConductanceGrid.neighbourSum(i, P, GX, GY, GZ, sy, sz)
                let v = (d * pc - s).replacing(with: zero, where: d .== zero)
                vstore(v, Q + i)
                acc = acc.addingProduct(v, pc)
            }
            planeSum += Double(laneSum(acc))
        }
        return planeSum
    }

    /// r = b - A x on `planes` (0 outside free voxels).
    func residual(x: AlignedBuffer<Float>, b: AlignedBuffer<Float>, into r: AlignedBuffer<Float>, planes: Range<Int>) {
        let L = layout
        let sy = L.strideY, sz = L.strideZ
        let X = UnsafePointer(x.pointer), B = UnsafePointer(b.pointer), R = r.pointer
        let GX = UnsafePointer(gx.pointer), GY = UnsafePointer(gy.pointer), GZ = UnsafePointer(gz.pointer)
        let D = UnsafePointer(diagonal.pointer)
        let chunks = chunksPerRow
        let zero = Vec(repeating: 0)
        for k in planes {
            for j in 0..<L.ny {
                let base = L.index(0, j, k)
                for c in 0..<chunks {
                    let i = base + c &* PaddedLayout.lanes
                    let d = vload(D + i)
                    let s = ConductanceGrid.neighbourSum(i, X, GX, GY, GZ, sy, sz)
                    let v = (vload(B + i) - d * vload(X + i) + s).replacing(with: zero, where: d .== zero)
                    vstore(v, R + i)
                }
            }
        }
    }

    /// One damped Jacobi sweep  out = x + omega D^-1 (b - A x). With `fromZero`, x is taken as 0
    /// (and not read): out = omega D^-1 b.
    func jacobi(x: AlignedBuffer<Float>, b: AlignedBuffer<Float>, into out: AlignedBuffer<Float>,
                omega: Float, fromZero: Bool, planes: Range<Int>) {
        let L = layout
        let sy = L.strideY, sz = L.strideZ
        let X = UnsafePointer(x.pointer), B = UnsafePointer(b.pointer), O = out.pointer
        let GX = UnsafePointer(gx.pointer), GY = UnsafePointer(gy.pointer), GZ = UnsafePointer(gz.pointer)
        let D = UnsafePointer(diagonal.pointer), ID = UnsafePointer(inverseDiagonal.pointer)
        let chunks = chunksPerRow
        let w = Vec(repeating: omega)
        for k in planes {
            for j in 0..<L.ny {
                let base = L.index(0, j, k)
                for c in 0..<chunks {
                    let i = base + c &* PaddedLayout.lanes
                    let scale = w * vload(ID + i)
                    if fromZero {
                        vstore(scale * vload(B + i), O + i)
                    } else {
                        let xc = vload(X + i)
                        let s = ConductanceGrid.neighbourSum(i, X, GX, GY, GZ, sy, sz)
                        let r = vload(B + i) - vload(D + i) * xc + s
                        // Outside free voxels scale = 0 and x = 0, so the store writes 0.
                        vstore(xc.addingProduct(scale, r), O + i)
                    }
                }
            }
        }
    }

    // MARK: Scalar reference (tests compare the SIMD kernels against it)

    /// q = A p, one voxel at a time, interior voxels only (ghosts and padding of q untouched).
    func referenceApply(_ p: AlignedBuffer<Float>, into q: AlignedBuffer<Float>) {
        let L = layout
        let sy = L.strideY, sz = L.strideZ
        for k in 0..<L.nz {
            for j in 0..<L.ny {
                for i in 0..<L.nx {
                    let idx = L.index(i, j, k)
                    let d = diagonal[idx]
                    if d == 0 { q[idx] = 0; continue }
                    var s: Float = 0
                    s += gx[idx] * p[idx + 1]
                    s += gx[idx - 1] * p[idx - 1]
                    s += gy[idx] * p[idx + sy]
                    s += gy[idx - sy] * p[idx - sy]
                    s += gz[idx] * p[idx + sz]
                    s += gz[idx - sz] * p[idx - sz]
                    q[idx] = d * p[idx] - s
                }
            }
        }
    }
}
