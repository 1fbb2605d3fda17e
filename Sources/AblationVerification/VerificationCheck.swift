import Foundation

/// One verification check: a model's result against a reference that is not the code under test (a
/// closed form, a semi-analytic solution, an independent converged solution or a published table),
/// with the error, the tolerance and where the tolerance comes from.
public struct VerificationCheck: Sendable {
    public var name: String
    public var physics: VerifiedPhysics
    /// The reference, named (paper or derivation), e.g. "closed form: steady perfused slab, cosh profile".
    public var reference: String
    /// The discrepancy judged, dimensionless unless `toleranceBasis` says otherwise: for a sequence
    /// of grids or steps, the finest one's relative L2 error.
    public var error: Double
    public var tolerance: Double
    /// Where the tolerance comes from (truncation order, a published uncertainty, float precision).
    public var toleranceBasis: String
    /// log2 of the error ratio of the last two resolutions (nil when the check has one).
    public var observedOrder: Double?
    /// The formal order of the method, where the check is a convergence sequence.
    public var expectedOrder: Double?
    /// Each resolution of a convergence sequence, coarsest first (empty for single measurements).
    public var resolutions: [Resolution]
    public var passed: Bool
    public var seconds: Double

    public init(name: String, physics: VerifiedPhysics, reference: String, error: Double, tolerance: Double,
                toleranceBasis: String, observedOrder: Double? = nil, expectedOrder: Double? = nil,
                resolutions: [Resolution] = [], passed: Bool? = nil, seconds: Double = 0) {
        self.name = name
        self.physics = physics
        self.reference = reference
        self.error = error
        self.tolerance = tolerance
        self.toleranceBasis = toleranceBasis
        self.observedOrder = observedOrder
        self.expectedOrder = expectedOrder
        self.resolutions = resolutions
        self.passed = passed ?? (error.isFinite && error <= tolerance)
        self.seconds = seconds
    }

    /// One grid spacing or time step of a convergence sequence.
    public struct Resolution: Sendable {
        /// The spacing (mm) or time step (s).
        public var value: Double
        public var unit: String
        public var maxError: Double
        public var l2Error: Double
        /// Errors relative to the largest |reference| value compared.
        public var relativeMaxError: Double
        public var relativeL2Error: Double
        /// log2 of the relative L2 error ratio to the next coarser resolution.
        public var order: Double?
    }

    /// Roache's grid convergence index (J. Fluids Eng. 1994;116:405) safety factor for studies of
    /// three or more grids: a finer resolution's error may be at most this times what the formal
    /// order predicts from the coarser one.
    public static let convergenceSafetyFactor = 1.25

    /// A convergence study: the model at successively refined `resolutions` (coarsest first) against
    /// its reference. At every refinement by r the error must fall at least as the formal order p
    /// says, within the safety factor: e_fine <= 1.25 e_coarse / r^p (for r = 2, p = 2 this is an
    /// observed order of at least 1.68). A wrong coefficient or a lost term does not converge to the
    /// reference and fails; a scheme one order worse fails. The tolerance reported is the bound on the
    /// finest resolution. `solve` returns the model's and the reference's values at matching points.
    public static func convergence(name: String, physics: VerifiedPhysics, reference: String, resolutions: [Double],
                                   unit: String, scaleToSI: Double, expectedOrder: Double,
                                   _ solve: (Double) -> (model: [Double], reference: [Double])) -> VerificationCheck {
        precondition(resolutions.count >= 2, "a convergence study needs two resolutions")
        var rows: [Resolution] = []
        var passed = true
        var tolerance = Double.infinity
        let clock = ContinuousClock()
        let start = clock.now
        for (n, h) in resolutions.enumerated() {
            let (model, exact) = solve(h * scaleToSI)
            var maxError = 0.0, sum = 0.0, scale = 0.0
            for (a, b) in zip(model, exact) {
                let e = abs(a - b)
                maxError = max(maxError, e)
                sum += e * e
                scale = max(scale, abs(b))
            }
            let l2 = (sum / Double(max(1, model.count))).squareRoot()
            let valid = !model.isEmpty && model.count == exact.count && scale > 0 && l2.isFinite
            let relativeL2 = valid ? l2 / scale : .infinity
            var order: Double?
            if n > 0 {
                let previous = rows[n - 1], ratio = resolutions[n - 1] / h
                order = log(previous.relativeL2Error / relativeL2) / log(ratio)
                tolerance = convergenceSafetyFactor * previous.relativeL2Error / pow(ratio, expectedOrder)
                passed = passed && relativeL2 <= tolerance
            }
            passed = passed && valid
            rows.append(Resolution(value: h, unit: unit, maxError: maxError, l2Error: l2,
                                   relativeMaxError: valid ? maxError / scale : .infinity, relativeL2Error: relativeL2, order: order))
        }
        let elapsed = clock.now - start
        return VerificationCheck(
            name: name, physics: physics, reference: reference, error: rows.last!.relativeL2Error, tolerance: tolerance,
            toleranceBasis: "formal order \(formatOrder(expectedOrder)): each refinement's relative L2 error at most \(convergenceSafetyFactor) x the coarser one's / r^\(formatOrder(expectedOrder)) (Roache's GCI safety factor)",
            observedOrder: rows.last!.order, expectedOrder: expectedOrder, resolutions: rows, passed: passed,
            seconds: elapsed.seconds)
    }

    static func formatOrder(_ p: Double) -> String {
        p == p.rounded() ? String(Int(p)) : String(format: "%.2g", p)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
