import AblationGrid

extension Grid3D {
    /// Trilinear interpolation of a voxel-centred field at a point. Beyond the outermost voxel
    /// centres the nearest face's value is held: the callers sample inside the grid or at most half
    /// a voxel outside it, where extrapolating a steep field would invent damage.
    func trilinear(_ f: [Float], at p: SIMD3<Double>) -> Double {
        let c = voxelCoordinates(of: p)
        let i0 = max(0, min(nx - 2, Int(c.x.rounded(.down)))), j0 = max(0, min(ny - 2, Int(c.y.rounded(.down))))
        let k0 = max(0, min(nz - 2, Int(c.z.rounded(.down))))
        let fx = min(max(c.x - Double(i0), 0), 1), fy = min(max(c.y - Double(j0), 0), 1), fz = min(max(c.z - Double(k0), 0), 1)
        var v = 0.0
        for corner in 0..<8 {
            let di = corner & 1, dj = (corner >> 1) & 1, dk = (corner >> 2) & 1
            let w = (di == 1 ? fx : 1 - fx) * (dj == 1 ? fy : 1 - fy) * (dk == 1 ? fz : 1 - fz)
            v += w * Double(f[linearIndex(i0 + di, j0 + dj, k0 + dk)])
        }
        return v
    }

    /// `field` (on `self`) sampled at every voxel centre of `fine`, in `fine`'s voxel order.
    func resample(_ field: [Float], onto fine: Grid3D) -> [Float] {
        var out = [Float](repeating: 0, count: fine.voxelCount)
        for k in 0..<fine.nz { for j in 0..<fine.ny { for i in 0..<fine.nx {
            out[fine.linearIndex(i, j, k)] = Float(trilinear(field, at: fine.worldPosition(i, j, k)))
        } } }
        return out
    }
}
