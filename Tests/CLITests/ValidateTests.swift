import Foundation
import Testing

/// `ablsim validate` maps chart rows to presets, simulates them and reports errors against the
/// published sizes; rows it cannot map are listed, and a missing table exits 66.
@Test func validateReportsPredictedAgainstPublished() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = """
        id,modality,device,frequency_mhz,power_w,time_min,tissue,short_axis_mm,long_axis_mm,volume_ml,n,source
        CHART-AMI-20W-3min,MWA,"HS AMICA, probe",2450,20,3,chart,16,24,3.22,,"a, b"
        LIT-X,RFA,some electrode,,,12,ex vivo,30,40,,5,paper
        """
    try csv.write(to: dir.appendingPathComponent("zones.csv"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["validate", "--data", "zones.csv", "--spacing", "2"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let row = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("| CHART-AMI-20W-3min") })
    // Published values appear in parentheses next to the predictions, with signed errors.
    #expect(row.contains("(16)") && row.contains("(24)") && row.contains("(3.2)") && row.contains("%"))
    #expect(r.stdout.contains("not simulated") && r.stdout.contains("LIT-X"))
    let missing = try CLI.run(["validate", "--data", "nope.csv"], in: dir)
    #expect(missing.status == 66)
}
