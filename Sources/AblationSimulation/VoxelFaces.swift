import AblationKernels

extension PennesOperator {
    /// Rewrites the six face conductances of padded voxel `idx` after its conductivity became `own`:
    /// each face is `face(lower-index side, higher-index side)`, the argument order set-up uses, so a
    /// face keeps its bits when neither side changed; a ghost neighbour copies the voxel itself, as at
    /// set-up. With `includeBelow` false the -z face is left to the caller (a slab's first plane
    /// shares it with the slab below). Returns the voxel's grid coordinates.
    @inline(__always) @discardableResult
    func rebuildFaces(of idx: Int, own: Double, includeBelow: Bool = true, conductivity: (Int) -> Double,
                      face: (Double, Double) -> Float) -> (i: Int, j: Int, k: Int) {
        let L = layout
        let sy = L.strideY, sz = L.strideZ
        let k = idx / sz - 1, j = (idx % sz) / sy - 1, i = idx % sy - 1
        @inline(__always) func other(_ offset: Int, inside: Bool) -> Double { inside ? conductivity(idx + offset) : own }
        gx[idx] = face(own, other(1, inside: i + 1 < L.nx))
        gx[idx - 1] = face(other(-1, inside: i > 0), own)
        gy[idx] = face(own, other(sy, inside: j + 1 < L.ny))
        gy[idx - sy] = face(other(-sy, inside: j > 0), own)
        gz[idx] = face(own, other(sz, inside: k + 1 < L.nz))
        if includeBelow { gz[idx - sz] = face(other(-sz, inside: k > 0), own) }
        return (i, j, k)
    }
}
