import AblationIO
import AblationJSON
import AblationMicrowave
import AblationPreset
import AblationRun
import Foundation
import Testing

// summary.json is a contract (docs/preset-format.md, "Outputs of ablsim run"): scripts read its keys
// by name. These tests run small presets of every applicator kind and check that the keys are exactly
// the documented ones, and that every value agrees with something computed independently of the
// code that wrote it: the output images re-read voxel by voxel, the preset, the generator protocol,
// closed forms.

/// Every key summary.json may hold, as documented in docs/preset-format.md (table row `summary.json`,
/// the extensions paragraph below it, vessel flow and reference zones). Arrays of objects are `[]`.
/// `resolved_preset` is the preset format itself and is checked as a preset, not key by key.
let documentedSummaryKeys: Set<String> = [
    "ablsim_version", "preset_name", "preset_sha256", "seed", "resolved_preset",
    "grid", "grid.shape", "grid.spacing_mm", "grid.origin_mm", "grid.frame",
    "simulated_time_s", "time_steps", "time_step_s", "wall_time_s", "solver_time_s", "threads", "active_row_fraction",
    "timings", "timings.setup_s", "timings.solver_s", "timings.analysis_s", "timings.encode_s",
    "ablation", "ablation.volume_ml", "ablation.long_axis_mm", "ablation.short_axis_mm", "ablation.sphericity", "ablation.axis",
    "ablation.healthy_ablated_ml", "ablation.touches_boundary", "ablation.boundary_faces",
    "ablation.contracted_estimate", "ablation.contracted_estimate.volume_ml", "ablation.contracted_estimate.long_axis_mm",
    "ablation.contracted_estimate.short_axis_mm", "ablation.contracted_estimate.shrinkage",
    "targets", "targets[].name", "targets[].volume_ml", "targets[].coverage_percent", "targets[].min_margin_mm",
    "targets[].complete", "targets[].complete_with_margin", "targets[].weakest_margin_point_mm",
    "targets[].weakest_margin_direction", "targets[].surface_margin_shares", "targets[].surface_margin_shares.below_0_mm",
    "targets[].surface_margin_shares.0_to_5_mm", "targets[].surface_margin_shares.5_to_10_mm",
    "targets[].surface_margin_shares.above_10_mm",
    "reference_zone", "reference_zone.volume_ml", "reference_zone.dice", "reference_zone.mean_surface_distance_mm",
    "reference_zone.hausdorff_mm",
    "max_temperature_c",
    "applicators", "applicators[].type", "applicators[].delivered_energy_j", "applicators[].final_impedance_ohm",
    "applicators[].potential_solves", "applicators[].cg_iterations", "applicators[].coolant_energy_j",
    "applicators[].peak_voltage_v", "applicators[].power_limited_s", "applicators[].absorbed_power_w",
    "applicators[].outside_grid_fraction", "applicators[].near_field_wavelength_ratio",
    "vessels", "vessels[].name", "vessels[].region", "vessels[].segment", "vessels[].parent", "vessels[].diameter_mm",
    "vessels[].length_mm", "vessels[].velocity_mm_s", "vessels[].wall_heat_transfer_w_m2k", "vessels[].heat_removed_w",
    "vessels[].heat_removed_j", "vessels[].outlet_temperature_c", "vessels[].occluded", "vessels[].occlusion_time_s",
    "vessels[].occluded_at_s",
    "damage", "damage.model", "damage.threshold", "damage.file_units", "damage.unheated_dose_fraction",
    "labels", "labels[].value", "labels[].name", "labels[].material",
    "outputs", "warnings",
]

/// Dotted key paths of a JSON document (`[]` for the elements of an array of objects).
func summaryKeyPaths(_ value: Any, prefix: String = "") -> Set<String> {
    var paths = Set<String>()
    if let object = value as? [String: Any] {
        for (key, member) in object {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            paths.insert(path)
            if key != "resolved_preset" || !prefix.isEmpty { paths.formUnion(summaryKeyPaths(member, prefix: path)) }
        }
    } else if let array = value as? [Any] {
        for element in array { paths.formUnion(summaryKeyPaths(element, prefix: prefix + "[]")) }
    }
    return paths
}

/// One finished `ablsim run` (through the same pipeline), its folder and the files in it, re-read.
struct FinishedRun {
    let directory: URL
    let summary: [String: Any]
    let wallClockS: Double

    init(preset text: String, in scratch: URL, name: String) throws {
        let presetURL = scratch.appendingPathComponent("\(name).json")
        try text.write(to: presetURL, atomically: true, encoding: .utf8)
        var pipeline = RunPipeline()
        pipeline.presetPath = presetURL.path
        pipeline.outputDirectory = scratch.appendingPathComponent(name).path
        pipeline.threads = 2
        let clock = ContinuousClock(), start = clock.now
        _ = try pipeline.run()
        let d = clock.now - start
        wallClockS = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        directory = scratch.appendingPathComponent(name)
        summary = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("summary.json"))) as! [String: Any]
    }

    func volume(_ file: String) throws -> NIfTIVolume { try NIfTIReader.read(contentsOf: directory.appendingPathComponent(file)) }

    /// timeseries.csv as columns by header name (empty cells are nil).
    func timeSeries() throws -> [String: [Double?]] {
        let lines = try String(contentsOf: directory.appendingPathComponent("timeseries.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var columns: [String: [Double?]] = [:]
        for (c, name) in lines[0].enumerated() { columns[name] = lines.dropFirst().map { Double($0[c]) } }
        return columns
    }

    subscript(_ path: String) -> Any? {
        var value: Any? = summary
        for part in path.split(separator: ".") { value = (value as? [String: Any])?[String(part)] }
        return value
    }
    func number(_ path: String) -> Double { (self[path] as? NSNumber)?.doubleValue ?? .nan }
    var applicator: [String: Any] { (summary["applicators"] as! [[String: Any]])[0] }
}

/// Agreement to the 6 significant digits summary.json writes most numbers with.
func sameToSixDigits(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-5 * max(abs(a), abs(b), 1e-12) }

func shellSHA256(_ url: URL) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["sha256sum", url.path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return String(text.prefix(64))
}

/// Area of a binary STL's triangles (mm²).
func stlArea(_ data: Data) -> Double {
    let bytes = [UInt8](data)
    func float(_ at: Int) -> Double {
        Double(Float(bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24))
    }
    let count = Int(UInt32(bytes[80]) | UInt32(bytes[81]) << 8 | UInt32(bytes[82]) << 16 | UInt32(bytes[83]) << 24)
    var area = 0.0
    for t in 0..<count {
        let base = 84 + 50 * t + 12
        let v = (0..<3).map { n in SIMD3<Double>(float(base + 12 * n), float(base + 12 * n + 4), float(base + 12 * n + 8)) }
        let a = v[1] - v[0], b = v[2] - v[0]
        let c = SIMD3<Double>(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
        area += 0.5 * (c * c).sum().squareRoot()
    }
    return area
}

let summaryTestsRepositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()


// MARK: - the presets

/// A heat source 5 mm below a 3.5 mm tumour, beside a convective 4 mm vein, on a grid whose -z face
/// cuts the zone; cooldown 30 s.
let heatSourceSummaryPreset = """
{"ablsim": 1, "name": "summary-heat", "seed": 7,
 "grid": {"center_mm": [0, 0, 2], "size_mm": [30, 30, 24], "spacing_mm": 1},
 "regions": [{"name": "tumor", "material": "tumor", "target": true,
              "shape": {"type": "sphere", "center_mm": [1, 0, 0], "radius_mm": 3.5}},
             {"name": "vein", "material": "blood", "vessel": true,
              "shape": {"type": "cylinder", "start_mm": [9, -40, 0], "end_mm": [9, 40, 0], "radius_mm": 2}}],
 "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, -5], "radius_mm": 3},
                  "schedule": [{"duration_s": 90, "power_w": 4}]}],
 "time": {"cooldown_s": 30}, "margin_mm": 2}
"""

// MARK: - tests

@Test func everyDocumentedSummaryKeyIsNamedInTheContract() throws {
    let doc = try String(contentsOf: summaryTestsRepositoryRoot.appendingPathComponent("docs/preset-format.md"), encoding: .utf8)
    for path in documentedSummaryKeys {
        let leaf = String(path.split(separator: ".").last!).replacingOccurrences(of: "[]", with: "")
        let named = doc.contains("`\(leaf)`") || doc.contains("`\(leaf)[]`") || doc.contains("`\(path)`")
        #expect(named, "\(path) is in the test's list but docs/preset-format.md never names `\(leaf)`")
    }
}

/// The heat-source run: every key it writes is documented; the values match the re-read images.
@Test func heatSourceSummaryAgreesWithItsImagesAndPreset() throws {
    let scratch = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let run = try FinishedRun(preset: heatSourceSummaryPreset, in: scratch, name: "heat")
    let keys = summaryKeyPaths(run.summary)
    #expect(keys.subtracting(documentedSummaryKeys).isEmpty, "undocumented keys: \(keys.subtracting(documentedSummaryKeys).sorted())")
    let rfOrMicrowave: Set<String> = ["applicators[].final_impedance_ohm", "applicators[].potential_solves", "applicators[].cg_iterations",
                                      "applicators[].coolant_energy_j", "applicators[].peak_voltage_v", "applicators[].power_limited_s",
                                      "applicators[].absorbed_power_w", "applicators[].outside_grid_fraction",
                                      "applicators[].near_field_wavelength_ratio"]
    let referenceKeys = Set(documentedSummaryKeys.filter { $0.hasPrefix("reference_zone") })
    #expect(documentedSummaryKeys.subtracting(rfOrMicrowave).subtracting(referenceKeys).subtracting(keys).isEmpty,
            "missing keys: \(documentedSummaryKeys.subtracting(rfOrMicrowave).subtracting(referenceKeys).subtracting(keys).sorted())")

    // Identity of the run.
    #expect(run["ablsim_version"] as? String == AblsimVersion.string)
    #expect(run["preset_name"] as? String == "summary-heat")
    #expect(run["preset_sha256"] as? String == (try shellSHA256(scratch.appendingPathComponent("heat.json"))))
    #expect(run.number("seed") == 7)
    #expect(run.number("threads") == 2)

    // Grid: 30 x 30 x 24 mm at 1 mm; voxel 0 sits half a voxel inside the corner, as the NIfTI affine says.
    let necrosisImage = try run.volume("necrosis.nii.gz")
    #expect(run["grid.shape"] as? [Int] == [30, 30, 24])
    #expect(run.number("grid.spacing_mm") == 1)
    let origin = try #require(run["grid.origin_mm"] as? [Double])
    #expect(origin == [-14.5, -14.5, -9.5])
    #expect(necrosisImage.affine[0][3] == origin[0] && necrosisImage.affine[1][3] == origin[1] && necrosisImage.affine[2][3] == origin[2])
    #expect((run["grid.frame"] as? String)?.contains("RAS") == true)

    // Time: 90 s on, 30 s off; each phase is cut into equal steps no longer than time_step_s.
    #expect(run.number("simulated_time_s") == 120)
    let dt = run.number("time_step_s")
    let steps = run.number("time_steps")
    let fewest = [90.0, 30].map { ($0 / (dt * (1 + 1e-5))).rounded(.up) }.reduce(0, +)
    let most = [90.0, 30].map { ($0 / (dt * (1 - 1e-5))).rounded(.up) }.reduce(0, +)
    #expect(dt > 0 && steps >= fewest && steps <= most, "\(steps) steps of \(dt) s")
    // Clocks: the pipeline's own wall time, its parts, and what the test measured around it.
    let wall = run.number("wall_time_s")
    let timings = try #require(run["timings"] as? [String: Double])
    #expect(wall > 0 && wall <= run.wallClockS + 1e-3, "wall \(wall) vs measured \(run.wallClockS)")
    #expect(timings.values.allSatisfy { $0 >= 0 } && timings.values.reduce(0, +) <= wall * (1 + 1e-3) + 1e-3)
    #expect(sameToSixDigits(run.number("solver_time_s"), 0) || run.number("solver_time_s") <= timings["solver_s"]! + 1e-3)
    let activeRows = run.number("active_row_fraction")
    #expect(activeRows > 0 && activeRows <= 1)

    // The zone, re-read from necrosis.nii.gz, labels.nii.gz and damage.nii.gz.
    let n = necrosisImage.values.map { $0 != 0 }
    let labels = try run.volume("labels.nii.gz").values.map { Int($0) }
    let damage = try run.volume("damage.nii.gz").values
    #expect(zip(n, damage).allSatisfy { $0 == ($1 >= 1) }, "necrosis is not damage >= threshold")
    let (nx, ny, nz) = (30, 30, 24)
    func position(_ v: Int) -> SIMD3<Double> {
        SIMD3(origin[0] + Double(v % nx), origin[1] + Double((v / nx) % ny), origin[2] + Double(v / (nx * ny)))
    }
    let necrotic = n.indices.filter { n[$0] }
    #expect(!necrotic.isEmpty)
    #expect(sameToSixDigits(run.number("ablation.volume_ml"), Double(necrotic.count) / 1000))
    let zs = necrotic.map { position($0).z }
    #expect(sameToSixDigits(run.number("ablation.long_axis_mm"), zs.max()! - zs.min()! + 1), "long axis along world z")
    #expect(run["ablation.axis"] as? [Double] == [0, 0, 1])
    // Short axis: at least the x and y extents, at most the widest pair in the xy projection (+ one voxel).
    let xy = necrotic.map { SIMD2(position($0).x, position($0).y) }
    let extentX = xy.map(\.x).max()! - xy.map(\.x).min()!, extentY = xy.map(\.y).max()! - xy.map(\.y).min()!
    var widest = 0.0
    let rim = xy.filter { p in xy.contains { (($0 - p) * ($0 - p)).sum() > 0 } }
    for a in rim { for b in rim { widest = max(widest, ((a - b) * (a - b)).sum().squareRoot()) } }
    let shortAxis = run.number("ablation.short_axis_mm")
    #expect(shortAxis >= max(extentX, extentY) + 1 - 1e-4 && shortAxis <= widest + 1 + 1e-4, "\(shortAxis) vs \(extentX), \(extentY), \(widest)")
    // Sphericity from the volume and the area of the triangles in ablation.stl.
    let area = stlArea(try Data(contentsOf: run.directory.appendingPathComponent("ablation.stl")))
    let sphericity = pow(Double.pi, 1.0 / 3) * pow(6 * Double(necrotic.count), 2.0 / 3) / area
    #expect(abs(run.number("ablation.sphericity") - min(sphericity, 1)) <= 1e-3, "\(run.number("ablation.sphericity")) vs \(sphericity)")
    // Healthy tissue: necrotic, neither tumour (label 1) nor vein (label 2).
    #expect(sameToSixDigits(run.number("ablation.healthy_ablated_ml"), Double(necrotic.filter { labels[$0] == 0 }.count) / 1000))
    // Faces: the zone reaches the -z face (the source's surface is 1.5 voxels from it) and no other.
    var faces: [String] = []
    for (face, onIt) in [("-x", { (v: Int) in v % nx == 0 }), ("+x", { $0 % nx == nx - 1 }), ("-y", { ($0 / nx) % ny == 0 }),
                         ("+y", { ($0 / nx) % ny == ny - 1 }), ("-z", { $0 / (nx * ny) == 0 }), ("+z", { $0 / (nx * ny) == nz - 1 })]
        where necrotic.contains(where: onIt) { faces.append(face) }
    #expect(faces.contains("-z"))
    #expect(run["ablation.touches_boundary"] as? Bool == true)
    #expect(run["ablation.boundary_faces"] as? [String] == faces)
    #expect((run["warnings"] as? [String])?.contains { $0.contains("-z") } == true, "\(run["warnings"] ?? "")")

    // The target, brute force over voxel centres (no distance transform).
    let target = labels.indices.filter { labels[$0] == 1 }
    let t = (run.summary["targets"] as! [[String: Any]])[0]
    #expect(t["name"] as? String == "tumor")
    #expect(sameToSixDigits((t["volume_ml"] as! Double), Double(target.count) / 1000))
    let covered = target.filter { n[$0] }.count
    #expect(sameToSixDigits(t["coverage_percent"] as! Double, 100 * Double(covered) / Double(target.count)))
    let complete = covered == target.count
    #expect(t["complete"] as? Bool == complete)
    let living = n.indices.filter { !n[$0] }
    func distance(_ a: Int, _ set: [Int]) -> Double {
        let p = position(a)
        return set.map { let d = position($0) - p; return (d * d).sum() }.min()!.squareRoot()
    }
    func localMargin(_ v: Int) -> Double { n[v] ? distance(v, living) - 1 : -distance(v, necrotic) }
    let margins = Dictionary(uniqueKeysWithValues: target.map { ($0, localMargin($0)) })
    let minMargin = complete ? margins.values.min()! : margins.values.min()!
    #expect(abs((t["min_margin_mm"] as! Double) - minMargin) <= 1e-5 * max(1, abs(minMargin)), "\(t["min_margin_mm"]!) vs \(minMargin)")
    #expect(t["complete_with_margin"] as? Bool == (complete && minMargin >= 2 - 1e-9))
    let weakest = try #require(t["weakest_margin_point_mm"] as? [Double])
    let weakestVoxel = try #require(target.first { position($0) == SIMD3(weakest[0], weakest[1], weakest[2]) }, "weakest point is not a target voxel")
    #expect(abs(margins[weakestVoxel]! - minMargin) <= 1e-9, "the weakest point's margin is \(margins[weakestVoxel]!), not the minimum")
    let centroid = target.map(position).reduce(SIMD3<Double>(), +) / Double(target.count)
    let towards = SIMD3(weakest[0], weakest[1], weakest[2]) - centroid
    let direction = try #require(t["weakest_margin_direction"] as? [Double])
    let expected = towards / (towards * towards).sum().squareRoot()
    #expect(zip(direction, [expected.x, expected.y, expected.z]).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(direction) vs \(expected)")
    // Surface shares: target voxels with a face neighbour outside the target, binned by local margin.
    let inTarget = Set(target)
    let surface = target.filter { v in
        let (i, j, k) = (v % nx, (v / nx) % ny, v / (nx * ny))
        let neighbours: [(Int, Int, Int)] = [(i - 1, j, k), (i + 1, j, k), (i, j - 1, k), (i, j + 1, k), (i, j, k - 1), (i, j, k + 1)]
        return neighbours.contains { (a: Int, b: Int, c: Int) -> Bool in
            if a < 0 || b < 0 || c < 0 { return true }
            if a >= nx || b >= ny || c >= nz { return true }
            return !inTarget.contains(a + nx * (b + ny * c))
        }
    }
    let shares = try #require(t["surface_margin_shares"] as? [String: Double])
    for (key, range) in [("below_0_mm", -1e9..<0.0), ("0_to_5_mm", 0.0..<5), ("5_to_10_mm", 5.0..<10), ("above_10_mm", 10.0..<1e10)] {
        let share = Double(surface.filter { range.contains(margins[$0]!) }.count) / Double(surface.count)
        #expect(abs(shares[key]! - share) <= 1e-4, "\(key): \(shares[key]!) vs \(share)")
    }

    // Temperature and damage.
    let peak = try run.volume("temperature_max.nii.gz").values.max()!
    #expect(sameToSixDigits(run.number("max_temperature_c"), Double(peak)))
    #expect(run["damage.model"] as? String == "arrhenius" && run.number("damage.threshold") == 1)
    #expect(run["damage.file_units"] as? String == "Omega (dimensionless)")

    // The source: 4 W for 90 s.
    #expect(run.applicator["type"] as? String == "heat_source")
    #expect(abs((run.applicator["delivered_energy_j"] as! Double) - 360) <= 360 * 1e-9)

    // The vein (region 2): a 4 mm cylinder along y across the whole grid, convective by default.
    let vessel = try #require((run.summary["vessels"] as? [[String: Any]])?.first)
    #expect(vessel["name"] as? String == "vein" && vessel["region"] as? Int == 1 && vessel["segment"] as? Int == 0)
    #expect(vessel["parent"] is NSNull)
    #expect(vessel["diameter_mm"] as? Double == 4)
    #expect(abs((vessel["length_mm"] as! Double) - 30) <= 1, "the axis inside a 30 mm grid: \(vessel["length_mm"]!)")
    // Murray's law default: 150 mm/s x 4 mm / 6 mm.
    #expect(abs((vessel["velocity_mm_s"] as! Double) - 100) <= 1e-9)
    #expect((vessel["wall_heat_transfer_w_m2k"] as! Double) > 0)
    let removed = vessel["heat_removed_j"] as! Double
    #expect(removed > 0 && removed < 360, "the vein took \(removed) J of 360 J")
    #expect((vessel["heat_removed_w"] as! Double) >= 0)
    let outlet = vessel["outlet_temperature_c"] as! Double
    #expect(outlet > 37 && outlet < Double(peak))
    #expect(vessel["occluded"] as? Bool == false && vessel["occlusion_time_s"] is NSNull && vessel["occluded_at_s"] is NSNull)

    // The label table: background, then regions in order.
    let table = try #require(run.summary["labels"] as? [[String: Any]])
    #expect(table.map { $0["value"] as? Int } == [0, 1, 2])
    #expect(table.map { $0["name"] as? String } == ["background", "tumor", "vein"])
    #expect(table.map { $0["material"] as? String } == ["liver", "tumor", "blood"])
    #expect(Set(labels).isSubset(of: [0, 1, 2]))

    // Outputs: exactly the files in the folder.
    let files = try FileManager.default.contentsOfDirectory(atPath: run.directory.path)
    #expect(Set(run["outputs"] as? [String] ?? []) == Set(files))

    // The resolved preset is a preset with every default written out, and reads back to itself.
    let resolved = try #require(run.summary["resolved_preset"] as? [String: Any])
    #expect(resolved["margin_mm"] as? Double == 2 && resolved["seed"] as? Int == 7 && resolved["initial_temperature_c"] as? Double == 37)
    #expect((resolved["boundary"] as? [String: Any])?["type"] as? String == "dirichlet")
    let resolvedText = String(decoding: try JSONSerialization.data(withJSONObject: resolved), as: UTF8.self)
    let again = try Preset.parse(bytes: Array(resolvedText.utf8), source: "resolved.json").0
    let reread = try JSONSerialization.jsonObject(with: Data(JSONWriter.string(again.resolvedJSON()).utf8)) as! NSDictionary
    #expect(reread == resolved as NSDictionary, "the resolved preset does not read back to itself")
}

// MARK: - reference zone, RF, MWA

/// Float32 point-data array `name` of a zone.vti (raw appended data, UInt64 headers, zlib blocks).
func vtiFloats(_ file: Data, _ name: String) throws -> [Float] {
    let bytes = [UInt8](file)
    let text = String(decoding: file.prefix(8192), as: UTF8.self)
    func int(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    let tag = try #require(text.range(of: "Name=\"\(name)\"").map { text[$0.upperBound...].prefix { $0 != ">" } })
    let offset = try #require(tag.range(of: "offset=\"").flatMap { Int(tag[$0.upperBound...].prefix { $0 != "\"" }) })
    let marker = try #require(file.range(of: Data("<AppendedData encoding=\"raw\">".utf8)))
    let base = try #require(file[marker.upperBound...].firstIndex(of: UInt8(ascii: "_"))) + 1 + offset
    let blocks = int(base)
    var position = base + 24 + 8 * blocks
    var raw = Data()
    for b in 0..<blocks {
        let size = int(base + 24 + 8 * b)
        raw.append(try Gzip.decompress(file.subdata(in: position..<(position + size)), maxOutputBytes: 1 << 30))
        position += size
    }
    let words = [UInt8](raw)
    return stride(from: 0, to: words.count, by: 4).map { (n: Int) -> Float in
        var bits = UInt32(words[n])
        bits |= UInt32(words[n + 1]) << 8
        bits |= UInt32(words[n + 2]) << 16
        bits |= UInt32(words[n + 3]) << 24
        return Float(bitPattern: bits)
    }
}

/// The heat-source run again, with its own zone moved 2 voxels toward +x as the reference: the
/// Hausdorff distance is exactly 2 mm (the +x-most voxels of the moved zone are 2 mm from the zone, and
/// every voxel of either has its partner 2 mm away), Dice and volume follow from counting voxels.
@Test func referenceZoneMetricsAgreeWithAShiftedCopyOfTheZone() throws {
    let scratch = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let first = try FinishedRun(preset: heatSourceSummaryPreset, in: scratch, name: "heat")
    let image = try first.volume("necrosis.nii.gz")
    let (nx, ny, nz) = (image.nx, image.ny, image.nz)
    var moved = [UInt8](repeating: 0, count: image.values.count)
    for v in image.values.indices where image.values[v] != 0 && v % nx + 2 < nx { moved[v + 2] = 1 }
    let geometry = VolumeGeometry(nx: nx, ny: ny, nz: nz, spacingMM: [1, 1, 1],
                                  originMM: SIMD3(image.affine[0][3], image.affine[1][3], image.affine[2][3]))
    try NIfTIWriter.write(uint8: moved, geometry: geometry, to: scratch.appendingPathComponent("moved.nii.gz"))
    let text = heatSourceSummaryPreset.replacingOccurrences(of: "\"applicators\"", with: """
        "reference_zone": {"path": "moved.nii.gz", "label": 1}, "applicators"
        """)
    let run = try FinishedRun(preset: text, in: scratch, name: "reference")
    let keys = summaryKeyPaths(run.summary)
    #expect(keys.subtracting(documentedSummaryKeys).isEmpty, "undocumented keys: \(keys.subtracting(documentedSummaryKeys).sorted())")
    let referenceKeys = documentedSummaryKeys.filter { $0.hasPrefix("reference_zone") }
    #expect(referenceKeys.isSubset(of: keys), "missing: \(referenceKeys.subtracting(keys).sorted())")
    let zone = image.values.map { $0 != 0 }
    #expect(try run.volume("necrosis.nii.gz").values.map { $0 != 0 } == zone, "the same preset gave another zone")
    let both = zone.indices.filter { zone[$0] && moved[$0] != 0 }.count
    let zoneCount = zone.filter { $0 }.count, movedCount = moved.filter { $0 != 0 }.count
    #expect(sameToSixDigits(run.number("reference_zone.volume_ml"), Double(movedCount) / 1000))
    #expect(abs(run.number("reference_zone.dice") - 2 * Double(both) / Double(zoneCount + movedCount)) <= 1e-4)
    #expect(abs(run.number("reference_zone.hausdorff_mm") - 2) <= 1e-4, "\(run.number("reference_zone.hausdorff_mm"))")
    let meanDistance = run.number("reference_zone.mean_surface_distance_mm")
    #expect(meanDistance > 0 && meanDistance <= 2 + 1e-4)
}

/// A cooled tip at constant power in tissue without perfusion inside adiabatic walls: what the
/// generator delivered and the coolant took must be the tissue's gain of heat, summed voxel by voxel
/// from zone.vti's final temperature; energy = power x time; the generator's voltage sqrt(P R).
/// A twin run with a 10 V limit is held down for its whole treatment, at exactly 10 V.
@Test func cooledTipSummaryBalancesEnergyAndFollowsTheGenerator() throws {
    let scratch = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let preset = """
    {"ablsim": 1, "name": "summary-rf", "grid": {"size_mm": [30, 30, 40], "spacing_mm": 1},
     "boundary": {"type": "adiabatic"}, "materials": {"liver": {"perfusion_per_s": 0}},
     "regions": [{"name": "tumor", "material": "liver", "target": true,
                  "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 3}}],
     "applicators": [{"type": "rfa", "electrode": "cooled_tip", "active_length_mm": 10, "diameter_mm": 1.5,
                      "coolant_temperature_c": 15, "pump_off_s": 0, "tip_mm": [0, 0, -5], "entry_mm": [0, 0, 40],
                      "control": {"mode": "constant_power", "power_w": 8, "max_voltage_v": VLIMIT}, "duration_s": 60}],
     "time": {"cooldown_s": 0}, "margin_mm": 1}
    """
    let run = try FinishedRun(preset: preset.replacingOccurrences(of: "VLIMIT", with: "1000"), in: scratch, name: "rf")
    let keys = summaryKeyPaths(run.summary)
    #expect(keys.subtracting(documentedSummaryKeys).isEmpty, "undocumented keys: \(keys.subtracting(documentedSummaryKeys).sorted())")
    let rfKeys: Set<String> = ["applicators[].final_impedance_ohm", "applicators[].potential_solves", "applicators[].cg_iterations",
                               "applicators[].coolant_energy_j", "applicators[].peak_voltage_v", "applicators[].power_limited_s"]
    #expect(rfKeys.isSubset(of: keys), "missing: \(rfKeys.subtracting(keys).sorted())")
    let a = run.applicator
    #expect(a["type"] as? String == "rfa")
    let delivered = a["delivered_energy_j"] as! Double
    #expect(abs(delivered - 8 * 60) <= 480 * 1e-9, "8 W for 60 s, got \(delivered) J")
    #expect(a["power_limited_s"] as? Double == 0, "1000 V is never reached at 8 W")
    #expect(run.number("max_temperature_c") < 99, "the balance below assumes no vaporisation")

    // Heat balance: delivered - coolant = sum of rho c (T_final - 37) V over the grid.
    let final = try vtiFloats(Data(contentsOf: run.directory.appendingPathComponent("zone.vti")), "temperature_final")
    #expect(final.count == 30 * 30 * 40)
    let rhoC = 1079.0 * 3540, voxelM3 = 1e-9
    let gained = final.reduce(0.0) { $0 + rhoC * (Double($1) - 37) * voxelM3 }
    let coolant = a["coolant_energy_j"] as! Double
    // The needle's own voxels sit at 15 °C: whether their 22 K drop is booked to the coolant or not
    // moves the balance by at most their heat content.
    let needleVoxels = final.filter { abs($0 - 15) < 1e-3 }.count
    let needleHeat = rhoC * 22 * voxelM3 * Double(needleVoxels)
    #expect(coolant > 0)
    #expect(abs(delivered - coolant - gained) <= needleHeat + 1e-3 * delivered,
            "delivered \(delivered) J - coolant \(coolant) J = \(delivered - coolant) J, tissue gained \(gained) J (needle term \(needleHeat) J)")

    // The generator: V = sqrt(P R) at every sample, and its peak at a solve is at least the sampled ones.
    let series = try run.timeSeries()
    let rows = series["time_s"]!.count
    var sampledPeak = 0.0
    for r in 0..<rows {
        guard let p = series["power_w_0"]![r], let z = series["impedance_ohm"]![r], let v = series["voltage_v"]![r], p > 0 else { continue }
        #expect(abs(v - (p * z).squareRoot()) <= 1e-4 * v, "row \(r): \(v) V vs sqrt(\(p) W x \(z) ohm)")
        #expect(abs(p - 8) <= 1e-5 * 8)
        sampledPeak = max(sampledPeak, v)
    }
    #expect((a["peak_voltage_v"] as! Double) >= sampledPeak * (1 - 1e-5), "\(a["peak_voltage_v"]!) vs sampled \(sampledPeak)")
    #expect(sameToSixDigits(a["final_impedance_ohm"] as! Double, series["impedance_ohm"]!.compactMap { $0 }.last!))
    // A solve at the first step at least update_interval_s (3 s) after the last: never more than one
    // step (time_step_s) later, so at least 60 / (3 + dt) of them.
    let solves = a["potential_solves"] as! Int
    #expect(Double(solves) >= (60 / (3 + run.number("time_step_s"))).rounded(.up), "\(solves) solves, dt \(run.number("time_step_s")) s")
    #expect((a["cg_iterations"] as! Int) >= solves)

    // At 10 V the generator can give 100 / R W: held down all 60 s, peak exactly the limit.
    let limited = try FinishedRun(preset: preset.replacingOccurrences(of: "VLIMIT", with: "10"), in: scratch, name: "limited")
    let b = limited.applicator
    #expect(sameToSixDigits(b["power_limited_s"] as! Double, 60), "\(b["power_limited_s"]!)")
    #expect(sameToSixDigits(b["peak_voltage_v"] as! Double, 10), "\(b["peak_voltage_v"]!)")
    #expect((b["delivered_energy_j"] as! Double) < 480)
}

/// A 2.45 GHz Emprint antenna at 30 W for 20 s: energy = forward power x time, absorbed power =
/// the profile's efficiency (0.34, docs/validation.md) x 30 W; the share beyond the grid within the ray
/// integral's bracket for tissue between 37 °C and the run's peak; a twin run with the antenna one voxel inside the +x face loses about half.
@Test func microwaveSummaryFollowsForwardPowerAndEfficiency() throws {
    let scratch = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let preset = """
    {"ablsim": 1, "name": "summary-mwa", "grid": {"size_mm": [60, 60, 70], "spacing_mm": 2},
     "regions": [{"name": "tumor", "material": "tumor", "target": true,
                  "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 4}}],
     "applicators": [{"type": "mwa", "device": "emprint", "frequency_mhz": 2450, "tip_mm": [X, 0, -10], "entry_mm": [X, 0, 60],
                      "schedule": [{"duration_s": 20, "power_w": 30}]}],
     "time": {"cooldown_s": 0}, "margin_mm": 1}
    """
    let run = try FinishedRun(preset: preset.replacingOccurrences(of: "X", with: "0"), in: scratch, name: "mwa")
    let keys = summaryKeyPaths(run.summary)
    #expect(keys.subtracting(documentedSummaryKeys).isEmpty, "undocumented keys: \(keys.subtracting(documentedSummaryKeys).sorted())")
    let mwaKeys: Set<String> = ["applicators[].absorbed_power_w", "applicators[].outside_grid_fraction", "applicators[].near_field_wavelength_ratio"]
    #expect(mwaKeys.isSubset(of: keys), "missing: \(mwaKeys.subtracting(keys).sorted())")
    #expect(!keys.contains("ablation.contracted_estimate"), "a calibrated antenna's zone is already the measured, shrunk one")
    let a = run.applicator
    #expect(a["type"] as? String == "mwa")
    #expect(abs((a["delivered_energy_j"] as! Double) - 600) <= 600 * 1e-9)
    #expect(sameToSixDigits(a["absorbed_power_w"] as! Double, 0.34 * 30), "\(a["absorbed_power_w"]!)")
    // The share the rays carry beyond the 30 mm half-width (MicrowaveRayShare), bracketed for tissue
    // heated anywhere between 37 °C and the run's peak (alpha falls with temperature): at least
    // exp(-2 tau(R)) with alpha(37) all the way (C <= 1), at most exp(-2 (tau(R) - tau(r0))) with
    // alpha at the peak beyond the antenna radius r0 (exp(-2 tau(r0)) <= C). Each ray's face lies
    // within half a radial step (1 mm) of where it is; the trapezoid adds (alpha dr)^2; summary.json
    // keeps four digits.
    let outside = a["outside_grid_fraction"] as! Double
    let peak = max(run.number("max_temperature_c"), try run.timeSeries()["max_temperature_c"]!.compactMap { $0 }.max()!)
    let dr = 1e-3, r0 = try DeviceProfile.profile(.emprint, frequencyMHz: 2450).antennaRadiusMM * 1e-3
    let alpha37 = MicrowaveRayShare.attenuation2450(37), alphaPeak = MicrowaveRayShare.attenuation2450(peak + 1e-4)
    let quadrature = pow(alpha37 * dr, 2), digits = 5e-4
    let least = MicrowaveRayShare.meanExitFactor(halfWidthM: 0.030, attenuation: alpha37, shiftM: dr / 2) * (1 - quadrature) * (1 - digits)
    let most = MicrowaveRayShare.meanExitFactor(halfWidthM: 0.030, attenuation: alphaPeak, shiftM: -r0 - dr / 2) * (1 + quadrature) * (1 + digits)
    print(String(format: "microwave outside share %.4g within %.4g...%.4g (peak %.1f °C)", outside, least, most, peak))
    #expect(outside >= least && outside <= most, "\(outside) vs \(least)...\(most)")
    // Heated tissue holds less water: the wavelength next to the antenna grows, never shrinks.
    let ratio = a["near_field_wavelength_ratio"] as! Double
    #expect(ratio >= 1 && ratio < 2, "\(ratio)")
    #expect(run["ablation.axis"] as? [Double] == [0, 0, -1], "the first needle's direction, entry to tip")

    // The antenna's axis 1 mm inside the +x face: a little less than half its pattern lies beyond it.
    let edge = try FinishedRun(preset: preset.replacingOccurrences(of: "X", with: "29"), in: scratch, name: "edge")
    let f = edge.applicator["outside_grid_fraction"] as! Double
    #expect(f > 0.25 && f < 0.5, "\(f)")
    #expect((edge["warnings"] as? [String])?.contains { $0.contains("% of the absorbed microwave power outside") } == true, "\(edge["warnings"] ?? "")")
}
