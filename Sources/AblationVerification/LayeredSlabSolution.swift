import Foundation

/// Steady 1-D temperature in a stack of perfused layers with zero flux at both outer faces, each
/// layer with its own conductivity k, perfusion coefficient W = w_b rho_b c_b and uniform source q:
/// k theta'' - W theta + q = 0 in each layer, so theta = q/W + C cosh(m s) + D sinh(m s), m = sqrt(W/k),
/// s the distance from the layer's start. Temperature and flux k theta' are continuous at every
/// interface; with the two end conditions that is 2N linear equations for the 2N coefficients,
/// solved here by elimination (SI units, theta = T - T_arterial).
struct LayeredSlabSolution {
    struct Layer {
        var start: Double, end: Double
        var conductivity: Double, perfusion: Double, source: Double
        var m: Double { (perfusion / conductivity).squareRoot() }
        var particular: Double { source / perfusion }
    }

    let layers: [Layer]
    /// Per layer: C and D.
    private let coefficients: [(c: Double, d: Double)]

    init(layers: [Layer]) {
        precondition(!layers.isEmpty && layers.allSatisfy { $0.perfusion > 0 && $0.conductivity > 0 && $0.end > $0.start })
        self.layers = layers
        let n = layers.count
        var rows: [[Double]] = [], rhs: [Double] = []
        func row(_ entries: [(Int, Double)]) -> [Double] {
            var r = [Double](repeating: 0, count: 2 * n)
            for (column, v) in entries { r[column] = v }
            return r
        }
        // Zero flux at the first layer's start: D_0 = 0.
        rows.append(row([(1, 1)])); rhs.append(0)
        for i in 0..<(n - 1) {
            let a = layers[i], b = layers[i + 1]
            let ml = a.m * (a.end - a.start)
            // Temperature: q_a/W_a + C_a cosh + D_a sinh = q_b/W_b + C_b.
            rows.append(row([(2 * i, cosh(ml)), (2 * i + 1, sinh(ml)), (2 * i + 2, -1)]))
            rhs.append(b.particular - a.particular)
            // Flux: k_a m_a (C_a sinh + D_a cosh) = k_b m_b D_b.
            let fa = a.conductivity * a.m, fb = b.conductivity * b.m
            rows.append(row([(2 * i, fa * sinh(ml)), (2 * i + 1, fa * cosh(ml)), (2 * i + 3, -fb)]))
            rhs.append(0)
        }
        // Zero flux at the last layer's end.
        let last = layers[n - 1], ml = last.m * (last.end - last.start)
        rows.append(row([(2 * n - 2, sinh(ml)), (2 * n - 1, cosh(ml))])); rhs.append(0)
        let x = DenseLinearSystem.solve(rows, rhs)
        coefficients = (0..<n).map { (x[2 * $0], x[2 * $0 + 1]) }
    }

    func theta(at x: Double) -> Double {
        let i = layers.lastIndex { x >= $0.start } ?? 0
        let layer = layers[i], s = layer.m * (x - layer.start)
        return layer.particular + coefficients[i].c * cosh(s) + coefficients[i].d * sinh(s)
    }
}
