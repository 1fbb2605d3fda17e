@testable import AblationAnalysis
import AblationIO
@testable import AblationJSON
@testable import AblationPreset
@testable import AblationRandom
@testable import AblationRun
@testable import AblationSimulation
@testable import AblationTissue
@testable import AblationValidation
@testable import AblationVerification
import Foundation
import Testing

/// Writes a label map holding a sphere (label 3) and a box (label 7) on its own grid, coarser and
/// offset from the simulation grid, so resampling goes through the affine.
func writeLabelMap(to url: URL, gzip: Bool = true) throws {
    let n = 24
    let geometry = VolumeGeometry(nx: n, ny: n, nz: n, spacingMM: [0.8, 0.8, 0.8], originMM: [-9.1, -9.3, -8.9])
    var labels = [UInt8](repeating: 0, count: n * n * n)
    for k in 0..<n { for j in 0..<n { for i in 0..<n {
        let p = geometry.worldPosition(i: Double(i), j: Double(j), k: Double(k))
        let d = p - [2, 0, 0]
        if (d * d).sum() <= 16 { labels[i + n * (j + n * k)] = 3 }
        if p.x < -6 && p.y < -6 { labels[i + n * (j + n * k)] = 7 }
    } } }
    try NIfTIWriter.write(uint8: labels, geometry: geometry, description: "test labels", to: url, gzip: gzip)
}

@Test func labelMapRegionsFollowTheWorldCoordinates() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-lm-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeLabelMap(to: dir.appendingPathComponent("seg.nii.gz"))
    // A 1 mm margin: the tumour reaches x = 6.4 mm in a grid that ends at 10 mm, and a target's
    // margin shell must lie inside the grid.
    let text = minimalPreset.replacingOccurrences(of: "\"applicators\"", with: """
        "margin_mm": 1,
        "regions": [{"name": "tumor", "material": "tumor", "target": true,
                     "shape": {"type": "label_map", "path": "seg.nii.gz", "label": 3}}],
        "applicators"
        """)
    let p = try Preset.parse(bytes: Array(text.utf8), source: "t.json", baseDirectory: dir.path).0
    let scene = try Scene(preset: p)
    let g = scene.grid
    // Compare with the analytic sphere: only voxels near the surface may disagree.
    var disagree = 0, inside = 0
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
        let x = g.worldPosition(i, j, k) - [2, 0, 0]
        let r = (x * x).sum().squareRoot()
        let labelled = scene.labels[g.linearIndex(i, j, k)] == 1
        if labelled { inside += 1 }
        if labelled != (r <= 4) && abs(r - 4) > 0.8 { disagree += 1 }
    } } }
    #expect(disagree == 0)
    #expect(abs(Double(inside) - 4.0 / 3.0 * Double.pi * 64) / (4.0 / 3.0 * Double.pi * 64) < 0.15)
    // The resolved preset names the file absolutely, so it runs from anywhere.
    let resolved = JSONWriter.string(p.resolvedJSON())
    #expect(resolved.contains(dir.appendingPathComponent("seg.nii.gz").standardizedFileURL.path))
}

@Test func labelMapProblemsAreReportedWithTheirPath() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-lm-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeLabelMap(to: dir.appendingPathComponent("seg.nii.gz"))
    let full = try Data(contentsOf: dir.appendingPathComponent("seg.nii.gz"))
    try full.prefix(full.count / 2).write(to: dir.appendingPathComponent("cut.nii.gz"))
    func region(_ file: String, _ label: Int) -> String {
        minimalPreset.replacingOccurrences(of: "\"applicators\"", with: """
            "regions": [{"name": "t", "material": "tumor", "shape": {"type": "label_map", "path": "\(file)", "label": \(label)}}],
            "applicators"
            """)
    }
    func failure(_ text: String) -> PresetError? {
        do { _ = try Preset.parse(bytes: Array(text.utf8), source: "t.json", baseDirectory: dir.path); return nil }
        catch { return error }
    }
    let missing = failure(region("nope.nii.gz", 3))
    #expect(missing?.exitCode == 66 && missing?.path == "regions.0.shape.path")
    let absent = failure(region("seg.nii.gz", 5))
    #expect(absent?.exitCode == 65 && absent?.path == "regions.0.shape.label")
    #expect(absent?.message.contains("holds labels 0, 3, 7") == true, "\(absent?.message ?? "")")
    let truncated = failure(region("cut.nii.gz", 3))
    #expect(truncated?.exitCode == 65 && truncated?.message.contains("cannot read label map") == true, "\(truncated?.message ?? "")")
}
