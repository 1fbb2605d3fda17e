/// Whether a validation row was used to fit a parameter (a device profile's, or a tissue
/// condition's) or is held out, so that the report can say which agreement is a fit and which a
/// prediction. One list per device family, never per row setting.
public enum ValidationRole: String, Sendable, Equatable {
    case fitted
    case heldOut = "held-out"

    /// Rows a parameter set was fitted on (docs/validation.md#calibration and
    /// #rf-device-calibration); every other mapped row is held out.
    /// - MWA: the Emprint and AMICA chart rows (their profiles), the three ex vivo literature rows
    ///   of the 2450 MHz generic profile;
    /// - RF, Cool-tip: Goldberg's bench clusters at 15 and 30 min and the in vivo cluster (its
    ///   roll-off threshold), Huang & Dodd's three rows (the perfused bench condition's perfusion).
    ///   Held out: Goldberg's 45 min bench cluster and PME's in vivo single electrode;
    /// - RF, LeVeen and StarBurst: nothing fitted (their multi-tine physics is under review).
    static let fittedRows: Set<String> = [
        "LIT-KUANG07-EXVIVO", "LIT-HE10-IC-EX-40W10", "LIT-HE10-IC-EX-50W10",
        "LIT-GOLD98-CL-EX15", "LIT-GOLD98-CL-EX30", "LIT-GOLD98-CL-IV12",
        "LIT-DODD12-RLA", "LIT-DODD12-LL", "LIT-DODD12-RLP",
    ]

    public static func of(_ row: ValidationRow) -> ValidationRole {
        row.id.hasPrefix("CHART-") || fittedRows.contains(row.id) ? .fitted : .heldOut
    }
}
