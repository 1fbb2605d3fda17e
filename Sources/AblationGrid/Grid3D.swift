/// An axis-aligned voxel grid in the world frame (millimetres, RAS+ as NIfTI defines it).
///
/// Voxel (i, j, k) has its centre at `origin + (i, j, k) * spacing`; storage order is x fastest,
/// then y, then z, the same order NIfTI uses, so linear indices carry over to the writers unchanged.
public struct Grid3D: Sendable, Equatable, CustomStringConvertible {
    public let nx: Int
    public let ny: Int
    public let nz: Int
    /// Isotropic voxel size in millimetres.
    public let spacingMM: Double
    /// World position (mm) of the centre of voxel (0, 0, 0).
    public let originMM: SIMD3<Double>

    public init(nx: Int, ny: Int, nz: Int, spacingMM: Double, originMM: SIMD3<Double>) {
        precondition(nx > 0 && ny > 0 && nz > 0 && spacingMM > 0, "grid sizes must be validated by the caller")
        self.nx = nx
        self.ny = ny
        self.nz = nz
        self.spacingMM = spacingMM
        self.originMM = originMM
    }

    /// The grid that tiles a box of `sizeMM` centred on `centerMM` with cubes of `spacingMM`.
    /// The voxel count per axis is the nearest whole number (at least one), so the box is covered to
    /// within half a voxel and the grid stays centred where the user put it.
    public init(centerMM: SIMD3<Double>, sizeMM: SIMD3<Double>, spacingMM: Double) {
        let counts = Grid3D.voxelCounts(sizeMM: sizeMM, spacingMM: spacingMM)
        let n = SIMD3<Double>(Double(counts.0), Double(counts.1), Double(counts.2))
        self.init(nx: counts.0, ny: counts.1, nz: counts.2, spacingMM: spacingMM,
                  originMM: centerMM - (n - 1) * (spacingMM / 2))
    }

    public static func voxelCounts(sizeMM: SIMD3<Double>, spacingMM: Double) -> (Int, Int, Int) {
        func count(_ s: Double) -> Int { max(1, Int((s / spacingMM).rounded())) }
        return (count(sizeMM.x), count(sizeMM.y), count(sizeMM.z))
    }

    public var voxelCount: Int { nx * ny * nz }
    public var shape: [Int] { [nx, ny, nz] }
    public var voxelVolumeMM3: Double { spacingMM * spacingMM * spacingMM }
    /// World coordinates of the outer faces of the grid (half a voxel beyond the outer centres).
    public var lowerCornerMM: SIMD3<Double> { originMM - spacingMM / 2 }
    public var upperCornerMM: SIMD3<Double> {
        originMM + SIMD3<Double>(Double(nx), Double(ny), Double(nz)) * spacingMM - spacingMM / 2
    }

    @inlinable public func linearIndex(_ i: Int, _ j: Int, _ k: Int) -> Int { i + nx * (j + ny * k) }

    @inlinable public func worldPosition(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> {
        originMM + SIMD3<Double>(Double(i), Double(j), Double(k)) * spacingMM
    }

    /// Continuous voxel coordinates of a world point (voxel centres at whole numbers).
    @inlinable public func voxelCoordinates(of pointMM: SIMD3<Double>) -> SIMD3<Double> {
        (pointMM - originMM) / spacingMM
    }

    /// The voxel whose cube contains the point, or nil outside the grid.
    public func voxel(containing pointMM: SIMD3<Double>) -> (Int, Int, Int)? {
        let c = voxelCoordinates(of: pointMM).rounded(.toNearestOrAwayFromZero)
        guard c.x >= 0, c.y >= 0, c.z >= 0, c.x < Double(nx), c.y < Double(ny), c.z < Double(nz) else { return nil }
        return (Int(c.x), Int(c.y), Int(c.z))
    }

    public func contains(_ pointMM: SIMD3<Double>) -> Bool {
        let lo = lowerCornerMM, hi = upperCornerMM
        return all(pointMM .>= lo) && all(pointMM .<= hi)
    }

    /// Voxel index ranges whose cubes intersect an axis-aligned world box (clamped to the grid).
    public func voxelRange(coveringMin lo: SIMD3<Double>, max hi: SIMD3<Double>) -> (ClosedRange<Int>, ClosedRange<Int>, ClosedRange<Int>)? {
        let a = voxelCoordinates(of: lo), b = voxelCoordinates(of: hi)
        func axis(_ l: Double, _ h: Double, _ n: Int) -> ClosedRange<Int>? {
            let first = max(0, Int((l - 0.5).rounded(.up)))
            let last = min(n - 1, Int((h + 0.5).rounded(.down)))
            return first <= last ? first...last : nil
        }
        guard let x = axis(a.x, b.x, nx), let y = axis(a.y, b.y, ny), let z = axis(a.z, b.z, nz) else { return nil }
        return (x, y, z)
    }

    public var description: String {
        "\(nx) x \(ny) x \(nz) voxels of \(spacingMM) mm, voxel (0,0,0) at \(originMM.x), \(originMM.y), \(originMM.z) mm"
    }
}
