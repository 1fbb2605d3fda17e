import Foundation

/// A small line/scatter chart written as SVG by hand: linear axes with rounded ticks, series with
/// markers and optional dashed lines, a legend. Enough for sweep plots; no dependency.
struct SVGChart {
    struct Series {
        var label: String
        var points: [(Double, Double)]
        var color: String
        var dashed = false
        var connect = true
        var square = false
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series] = []
    var note: String?

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    /// Ticks at 1, 2 or 5 x 10^k covering [lo, hi] with about five intervals.
    static func ticks(_ lo: Double, _ hi: Double) -> [Double] {
        let span = hi - lo
        let raw = span / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var t = ceil(lo / step - 1e-9) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func range(_ values: [Double]) -> (Double, Double) {
        guard let lo = values.min(), let hi = values.max() else { return (0, 1) }
        if hi - lo < 1e-12 * max(1, abs(hi)) { return (lo - max(1, abs(lo) * 0.1), hi + max(1, abs(hi) * 0.1)) }
        let pad = 0.05 * (hi - lo)
        return (lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad)
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e9 { return String(Int64(v)) }
        return String(format: "%g", v)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    var svg: String {
        let width = 760.0, height = 480.0
        let left = 70.0, right = 190.0, top = 40.0, bottom = 55.0
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = series.flatMap { $0.points.map(\.0) }, ys = series.flatMap { $0.points.map(\.1) }
        let (x0, x1) = Self.range(xs), (y0, y1) = Self.range(ys)
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - y0) / (y1 - y0) * plotH }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(f(left))\" y=\"24\" font-size=\"15\" font-weight=\"bold\">\(Self.escape(title))</text>\n"
        for t in Self.ticks(x0, x1) {
            s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + plotH))\" stroke=\"#e6e6e6\"/>\n"
            s += "<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\">\(Self.label(t))</text>\n"
        }
        for t in Self.ticks(y0, y1) {
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(t)))\" stroke=\"#e6e6e6\"/>\n"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(Self.label(t))</text>\n"
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        s += "<text transform=\"translate(18 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        for (n, line) in series.enumerated() {
            let points = line.points.sorted { $0.0 < $1.0 }
            let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
            if line.connect, points.count > 1 {
                s += "<polyline class=\"series\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash) points=\"" + points.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ") + "\"/>\n"
            }
            for p in points {
                if line.square {
                    s += "<rect class=\"point\" x=\"\(f(px(p.0) - 3.5))\" y=\"\(f(py(p.1) - 3.5))\" width=\"7\" height=\"7\" fill=\"white\" stroke=\"\(line.color)\" stroke-width=\"1.5\"/>\n"
                } else {
                    s += "<circle class=\"point\" cx=\"\(f(px(p.0)))\" cy=\"\(f(py(p.1)))\" r=\"3.5\" fill=\"\(line.color)\"/>\n"
                }
            }
            let ly = top + 10 + Double(n) * 18
            s += "<line x1=\"\(f(width - right + 14))\" y1=\"\(f(ly))\" x2=\"\(f(width - right + 40))\" y2=\"\(f(ly))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>\n"
            s += "<text x=\"\(f(width - right + 46))\" y=\"\(f(ly + 4))\">\(Self.escape(line.label))</text>\n"
        }
        if let note {
            s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH / 2))\" text-anchor=\"middle\" fill=\"#888\">\(Self.escape(note))</text>\n"
        }
        return s + "</svg>\n"
    }
}
