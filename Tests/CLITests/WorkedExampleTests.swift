import AblationIO
import Foundation
import Testing

// The worked example in presets/examples/liver-case: a CT-like segmentation (x and y flipped,
// 0.8 x 0.8 x 2 mm voxels, an origin far from the world's) as NIfTI and as a cropped 3D Slicer
// .seg.nrrd. Both presets fit their grid to the tumour and must paint the same case. The reference
// is the source image itself: its tumour voxels' count and centroid through its own affine.

private let exampleFolder = repositoryRoot.appendingPathComponent("presets/examples/liver-case")

/// A short run (the painting and the vessels are what is compared, not the zone).
private func runExample(_ preset: String, in dir: URL) throws -> (labels: NIfTIVolume, summary: [String: Any]) {
    let out = dir.appendingPathComponent(preset)
    let r = try CLI.run(["run", exampleFolder.appendingPathComponent("\(preset).json").path, "--out", out.path, "--quiet",
                         "--set", "applicators.0.schedule.0.duration_s=5", "--set", "output.formats=[\"nifti\"]"], in: dir)
    #expect(r.status == 0, "\(preset): \(r.stderr)")
    let labels = try NIfTIReader.read(contentsOf: out.appendingPathComponent("labels.nii.gz"))
    let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
    return (labels, summary)
}

private func voxels(of value: Float, in v: NIfTIVolume) -> (count: Int, centroid: SIMD3<Double>) {
    var sum = SIMD3<Double>(), count = 0
    for k in 0..<v.nz { for j in 0..<v.ny { for i in 0..<v.nx where v.values[i + v.nx * (j + v.ny * k)] == value {
        sum += v.worldPosition(i: Double(i), j: Double(j), k: Double(k))
        count += 1
    } } }
    return (count, sum / Double(max(count, 1)))
}

private func labelValue(named name: String, in summary: [String: Any]) -> Float? {
    (summary["labels"] as? [[String: Any]])?.first { $0["name"] as? String == name }.flatMap { ($0["value"] as? Double).map(Float.init) }
}

@Test func theWorkedExamplePaintsTheSameCaseFromNIfTIAndSlicer() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = try NIfTIReader.read(contentsOf: exampleFolder.appendingPathComponent("case-seg.nii.gz"))
    let tumour = voxels(of: 2, in: source)
    let sourceVolumeML = Double(tumour.count) * 0.8 * 0.8 * 2.0 / 1000

    let nifti = try runExample("run", in: dir)
    let slicer = try runExample("run-slicer", in: dir)
    var painted: [(count: Int, centroid: SIMD3<Double>)] = []
    for (name, result) in [("NIfTI", nifti), ("Slicer", slicer)] {
        let value = try #require(labelValue(named: "tumor", in: result.summary), "\(name): no tumor label")
        let p = voxels(of: value, in: result.labels)
        painted.append(p)
        // 1 mm grid voxels over 0.8 x 0.8 x 2 mm image voxels: the painted volume is the source's within 3 %.
        let volumeML = Double(p.count) / 1000
        #expect(abs(volumeML - sourceVolumeML) / sourceVolumeML < 0.03, "\(name): \(volumeML) mL painted, \(sourceVolumeML) mL in the image")
        // A quarter of max(grid spacing, image spacing) per axis (the grid.fit contract).
        for (c, s) in [0.8, 0.8, 2.0].enumerated() {
            #expect(abs(p.centroid[c] - tumour.centroid[c]) <= max(1, s) / 4,
                    "\(name) axis \(c): centroid \(p.centroid[c]) vs \(tumour.centroid[c]) in the image")
        }
        // The vein tree as scripts/examples/make-liver-case.py draws it: an 8 mm trunk, branches of 5.5 and
        // 4.5 mm, the 5.5 mm one splitting into 3 and 2.5 mm twigs. Measured within half a grid voxel.
        let segments = try #require(result.summary["vessels"] as? [[String: Any]], "\(name): no vessels[]")
        #expect(segments.count == 5, "\(name): \(segments.count) segments")
        func diameters(parent: Int?) -> [Double] {
            segments.filter { ($0["parent"] as? Int) == parent }.compactMap { $0["diameter_mm"] as? Double }.sorted()
        }
        let trunk = segments.first { $0["parent"] is NSNull }
        #expect(abs((trunk?["diameter_mm"] as? Double ?? 0) - 8) <= 0.5, "\(name): trunk \(String(describing: trunk))")
        let branches = diameters(parent: trunk?["segment"] as? Int)
        #expect(branches.count == 2 && abs(branches[0] - 4.5) <= 0.5 && abs(branches[1] - 5.5) <= 0.5, "\(name): branches \(branches)")
        let wide = segments.first { ($0["parent"] as? Int) == (trunk?["segment"] as? Int) && ($0["diameter_mm"] as? Double ?? 0) > 5 }
        let twigs = diameters(parent: wide?["segment"] as? Int)
        #expect(twigs.count == 2 && abs(twigs[0] - 2.5) <= 0.5 && abs(twigs[1] - 3) <= 0.5, "\(name): twigs \(twigs)")
        // The fitted grid holds the tumour with its 30 mm padding (no target is cut, nothing touches the faces).
        let ablation = result.summary["ablation"] as! [String: Any]
        #expect(ablation["touches_boundary"] as? Bool == false, "\(name)")
    }
    // Both files paint the same voxels: within 1 % and a quarter voxel of each other.
    #expect(abs(Double(painted[0].count - painted[1].count)) <= 0.01 * Double(painted[0].count))
    let shift = painted[0].centroid - painted[1].centroid
    #expect((shift * shift).sum().squareRoot() <= 0.25, "centroids \(painted[0].centroid) and \(painted[1].centroid)")
    #expect((nifti.summary["grid"] as! [String: Any])["shape"] as! [Int] == (slicer.summary["grid"] as! [String: Any])["shape"] as! [Int])
}
