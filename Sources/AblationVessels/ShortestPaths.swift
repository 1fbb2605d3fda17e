/// Dijkstra's shortest paths through a `MaskGraph`, from one or several sources, with a cost per
/// unit length at each voxel. Buffers are kept between runs and only the voxels a run reached are
/// reset, so a mask split into many small pieces costs what its voxels cost.
struct ShortestPaths {
    /// Per voxel: path length from the nearest source (infinite where not reached), the previous
    /// voxel on that path (-1 at a source) and the source it started from.
    private(set) var distance: [Double]
    private(set) var previous: [Int32]
    private(set) var origin: [Int32]
    private var reached: [Int32] = []
    private var heap = MinHeap()

    init(count: Int) {
        distance = [Double](repeating: .infinity, count: count)
        previous = [Int32](repeating: -1, count: count)
        origin = [Int32](repeating: -1, count: count)
    }

    /// Step cost from u to its neighbour v: the centre distance times `cost(v)`.
    mutating func run(_ graph: MaskGraph, from sources: [Int], cost: (Int) -> Double = { _ in 1 }) {
        reset()
        for s in sources where distance[s] != 0 {
            distance[s] = 0
            origin[s] = Int32(s)
            reached.append(Int32(s))
            heap.push(0, Int32(s))
        }
        while let (d, u32) = heap.pop() {
            let u = Int(u32)
            guard d <= distance[u] else { continue }
            let from = origin[u]
            graph.forEachNeighbour(of: u) { v, length in
                let candidate = d + length * cost(v)
                if candidate < distance[v] {
                    if distance[v] == .infinity { reached.append(Int32(v)) }
                    distance[v] = candidate
                    previous[v] = u32
                    origin[v] = from
                    heap.push(candidate, Int32(v))
                }
            }
        }
    }

    mutating func reset() {
        for v in reached {
            distance[Int(v)] = .infinity
            previous[Int(v)] = -1
            origin[Int(v)] = -1
        }
        reached.removeAll(keepingCapacity: true)
    }
}

/// A binary min-heap of (key, voxel) pairs; stale entries are skipped by the caller.
struct MinHeap {
    private var keys: [Double] = []
    private var items: [Int32] = []

    mutating func push(_ key: Double, _ item: Int32) {
        keys.append(key)
        items.append(item)
        var c = keys.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            guard keys[c] < keys[p] else { break }
            keys.swapAt(c, p)
            items.swapAt(c, p)
            c = p
        }
    }

    mutating func pop() -> (Double, Int32)? {
        guard let firstKey = keys.first else { return nil }
        let first = (firstKey, items[0])
        let lastKey = keys.removeLast(), lastItem = items.removeLast()
        if !keys.isEmpty {
            keys[0] = lastKey
            items[0] = lastItem
            var p = 0
            let n = keys.count
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < n && keys[l] < keys[m] { m = l }
                if r < n && keys[r] < keys[m] { m = r }
                if m == p { break }
                keys.swapAt(p, m)
                items.swapAt(p, m)
                p = m
            }
        }
        return first
    }
}
