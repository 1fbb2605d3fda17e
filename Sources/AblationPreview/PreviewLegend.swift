/// The legend under the panels: one swatch per kind of mark drawn, the temperature colour bar and a
/// scale bar, laid out in centred rows.
extension SliceRenderer {
    enum LegendKind {
        case line(Color, dashed: Bool, faint: Bool)
        /// The weakest-margin diamond, filled (in the slice) and hollow (off it) side by side.
        case marker
        case colorBar(low: String, high: String)
        case scaleBar(pixels: Int)
    }

    package struct LegendItem {
        let kind: LegendKind
        package let label: String
        var width: Int {
            let text = RGBCanvas.textWidth(label, scale: textScale)
            switch kind {
            case .line, .marker: return swatchWidth + 8 + text
            case .colorBar(let low, let high):
                return text + 10 + RGBCanvas.textWidth(low, scale: textScale) + 6 + colorBarWidth + 6
                    + RGBCanvas.textWidth(high, scale: textScale)
            case .scaleBar(let px): return px + 8 + text
            }
        }
    }

    static let legendSpacing = 28
    static let swatchWidth = 30
    static let colorBarWidth = 120

    package static func legendItems(layers: PreviewLayers, pixelsPerMM: Double) -> [LegendItem] {
        var items: [LegendItem] = [LegendItem(kind: .line(necrosisColor, dashed: false, faint: false), label: "necrosis")]
        if layers.target != nil {
            items.append(LegendItem(kind: .line(targetColor, dashed: false, faint: false), label: "target"))
        }
        if layers.targetPlusMargin != nil {
            items.append(LegendItem(kind: .line(marginColor, dashed: true, faint: false),
                                    label: "target + \(formatShort(layers.marginMM)) mm"))
        }
        if layers.verdicts.contains(where: { $0.weakestMarginPointMM != nil }) {
            items.append(LegendItem(kind: .marker, label: "weakest margin (hollow: off slice)"))
        }
        if let vessels = layers.vessels, vessels.contains(where: { $0 != 0 }) {
            items.append(LegendItem(kind: .line(vesselColor, dashed: false, faint: false), label: "vessel"))
        }
        for (n, iso) in layers.isothermsC.enumerated() where iso.isFinite {
            items.append(LegendItem(kind: .line(isothermColors[n % isothermColors.count], dashed: false, faint: false),
                                    label: "\(formatShort(Double(iso)))°C"))
        }
        if !layers.applicators.isEmpty {
            items.append(LegendItem(kind: .line(applicatorColor, dashed: false, faint: false), label: "applicator"))
            items.append(LegendItem(kind: .line(applicatorColor, dashed: true, faint: true),
                                    label: "> \(formatShort(inPlaneToleranceMM)) mm off slice"))
        }
        items.append(LegendItem(kind: .colorBar(low: formatShort(Double(heatStartC)), high: "\(formatShort(Double(heatEndC)))°C"),
                                label: "peak temperature"))
        // The largest round length whose bar fits in 120 px.
        let lengths: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500]
        if pixelsPerMM.isFinite, pixelsPerMM > 0 {
            let mm = lengths.last(where: { $0 * pixelsPerMM <= 120 }) ?? lengths[0]
            let px = max(1, Int((mm * pixelsPerMM).rounded()))
            items.append(LegendItem(kind: .scaleBar(pixels: px), label: "\(formatShort(mm)) mm"))
        }
        return items
    }

    static func layoutLegend(_ items: [LegendItem], maxWidth: Int) -> [[LegendItem]] {
        var rows: [[LegendItem]] = []
        var row: [LegendItem] = []
        var rowWidth = 0
        for item in items {
            let needed = row.isEmpty ? item.width : rowWidth + legendSpacing + item.width
            if !row.isEmpty && needed > maxWidth {
                rows.append(row)
                row = [item]
                rowWidth = item.width
            } else {
                row.append(item)
                rowWidth = needed
            }
        }
        if !row.isEmpty { rows.append(row) }
        return rows
    }

    static func drawLegendItem(_ item: LegendItem, x: Int, y: Int, lineWidth: Int, on canvas: inout RGBCanvas) {
        let midY = y + textHeight / 2
        let thickness = max(2, lineWidth + 1)
        switch item.kind {
        case .line(let color, let dashed, let faint):
            if !faint && color == applicatorColor {
                canvas.fillRect(x: x - 1, y: midY - thickness / 2 - 1, width: swatchWidth + 2, height: thickness + 2, haloColor)
            }
            var sx = 0
            while sx < swatchWidth {
                let run = dashed ? min(6, swatchWidth - sx) : swatchWidth
                if faint {
                    for yy in 0..<thickness {
                        for xx in 0..<run { canvas.blend(x + sx + xx, midY - thickness / 2 + yy, color, alpha: offSliceAlpha) }
                    }
                } else {
                    canvas.fillRect(x: x + sx, y: midY - thickness / 2, width: run, height: thickness, color)
                }
                sx += dashed ? 10 : swatchWidth
            }
            canvas.drawText(item.label, x: x + swatchWidth + 8, y: y, scale: textScale, textColor)
        case .marker:
            // Two diamonds as large as the text allows, filled then hollow.
            let r = textHeight / 2 - 1
            drawDiamond(x: x + r + 1, y: midY, radius: r, filled: true, rim: lineWidth, on: &canvas)
            drawDiamond(x: x + swatchWidth - r - 2, y: midY, radius: r, filled: false, rim: lineWidth, on: &canvas)
            canvas.drawText(item.label, x: x + swatchWidth + 8, y: y, scale: textScale, textColor)
        case .colorBar(let low, let high):
            canvas.drawText(item.label, x: x, y: y, scale: textScale, textColor)
            let lowX = x + RGBCanvas.textWidth(item.label, scale: textScale) + 10
            canvas.drawText(low, x: lowX, y: y, scale: textScale, textColor)
            let barX = lowX + RGBCanvas.textWidth(low, scale: textScale) + 6
            let tissue = Color(110, 110, 110)
            for i in 0..<colorBarWidth {
                let s = (Double(i) + 0.5) / Double(colorBarWidth)
                let c = RGBCanvas.mix(tissue, heatColor(s), 0.35 + 0.4 * s)
                canvas.fillRect(x: barX + i, y: y, width: 1, height: textHeight, c)
            }
            canvas.drawText(high, x: barX + colorBarWidth + 6, y: y, scale: textScale, textColor)
        case .scaleBar(let px):
            canvas.fillRect(x: x, y: midY - 1, width: px, height: 3, textColor)
            canvas.fillRect(x: x, y: midY - 6, width: 2, height: 12, textColor)
            canvas.fillRect(x: x + px - 2, y: midY - 6, width: 2, height: 12, textColor)
            canvas.drawText(item.label, x: x + px + 8, y: y, scale: textScale, textColor)
        }
    }
}
