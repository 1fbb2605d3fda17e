import AblationIO
import Foundation
import Testing

/// Writes a label map (label 1 where `inside` holds at the voxel centre) on a lattice of `n` voxels a
/// side, `spacing` mm apart, voxel (0,0,0) at `origin`.
private func writeVessel(_ url: URL, n: SIMD3<Int>, spacing: Double, origin: SIMD3<Double>, inside: (SIMD3<Double>) -> Bool) throws {
    let geometry = VolumeGeometry(nx: n.x, ny: n.y, nz: n.z, spacingMM: SIMD3(repeating: spacing), originMM: origin)
    var labels = [UInt8](repeating: 0, count: n.x * n.y * n.z)
    for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x where inside(geometry.worldPosition(i: Double(i), j: Double(j), k: Double(k))) {
        labels[i + n.x * (j + n.y * k)] = 1
    } } }
    try NIfTIWriter.write(uint8: labels, geometry: geometry, to: url, gzip: false)
}

/// Whether `p` lies within `radius` of the segment a-b, its projection between them.
private func inTube(_ p: SIMD3<Double>, _ a: SIMD3<Double>, _ b: SIMD3<Double>, _ radius: Double) -> Bool {
    let axis = b - a
    let s = ((p - a) * axis).sum() / (axis * axis).sum()
    let r = p - a - s * axis
    return s >= 0 && s <= 1 && (r * r).sum() <= radius * radius
}

/// A label-map vessel tree that cannot be modelled: exit 65 naming the JSON path, nothing written.
@Test func hostileVesselTreesAreRefusedExactly() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    // A 4 mm vessel along y through the grid (x -8..8 mm at 1 mm voxels, the same lattice).
    try writeVessel(dir.appendingPathComponent("tube.nii"), n: [16, 16, 16], spacing: 1, origin: [-7.5, -7.5, -7.5]) {
        inTube($0, [0, -9, 0], [0, 9, 0], 2)
    }
    // One column of 2 mm voxels whose box reaches 0.2 mm into the grid: no grid voxel centre lies in it.
    try writeVessel(dir.appendingPathComponent("edge.nii"), n: [8, 8, 8], spacing: 2, origin: [-5.2, -7, -7]) { p in
        p.x > 8 && abs(p.z) < 1.5
    }
    let base = """
        {"ablsim": 1, "name": "h", "grid": {"size_mm": [16, 16, 16], "spacing_mm": 1},
         "regions": [{"name": "v", "material": "blood", "vessel": true, "shape": {"type": "label_map", "path": "SEG", "label": 1}, "flow": FLOW}],
         "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [4, 0, 0], "radius_mm": 1},
                          "schedule": [{"duration_s": 10, "power_w": 1}]}]}
        """
    let cases: [(String, String, String)] = [
        ("edge.nii", "{}", "ablsim: error: regions.0.shape: label 1 of \(dir.path)/edge.nii has no voxel centre in the grid (x -8..8, y -8..8, z -8..8 mm); a convective vessel tree is extracted from its voxels on the grid, so expected a grid that holds part of the vessel (or \"model\": \"fixed\")"),
        ("tube.nii", #"{"trunk_mm": [0, 0, 7]}"#, "ablsim: error: regions.0.flow.trunk_mm: lies 9.9 mm from the nearest end of the vessel's centrelines, at (0.5, 7.5, 0.5) mm; expected a point within 5 mm of the end where the trunk leaves the tree"),
        ("tube.nii", #"{"direction": "downstream"}"#, "ablsim: error: regions.0.flow.direction: got \"downstream\"; expected one of \"toward_trunk\", \"from_trunk\""),
        ("tube.nii", #"{"diameter_mm": 4}"#, "ablsim: error: regions.0.flow.diameter_mm: a convective label-map vessel has its diameters measured from the segmentation, segment by segment; remove diameter_mm (velocity_mm_s sets the trunk's velocity, the branches' follow Murray's law)"),
    ]
    for (file, flow, message) in cases {
        try base.replacingOccurrences(of: "SEG", with: file).replacingOccurrences(of: "FLOW", with: flow)
            .write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let r = try CLI.run(["run", "p.json", "--quiet", "--out", "out"], in: dir)
        #expect(r.status == 65, "\(file) \(flow): \(r.stderr)")
        #expect(r.stderr.trimmingCharacters(in: .newlines) == message)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == before, "\(flow): output left behind")
    }
}

/// A Y-shaped vessel tree from a label map, run end to end: summary.json lists its three segments,
/// the trunk (5 mm, the widest end-segment) first and both 3 mm branches as its children, with
/// diameters within half a voxel and the heat each carried away.
@Test func aYShapedTreeRunsEndToEnd() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    // On the grid's lattice: 60 x 60 x 32 voxels of 0.5 mm centred on the origin.
    try writeVessel(dir.appendingPathComponent("y.nii.gz"), n: [60, 60, 32], spacing: 0.5, origin: [-14.75, -14.75, -7.75]) { p in
        inTube(p, [-14, 0, 0], [0, 0, 0], 2.5) || inTube(p, [0, 0, 0], [11, 8, 0], 1.5) || inTube(p, [0, 0, 0], [11, -8, 0], 1.5)
    }
    let preset = """
        {"ablsim": 1, "name": "y", "grid": {"size_mm": [30, 30, 16], "spacing_mm": 0.5},
         "regions": [{"name": "hepatic vein", "material": "blood", "vessel": true, "shape": {"type": "label_map", "path": "y.nii.gz", "label": 1}}],
         "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [-3, 6, 0], "radius_mm": 2},
                          "schedule": [{"duration_s": 60, "power_w": 5}]}],
         "output": {"formats": []}}
        """
    try preset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["run", "p.json", "--quiet", "--out", "out"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/summary.json"))) as! [String: Any]
    let vessels = try #require(summary["vessels"] as? [[String: Any]])
    #expect(vessels.count == 3)
    guard vessels.count == 3 else { return }
    for (n, v) in vessels.enumerated() {
        #expect(v["name"] as? String == "hepatic vein" && v["region"] as? Int == 0 && v["segment"] as? Int == n)
        #expect((v["heat_removed_j"] as? Double ?? 0) > 0, "segment \(n): \(v)")
        #expect((v["length_mm"] as? Double ?? 0) > 10, "segment \(n): \(v)")
        #expect(v["occluded_at_s"] is NSNull || v["occluded_at_s"] is Double)
        let diameter = v["diameter_mm"] as? Double ?? 0
        #expect(abs(diameter - (n == 0 ? 5 : 3)) <= 0.5, "segment \(n): \(diameter) mm")
    }
    #expect(vessels[0]["parent"] is NSNull)
    #expect(vessels[1]["parent"] as? Int == 0 && vessels[2]["parent"] as? Int == 0)
    // The trunk's velocity is the default for its measured diameter (150 mm/s per 6 mm); the
    // branches' follow Murray's law, in proportion to their diameters.
    let d = vessels.map { $0["diameter_mm"] as? Double ?? 0 }, v = vessels.map { $0["velocity_mm_s"] as? Double ?? 0 }
    #expect(abs(v[0] - 150 * d[0] / 6) < 1e-3 * v[0])
    #expect(abs(v[1] / v[0] - d[1] / d[0]) < 1e-4 && abs(v[2] / v[0] - d[2] / d[0]) < 1e-4)
}
