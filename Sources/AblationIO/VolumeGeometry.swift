/// An axis-aligned voxel grid in world millimetres (RAS+, as NIfTI defines it).
///
/// `originMM` is the centre of voxel (0,0,0), not its corner, because that is
/// what NIfTI's qoffset/srow translation means; mixing the two conventions
/// shifts every result by half a voxel. Voxel data is stored x fastest, then
/// y, then z, matching NIfTI's on-disk order.
public struct VolumeGeometry: Sendable, Equatable {
    public var nx: Int
    public var ny: Int
    public var nz: Int
    public var spacingMM: SIMD3<Double>
    public var originMM: SIMD3<Double>

    public init(nx: Int, ny: Int, nz: Int, spacingMM: SIMD3<Double>, originMM: SIMD3<Double> = .zero) {
        self.nx = nx
        self.ny = ny
        self.nz = nz
        self.spacingMM = spacingMM
        self.originMM = originMM
    }

    /// nx*ny*nz, or nil when a dimension is negative or the product overflows,
    /// so callers can validate before allocating.
    public var voxelCount: Int? {
        guard nx >= 0, ny >= 0, nz >= 0 else { return nil }
        let (xy, o1) = nx.multipliedReportingOverflow(by: ny)
        guard !o1 else { return nil }
        let (xyz, o2) = xy.multipliedReportingOverflow(by: nz)
        return o2 ? nil : xyz
    }

    /// World position (mm) of the centre of voxel (i, j, k).
    public func worldPosition(i: Double, j: Double, k: Double) -> SIMD3<Double> {
        originMM + SIMD3(i, j, k) * spacingMM
    }

    /// 4x4 row-major matrix mapping (i, j, k, 1) to world mm.
    public var affine: [[Double]] {
        [
            [spacingMM.x, 0, 0, originMM.x],
            [0, spacingMM.y, 0, originMM.y],
            [0, 0, spacingMM.z, originMM.z],
            [0, 0, 0, 1],
        ]
    }
}
