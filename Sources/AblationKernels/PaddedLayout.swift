/// Memory layout shared by every field the kernels touch.
///
/// Each axis carries one ghost voxel on both sides, so the 7-point stencil reads neighbours without
/// branches, and rows are padded so that a row's SIMD chunks (16 lanes) never spill into the next
/// row: the kernel may compute garbage in the padding lanes and then blends it away on store.
public struct PaddedLayout: Sendable, Equatable {
    public static let lanes = 16

    public let nx: Int
    public let ny: Int
    public let nz: Int
    /// Distance between neighbouring rows (y) and planes (z), in elements.
    public let strideY: Int
    public let strideZ: Int
    /// Elements to allocate, including slack so that the last row's padding lanes stay in bounds.
    public let count: Int

    public init(nx: Int, ny: Int, nz: Int) {
        self.nx = nx
        self.ny = ny
        self.nz = nz
        let lanes = PaddedLayout.lanes
        // One extra chunk beyond the rounded row keeps the ghost at i = nx and the vector tail apart
        // from the next row's ghost at i = -1.
        strideY = (nx + lanes - 1) / lanes * lanes + lanes
        strideZ = strideY * (ny + 2)
        count = strideZ * (nz + 2) + 2 * lanes
    }

    /// Padded index of voxel (i, j, k); valid for -1...n on every axis (ghosts included).
    @inlinable @inline(__always)
    public func index(_ i: Int, _ j: Int, _ k: Int) -> Int { (i + 1) + (j + 1) * strideY + (k + 1) * strideZ }

    /// Padded index of the interior voxel with grid (linear, x fastest) index `v`.
    @inlinable @inline(__always)
    public func index(linear v: Int) -> Int { index(v % nx, (v / nx) % ny, v / (nx * ny)) }

    public var voxelCount: Int { nx * ny * nz }
    public var rowCount: Int { ny * nz }
    /// Row number of interior row (j, k), used for per-row metadata.
    @inlinable @inline(__always) public func row(_ j: Int, _ k: Int) -> Int { j + ny * k }
}

extension PaddedLayout {
    /// Interior values in grid order (x fastest, no ghosts or padding), as writers and the
    /// microwave model take them; `read` receives each voxel's padded index.
    @inlinable
    public func gridOrder<T>(_ read: (Int) -> T) -> [T] {
        var out: [T] = []
        out.reserveCapacity(voxelCount)
        for k in 0..<nz { for j in 0..<ny {
            let base = index(0, j, k)
            for i in 0..<nx { out.append(read(base + i)) }
        } }
        return out
    }

    /// `rows` and their four neighbouring rows (j +- 1, k +- 1) inside the grid: the rows whose
    /// update reads a face or voxel of `rows`.
    public func withNeighbourRows(_ rows: Set<Int>) -> Set<Int> {
        var touched = rows
        for r in rows {
            let j = r % ny, k = r / ny
            if j > 0 { touched.insert(r - 1) }
            if j + 1 < ny { touched.insert(r + 1) }
            if k > 0 { touched.insert(r - ny) }
            if k + 1 < nz { touched.insert(r + ny) }
        }
        return touched
    }
}
