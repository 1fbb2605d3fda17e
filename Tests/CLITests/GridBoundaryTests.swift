import Foundation
import Testing

// A grid must never silently cut what the user asked about: targets are refused when they or their
// margin shell leave it, and a zone or microwave power that reaches past it is flagged once.

private func targetPreset(radius: Double, center: [Double], margin: Double) -> String {
    """
    {"ablsim": 1, "name": "cut", "grid": {"size_mm": [16, 16, 16], "spacing_mm": 1},
     "regions": [{"name": "tumor", "material": "tumor", "target": true,
                  "shape": {"type": "sphere", "center_mm": \(center), "radius_mm": \(radius)}}],
     "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2},
                      "schedule": [{"duration_s": 10, "power_w": 1}]}],
     "margin_mm": \(margin)}
    """
}

@Test func aTargetCutByTheGridIsRefusedWithAGridThatHoldsIt() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Tumour x from 1 to 9 mm, margin shell to 12 mm: 4 mm beyond the +x face at 8 mm.
    try targetPreset(radius: 4, center: [5, 0, 0], margin: 3).write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    for command in [["run", "p.json", "--out", "out", "--quiet"], ["check", "p.json"]] {
        let r = try CLI.run(command, in: dir)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr == "ablsim: error: regions.0.shape: target \"tumor\" with its 3 mm margin reaches beyond the grid (4.0 mm above x = 8); its coverage and margin would be measured on what is left. Expected a grid that holds it, e.g. \"grid\": {\"center_mm\": [2, 0, 0], \"size_mm\": [20, 16, 16], \"spacing_mm\": 1}\n")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["p.json"], "output left behind")

    // The suggested grid is accepted.
    let fixed = try CLI.run(["check", "p.json", "--set", "grid.center_mm=[2,0,0]", "--set", "grid.size_mm=[20,16,16]"], in: dir)
    #expect(fixed.status == 0, "\(fixed.stderr)")
    // A margin shell that ends exactly on the grid's faces is inside it; a tenth of a millimetre more is not.
    try targetPreset(radius: 3, center: [0, 0, 0], margin: 5).write(to: dir.appendingPathComponent("edge.json"), atomically: true, encoding: .utf8)
    #expect(try CLI.run(["check", "edge.json"], in: dir).status == 0)
    let over = try CLI.run(["check", "edge.json", "--set", "margin_mm=5.1"], in: dir)
    #expect(over.status == 65 && over.stderr.contains("0.1 mm below x = -8; 0.1 mm above x = 8; 0.1 mm below y = -8"), "\(over.stderr)")
}

@Test func aZoneThatReachesTheGridIsFlaggedOnce() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try smallPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    func summary(_ out: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("\(out)/summary.json"))) as! [String: Any]
    }
    let inside = try CLI.run(["run", "p.json", "--out", "inside"], in: dir)
    #expect(inside.status == 0, "\(inside.stderr)")
    let a = try summary("inside")["ablation"] as! [String: Any]
    #expect(a["touches_boundary"] as? Bool == false && (a["boundary_faces"] as? [String]) == [])
    #expect(!inside.stdout.contains("warning"), "\(inside.stdout)")

    // 40 W into a 2 mm sphere for a minute kills tissue out to every face of the 16 mm box.
    let hot = try CLI.run(["run", "p.json", "--out", "hot", "--set", "applicators.0.schedule.0.power_w=40"], in: dir)
    #expect(hot.status == 0, "\(hot.stderr)")
    let s = try summary("hot")
    let b = s["ablation"] as! [String: Any]
    #expect(b["touches_boundary"] as? Bool == true)
    #expect((b["boundary_faces"] as? [String]) == ["-x", "+x", "-y", "+y", "-z", "+z"])
    let warnings = (s["warnings"] as! [String]).filter { $0.contains("grid") }
    #expect(warnings == ["the grid cuts the treatment short: the necrosis zone reaches its -x, +x, -y, +y, -z, +z faces (the zone is cut there; its size, axes and margins on that side are too small); enlarge grid.size_mm so that the zone ends inside the grid"])
    #expect(hot.stdout.components(separatedBy: "warning: the grid cuts").count == 2, "\(hot.stdout)")
}

@Test func microwavePowerLostOutsideTheGridIsOneWarningForEveryAntenna() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Two antennas whose feeds lie near the grid's top face: each loses part of its pattern beyond it.
    let preset = """
        {"ablsim": 1, "name": "lost", "grid": {"size_mm": [30, 30, 24], "spacing_mm": 1},
         "applicators": [
           {"type": "mwa", "frequency_mhz": 2450, "tip_mm": [-6, 0, 2], "entry_mm": [-6, 0, 40], "schedule": [{"duration_s": 20, "power_w": 30}]},
           {"type": "mwa", "frequency_mhz": 2450, "tip_mm": [6, 0, 2], "entry_mm": [6, 0, 40], "schedule": [{"duration_s": 20, "power_w": 30}]}],
         "margin_mm": 3}
        """
    try preset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["run", "p.json", "--out", "out", "--quiet"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let s = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/summary.json"))) as! [String: Any]
    let lost = (s["applicators"] as! [[String: Any]]).compactMap { $0["outside_grid_fraction"] as? Double }
    #expect(lost.count == 2 && lost.allSatisfy { $0 > 0.01 }, "\(lost)")
    let grid = (s["warnings"] as! [String]).filter { $0.contains("outside") }
    #expect(grid.count == 1, "\(grid)")
    #expect(grid.first?.contains("applicators.0, applicators.1 put up to") == true, "\(grid)")
}
