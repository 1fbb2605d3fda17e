/// The header above the panels: the title (with the slice point on the right when it fits), the
/// subtitle, then one verdict per target in its outcome's colour; long lines wrap at spaces.
extension SliceRenderer {
    package struct HeaderLine {
        package let text: String
        package let color: Color
        /// Top-left of the text in image pixels.
        package let x: Int, y: Int
    }

    static let headerTopPad = 10
    static let headerBottomPad = 10
    /// Vertical distance between header lines: a text cell plus a small gap.
    static let headerLineStep = lineHeight + 4

    package static func verdictColor(_ outcome: TargetVerdict.Outcome) -> Color {
        switch outcome {
        case .completeWithMargin: return completeColor
        case .marginShort: return marginShortColor
        case .incomplete: return incompleteColor
        }
    }

    static func headerLines(_ layers: PreviewLayers, width: Int) -> [HeaderLine] {
        let textWidth = width - 2 * pad
        var rows: [(String, Color)] = []
        let titleRows = wrap(layers.title, maxWidth: textWidth)
        rows += titleRows.map { ($0, textColor) }
        rows += wrap(layers.subtitle, maxWidth: textWidth).map { ($0, textColor) }
        for verdict in layers.verdicts {
            rows += wrap(verdict.text, maxWidth: textWidth).map { ($0, verdictColor(verdict.outcome)) }
        }
        var lines = rows.enumerated().map { n, row in
            HeaderLine(text: row.0, color: row.1, x: pad, y: headerTopPad + n * headerLineStep)
        }
        // Where the slices cut, right-aligned on the title's first row when there is room.
        let c = layers.centerMM
        let slicePoint = "slices through (\(format1(c.x)), \(format1(c.y)), \(format1(c.z))) mm"
        let slicePointWidth = RGBCanvas.textWidth(slicePoint, scale: textScale)
        if pad + RGBCanvas.textWidth(titleRows.first ?? "", scale: textScale) + 40 + slicePointWidth <= width - pad {
            lines.append(HeaderLine(text: slicePoint, color: dimTextColor, x: width - pad - slicePointWidth, y: headerTopPad))
        }
        return lines
    }

    /// Splits `text` into rows at most `maxWidth` pixels wide at the header's text scale, breaking at
    /// spaces (a word wider than a row is broken where it overflows). Empty text gives no rows.
    static func wrap(_ text: String, maxWidth: Int) -> [String] {
        // n characters are n * advance * scale - scale pixels wide (no gap after the last).
        let perRow = max(1, (maxWidth + textScale) / (BitmapFont.advance * textScale))
        var rows: [String] = []
        var row = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = word
            if !row.isEmpty && row.count + 1 + word.count <= perRow {
                row += " " + word
                continue
            }
            if !row.isEmpty { rows.append(row) }
            while word.count > perRow {
                rows.append(String(word.prefix(perRow)))
                word = word.dropFirst(perRow)
            }
            row = String(word)
        }
        if !row.isEmpty { rows.append(row) }
        return rows
    }
}
