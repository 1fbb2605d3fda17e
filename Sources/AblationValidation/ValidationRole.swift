/// Whether a validation row was used by a fitting objective (a device profile's, or a tissue
/// condition's parameter) or is held out (never used by any), so that the report can say which
/// agreement is a fit and which a prediction.
///
/// The marks are data: `validation/roles.csv` (id, role, fits), bundled with the table, and the fits
/// it names are described in `validation/fits.json` (parameter, rows, objective, how to re-run it).
/// A test holds the two files and the table to each other: every row of the table has one mark, every
/// row a fit lists is marked fitted with that fit named, and no held-out row appears in any fit.
public enum ValidationRole: String, Sendable, Equatable {
    case fitted
    case heldOut = "held_out"

    /// As the report prints it.
    public var label: String { self == .fitted ? "fitted" : "held-out" }

    /// A row's mark: its role and, when fitted, the fits (ids in validation/fits.json) that used it.
    package struct Mark: Sendable, Equatable {
        package var role: ValidationRole
        package var fits: [String]
    }

    /// The marks of the bundled table, by row id.
    package static let bundledMarks: [String: Mark] = (try? marks(csv: BundledValidationTable.roles)) ?? [:]

    /// The role of a row of the bundled table, found by its id (rows of another table with the same
    /// ids get the same marks); nil for an id the marks do not name.
    public static func of(_ row: ValidationRow) -> ValidationRole? { bundledMarks[row.id]?.role }

    /// The fits that used a row (empty for held-out and unmarked rows).
    package static func fits(of row: ValidationRow) -> [String] { bundledMarks[row.id]?.fits ?? [] }

    /// Reads `id,role,fits` (fits separated by ";"). Throws on an unknown role, a fitted row that
    /// names no fit, a held-out row that names one, or an id given twice.
    package static func marks(csv: String) throws -> [String: Mark] {
        struct Malformed: Error, CustomStringConvertible { var description: String }
        let records = ValidationData.parseCSV(csv)
        guard records.first == ["id", "role", "fits"] else { throw Malformed(description: "roles: header must be id,role,fits") }
        var marks: [String: Mark] = [:]
        for r in records.dropFirst() where r != [""] {
            guard r.count == 3, let role = ValidationRole(rawValue: r[1]) else {
                throw Malformed(description: "roles: \(r.joined(separator: ",")): expected id,fitted|held_out,fits")
            }
            let fits = r[2].split(separator: ";").map(String.init)
            guard (role == .fitted) == !fits.isEmpty else {
                throw Malformed(description: "roles: \(r[0]): a fitted row names its fits, a held-out row none")
            }
            guard marks[r[0]] == nil else { throw Malformed(description: "roles: \(r[0]) marked twice") }
            marks[r[0]] = Mark(role: role, fits: fits)
        }
        return marks
    }
}
