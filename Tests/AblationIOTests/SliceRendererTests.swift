import Foundation
import Testing
@testable import AblationIO
@testable import AblationPreview

/// A 40 x 36 x 32 grid of 1 mm voxels: tissue sphere, heated sphere with
/// necrosis of radius 8 mm, a 4 mm target beside its centre (margin 3 mm),
/// and one oblique needle ending at the centre.
func syntheticScene() -> PreviewLayers {
    let g = VolumeGeometry(nx: 40, ny: 36, nz: 32, spacingMM: SIMD3(1, 1, 1), originMM: SIMD3(-20, -18, 5))
    let centre = SIMD3<Double>(0, 0, 21)
    let targetCentre = centre + SIMD3(2, 1, 0)
    let count = g.nx * g.ny * g.nz
    var labels = [UInt8](repeating: 0, count: count)
    var temperature = [Float](repeating: 37, count: count)
    var necrosis = [UInt8](repeating: 0, count: count)
    var target = [UInt8](repeating: 0, count: count)
    var margin = [UInt8](repeating: 0, count: count)
    for k in 0..<g.nz {
        for j in 0..<g.ny {
            for i in 0..<g.nx {
                let n = i + g.nx * (j + g.ny * k)
                let p = g.worldPosition(i: Double(i), j: Double(j), k: Double(k))
                let r = ((p - centre) * (p - centre)).sum().squareRoot()
                let rt = ((p - targetCentre) * (p - targetCentre)).sum().squareRoot()
                labels[n] = r < 15 ? 1 : 0
                temperature[n] = Float(37 + 60 * exp(-r * r / 120))
                necrosis[n] = r <= 8 ? 1 : 0
                target[n] = rt <= 4 ? 1 : 0
                margin[n] = rt <= 7 ? 1 : 0
            }
        }
    }
    return PreviewLayers(
        geometry: g, labels: labels, labelColors: [SIMD3(0, 0, 0), SIMD3(150, 110, 95)],
        temperature: temperature, necrosis: necrosis, target: target, marginMM: 3, targetPlusMargin: margin,
        applicators: [(entryMM: centre + SIMD3(14, 10, 12), tipMM: centre)], centerMM: centre,
        title: "synthetic scene")
}

func colorCount(_ rgb: [UInt8], _ c: SIMD3<UInt8>) -> Int {
    var n = 0
    for p in stride(from: 0, to: rgb.count, by: 3) where rgb[p] == c.x && rgb[p + 1] == c.y && rgb[p + 2] == c.z {
        n += 1
    }
    return n
}

@Suite("Slice renderer")
struct SliceRendererTests {
    @Test func sizeAndLayers() throws {
        let image = SliceRenderer.render(syntheticScene())
        #expect(image.rgb.count == image.width * image.height * 3)
        // 40 voxels on the longest axis -> 10 px per voxel -> 400 px panels.
        #expect(image.width >= 3 * 320)
        #expect(image.width <= 1600)
        #expect(image.height > 400)
        #expect(image.height < 700)
        #expect(colorCount(image.rgb, SliceRenderer.necrosisColor) > 300)
        #expect(colorCount(image.rgb, SliceRenderer.targetColor) > 100)
        #expect(colorCount(image.rgb, SliceRenderer.marginColor) > 100)
        #expect(colorCount(image.rgb, SliceRenderer.isothermColors[0]) > 100)
        #expect(colorCount(image.rgb, SliceRenderer.isothermColors[1]) > 100)
        #expect(colorCount(image.rgb, SliceRenderer.applicatorColor) > 50)
    }

    @Test func outlinesLieOnTheMaskBoundaries() {
        // In the axial panel at 10 px per voxel, the necrosis outline row
        // through the centre must be red at the edges of the 8 mm zone.
        var layers = syntheticScene()
        layers.applicators = []
        layers.isothermsC = []
        layers.target = nil
        layers.targetPlusMargin = nil
        let image = SliceRenderer.render(layers, pixelsPerVoxel: 10)
        let red = colorCount(image.rgb, SliceRenderer.necrosisColor)
        #expect(red > 0)
        #expect(colorCount(image.rgb, SliceRenderer.targetColor) == 0)
        // Each panel's necrosis disc has radius 8 voxels = 80 px; its outline
        // (2 px wide) is roughly 2 * 2 * pi * 80 px. Three panels.
        let expected = 3.0 * 2 * 2 * Double.pi * 80
        #expect(Double(red) > 0.7 * expected)
        #expect(Double(red) < 1.4 * expected)
    }

    @Test func deterministic() {
        let a = SliceRenderer.render(syntheticScene())
        let b = SliceRenderer.render(syntheticScene())
        #expect(a.width == b.width)
        #expect(a.height == b.height)
        #expect(a.rgb == b.rgb)
    }

    static func panelSizes(_ g: VolumeGeometry, pixelsPerVoxel: Int) -> [(Int, Int)] {
        let grid = SliceRenderer.Grid(g)
        let pixelMM = grid.minSpacing / Double(pixelsPerVoxel)
        return SliceRenderer.PanelSpec.radiological.map {
            let p = SliceRenderer.Panel(spec: $0, grid: grid, slices: [0, 0, 0], pixelMM: pixelMM)
            return (p.width, p.height)
        }
    }

    @Test func pixelsPerVoxelScalesPanels() {
        let g = syntheticScene().geometry
        let sizes = Self.panelSizes(g, pixelsPerVoxel: 3)
        #expect(sizes.map(\.0) == [120, 120, 108])
        #expect(sizes.map(\.1) == [108, 96, 96])
        #expect(SliceRenderer.Grid(g).defaultPixelsPerVoxel(target: 400) == 10)
        let small = SliceRenderer.render(syntheticScene(), pixelsPerVoxel: 2)
        let large = SliceRenderer.render(syntheticScene(), pixelsPerVoxel: 8)
        #expect(large.width > small.width)
        #expect(large.height > small.height)
    }

    @Test func anisotropicGridKeepsProportions() {
        var g = syntheticScene().geometry
        g.spacingMM = SIMD3(0.5, 1, 2)  // 20 x 36 x 64 mm
        let sizes = Self.panelSizes(g, pixelsPerVoxel: 1)  // 0.5 mm per pixel
        #expect(sizes.map(\.0) == [40, 40, 72])
        #expect(sizes.map(\.1) == [72, 128, 128])
        var layers = syntheticScene()
        layers.geometry = g
        let image = SliceRenderer.render(layers)
        #expect(image.rgb.count == image.width * image.height * 3)
    }

    @Test func needlePerpendicularToSliceShowsItsCrossing() {
        let g = syntheticScene().geometry
        let grid = SliceRenderer.Grid(g)
        let spec = SliceRenderer.PanelSpec.radiological[0]
        let slice = grid.sliceIndex(axis: 2, mm: 21)
        let panel = SliceRenderer.Panel(spec: spec, grid: grid, slices: [20, 18, slice], pixelMM: 0.25)
        func whitePixels(entry: SIMD3<Double>, tip: SIMD3<Double>) -> Int {
            var canvas = RGBCanvas(width: panel.width, height: panel.height, fill: .zero)
            SliceRenderer.drawApplicator(from: entry, to: tip, panel: panel, lineWidth: 2, on: &canvas)
            return colorCount(canvas.pixels, SliceRenderer.applicatorColor)
        }
        // Along z through the slice at (3, 4): only its crossing is in plane.
        #expect(whitePixels(entry: SIMD3(3, 4, 35), tip: SIMD3(3, 4, 10)) > 0)
        // Entirely above the slice: drawn faint only, never solid white.
        #expect(whitePixels(entry: SIMD3(3, 4, 35), tip: SIMD3(3, 4, 25)) == 0)
        // Lying in the slice: a solid line about as long as its projection (40 px).
        #expect(whitePixels(entry: SIMD3(-5, 0, 21), tip: SIMD3(5, 0, 21)) > 3 * 40)
    }

    @Test func toleratesInconsistentInput() {
        var layers = syntheticScene()
        layers.temperature = []
        layers.necrosis = [1, 1, 1]
        layers.labels = [200]
        layers.target = []
        layers.centerMM = SIMD3(.nan, 1e9, -1e9)
        layers.applicators = [(entryMM: SIMD3(.infinity, 0, 0), tipMM: .zero), (entryMM: SIMD3(1e12, 0, 0), tipMM: .zero)]
        layers.isothermsC = [.nan, 45]
        layers.title = "naïve ∑ title"
        let image = SliceRenderer.render(layers)
        #expect(image.rgb.count == image.width * image.height * 3)

        var empty = syntheticScene()
        empty.geometry = VolumeGeometry(nx: 0, ny: -3, nz: 1, spacingMM: SIMD3(0, .nan, 1))
        let tiny = SliceRenderer.render(empty)
        #expect(tiny.width > 0 && tiny.height > 0)
        #expect(tiny.rgb.count == tiny.width * tiny.height * 3)
    }

    @Test func encodesAsValidPNG() throws {
        let image = SliceRenderer.render(syntheticScene())
        let png = try PNGEncoder.rgb(width: image.width, height: image.height, pixels: image.rgb,
                                     text: [("Software", "ablsim test")])
        let decoded = try decodePNG(png)
        #expect(decoded.pixels == image.rgb)
    }

    @Test func captionsFormatting() {
        #expect(SliceRenderer.format1(-0.04) == "0.0")
        #expect(SliceRenderer.format1(12.25) == "12.3" || SliceRenderer.format1(12.25) == "12.2")
        #expect(SliceRenderer.format1(-7.5) == "-7.5")
        #expect(SliceRenderer.formatShort(5) == "5")
        #expect(SliceRenderer.formatShort(2.5) == "2.5")
    }

    @Test func fontCoversPrintableASCII() {
        #expect(BitmapFont.asciiGlyphs.count == 95)
        for glyph in BitmapFont.asciiGlyphs {
            #expect(glyph.count == 7 || glyph.count == BitmapFont.cellHeight)
            #expect(glyph.allSatisfy { $0 < 0x20 })
        }
        // Distinct shapes for every visible character.
        let visible = BitmapFont.asciiGlyphs.dropFirst()
        #expect(Set(visible.map { $0.map(String.init).joined(separator: ",") }).count == visible.count)
        #expect(BitmapFont.glyph(for: "°") == BitmapFont.degree)
        #expect(BitmapFont.glyph(for: "∑") == BitmapFont.glyph(for: "?"))
    }
}
