import AblationKernels
/// An axisymmetric necrosis zone around a straight antenna: radius r(z) at distance z from the tip,
/// measured along the needle toward the entry point (z < 0 lies beyond the tip).
///
/// This is the planner's surrogate: a single applicator's zone in homogeneous tissue, extracted
/// from ablsim's own simulation, moved and turned onto any needle path.
public struct ZoneProfile: Sendable, Equatable {
    /// z of the first sample (mm) and the step between samples (mm).
    public var z0MM: Double
    public var dzMM: Double
    public var radiiMM: [Double]

    public init(z0MM: Double, dzMM: Double, radiiMM: [Double]) {
        self.z0MM = z0MM
        self.dzMM = dzMM
        self.radiiMM = radiiMM
    }

    /// Linear interpolation between samples; 0 outside the sampled span.
    public func radius(atZ z: Double) -> Double {
        let u = (z - z0MM) / dzMM
        guard u >= 0, u <= Double(radiiMM.count - 1) else { return 0 }
        let i = min(Int(u), radiiMM.count - 2)
        let f = u - Double(i)
        return radiiMM[i] * (1 - f) + radiiMM[i + 1] * f
    }

    /// Volume of the solid of revolution (mm^3), trapezoidal in z.
    public var volumeMM3: Double {
        var v = 0.0
        for i in 0..<(radiiMM.count - 1) {
            v += Double.pi * (radiiMM[i] * radiiMM[i] + radiiMM[i + 1] * radiiMM[i + 1]) / 2 * dzMM
        }
        return v
    }

    /// z of the zone's centroid (volume-weighted), where the planner aims at the target.
    public var centroidZMM: Double {
        var m = 0.0, v = 0.0
        for (i, r) in radiiMM.enumerated() {
            m += r * r * (z0MM + Double(i) * dzMM)
            v += r * r
        }
        return v > 0 ? m / v : 0
    }

    public var lengthMM: Double {
        guard let first = radiiMM.firstIndex(where: { $0 > 0 }), let last = radiiMM.lastIndex(where: { $0 > 0 }) else { return 0 }
        return Double(last - first + 2) * dzMM
    }

    public var maxRadiusMM: Double { radiiMM.max() ?? 0 }

    /// (1 - weight) a + weight b, radius by radius over both spans (a radius is 0 outside its own
    /// span): a zone between two library settings for the coarse stage's finer durations.
    public static func blend(_ a: ZoneProfile, _ b: ZoneProfile, weight w: Double) -> ZoneProfile {
        let dz = min(a.dzMM, b.dzMM)
        let z0 = min(a.z0MM, b.z0MM)
        let end = max(a.z0MM + Double(a.radiiMM.count - 1) * a.dzMM, b.z0MM + Double(b.radiiMM.count - 1) * b.dzMM)
        let count = Int(((end - z0) / dz).rounded(.up)) + 1
        return ZoneProfile(z0MM: z0, dzMM: dz, radiiMM: (0..<count).map { n in
            let z = z0 + Double(n) * dz
            return (1 - w) * a.radius(atZ: z) + w * b.radius(atZ: z)
        })
    }
}

/// One needle of a candidate plan, as the surrogate sees it.
public struct PlacedZone: Sendable {
    public var tipMM: SIMD3<Double>
    /// Unit vector from the tip toward the entry point.
    public var axis: SIMD3<Double>
    public var profile: ZoneProfile

    @inline(__always) public func contains(_ p: SIMD3<Double>) -> Bool {
        let w = p - tipMM
        let z = (w * axis).sum()
        let r = profile.radius(atZ: z)
        guard r > 0 else { return false }
        return (w * w).sum() - z * z <= r * r
    }

    /// A box (min, max) that holds the zone.
    public var boundingBoxMM: (SIMD3<Double>, SIMD3<Double>) {
        let r = profile.maxRadiusMM
        let a = tipMM + axis * profile.z0MM
        let b = tipMM + axis * (profile.z0MM + Double(profile.radiiMM.count - 1) * profile.dzMM)
        return (pointwiseMin(a, b) - r, pointwiseMax(a, b) + r)
    }
}
