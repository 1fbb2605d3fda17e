/// The bare tip length of a cooled needle as a row's device column states it: "2.0-cm exposed tip",
/// "2 cm exposure", "3-cm tip", "25 mm active tip", "3.0-cm monopolar internally cooled electrode",
/// "tips 1.5-3.0 cm". Papers state the exposure because it sets the zone's length and much of its
/// width; a row simulated with another exposure is compared with a zone it did not make.
enum StatedExposure: Sendable, Equatable {
    /// One length (mm).
    case length(mm: Double)
    /// A range (mm), as a paper that used several exposures states it.
    case range(lowMM: Double, highMM: Double)

    /// Words next to a length that make it the needle's exposure.
    private static let exposureWords: Set<String> = ["exposed", "exposure", "tip", "tips", "active", "electrode", "electrodes", "needle", "needles"]
    /// Words that make a length something else: a spacing, an array's or a zone's diameter.
    private static let otherWords: Set<String> = ["apart", "array", "arrays", "spacing", "spaced", "diameter", "deployed", "distance", "zone", "zones", "sphere", "margin"]

    /// The exposure the text states, nil when it states none. Lengths are read with their unit
    /// (cm or mm); a length counts when a word of its clause (up to the next comma, semicolon or
    /// bracket) names the tip ("exposed", "tip", "active", "electrode"...) and none names something
    /// else ("apart", "array", "diameter"...). Several different lengths make a range.
    static func parse(_ text: String) -> StatedExposure? {
        let tokens = tokenize(text.lowercased())
        var found: [(Double, Double)] = []
        var i = 0
        while i < tokens.count {
            guard case let .number(first) = tokens[i] else { i += 1; continue }
            var j = i + 1
            var second: Double?
            if j + 1 < tokens.count, tokens[j] == .dash, case let .number(v) = tokens[j + 1] { second = v; j += 2 }
            if j < tokens.count, tokens[j] == .dash { j += 1 }
            guard j < tokens.count, case let .word(unit) = tokens[j], unit == "cm" || unit == "mm" else { i += 1; continue }
            let scale = unit == "cm" ? 10.0 : 1.0
            let clause = clauseWords(around: i...j, in: tokens)
            if !clause.isDisjoint(with: exposureWords) && clause.isDisjoint(with: otherWords) {
                let a = first * scale, b = (second ?? first) * scale
                found.append((min(a, b), max(a, b)))
            }
            i = j + 1
        }
        guard let low = found.map(\.0).min(), let high = found.map(\.1).max() else { return nil }
        return low == high ? .length(mm: low) : .range(lowMM: low, highMM: high)
    }

    private enum Token: Equatable {
        case number(Double), word(String), dash, boundary
    }

    /// Numbers, words, dashes (hyphens and en dashes, kept: "2.0-cm", "1.5-3.0 cm") and clause
    /// boundaries (, ; ( ) [ ]). "25mm" splits into "25" and "mm".
    private static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = [], current = ""
        var inNumber = false
        func flush() {
            guard !current.isEmpty else { return }
            if inNumber, let v = Double(current) { tokens.append(.number(v)) } else { tokens.append(.word(current)) }
            current = ""
        }
        for ch in text {
            if ch.isNumber || (ch == "." && inNumber && !current.contains(".")) {
                if !inNumber { flush(); inNumber = true }
                current.append(ch)
            } else if ch.isLetter {
                if inNumber { flush(); inNumber = false }
                current.append(ch)
            } else {
                flush(); inNumber = false
                if ch == "-" || ch == "\u{2013}" { tokens.append(.dash) }
                if ",;()[]".contains(ch) { tokens.append(.boundary) }
            }
        }
        flush()
        return tokens
    }

    /// The words of the clause holding `span`: outward from it on both sides, each up to the nearest
    /// clause boundary.
    private static func clauseWords(around span: ClosedRange<Int>, in tokens: [Token]) -> Set<String> {
        var out: Set<String> = []
        for side in [Array(tokens[..<span.lowerBound].reversed()), Array(tokens[(span.upperBound + 1)...])] {
            for t in side {
                if t == .boundary { break }
                if case let .word(w) = t { out.insert(w) }
            }
        }
        return out
    }
}
