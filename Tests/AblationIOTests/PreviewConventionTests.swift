import Foundation
import Testing
@testable import AblationIO
@testable import AblationPreview

/// What preview.png shows where, checked against positions worked out here from the grid alone.
///
/// The scene: 40 x 36 x 32 voxels of 1 mm, centres x -20...19, y -18...17, z 5...36 mm (RAS+), so the
/// grid's faces are at x 19.5 (the patient's right-most), y 17.5 (front), z 36.5 (top). At 10 pixels per
/// voxel (0.1 mm a pixel) and in radiological display (the patient's right on the image's left;
/// sagittal: anterior on the left, as 3D Slicer shows it), a point (x, y, z) lands at
/// - axial:    column (19.5 - x) * 10, row (17.5 - y) * 10;
/// - coronal:  column (19.5 - x) * 10, row (36.5 - z) * 10;
/// - sagittal: column (17.5 - y) * 10, row (36.5 - z) * 10.
enum PreviewScene {
    static let geometry = VolumeGeometry(nx: 40, ny: 36, nz: 32, spacingMM: SIMD3(1, 1, 1), originMM: SIMD3(-20, -18, 5))
    static let tissue = SIMD3<UInt8>(150, 110, 95)
    static let slicePoint = SIMD3<Double>(0, 0, 21)

    static func column(_ p: SIMD3<Double>, panel: Int) -> Double {
        (panel == 2 ? 17.5 - p.y : 19.5 - p.x) * 10
    }
    static func row(_ p: SIMD3<Double>, panel: Int) -> Double {
        (panel == 0 ? 17.5 - p.y : 36.5 - p.z) * 10
    }

    /// Uniform tissue at 37 °C, nothing necrotic, one 4 mm spherical target at `targetMM`.
    static func layers(targetMM: SIMD3<Double>) -> PreviewLayers {
        let g = geometry
        var target = [UInt8](repeating: 0, count: g.nx * g.ny * g.nz)
        for k in 0..<g.nz {
            for j in 0..<g.ny {
                for i in 0..<g.nx {
                    let p = g.worldPosition(i: Double(i), j: Double(j), k: Double(k))
                    target[i + g.nx * (j + g.ny * k)] = ((p - targetMM) * (p - targetMM)).sum() <= 16 ? 1 : 0
                }
            }
        }
        let count = target.count
        return PreviewLayers(geometry: g, labels: [UInt8](repeating: 1, count: count), labelColors: [.zero, tissue],
                             temperature: [Float](repeating: 37, count: count), necrosis: [UInt8](repeating: 0, count: count),
                             target: target, isothermsC: [], centerMM: slicePoint, title: "preview convention")
    }

    /// Pixels of colour `c` inside panel `n` of a full render, as (column, row) within the panel.
    static func pixels(_ c: SIMD3<UInt8>, panel n: Int, of layers: PreviewLayers) -> [(Int, Int)] {
        let layout = SliceRenderer.layout(layers, pixelsPerVoxel: 10)
        let image = SliceRenderer.render(layers, pixelsPerVoxel: 10)
        let panel = layout.panels[n]
        var found: [(Int, Int)] = []
        for r in 0..<panel.height {
            for col in 0..<panel.width {
                let o = 3 * ((layout.panelY + r) * image.width + layout.panelX[n] + col)
                if image.rgb[o] == c.x && image.rgb[o + 1] == c.y && image.rgb[o + 2] == c.z { found.append((col, r)) }
            }
        }
        return found
    }

    static func mean(_ values: [Int]) -> Double { Double(values.reduce(0, +)) / Double(max(1, values.count)) }
}

@Suite("Preview conventions")
struct PreviewConventionTests {
    @Test func targetOnThePatientsLeftIsDrawnOnTheImagesRight() {
        // RAS+: x increases toward the patient's right (nifti1.h), so x = -12 mm is on the patient's left.
        let target = SIMD3<Double>(-12, 0, 21)
        let layers = PreviewScene.layers(targetMM: target)
        for n in [0, 1] {  // axial, coronal
            let outline = PreviewScene.pixels(SliceRenderer.targetColor, panel: n, of: layers)
            #expect(outline.count > 100)
            let width = SliceRenderer.layout(layers, pixelsPerVoxel: 10).panels[n].width
            #expect(outline.allSatisfy { $0.0 > width / 2 }, "panel \(n): target outline reaches the left half")
            // The outline rings the target's centre voxel (x -12.5...-11.5 mm: columns 310-320).
            let centre = PreviewScene.column(target, panel: n)
            #expect(abs(PreviewScene.mean(outline.map(\.0)) - centre) < 2, "panel \(n): mean column vs \(centre)")
        }
    }

    @Test func anteriorTargetIsDrawnOnTheSagittalLeftAndAxialTop() {
        let target = SIMD3<Double>(0, 10, 21)
        let layers = PreviewScene.layers(targetMM: target)
        let sagittal = PreviewScene.pixels(SliceRenderer.targetColor, panel: 2, of: layers)
        #expect(sagittal.count > 100)
        #expect(sagittal.allSatisfy { $0.0 < 180 })
        #expect(abs(PreviewScene.mean(sagittal.map(\.0)) - PreviewScene.column(target, panel: 2)) < 2)
        let axial = PreviewScene.pixels(SliceRenderer.targetColor, panel: 0, of: layers)
        #expect(axial.allSatisfy { $0.1 < 180 })
        #expect(abs(PreviewScene.mean(axial.map(\.1)) - PreviewScene.row(target, panel: 0)) < 2)
    }

    /// The letter of `candidates` drawn at 2 x 2 pixels per font pixel in the letter colour whose
    /// top-left lies in the given window of `canvas`, if any.
    static func letter(in canvas: RGBCanvas, xs: Range<Int>, ys: Range<Int>) -> Character? {
        for candidate in "RLAPSI" {
            let rows = BitmapFont.glyph(for: candidate)
            for oy in ys {
                for ox in xs {
                    var match = true
                    check: for (r, bits) in rows.enumerated() {
                        for c in 0..<5 {
                            let x = ox + 2 * c, y = oy + 2 * r
                            guard canvas.contains(x, y) else { match = false; break check }
                            let lit = canvas.color(x, y) == SliceRenderer.letterColor
                            if lit != (bits & (0x10 >> UInt8(c)) != 0) { match = false; break check }
                        }
                    }
                    if match { return candidate }
                }
            }
        }
        return nil
    }

    @Test func orientationLettersNameEveryEdge() {
        let layers = PreviewScene.layers(targetMM: SIMD3(0, 0, 21))
        let layout = SliceRenderer.layout(layers, pixelsPerVoxel: 10)
        let expected: [[Character]] = [["R", "L", "A", "P"], ["R", "L", "S", "I"], ["A", "P", "S", "I"]]
        for (n, panel) in layout.panels.enumerated() {
            let canvas = SliceRenderer.renderPanel(panel, layers: layers, grid: layout.grid, lineWidth: 2)
            let w = canvas.width, h = canvas.height
            let found = [
                Self.letter(in: canvas, xs: 0..<30, ys: (h / 2 - 20)..<(h / 2 + 10)),
                Self.letter(in: canvas, xs: (w - 30)..<w, ys: (h / 2 - 20)..<(h / 2 + 10)),
                Self.letter(in: canvas, xs: (w / 2 - 20)..<(w / 2 + 10), ys: 0..<30),
                Self.letter(in: canvas, xs: (w / 2 - 20)..<(w / 2 + 10), ys: (h - 30)..<h),
            ]
            #expect(found == expected[n].map { Optional($0) }, "\(panel.spec.name): left, right, top, bottom")
        }
    }

    static func verdict(_ point: SIMD3<Double>?) -> TargetVerdict {
        TargetVerdict(name: "tumour", coveragePercent: 100, minMarginMM: 2.06, requiredMarginMM: 5, complete: true,
                      completeWithMargin: false, weakestMarginPointMM: point)
    }

    @Test func weakestMarginMarkerSitsOnItsPoint() {
        let point = SIMD3<Double>(5, -3, 21)  // in the axial slice (z 21), in front of the coronal (y 0) and sagittal (x 0)
        var layers = PreviewScene.layers(targetMM: SIMD3(3, -1, 21))
        layers.verdicts = [Self.verdict(point)]
        let layout = SliceRenderer.layout(layers, pixelsPerVoxel: 10)
        let image = SliceRenderer.render(layers, pixelsPerVoxel: 10)
        func pixel(panel n: Int, _ col: Int, _ row: Int) -> SIMD3<UInt8> {
            let o = 3 * ((layout.panelY + row) * image.width + layout.panelX[n] + col)
            return SIMD3(image.rgb[o], image.rgb[o + 1], image.rgb[o + 2])
        }
        let magenta = SliceRenderer.weakestMarginColor
        let r = SliceRenderer.markerRadius(lineWidth: 2)
        for n in 0..<3 {
            let col = Int(PreviewScene.column(point, panel: n)), row = Int(PreviewScene.row(point, panel: n))
            if n == 0 {
                // In the slice: a filled diamond centred on the point.
                #expect(pixel(panel: n, col, row) == magenta)
                #expect(pixel(panel: n, col + r - 1, row) == magenta)
                #expect(pixel(panel: n, col, row - r + 1) == magenta)
            } else {
                // Off the slice: hollow, its rim at the marker's radius around the projection.
                #expect(pixel(panel: n, col, row) == PreviewScene.tissue, "panel \(n)")
                #expect(pixel(panel: n, col + r, row) == magenta, "panel \(n)")
                #expect(pixel(panel: n, col, row + r) == magenta, "panel \(n)")
            }
            #expect(pixel(panel: n, col + r + 3, row) != magenta)
        }
        #expect(SliceRenderer.legendItems(layers: layers, pixelsPerMM: 10).contains { $0.label.hasPrefix("weakest margin") })
        // Without a point: no marker, no legend entry.
        layers.verdicts = [Self.verdict(nil)]
        #expect(colorCount(SliceRenderer.render(layers, pixelsPerVoxel: 10).rgb, magenta) == 0)
        #expect(!SliceRenderer.legendItems(layers: layers, pixelsPerMM: 10).contains { $0.label.hasPrefix("weakest margin") })
    }

    @Test func vesselsAreOutlinedAndInTheLegend() {
        var layers = PreviewScene.layers(targetMM: SIMD3(-5, 0, 21))
        let g = PreviewScene.geometry
        // A 3 mm radius vessel along z through (10, -8).
        var vessel = [UInt8](repeating: 0, count: g.nx * g.ny * g.nz)
        for k in 0..<g.nz {
            for j in 0..<g.ny {
                for i in 0..<g.nx {
                    let p = g.worldPosition(i: Double(i), j: Double(j), k: Double(k))
                    vessel[i + g.nx * (j + g.ny * k)] = (p.x - 10) * (p.x - 10) + (p.y + 8) * (p.y + 8) <= 9 ? 1 : 0
                }
            }
        }
        layers.vessels = vessel
        #expect(SliceRenderer.legendItems(layers: layers, pixelsPerMM: 10).contains { $0.label == "vessel" })
        let outline = PreviewScene.pixels(SliceRenderer.vesselColor, panel: 0, of: layers)
        // A ring of 2 px around a 7-voxel-wide disc: roughly 2 pi 35 px x 2.
        #expect(outline.count > 300)
        #expect(abs(PreviewScene.mean(outline.map(\.0)) - PreviewScene.column(SIMD3(10, -8, 21), panel: 0)) < 2)
        #expect(abs(PreviewScene.mean(outline.map(\.1)) - PreviewScene.row(SIMD3(10, -8, 21), panel: 0)) < 2)
        // The sagittal slice (x 0) misses it.
        #expect(PreviewScene.pixels(SliceRenderer.vesselColor, panel: 2, of: layers).isEmpty)

        layers.vessels = [UInt8](repeating: 0, count: vessel.count)
        #expect(!SliceRenderer.legendItems(layers: layers, pixelsPerMM: 10).contains { $0.label == "vessel" })
        layers.vessels = nil
        #expect(colorCount(SliceRenderer.render(layers, pixelsPerVoxel: 10).rgb, SliceRenderer.vesselColor) == 0)
    }

    @Test func needleOffTheSliceIsDashedAndFaint() {
        let layout = SliceRenderer.layout(PreviewScene.layers(targetMM: .zero), pixelsPerVoxel: 10)
        let axial = layout.panels[0]  // z = 21 mm
        func row155(entry: SIMD3<Double>, tip: SIMD3<Double>) -> [SIMD3<UInt8>] {
            var canvas = RGBCanvas(width: axial.width, height: axial.height, fill: .zero)
            SliceRenderer.drawApplicator(from: entry, to: tip, panel: axial, lineWidth: 2, on: &canvas)
            // Row of y = 2 mm; columns 125-265 span x 7...-7 mm, clear of the tip dot (x 8 mm, column 115).
            return (125...265).map { canvas.color($0, 155) }
        }
        // 9 mm above the slice: dashes of 9 px on, 6 off (3:2 per line width + 1), blended, never solid.
        let above = row155(entry: SIMD3(-8, 2, 30), tip: SIMD3(8, 2, 30))
        let lit = above.filter { $0 != .zero }
        #expect(Double(lit.count) / Double(above.count) > 0.5)
        #expect(Double(lit.count) / Double(above.count) < 0.7)
        #expect(!lit.contains(SliceRenderer.applicatorColor))
        let gaps = zip(above, above.dropFirst()).filter { $0 != .zero && $1 == .zero }.count
        #expect(gaps >= 8)
        // In the slice: one unbroken solid line.
        let inside = row155(entry: SIMD3(-8, 2, 21), tip: SIMD3(8, 2, 21))
        #expect(inside.allSatisfy { $0 == SliceRenderer.applicatorColor })
    }

    @Test func verdictWording() {
        func text(_ coverage: Double, _ margin: Double, complete: Bool, withMargin: Bool) -> String {
            TargetVerdict(name: "tumour", coveragePercent: coverage, minMarginMM: margin, requiredMarginMM: 5,
                          complete: complete, completeWithMargin: withMargin, weakestMarginPointMM: nil).text
        }
        #expect(text(100, 6.24, complete: true, withMargin: true) == "tumour: complete, min margin 6.2 mm")
        #expect(text(100, 2.06, complete: true, withMargin: false) == "tumour: complete, min margin 2.1 mm (5 mm asked)")
        #expect(text(97.34, -1.5, complete: false, withMargin: false) == "tumour: INCOMPLETE, 97.3 % covered")
        // One surviving voxel in 4000 is not "100.0 % covered".
        #expect(text(99.975, -0.5, complete: false, withMargin: false) == "tumour: INCOMPLETE, 99.9 % covered")
        #expect(text(100, 1e9, complete: true, withMargin: true) == "tumour: complete, no living tissue in the grid")
    }

    /// Whether `text`, drawn in `color`, appears left-aligned at the header's padding somewhere in the header.
    static func headerShows(_ text: String, color: SIMD3<UInt8>, layers: PreviewLayers) -> Bool {
        let layout = SliceRenderer.layout(layers, pixelsPerVoxel: 10)
        let image = SliceRenderer.render(layers, pixelsPerVoxel: 10)
        var glyphs = RGBCanvas(width: RGBCanvas.textWidth(text, scale: 2), height: SliceRenderer.lineHeight, fill: .zero)
        glyphs.drawText(text, x: 0, y: 0, scale: 2, SIMD3(1, 1, 1))
        for top in 0..<layout.headerHeight {
            var match = true
            scan: for y in 0..<glyphs.height where top + y < image.height {
                for x in 0..<glyphs.width {
                    let o = 3 * ((top + y) * image.width + SliceRenderer.pad + x)
                    let drawn = SIMD3(image.rgb[o], image.rgb[o + 1], image.rgb[o + 2]) == color
                    if drawn != (glyphs.color(x, y) != .zero) { match = false; break scan }
                }
            }
            if match { return true }
        }
        return false
    }

    @Test func headerStatesEachVerdictInItsColour() {
        var layers = PreviewScene.layers(targetMM: SIMD3(3, -1, 21))
        layers.subtitle = "MWA emprint 2450 MHz, 100 W for 5 min; 7 min simulated, arrhenius damage"
        layers.verdicts = [
            TargetVerdict(name: "tumour", coveragePercent: 97.34, minMarginMM: -1.5, requiredMarginMM: 5, complete: false,
                          completeWithMargin: false, weakestMarginPointMM: SIMD3(5, -3, 21)),
            TargetVerdict(name: "satellite", coveragePercent: 100, minMarginMM: 6.24, requiredMarginMM: 5, complete: true,
                          completeWithMargin: true, weakestMarginPointMM: nil),
        ]
        #expect(Self.headerShows("tumour: INCOMPLETE, 97.3 % covered", color: SliceRenderer.incompleteColor, layers: layers))
        #expect(Self.headerShows("satellite: complete, min margin 6.2 mm", color: SliceRenderer.completeColor, layers: layers))
        #expect(Self.headerShows(layers.subtitle, color: SliceRenderer.textColor, layers: layers))
        // Not in the wrong colour, and not a verdict that was not given.
        #expect(!Self.headerShows("tumour: INCOMPLETE, 97.3 % covered", color: SliceRenderer.completeColor, layers: layers))
        #expect(!Self.headerShows("tumour: complete, min margin 6.2 mm", color: SliceRenderer.incompleteColor, layers: layers))
        #expect(layers.headerLines == ["preview convention", layers.subtitle, "tumour: INCOMPLETE, 97.3 % covered",
                                       "satellite: complete, min margin 6.2 mm"])
    }

    @Test func longHeaderLinesWrapAtSpaces() {
        // n characters are 12 n - 2 pixels wide at scale 2: 7 fit in 82 px, not in 81.
        #expect(SliceRenderer.wrap("aaa bbb ccc", maxWidth: 82) == ["aaa bbb", "ccc"])
        #expect(SliceRenderer.wrap("aaa bbb ccc", maxWidth: 81) == ["aaa", "bbb", "ccc"])
        #expect(SliceRenderer.wrap("abcdefghij", maxWidth: 46) == ["abcd", "efgh", "ij"])
        #expect(SliceRenderer.wrap("", maxWidth: 100).isEmpty)
        var layers = PreviewScene.layers(targetMM: .zero)
        layers.subtitle = Array(repeating: "RFA cooled tip 30 mm, impedance control up to 200 W for 12 min", count: 4)
            .joined(separator: "; ")
        let layout = SliceRenderer.layout(layers, pixelsPerVoxel: 10)
        let rows = layout.header.filter { $0.color == SliceRenderer.textColor }
        #expect(rows.count >= 3)
        #expect(rows.allSatisfy { RGBCanvas.textWidth($0.text, scale: 2) <= layout.width - 2 * SliceRenderer.pad })
        #expect(rows.dropFirst().map(\.text).joined(separator: " ") == layers.subtitle)
    }
}
