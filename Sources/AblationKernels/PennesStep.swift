import CKernelHints
import Glibc

extension PennesOperator {
    /// One explicit step for interior planes `planes` (k indices), SIMD over x. Reads `source`,
    /// writes `destination`; ghosts of `destination` are left as they were. With `activity`, rows
    /// marked inactive are skipped and every row reports whether it changed.
    public func step(from source: AlignedBuffer<Float>, to destination: AlignedBuffer<Float>,
                     dt: Float, planes: Range<Int>, activity: RowActivity? = nil) {
        let L = layout
        let sy = L.strideY, sz = L.strideZ
        let T = UnsafePointer(source.pointer)
        let out = destination.pointer
        let gxp = UnsafePointer(gx.pointer), gyp = UnsafePointer(gy.pointer), gzp = UnsafePointer(gz.pointer)
        let ap = UnsafePointer(inverseHeatCapacity.pointer), wp = UnsafePointer(perfusion.pointer)
        let s0p = UnsafePointer(baseSource.pointer), qp = UnsafePointer(externalSource.pointer)
        let dtv = Vec(repeating: dt)
        let lanes = PaddedLayout.lanes
        let fullChunks = L.nx / lanes
        let tail = L.nx - fullChunks * lanes
        let tailMask = laneMask(valid: tail)
        let activeFlags = activity?.active.pointer
        let changedFlags = activity?.changed.pointer
        let track = activity != nil
        let minusSix = Vec(repeating: -6)
        // 1024 floats (4 KiB) ahead: measured best among 64-4096 on 256^3 with banding (Benchmarks/README.md).
        let prefetchDistance = 1024

        /// Stores one row's updates; with `tracking` also reports whether any voxel changed.
        /// Inlined at call sites with a constant `tracking`, so the untracked loop has no compare.
        @inline(__always)
        func sweep(base: Int, tracking: Bool, prefetch: Bool, _ update: (Int) -> Vec) -> Bool {
            var difference = SIMDMask<SIMD16<Int32>>(repeating: false)
            for n in 0..<fullChunks {
                let b = base + n * lanes
                if prefetch {
                    // The plane above is the only stream that comes from memory (the others were
                    // touched one or two planes ago); the hardware prefetcher alone leaves a core
                    // at half the triad bandwidth on 256^3 grids.
                    ablsim_prefetch_read(T + b + sz + prefetchDistance)
                    ablsim_prefetch_write(out + b + prefetchDistance)
                }
                let v = update(b)
                if tracking { difference .|= v .!= load(T + b) }
                store(v, out + b)
            }
            if tail > 0 {
                let b = base + fullChunks * lanes
                let v = update(b)
                if tracking { difference .|= (v .!= load(T + b)) .& tailMask }
                store(load(out + b).replacing(with: v, where: tailMask), out + b)
            }
            return tracking && any(difference)
        }

        // Plain z-y-x order: long contiguous streams suit the hardware prefetchers best. Banding
        // rows so that three planes stay in L2 (2.5-D blocking) was measured 10-20 % slower here.
        // 2.5-D blocking: sweep z inside bands of rows small enough that the three planes the
        // stencil reads and the plane it writes stay in L2, so each T value comes from memory once
        // per step. With the software prefetch above, this took 256^3 from 5.4 to 7.1 Gvox/s on
        // two cores; without the prefetch, banding was slower (shorter hardware prefetch streams).
        let band = rowBand
        uniformCoefficients.withUnsafeBufferPointer { table in
            for j0 in stride(from: 0, to: L.ny, by: band) {
            for k in planes {
                for j in j0..<min(j0 + band, L.ny) {
                    let row = L.row(j, k)
                    if let activeFlags, activeFlags[row] == 0 {
                        changedFlags![row] = 0
                        continue
                    }
                    let base = L.index(0, j, k)
                    let cls = Int(rowClass[row])
                    let changed: Bool
                    if cls >= 0 {
                        let u = table[cls]
                        let g = Vec(repeating: u.conductance)
                        let dtA = dtv * u.inverseHeatCapacity
                        let minusW = Vec(repeating: -u.perfusion)
                        let s0 = Vec(repeating: u.baseSource)
                        @inline(__always) func uniform(_ b: Int, _ source: Vec) -> Vec {
                            let c = load(T + b)
                            let neighbours = (load(T + b - 1) + load(T + b + 1)) + (load(T + b - sy) + load(T + b + sy))
                                + (load(T + b - sz) + load(T + b + sz))
                            let rhs = source.addingProduct(minusW, c).addingProduct(g, neighbours.addingProduct(c, minusSix))
                            return c.addingProduct(dtA, rhs)
                        }
                        // The source test is hoisted out of the chunk loop: rows without heat read
                        // only T.
                        if rowHasSource[row] != 0 {
                            changed = track ? sweep(base: base, tracking: true, prefetch: true) { uniform($0, s0 + load(qp + $0)) }
                                            : sweep(base: base, tracking: false, prefetch: true) { uniform($0, s0 + load(qp + $0)) }
                        } else {
                            changed = track ? sweep(base: base, tracking: true, prefetch: true) { uniform($0, s0) }
                                            : sweep(base: base, tracking: false, prefetch: true) { uniform($0, s0) }
                        }
                    } else {
                        @inline(__always) func general(_ b: Int) -> Vec {
                            let c = load(T + b)
                            var flux = load(gxp + b) * (load(T + b + 1) - c)
                            flux = flux.addingProduct(load(gxp + b - 1), load(T + b - 1) - c)
                            flux = flux.addingProduct(load(gyp + b), load(T + b + sy) - c)
                            flux = flux.addingProduct(load(gyp + b - sy), load(T + b - sy) - c)
                            flux = flux.addingProduct(load(gzp + b), load(T + b + sz) - c)
                            flux = flux.addingProduct(load(gzp + b - sz), load(T + b - sz) - c)
                            let rhs = (flux + load(s0p + b) + load(qp + b)).addingProduct(-load(wp + b), c)
                            return c.addingProduct(dtv * load(ap + b), rhs)
                        }
                        // General rows stream seven coefficient arrays too; a single prefetch does not
                        // help them (measured), so they rely on the hardware prefetcher.
                        changed = track ? sweep(base: base, tracking: true, prefetch: false, general)
                                        : sweep(base: base, tracking: false, prefetch: false, general)
                    }
                    changedFlags?[row] = changed ? 1 : 0
                }
            }
            }
        }
    }

    /// Rows per band: four plane-bands (three read, one written) in 60 % of L2, and bands of
    /// equal size so that no short band at the end restarts the prefetchers for a few rows.
    public var rowBand: Int {
        if let rowBandLimit { return max(1, rowBandLimit) }
        let reported = sysconf(Int32(_SC_LEVEL2_CACHE_SIZE))
        let l2 = reported > 0 ? reported : 1 << 20
        let fitting = max(16, l2 * 6 / 10 / (4 * layout.strideY * MemoryLayout<Float>.stride))
        let bands = (layout.ny + fitting - 1) / fitting
        return (layout.ny + bands - 1) / bands
    }

    /// Scalar twin of `step`: the same update, one voxel at a time, always from the full
    /// coefficient arrays. Tests hold the SIMD kernel to this within rounding.
    public func referenceStep(from source: AlignedBuffer<Float>, to destination: AlignedBuffer<Float>,
                              dt: Float, planes: Range<Int>) {
        let L = layout
        let T = source.pointer, out = destination.pointer
        for k in planes {
            for j in 0..<L.ny {
                for i in 0..<L.nx {
                    let b = L.index(i, j, k)
                    let c = T[b]
                    var flux: Float = gx[b] * (T[b + 1] - c)
                    flux += gx[b - 1] * (T[b - 1] - c)
                    flux += gy[b] * (T[b + L.strideY] - c)
                    flux += gy[b - L.strideY] * (T[b - L.strideY] - c)
                    flux += gz[b] * (T[b + L.strideZ] - c)
                    flux += gz[b - L.strideZ] * (T[b - L.strideZ] - c)
                    let rhs = flux + baseSource[b] + externalSource[b] - perfusion[b] * c
                    out[b] = c + dt * inverseHeatCapacity[b] * rhs
                }
            }
        }
    }
}
