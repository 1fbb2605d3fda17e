import AblationIO
@testable import AblationJSON
@testable import AblationPreset
@testable import AblationSimulation
import Foundation
import Testing

/// One segmentation (a liver box and an off-centre tumour ball, overlapping) written twice: as a
/// RAS NIfTI label map (tumour = 5) and as a 3D Slicer layered .seg.nrrd in LPS with permuted and
/// flipped axes and an off-centre origin (liver in layer 0, tumour in layer 1, both label 1).
///
/// Label-map voxel boundaries sit at -9.13 + 0.77 (n + 1/2) mm (and -9.27, -8.91 for y, z): at
/// least 0.005 mm from every simulation voxel centre (k + 1/2 mm), far more than the float32
/// rounding of the NIfTI affine (~1e-6 mm), so both files must paint exactly the same voxels.
struct SegmentationPair {
    static let n = 26
    static let spacing = 0.77
    static let origin = SIMD3<Double>(-9.13, -9.27, -8.91)
    static let tumourCentre = SIMD3<Double>(2.3, -1.7, 0.9)
    static let tumourRadius = 4.2

    static func world(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> { origin + spacing * SIMD3(Double(i), Double(j), Double(k)) }
    static func tumour(_ i: Int, _ j: Int, _ k: Int) -> Bool {
        let d = world(i, j, k) - tumourCentre
        return (d * d).sum() <= tumourRadius * tumourRadius
    }
    static func liver(_ i: Int, _ j: Int, _ k: Int) -> Bool { world(i, j, k).x < 3 }

    static func writeNIfTI(to url: URL) throws {
        var labels = [UInt8](repeating: 0, count: n * n * n)
        for k in 0..<n { for j in 0..<n { for i in 0..<n {
            labels[i + n * (j + n * k)] = tumour(i, j, k) ? 5 : liver(i, j, k) ? 1 : 0
        } } }
        let geometry = VolumeGeometry(nx: n, ny: n, nz: n, spacingMM: SIMD3(repeating: spacing), originMM: origin)
        try NIfTIWriter.write(uint8: labels, geometry: geometry, to: url, gzip: true)
    }

    /// NRRD axes (a, b, c) are NIfTI's (j reversed, i, k reversed): i = b, j = n-1-a, k = n-1-c.
    /// In RAS the axes step (0,-s,0), (s,0,0), (0,0,-s) from the voxel at i = 0, j = k = n-1; LPS
    /// negates x and y of those directions and of that origin.
    static func writeSegNRRD(to url: URL, cutGzipBy cut: Int = 0, extraKeys: [String] = []) throws {
        var samples = [UInt8](repeating: 0, count: 2 * n * n * n)
        for c in 0..<n { for b in 0..<n { for a in 0..<n {
            let (i, j, k) = (b, n - 1 - a, n - 1 - c)
            let voxel = a + n * (b + n * c)
            samples[2 * voxel] = liver(i, j, k) ? 1 : 0
            samples[2 * voxel + 1] = tumour(i, j, k) ? 1 : 0
        } } }
        let s = spacing
        let firstRAS = world(0, n - 1, n - 1)
        let header = """
            NRRD0004
            # Complete NRRD file format specification at:
            # http://teem.sourceforge.net/nrrd/format.html
            type: unsigned char
            dimension: 4
            space: left-posterior-superior
            sizes: 2 \(n) \(n) \(n)
            space directions: none (0,\(s),0) (\(-s),0,0) (0,0,\(-s))
            kinds: list domain domain domain
            encoding: gzip
            space origin: (\(-firstRAS.x),\(-firstRAS.y),\(firstRAS.z))
            Segment0_ID:=Segment_1
            Segment0_Name:=Liver
            Segment0_LabelValue:=1
            Segment0_Layer:=0
            Segment0_Color:=0.86 0.6 0.5
            Segment1_ID:=Segment_2
            Segment1_Name:=Tumor
            Segment1_LabelValue:=1
            Segment1_Layer:=1
            Segmentation_MasterRepresentation:=Binary labelmap
            """ + extraKeys.map { "\n" + $0 }.joined() + "\n\n"
        let payload = try Gzip.compress(Data(samples))
        try (Data(header.utf8) + payload.prefix(payload.count - cut)).write(to: url)
    }
}

/// Not a target: the segmentation's tumour reaches past the 20 mm grid, which a target may not (its
/// coverage would be measured on what is left); these tests are about which voxels are painted.
func tumourPreset(_ shape: String) -> String {
    minimalPreset.replacingOccurrences(of: "\"applicators\"", with: """
        "regions": [{"name": "tumour", "material": "tumor", "shape": \(shape)}],
        "applicators"
        """)
}

func scratchFolder() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-seg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

func painted(_ p: Preset) throws -> (voxels: [Int], centroid: SIMD3<Double>) {
    let scene = try Scene(preset: p)
    let g = scene.grid
    var voxels: [Int] = []
    var sum = SIMD3<Double>()
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx where scene.labels[g.linearIndex(i, j, k)] == 1 {
        voxels.append(g.linearIndex(i, j, k))
        sum += g.worldPosition(i, j, k)
    } } }
    return (voxels, sum / Double(max(1, voxels.count)))
}

@Test func slicerSegmentPaintsTheSameVoxelsAsTheNIfTILabelMap() throws {
    let dir = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    try SegmentationPair.writeNIfTI(to: dir.appendingPathComponent("case.nii.gz"))
    try SegmentationPair.writeSegNRRD(to: dir.appendingPathComponent("case.seg.nrrd"))

    let fromNIfTI = try Preset.parse(bytes: Array(tumourPreset(#"{"type": "label_map", "path": "case.nii.gz", "label": 5}"#).utf8),
                                     source: "t.json", baseDirectory: dir.path).0
    let fromSlicer = try Preset.parse(bytes: Array(tumourPreset(#"{"type": "label_map", "path": "case.seg.nrrd", "segment": "Tumor"}"#).utf8),
                                      source: "t.json", baseDirectory: dir.path).0
    let a = try painted(fromNIfTI), b = try painted(fromSlicer)
    #expect(a.voxels.count > 200)
    #expect(a.voxels.count == b.voxels.count)
    #expect(a.voxels == b.voxels, "\(Set(a.voxels).symmetricDifference(b.voxels).count) voxels differ")
    #expect(a.centroid == b.centroid)
    // Both are where the ball is (a wrong layer would paint the liver, a missed flip a mirror
    // image): away from the surface, by more than a label-map voxel diagonal, nothing disagrees.
    let scene = try Scene(preset: fromSlicer)
    let g = scene.grid
    var disagree = 0
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
        let d = g.worldPosition(i, j, k) - SegmentationPair.tumourCentre
        let r = (d * d).sum().squareRoot()
        let inside = scene.labels[g.linearIndex(i, j, k)] == 1
        if inside != (r <= SegmentationPair.tumourRadius) && abs(r - SegmentationPair.tumourRadius) > 0.77 * 3.0.squareRoot() { disagree += 1 }
    } } }
    #expect(disagree == 0)

    // What was chosen, for `ablsim check`, and a resolved preset that selects it again by name.
    let shape = try #require(fromSlicer.labelMaps.first)
    #expect(shape.label == 1 && shape.layer == 1 && shape.segment?.id == "Segment_2")
    #expect(shape.choiceDescription == "regions.0.shape: segment \"Tumor\" (ID Segment_2) = label 1 in layer 1 of \(dir.standardizedFileURL.path)/case.seg.nrrd (NRRD, LPS space), \(shape.voxelCount) voxels")
    let resolved = fromSlicer.resolvedJSON()
    let resolvedShape = try #require(resolved["regions"].flatMap { if case let .array(r) = $0 { r.first } else { nil } }?["shape"])
    #expect(resolvedShape["segment"] == .string("Tumor") && resolvedShape["label"] == nil)
    let again = try Preset.decode(resolved)
    #expect(try painted(again).voxels == b.voxels, "the resolved preset paints other voxels")

    // The liver segment is another layer with the same label value.
    let liver = try Preset.parse(bytes: Array(tumourPreset(#"{"type": "label_map", "path": "case.seg.nrrd", "segment": "Liver"}"#).utf8),
                                 source: "t.json", baseDirectory: dir.path).0
    #expect(try painted(liver).voxels.count > a.voxels.count)
}

@Test func segmentSelectionMistakesNameTheirPath() throws {
    let dir = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    try SegmentationPair.writeNIfTI(to: dir.appendingPathComponent("case.nii.gz"))
    try SegmentationPair.writeSegNRRD(to: dir.appendingPathComponent("case.seg.nrrd"))
    let plain = "NRRD0004\ntype: uint8\ndimension: 3\nspace: RAS\nsizes: 2 2 2\nspace directions: (4,0,0) (0,4,0) (0,0,4)\nencoding: raw\nspace origin: (-2,-2,-2)\n\n"
    try (Data(plain.utf8) + Data([0, 3, 3, 0, 0, 3, 3, 0])).write(to: dir.appendingPathComponent("plain.nrrd"))
    let folder = dir.standardizedFileURL.path

    func failure(_ shape: String) -> PresetError? {
        do { _ = try Preset.parse(bytes: Array(tumourPreset(shape).utf8), source: "t.json", baseDirectory: dir.path); return nil }
        catch { return error }
    }
    func expectFailure(_ shape: String, path: String, message: String, code: Int32 = 65, sourceLocation: SourceLocation = #_sourceLocation) {
        let e = failure(shape)
        #expect(e?.exitCode == code && e?.path == path && e?.message == message, "\(String(describing: e))", sourceLocation: sourceLocation)
    }
    expectFailure(#"{"type": "label_map", "path": "case.nii.gz", "segment": "Tumor"}"#, path: "regions.0.shape.segment",
                  message: "applies to 3D Slicer segmentations (.seg.nrrd) only; \(folder)/case.nii.gz is a NIfTI label map, so expected label (a voxel value) instead")
    expectFailure(#"{"type": "label_map", "path": "plain.nrrd", "segment": "Tumor"}"#, path: "regions.0.shape.segment",
                  message: "\(folder)/plain.nrrd has no segment table (SegmentN_Name, SegmentN_LabelValue); expected label (a voxel value) instead")
    expectFailure(#"{"type": "label_map", "path": "case.seg.nrrd", "segment": "Tumour"}"#, path: "regions.0.shape.segment",
                  message: "no segment named \"Tumour\" in \(folder)/case.seg.nrrd; it holds \"Liver\", \"Tumor\" (did you mean \"Tumor\"?)")
    expectFailure(#"{"type": "label_map", "path": "case.seg.nrrd", "segment": "Tumor", "label": 1}"#, path: "regions.0.shape.segment",
                  message: "is given together with label; expected one of them: segment (a name) or label (a voxel value)")
    expectFailure(#"{"type": "label_map", "path": "case.seg.nrrd"}"#, path: "regions.0.shape.segment",
                  message: "missing; \(folder)/case.seg.nrrd is a 3D Slicer segmentation, so expected segment, one of \"Liver\", \"Tumor\", or label (a voxel value)")
    expectFailure(#"{"type": "label_map", "path": "case.seg.nrrd", "label": 1}"#, path: "regions.0.shape.label",
                  message: "label 1 marks segments \"Liver\" (layer 0), \"Tumor\" (layer 1) of \(folder)/case.seg.nrrd; expected segment (a name) to choose one")
    expectFailure(#"{"type": "label_map", "path": "case.seg.nrrd", "label": 2}"#, path: "regions.0.shape.label",
                  message: "no segment of \(folder)/case.seg.nrrd has label value 2; its segments are \"Liver\" (label 1, layer 0), \"Tumor\" (label 1, layer 1); expected one of those labels, or segment (a name)")
    expectFailure(#"{"type": "label_map", "path": "case.seg.nrrd", "segment": ""}"#, path: "regions.0.shape.segment",
                  message: "is empty; expected the name of a segment of a 3D Slicer .seg.nrrd")
    expectFailure(#"{"type": "label_map", "path": "case.seg.nrrd", "segmnet": "Tumor"}"#, path: "regions.0.shape.segmnet",
                  message: "unknown key \"segmnet\"; did you mean \"segment\"?")
    expectFailure(#"{"type": "label_map", "path": "case.nii.gz"}"#, path: "regions.0.shape.label",
                  message: "missing; expected an integer from -2147483648 to 2147483647 (the voxel value)")
    expectFailure(#"{"type": "label_map", "path": "plain.nrrd", "label": 4}"#, path: "regions.0.shape.label",
                  message: "label 4 does not occur in \(folder)/plain.nrrd; it holds labels 0, 3")
    expectFailure(#"{"type": "label_map", "path": "gone.seg.nrrd", "segment": "Tumor"}"#, path: "regions.0.shape.path",
                  message: "label map \(folder)/gone.seg.nrrd does not exist", code: 66)

    // A plain NRRD takes label as a NIfTI does.
    let p = try Preset.parse(bytes: Array(tumourPreset(#"{"type": "label_map", "path": "plain.nrrd", "label": 3}"#).utf8),
                             source: "t.json", baseDirectory: dir.path).0
    #expect(try painted(p).voxels.count > 0)
    #expect(p.labelMaps.first?.choiceDescription == "regions.0.shape: label 3 of \(folder)/plain.nrrd (NRRD, RAS space), 4 voxels")
}

@Test func referenceZoneTakesASegmentToo() throws {
    let dir = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    try SegmentationPair.writeSegNRRD(to: dir.appendingPathComponent("zone.seg.nrrd"))
    func parse(_ zone: String) throws(PresetError) -> Preset {
        let text = minimalPreset.replacingOccurrences(of: "\"applicators\"", with: "\"reference_zone\": \(zone), \"applicators\"")
        return try Preset.parse(bytes: Array(text.utf8), source: "t.json", baseDirectory: dir.path).0
    }
    let p = try parse(#"{"path": "zone.seg.nrrd", "segment": "Tumor"}"#)
    #expect(p.referenceZone?.segmentName == "Tumor" && p.referenceZone?.layer == 1)
    #expect(p.resolvedJSON()["reference_zone"]?["segment"] == .string("Tumor"))
    // The default label 1 does not apply to a segmentation: it must be chosen.
    do {
        _ = try parse(#"{"path": "zone.seg.nrrd"}"#)
        Issue.record("a segmentation without a choice was accepted")
    } catch {
        #expect(error.path == "reference_zone.segment" && error.message.contains("expected segment, one of \"Liver\", \"Tumor\""), "\(error)")
    }
}
