import AblationPreset
@testable import AblationSimulation
@testable import AblationValidation
import Foundation
import Testing

/// The calibration notes every run prints quote the held-out errors CI re-measures: each held-out row
/// of validation/expected-ci.json (measured at 1 mm, checked by scripts/validation/ci.sh) appears in the
/// note of the device family or profile it was simulated with, with its errors as CI recorded them. A
/// model change that moves a held-out row makes CI record new errors, and this test then names the note
/// still quoting the old ones. (Consistency, not accuracy: the errors themselves are CI's.)
@Test func calibrationNotesQuoteTheHeldOutErrorsCIMeasures() throws {
    let data = try Data(contentsOf: summaryTestsRepositoryRoot.appendingPathComponent("validation/expected-ci.json"))
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let heldOut = try #require(root["held_out"] as? [String: [String: Any]])
    let rows = try ValidationData.load(path: nil)
    func percent(_ x: Double) -> String { String(format: "%+d", Int((x * 100).rounded())) }
    var checked = 0
    for (id, entry) in heldOut.sorted(by: { $0.key < $1.key }) {
        let row = try #require(rows.first { $0.id == id }, "\(id) is not in the bundled table")
        guard case let .success(mapping) = row.mapping else { Issue.record("\(id) is held out but not simulated"); continue }
        let note: String
        switch mapping.applicator {
        case let .radiofrequency(device, _, _, _):
            let family = try #require(RadiofrequencyDevice(rawValue: device))
            note = try #require(RadiofrequencyCalibrationNote.warning(device: family, applicator: 0), "\(id): \(device) has no note")
        case let .microwave(device, frequency, _):
            note = MicrowaveCalibrationNote.warning(device: device, frequencyMHz: frequency, applicator: 0)
        }
        let measured = try #require(entry["measured"] as? [String: Double])
        let quoted: [String]
        if let short = measured["short_axis"], let long = measured["long_axis"] {
            quoted = ["\(percent(short)) / \(percent(long)) %"]
        } else if let short = measured["short_axis"] {
            quoted = ["\(percent(short)) %"]
        } else if let axis = measured["volume"] {
            // CI records a volume-only row's error as the equal-volume axis's; the notes quote the volume's,
            // alone or paired with a sibling row's ("-12 / +13 %").
            let volume = percent(pow(1 + axis, 3) - 1)
            quoted = ["\(volume) %", "\(volume) /"]
        } else {
            Issue.record("\(id): nothing measured"); continue
        }
        #expect(quoted.contains { note.contains($0) }, "\(id) (\(mapping.device)): CI measures \(quoted[0]), its note says: \(note)")
        checked += 1
    }
    #expect(checked == heldOut.count && checked >= 13, "\(checked) held-out rows checked")
}
