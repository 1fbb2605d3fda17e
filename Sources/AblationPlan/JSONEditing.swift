import AblationJSON

extension JSONValue {
    /// The object with `key` set (replaced in place, or appended), or removed when `value` is nil.
    func setting(_ key: String, _ value: JSONValue?) -> JSONValue {
        guard case var .object(members) = self else { return self }
        if let i = members.firstIndex(where: { $0.0 == key }) {
            if let value { members[i].1 = value } else { members.remove(at: i) }
        } else if let value {
            members.append((key, value))
        }
        return .object(members)
    }
}

func vectorJSON(_ p: SIMD3<Double>) -> JSONValue { .array([.number(p.x), .number(p.y), .number(p.z)]) }

/// Rounds for output files: enough digits to be honest, few enough to read.
func rounded(_ x: Double, _ digits: Int = 4) -> JSONValue {
    guard x.isFinite else { return .null }
    return .number(Double(String(format: "%.\(digits)g", x)) ?? x)
}
