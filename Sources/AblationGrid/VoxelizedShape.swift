/// The voxels a shape touches, each with the fraction of its cube inside the shape.
///
/// Voxels whose centre lies farther from the surface than half the cube diagonal are whole (1) or
/// empty (skipped) without sampling; the rest are sampled on a regular sub-grid. Sources use the
/// fractions so that the power they deposit does not depend on how the surface cuts the voxels.
public struct VoxelizedShape: Sendable {
    public var indices: [Int] = []
    public var fractions: [Double] = []

    /// Total covered volume in voxel units (sum of fractions).
    public var voxelVolume: Double { fractions.reduce(0, +) }

    public init(shape: some Shape, grid: Grid3D, subsamples: Int = 6) {
        let (lo, hi) = shape.boundingBoxMM
        guard let (rx, ry, rz) = grid.voxelRange(coveringMin: lo, max: hi) else { return }
        let h = grid.spacingMM
        let halfDiagonal = 0.5 * h * 3.0.squareRoot()
        let s = max(1, subsamples)
        let step = h / Double(s)
        let firstOffset = -h / 2 + step / 2
        for k in rz {
            for j in ry {
                for i in rx {
                    let c = grid.worldPosition(i, j, k)
                    let d = shape.signedDistance(c)
                    var fraction: Double
                    if d <= -halfDiagonal {
                        fraction = 1
                    } else if d >= halfDiagonal {
                        continue
                    } else {
                        var inside = 0
                        for c2 in 0..<s {
                            for b in 0..<s {
                                for a in 0..<s {
                                    let p = c + SIMD3<Double>(firstOffset + Double(a) * step,
                                                              firstOffset + Double(b) * step,
                                                              firstOffset + Double(c2) * step)
                                    if shape.signedDistance(p) <= 0 { inside += 1 }
                                }
                            }
                        }
                        fraction = Double(inside) / Double(s * s * s)
                    }
                    if fraction > 0 {
                        indices.append(grid.linearIndex(i, j, k))
                        fractions.append(fraction)
                    }
                }
            }
        }
    }
}
