/// How much heated liver shrinks, as a function of the highest temperature it reached: the linear
/// shrinkage of porcine liver after 15 min at 60, 65, 75, 85 and 95 °C (12.3, 13.8, 16.6, 19.2 and
/// 21.7 %; Rossmann et al. 2014, PMC3924587), none at 50 °C where shrinkage starts, linear between
/// the points and held above 95 °C. Peak temperature stands in for the whole history, and the
/// 15-minute values for any exposure, so a short exposure is taken to shrink as much as a long one.
public struct TissueShrinkage: Sendable, Equatable {
    /// (peak temperature °C, linear shrinkage as a fraction), ascending in temperature.
    public let points: [(Float, Float)]

    public static let rossmannPorcineLiver = TissueShrinkage(points: [
        (50, 0), (60, 0.123), (65, 0.138), (75, 0.166), (85, 0.192), (95, 0.217),
    ])
    public static let source = "Rossmann et al. 2014 (PMC3924587): porcine liver after 15 min at 60-95 °C"

    public init(points: [(Float, Float)]) { self.points = points }

    /// Linear shrinkage (fraction of a length) of tissue whose peak temperature was `t`.
    @inline(__always) public func shrinkage(atPeak t: Float) -> Float {
        guard let first = points.first, let last = points.last else { return 0 }
        if !(t > first.0) { return first.1 }
        if t >= last.0 { return last.1 }
        var k = 1
        while points[k].0 < t { k += 1 }
        let (t0, s0) = points[k - 1], (t1, s1) = points[k]
        return s0 + (s1 - s0) * (t - t0) / (t1 - t0)
    }

    public static func == (a: TissueShrinkage, b: TissueShrinkage) -> Bool {
        a.points.count == b.points.count && zip(a.points, b.points).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}
