import AblationGrid

/// The predicted necrosis zone against a reference zone (e.g. a post-ablation segmentation), with
/// the overlap and surface-distance metrics published validations report.
///
/// Surfaces are the voxels of each mask with a face-neighbour outside it; surface distances are
/// between surface voxel centres (exact Euclidean distance transforms), so they are voxel-resolution
/// estimates, like the margins.
public struct ReferenceComparison: Sendable {
    public var referenceVolumeML: Double
    /// 2 |A ∩ B| / (|A| + |B|).
    public var dice: Double
    /// Average symmetric surface distance: the mean, over both surfaces' voxels, of the distance to
    /// the other surface.
    public var meanSurfaceDistanceMM: Double
    /// Largest distance from a surface voxel of either mask to the other mask's surface.
    public var hausdorffMM: Double

    /// Voxel centres of `grid` inside `shape` (nearest-neighbour resampling for label maps).
    public static func mask(of shape: any Shape, grid g: Grid3D) -> [UInt8] {
        var mask = [UInt8](repeating: 0, count: g.voxelCount)
        let (lo, hi) = shape.boundingBoxMM
        guard let (rx, ry, rz) = g.voxelRange(coveringMin: lo, max: hi) else { return mask }
        for k in rz { for j in ry { for i in rx where shape.contains(g.worldPosition(i, j, k)) {
            mask[g.linearIndex(i, j, k)] = 1
        } } }
        return mask
    }

    static func surface(_ mask: [UInt8], grid g: Grid3D) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: mask.count)
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let idx = g.linearIndex(i, j, k)
            guard mask[idx] != 0 else { continue }
            let edge = i == 0 || j == 0 || k == 0 || i == g.nx - 1 || j == g.ny - 1 || k == g.nz - 1
            if edge || mask[idx - 1] == 0 || mask[idx + 1] == 0 || mask[idx - g.nx] == 0 || mask[idx + g.nx] == 0
                || mask[idx - g.nx * g.ny] == 0 || mask[idx + g.nx * g.ny] == 0 {
                out[idx] = 1
            }
        } } }
        return out
    }

    public init(zone: [UInt8], reference: [UInt8], grid g: Grid3D) {
        var both = 0, a = 0, b = 0
        for i in zone.indices {
            let x = zone[i] != 0, y = reference[i] != 0
            if x { a += 1 }
            if y { b += 1 }
            if x && y { both += 1 }
        }
        referenceVolumeML = Double(b) * g.voxelVolumeMM3 / 1000
        dice = a + b > 0 ? 2 * Double(both) / Double(a + b) : 1
        let sa = ReferenceComparison.surface(zone, grid: g), sb = ReferenceComparison.surface(reference, grid: g)
        guard a > 0, b > 0 else {
            // One mask is empty: no surface to measure against.
            meanSurfaceDistanceMM = a == b ? 0 : .infinity
            hausdorffMM = a == b ? 0 : .infinity
            return
        }
        let toA = DistanceTransform.distances(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: g.spacingMM) { sa[$0] != 0 }
        let toB = DistanceTransform.distances(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: g.spacingMM) { sb[$0] != 0 }
        var sum = 0.0, count = 0, worst = 0.0
        for i in sa.indices {
            if sa[i] != 0 { sum += toB[i]; count += 1; worst = max(worst, toB[i]) }
            if sb[i] != 0 { sum += toA[i]; count += 1; worst = max(worst, toA[i]) }
        }
        meanSurfaceDistanceMM = sum / Double(count)
        hausdorffMM = worst
    }
}
