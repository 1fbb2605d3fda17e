import AblationGrid
@testable import AblationVessels
import Testing

/// Voxels of `grid` whose centre lies within `radius` of the segment a-b (a capsule cut flat at a
/// and b: the centre's projection must fall between them).
func tube(_ grid: Grid3D, from a: SIMD3<Double>, to b: SIMD3<Double>, radius: Double) -> [Int] {
    let axis = b - a, length2 = (axis * axis).sum()
    var voxels: [Int] = []
    for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
        let p = grid.worldPosition(i, j, k) - a
        let t = (p * axis).sum() / length2
        guard t >= 0, t <= 1 else { continue }
        let r = p - t * axis
        if (r * r).sum() <= radius * radius { voxels.append(grid.linearIndex(i, j, k)) }
    } } }
    return voxels
}

/// A straight cylinder along x, 4 mm across, 16 mm long, its axis between voxel centres in y and z:
/// one segment whose diameter is within half a voxel of 4 mm and whose length is within a voxel of 16 mm
/// (the end voxels' centres lie within half a voxel inside the flat ends).
@Test func straightCylinderIsOneSegment() throws {
    let g = Grid3D(nx: 48, ny: 24, nz: 24, spacingMM: 0.5, originMM: [-11.75, -5.9, -6.1])
    let mask = tube(g, from: [-8, 0, 0], to: [8, 0, 0], radius: 2)
    let tree = try CentrelineExtraction.extract(voxels: mask, grid: g)
    #expect(tree.segments.count == 1)
    let s = try #require(tree.segments.first)
    #expect(abs(s.diameterMM - 4) <= 0.25, "diameter \(s.diameterMM) mm")
    #expect(abs(s.lengthMM - 16) <= 0.5, "length \(s.lengthMM) mm")
    #expect(s.parent == nil && s.children.isEmpty)
    // Every voxel has a segment and a slice; slices are one voxel thick across the axis. Where the
    // centreline steps sideways between equally deep voxels, a voxel's nearest centreline voxel can
    // lie in the next plane, so a voxel may fall one slice either side of its x, never more.
    #expect(tree.segmentOfVoxel.allSatisfy { $0 == 0 })
    #expect(s.sliceCount == 32 || s.sliceCount == 33, "\(s.sliceCount) slices")
    let first = g.worldPosition(s.points[0] % g.nx, 0, 0).x
    for (n, v) in tree.voxels.enumerated() {
        let x = g.worldPosition(v % g.nx, (v / g.nx) % g.ny, v / (g.nx * g.ny)).x
        let offset = Double(tree.sliceOfVoxel[n]) * 0.5 - abs(x - first)
        #expect(abs(offset) < 0.51, "voxel at x = \(x) in slice \(tree.sliceOfVoxel[n])")
    }
}

/// A Y: a 5 mm trunk along x, forking at the origin into two 3 mm branches 15 mm long. Three
/// segments, the trunk (the widest end-segment) first, with both branches as its children; each
/// branch's centreline ends within a voxel of the branch's flat end, its diameter within half a voxel.
@Test func bifurcationGivesThreeSegments() throws {
    let g = Grid3D(nx: 76, ny: 60, nz: 24, spacingMM: 0.5, originMM: [-18.5, -14.75, -5.75])
    let ends: [SIMD3<Double>] = [[12, 9, 0], [12, -9, 0]]
    let mask = tube(g, from: [-16, 0, 0], to: [0, 0, 0], radius: 2.5) + ends.flatMap { tube(g, from: [0, 0, 0], to: $0, radius: 1.5) }
    let tree = try CentrelineExtraction.extract(voxels: mask, grid: g)
    #expect(tree.segments.count == 3, "\(tree.segments.map { ($0.diameterMM, $0.lengthMM) })")
    guard tree.segments.count == 3 else { return }
    let trunk = tree.segments[0]
    #expect(trunk.parent == nil && trunk.children == [1, 2])
    #expect(abs(trunk.diameterMM - 5) <= 0.25, "trunk \(trunk.diameterMM) mm")
    func position(_ v: Int) -> SIMD3<Double> { g.worldPosition(v % g.nx, (v / g.nx) % g.ny, v / (g.nx * g.ny)) }
    let start = position(tree.trunkEnd)
    #expect(abs(start.x + 16) <= 0.5 && abs(start.y) <= 0.5, "trunk end at \(start)")
    for b in [1, 2] {
        let branch = tree.segments[b]
        #expect(branch.parent == 0 && branch.children.isEmpty)
        #expect(abs(branch.diameterMM - 3) <= 0.25, "branch \(b): \(branch.diameterMM) mm")
        let end = position(branch.points.last!)
        let nearest = ends.map { e in ((end - e) * (end - e)).sum().squareRoot() }.min()!
        #expect(nearest <= 0.75, "branch \(b) ends \(nearest) mm from a branch end")
        #expect(branch.points.first == trunk.points.last, "a branch starts at the branch point")
    }
    // Trunk and branch lengths add up to the path from the trunk end to a branch end (16 + 15 mm),
    // less what the centreline saves by cutting the corner inside the junction.
    let path = trunk.lengthMM + tree.segments[1].lengthMM
    #expect(abs(path - 31) <= 1, "trunk + branch \(path) mm")
    // Voxels go to the segment they belong to: the branches' far halves to the branches.
    let upper = position(tree.segments[1].points.last!).y > 0 ? 1 : 2
    for (n, v) in tree.voxels.enumerated() {
        let p = position(v)
        if p.x < -3 { #expect(tree.segmentOfVoxel[n] == 0) }
        if p.x > 4 { #expect(tree.segmentOfVoxel[n] == Int32(p.y > 0 ? upper : 3 - upper)) }
    }
}

/// `trunkMM` picks the trunk end: named at a branch's end, the blood's way to the trunk starts
/// there, and the old trunk becomes a branch off it. Too far from every end, it is refused.
@Test func trunkPointChoosesTheRoot() throws {
    let g = Grid3D(nx: 76, ny: 60, nz: 24, spacingMM: 0.5, originMM: [-18.5, -14.75, -5.75])
    let mask = tube(g, from: [-16, 0, 0], to: [0, 0, 0], radius: 2.5) + tube(g, from: [0, 0, 0], to: [12, 9, 0], radius: 1.5)
        + tube(g, from: [0, 0, 0], to: [12, -9, 0], radius: 1.5)
    let tree = try CentrelineExtraction.extract(voxels: mask, grid: g, trunkMM: [12.5, 9.5, 0])
    #expect(tree.segments.count == 3)
    #expect(abs(tree.segments[0].diameterMM - 3) <= 0.25)
    #expect(tree.segments[0].children.count == 2)
    #expect(throws: CentrelineError.self) { try CentrelineExtraction.extract(voxels: mask, grid: g, trunkMM: [0, 12, 0]) }
    do {
        _ = try CentrelineExtraction.extract(voxels: mask, grid: g, trunkMM: [0, 12, 0])
    } catch let .trunkTooFar(distance, _, limit) {
        // The nearest ends are the branch ends, 12.4 mm away (less a voxel or so for where the centreline stops).
        #expect(distance > 11 && distance < 12.5 && limit == 5, "\(distance) mm")
    } catch { Issue.record("\(error)") }
}

/// A quarter circle of radius 15 mm, tube 4 mm across: one segment as long as the arc (23.6 mm)
/// within a voxel, as wide as the tube within half a voxel.
@Test func curvedTubeIsOneSegment() throws {
    let g = Grid3D(nx: 48, ny: 48, nz: 16, spacingMM: 0.5, originMM: [-2.75, -2.6, -3.8])
    var mask: [Int] = []
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
        let p = g.worldPosition(i, j, k)
        let rho = (p.x * p.x + p.y * p.y).squareRoot()
        guard p.x >= 0, p.y >= 0 else { continue }
        if (rho - 15) * (rho - 15) + p.z * p.z <= 4 { mask.append(g.linearIndex(i, j, k)) }
    } } }
    let tree = try CentrelineExtraction.extract(voxels: mask, grid: g)
    #expect(tree.segments.count == 1, "\(tree.segments.map { ($0.diameterMM, $0.lengthMM) })")
    let s = try #require(tree.segments.first)
    #expect(abs(s.lengthMM - 15 * Double.pi / 2) <= 0.5, "length \(s.lengthMM) mm")
    #expect(abs(s.diameterMM - 4) <= 0.25, "diameter \(s.diameterMM) mm")
}

@Test func emptyMaskIsAnError() {
    let g = Grid3D(nx: 8, ny: 8, nz: 8, spacingMM: 1, originMM: .zero)
    #expect(throws: CentrelineError.empty) { try CentrelineExtraction.extract(voxels: [], grid: g) }
}

/// A single voxel is a vessel too short to march: one segment of one slice.
@Test func singleVoxelIsOneSlice() throws {
    let g = Grid3D(nx: 8, ny: 8, nz: 8, spacingMM: 1, originMM: .zero)
    let tree = try CentrelineExtraction.extract(voxels: [g.linearIndex(3, 4, 5)], grid: g)
    #expect(tree.segments.count == 1 && tree.segments[0].sliceCount == 1 && tree.segments[0].lengthMM == 0)
}

/// Two pieces (the grid cuts a vessel in two): each its own tree, the wider first.
@Test func separatePiecesAreSeparateTrees() throws {
    let g = Grid3D(nx: 40, ny: 40, nz: 16, spacingMM: 0.5, originMM: [-9.75, -9.75, -3.75])
    let mask = tube(g, from: [-8, -5, 0], to: [8, -5, 0], radius: 1) + tube(g, from: [-8, 5, 0], to: [8, 5, 0], radius: 2)
    let tree = try CentrelineExtraction.extract(voxels: mask, grid: g)
    #expect(tree.segments.count == 2)
    #expect(tree.segments.allSatisfy { $0.parent == nil })
    #expect(tree.segments[0].diameterMM > tree.segments[1].diameterMM)
}

/// Extraction on a 200^3 grid stays a matter of seconds: a Y of 6 and 4 mm vessels, 60 mm long,
/// at 0.5 mm (about 60 000 vessel voxels).
@Test func extractionOnALargeGridIsFast() throws {
    let g = Grid3D(nx: 200, ny: 200, nz: 200, spacingMM: 0.5, originMM: [-49.75, -49.75, -49.75])
    let mask = tube(g, from: [-45, 0, 0], to: [0, 0, 0], radius: 3) + tube(g, from: [0, 0, 0], to: [30, 30, 10], radius: 2)
        + tube(g, from: [0, 0, 0], to: [30, -30, -10], radius: 2)
    let clock = ContinuousClock()
    let start = clock.now
    let tree = try CentrelineExtraction.extract(voxels: mask, grid: g)
    let elapsed = clock.now - start
    #expect(tree.segments.count == 3)
    #expect(elapsed < .seconds(20), "\(elapsed)")
}
