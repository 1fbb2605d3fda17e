import AblationIO
import Foundation

/// Renders the run's `preview.png`: a header, then three orthogonal slices
/// through one point (normally the first target's centre), side by side, then
/// a legend. The header states the run (`title`), what was applied
/// (`subtitle`: device, power, time) and one verdict per target, coloured
/// green (complete with the margin asked for), amber (complete, margin short)
/// or red (incomplete). Each panel shows
///
/// - tissue, coloured by label (`labelColors`);
/// - peak temperature above 40 °C as a semi-transparent purple-red-yellow
///   colour wash (fixed scale 40-100 °C, so previews of different runs compare);
/// - isotherm contours of the peak temperature (50 °C yellow, 60 °C orange),
///   traced on the bilinearly interpolated field, so they are smooth;
/// - outlines of the vessels (blue), the necrosis zone (red), the targets
///   (cyan) and the targets plus margin (dashed green), traced on voxel
///   boundaries so they show the true voxel resolution of the masks;
/// - each target's weakest-margin point as a magenta diamond: filled where the
///   point lies in the shown voxel slice, hollow (its projection) elsewhere;
/// - applicators as white line segments projected orthogonally onto each
///   panel: solid (with a dark halo) where the segment is within 2 mm of the
///   slice plane, faint dashes elsewhere; the tip is a dot;
/// - short grey ticks on the panel edges where the other two slices cut it.
///
/// Axis mapping. The world frame is RAS+ mm, as in the NIfTI outputs: +x
/// points to the patient's right, +y anterior, +z superior (nifti1.h). The
/// panels follow the radiological convention of clinical viewers, with 3D
/// Slicer's default slice orientations: the patient is seen from the feet
/// (axial) or from the front (coronal), so the patient's right is on the
/// image's left; the sagittal panel has anterior on the left. Up is always
/// the larger coordinate:
/// - axial (x-y plane at the centre's z): x decreasing to the right (left
///   edge R, right edge L), y up (top A, bottom P);
/// - coronal (x-z plane at the centre's y): x decreasing to the right (R | L),
///   z up (top S, bottom I);
/// - sagittal (y-z plane at the centre's x): y decreasing to the right
///   (A | P), z up (S, I).
/// Orientation letters on the four panel edges state this on the image itself.
///
/// All three panels share one scale in mm per pixel: pixels per voxel refers
/// to the smallest grid spacing, and each pixel shows the voxel containing its
/// centre (nearest neighbour), so anisotropic grids keep true proportions.
/// The output depends only on the input: same layers, same bytes.
public enum SliceRenderer {
    package typealias Color = SIMD3<UInt8>

    // MARK: Style

    static let background = Color(24, 24, 28)
    static let titleBarColor = Color(46, 48, 58)
    package static let textColor = Color(236, 236, 236)
    static let dimTextColor = Color(160, 163, 172)
    static let frameColor = Color(92, 94, 104)
    static let tickColor = Color(200, 200, 210)
    package static let letterColor = Color(210, 210, 120)
    package static let necrosisColor = Color(255, 40, 40)
    package static let targetColor = Color(0, 225, 255)
    package static let marginColor = Color(80, 230, 100)
    package static let vesselColor = Color(60, 120, 255)
    package static let weakestMarginColor = Color(255, 0, 255)
    package static let isothermColors: [Color] = [
        Color(255, 236, 0), Color(255, 140, 0), Color(255, 110, 210), Color(180, 180, 255),
    ]
    package static let applicatorColor = Color(255, 255, 255)
    static let haloColor = Color(0, 0, 0)
    static let unknownLabelColor = Color(128, 128, 128)
    /// Verdict colours by outcome.
    package static let completeColor = Color(110, 230, 120)
    package static let marginShortColor = Color(255, 190, 60)
    package static let incompleteColor = Color(255, 90, 90)

    static let heatStartC: Float = 40
    static let heatEndC: Float = 100
    /// Applicator parts closer than this to the slice plane are drawn solid.
    public static let inPlaneToleranceMM = 2.0
    /// Faint dashes of the applicator parts off the slice: this many pixels on, then off, per line width.
    static let offSliceDashOn = 3, offSliceDashOff = 2
    /// The off-slice dashes' opacity over the image.
    static let offSliceAlpha = 0.5
    static let targetPanelPixels = 400.0
    static let textScale = 2
    static let pad = 16
    static let panelGap = 32
    static let textHeight = 7 * textScale
    static let lineHeight = BitmapFont.cellHeight * textScale

    // MARK: - Entry point

    /// - Parameter pixelsPerVoxel: image pixels per voxel along the axis with
    ///   the smallest spacing; default: the integer (at least 1) that makes the
    ///   longest panel side about 400 px.
    public static func render(_ layers: PreviewLayers, pixelsPerVoxel: Int? = nil) -> (width: Int, height: Int, rgb: [UInt8]) {
        let l = layout(layers, pixelsPerVoxel: pixelsPerVoxel)
        var canvas = RGBCanvas(width: l.width, height: l.height, fill: background)

        canvas.fillRect(x: 0, y: 0, width: l.width, height: l.headerHeight, titleBarColor)
        for line in l.header {
            canvas.drawText(line.text, x: line.x, y: line.y, scale: textScale, line.color)
        }

        for (n, panel) in l.panels.enumerated() {
            canvas.drawText(l.captions[n].text, x: l.captions[n].x, y: l.captionY, scale: textScale, textColor)
            let px = l.panelX[n]
            canvas.fillRect(x: px - 1, y: l.panelY - 1, width: panel.width + 2, height: panel.height + 2, frameColor)
            canvas.blit(renderPanel(panel, layers: layers, grid: l.grid, lineWidth: l.lineWidth), x: px, y: l.panelY)
            drawSliceTicks(panel, grid: l.grid, x: px, y: l.panelY, on: &canvas)
        }

        for (r, row) in l.legendRows.enumerated() {
            let rowWidth = row.map(\.width).reduce(0, +) + legendSpacing * (row.count - 1)
            var lx = (l.width - rowWidth) / 2
            for item in row {
                drawLegendItem(item, x: lx, y: l.legendY + r * l.legendRowHeight, lineWidth: l.lineWidth, on: &canvas)
                lx += item.width + legendSpacing
            }
        }
        return (canvas.width, canvas.height, canvas.pixels)
    }

    /// Where everything goes in the image.
    package struct Layout {
        let grid: Grid
        let lineWidth: Int
        let width: Int, height: Int
        let headerHeight: Int
        let header: [HeaderLine]
        /// Caption text and left edge per panel; all on one row.
        let captions: [(text: String, x: Int)]
        let captionY: Int
        let panels: [Panel]
        /// Image position of each panel's top-left pixel.
        let panelX: [Int]
        let panelY: Int
        let legendRows: [[LegendItem]]
        let legendY: Int
        let legendRowHeight: Int
    }

    package static func layout(_ layers: PreviewLayers, pixelsPerVoxel: Int? = nil) -> Layout {
        let grid = Grid(layers.geometry)
        let ppv = max(1, min(pixelsPerVoxel ?? grid.defaultPixelsPerVoxel(target: targetPanelPixels), 64))
        let pixelMM = grid.minSpacing / Double(ppv)
        let lineWidth = ppv >= 3 ? 2 : 1
        let slices = (0..<3).map { grid.sliceIndex(axis: $0, mm: layers.centerMM[$0]) }

        let panels = PanelSpec.radiological.map { Panel(spec: $0, grid: grid, slices: slices, pixelMM: pixelMM) }
        let axisNames = ["x", "y", "z"]
        let captionTexts = panels.map { p in
            "\(p.spec.name) \(axisNames[p.spec.n]) = \(format1(p.sliceMM)) mm"
        }

        // Horizontal layout: one slot per panel, wide enough for its caption.
        let slotWidths = zip(panels, captionTexts).map { max($0.width, RGBCanvas.textWidth($1, scale: textScale)) }
        let contentWidth = slotWidths.reduce(0, +) + panelGap * (panels.count - 1)
        let width = max(2 * pad + contentWidth, 640)
        let header = headerLines(layers, width: width)
        let headerHeight = (header.map(\.y).max() ?? 0) + lineHeight + headerBottomPad
        let legend = legendItems(layers: layers, pixelsPerMM: Double(panels[0].width) / panels[0].extentU)
        let legendRows = layoutLegend(legend, maxWidth: width - 2 * pad)

        let captionY = headerHeight + pad
        let panelY = captionY + lineHeight + tickLength + 4
        let panelHeight = panels.map(\.height).max() ?? 0
        let legendY = panelY + panelHeight + pad + 4
        let legendRowHeight = lineHeight + 10
        let height = legendY + legendRows.count * legendRowHeight + pad - 6

        var captions: [(text: String, x: Int)] = []
        var panelX: [Int] = []
        var x = (width - contentWidth) / 2
        for (n, panel) in panels.enumerated() {
            let slot = slotWidths[n]
            captions.append((captionTexts[n], x + (slot - RGBCanvas.textWidth(captionTexts[n], scale: textScale)) / 2))
            panelX.append(x + (slot - panel.width) / 2)
            x += slot + panelGap
        }
        return Layout(grid: grid, lineWidth: lineWidth, width: width, height: height, headerHeight: headerHeight,
                      header: header, captions: captions, captionY: captionY, panels: panels, panelX: panelX,
                      panelY: panelY, legendRows: legendRows, legendY: legendY, legendRowHeight: legendRowHeight)
    }

    // MARK: - Grid and panels

    /// The geometry made safe to draw: at least one voxel per axis and
    /// positive finite spacing, with lenient voxel look-ups.
    package struct Grid {
        let n: [Int]
        let spacing: [Double]
        let origin: [Double]

        init(_ g: VolumeGeometry) {
            n = [max(1, g.nx), max(1, g.ny), max(1, g.nz)]
            spacing = [g.spacingMM.x, g.spacingMM.y, g.spacingMM.z].map { $0.isFinite && $0 > 0 ? $0 : 1 }
            origin = [g.originMM.x, g.originMM.y, g.originMM.z].map { $0.isFinite ? $0 : 0 }
        }

        var minSpacing: Double { spacing.min() ?? 1 }

        func extent(_ axis: Int) -> Double { Double(n[axis]) * spacing[axis] }

        func defaultPixelsPerVoxel(target: Double) -> Int {
            let longest = (0..<3).map { extent($0) / minSpacing }.max() ?? 1
            return max(1, Int((target / longest).rounded()))
        }

        /// Nearest voxel index along `axis` to world coordinate `mm`, clamped
        /// into the grid (a non-finite coordinate gives the middle slice).
        func sliceIndex(axis: Int, mm: Double) -> Int {
            guard mm.isFinite else { return n[axis] / 2 }
            let i = ((mm - origin[axis]) / spacing[axis]).rounded()
            return Int(max(0, min(Double(n[axis] - 1), i)))
        }

        func centre(axis: Int, index: Int) -> Double { origin[axis] + Double(index) * spacing[axis] }

        func linearIndex(_ c: (Int, Int, Int)) -> Int { c.0 + n[0] * (c.1 + n[1] * c.2) }
    }

    package struct PanelSpec {
        let name: String
        /// World axes shown horizontally, vertically (increasing up) and the slice normal.
        let u: Int, v: Int, n: Int
        /// Whether u increases toward the image's left (the radiological mirror) rather than its right.
        let uIncreasesLeft: Bool
        let letters: (left: String, right: String, top: String, bottom: String)

        /// Radiological display in 3D Slicer's default orientations (see the type's comment):
        /// RAS+ x and y increase toward the patient's right and front, shown on the image's left.
        package static let radiological: [PanelSpec] = [
            PanelSpec(name: "axial", u: 0, v: 1, n: 2, uIncreasesLeft: true, letters: ("R", "L", "A", "P")),
            PanelSpec(name: "coronal", u: 0, v: 2, n: 1, uIncreasesLeft: true, letters: ("R", "L", "S", "I")),
            PanelSpec(name: "sagittal", u: 1, v: 2, n: 0, uIncreasesLeft: true, letters: ("A", "P", "S", "I")),
        ]
    }

    package struct Panel {
        let spec: PanelSpec
        let slice: Int
        let sliceMM: Double
        let width: Int, height: Int
        let extentU: Double, extentV: Double
        /// World mm of the panel's edges along u (the low and high grid faces) and of its top edge.
        let lowU: Double, highU: Double, highV: Double
        /// Voxel index per column / row (nearest neighbour).
        let cols: [Int], rows: [Int]
        /// Continuous voxel coordinate (voxel centres at integers) per column / row.
        let colF: [Double], rowF: [Double]
        /// Voxel indices of the other two slices, along u and v.
        let otherSliceU: Int, otherSliceV: Int

        init(spec: PanelSpec, grid: Grid, slices: [Int], pixelMM: Double) {
            self.spec = spec
            slice = slices[spec.n]
            sliceMM = grid.centre(axis: spec.n, index: slice)
            extentU = grid.extent(spec.u)
            extentV = grid.extent(spec.v)
            width = max(1, Int((extentU / pixelMM).rounded()))
            height = max(1, Int((extentV / pixelMM).rounded()))
            lowU = grid.origin[spec.u] - grid.spacing[spec.u] / 2
            highU = grid.origin[spec.u] + (Double(grid.n[spec.u]) - 0.5) * grid.spacing[spec.u]
            highV = grid.origin[spec.v] + (Double(grid.n[spec.v]) - 0.5) * grid.spacing[spec.v]
            otherSliceU = slices[spec.u]
            otherSliceV = slices[spec.v]

            func sample(count: Int, extent: Double, spacing: Double, voxels: Int, flip: Bool) -> ([Int], [Double]) {
                var index: [Int] = []
                var coord: [Double] = []
                for p in 0..<count {
                    var mm = (Double(p) + 0.5) * extent / Double(count)  // from the low edge
                    if flip { mm = extent - mm }
                    index.append(max(0, min(voxels - 1, Int((mm / spacing).rounded(.down)))))
                    coord.append(max(0, min(Double(voxels - 1), mm / spacing - 0.5)))
                }
                return (index, coord)
            }
            (cols, colF) = sample(count: width, extent: extentU, spacing: grid.spacing[spec.u], voxels: grid.n[spec.u], flip: spec.uIncreasesLeft)
            (rows, rowF) = sample(count: height, extent: extentV, spacing: grid.spacing[spec.v], voxels: grid.n[spec.v], flip: true)
        }

        /// Grid coordinates of in-plane voxel (a along u, b along v).
        func voxel(_ a: Int, _ b: Int) -> (Int, Int, Int) {
            var c = [0, 0, 0]
            c[spec.u] = a
            c[spec.v] = b
            c[spec.n] = slice
            return (c[0], c[1], c[2])
        }

        /// Image position (fractional pixels) of a world point's projection.
        func project(_ p: SIMD3<Double>) -> (x: Double, y: Double) {
            let fromLeftMM = spec.uIncreasesLeft ? highU - p[spec.u] : p[spec.u] - lowU
            return (fromLeftMM * Double(width) / extentU, (highV - p[spec.v]) * Double(height) / extentV)
        }
    }

    // MARK: - Panel rendering

    static func renderPanel(_ p: Panel, layers: PreviewLayers, grid: Grid, lineWidth: Int) -> RGBCanvas {
        let w = p.width, h = p.height
        var canvas = RGBCanvas(width: w, height: h, fill: .zero)

        // Voxel under each pixel (nearest neighbour) and the peak temperature
        // at each pixel centre (bilinear between the four nearest voxel centres).
        var voxelOf = [Int](repeating: 0, count: w * h)
        var temperature = [Float](repeating: .nan, count: w * h)
        for y in 0..<h {
            let fv = p.rowF[y]
            let b0 = Int(fv.rounded(.down)), b1 = min(b0 + 1, grid.n[p.spec.v] - 1)
            let tb = fv - Double(b0)
            for x in 0..<w {
                voxelOf[y * w + x] = grid.linearIndex(p.voxel(p.cols[x], p.rows[y]))
                let fu = p.colF[x]
                let a0 = Int(fu.rounded(.down)), a1 = min(a0 + 1, grid.n[p.spec.u] - 1)
                let ta = fu - Double(a0)
                func t(_ a: Int, _ b: Int) -> Double {
                    Double(value(layers.temperature, grid.linearIndex(p.voxel(a, b)), default: .nan))
                }
                let top = t(a0, b0) * (1 - ta) + t(a1, b0) * ta
                let bottom = t(a0, b1) * (1 - ta) + t(a1, b1) * ta
                temperature[y * w + x] = Float(top * (1 - tb) + bottom * tb)
            }
        }

        // Tissue, then the temperature wash.
        for y in 0..<h {
            for x in 0..<w {
                let label = Int(value(layers.labels, voxelOf[y * w + x], default: 0))
                var color = label < layers.labelColors.count ? layers.labelColors[label] : unknownLabelColor
                let t = temperature[y * w + x]
                if t > heatStartC {
                    let s = Double(min(1, (t - heatStartC) / (heatEndC - heatStartC)))
                    color = RGBCanvas.mix(color, heatColor(s), 0.35 + 0.4 * s)
                }
                canvas.set(x, y, color)
            }
        }

        func mask(_ values: [UInt8]) -> [Bool] {
            voxelOf.map { value(values, $0, default: 0) != 0 }
        }
        for (n, iso) in layers.isothermsC.enumerated() where iso.isFinite {
            let edge = boundary(temperature.map { $0 >= iso }, width: w, height: h, thickness: lineWidth)
            paint(edge, isothermColors[n % isothermColors.count], on: &canvas)
        }
        if let vessels = layers.vessels {
            paint(boundary(mask(vessels), width: w, height: h, thickness: lineWidth), vesselColor, on: &canvas)
        }
        if let margin = layers.targetPlusMargin {
            let dash = 3 + 2 * lineWidth
            var edge = boundary(mask(margin), width: w, height: h, thickness: lineWidth)
            for y in 0..<h {
                for x in 0..<w where (x / dash + y / dash) % 2 != 0 { edge[y * w + x] = false }
            }
            paint(edge, marginColor, on: &canvas)
        }
        paint(boundary(mask(layers.necrosis), width: w, height: h, thickness: lineWidth), necrosisColor, on: &canvas)
        if let target = layers.target {
            paint(boundary(mask(target), width: w, height: h, thickness: lineWidth), targetColor, on: &canvas)
        }

        for applicator in layers.applicators {
            drawApplicator(from: applicator.entryMM, to: applicator.tipMM, panel: p, lineWidth: lineWidth, on: &canvas)
        }
        for point in layers.verdicts.compactMap(\.weakestMarginPointMM) {
            drawWeakestMarginMarker(at: point, panel: p, grid: grid, lineWidth: lineWidth, on: &canvas)
        }

        // Orientation letters at the middle of each edge, smaller on small
        // panels and left out where they would cover most of the image.
        let letters = p.spec.letters
        let side = min(w, h)
        if side >= 60 {
            let s = side >= 200 ? textScale : 1
            let glyphW = BitmapFont.glyphWidth * s, glyphH = 7 * s, margin = 2 * s
            canvas.drawText(letters.left, x: margin, y: (h - glyphH) / 2, scale: s, letterColor, shadow: haloColor)
            canvas.drawText(letters.right, x: w - margin - glyphW - s, y: (h - glyphH) / 2, scale: s, letterColor, shadow: haloColor)
            canvas.drawText(letters.top, x: (w - glyphW) / 2, y: margin, scale: s, letterColor, shadow: haloColor)
            canvas.drawText(letters.bottom, x: (w - glyphW) / 2, y: h - margin - glyphH - s, scale: s, letterColor, shadow: haloColor)
        }
        return canvas
    }

    /// Pixels inside `inside` within `thickness` pixels (4-neighbourhood
    /// steps) of a pixel outside it; outside the panel counts as outside.
    static func boundary(_ inside: [Bool], width w: Int, height h: Int, thickness: Int) -> [Bool] {
        var edge = [Bool](repeating: false, count: w * h)
        func isInside(_ x: Int, _ y: Int) -> Bool {
            x >= 0 && y >= 0 && x < w && y < h && inside[y * w + x]
        }
        for y in 0..<h {
            for x in 0..<w where inside[y * w + x] {
                search: for d in 1...thickness {
                    if !isInside(x - d, y) || !isInside(x + d, y) || !isInside(x, y - d) || !isInside(x, y + d) {
                        edge[y * w + x] = true
                        break search
                    }
                }
            }
        }
        return edge
    }

    static func paint(_ pixels: [Bool], _ color: Color, on canvas: inout RGBCanvas) {
        for y in 0..<canvas.height {
            for x in 0..<canvas.width where pixels[y * canvas.width + x] { canvas.set(x, y, color) }
        }
    }

    static let tickLength = 8

    /// Ticks just outside the frame of the panel placed at (x, y), where the
    /// other two slices cut this one, so the panels can be related at a glance
    /// without lines over the image.
    static func drawSliceTicks(_ p: Panel, grid: Grid, x: Int, y: Int, on canvas: inout RGBCanvas) {
        let l = tickLength
        var crossing = SIMD3<Double>()
        crossing[p.spec.u] = grid.centre(axis: p.spec.u, index: p.otherSliceU)
        crossing[p.spec.v] = grid.centre(axis: p.spec.v, index: p.otherSliceV)
        let at = p.project(crossing)
        let cx = Int(at.x.rounded(.down)), cy = Int(at.y.rounded(.down))
        canvas.fillRect(x: x + cx - 1, y: y - 1 - l, width: 2, height: l, tickColor)
        canvas.fillRect(x: x + cx - 1, y: y + p.height + 1, width: 2, height: l, tickColor)
        canvas.fillRect(x: x - 1 - l, y: y + cy - 1, width: l, height: 2, tickColor)
        canvas.fillRect(x: x + p.width + 1, y: y + cy - 1, width: l, height: 2, tickColor)
    }

    /// Radius (pixels, in the |dx| + |dy| metric) of the weakest-margin diamond.
    static func markerRadius(lineWidth: Int) -> Int { 3 + 2 * lineWidth }

    /// A magenta diamond with a dark rim at the point's projection: filled when the point lies in the
    /// shown voxel slice, hollow when it lies in front of or behind it, so the reader knows whether the
    /// tissue under the marker is where the margin is thinnest.
    static func drawWeakestMarginMarker(at point: SIMD3<Double>, panel p: Panel, grid: Grid, lineWidth: Int,
                                        on canvas: inout RGBCanvas) {
        guard point.x.isFinite, point.y.isFinite, point.z.isFinite else { return }
        let at = p.project(point)
        guard abs(at.x) < 1e6, abs(at.y) < 1e6 else { return }
        let inSlice = grid.sliceIndex(axis: p.spec.n, mm: point[p.spec.n]) == p.slice
            && abs(point[p.spec.n] - p.sliceMM) <= grid.spacing[p.spec.n] / 2
        drawDiamond(x: Int(at.x.rounded(.down)), y: Int(at.y.rounded(.down)), radius: markerRadius(lineWidth: lineWidth),
                    filled: inSlice, rim: lineWidth, on: &canvas)
    }

    static func drawDiamond(x cx: Int, y cy: Int, radius r: Int, filled: Bool, rim: Int, on canvas: inout RGBCanvas) {
        for dy in -(r + 1)...(r + 1) {
            for dx in -(r + 1)...(r + 1) {
                let d = abs(dx) + abs(dy)
                if d == r + 1 || (!filled && d == r - rim) {
                    canvas.blend(cx + dx, cy + dy, haloColor, alpha: 0.8)
                } else if d <= r && (filled || d > r - rim) {
                    canvas.set(cx + dx, cy + dy, weakestMarginColor)
                }
            }
        }
    }

    /// Projects the segment orthogonally onto the panel. Parts within
    /// `inPlaneToleranceMM` of the slice plane are solid white with a black
    /// halo; the rest is faint white dashes, so a needle crossing the slice
    /// obliquely shows where it actually passes through, and one that misses
    /// the slice never reads as lying in it.
    static func drawApplicator(from entry: SIMD3<Double>, to tip: SIMD3<Double>, panel p: Panel, lineWidth: Int,
                               on canvas: inout RGBCanvas) {
        guard entry.x.isFinite, entry.y.isFinite, entry.z.isFinite,
              tip.x.isFinite, tip.y.isFinite, tip.z.isFinite else { return }
        let w = p.width, h = p.height
        // 0 nothing, 1 faint, 2 solid; the strongest sample wins per pixel, so
        // overlapping samples never compound the faint blend.
        var level = [UInt8](repeating: 0, count: w * h)
        func mark(_ cx: Int, _ cy: Int, radius: Int, _ l: UInt8) {
            for y in (cy - radius)...(cy + radius) where y >= 0 && y < h {
                for x in (cx - radius)...(cx + radius) where x >= 0 && x < w {
                    level[y * w + x] = max(level[y * w + x], l)
                }
            }
        }
        let a = p.project(entry), b = p.project(tip)
        let lengthPx = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
        // Off-slice parts are dashed along the projected line, counted from the entry.
        let dashOn = offSliceDashOn * (lineWidth + 1), dashPeriod = (offSliceDashOn + offSliceDashOff) * (lineWidth + 1)
        // Sample finely both across the image and through the slab, so a
        // needle crossing the slice steeply still shows its in-plane part.
        let throughMM = abs(tip[p.spec.n] - entry[p.spec.n])
        let stepsNeeded = max(lengthPx * 3, throughMM * 4 / inPlaneToleranceMM)
        // Skip segments whose projection is absurdly far off the panel.
        guard stepsNeeded.isFinite, stepsNeeded < 1e6 else { return }
        let steps = max(1, Int(stepsNeeded.rounded(.up)))
        let solidRadius = lineWidth == 1 ? 0 : 1
        for s in 0...steps {
            let t = Double(s) / Double(steps)
            let point = entry + (tip - entry) * t
            let x = Int((a.x + (b.x - a.x) * t).rounded(.down))
            let y = Int((a.y + (b.y - a.y) * t).rounded(.down))
            let inPlane = abs(point[p.spec.n] - p.sliceMM) <= inPlaneToleranceMM
            if inPlane {
                mark(x, y, radius: solidRadius, 2)
            } else if Int((t * lengthPx).rounded(.down)) % dashPeriod < dashOn {
                mark(x, y, radius: 0, 1)
            }
        }
        let tipInPlane = abs(tip[p.spec.n] - p.sliceMM) <= inPlaneToleranceMM
        mark(Int(b.x.rounded(.down)), Int(b.y.rounded(.down)), radius: 1 + lineWidth, tipInPlane ? 2 : 1)

        for y in 0..<h {
            for x in 0..<w {
                switch level[y * w + x] {
                case 2:
                    canvas.set(x, y, applicatorColor)
                case 1:
                    canvas.blend(x, y, applicatorColor, alpha: offSliceAlpha)
                default:
                    // Halo: a dark pixel beside solid line pixels.
                    var besideSolid = false
                    for (dx, dy) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                        let nx = x + dx, ny = y + dy
                        if nx >= 0, ny >= 0, nx < w, ny < h, level[ny * w + nx] == 2 { besideSolid = true }
                    }
                    if besideSolid { canvas.blend(x, y, haloColor, alpha: 0.7) }
                }
            }
        }
    }

    /// Temperature colour for s in 0...1 (40 °C to 100 °C): dark purple,
    /// magenta, red, orange, pale yellow. Isotherm colours (yellow/orange) sit
    /// on the purple part, where the 50-60 °C contours lie, for contrast.
    static func heatColor(_ s: Double) -> Color {
        let stops: [(Double, SIMD3<Double>)] = [
            (0.0, SIMD3(60, 12, 110)),
            (0.3, SIMD3(150, 30, 130)),
            (0.55, SIMD3(220, 60, 60)),
            (0.8, SIMD3(250, 150, 30)),
            (1.0, SIMD3(255, 245, 170)),
        ]
        let t = max(0, min(1, s))
        for k in 1..<stops.count where t <= stops[k].0 {
            let (t0, c0) = stops[k - 1], (t1, c1) = stops[k]
            let c = c0 + (c1 - c0) * ((t - t0) / (t1 - t0))
            return Color(UInt8(c.x.rounded()), UInt8(c.y.rounded()), UInt8(c.z.rounded()))
        }
        let last = stops[stops.count - 1].1
        return Color(UInt8(last.x), UInt8(last.y), UInt8(last.z))
    }

    // MARK: - Helpers

    static func value<T>(_ array: [T], _ index: Int, default fallback: T) -> T {
        index >= 0 && index < array.count ? array[index] : fallback
    }

    /// One decimal, never "-0.0".
    package static func format1(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        let r = (x * 10).rounded() / 10
        return String(format: "%.1f", r == 0 ? 0 : r)
    }

    /// Whole numbers without a fraction ("5"), others with one decimal ("2.5").
    package static func formatShort(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        let r = (x * 10).rounded() / 10
        if r == r.rounded(), abs(r) < 1e9 { return String(Int(r)) }
        return format1(r)
    }
}
