/// A solid in world coordinates (mm). Shapes answer two questions: is a point inside, and how far
/// is it from the surface, so that voxels far from the surface are classified without sampling.
public protocol Shape: Sendable {
    /// Signed distance in mm: negative inside, positive outside. Shapes whose exact distance is
    /// expensive (ellipsoids) may return a bound that never overstates the true distance.
    func signedDistance(_ pointMM: SIMD3<Double>) -> Double
    /// World bounding box (min, max) in mm.
    var boundingBoxMM: (SIMD3<Double>, SIMD3<Double>) { get }
}

extension Shape {
    public func contains(_ pointMM: SIMD3<Double>) -> Bool { signedDistance(pointMM) <= 0 }
}

@inlinable func length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
@inlinable func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { (a * b).sum() }
