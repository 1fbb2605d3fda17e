/// Failures of `STLWriter`.
public enum STLError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooManyTriangles(Int)
    case nonFiniteVertex(triangle: Int, vertex: Int)

    public var description: String {
        switch self {
        case .tooManyTriangles(let n):
            return "cannot write STL: \(n) triangles exceed the format's limit of \(UInt32.max)"
        case .nonFiniteVertex(let t, let v):
            return "cannot write STL: vertex \(v) of triangle \(t) is not finite in Float32 (NaN, infinite or beyond 3.4e38)"
        }
    }
}
