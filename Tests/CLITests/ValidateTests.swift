import Foundation
import Testing

/// zones.csv in `dir`: one AMICA chart row (3 min at 20 W), then `rows`.
private func writeZones(_ rows: [String], in dir: URL) throws {
    let lines = ["id,modality,device,frequency_mhz,power_w,time_min,tissue,short_axis_mm,long_axis_mm,volume_ml,n,source",
                 #"CHART-AMI-20W-3min,MWA,"HS AMICA, probe",2450,20,3,chart,16,24,3.22,,"a, b""#] + rows
    try lines.joined(separator: "\n").write(to: dir.appendingPathComponent("zones.csv"), atomically: true, encoding: .utf8)
}

/// `ablsim validate` maps chart rows to presets, simulates them and reports errors against the
/// published sizes; rows it cannot map are listed, and a missing table exits 66.
@Test func validateReportsPredictedAgainstPublished() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeZones(["LIT-X,RFA,some electrode,,,12,ex vivo,30,40,,5,paper"], in: dir)
    let r = try CLI.run(["validate", "--data", "zones.csv", "--spacing", "2"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let row = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("| CHART-AMI-20W-3min") })
    // Published values appear in parentheses next to the predictions, with signed errors.
    #expect(row.contains("(16)") && row.contains("(24)") && row.contains("(3.2)") && row.contains("%"))
    #expect(r.stdout.contains("not simulated") && r.stdout.contains("LIT-X"))
    // The calibration target is counted for chart rows (15 %); no measured row was simulated.
    #expect(r.stdout.contains("manufacturer chart rows with every published axis within 15 %: "))
    #expect(!r.stdout.contains("measured rows with"))
    let missing = try CLI.run(["validate", "--data", "nope.csv"], in: dir)
    #expect(missing.status == 66)
}

/// `validate --set` re-runs every row with an override (here a stricter necrosis threshold, which
/// must shrink the zone); a bad override exits 65 naming its path before anything is simulated.
@Test func validateAppliesOverridesToEveryRow() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeZones([], in: dir)
    func volume(_ extra: [String]) throws -> Double {
        let r = try CLI.run(["validate", "--data", "zones.csv", "--spacing", "2"] + extra, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let row = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("| CHART-AMI-20W-3min") })
        // Columns: row, device, tissue, power, time, short, long, volume "v (published)".
        let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        return try #require(Double(cells[7].split(separator: " ")[0]))
    }
    let plain = try volume([])
    let strict = try volume(["--set", "damage.threshold=4.6"])
    #expect(strict < plain, "Omega >= 4.6 is a subset of Omega >= 1: \(strict) vs \(plain) mL")
    let bad = try CLI.run(["validate", "--data", "zones.csv", "--set", "damage.threshold=-1"], in: dir)
    #expect(bad.status == 65)
    #expect(bad.stderr.contains("damage.threshold") && !bad.stderr.contains("simulating"))
}

/// The validation table travels inside the binary: `ablsim validate` copied alone into an empty
/// folder simulates a chart row from it (the Emprint 100 W, 5 min row: 31 x 35 mm published).
@Test func validateRunsFromTheBundledTableInAnEmptyFolder() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let copy = dir.appendingPathComponent("ablsim")
    try FileManager.default.copyItem(at: CLI.executable, to: copy)
    let p = Process()
    p.executableURL = copy
    p.arguments = ["validate", "--rows", "CHART-EMP-100W-5min", "--spacing", "2"]
    p.currentDirectoryURL = dir
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(stdout.contains("| CHART-EMP-100W-5min"), "\(stdout)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["ablsim"], "validate wrote into the folder")
}

/// `validate --json` gives the same report as one document: each row with its role and the fits that
/// used it (validation/roles.csv, fits.json), signed errors against the published sizes, the rows not
/// simulated, and the counts CI compares (scripts/validation/check_ci.py).
@Test func validateJSONCarriesRolesErrorsAndCounts() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeZones(["LIT-X,RFA,some electrode,,,12,ex vivo,30,40,,5,paper"], in: dir)
    let r = try CLI.run(["validate", "--data", "zones.csv", "--spacing", "2", "--json"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let root = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let rows = try #require(root["rows"] as? [[String: Any]])
    #expect(rows.count == 1 && rows[0]["id"] as? String == "CHART-AMI-20W-3min")
    #expect(rows[0]["role"] as? String == "fitted" && rows[0]["fits"] as? [String] == ["mwa-amica-profile"])
    let predicted = try #require(rows[0]["predicted"] as? [String: Double]), error = try #require(rows[0]["error"] as? [String: Double])
    // Published 16 x 24 mm: the errors are the predicted sizes' relative departures from them.
    #expect(abs(try #require(error["short_axis"]) - (try #require(predicted["short_axis_mm"]) / 16 - 1)) < 1e-12)
    #expect(abs(try #require(error["long_axis"]) - (try #require(predicted["long_axis_mm"]) / 24 - 1)) < 1e-12)
    #expect(rows[0]["target"] as? Double == 0.15)
    let skipped = try #require(root["not_simulated"] as? [[String: String]])
    #expect(skipped.map { $0["id"] } == ["LIT-X"])
    let counts = try #require(root["counts"] as? [String: [String: Any]])
    #expect(counts["chart"]?["rows"] as? Int == 1 && counts["fitted"]?["rows"] as? Int == 1 && counts["held_out"]?["rows"] as? Int == 0)
    let text = try CLI.run(["validate", "--data", "zones.csv", "--spacing", "2"], in: dir)
    #expect(text.stdout.contains("fitted rows (used by a fit) with every published axis within their target: "))
    #expect(text.stdout.contains("| fitted |"))
}

/// `validate` says what it cannot judge. Rows of applicators ablsim has no model of (bipolar, wet,
/// switched or dual, gas-cooled: one of each) are listed as not modelled, apart from the rows that
/// lack data, and neither kind enters the table or the targets. A row publishing only a volume is
/// judged on its volume against the axis band's volume (here one far inside and one far outside:
/// 30 mL against the 3.2 mL the same AMICA setting makes as a chart row). A cooled needle whose
/// exposure the row does not state is simulated with 3 cm, and the report says so.
@Test func validateSaysWhatItCannotJudge() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try writeZones([
        "LIT-BIP,RFA,bipolar internally cooled applicator,,,12,ex vivo bovine liver,27,46,,6,paper",
        #"LIT-WET,RFA,"internally cooled wet electrode, 2-cm exposed tip",,,12,ex vivo bovine liver,50.7,52.8,73.5,30,paper"#,
        #"LIT-SWITCH,RFA,"three cooled electrodes, switching monopolar",,,12,ex vivo bovine liver,,,92,10,paper"#,
        "LIT-DUAL,RFA,dual cooled electrodes,,,12,ex vivo bovine liver,40,,,10,paper",
        "LIT-CRYO,RFA,CO2 cryo-cooled applicator,,,15,ex vivo bovine liver,41,49,,6,paper",
        "LIT-PERF-MW,MWA,perfusion microwave antenna (saline),,80,5,in vivo porcine liver,31,45,,5,paper",
        "LIT-NOTIME,RFA,cooled electrode,,,,ex vivo bovine liver,30,,,5,paper",
        "LIT-VOL-IN,MWA,HS AMICA probe,2450,20,3,ex vivo bovine liver,,,3.22,5,paper",
        "LIT-VOL-OUT,MWA,HS AMICA probe,2450,20,3,ex vivo bovine liver,,,30,5,paper",
        "LIT-EXPO,RFA,Cool-tip needle (tip length not stated),,,1,ex vivo bovine liver,12,30,,5,paper",
    ], in: dir)
    let r = try CLI.run(["validate", "--data", "zones.csv", "--spacing", "2"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map(String.init)
    func section(_ title: String) -> [String] {
        guard let start = lines.firstIndex(of: title) else { return [] }
        return Array(lines[(start + 1)...].prefix { $0.hasPrefix("- ") })
    }
    let unmodelled = ["LIT-BIP", "LIT-WET", "LIT-SWITCH", "LIT-DUAL", "LIT-CRYO", "LIT-PERF-MW"]
    #expect(section("not modelled:").map { String($0.dropFirst(2).prefix { $0 != ":" }) } == unmodelled, "\(r.stdout)")
    #expect(section("not simulated:").map { String($0.dropFirst(2).prefix { $0 != ":" }) } == ["LIT-NOTIME"], "\(r.stdout)")
    #expect(lines.contains { $0.hasPrefix("not modelled") && $0.contains(": 6 rows; not simulated") && $0.hasSuffix(": 1 rows") }, "\(r.stdout)")
    for id in unmodelled + ["LIT-NOTIME"] {
        #expect(!lines.contains { $0.hasPrefix("| \(id) ") }, "\(id) is in the table")
        #expect(!lines.contains { $0.contains("rows with") && $0.contains(id) }, "\(id) is in a target")
    }
    // Volume-only rows: in the table with their volume error, counted on volume.
    let inside = try #require(lines.first { $0.hasPrefix("| LIT-VOL-IN ") })
    #expect(inside.contains("(3.2)"))
    let measured = try #require(lines.first { $0.hasPrefix("measured rows with") }, "\(r.stdout)")
    #expect(measured.contains("(2 on volume only, within x0.42-1.95 of the published volume)"), "\(measured)")
    #expect(measured.contains("outside: LIT-VOL-OUT") && !measured.contains("LIT-VOL-IN"), "\(measured)")
    #expect(lines.contains { $0.hasPrefix("mean |volume error|") && $0.hasSuffix("over 2 rows") }, "\(r.stdout)")
    // The cooled needle's exposure: not stated, so 3 cm, and the report says so.
    #expect(lines.contains { $0.hasPrefix("| LIT-EXPO | cool_tip cooled_tip 30 mm |") }, "\(r.stdout)")
    #expect(section("assumed where the row does not say:").contains("- LIT-EXPO: exposure not stated, 3 cm assumed"), "\(r.stdout)")
}
