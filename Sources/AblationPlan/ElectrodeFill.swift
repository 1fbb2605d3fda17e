import AblationGrid

/// The zone field with an RF electrode's voxels given the values of the tissue around them.
///
/// A cooled electrode's voxels hold the coolant temperature, so ln(Omega/threshold) there sits at
/// its floor (about -69) however hot the tissue touching the needle is. Interpolating that field
/// (the library's radius rays start on the needle's axis; the coarse field is resampled onto a
/// finer grid) would spread the metal's cold over a whole coarse voxel of tissue and shrink the
/// zone around every needle. The metal is no tissue, so it gets the largest value among its
/// non-metal neighbours (26-connected), layer by layer from the outside in: where the tissue
/// touching the needle is ablated the needle lies inside the zone, where it is not it does not.
enum ElectrodeFill {
    static func fill(_ field: [Float], grid g: Grid3D, metal: [Int]) -> [Float] {
        guard !metal.isEmpty else { return field }
        var out = field
        var isMetal = [Bool](repeating: false, count: field.count)
        for v in metal { isMetal[v] = true }
        var pending = metal
        while !pending.isEmpty {
            var filled: [(Int, Float)] = []
            var left: [Int] = []
            for v in pending {
                let i = v % g.nx, j = (v / g.nx) % g.ny, k = v / (g.nx * g.ny)
                var best = -Float.infinity
                for dk in -1...1 { for dj in -1...1 { for di in -1...1 {
                    let a = i + di, b = j + dj, c = k + dk
                    guard a >= 0, b >= 0, c >= 0, a < g.nx, b < g.ny, c < g.nz else { continue }
                    let n = g.linearIndex(a, b, c)
                    if !isMetal[n] { best = max(best, out[n]) }
                } } }
                if best > -Float.infinity { filled.append((v, best)) } else { left.append(v) }
            }
            // Only a grid made entirely of metal has nothing to fill from.
            guard !filled.isEmpty else { break }
            // Each layer reads only the layers outside it, so the order within a layer is irrelevant.
            for (v, x) in filled { out[v] = x; isMetal[v] = false }
            pending = left
        }
        return out
    }
}
