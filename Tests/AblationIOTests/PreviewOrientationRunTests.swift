import AblationRun
import Foundation
import Testing

/// preview.png of a whole run, decoded from the file: the necrosis of a heat source placed to the
/// patient's right (+x), front (+y) and above (+z) of the tumour must appear where the documented
/// radiological convention puts it (docs/preset-format.md, `preview.png`): axial and coronal show
/// +x on the image's left, the sagittal +y (anterior) on the left, the axial +y at the top, and
/// coronal and sagittal +z at the top.
///
/// The grid is 32 mm a side centred on the origin (faces at +-16 mm) and the slices pass through
/// the target's centre. Both tumour and background are liver, so the necrosis is a ball about the
/// source and its outline in every slice is a circle about the source's projection.
@Suite struct PreviewOrientationRunTests {
    static let tumour = SIMD3<Double>(-0.5, -1.5, -1.5)
    static let source = SIMD3<Double>(3.5, 2.5, 0.5)
    static let halfExtent = 16.0
    static let tissue = SIMD3<UInt8>(150, 110, 100)
    static let necrosisOutline = SIMD3<UInt8>(255, 40, 40)
    static let targetOutline = SIMD3<UInt8>(0, 225, 255)

    static let preset = """
        {"ablsim": 1, "name": "orientation", "grid": {"size_mm": [32, 32, 32], "spacing_mm": 1}, "margin_mm": 1,
         "regions": [{"name": "tumour", "material": "liver", "target": true,
                      "shape": {"type": "sphere", "center_mm": [\(tumour.x), \(tumour.y), \(tumour.z)], "radius_mm": 3}}],
         "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [\(source.x), \(source.y), \(source.z)], "radius_mm": 2.5},
                          "schedule": [{"duration_s": 90, "power_w": 6}]}],
         "time": {"cooldown_s": 10}}
        """

    /// Runs of at least `minimum` consecutive indices where `count` reaches `threshold`.
    static func runs(_ n: Int, threshold: Int, minimum: Int = 20, count: (Int) -> Int) -> [Range<Int>] {
        var found: [Range<Int>] = [], start: Int? = nil
        for i in 0...n {
            let on = i < n && count(i) >= threshold
            if on, start == nil { start = i }
            if !on, let s = start {
                if i - s >= minimum { found.append(s..<i) }
                start = nil
            }
        }
        return found
    }

    @Test func hotSpotIsWhereTheConventionPutsItInEveryPanel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-orient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.preset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
        var pipeline = RunPipeline()
        pipeline.presetPath = dir.appendingPathComponent("p.json").path
        pipeline.outputDirectory = dir.appendingPathComponent("out").path
        _ = try pipeline.run()
        let png = try decodePNG(Data(contentsOf: dir.appendingPathComponent("out/preview.png")))
        func color(_ x: Int, _ y: Int) -> SIMD3<UInt8> {
            let o = 3 * (y * png.width + x)
            return SIMD3(png.pixels[o], png.pixels[o + 1], png.pixels[o + 2])
        }

        // The panels, found from the image alone: the rows, then the three column spans, full of
        // unheated tissue colour (a legend swatch is far shorter than the threshold).
        let rows = Self.runs(png.height, threshold: 200) { y in (0..<png.width).filter { color($0, y) == Self.tissue }.count }
        try #require(rows.count == 1, "panel rows: \(rows)")
        let panelRows = rows[0]
        let columns = Self.runs(png.width, threshold: 50) { x in panelRows.filter { color(x, $0) == Self.tissue }.count }
        try #require(columns.count == 3, "panel columns: \(columns)")
        // Every panel shows 32 mm by 32 mm.
        let pixelsPerMM = Double(columns[0].count) / (2 * Self.halfExtent)
        for c in columns { #expect(abs(Double(c.count) - Double(panelRows.count)) <= 2, "panel \(c) x \(panelRows) is not square") }

        // Per panel, the world axis shown across and the one shown down. Both grow toward the image's
        // left and top, so a point's column and row count from the grid's +16 mm faces: (16 - value) px/mm.
        let mapping: [(name: String, across: Int, down: Int)] = [("axial", 0, 1), ("coronal", 0, 2), ("sagittal", 1, 2)]
        for (n, panel) in mapping.enumerated() {
            var outline: [(Double, Double)] = [], target: [(Double, Double)] = []
            for y in panelRows { for x in columns[n] {
                let c = color(x, y)
                if c == Self.necrosisOutline { outline.append((Double(x - columns[n].lowerBound), Double(y - panelRows.lowerBound))) }
                if c == Self.targetOutline { target.append((Double(x - columns[n].lowerBound), Double(y - panelRows.lowerBound))) }
            } }
            try #require(outline.count > 50 && target.count > 20, "\(panel.name): \(outline.count) necrosis, \(target.count) target outline pixels")
            let mean = { (p: [(Double, Double)]) in (p.map(\.0).reduce(0, +) / Double(p.count), p.map(\.1).reduce(0, +) / Double(p.count)) }
            let hot = mean(outline), cold = mean(target)
            let expected = ((Self.halfExtent - Self.source[panel.across]) * pixelsPerMM, (Self.halfExtent - Self.source[panel.down]) * pixelsPerMM)
            // Half a voxel: the necrosis is the voxelised ball, symmetric about the source's voxel
            // but for the grid's faces, and the outline is drawn on the voxel faces.
            #expect(abs(hot.0 - expected.0) < pixelsPerMM / 2 && abs(hot.1 - expected.1) < pixelsPerMM / 2,
                    "\(panel.name): necrosis outline centred at \(hot) px, expected \(expected) (\(pixelsPerMM) px/mm)")
            // The source is at larger x, y and z than the tumour: left of it and above it in every panel.
            #expect(hot.0 < cold.0 && hot.1 < cold.1, "\(panel.name): necrosis at \(hot), tumour at \(cold)")
        }
    }
}
