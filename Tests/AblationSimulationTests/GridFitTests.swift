import AblationIO
@testable import AblationJSON
@testable import AblationPreset
@testable import AblationSimulation
import Foundation
import Testing

// grid.fit places the grid on a segmentation without moving it: references are the source image's
// own voxels (their corners and centroids in world mm through the affine), never the grid code.

/// A CT-like label map: x and y flipped as dcm2niix writes axial series (x toward patient right,
/// y toward posterior), 0.78 mm in-plane, 2.5 mm slices, an origin far from the world's.
struct SyntheticSegmentation {
    var nx = 64, ny = 56, nz = 20
    var affine: [[Double]] = [[-0.78, 0, 0, 31.7], [0, -0.78, 0, 60.3], [0, 0, 2.5, -112.4], [0, 0, 0, 1]]
    var values: [UInt8] = []

    init(spacing: SIMD3<Double>? = nil) {
        if let s = spacing {
            affine = [[-s.x, 0, 0, 31.7], [0, -s.y, 0, 60.3], [0, 0, s.z, -112.4], [0, 0, 0, 1]]
            nx = Int(50 / s.x); ny = Int(44 / s.y); nz = Int(50 / s.z)
        }
        values = [UInt8](repeating: 0, count: nx * ny * nz)
        let volume = self.volume
        // A lobulated tumour (label 2) inside liver (label 1): two overlapping ellipsoids.
        let c = volume.worldPosition(i: Double(nx) / 2, j: Double(ny) / 2, k: Double(nz) / 2)
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let p = volume.worldPosition(i: Double(i), j: Double(j), k: Double(k)) - c
            var label: UInt8 = (p * p / SIMD3(400, 300, 500)).sum() <= 1 ? 1 : 0
            let a = p - [2, 1, 0], b = p - [-4, -2, 3]
            if (a * a / SIMD3(36, 25, 49)).sum() <= 1 || (b * b / SIMD3(16, 16, 16)).sum() <= 1 { label = 2 }
            values[i + nx * (j + ny * k)] = label
        } } }
    }

    var volume: NIfTIVolume {
        NIfTIVolume(nx: nx, ny: ny, nz: nz, affine: affine, datatype: .uint8, values: values.map(Float.init), sformCode: 1)
    }

    /// `affine`: the lattice to measure on (default this one; a file stores it in float32).
    func centroid(of label: UInt8, affine: [[Double]]? = nil) -> SIMD3<Double> {
        var v = volume
        if let affine { v.affine = affine }
        var sum = SIMD3<Double>(), count = 0.0
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx where values[i + nx * (j + ny * k)] == label {
            sum += v.worldPosition(i: Double(i), j: Double(j), k: Double(k))
            count += 1
        } } }
        return sum / count
    }

    /// Writes .nii with this affine as its sform (the writer only knows axis-aligned grids, so
    /// the sform rows are written over its own).
    func write(to url: URL) throws {
        let geometry = VolumeGeometry(nx: nx, ny: ny, nz: nz, spacingMM: [1, 1, 1])
        var data = try NIfTIWriter.data(uint8: values, geometry: geometry, gzip: false)
        for row in 0..<3 {
            for column in 0..<4 {
                var v = Float(affine[row][column]).bitPattern.littleEndian
                let offset = 280 + 16 * row + 4 * column
                withUnsafeBytes(of: &v) { data.replaceSubrange(offset..<offset + 4, with: $0) }
            }
        }
        // qform code 0: readers take the sform.
        data.replaceSubrange(252..<254, with: [0, 0])
        try data.write(to: url)
    }
}

/// A small heat source: the decoder wants an applicator inside the grid.
private func heatSource(at p: SIMD3<Double>) -> String {
    """
    {"type": "heat_source", "shape": {"type": "sphere", "center_mm": [\(p.x), \(p.y), \(p.z)], "radius_mm": 1}, "schedule": [{"duration_s": 10, "power_w": 0.1}]}
    """
}

private func painted(_ scene: Scene, label: UInt8) -> (count: Int, centroid: SIMD3<Double>) {
    let g = scene.grid
    var sum = SIMD3<Double>(), count = 0
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx where scene.labels[g.linearIndex(i, j, k)] == label {
        sum += g.worldPosition(i, j, k)
        count += 1
    } } }
    return (count, sum / Double(max(count, 1)))
}

@Test func aFittedGridHoldsTheLabelsWithTheirPaddingInWholeVoxels() throws {
    let seg = SyntheticSegmentation()
    let v = seg.volume
    let (center, size) = try #require(GridFit.box(volume: v, selects: { $0 == 2 }, paddingMM: 15, spacingMM: 1))
    // The tumour's voxel cubes in world mm, straight from the affine.
    var lo = SIMD3<Double>(repeating: .infinity), hi = -lo
    for k in 0..<seg.nz { for j in 0..<seg.ny { for i in 0..<seg.nx where seg.values[i + seg.nx * (j + seg.ny * k)] == 2 {
        let p = v.worldPosition(i: Double(i), j: Double(j), k: Double(k))
        lo = pointwiseMin(lo, p - [0.39, 0.39, 1.25]); hi = pointwiseMax(hi, p + [0.39, 0.39, 1.25])
    } } }
    let gridLo = center - size / 2, gridHi = center + size / 2
    for c in 0..<3 {
        #expect(gridLo[c] <= lo[c] - 15 + 1e-9 && gridHi[c] >= hi[c] + 15 - 1e-9, "axis \(c)")
        // No more than one voxel of the grid plus one of the image (the face snap) beyond the padding.
        let image = [0.78, 0.78, 2.5][c]
        #expect((gridHi[c] - gridLo[c]) - (hi[c] - lo[c] + 30) <= 1 + image + 1e-9, "axis \(c)")
        #expect(abs(size[c] - size[c].rounded()) < 1e-9, "whole voxels on axis \(c)")
        // The grid's lower face is one of the image's voxel faces (x, y flipped: faces at origin -+ s/2 + m s).
        let s = [0.78, 0.78, 2.5][c], firstFace = seg.affine[c][3] - s / 2
        let m = (gridLo[c] - firstFace) / s
        #expect(abs(m - m.rounded()) < 1e-6, "axis \(c): lower face \(gridLo[c]) is not an image face")
    }
}

@Test func equalSpacingsPutEveryGridVoxelOnAnImageVoxel() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-fit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let seg = SyntheticSegmentation(spacing: [1, 1, 1])
    try seg.write(to: dir.appendingPathComponent("seg.nii"))
    let text = """
        {"ablsim": 1, "name": "fit", "grid": {"spacing_mm": 1, "fit": {"path": "seg.nii", "labels": [2], "padding_mm": 7.3}},
         "regions": [{"name": "tumor", "material": "tumor", "target": true, "shape": {"type": "label_map", "path": "seg.nii", "label": 2}}],
         "applicators": [\(heatSource(at: seg.centroid(of: 2)))], "margin_mm": 5}
        """
    let p = try Preset.parse(bytes: Array(text.utf8), source: "fit.json", baseDirectory: dir.path).0
    let scene = try Scene(preset: p)
    let g = scene.grid
    // Every grid voxel centre is an image voxel centre (fractional index 0), so painting copies voxels.
    // The lattice is the file's: its affine is stored in float32.
    let stored = try NIfTIReader.read(contentsOf: dir.appendingPathComponent("seg.nii")).affine
    let inverse = try #require(LabelMapShape.invert(stored))
    for (i, j, k) in [(0, 0, 0), (g.nx - 1, g.ny - 1, g.nz - 1), (g.nx / 2, 3, g.nz - 2)] {
        let w = g.worldPosition(i, j, k)
        for row in 0..<3 {
            let index = inverse[row][0] * w.x + inverse[row][1] * w.y + inverse[row][2] * w.z + inverse[row][3]
            #expect(abs(index - index.rounded()) < 1e-9, "voxel (\(i), \(j), \(k)) row \(row): index \(index)")
        }
    }
    let source = seg.values.filter { $0 == 2 }.count
    let tumour = painted(scene, label: 1)
    #expect(tumour.count == source)
    let shift = tumour.centroid - seg.centroid(of: 2, affine: stored)
    #expect((shift * shift).sum().squareRoot() < 1e-9)
    // The resolved preset gives the placed grid, which decodes to the same grid without the image.
    let resolved = p.resolvedJSON()
    #expect(resolved["grid"]?["fit"] == nil)
    let again = try Preset.decode(resolved, baseDirectory: dir.path)
    #expect(again.makeGrid() == g)
}

@Test func anisotropicFlippedImagesKeepEveryCentroidWithinAQuarterVoxel() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-fit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let seg = SyntheticSegmentation()
    try seg.write(to: dir.appendingPathComponent("ct-seg.nii"))
    for spacing in [0.5, 1.0, 1.5] {
        let text = """
            {"ablsim": 1, "name": "fit", "grid": {"spacing_mm": \(spacing), "fit": {"path": "ct-seg.nii", "padding_mm": 4}},
             "regions": [{"name": "liver", "material": "liver", "shape": {"type": "label_map", "path": "ct-seg.nii", "label": 1}},
                         {"name": "tumor", "material": "tumor", "target": true, "shape": {"type": "label_map", "path": "ct-seg.nii", "label": 2}}],
             "applicators": [\(heatSource(at: seg.centroid(of: 2)))], "margin_mm": 3}
            """
        let p = try Preset.parse(bytes: Array(text.utf8), source: "fit.json", baseDirectory: dir.path).0
        let scene = try Scene(preset: p)
        for (label, sceneLabel) in [(UInt8(1), UInt8(1)), (2, 2)] {
            let source = seg.centroid(of: label)
            let result = painted(scene, label: sceneLabel).centroid
            for (c, s) in [0.78, 0.78, 2.5].enumerated() {
                let bound = max(spacing, s) / 4
                #expect(abs(result[c] - source[c]) <= bound, "label \(label), spacing \(spacing), axis \(c): \(result[c]) vs \(source[c]) (bound \(bound))")
            }
        }
    }
}

@Test func gridFitProblemsNameTheirPath() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-fit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try SyntheticSegmentation().write(to: dir.appendingPathComponent("s.nii"))
    func error(_ grid: String) -> String {
        let text = """
            {"ablsim": 1, "name": "fit", "grid": \(grid),
             "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2}, "schedule": [{"duration_s": 10, "power_w": 1}]}]}
            """
        do {
            _ = try Preset.parse(bytes: Array(text.utf8), source: "p.json", baseDirectory: dir.path)
            return "accepted"
        } catch {
            return error.description
        }
    }
    #expect(error(#"{"spacing_mm": 1, "fit": {"path": "s.nii"}, "size_mm": [10, 10, 10]}"#)
            == #"grid.size_mm: cannot be given with grid.fit, which places the grid on the image; remove "size_mm" or "fit""#)
    #expect(error(#"{"spacing_mm": 1, "fit": {"path": "s.nii", "labels": [9]}}"#).hasPrefix("grid.fit.labels: label 9 does not occur in "))
    #expect(error(#"{"spacing_mm": 1, "fit": {"path": "s.nii", "labels": []}}"#).hasPrefix("grid.fit.labels: is empty"))
    #expect(error(#"{"spacing_mm": 1, "fit": {"path": "s.nii", "labels": [1.5]}}"#).hasPrefix("grid.fit.labels.0: "))
    #expect(error(#"{"spacing_mm": 1, "fit": {"path": "nope.nii"}}"#).hasPrefix("grid.fit.path: label map "))
    #expect(error(#"{"spacing_mm": 1, "fit": {"path": "s.nii", "padding": 3}}"#).hasPrefix("grid.fit.padding: unknown key"))
    #expect(error(#"{"spacing_mm": 1, "fit": {"path": "s.nii", "padding_mm": -1}}"#).hasPrefix("grid.fit.padding_mm: "))
}
