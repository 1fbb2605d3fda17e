import AblationGrid
import AblationKernels

/// The surface where a field crosses zero, by marching tetrahedra: each grid cube between eight
/// voxel centres is cut into six tetrahedra around its main diagonal (the same split in every
/// cube, so neighbouring faces match and the surface is watertight), and each tetrahedron the
/// surface crosses contributes one or two triangles with vertices linearly interpolated on its
/// edges. Outside the grid the field counts as negative, which closes zones that touch the edge.
public struct IsoSurface: Sendable {
    /// Triangles in world millimetres, oriented with normals pointing out of the region f >= 0.
    public var triangles: [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)] = []

    public var areaMM2: Double {
        triangles.reduce(0) { sum, t in
            let c = cross(t.1 - t.0, t.2 - t.0)
            return sum + 0.5 * (c * c).sum().squareRoot()
        }
    }

    /// Volume enclosed, from the divergence theorem (exact for a closed, consistently oriented mesh).
    public var enclosedVolumeMM3: Double {
        triangles.reduce(0) { $0 + ($1.0 * cross($1.1, $1.2)).sum() / 6 }
    }

    /// Corner offsets of a cube, and its six tetrahedra sharing the diagonal 0-6.
    static let corners: [(Int, Int, Int)] = [(0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0), (0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1)]
    static let tetrahedra: [(Int, Int, Int, Int)] = [(0, 5, 1, 6), (0, 1, 2, 6), (0, 2, 3, 6), (0, 3, 7, 6), (0, 7, 4, 6), (0, 4, 5, 6)]

    /// No surface (an empty zone).
    public init() {}

    /// `field` in grid order; the surface is f = 0 with f >= 0 inside.
    public init(field: [Float], grid g: Grid3D) {
        @inline(__always) func value(_ i: Int, _ j: Int, _ k: Int) -> Float {
            if i < 0 || j < 0 || k < 0 || i >= g.nx || j >= g.ny || k >= g.nz { return -1 }
            return field[g.linearIndex(i, j, k)]
        }
        var cornerValue = [Float](repeating: 0, count: 8)
        var cornerPoint = [SIMD3<Double>](repeating: .zero, count: 8)
        for k in -1..<g.nz {
            for j in -1..<g.ny {
                for i in -1..<g.nx {
                    var inside = 0
                    for (n, c) in IsoSurface.corners.enumerated() {
                        let v = value(i + c.0, j + c.1, k + c.2)
                        cornerValue[n] = v
                        if v >= 0 { inside += 1 }
                    }
                    if inside == 0 || inside == 8 { continue }
                    for (n, c) in IsoSurface.corners.enumerated() { cornerPoint[n] = g.worldPosition(i + c.0, j + c.1, k + c.2) }
                    for t in IsoSurface.tetrahedra {
                        addTetrahedron([t.0, t.1, t.2, t.3].map { (cornerPoint[$0], cornerValue[$0]) })
                    }
                }
            }
        }
    }

    mutating func addTetrahedron(_ v: [(SIMD3<Double>, Float)]) {
        let ins = v.filter { $0.1 >= 0 }, outs = v.filter { $0.1 < 0 }
        guard !ins.isEmpty, !outs.isEmpty else { return }
        // Every tetrahedron sharing an edge must compute the same crossing to the last bit, or
        // the mesh cracks: interpolate from the lexicographically smaller end, whichever tetrahedron asks.
        func crossing(_ u: (SIMD3<Double>, Float), _ w: (SIMD3<Double>, Float)) -> SIMD3<Double> {
            let swapped = (w.0.x, w.0.y, w.0.z) < (u.0.x, u.0.y, u.0.z)
            let a = swapped ? w : u, b = swapped ? u : w
            let t = Double(a.1) / (Double(a.1) - Double(b.1))
            return a.0 + (b.0 - a.0) * t
        }
        let inCentre = ins.reduce(SIMD3<Double>.zero) { $0 + $1.0 } / Double(ins.count)
        let outCentre = outs.reduce(SIMD3<Double>.zero) { $0 + $1.0 } / Double(outs.count)
        let outward = outCentre - inCentre
        func emit(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) {
            let n = cross(b - a, c - a)
            if (n * n).sum() == 0 { return }
            triangles.append((n * outward).sum() >= 0 ? (a, b, c) : (a, c, b))
        }
        if ins.count == 1 || outs.count == 1 {
            let lone = ins.count == 1 ? ins[0] : outs[0]
            let others = ins.count == 1 ? outs : ins
            emit(crossing(lone, others[0]), crossing(lone, others[1]), crossing(lone, others[2]))
        } else {
            // Two in, two out: the four crossings form a quad, ordered around its perimeter.
            let p00 = crossing(ins[0], outs[0]), p01 = crossing(ins[0], outs[1])
            let p11 = crossing(ins[1], outs[1]), p10 = crossing(ins[1], outs[0])
            emit(p00, p01, p11)
            emit(p00, p11, p10)
        }
    }
}

@inline(__always) func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
