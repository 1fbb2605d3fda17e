import Foundation

/// The exponential integral E1(x) = integral from x to infinity of e^(-t)/t dt (x > 0), written
/// for the verification references (the damage of a linear temperature ramp needs it) with a
/// bound on its own error, so a reference built on it states how exact it is.
///
/// For x <= 1 the power series E1(x) = -gamma - ln x - sum (-x)^n / (n n!) (Abramowitz & Stegun
/// 5.1.11), whose terms alternate and decrease there, so the first omitted term bounds the
/// truncation. For x > 1 the continued fraction e^x E1(x) = 1/(x+ 1/(1+ 1/(x+ 2/(1+ 2/(x+ ...)))))
/// (A&S 5.1.22): all its elements are positive, so successive convergents bracket the value and
/// their difference bounds the error.
enum ExponentialIntegral {
    /// e^x E1(x) and a bound on its absolute error (truncation plus a few roundings).
    static func scaled(_ x: Double) -> (value: Double, bound: Double) {
        precondition(x > 0, "E1 is evaluated for x > 0 only")
        if x <= 1 {
            let (e1, bound) = series(x)
            return (exp(x) * e1, exp(x) * bound)
        }
        return continuedFraction(x)
    }

    /// E1(x) and a bound on its absolute error.
    static func value(_ x: Double) -> (value: Double, bound: Double) {
        if x <= 1 { return series(x) }
        let (s, bound) = continuedFraction(x)
        return (exp(-x) * s, exp(-x) * bound)
    }

    /// Euler's constant (A&S 6.1.3).
    static let eulerGamma = 0.57721566490153286061

    private static func series(_ x: Double) -> (Double, Double) {
        var sum = 0.0, term = 1.0, n = 1.0
        // term_n = (-x)^n / n!, added as term_n / n.
        while true {
            term *= -x / n
            let next = term / n
            if abs(next) < 1e-18 * max(1, abs(sum)) {
                let value = -eulerGamma - log(x) - sum
                return (value, abs(next) + 8 * Double.ulpOfOne * (abs(eulerGamma) + abs(log(x)) + abs(sum)))
            }
            sum += next
            n += 1
        }
    }

    private static func continuedFraction(_ x: Double) -> (Double, Double) {
        // Wallis recurrence for b0 + a1/(b1 + a2/(b2 + ...)): b0 = 0, a1 = 1, b1 = x, and for n >= 2
        // a_n = floor(n/2), b_n = 1 (n even) or x (n odd).
        var aPrevious = 1.0, a = 0.0   // A_{n-2}, A_{n-1}: A_{-1} = 1, A_0 = b0 = 0
        var bPrevious = 0.0, b = 1.0   // B_{-1} = 0, B_0 = 1
        var previous = Double.infinity
        for n in 1...10_000 {
            let an = n == 1 ? 1.0 : Double(n / 2)
            let bn = n % 2 == 1 ? x : 1.0
            let aNext = bn * a + an * aPrevious, bNext = bn * b + an * bPrevious
            aPrevious = a; a = aNext
            bPrevious = b; b = bNext
            // Rescale: only the ratios matter.
            let scale = 1 / b
            a *= scale; aPrevious *= scale; bPrevious *= scale; b = 1
            let current = a
            let difference = abs(current - previous)
            if n > 2 && difference <= 1e-16 * current {
                return (current, difference + 16 * Double.ulpOfOne * current)
            }
            previous = current
        }
        return (previous, .infinity)
    }
}
