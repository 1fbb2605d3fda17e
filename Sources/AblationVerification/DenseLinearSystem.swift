/// Gaussian elimination with partial pivoting for the few-unknown systems the piecewise closed
/// forms lead to (continuity of temperature and flux at interfaces). Verification-only: the
/// systems are tiny and well scaled by construction.
enum DenseLinearSystem {
    /// Solves `matrix` x = `rhs` (matrix given row by row).
    static func solve(_ matrix: [[Double]], _ rhs: [Double]) -> [Double] {
        let n = rhs.count
        precondition(matrix.count == n && matrix.allSatisfy { $0.count == n })
        var m = matrix, r = rhs
        for column in 0..<n {
            let pivot = (column..<n).max { abs(m[$0][column]) < abs(m[$1][column]) }!
            m.swapAt(column, pivot)
            r.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let f = m[row][column] / m[column][column]
                guard f != 0 else { continue }
                for c in column..<n { m[row][c] -= f * m[column][c] }
                r[row] -= f * r[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = r[row]
            for c in (row + 1)..<n { s -= m[row][c] * x[c] }
            x[row] = s / m[row][row]
        }
        return x
    }
}
