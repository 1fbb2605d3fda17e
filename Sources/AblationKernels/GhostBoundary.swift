/// What lies beyond each face of the grid, realised through the ghost voxels.
public enum AxisBoundary: Sendable, Equatable {
    /// Fixed temperature one spacing beyond the outermost voxel centres.
    case dirichlet(Float)
    /// Zero flux: the ghost mirrors its interior neighbour, so the face carries no heat.
    case adiabatic
    /// The axis wraps around (used by verification against periodic spectral solutions).
    case periodic
}

public struct GhostBoundary: Sendable, Equatable {
    public var x: AxisBoundary
    public var y: AxisBoundary
    public var z: AxisBoundary

    public init(x: AxisBoundary, y: AxisBoundary, z: AxisBoundary) {
        self.x = x
        self.y = y
        self.z = z
    }

    public init(all: AxisBoundary) { self.init(x: all, y: all, z: all) }

    /// True when ghosts depend on interior values and must be refreshed after every step.
    public var needsRefresh: Bool {
        [x, y, z].contains { if case .dirichlet = $0 { return false } else { return true } }
    }

    /// Writes every face ghost of `field` (Dirichlet values, mirrors or wrap-around copies).
    public func fillGhosts(_ field: AlignedBuffer<Float>, layout L: PaddedLayout, onlyDependent: Bool = false) {
        let p = field.pointer
        func apply(_ b: AxisBoundary, n: Int, stride: Int, count1: Int, count2: Int,
                   base: (Int, Int) -> Int) {
            if onlyDependent, case .dirichlet = b { return }
            for v in 0..<count2 {
                for u in 0..<count1 {
                    let first = base(u, v) // index of interior voxel 0 on this axis
                    let low = first - stride, high = first + n * stride
                    switch b {
                    case .dirichlet(let value):
                        p[low] = value
                        p[high] = value
                    case .adiabatic:
                        p[low] = p[first]
                        p[high] = p[first + (n - 1) * stride]
                    case .periodic:
                        p[low] = p[first + (n - 1) * stride]
                        p[high] = p[first]
                    }
                }
            }
        }
        apply(x, n: L.nx, stride: 1, count1: L.ny, count2: L.nz) { L.index(0, $0, $1) }
        apply(y, n: L.ny, stride: L.strideY, count1: L.nx, count2: L.nz) { L.index($0, 0, $1) }
        apply(z, n: L.nz, stride: L.strideZ, count1: L.nx, count2: L.ny) { L.index($0, $1, 0) }
    }
}
