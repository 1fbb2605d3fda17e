import AblationJSON
import Foundation

/// The checks of one `ablsim verify` run, as a table for people and as JSON for tools.
public struct VerificationReport: Sendable {
    public var checks: [VerificationCheck]
    public var passed: Bool { checks.allSatisfy(\.passed) }

    public init(checks: [VerificationCheck]) { self.checks = checks }

    /// One line per check, then the resolutions of every convergence study, then the references.
    public var table: String {
        func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - s.count))
            return right ? fill + s : s + fill
        }
        func number(_ x: Double) -> String { x.isFinite ? String(format: "%.3e", x) : "-" }
        func order(_ x: Double?) -> String { x.map { $0.isFinite ? String(format: "%.2f", $0) : "-" } ?? "-" }
        var lines = [pad("check", 30) + pad("physics", 18) + pad("error", 11, right: true) + pad("tolerance", 11, right: true)
            + pad("order", 7, right: true) + pad("(p)", 5, right: true) + "  result"]
        for c in checks {
            lines.append(pad(c.name, 30) + pad(c.physics.rawValue, 18) + pad(number(c.error), 11, right: true)
                + pad(number(c.tolerance), 11, right: true) + pad(order(c.observedOrder), 7, right: true)
                + pad(c.expectedOrder.map { "(" + VerificationCheck.formatOrder($0) + ")" } ?? "", 5, right: true)
                + "  " + (c.passed ? "pass" : "FAIL"))
        }
        let studies = checks.filter { !$0.resolutions.isEmpty }
        if !studies.isEmpty {
            lines.append("")
            lines.append(pad("convergence", 30) + pad("h", 10, right: true) + pad("max err", 11, right: true)
                + pad("L2 err", 11, right: true) + pad("rel max", 10, right: true) + pad("rel L2", 10, right: true) + pad("order", 7, right: true))
            for c in studies {
                for r in c.resolutions {
                    lines.append(pad(c.name, 30) + pad(String(format: "%.4g", r.value) + " " + r.unit, 10, right: true)
                        + pad(number(r.maxError), 11, right: true) + pad(number(r.l2Error), 11, right: true)
                        + pad(String(format: "%.2e", r.relativeMaxError), 10, right: true)
                        + pad(String(format: "%.2e", r.relativeL2Error), 10, right: true) + pad(order(r.order), 7, right: true))
                }
            }
        }
        lines.append("")
        lines.append("references and tolerances:")
        for c in checks {
            lines.append("  \(c.name): \(c.reference); tolerance: \(c.toleranceBasis)")
        }
        let failed = checks.filter { !$0.passed }.count
        lines.append("\(checks.count - failed) passed, \(failed) failed")
        return lines.joined(separator: "\n")
    }

    /// `{"checks": [{name, physics, reference, error, tolerance, observed_order, passed, ...}], "passed"}`;
    /// non-finite numbers are null.
    public var json: JSONValue {
        func num(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        let items: [JSONValue] = checks.map { c in
            var members: [(String, JSONValue)] = [
                ("name", .string(c.name)), ("physics", .string(c.physics.rawValue)), ("reference", .string(c.reference)),
                ("error", num(c.error)), ("tolerance", num(c.tolerance)), ("observed_order", num(c.observedOrder)),
                ("passed", .bool(c.passed)), ("expected_order", num(c.expectedOrder)),
                ("tolerance_basis", .string(c.toleranceBasis)), ("seconds", num(c.seconds)),
            ]
            if !c.resolutions.isEmpty {
                members.append(("resolutions", .array(c.resolutions.map { r in
                    .object([("value", num(r.value)), ("unit", .string(r.unit)), ("max_error", num(r.maxError)),
                             ("l2_error", num(r.l2Error)), ("relative_max_error", num(r.relativeMaxError)),
                             ("relative_l2_error", num(r.relativeL2Error)), ("order", num(r.order))])
                })))
            }
            return .object(members)
        }
        return .object([("checks", .array(items)), ("passed", .bool(passed))])
    }
}
