/// A 3D scalar image as read from a NIfTI-1 file, converted to Float.
public struct NIfTIVolume: Sendable {
    public var nx: Int
    public var ny: Int
    public var nz: Int
    /// 4x4 row-major matrix mapping voxel index (i, j, k, 1) to world
    /// millimetres (RAS+). Derived from the sform when present, else the
    /// qform, else pixdim scaling alone, per the NIfTI-1 rules.
    public var affine: [[Double]]
    /// Storage type in the file, before conversion to Float.
    public var datatype: NIfTIDataType
    /// Voxel values, x fastest, then y, then z, with scl_slope/scl_inter
    /// applied when the slope is non-zero.
    public var values: [Float]
    /// The header's descrip field (up to 80 bytes, decoded as UTF-8).
    public var description: String
    public var qformCode: Int16
    public var sformCode: Int16

    public init(nx: Int, ny: Int, nz: Int, affine: [[Double]], datatype: NIfTIDataType, values: [Float],
                description: String = "", qformCode: Int16 = 0, sformCode: Int16 = 0) {
        self.nx = nx
        self.ny = ny
        self.nz = nz
        self.affine = affine
        self.datatype = datatype
        self.values = values
        self.description = description
        self.qformCode = qformCode
        self.sformCode = sformCode
    }

    /// World position (mm) of the centre of voxel (i, j, k).
    public func worldPosition(i: Double, j: Double, k: Double) -> SIMD3<Double> {
        let a = affine
        return SIMD3(
            a[0][0] * i + a[0][1] * j + a[0][2] * k + a[0][3],
            a[1][0] * i + a[1][1] * j + a[1][2] * k + a[1][3],
            a[2][0] * i + a[2][1] * j + a[2][2] * k + a[2][3])
    }

    /// The equivalent `VolumeGeometry` when the affine has no rotation or
    /// flips (the only layout the simulator grid supports); nil otherwise,
    /// so callers must resample instead of silently misplacing the volume.
    public var axisAlignedGeometry: VolumeGeometry? {
        let a = affine
        let offDiagonal = [a[0][1], a[0][2], a[1][0], a[1][2], a[2][0], a[2][1]]
        guard offDiagonal.allSatisfy({ $0 == 0 }), a[0][0] > 0, a[1][1] > 0, a[2][2] > 0 else {
            return nil
        }
        return VolumeGeometry(
            nx: nx, ny: ny, nz: nz,
            spacingMM: SIMD3(a[0][0], a[1][1], a[2][2]),
            originMM: SIMD3(a[0][3], a[1][3], a[2][3]))
    }
}
