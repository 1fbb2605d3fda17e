/// Reads one JSON object field by field, tracking the path for error messages and refusing keys
/// nobody asked for (with a "did you mean" hint), so that a typo never silently falls back to a
/// default.
public struct JSONObjectReader {
    public let path: String
    private let members: [(String, JSONValue)]
    private var known: [String] = []

    public init(_ value: JSONValue, path: String) throws(PresetError) {
        guard case let .object(m) = value else {
            if path.isEmpty {
                throw PresetError(path: "", "the preset is \(value.kindDescription); expected a JSON object such as {\"ablsim\": 1, \"grid\": {...}, \"applicators\": [...]}")
            }
            throw PresetError(path: path, "got \(value.kindDescription); expected an object")
        }
        self.path = path
        members = m
    }

    public static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    public func child(_ key: String) -> String { JSONObjectReader.join(path, key) }

    public mutating func value(_ key: String) -> JSONValue? {
        known.append(key)
        return members.first { $0.0 == key }?.1
    }

    public var keys: [String] { members.map(\.0) }

    /// The error for a required key that is absent: when a present key looks like a misspelling
    /// of it, the misspelling is the real problem, so name that key instead.
    public func missing(_ key: String, expected: String) -> PresetError {
        let strangers = members.map(\.0).filter { !known.contains($0) }
        if let typo = strangers.first(where: { editDistance($0, key) <= max(2, key.count / 3) }) {
            return PresetError(path: child(typo), "unknown key \"\(typo)\"; did you mean \"\(key)\"?")
        }
        return PresetError(path: child(key), "missing; expected \(expected)")
    }

    /// Fails on the first key that was never asked for.
    public func finish() throws(PresetError) {
        for (key, _) in members where !known.contains(key) {
            var message = "unknown key \"\(key)\""
            if let hint = suggestion(for: key, among: known) { message += "; did you mean \"\(hint)\"?" }
            else { message += "; expected one of: " + known.map { "\"\($0)\"" }.joined(separator: ", ") }
            throw PresetError(path: child(key), message)
        }
    }

    // MARK: typed accessors

    public mutating func number(_ key: String, default fallback: Double? = nil, _ check: NumberCheck = .any) throws(PresetError) -> Double {
        guard let v = value(key) else {
            if let fallback { return fallback }
            throw missing(key, expected: check.expectation)
        }
        return try JSONObjectReader.number(v, path: child(key), check)
    }

    public mutating func optionalNumber(_ key: String, _ check: NumberCheck = .any) throws(PresetError) -> Double? {
        guard let v = value(key) else { return nil }
        return try JSONObjectReader.number(v, path: child(key), check)
    }

    public static func number(_ v: JSONValue, path: String, _ check: NumberCheck) throws(PresetError) -> Double {
        guard case let .number(d) = v else {
            throw PresetError(path: path, "got \(v.kindDescription); expected \(check.expectation)")
        }
        if !check.accepts(d) {
            throw PresetError(path: path, "got \(JSONWriter.format(d)); expected \(check.expectation)")
        }
        return d
    }

    public mutating func integer(_ key: String, default fallback: Int? = nil, _ check: NumberCheck = .any) throws(PresetError) -> Int {
        guard let v = value(key) else {
            if let fallback { return fallback }
            throw missing(key, expected: "an integer \(check.expectation)")
        }
        let d = try JSONObjectReader.number(v, path: child(key), check)
        guard d == d.rounded(), abs(d) <= 9_007_199_254_740_991 else {
            throw PresetError(path: child(key), "got \(JSONWriter.format(d)); expected an integer")
        }
        return Int(d)
    }

    public mutating func bool(_ key: String, default fallback: Bool) throws(PresetError) -> Bool {
        guard let v = value(key) else { return fallback }
        guard case let .bool(b) = v else {
            throw PresetError(path: child(key), "got \(v.kindDescription); expected true or false")
        }
        return b
    }

    public mutating func string(_ key: String, default fallback: String? = nil, oneOf choices: [String]? = nil) throws(PresetError) -> String {
        guard let v = value(key) else {
            if let fallback { return fallback }
            let expected = choices.map { "one of " + $0.map { "\"\($0)\"" }.joined(separator: ", ") } ?? "a string"
            throw missing(key, expected: expected)
        }
        return try JSONObjectReader.string(v, path: child(key), oneOf: choices)
    }

    public static func string(_ v: JSONValue, path: String, oneOf choices: [String]?) throws(PresetError) -> String {
        guard case let .string(s) = v else {
            throw PresetError(path: path, "got \(v.kindDescription); expected a string")
        }
        if let choices, !choices.contains(s) {
            var message = "got \"\(s)\"; expected one of " + choices.map { "\"\($0)\"" }.joined(separator: ", ")
            if let hint = suggestion(for: s, among: choices) { message += " (did you mean \"\(hint)\"?)" }
            throw PresetError(path: path, message)
        }
        return s
    }

    public mutating func vector3(_ key: String, default fallback: SIMD3<Double>? = nil, _ check: NumberCheck = .any) throws(PresetError) -> SIMD3<Double> {
        guard let v = value(key) else {
            if let fallback { return fallback }
            throw missing(key, expected: "[x, y, z] in mm")
        }
        return try JSONObjectReader.vector3(v, path: child(key), check)
    }

    public static func vector3(_ v: JSONValue, path: String, _ check: NumberCheck = .any) throws(PresetError) -> SIMD3<Double> {
        guard case let .array(items) = v, items.count == 3 else {
            if case let .array(items) = v {
                throw PresetError(path: path, "got an array of \(items.count) element\(items.count == 1 ? "" : "s"); expected 3 numbers [x, y, z]")
            }
            throw PresetError(path: path, "got \(v.kindDescription); expected 3 numbers [x, y, z]")
        }
        var out = SIMD3<Double>()
        for (n, item) in items.enumerated() { out[n] = try number(item, path: "\(path).\(n)", check) }
        return out
    }

    public mutating func array(_ key: String, required: Bool) throws(PresetError) -> [JSONValue]? {
        guard let v = value(key) else {
            if required { throw missing(key, expected: "an array") }
            return nil
        }
        guard case let .array(items) = v else {
            throw PresetError(path: child(key), "got \(v.kindDescription); expected an array")
        }
        return items
    }

    public mutating func object(_ key: String) throws(PresetError) -> JSONObjectReader? {
        guard let v = value(key) else { return nil }
        return try JSONObjectReader(v, path: child(key))
    }
}

/// A numeric range check that also phrases what it expects.
public struct NumberCheck: Sendable {
    public init(accepts: @escaping @Sendable (Double) -> Bool, expectation: String) {
        self.accepts = accepts
        self.expectation = expectation
    }

    public let accepts: @Sendable (Double) -> Bool
    public let expectation: String

    public static let any = NumberCheck(accepts: { _ in true }, expectation: "a number")
    public static let positive = NumberCheck(accepts: { $0 > 0 }, expectation: "a number > 0")
    public static let nonNegative = NumberCheck(accepts: { $0 >= 0 }, expectation: "a number >= 0")
    public static func range(_ lo: Double, _ hi: Double, unit: String = "") -> NumberCheck {
        NumberCheck(accepts: { $0 >= lo && $0 <= hi },
                    expectation: "a number from \(JSONWriter.format(lo)) to \(JSONWriter.format(hi))\(unit.isEmpty ? "" : " " + unit)")
    }
    public static func positiveAtMost(_ hi: Double, unit: String = "") -> NumberCheck {
        NumberCheck(accepts: { $0 > 0 && $0 <= hi },
                    expectation: "a number > 0 and <= \(JSONWriter.format(hi))\(unit.isEmpty ? "" : " " + unit)")
    }
}
