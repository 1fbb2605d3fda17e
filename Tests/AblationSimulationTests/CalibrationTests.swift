@testable import AblationAnalysis
@testable import AblationJSON
@testable import AblationPreset
@testable import AblationRandom
@testable import AblationRun
@testable import AblationSimulation
@testable import AblationTissue
@testable import AblationValidation
@testable import AblationVerification
import Foundation
import Testing

/// Guards the device calibration: a few manufacturer-chart rows (values from
/// validation/device-zones-training.csv), simulated through the same mapping as `ablsim validate` but
/// on 1.5 mm voxels to stay quick. The calibration targets 15 % at 1 mm
/// (docs/validation.md#running-ablsim-validate); the coarser grid moves the axes by up to about a
/// voxel, hence 20 % here.
@Test(arguments: [
    ("CHART-EMP-45W-5min", "Covidien MWA [Emprint inferred]", 45.0, 5.0, 27.0, 27.0),
    ("CHART-EMP-100W-10min", "Covidien MWA [Emprint inferred]", 100.0, 10.0, 36.0, 41.0),
    ("CHART-AMI-20W-10min", "HS Hospital Service AMICA probe", 20.0, 10.0, 27.0, 31.0),
    ("CHART-AMI-60W-5min", "HS Hospital Service AMICA probe", 60.0, 5.0, 34.0, 48.0),
])
func calibratedChartRowsStayWithinTolerance(_ id: String, _ device: String, _ power: Double, _ minutes: Double,
                                            _ short: Double, _ long: Double) throws {
    let row = ValidationRow(id: id, modality: "MWA", device: device, frequencyMHz: 2450, powerW: power, timeMin: minutes,
                            tissue: "manufacturer chart", shortAxisMM: short, longAxisMM: long, volumeML: nil)
    let r = try #require(try ValidationReport.simulate(row, spacingMM: 1.5, threads: 2))
    #expect(abs(r.shortAxisMM / short - 1) <= 0.20, "\(id): short axis \(r.shortAxisMM) mm, published \(short)")
    #expect(abs(r.longAxisMM / long - 1) <= 0.20, "\(id): long axis \(r.longAxisMM) mm, published \(long)")
}

/// The AMICA profile, calibrated on bench charts, predicts the clinical zone (Amabile 2017: 37 mm at
/// 60 W, 10 min) within the 25 % target of measured rows through perfusion alone.
@Test func benchCalibrationCarriesToLivingTissueThroughPerfusion() throws {
    let clinical = ValidationRow(id: "LIT-AMABILE17-CLIN-HCC", modality: "MWA", device: "HS AMICA (as above)",
                                 frequencyMHz: 2450, powerW: 60, timeMin: 10, tissue: "clinical, HCC",
                                 shortAxisMM: 37, longAxisMM: nil, volumeML: nil)
    guard case let .success(m) = clinical.mapping else { Issue.record("clinical AMICA row not mapped"); return }
    #expect(m.device == "amica" && m.tissue == .inVivo)
    let b = try #require(try ValidationReport.simulate(clinical, spacingMM: 1.5, threads: 2))
    #expect(abs(b.shortAxisMM / 37 - 1) <= 0.25, "in vivo short axis \(b.shortAxisMM) mm, published 37 mm")
}

/// Living liver shrinks a long, high-power zone as much as measured, through perfusion alone. Kuang
/// et al. 2007 (cited in validation/README.md, not in its table): one antenna at 80 W for 25 min
/// made 56 x 74 mm ex vivo and 35 x 59 mm in living porcine liver, a short-axis ratio of 0.63. Both
/// rows here map to the `generic` profile (calibrated ex vivo) and differ only in the tissue
/// condition. With capillaries stopping where cells die (the model before the living-tissue stasis
/// dose) the ratio was 0.95; the in vivo condition's stasis dose brings it to 0.73 at 1.5 mm (42.5
/// of 58.0 mm; docs/validation.md#mwa-rows).
@Test func livingTissueShrinksALongHighPowerZone() throws {
    func row(_ tissue: String) -> ValidationRow {
        ValidationRow(id: "KUANG07-\(tissue)", modality: "MWA", device: "cooled-shaft antenna", frequencyMHz: 2450,
                      powerW: 80, timeMin: 25, tissue: "\(tissue) porcine liver", shortAxisMM: nil, longAxisMM: nil, volumeML: nil)
    }
    guard case let .success(bench) = row("ex vivo").mapping, case let .success(living) = row("in vivo").mapping else {
        Issue.record("Kuang rows not mapped"); return
    }
    #expect(bench.device == "generic" && bench.tissue == .exVivo && living.tissue == .inVivo)
    let b = try #require(try ValidationReport.simulate(row("ex vivo"), spacingMM: 1.5, threads: 2))
    let l = try #require(try ValidationReport.simulate(row("in vivo"), spacingMM: 1.5, threads: 2))
    print("Kuang 80 W 25 min: ex vivo \(b.shortAxisMM) x \(b.longAxisMM) mm, in vivo \(l.shortAxisMM) x \(l.longAxisMM) mm")
    #expect(l.shortAxisMM / b.shortAxisMM < 0.8, "in vivo / ex vivo short axis \(l.shortAxisMM / b.shortAxisMM), measured 0.63")
    #expect(abs(l.shortAxisMM / 35 - 1) <= 0.25, "in vivo short axis \(l.shortAxisMM) mm, measured 35 mm")
}

/// Rows map to a tissue condition by the words papers use, and a named antenna keeps its profile in
/// whatever tissue it was measured in; rows naming no condition, or both, are not simulated.
@Test func validationRowsMapByTheirStatedTissueAndDevice() throws {
    func mapped(_ device: String, _ tissue: String, modality: String = "MWA") -> ValidationMapping? {
        let row = ValidationRow(id: "T", modality: modality, device: device, frequencyMHz: nil, powerW: 60, timeMin: 10,
                                tissue: tissue, shortAxisMM: 30, longAxisMM: nil, volumeML: nil)
        if case let .success(m) = row.mapping { return m } else { return nil }
    }
    #expect(mapped("unnamed antenna", "clinical, colorectal metastases")?.tissue == .inVivo)
    #expect(mapped("unnamed antenna", "patients with HCC")?.tissue == .inVivo)
    #expect(mapped("unnamed antenna", "excised bovine liver")?.tissue == .exVivo)
    #expect(mapped("unnamed antenna", "in vitro porcine liver")?.tissue == .exVivo)
    #expect(mapped("unnamed antenna", "ex vivo and in vivo pooled") == nil)
    #expect(mapped("unnamed antenna", "liver") == nil)
    #expect(mapped("unnamed antenna", "blood-perfused bovine liver") == nil, "no MWA profile was checked in the perfused bench model")
    #expect(mapped("Amica probe", "ex vivo bovine liver").map { ($0.device, $0.tissue) } ?? ("", .inVivo) == ("amica", .exVivo))
    #expect(mapped("Emprint (Covidien)", "in vivo porcine liver").map { ($0.device, $0.tissue) } ?? ("", .exVivo) == ("emprint", .inVivo))
    #expect(mapped("unnamed antenna", "in vivo porcine liver")?.device == "generic")
    #expect(mapped("Cool-tip 17G", "clinical liver metastases", modality: "RFA")?.tissue == .inVivo)
    #expect(mapped("Cool-tip 17G", "blood-perfused bovine liver", modality: "RFA")?.tissue == ValidationMapping.bloodPerfusedBench)
}

/// Huang & Dodd's blood-perfused bench liver is a tissue condition of its own whose one parameter,
/// the effective perfusion, was fitted on their three pooled rows
/// (docs/validation.md#the-blood-perfused-bench-condition-fitted): best at the living liver's
/// 1.67e-2 1/s, 3.3x the flow they set. Guards that fit (1 mm: 26.5 x 44 mm against 28 x 39; at the
/// set flow the zone was 29 % too wide).
@Test func perfusedBenchRowsFollowTheirFittedCondition() throws {
    let row = ValidationRow(id: "LIT-DODD12-LL", modality: "RFA", device: "3.0-cm monopolar internally cooled electrode",
                            frequencyMHz: nil, powerW: nil, timeMin: nil, tissue: "blood-perfused bovine liver (pooled flows)",
                            shortAxisMM: 28, longAxisMM: 39, volumeML: 17.2)
    guard case let .success(m) = row.mapping else { Issue.record("Huang & Dodd row not mapped"); return }
    #expect(m.tissue == ValidationMapping.bloodPerfusedBench && m.tissue.perfusionPerS == 1.67e-2)
    let r = try #require(try ValidationReport.simulate(row, spacingMM: 1.5, threads: 2))
    #expect(abs(r.shortAxisMM / 28 - 1) <= 0.25, "short axis \(r.shortAxisMM) mm, published 28 mm")
    #expect(abs(r.longAxisMM / 39 - 1) <= 0.25, "long axis \(r.longAxisMM) mm, published 39 mm")
}

/// Every microwave run says what its profile rests on: the calibrated ones name their data, their
/// accuracy and that the sizes were measured after contraction; 915 MHz says it is uncalibrated.
@Test func microwaveRunsSayWhatTheirProfileRestsOn() {
    for (device, frequency, data) in [("emprint", 2450, "Emprint manufacturer chart"), ("amica", 2450, "AMICA manufacturer chart"),
                                      ("generic", 2450, "three ex vivo literature zones")] {
        let w = MicrowaveCalibrationNote.warning(device: device, frequencyMHz: frequency, applicator: 1)
        #expect(w.hasPrefix("applicators.1 (mwa \(device), \(frequency) MHz)") && w.contains(data))
        #expect(w.contains("contracted") && w.contains("docs/validation.md#tissue-contraction-not-modelled"), "\(w)")
    }
    #expect(MicrowaveCalibrationNote.warning(device: "amica", frequencyMHz: 2450, applicator: 0).contains("within 12 %"))
    #expect(MicrowaveCalibrationNote.warning(device: "generic", frequencyMHz: 915, applicator: 0).contains("uncalibrated"))
}
