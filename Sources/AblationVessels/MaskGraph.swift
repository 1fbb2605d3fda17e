import AblationGrid

/// The voxels of one vessel mask as a graph: each voxel joined to its 26 neighbours in the mask,
/// with the distance between their centres, and each voxel's distance to the wall.
///
/// Works in the mask's bounding box plus one voxel (clipped to the grid), so a small vessel in a
/// large grid costs what the vessel costs. Voxels are numbered 0..<count in ascending grid order.
struct MaskGraph {
    let grid: Grid3D
    /// The crop: its first voxel in grid coordinates and its size.
    let lo: SIMD3<Int>
    let size: SIMD3<Int>
    /// Per crop voxel: the mask voxel's number, or -1 outside the mask.
    let number: [Int32]
    /// Per mask voxel: grid coordinates and linear grid index.
    let coordinates: [SIMD3<Int32>]
    let linear: [Int]
    /// Per mask voxel: distance from its centre to the nearest voxel centre outside the mask (mm).
    /// The grid's edge is not a wall: a vessel the grid cuts keeps its width up to the cut.
    let wallDistance: [Double]
    /// The 26 neighbour offsets and their lengths (mm).
    let offsets: [(SIMD3<Int32>, Int, Double)]

    var count: Int { linear.count }
    var spacing: Double { grid.spacingMM }

    /// `voxels`: linear grid indices, ascending, without repeats.
    init(voxels: [Int], grid g: Grid3D) {
        grid = g
        var lower = SIMD3<Int>(repeating: .max), upper = SIMD3<Int>(repeating: .min)
        var coordinates: [SIMD3<Int32>] = []
        coordinates.reserveCapacity(voxels.count)
        for v in voxels {
            let c = SIMD3<Int>(v % g.nx, (v / g.nx) % g.ny, v / (g.nx * g.ny))
            lower = pointwiseMin(lower, c)
            upper = pointwiseMax(upper, c)
            coordinates.append(SIMD3<Int32>(truncatingIfNeeded: c))
        }
        let gridUpper = SIMD3<Int>(g.nx - 1, g.ny - 1, g.nz - 1)
        let lo = pointwiseMax(lower &- 1, .zero)
        let hi = pointwiseMin(upper &+ 1, gridUpper)
        let size = hi &- lo &+ 1
        self.lo = lo
        self.size = size
        var number = [Int32](repeating: -1, count: size.x * size.y * size.z)
        for (n, c) in coordinates.enumerated() {
            let l = SIMD3<Int>(truncatingIfNeeded: c) &- lo
            number[l.x + size.x * (l.y + size.y * l.z)] = Int32(n)
        }
        self.number = number
        self.coordinates = coordinates
        linear = voxels
        let cropDistance = DistanceTransform.distances(nx: size.x, ny: size.y, nz: size.z, spacingMM: g.spacingMM) { number[$0] < 0 }
        // A mask that fills its whole crop (it fills the grid) has no wall in reach: the crop's
        // diagonal stands in for "farther than anything in the grid".
        let far = (Double((size &* size).wrappedSum())).squareRoot() * g.spacingMM
        wallDistance = coordinates.map { c in
            let l = SIMD3<Int>(truncatingIfNeeded: c) &- lo
            let d = cropDistance[l.x + size.x * (l.y + size.y * l.z)]
            return d.isFinite ? d : far
        }
        var offsets: [(SIMD3<Int32>, Int, Double)] = []
        for dk in -1...1 { for dj in -1...1 { for di in -1...1 where di != 0 || dj != 0 || dk != 0 {
            let length = Double(di * di + dj * dj + dk * dk).squareRoot() * g.spacingMM
            offsets.append((SIMD3<Int32>(Int32(di), Int32(dj), Int32(dk)), di + size.x * (dj + size.y * dk), length))
        } } }
        self.offsets = offsets
    }

    /// The mask voxel at crop-relative coordinates, or nil outside the crop or the mask.
    @inline(__always) func voxel(atCrop l: SIMD3<Int>) -> Int? {
        guard l.x >= 0, l.y >= 0, l.z >= 0, l.x < size.x, l.y < size.y, l.z < size.z else { return nil }
        let n = number[l.x + size.x * (l.y + size.y * l.z)]
        return n >= 0 ? Int(n) : nil
    }

    /// The mask voxel at grid coordinates, or nil.
    func voxel(atGrid c: SIMD3<Int>) -> Int? { voxel(atCrop: c &- lo) }

    /// Grid coordinates of a mask voxel, as numbers.
    func voxelCoordinates(_ v: Int) -> SIMD3<Double> { SIMD3<Double>(coordinates[v]) }

    /// Calls `body(neighbour, distance mm)` for each of the voxel's neighbours in the mask.
    @inline(__always) func forEachNeighbour(of v: Int, _ body: (Int, Double) -> Void) {
        let l = SIMD3<Int>(truncatingIfNeeded: coordinates[v]) &- lo
        let base = l.x + size.x * (l.y + size.y * l.z)
        let interior = l.x > 0 && l.y > 0 && l.z > 0 && l.x + 1 < size.x && l.y + 1 < size.y && l.z + 1 < size.z
        for (d, offset, length) in offsets {
            if interior {
                let n = number[base + offset]
                if n >= 0 { body(Int(n), length) }
            } else if let n = voxel(atCrop: l &+ SIMD3<Int>(truncatingIfNeeded: d)) {
                body(n, length)
            }
        }
    }

    /// World position of a mask voxel's centre (mm).
    func position(_ v: Int) -> SIMD3<Double> {
        let c = coordinates[v]
        return grid.worldPosition(Int(c.x), Int(c.y), Int(c.z))
    }

    func distance(_ a: Int, _ b: Int) -> Double {
        let d = SIMD3<Double>(coordinates[a] &- coordinates[b])
        return (d * d).sum().squareRoot() * grid.spacingMM
    }

    /// Calls `body` for every mask voxel whose centre lies within `radiusMM` of voxel `v`'s centre.
    func forEachVoxel(within radiusMM: Double, of v: Int, _ body: (Int) -> Void) {
        let r = radiusMM / grid.spacingMM
        let reach = Int(r.rounded(.down))
        let l = SIMD3<Int>(truncatingIfNeeded: coordinates[v]) &- lo
        let r2 = r * r
        for dk in -reach...reach { for dj in -reach...reach {
            let rest = r2 - Double(dj * dj + dk * dk)
            guard rest >= 0 else { continue }
            let span = Int(rest.squareRoot().rounded(.down))
            for di in -span...span {
                if let n = voxel(atCrop: l &+ SIMD3(di, dj, dk)) { body(n) }
            }
        } }
    }

    /// The voxels on the straight line from `a` to `b`, each a neighbour of the one before, or nil
    /// where the line leaves the mask.
    func straightLine(from a: Int, to b: Int) -> [Int]? {
        let p = voxelCoordinates(a), q = voxelCoordinates(b)
        let d = q - p
        let steps = Int(max(abs(d.x), abs(d.y), abs(d.z)).rounded(.up))
        var line = [a]
        guard steps > 0 else { return line }
        for n in 1...steps {
            let c = (p + d * (Double(n) / Double(steps))).rounded(.toNearestOrAwayFromZero)
            guard let v = voxel(atGrid: SIMD3<Int>(c)) else { return nil }
            if v != line.last { line.append(v) }
        }
        return line.last == b ? line : nil
    }

    /// The 26-connected pieces of the mask, each a list of voxels in ascending order.
    func components() -> [[Int]] {
        var piece = [Int32](repeating: -1, count: count)
        var pieces: [[Int]] = []
        var stack: [Int] = []
        for seed in 0..<count where piece[seed] < 0 {
            let id = Int32(pieces.count)
            var members: [Int] = []
            piece[seed] = id
            stack.append(seed)
            while let v = stack.popLast() {
                members.append(v)
                forEachNeighbour(of: v) { n, _ in
                    if piece[n] < 0 { piece[n] = id; stack.append(n) }
                }
            }
            pieces.append(members.sorted())
        }
        return pieces
    }
}
