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

/// A row of the bundled table by id, with its role checked: the tests below say whether they check a
/// fit (the row was used by it, validation/fits.json) or a prediction (held out).
func tableRow(_ id: String, role: ValidationRole, fit: String? = nil) throws -> ValidationRow {
    let row = try #require(try ValidationData.load(path: nil).first { $0.id == id }, "\(id) not in the table")
    #expect(ValidationRole.of(row) == role, "\(id) is marked \(ValidationRole.of(row)?.rawValue ?? "nothing")")
    if let fit { #expect(ValidationRole.fits(of: row).contains(fit), "\(id) is not marked as used by \(fit)") }
    return row
}

/// The microwave profile fits are reproduced: chart rows the `emprint` and `amica` profiles were fitted
/// on, simulated through the same mapping as `ablsim validate` at the fits' own 1.5 mm. The fits
/// penalised every axis above 12 % (docs/validation.md#calibration) and reached 10 % (Emprint) and 8 %
/// (AMICA) at 1.5 mm, so 12 % is the tolerance: a row leaving it means the fit no longer holds. This
/// checks a fit, not a prediction.
@Test(arguments: [
    ("CHART-EMP-45W-5min", "mwa-emprint-profile"), ("CHART-EMP-100W-10min", "mwa-emprint-profile"),
    ("CHART-AMI-20W-10min", "mwa-amica-profile"), ("CHART-AMI-60W-5min", "mwa-amica-profile"),
])
func chartProfileFitsAreReproduced(_ id: String, _ fit: String) throws {
    let row = try tableRow(id, role: .fitted, fit: fit)
    let short = try #require(row.shortAxisMM), long = try #require(row.longAxisMM)
    let r = try #require(try ValidationReport.simulate(row, spacingMM: 1.5, threads: 2))
    #expect(abs(r.shortAxisMM / short - 1) <= 0.12, "\(id): short axis \(r.shortAxisMM) mm, published \(short)")
    #expect(abs(r.longAxisMM / long - 1) <= 0.12, "\(id): long axis \(r.longAxisMM) mm, published \(long)")
}

/// The living-tissue stasis-dose fit is reproduced on the clinical AMICA row (Amabile 2017: 37 mm at
/// 60 W, 10 min), one of the rows that fit's objective summed: the AMICA profile (fitted on bench
/// charts) in living liver. Not a prediction: the dose was chosen with this row in the objective, which
/// left it at -4 % at 1.5 mm (docs/validation.md#living-tissue-capillaries-keep-flowing-through-coagulating-tissue).
/// Tolerance: that reached error plus one 1.5 mm voxel of the published 37 mm (4 %), 8 %.
@Test func stasisDoseFitIsReproducedOnTheClinicalAmicaRow() throws {
    let clinical = try tableRow("LIT-AMABILE17-CLIN-HCC", role: .fitted, fit: "living-tissue-stasis-dose")
    guard case let .success(m) = clinical.mapping else { Issue.record("clinical AMICA row not mapped"); return }
    #expect(m.device == "amica" && m.tissue == .inVivo)
    let b = try #require(try ValidationReport.simulate(clinical, spacingMM: 1.5, threads: 2))
    #expect(abs(b.shortAxisMM / 37 - 1) <= 0.08, "in vivo short axis \(b.shortAxisMM) mm, published 37 mm")
}

/// A prediction: living liver shrinks a long, high-power zone as measured, through perfusion alone.
/// Kuang et al. 2007: one antenna at 80 W for 25 min made 56 x 74 mm ex vivo (a row the `generic`
/// profile was fitted on) and 35 x 59 mm in living porcine liver (held out: no fit used it, and it was
/// kept out of the table until the roles were marked). Both rows map to `generic` and differ only in
/// the tissue condition. With capillaries stopping where cells die (the model before the stasis dose)
/// the short-axis ratio was 0.95 against 0.63 measured; the stasis dose brings it to 0.73 at 1.5 mm
/// (docs/validation.md#mwa-rows). Tolerances: the ratio below 0.8 (the earlier model's failure), and the
/// 25 % target of measured rows on the in vivo short axis.
@Test func livingTissueShrinksALongHighPowerZone() throws {
    let benchRow = try tableRow("LIT-KUANG07-EXVIVO", role: .fitted, fit: "mwa-generic-profile")
    let livingRow = try tableRow("LIT-KUANG07-INVIVO", role: .heldOut)
    guard case let .success(bench) = benchRow.mapping, case let .success(living) = livingRow.mapping else {
        Issue.record("Kuang rows not mapped"); return
    }
    #expect(bench.device == "generic" && bench.tissue == .exVivo && living.device == "generic" && living.tissue == .inVivo)
    let b = try #require(try ValidationReport.simulate(benchRow, spacingMM: 1.5, threads: 2))
    let l = try #require(try ValidationReport.simulate(livingRow, spacingMM: 1.5, threads: 2))
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

/// The perfused bench condition's fit is reproduced: Huang & Dodd's blood-perfused bench liver, whose
/// one parameter, the effective perfusion, was fitted on their three pooled rows
/// (docs/validation.md#the-blood-perfused-bench-condition-fitted). Re-run of the fit's objective (sum
/// of squared relative errors of both axes over the three rows, 1.5 mm, the Cool-tip electrode the
/// rows map to) at the fitted 1.67e-2 1/s and at the values the fit tried beside it: the fitted value
/// must still be the best of them. The three rows make one simulation (the same setting). Not a
/// prediction: these rows also chose the stasis dose and the Cool-tip roll-off.
@Test func perfusedBenchFitIsReproduced() throws {
    let rows = try ["LIT-DODD12-RLA", "LIT-DODD12-LL", "LIT-DODD12-RLP"].map { try tableRow($0, role: .fitted, fit: "perfused-bench-perfusion") }
    guard case let .success(m) = rows[0].mapping else { Issue.record("Huang & Dodd row not mapped"); return }
    #expect(m.tissue == ValidationMapping.bloodPerfusedBench && rows.allSatisfy { (try? $0.mapping.get()) == m })
    func objective(_ perfusion: Double) throws -> Double {
        let r = try #require(try ValidationReport.simulate(rows[0], spacingMM: 1.5, threads: 2,
                                                            overrides: ["materials.liver.perfusion_per_s=\(perfusion)"]))
        print("perfused bench at \(perfusion) 1/s: \(r.shortAxisMM) x \(r.longAxisMM) mm")
        return rows.reduce(0) { sum, row in
            sum + pow(r.shortAxisMM / row.shortAxisMM! - 1, 2) + pow(r.longAxisMM / row.longAxisMM! - 1, 2)
        }
    }
    let fitted = try objective(try #require(m.tissue.perfusionPerS))
    for neighbour in [1.33e-2, 2.0e-2] {
        let other = try objective(neighbour)
        #expect(fitted < other, "squared error \(fitted) at the fitted perfusion, \(other) at \(neighbour) 1/s")
    }
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
