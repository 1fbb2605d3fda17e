#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Exact time propagation of one transform mode of
/// `dtheta_hat/dt = -a * theta_hat + s_hat`, with `a = D*lambda + P >= 0`:
///
///     theta_hat(t) = exp(-a t) * theta_hat(0) + (1 - exp(-a t))/a * s_hat
///
/// The second factor is evaluated as `-expm1(-a t)/a` (no cancellation for
/// small `a t`) and as `t` when `a == 0`.
enum PennesModePropagator {
    /// Homogeneous factor `exp(-a t)`.
    @inline(__always)
    static func decay(rate a: Double, time t: Double) -> Double {
        exp(-a * t)
    }

    /// Source gain `(1 - exp(-a t))/a`, or `t` when `a == 0`.
    @inline(__always)
    static func sourceGain(rate a: Double, time t: Double) -> Double {
        a == 0 ? t : -expm1(-a * t) / a
    }

    /// `t -> infinity` limit of the source gain: `1/a` (requires `a > 0`).
    @inline(__always)
    static func steadyGain(rate a: Double) -> Double {
        1 / a
    }
}
