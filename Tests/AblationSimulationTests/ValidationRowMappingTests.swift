@testable import AblationPreset
@testable import AblationValidation
import Foundation
import Testing

private func rfRow(_ device: String, id: String = "T", tissue: String = "ex vivo bovine liver", time: Double? = 12,
                   timeText: String = "12", short: Double? = 30, volume: Double? = nil, modality: String = "RFA") -> ValidationRow {
    ValidationRow(id: id, modality: modality, device: device, frequencyMHz: nil, powerW: modality == "MWA" ? 60 : nil, timeMin: time,
                  tissue: tissue, shortAxisMM: short, longAxisMM: nil, volumeML: volume, timeText: timeText)
}

/// The exposure a device column states, in the phrasings papers use; lengths that are a spacing, an
/// array's size or a gauge are not read as one.
@Test func statedExposureIsReadFromTheDeviceColumn() {
    #expect(StatedExposure.parse("17G cooled electrode with a 2.0-cm exposed tip") == .length(mm: 20))
    #expect(StatedExposure.parse("internally cooled electrode, 2 cm exposure") == .length(mm: 20))
    #expect(StatedExposure.parse("cooled needle, 3-cm tip") == .length(mm: 30))
    #expect(StatedExposure.parse("cooled electrode (25 mm active tip)") == .length(mm: 25))
    #expect(StatedExposure.parse("cooled electrode, exposure 25mm") == .length(mm: 25))
    #expect(StatedExposure.parse("3.0-cm monopolar internally cooled electrode, 480-kHz generator") == .length(mm: 30))
    #expect(StatedExposure.parse("Radionics cool-tip CLUSTER (3 internally cooled electrodes 0.5 cm apart, tips 1.5-3.0 cm)")
            == .range(lowMM: 15, highMM: 30))
    #expect(StatedExposure.parse("cooled electrodes with 2 cm and 3 cm exposed tips") == .range(lowMM: 20, highMM: 30))
    #expect(StatedExposure.parse("Boston Scientific LeVeen 4 cm array") == nil)
    #expect(StatedExposure.parse("three cluster electrodes 4 cm apart") == nil)
    #expect(StatedExposure.parse("Cool-tip needle (tip length not in abstract)") == nil)
    #expect(StatedExposure.parse("17-G internally cooled electrode") == nil)
}

/// A stated exposure is simulated: the Cool-tip's own (20, 30 mm; cluster 25 mm) on the cool_tip
/// device, another length as a generic cooled needle of that length driven as the Cool-tip is, a
/// length no rfa applicator takes is not modelled; none stated keeps 3 cm and says so.
@Test func statedExposureSetsTheSimulatedNeedle() throws {
    func mapped(_ device: String) -> ValidationMapping? {
        if case let .success(m) = rfRow(device).mapping { return m } else { return nil }
    }
    #expect(mapped("17G cooled electrode, 2.0-cm exposed tip")?.applicator
            == .radiofrequency(device: "cool_tip", electrode: "cooled_tip", sizeMM: 20, maxPowerW: 200))
    #expect(mapped("17G cooled electrode, 2.0-cm exposed tip")?.assumptions == [])
    let unstated = try #require(mapped("Cool-tip needle (tip length not in abstract)"))
    #expect(unstated.applicator == .radiofrequency(device: "cool_tip", electrode: "cooled_tip", sizeMM: 30, maxPowerW: 200))
    #expect(unstated.assumptions == ["exposure not stated, 3 cm assumed"])
    let cluster = try #require(mapped("Radionics cool-tip cluster (tips 1.5-3.0 cm)"))
    #expect(cluster.applicator == .radiofrequency(device: "cool_tip", electrode: "cluster", sizeMM: 25, maxPowerW: 200))
    #expect(cluster.assumptions.first?.contains("15-30 mm") == true)
    #expect(mapped("cool-tip cluster (tips 3.5-4.0 cm)") == nil, "a range without the product's exposure")

    let other = try #require(mapped("internally cooled electrode, 25 mm active tip"))
    #expect(other.applicator == .radiofrequency(device: "generic", electrode: "cooled_tip", sizeMM: 25, maxPowerW: 200))
    #expect(other.assumptions.count == 1 && other.assumptions[0].contains("generic cooled needle"))
    // Its preset is a valid one, with the Cool-tip's generator and roll-off written out.
    let json = try #require(rfRow("internally cooled electrode, 25 mm active tip").presetJSON(spacingMM: 2))
    let preset = try Preset.parse(bytes: Array(json.utf8), source: "T", overrides: []).0
    #expect(json.contains(#""roll_off_ohm": 15.0"#) && json.contains(#""active_length_mm": 25.0"#), "\(json)")
    #expect(preset.applicators.count == 1)
    let clusterJSON = try #require(rfRow("cool-tip cluster, 3-cm tips").presetJSON(spacingMM: 2))
    #expect(clusterJSON.contains(#""spacing_mm": 5.0"#) && clusterJSON.contains(#""device": "generic""#), "\(clusterJSON)")
    _ = try Preset.parse(bytes: Array(clusterJSON.utf8), source: "T", overrides: [])

    guard case let .failure(skip) = rfRow("cooled electrode, 8-cm exposed tip").mapping else {
        Issue.record("an 80 mm exposure was simulated"); return
    }
    #expect(skip.kind == .notModelled && skip.reason.contains("80 mm"))
}

/// Applicators ablsim has no model of are recognised from the device column, each kind, and listed
/// as not modelled (not as a data gap); devices that merely resemble them are not.
@Test func unmodelledApplicatorsAreRecognised() {
    let cases: [(String, UnmodelledApplicator)] = [
        ("15-G bipolar internally water-perfused applicator, 600 mA", .bipolar),
        ("multipolar RF system, three bipolar applicators", .bipolar),
        ("internally cooled wet (ICW) electrode, 2-cm exposed active tip", .wet),
        ("cooled-wet electrode", .wet),
        ("perfused-cooled electrode with 5% NaCl infusion", .wet),
        ("AngioDynamics/RITA UniBlate monopolar perfusion electrode", .wet),
        ("RITA UniBlate", .wet),
        ("expandable electrode with saline infusion", .wet),
        ("perfusion microwave electrode (research, saline 3 mL/min)", .wet),
        ("3 x Cool-tip cluster, rapid switching", .severalElectrodes),
        ("two cooled electrodes, switched monopolar", .severalElectrodes),
        ("Octopus electrode, dual-switching monopolar", .severalElectrodes),
        ("dual cooled electrodes 2 cm apart", .severalElectrodes),
        ("3 x Cool-tip cluster, sequential", .severalElectrodes),
        ("15-G monopolar CO2 cryo-cooled applicator, 1250 mA", .gasCooled),
    ]
    for (device, kind) in cases {
        #expect(UnmodelledApplicator.recognise(device: device) == kind, "\(device)")
        for modality in ["RFA", "MWA"] {
            guard case let .failure(skip) = rfRow(device, modality: modality).mapping else {
                Issue.record("\(device) (\(modality)) was simulated"); continue
            }
            #expect(skip.kind == .notModelled && skip.reason == kind.reason, "\(device): \(skip)")
        }
    }
    for device in ["Radionics cool-tip CLUSTER (3 internally cooled electrodes 0.5 cm apart, tips 1.5-3.0 cm)",
                   "3.0-cm monopolar internally cooled electrode", "internally perfused cooled electrode",
                   "expandable electrode (brand not in abstract), no infusion", "dual-slot MW antenna",
                   "Boston Scientific LeVeen 4 cm array, impedance-guided (RF 3000 protocol)", "HS AMICA probe"] {
        #expect(UnmodelledApplicator.recognise(device: device) == nil, "\(device)")
    }
}

/// A row that publishes only a volume is simulated (no longer skipped), and a time given as the
/// manufacturer's protocol is the family's; a row publishing no size is listed as not simulated.
@Test func volumeOnlyRowsAreSimulated() throws {
    let row = rfRow("Radionics cluster (cool-tip)", tissue: "in vivo porcine liver", time: nil, timeText: "per manufacturer protocol",
                    short: nil, volume: 29)
    guard case let .success(m) = row.mapping else { Issue.record("volume-only row not mapped: \(row.mapping)"); return }
    #expect(m.minutes == 12 && m.tissue == .inVivo)
    #expect(m.assumptions.contains { $0.contains("per manufacturer protocol") && $0.contains("12 min") }, "\(m.assumptions)")
    // A row with no size at all is listed, not simulated (this returns at once: nothing is run).
    let report = try ValidationReport.run([rfRow("Cool-tip cluster", id: "NOSIZE", short: nil, volume: nil)], spacingMM: 2, threads: 1)
    #expect(report.contains("- NOSIZE: no size published") && !report.contains("| NOSIZE "), "\(report)")
}

/// The volume target is the volume of the axis band: a zone scaled by exactly ±t about the
/// published one is at its edges, (1 ± t)³ (computed here from an ellipsoid's volume, πabc/6).
@Test func volumeTargetIsTheAxisBandsVolume() {
    func ellipsoidML(_ a: Double, _ b: Double, _ c: Double) -> Double { Double.pi * a * b * c / 6 / 1000 }
    let published = ellipsoidML(30, 30, 40)
    for t in [0.15, 0.25] {
        let target = VolumeTarget(axisLimit: t)
        let grown = ellipsoidML(30 * (1 + t), 30 * (1 + t), 40 * (1 + t)), shrunk = ellipsoidML(30 * (1 - t), 30 * (1 - t), 40 * (1 - t))
        #expect(target.contains(predicted: grown * 0.999, published: published) && !target.contains(predicted: grown * 1.001, published: published))
        #expect(target.contains(predicted: shrunk * 1.001, published: published) && !target.contains(predicted: shrunk * 0.999, published: published))
    }
    #expect(VolumeTarget(axisLimit: 0.25).description.contains("x0.42-1.95"))
}

/// The bundled table: its rows of devices ablsim does not model are listed as such, whatever else
/// they lack; the dry twin of the internally cooled wet electrode maps to the 2 cm Cool-tip tip its
/// paper states; Denys's in vivo cluster and arrays are simulated on the axes derived from their volume
/// and shape ratio, and the volume-only multi-tine rows as the StarBurst and LeVeen arrays of the sizes
/// their device column names.
@Test func bundledRowsOfUnmodelledDevicesAreListedAsNotModelled() throws {
    let rows = try ValidationData.load(path: nil)
    var notModelled: [String] = []
    for row in rows { if case let .failure(s) = row.mapping, s.kind == .notModelled { notModelled.append(row.id) } }
    #expect(notModelled.sorted() == [
        "LIT-CVIR09-ICW-EX", "LIT-CVIR09-ICW-IV", "LIT-DSM13-OCTOPUS-CM", "LIT-DSM13-OCTOPUS-DSM", "LIT-DSM13-OCTOPUS-SM",
        "LIT-LUO10-UNIBLATE-10", "LIT-LUO10-UNIBLATE-15", "LIT-LUO10-UNIBLATE-20", "LIT-LUO10-UNIBLATE-5", "LIT-PME12-80W5",
        "LIT-RAD05-3CL-SEQ", "LIT-RAD05-3CL-SIMUL", "LIT-RAD05-3CL-SWITCH", "LIT-REMPP14-BIP-WATER-600mA",
        "LIT-REMPP14-MONO-GAS-1250mA", "LIT-SB15-ICW-SWITCH-BIPOLAR", "LIT-SB15-ICW-SWITCH-MONO", "LIT-THIEME14-CRYO-IMP",
    ])
    // The rest: 42 simulated (24 MWA with Kuang's in vivo and clinical rows, 18 RF), 14 lacking data
    // (docs/validation.md#rf-rows).
    let simulated = rows.filter { if case .success = $0.mapping { return true } else { return false } }
    #expect(simulated.count == 42 && rows.count - simulated.count - notModelled.count == 14, "\(rows.count) rows, \(simulated.count) simulated")
    let dry = try #require(rows.first { $0.id == "LIT-CVIR09-IC-EX" })
    guard case let .success(m) = dry.mapping else { Issue.record("the IC row is not mapped"); return }
    #expect(m.applicator == .radiofrequency(device: "cool_tip", electrode: "cooled_tip", sizeMM: 20, maxPowerW: 200) && m.tissue == .exVivo)
    // Denys's in vivo rows publish a volume and Dt/Dv; the table carries the axes derived from both.
    let denys = try #require(rows.first { $0.id == "LIT-DENYS03-RADIONICS-CL" })
    #expect(denys.shortAxisMM == 36.5 && denys.longAxisMM == 41.5 && denys.volumeML == 29)
    guard case .success = denys.mapping else { Issue.record("the in vivo cluster row is not mapped"); return }
    // The arrays: Denys's in vivo ones (derived axes), and the four-system comparison's (volume only).
    let arrays: [(String, String, Double, TissueCondition, volumeOnly: Bool)] = [
        ("LIT-DENYS03-LEVEEN40", "leveen", 40, .inVivo, false), ("LIT-DENYS03-STARBURST-XL", "starburst", 50, .inVivo, false),
        ("LIT-PMC4463338-1500X-3CM", "starburst", 30, .exVivo, true), ("LIT-PMC4463338-1500X-5CM", "starburst", 50, .exVivo, true),
        ("LIT-PMC4463338-RF3000-3CM", "leveen", 30, .exVivo, true), ("LIT-PMC4463338-RF3000-5CM", "leveen", 50, .exVivo, true)]
    for (id, family, size, tissue, volumeOnly) in arrays {
        let row = try #require(rows.first { $0.id == id })
        guard case let .success(m) = row.mapping, case let .radiofrequency(device, electrode, sizeMM, _) = m.applicator else {
            Issue.record("\(id) is not mapped to an RF array"); continue
        }
        #expect(device == family && electrode == "multi_tine" && sizeMM == size && m.tissue == tissue, "\(id)")
        if volumeOnly {
            #expect(row.volumeML != nil && row.shortAxisMM == nil && m.minutes == row.timeMin, "\(id): a volume-only row at its published time")
        }
    }
}
