import AblationGrid

/// Centrelines of a segmented vessel, TEASAR-style (Sato et al., "TEASAR: tree-structure extraction
/// algorithm for accurate and robust skeletons", Pacific Graphics 2000), split into segments at
/// branch points.
///
/// For each 26-connected piece of the mask:
/// 1. the root is the voxel farthest (path length inside the mask, plus its distance to the wall,
///    which pulls it to the middle of an end cap rather than a rim corner) from an arbitrary voxel;
/// 2. two shortest-path fields grow from the root: the plain path length, and a path cost of
///    (d_max / d)^4 per mm (d: the voxel's distance to the wall, d_max the piece's largest), whose
///    paths run along the middle of the lumen. (TEASAR's 1 + 5000 (1 - d / d_max)^16 hardly
///    penalises anything more than half as deep as the deepest voxel, so in a bend its paths cut
///    across the inner side: 1.1 mm off the middle of a 4 mm tube bent at 15 mm.);
/// 3. repeatedly, the uncovered voxel with the largest path length (plus wall distance, as for the
///    root) is traced back along the penalised paths until it comes within the inscribed ball (plus
///    a voxel) of a centreline voxel found so far, and joined from there in a straight line; every
///    voxel within 1.5 d + one voxel of the new path's voxels is marked covered (d of the widest
///    point nearby, so the rim of a vessel's end is covered): a branch must reach out of its
///    parent's tube to count;
/// 4. end branches no longer than twice the wall distance at their branch point plus two voxels
///    (a bump of the wall, or the rim of a vessel's end, not a vessel) are dropped, three times
///    over (dropping two spurs of a fork leaves a new end);
/// 5. the farthest voxels of a vessel that ends in the grid lie on the rim of its end, where every
///    voxel is one voxel from the wall, so each end is cut back to where the centreline's wall
///    distance is 90 % of its median along the branch and extended straight (along the direction
///    of the last stretch as long as the vessel is wide) to the mask's edge. A vessel the grid cuts
///    keeps its full width up to the cut, and its end stays.
///
/// The skeleton is then rooted at the trunk end (`trunkMM`'s nearest centreline end, otherwise the
/// end of the widest end-segment) and cut at branch points. Every vessel voxel goes to the skeleton
/// voxel nearest along paths inside the mask, and so to that voxel's segment and arc-length slice.
///
/// Diameters: twice the distance from a centreline voxel to the nearest voxel outside is biased by
/// the lattice: the centreline voxel sits up to half a voxel off the true axis and the nearest
/// outside centre lies anywhere in the next voxel shell, so on voxelised cylinders of radius 3-6
/// voxels at random offsets and orientations it came out 0.35-0.5 voxel small, and 1 voxel large at
/// radius 0.5 (measured while writing this, December 2026). A cross-section does not have that
/// bias: centre sampling keeps the area on average (the same measurement: within 0.02 voxel of the
/// true diameter from radius 0.5 to 6 voxels). So each centreline point's diameter is that of the
/// circle with its cross-section, the volume of the voxels nearest to it over its share of the arc
/// (half the way to either neighbouring point), and a segment's diameter is the median over its
/// inner points, which ignores the swollen cross-sections at a branch point. The wall distances
/// are kept per centreline point.
public enum CentrelineExtraction {
    /// How far `trunkMM` may lie from the nearest end of a centreline.
    public static let trunkToleranceMM = 5.0

    /// `voxels`: the vessel's voxels (linear grid indices, any order, repeats ignored).
    public static func extract(voxels: [Int], grid: Grid3D, trunkMM: SIMD3<Double>? = nil) throws(CentrelineError) -> VesselTree {
        let sorted = Array(Set(voxels)).sorted()
        guard !sorted.isEmpty else { throw CentrelineError.empty }
        let graph = MaskGraph(voxels: sorted, grid: grid)
        var skeleton = Skeleton(count: graph.count)
        var paths = ShortestPaths(count: graph.count)
        var penalised = ShortestPaths(count: graph.count)
        let pieces = graph.components()
        for piece in pieces { skeleton.grow(piece: piece, graph: graph, paths: &paths, penalised: &penalised) }
        // Every voxel to its nearest skeleton voxel, along paths inside the mask.
        paths.run(graph, from: (0..<graph.count).filter { skeleton.contains($0) })
        let nearest = paths.origin

        // Each piece's trunk end; with trunkMM, the piece holding the nearest end has the trunk.
        var roots: [Int] = []
        var widest: [Double] = []
        for piece in pieces {
            let provisional = skeleton.rooted(at: skeleton.ends(of: piece).first ?? piece.first { skeleton.contains($0) }!,
                                              graph: graph, nearest: nearest, voxels: piece)
            let choice = provisional.widestEnd(skeleton: skeleton, graph: graph)
            roots.append(choice.end)
            widest.append(choice.diameter)
        }
        var first: Int
        if let trunkMM {
            var best = (distance: Double.infinity, piece: 0, end: 0)
            for (p, piece) in pieces.enumerated() {
                for e in skeleton.ends(of: piece) {
                    let d = graph.position(e) - trunkMM
                    let distance = (d * d).sum().squareRoot()
                    if distance < best.distance { best = (distance, p, e) }
                }
            }
            guard best.distance <= trunkToleranceMM else {
                throw CentrelineError.trunkTooFar(distanceMM: best.distance, nearestEndMM: graph.position(best.end), limitMM: trunkToleranceMM)
            }
            first = best.piece
            roots[first] = best.end
        } else {
            first = 0
            for p in pieces.indices where widest[p] > widest[first] || (widest[p] == widest[first] && pieces[p].count > pieces[first].count) {
                first = p
            }
        }
        let order = [first] + pieces.indices.filter { $0 != first }
        var segments: [VesselTree.Segment] = []
        var segmentOfVoxel = [Int32](repeating: -1, count: graph.count)
        var sliceOfVoxel = [Int32](repeating: -1, count: graph.count)
        for p in order {
            let rooted = skeleton.rooted(at: roots[p], graph: graph, nearest: nearest, voxels: pieces[p])
            let offset = segments.count
            for var s in rooted.segments {
                s.parent = s.parent.map { $0 + offset }
                s.children = s.children.map { $0 + offset }
                s.points = s.points.map { graph.linear[$0] }
                segments.append(s)
            }
            for v in pieces[p] {
                segmentOfVoxel[v] = Int32(offset) + rooted.segmentOfVoxel[v]
                sliceOfVoxel[v] = rooted.sliceOfVoxel[v]
            }
        }
        return VesselTree(segments: segments, voxels: graph.linear, segmentOfVoxel: segmentOfVoxel, sliceOfVoxel: sliceOfVoxel,
                          trunkEnd: graph.linear[roots[first]])
    }
}

/// The skeleton as TEASAR grows it: which mask voxels lie on a centreline, and which centreline
/// voxels are joined.
struct Skeleton {
    /// While growing: the next centreline voxel towards the piece's root.
    private var next: [Int32]
    private var on: [Bool]
    /// Per voxel within the tube round the centrelines found so far: the nearest centreline voxel
    /// whose tube covers it (-1 elsewhere) and its distance (pieces are disjoint, so one array serves all).
    private var owner: [Int32]
    private var coverDistance: [Double]
    /// The finished skeleton's joins (every centreline voxel has an entry).
    private(set) var neighbours: [Int: [Int]] = [:]

    init(count: Int) {
        next = [Int32](repeating: -1, count: count)
        on = [Bool](repeating: false, count: count)
        owner = [Int32](repeating: -1, count: count)
        coverDistance = [Double](repeating: .infinity, count: count)
    }

    func contains(_ v: Int) -> Bool { on[v] }

    /// Steps 1-5 of `CentrelineExtraction` on one piece.
    mutating func grow(piece: [Int], graph: MaskGraph, paths: inout ShortestPaths, penalised: inout ShortestPaths) {
        let wall = graph.wallDistance
        guard piece.count > 1 else {
            on[piece[0]] = true
            neighbours[piece[0]] = []
            return
        }
        paths.run(graph, from: [piece[0]])
        let root = piece.max { paths.distance[$0] + wall[$0] < paths.distance[$1] + wall[$1] }!
        paths.run(graph, from: [root])
        let deepest = piece.map { wall[$0] }.max()!
        penalised.run(graph, from: [root]) { v in
            let x = deepest / wall[v]
            let x2 = x * x
            return x2 * x2
        }
        // Each covered voxel remembers the nearest centreline voxel whose tube covers it.
        func cover(_ path: [Int]) {
            // Near a vessel's end every voxel is close to the wall; a point there takes the widest
            // tube of the path points whose (doubled) inscribed ball reaches it, so the rim of the
            // end is covered too.
            var radius = path.map { wall[$0] }
            for (j, u) in path.enumerated() {
                let reach = Int((2 * wall[u] / graph.spacing).rounded(.up))
                for i in max(0, j - reach)...min(path.count - 1, j + reach) where graph.distance(path[i], u) <= 2 * wall[u] {
                    radius[i] = max(radius[i], wall[u])
                }
            }
            for (u, r) in zip(path, radius) {
                graph.forEachVoxel(within: 1.5 * r + graph.spacing, of: u) { c in
                    let d = graph.distance(c, u)
                    if d < coverDistance[c] { coverDistance[c] = d; owner[c] = Int32(u) }
                }
            }
        }
        on[root] = true
        cover([root])
        let score = piece.map { paths.distance[$0] + wall[$0] }
        let candidates = piece.indices.sorted { score[$0] > score[$1] || (score[$0] == score[$1] && $0 < $1) }.map { piece[$0] }
        for target in candidates where owner[target] < 0 && !on[target] {
            // Back along the penalised paths until within the inscribed ball (plus a voxel) of a
            // centreline voxel, then straight to it: on a lattice two paths along the middle of a
            // lumen can run side by side without ever sharing a voxel.
            var path: [Int] = []
            var v = target
            func near(_ v: Int) -> Bool { owner[v] >= 0 && coverDistance[v] <= wall[Int(owner[v])] + graph.spacing }
            while !on[v] && !near(v) {
                path.append(v)
                v = Int(penalised.previous[v])
            }
            if !on[v], let hop = graph.straightLine(from: v, to: Int(owner[v])) {
                path += hop.dropLast()
                v = hop.last!
            } else {
                while !on[v] {
                    path.append(v)
                    v = Int(penalised.previous[v])
                }
            }
            for (n, u) in path.enumerated() {
                on[u] = true
                next[u] = Int32(n + 1 < path.count ? path[n + 1] : v)
            }
            cover(path)
        }
        for v in piece where on[v] {
            neighbours[v, default: []] += []
            if next[v] >= 0 {
                neighbours[v, default: []].append(Int(next[v]))
                neighbours[Int(next[v]), default: []].append(v)
            }
        }
        for _ in 0..<3 where prune(piece: piece, graph: graph) {}
        for e in ends(of: piece) { straightenEnd(e, graph: graph) }
    }

    /// The branch from end `e` to the next branch point or end, `e` first.
    private func branch(from e: Int) -> [Int] {
        var chain = [e]
        var previous = -1, v = e
        while true {
            guard let onward = neighbours[v]?.first(where: { $0 != previous }), v == e || neighbours[v]!.count == 2 else { break }
            previous = v
            v = onward
            chain.append(v)
        }
        return chain
    }

    /// Step 4: drops end branches no longer than the diameter of the vessel they branch from plus
    /// two voxels, 2 (d + spacing) with d the branch point's wall distance: the rim of a vessel's
    /// end is reached from its centreline by sqrt(2) d plus the staircase of the path, about 3.3 mm
    /// from a 1.6 mm wall distance at 0.5 mm voxels; true when it dropped any.
    private mutating func prune(piece: [Int], graph: MaskGraph) -> Bool {
        var spurs: [[Int]] = []
        for e in ends(of: piece) {
            let chain = branch(from: e)
            let junction = chain.last!
            guard chain.count > 1, neighbours[junction]!.count >= 3 else { continue }
            var length = 0.0
            for n in 1..<chain.count { length += graph.distance(chain[n - 1], chain[n]) }
            if length <= 2 * (graph.wallDistance[junction] + graph.spacing) { spurs.append(Array(chain.dropLast())) }
        }
        for spur in spurs {
            for u in spur {
                for n in neighbours[u] ?? [] { neighbours[n]?.removeAll { $0 == u } }
                neighbours[u] = nil
                on[u] = false
            }
        }
        return !spurs.isEmpty
    }

    /// Step 5 for the end `e`.
    private mutating func straightenEnd(_ e: Int, graph: MaskGraph) {
        guard neighbours[e]?.count == 1 else { return }
        let chain = branch(from: e)
        let wall = graph.wallDistance
        let widths = chain.map { wall[$0] }.sorted()
        let typical = widths[widths.count / 2]
        // Not past the branch point, nor past the middle of a branch with an end on either side.
        let last = neighbours[chain.last!]!.count == 1 ? chain.count / 2 : chain.count - 1
        var cut = 0
        while cut < last && wall[chain[cut]] < 0.9 * typical { cut += 1 }
        for u in chain[0..<cut] {
            on[u] = false
            neighbours[u] = nil
        }
        let end = chain[cut]
        if cut > 0 { neighbours[end]!.removeAll { $0 == chain[cut - 1] } }
        // Onwards in the direction of the last stretch as long as the vessel is wide.
        let back = chain[min(chain.count - 1, cut + max(2, Int((2 * typical / graph.spacing).rounded())))]
        var direction = graph.position(end) - graph.position(back)
        let norm = (direction * direction).sum().squareRoot()
        guard norm > 0 else { return }
        direction /= norm
        let start = graph.voxelCoordinates(end)
        var tip = end
        let steps = 2 * Int(((graph.position(chain[0]) - graph.position(end)) * (graph.position(chain[0]) - graph.position(end))).sum().squareRoot() / graph.spacing + 2 * typical / graph.spacing) + 4
        for step in 1...steps {
            let c = start + direction * (Double(step) / 2)
            guard let u = graph.voxel(atGrid: SIMD3<Int>(c.rounded(.toNearestOrAwayFromZero))) else { break }
            if u == tip { continue }
            if on[u] { break }
            on[u] = true
            neighbours[u] = [tip]
            neighbours[tip]!.append(u)
            tip = u
        }
    }

    /// The centreline voxels of a piece joined to one other or none: the ends.
    func ends(of piece: [Int]) -> [Int] {
        piece.filter { v in on[v] && (neighbours[v]?.count ?? 0) <= 1 }
    }

    /// The piece's skeleton rooted at `root` (an end) and cut into segments.
    func rooted(at root: Int, graph: MaskGraph, nearest: [Int32], voxels: [Int]) -> RootedSkeleton {
        RootedSkeleton(root: root, neighbours: neighbours, graph: graph, nearest: nearest, voxels: voxels)
    }
}

/// A piece's skeleton seen from its trunk end: segments in breadth-first order, and each voxel's
/// segment and slice.
struct RootedSkeleton {
    var segments: [VesselTree.Segment] = []
    /// Per skeleton voxel: its segment and arc length along it (a branch point belongs to the
    /// segment that ends there).
    var place: [Int: (segment: Int, arcMM: Double, at: SIMD3<Double>, tangent: SIMD3<Double>)] = [:]
    /// Per mask voxel of the piece (other entries unused).
    var segmentOfVoxel: [Int32]
    var sliceOfVoxel: [Int32]
    let root: Int

    init(root: Int, neighbours: [Int: [Int]], graph: MaskGraph, nearest: [Int32], voxels: [Int]) {
        self.root = root
        segmentOfVoxel = [Int32](repeating: -1, count: graph.count)
        sliceOfVoxel = [Int32](repeating: -1, count: graph.count)
        var parentOf: [Int: Int] = [root: -1]
        var children: [Int: [Int]] = [:]
        var queue = [root]
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for n in neighbours[v] ?? [] where parentOf[n] == nil {
                parentOf[n] = v
                children[v, default: []].append(n)
                queue.append(n)
            }
        }
        // Segments breadth-first: (branch point or nil, first own voxel, parent segment).
        var pending: [(Int?, Int, Int?)] = [(nil, root, nil)]
        head = 0
        let h = graph.spacing
        while head < pending.count {
            let (branch, start, parent) = pending[head]
            head += 1
            let id = segments.count
            var points = branch.map { [$0] } ?? []
            points.append(start)
            var v = start
            while let next = children[v], next.count == 1 {
                v = next[0]
                points.append(v)
            }
            let smooth = RootedSkeleton.smoothed(points.map(graph.position))
            var arc = [0.0]
            for n in points.indices.dropFirst() {
                let d = smooth[n] - smooth[n - 1]
                arc.append(arc[n - 1] + (d * d).sum().squareRoot())
            }
            for (n, p) in points.enumerated() where n > 0 || branch == nil {
                let ahead = smooth[min(n + 1, points.count - 1)] - smooth[max(n - 1, 0)]
                let norm = (ahead * ahead).sum().squareRoot()
                place[p] = (id, arc[n], smooth[n], norm > 0 ? ahead / norm : .zero)
            }
            if let parent { segments[parent].children.append(id) }
            let sliceCount = Int((arc.last! / h + 1e-6).rounded(.down)) + 1
            segments.append(.init(parent: parent, children: [], points: points, arcLengthMM: arc,
                                  wallDistanceMM: points.map { graph.wallDistance[$0] },
                                  pointDiameterMM: [], sliceCount: sliceCount, diameterMM: 0))
            for c in (children[v] ?? []).sorted() where (children[v]?.count ?? 0) > 1 { pending.append((v, c, id)) }
        }
        // Voxels to slices, and each centreline point's cross-section: the voxels nearest to it
        // over its share of the arc (half the way to either neighbour; the ends' halves are cut off
        // by the end of the vessel, so they are left out).
        var pointVoxels: [Int: Int] = [:]
        for v in voxels {
            // The voxel's slice: its nearest centreline point's arc length, moved along the local
            // direction by the voxel's offset, so slices lie across the centreline even where it
            // steps sideways between equally deep voxels.
            let centre = Int(nearest[v])
            let (s, arcMM, at, tangent) = place[centre]!
            let along = min(max(arcMM + ((graph.position(v) - at) * tangent).sum(), 0), segments[s].lengthMM)
            let slice = min(Int((along / h + 1e-6).rounded(.down)), segments[s].sliceCount - 1)
            segmentOfVoxel[v] = Int32(s)
            sliceOfVoxel[v] = Int32(slice)
            pointVoxels[centre, default: 0] += 1
        }
        for s in segments.indices {
            let points = segments[s].points, arc = segments[s].arcLengthMM
            var diameters: [Double] = []
            for n in points.indices {
                // A branch point's voxels are its parent's; an end's cell is cut by the vessel's end.
                let interior = n > 0 && n + 1 < points.count
                guard let count = pointVoxels[points[n]], interior || points.count <= 2 else { continue }
                let share = points.count == 1 ? h : ((n + 1 < points.count ? arc[n + 1] : arc[n]) - (n > 0 ? arc[n - 1] : arc[n])) / (interior ? 2 : 1)
                guard share > 0 else { continue }
                diameters.append(2 * (Double(count) * h * h * h / share / Double.pi).squareRoot())
            }
            segments[s].pointDiameterMM = points.indices.map { n in
                let share = points.count == 1 ? h : ((n + 1 < points.count ? arc[n + 1] : arc[n]) - (n > 0 ? arc[n - 1] : arc[n])) / (n > 0 && n + 1 < points.count ? 2 : 1)
                return share > 0 ? 2 * (Double(pointVoxels[points[n]] ?? 0) * h * h * h / share / Double.pi).squareRoot() : 0
            }
            diameters.sort()
            let m = diameters.count
            segments[s].diameterMM = m == 0 ? 2 * (h * h / Double.pi).squareRoot()
                : (m % 2 == 1 ? diameters[m / 2] : (diameters[m / 2 - 1] + diameters[m / 2]) / 2)
        }
    }

    /// A voxel path along an oblique line is a staircase of straight and diagonal steps, 5-8 %
    /// longer than the line (8.2 % at 22.5 degrees from an axis); averaging each point with up to
    /// three on either side (fewer near the ends, which stay where they are) straightens the
    /// staircase before lengths are measured.
    static func smoothed(_ p: [SIMD3<Double>]) -> [SIMD3<Double>] {
        p.indices.map { i in
            let w = min(3, i, p.count - 1 - i)
            var sum = SIMD3<Double>.zero
            for j in (i - w)...(i + w) { sum += p[j] }
            return sum / Double(2 * w + 1)
        }
    }

    /// The end (root or leaf voxel) of the widest segment that has one, and that diameter; between
    /// the two ends of one segment, the one with the wider end slice, then the lower voxel number.
    func widestEnd(skeleton: Skeleton, graph: MaskGraph) -> (end: Int, diameter: Double) {
        var best: (end: Int, diameter: Double, endSlice: Double) = (root, -1, -1)
        func consider(_ end: Int, _ s: Int, endSlice: Double) {
            let d = segments[s].diameterMM
            if d > best.diameter || (d == best.diameter && (endSlice > best.endSlice || (endSlice == best.endSlice && end < best.end))) {
                best = (end, d, endSlice)
            }
        }
        // A root with several branches (TEASAR's own root can be one) is no end.
        if segments[0].points.count > 1 || segments[0].children.isEmpty {
            consider(root, 0, endSlice: segments[0].pointDiameterMM.first { $0 > 0 } ?? 0)
        }
        for (s, segment) in segments.enumerated() where segment.children.isEmpty {
            let leaf = segment.points.last!
            guard leaf != root else { continue }
            consider(leaf, s, endSlice: segment.pointDiameterMM.last { $0 > 0 } ?? 0)
        }
        return (best.end, best.diameter)
    }
}
