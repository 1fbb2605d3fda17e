@testable import AblationAnalysis
@testable import AblationJSON
@testable import AblationPreset
@testable import AblationRun
@testable import AblationSimulation
@testable import AblationValidation
import Foundation
import Testing

/// RF device families (`"device"` of an `rfa` applicator): what a named device fixes, what it
/// refuses, what its runs say about their calibration, and how validation rows reach the family.

private func rfPreset(_ applicator: String, spacing: Double = 2) -> String {
    """
    {"ablsim": 1, "name": "t", "grid": {"center_mm": [0, 0, 0], "size_mm": [100, 100, 100], "spacing_mm": \(spacing)},
     "applicators": [\(applicator)], "output": {"formats": []}}
    """
}

private func rfSpec(_ applicator: String) throws -> Preset.RadiofrequencySpec {
    guard case let .radiofrequency(rf) = try decode(rfPreset(applicator)).applicators[0] else { throw CocoaError(.featureUnsupported) }
    return rf
}

private let path = "\"tip_mm\": [0, 0, 5], \"entry_mm\": [0, 0, 60]"

/// A named device brings the product's geometry and its generator's protocol
/// (RadiofrequencyDeviceProfile; sources in docs/devices.md#rf-device-families).
@Test func namedRadiofrequencyDevicesFixGeometryAndProtocol() throws {
    let leveen = try rfSpec("{\"type\": \"rfa\", \"device\": \"leveen\", \"deployed_diameter_mm\": 40, \(path)}")
    #expect(leveen.electrode == .multiTine(.init(tines: 12, deployedDiameterMM: 40, tineDiameterMM: 0.4, shape: .umbrella)))
    #expect(leveen.diameterMM == 2.1 && leveen.durationS == 720 && leveen.rollOffRiseOhm == 30)
    #expect(leveen.control == .impedance(maxPowerW: 90, ramp: .leveen(startPowerW: 40)))

    let single = try rfSpec("{\"type\": \"rfa\", \"device\": \"cool_tip\", \(path)}")
    #expect(single.electrode == .cooledTip && single.activeLengthMM == 30 && single.diameterMM == 1.5)
    #expect(single.control == .impedance(maxPowerW: 200, ramp: .generic) && single.durationS == 720)
    #expect(single.rollOffRiseOhm == 15, "the Cool-tip family's fitted roll-off threshold")

    let cluster = try rfSpec("{\"type\": \"rfa\", \"device\": \"cool_tip\", \"electrode\": \"cluster\", \(path)}")
    #expect(cluster.electrode == .cluster(spacingMM: 5) && cluster.activeLengthMM == 25)

    let star = try rfSpec("{\"type\": \"rfa\", \"device\": \"starburst\", \"deployed_diameter_mm\": 50, \(path)}")
    // The StarBurst protocol deploys in 1 cm steps from 2 cm, each held at 105 °C (Go-Smart's protocols).
    let steps: [(Double, Double)] = [(20, 30), (30, 30), (40, 420), (50, 420)]
    #expect(star.electrode == .multiTine(.init(tines: 9, deployedDiameterMM: 50, tineDiameterMM: 0.4, shape: .star,
                                               deployment: steps.map { .init(deployedDiameterMM: $0.0, holdS: $0.1) })))
    #expect(star.control == .temperature(targetC: 105, maxPowerW: 250) && star.durationS == 1200)
    let star3 = try rfSpec("{\"type\": \"rfa\", \"device\": \"starburst\", \"deployed_diameter_mm\": 30, \(path)}")
    #expect(star3.electrode == .multiTine(.init(tines: 9, deployedDiameterMM: 30, tineDiameterMM: 0.4, shape: .star,
                                                deployment: [.init(deployedDiameterMM: 20, holdS: 30), .init(deployedDiameterMM: 30, holdS: 600)])))
    // A preset may deploy the whole array at once instead.
    let atOnce = try rfSpec("{\"type\": \"rfa\", \"device\": \"starburst\", \"deployed_diameter_mm\": 40, \"deployment\": [], \(path)}")
    #expect(atOnce.electrode == .multiTine(.init(tines: 9, deployedDiameterMM: 40, tineDiameterMM: 0.4, shape: .star)))

    // A preset may lower the power and shorten the time of a device's protocol.
    let shorter = try rfSpec("{\"type\": \"rfa\", \"device\": \"cool_tip\", \"active_length_mm\": 20, \"duration_s\": 360, \"control\": {\"mode\": \"impedance\", \"max_power_w\": 150}, \(path)}")
    #expect(shorter.activeLengthMM == 20 && shorter.durationS == 360 && shorter.control == .impedance(maxPowerW: 150, ramp: .generic))
}

/// What a device does not have is refused with the JSON path and exit 65.
@Test(arguments: [
    ("{\"type\": \"rfa\", \"device\": \"leveen\", \"deployed_diameter_mm\": 45, \(path)}", "applicators.0.deployed_diameter_mm", "20, 30, 35, 40, 50 mm"),
    ("{\"type\": \"rfa\", \"device\": \"leveen\", \(path)}", "applicators.0.deployed_diameter_mm", "20, 30, 35, 40, 50 mm for LeVeen"),
    ("{\"type\": \"rfa\", \"device\": \"leveen\", \"deployed_diameter_mm\": 40, \"tines\": 8, \(path)}", "applicators.0.tines", "has 12"),
    ("{\"type\": \"rfa\", \"device\": \"leveen\", \"deployed_diameter_mm\": 40, \"tine_shape\": \"star\", \(path)}", "applicators.0.tine_shape", "\"umbrella\""),
    ("{\"type\": \"rfa\", \"device\": \"leveen\", \"electrode\": \"cooled_tip\", \(path)}", "applicators.0.electrode", "\"multi_tine\""),
    ("{\"type\": \"rfa\", \"device\": \"leveen\", \"deployed_diameter_mm\": 40, \"control\": {\"mode\": \"impedance\", \"max_power_w\": 90, \"ramp\": \"generic\"}, \(path)}",
     "applicators.0.control.ramp", "\"leveen\""),
    ("{\"type\": \"rfa\", \"device\": \"cool_tip\", \"electrode\": \"multi_tine\", \(path)}", "applicators.0.electrode", "\"cooled_tip\" or \"cluster\""),
    ("{\"type\": \"rfa\", \"device\": \"cool_tip\", \"active_length_mm\": 25, \(path)}", "applicators.0.active_length_mm", "20, 30 mm"),
    ("{\"type\": \"rfa\", \"device\": \"cool_tip\", \"electrode\": \"cluster\", \"spacing_mm\": 7, \(path)}", "applicators.0.spacing_mm", "has 5 mm"),
    ("{\"type\": \"rfa\", \"device\": \"cool_tip\", \"diameter_mm\": 2, \(path)}", "applicators.0.diameter_mm", "has 1.5 mm"),
    ("{\"type\": \"rfa\", \"device\": \"cool_tip\", \"control\": {\"mode\": \"impedance\", \"max_power_w\": 250}, \(path)}",
     "applicators.0.control.max_power_w", "200 W (the Cool-tip generator's rating)"),
    ("{\"type\": \"rfa\", \"device\": \"cool_tip\", \"control\": {\"mode\": \"constant_power\", \"power_w\": 50}, \(path)}",
     "applicators.0.control.mode", "\"impedance\""),
    ("{\"type\": \"rfa\", \"device\": \"cool_tip\", \"control\": {\"mode\": \"impedance\", \"max_power_w\": 200, \"roll_off_ohm\": 30}, \(path)}",
     "applicators.0.control.roll_off_ohm", "has 15 ohm"),
    ("{\"type\": \"rfa\", \"device\": \"starburst\", \"deployed_diameter_mm\": 20, \(path)}", "applicators.0.deployed_diameter_mm", "30, 40, 50 mm"),
    ("{\"type\": \"rfa\", \"device\": \"starburst\", \"deployed_diameter_mm\": 50, \"control\": {\"mode\": \"temperature\", \"target_c\": 105, \"max_power_w\": 300}, \(path)}",
     "applicators.0.control.max_power_w", "250 W"),
    ("{\"type\": \"rfa\", \"device\": \"medtronic\", \(path)}", "applicators.0.device", "cool_tip"),
    // generic keeps its contract: control and duration are the preset's to give.
    ("{\"type\": \"rfa\", \(path), \"duration_s\": 60}", "applicators.0.control", "missing"),
    ("{\"type\": \"rfa\", \(path), \"control\": {\"mode\": \"impedance\", \"max_power_w\": 50}}", "applicators.0.duration_s", "missing"),
])
func namedRadiofrequencyDevicesRefuseWhatTheyDoNotHave(_ applicator: String, _ errorPath: String, _ expected: String) {
    expectError(rfPreset(applicator), path: errorPath, contains: expected)
}

/// The resolved preset of a named device (summary.json) restates every fixed key with the device's
/// value, and decodes back to the same preset.
@Test func namedDeviceResolvedPresetDecodesToTheSamePreset() throws {
    for applicator in ["{\"type\": \"rfa\", \"device\": \"leveen\", \"deployed_diameter_mm\": 30, \(path)}",
                       "{\"type\": \"rfa\", \"device\": \"cool_tip\", \"electrode\": \"cluster\", \(path)}",
                       "{\"type\": \"rfa\", \"device\": \"starburst\", \"deployed_diameter_mm\": 40, \(path)}",
                       "{\"type\": \"rfa\", \"device\": \"starburst\", \"deployed_diameter_mm\": 40, \"deployment\": [], \(path)}"] {
        let p = try decode(rfPreset(applicator))
        let again = try decode(JSONWriter.string(p.resolvedJSON()))
        guard case let .radiofrequency(a) = again.applicators[0], case let .radiofrequency(b) = p.applicators[0] else { continue }
        #expect(a == b, "\(applicator)")
    }
    // A generic electrode with the default roll-off resolves without the new key (summary.json unchanged).
    let generic = try decode(rfPreset("{\"type\": \"rfa\", \(path), \"duration_s\": 60, \"control\": {\"mode\": \"impedance\", \"max_power_w\": 50}}"))
    #expect(!JSONWriter.string(generic.resolvedJSON()).contains("roll_off_ohm"))
}

/// A run with a named device says in its warnings which published rows its family was checked
/// against and how close; the general "not calibrated per device" note stays for generic electrodes.
@Test func radiofrequencyDeviceRunsSayWhatTheyWereCheckedAgainst() throws {
    let coolTip = try #require(RadiofrequencyCalibrationNote.warning(device: .coolTip, applicator: 0))
    #expect(coolTip.hasPrefix("applicators.0 (rfa cool_tip)") && coolTip.contains("Goldberg 1998") && coolTip.contains("held out"))
    #expect(RadiofrequencyCalibrationNote.warning(device: .leveen, applicator: 1)?.contains("Lubienski") == true)
    #expect(RadiofrequencyCalibrationNote.warning(device: .leveen, applicator: 1)?.contains("3 and 5 cm arrays") == true)
    #expect(RadiofrequencyCalibrationNote.warning(device: .starburst, applicator: 0)?.contains("+74 / +129 %") == true)
    #expect(RadiofrequencyCalibrationNote.warning(device: .starburst, applicator: 0)?.contains("uncalibrated") == true)
    // Denys's in vivo rows (held out, docs/validation.md#multi-tine-arrays-in-living-pig-liver), one per family.
    #expect(coolTip.contains("Denys 2003") && coolTip.contains("-5 / +6 %"))
    #expect(RadiofrequencyCalibrationNote.warning(device: .leveen, applicator: 1)?.contains("+27 / -35 %") == true)
    #expect(RadiofrequencyCalibrationNote.warning(device: .starburst, applicator: 0)?.contains("+48 / -2 %") == true)
    #expect(RadiofrequencyCalibrationNote.warning(device: .generic, applicator: 0) == nil)

    // Through a (short, coarse) run: the note replaces the generic warning for a named device only.
    for (device, named) in [("cool_tip", true), ("generic", false)] {
        let applicator = "{\"type\": \"rfa\", \"device\": \"\(device)\", \(path), \"duration_s\": 20, \"control\": {\"mode\": \"impedance\", \"max_power_w\": 50}}"
        let p = try decode(rfPreset(applicator, spacing: 4))
        let scene = try Scene(preset: p)
        let result = try Simulation(preset: p, scene: scene, threads: 1).run()
        let warnings = RadiofrequencyElectrodes.warnings(preset: p, scene: scene, result: result)
        #expect(warnings.contains { $0.hasPrefix("applicators.0 (rfa cool_tip)") } == named, "\(warnings)")
        #expect(warnings.contains { $0.contains("not calibrated per device") } == !named, "\(warnings)")
    }
}

/// `ablsim validate` maps RF rows to the device family they name, and marks each row fitted or held out.
@Test func validationRowsReachTheirRadiofrequencyDeviceFamily() throws {
    func mapped(_ device: String, _ tissue: String = "ex vivo bovine liver", id: String = "T") -> ValidationMapping? {
        let row = ValidationRow(id: id, modality: "RFA", device: device, frequencyMHz: nil, powerW: nil, timeMin: 12,
                                tissue: tissue, shortAxisMM: 30, longAxisMM: nil, volumeML: nil)
        if case let .success(m) = row.mapping { return m } else { return nil }
    }
    #expect(mapped("Radionics cool-tip cluster")?.applicator == .radiofrequency(device: "cool_tip", electrode: "cluster", sizeMM: 25, maxPowerW: 200))
    #expect(mapped("17-G internally cooled electrode")?.applicator == .radiofrequency(device: "cool_tip", electrode: "cooled_tip", sizeMM: 30, maxPowerW: 200))
    #expect(mapped("Boston Scientific LeVeen 4 cm array")?.applicator == .radiofrequency(device: "leveen", electrode: "multi_tine", sizeMM: 40, maxPowerW: 90))
    #expect(mapped("LeVeen 3.5-cm needle")?.applicator == .radiofrequency(device: "leveen", electrode: "multi_tine", sizeMM: 35, maxPowerW: 90))
    #expect(mapped("RITA StarBurst XL 5 cm")?.applicator == .radiofrequency(device: "starburst", electrode: "multi_tine", sizeMM: 50, maxPowerW: 250))
    #expect(mapped("LeVeen 4.5 cm") == nil, "no 4.5 cm LeVeen array is sold")
    #expect(mapped("LeVeen array") == nil, "the size decides the array")

    // The bundled table: every RF row it simulates is of a family, and fitted and held-out rows are both there.
    let rows = try ValidationData.load(path: nil).filter { $0.modality == "RFA" }
    let simulated = rows.compactMap { row -> (ValidationRow, ValidationMapping)? in
        if case let .success(m) = row.mapping { return (row, m) } else { return nil }
    }
    #expect(simulated.count == 18, "\(simulated.map(\.0.id))")
    #expect(Set(simulated.map { $0.1.device.split(separator: " ").first.map(String.init) ?? "" }) == ["cool_tip", "leveen", "starburst"])
    let heldOut = simulated.filter { ValidationRole.of($0.0) == .heldOut }.map(\.0.id).sorted()
    #expect(heldOut == ["LIT-CVIR09-IC-EX", "LIT-DENYS03-LEVEEN40", "LIT-DENYS03-RADIONICS-CL", "LIT-DENYS03-STARBURST-XL", "LIT-GOLD98-CL-EX45", "LIT-LUBIENSKI-LEVEEN4-PERF",
                        "LIT-LUBIENSKI-LEVEEN4-UNPERF", "LIT-PMC4463338-1500X-3CM", "LIT-PMC4463338-1500X-5CM",
                        "LIT-PMC4463338-RF3000-3CM", "LIT-PMC4463338-RF3000-5CM"])
    #expect(ValidationRole.of(rows.first { $0.id == "LIT-DODD12-RLA" }!) == .fitted)
}

/// The stasis-dose fit is reproduced on PME's single Cool-tip electrode in living porcine liver
/// (30.2 x 46.0 mm, 12 min). No RF parameter was fitted on it, but the living-tissue stasis dose was
/// chosen with it in the objective (validation/fits.json), so it checks that fit, not a prediction.
/// The fit left it at -13 / -5 % at 1.5 mm with the RF model of the time (-9.6 / -5.4 % now; -9 / -4 % at
/// 1 mm, docs/validation.md#rf-device-calibration). Tolerance: that reached error plus one 1.5 mm voxel of
/// the published short axis (5 %), 18 %: the fit still holds on this row.
@Test func stasisDoseFitIsReproducedOnTheInVivoCoolTipRow() throws {
    let row = try tableRow("LIT-PME12-COOLTIP12", role: .fitted, fit: "living-tissue-stasis-dose")
    guard case let .success(m) = row.mapping else { Issue.record("PME Cool-tip row not mapped"); return }
    #expect(m.device == "cool_tip cooled_tip 30 mm" && m.tissue == .inVivo)
    let r = try #require(try ValidationReport.simulate(row, spacingMM: 1.5, threads: 2))
    #expect(abs(r.shortAxisMM / 30.2 - 1) <= 0.18, "short axis \(r.shortAxisMM) mm, published 30.2 mm")
    #expect(abs(r.longAxisMM / 46.0 - 1) <= 0.18, "long axis \(r.longAxisMM) mm, published 46.0 mm")
}
