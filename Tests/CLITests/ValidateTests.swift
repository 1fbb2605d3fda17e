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
