/// SplitMix64 pseudo-random generator (Steele, Lea & Flood, 2014).
///
/// Small, fast and fully deterministic: the same seed yields the same sequence
/// on every platform and Swift version. The helpers below use fixed, documented
/// arithmetic (not the standard library's `random(in:using:)`, whose algorithm
/// is not guaranteed to stay the same), so verification fields are reproducible.
/// It is a `RandomNumberGenerator` for tests that draw inputs with the standard
/// library's helpers, where only the stream's determinism matters.
public struct SplitMix64: Sendable, RandomNumberGenerator {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// Next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform double in `[0, 1)` from the top 53 bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform double in `[lower, upper)`.
    public mutating func nextDouble(in lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * nextUnitDouble()
    }

    /// Integer in `range` via the multiply-high method (bias below 2^-64 * count).
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        let count = UInt64(range.upperBound - range.lowerBound) &+ 1
        if count == 0 { return Int(truncatingIfNeeded: next()) }  // full 64-bit range
        let offset = next().multipliedFullWidth(by: count).high
        return range.lowerBound + Int(offset)
    }
}
