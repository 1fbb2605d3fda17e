import Foundation

/// The exact similarity solution T(x, t) = F(x / sqrt(t)) of a semi-infinite medium at `initial`
/// whose face x = 0 is held at `face` from t = 0, with constant conductivity and a volumetric
/// heat capacity that is constant between given temperature levels (an enthalpy piecewise linear
/// in T, such as a phase change smeared over an interval, or a sharp one in the limit).
///
/// With xi = x / sqrt(t), energy conservation rho c dT/dt = k T_xx becomes k F'' + (xi / 2) C(F) F' = 0,
/// so on a piece of constant C, F' = A exp(-C (xi² - a²) / (4 k)) from the piece's start a: F is a
/// sum of error functions, continuous with its slope at each level. Shooting: the face slope F'(0)
/// is found by bisection so that F(infinity) equals the initial temperature; every piece is
/// integrated exactly (erfc), so the only error is the bisection's (to double precision).
struct EnthalpySimilarity {
    struct Piece {
        /// xi where the piece starts, F and F' there, and C / (4 k).
        var start: Double
        var value: Double
        var slope: Double
        var rate: Double
    }

    let pieces: [Piece]
    /// xi where F crosses each level, in order.
    let crossings: [Double]
    let conductivity: Double

    /// `capacities` (J/m³/K) holds one more entry than `levels` (°C, ascending); requires
    /// face < levels < initial, so F rises through every level.
    init(conductivity k: Double, capacities: [Double], levels: [Double], face: Double, initial: Double) {
        precondition(capacities.count == levels.count + 1 && face < levels.first! && levels.last! < initial)
        conductivity = k
        func integrate(_ slope: Double) -> (pieces: [Piece], crossings: [Double], far: Double) {
            var pieces: [Piece] = [], crossings: [Double] = []
            var piece = Piece(start: 0, value: face, slope: slope, rate: capacities[0] / (4 * k))
            for n in 0...levels.count {
                piece.rate = capacities[n] / (4 * k)
                pieces.append(piece)
                let far = EnthalpySimilarity.value(piece, at: .infinity)
                guard n < levels.count, far > levels[n] else { return (pieces, crossings, far) }
                // F rises monotonically on the piece: bisect for the level.
                var lo = piece.start, hi = piece.start + 1e-6
                while EnthalpySimilarity.value(piece, at: hi) < levels[n] { hi = piece.start + 2 * (hi - piece.start) }
                for _ in 0..<200 {
                    let mid = (lo + hi) / 2
                    if EnthalpySimilarity.value(piece, at: mid) < levels[n] { lo = mid } else { hi = mid }
                }
                let xi = (lo + hi) / 2
                crossings.append(xi)
                piece = Piece(start: xi, value: levels[n], slope: EnthalpySimilarity.derivative(piece, at: xi), rate: 0)
            }
            return (pieces, crossings, EnthalpySimilarity.value(pieces.last!, at: .infinity))
        }
        var lo = 0.0, hi = 1.0
        while integrate(hi).far < initial { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if integrate(mid).far < initial { lo = mid } else { hi = mid }
        }
        let solution = integrate((lo + hi) / 2)
        pieces = solution.pieces
        crossings = solution.crossings
    }

    /// F'(0): the face heat flux is k F'(0) / sqrt(t), so the heat through the face by time t is
    /// 2 k F'(0) sqrt(t) per unit area.
    var faceSlope: Double { pieces[0].slope }

    func value(_ xi: Double) -> Double { Self.value(piece(xi), at: xi) }
    func derivative(_ xi: Double) -> Double { Self.derivative(piece(xi), at: xi) }

    private func piece(_ xi: Double) -> Piece { pieces.last { $0.start <= xi } ?? pieces[0] }

    /// F(a) + F'(a) integral from a to xi of exp(-c (s² - a²)) ds, with erfc differences (no
    /// cancellation where the piece starts far out).
    static func value(_ p: Piece, at xi: Double) -> Double {
        let root = p.rate.squareRoot()
        let tail = xi.isInfinite ? 0 : erfc(xi * root)
        return p.value + p.slope * exp(p.rate * p.start * p.start) * Double.pi.squareRoot() / (2 * root) * (erfc(p.start * root) - tail)
    }

    static func derivative(_ p: Piece, at xi: Double) -> Double {
        p.slope * exp(-p.rate * (xi * xi - p.start * p.start))
    }

    /// Composite Simpson rule with `n` (even) intervals; the integrands here are smooth on each
    /// piece, and the callers split at the crossings.
    static func simpson(_ a: Double, _ b: Double, intervals n: Int = 4000, _ f: (Double) -> Double) -> Double {
        let h = (b - a) / Double(n)
        var sum = f(a) + f(b)
        for i in 1..<n { sum += f(a + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
        return sum * h / 3
    }
}

/// Neumann's solution of the two-phase Stefan problem with a sharp front (Carslaw & Jaeger 1959,
/// §11.2): the phase next to the face (heat capacity `near`) grows as s = 2 lambda sqrt(alpha_near t)
/// into the other (`far`), latent heat `latent` (J/m³) released at `melting`, where lambda solves
///
///     c_n (T_m - T_b) e^(-lambda²) / (sqrt(pi) erf lambda)
///       - k (T_i - T_m) e^(-nu² lambda²) / (sqrt(pi) erfc(nu lambda) sqrt(alpha_n alpha_f)) = L lambda,
///
/// nu = sqrt(alpha_n / alpha_f) (the Stefan condition at the front, written for a face colder than
/// the melting point; the left side decreases in lambda, so bisection finds the one root).
struct NeumannFront {
    let lambda: Double
    let nearDiffusivity: Double

    init(conductivity k: Double, near cn: Double, far cf: Double, latent: Double, melting tm: Double, face tb: Double, initial ti: Double) {
        let an = k / cn, af = k / cf, nu = (an / af).squareRoot()
        func residual(_ l: Double) -> Double {
            cn * (tm - tb) * exp(-l * l) / (Double.pi.squareRoot() * erf(l))
                - k * (ti - tm) * exp(-nu * nu * l * l) / (Double.pi.squareRoot() * erfc(nu * l) * (an * af).squareRoot())
                - latent * l
        }
        var lo = 1e-9, hi = 10.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if residual(mid) > 0 { lo = mid } else { hi = mid }
        }
        lambda = (lo + hi) / 2
        nearDiffusivity = an
    }

    func front(at t: Double) -> Double { 2 * lambda * (nearDiffusivity * t).squareRoot() }
}
