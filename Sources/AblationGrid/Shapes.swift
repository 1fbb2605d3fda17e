public struct Sphere: Shape {
    public let centerMM: SIMD3<Double>
    public let radiusMM: Double
    public init(centerMM: SIMD3<Double>, radiusMM: Double) {
        self.centerMM = centerMM
        self.radiusMM = radiusMM
    }
    public func signedDistance(_ p: SIMD3<Double>) -> Double { length(p - centerMM) - radiusMM }
    public var boundingBoxMM: (SIMD3<Double>, SIMD3<Double>) { (centerMM - radiusMM, centerMM + radiusMM) }
}

/// An ellipsoid with semi-axes along three orthonormal directions (world axes by default).
public struct Ellipsoid: Shape {
    public let centerMM: SIMD3<Double>
    public let semiAxesMM: SIMD3<Double>
    public let axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)

    public init(centerMM: SIMD3<Double>, semiAxesMM: SIMD3<Double>,
                axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) = ([1, 0, 0], [0, 1, 0], [0, 0, 1])) {
        self.centerMM = centerMM
        self.semiAxesMM = semiAxesMM
        self.axes = axes
    }

    public func signedDistance(_ p: SIMD3<Double>) -> Double {
        let d = p - centerMM
        let local = SIMD3<Double>(dot(d, axes.0), dot(d, axes.1), dot(d, axes.2))
        // Scaled-radius distance: exact sign, and (f - 1) * min semi-axis never overstates the
        // Euclidean distance, which is all the partial-volume classifier needs.
        let f = length(local / semiAxesMM)
        return (f - 1) * semiAxesMM.min()
    }

    public var boundingBoxMM: (SIMD3<Double>, SIMD3<Double>) {
        // Half-extent along world axis w: sqrt(sum_i (a_i * axis_i[w])^2).
        let m0 = axes.0 * semiAxesMM.x, m1 = axes.1 * semiAxesMM.y, m2 = axes.2 * semiAxesMM.z
        let half = (m0 * m0 + m1 * m1 + m2 * m2).squareRoot()
        return (centerMM - half, centerMM + half)
    }
}

/// A solid circular cylinder between two end-cap centres.
public struct Cylinder: Shape {
    public let startMM: SIMD3<Double>
    public let endMM: SIMD3<Double>
    public let radiusMM: Double

    public init(startMM: SIMD3<Double>, endMM: SIMD3<Double>, radiusMM: Double) {
        self.startMM = startMM
        self.endMM = endMM
        self.radiusMM = radiusMM
    }

    public var lengthMM: Double { length(endMM - startMM) }
    public var axis: SIMD3<Double> { (endMM - startMM) / lengthMM }

    public func signedDistance(_ p: SIMD3<Double>) -> Double {
        let len = lengthMM
        let u = axis
        let t = dot(p - startMM, u)
        let radial = length(p - startMM - t * u)
        let dr = radial - radiusMM
        let da = max(-t, t - len)
        if dr <= 0 && da <= 0 { return max(dr, da) }
        let outside = SIMD3<Double>(max(dr, 0), max(da, 0), 0)
        return length(outside)
    }

    public var boundingBoxMM: (SIMD3<Double>, SIMD3<Double>) {
        let u = axis
        let half = radiusMM * (1 - u * u).squareRoot()
        return (pointwiseMin(startMM, endMM) - half, pointwiseMax(startMM, endMM) + half)
    }
}

public struct Box: Shape {
    public let minMM: SIMD3<Double>
    public let maxMM: SIMD3<Double>
    public init(minMM: SIMD3<Double>, maxMM: SIMD3<Double>) {
        self.minMM = minMM
        self.maxMM = maxMM
    }
    public func signedDistance(_ p: SIMD3<Double>) -> Double {
        let c = (minMM + maxMM) / 2, half = (maxMM - minMM) / 2
        let q = abs(p - c) - half
        let outside = length(pointwiseMax(q, SIMD3<Double>(repeating: 0)))
        return outside + min(q.max(), 0)
    }
    public var boundingBoxMM: (SIMD3<Double>, SIMD3<Double>) { (minMM, maxMM) }
}

@inlinable func abs(_ v: SIMD3<Double>) -> SIMD3<Double> { pointwiseMax(v, -v) }
