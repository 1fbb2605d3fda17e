/// A plain 8-bit RGB raster (row-major, top row first) with the few drawing
/// operations the preview needs. Every operation clips to the canvas, so
/// callers can draw shapes that extend past the edges.
package struct RGBCanvas {
    package typealias Color = SIMD3<UInt8>

    let width: Int
    let height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, fill: Color) {
        self.width = max(0, width)
        self.height = max(0, height)
        pixels = [UInt8](repeating: 0, count: self.width * self.height * 3)
        for n in 0..<(self.width * self.height) {
            pixels[3 * n] = fill.x
            pixels[3 * n + 1] = fill.y
            pixels[3 * n + 2] = fill.z
        }
    }

    func contains(_ x: Int, _ y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height
    }

    func color(_ x: Int, _ y: Int) -> Color {
        let o = 3 * (y * width + x)
        return Color(pixels[o], pixels[o + 1], pixels[o + 2])
    }

    mutating func set(_ x: Int, _ y: Int, _ c: Color) {
        guard contains(x, y) else { return }
        let o = 3 * (y * width + x)
        pixels[o] = c.x
        pixels[o + 1] = c.y
        pixels[o + 2] = c.z
    }

    /// Alpha-blends `c` over the pixel (alpha 0 keeps it, 1 replaces it).
    mutating func blend(_ x: Int, _ y: Int, _ c: Color, alpha: Double) {
        guard contains(x, y) else { return }
        set(x, y, Self.mix(color(x, y), c, alpha))
    }

    static func mix(_ a: Color, _ b: Color, _ t: Double) -> Color {
        func channel(_ p: UInt8, _ q: UInt8) -> UInt8 {
            UInt8(max(0, min(255, (Double(p) + (Double(q) - Double(p)) * t).rounded())))
        }
        return Color(channel(a.x, b.x), channel(a.y, b.y), channel(a.z, b.z))
    }

    mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, _ c: Color) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 {
            for xx in x0..<x1 { set(xx, yy, c) }
        }
    }

    /// Copies `other` with its top-left corner at (x, y).
    mutating func blit(_ other: RGBCanvas, x: Int, y: Int) {
        for yy in 0..<other.height {
            for xx in 0..<other.width { set(x + xx, y + yy, other.color(xx, yy)) }
        }
    }

    /// Draws `text` in the bitmap font, each font pixel a `scale` x `scale`
    /// block; (x, y) is the top-left of the first character cell. A shadow
    /// (one block down and right) keeps text legible over image content.
    mutating func drawText(_ text: String, x: Int, y: Int, scale: Int, _ c: Color, shadow: Color? = nil) {
        if let shadow {
            drawText(text, x: x + scale, y: y + scale, scale: scale, shadow)
        }
        var penX = x
        for ch in text {
            let rows = BitmapFont.glyph(for: ch)
            for (r, bits) in rows.enumerated() {
                for col in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(col)) != 0 {
                    fillRect(x: penX + col * scale, y: y + r * scale, width: scale, height: scale, c)
                }
            }
            penX += BitmapFont.advance * scale
        }
    }

    static func textWidth(_ text: String, scale: Int) -> Int {
        BitmapFont.width(of: text) * scale
    }
}
