@testable import AblationValidation
import Foundation
import Testing

/// The repository's validation files: the table, its role marks and the fitting objectives.
private enum ValidationFiles {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// validation/fits.json: each fit's id and the rows its objective used.
    static func fits() throws -> [(id: String, rows: [String], described: Bool)] {
        let data = try Data(contentsOf: folder.appendingPathComponent("validation/fits.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let fits = try #require(root["fits"] as? [[String: Any]])
        return fits.map { f in
            let described = ["parameters", "objective", "device", "condition", "docs", "rerun"].allSatisfy { f[$0] != nil }
                && (f["spacing_mm"] as? Double).map { $0 > 0 } == true
            return (f["id"] as? String ?? "", f["rows"] as? [String] ?? [], described)
        }
    }

    /// Every fitting script (scripts/calibration/), by path.
    static func fittingScripts() throws -> [(path: String, text: String)] {
        let dir = "scripts/calibration"
        return try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(dir).path).sorted()
            .map { ("\(dir)/\($0)", try text("\(dir)/\($0)")) }
    }
}

/// What breaks the rule "a fit uses fitted rows only, and every row it uses is marked so": a table row
/// with no mark, a mark for no row, a fit listing a held-out row or an unknown one, a fitted mark naming
/// a fit that does not list the row, a fit without its description, and a held-out row's id written in a
/// fitting script.
private func roleViolations(tableIDs: [String], marks: [String: ValidationRole.Mark],
                            fits: [(id: String, rows: [String], described: Bool)],
                            scripts: [(path: String, text: String)]) -> [String] {
    var found: [String] = []
    for id in tableIDs where marks[id] == nil { found.append("\(id): no mark in validation/roles.csv") }
    for id in marks.keys.sorted() where !tableIDs.contains(id) { found.append("\(id): marked but not in the table") }
    let fitIDs = Set(fits.map(\.id))
    if fitIDs.count != fits.count { found.append("validation/fits.json: a fit id given twice") }
    for fit in fits {
        if !fit.described { found.append("\(fit.id): parameters, objective, device, condition, spacing_mm, rerun or docs missing") }
        if fit.rows.isEmpty { found.append("\(fit.id): no rows") }
        for row in fit.rows {
            switch marks[row] {
            case nil: found.append("\(fit.id) uses \(row), which is not in the table")
            case let m? where m.role == .heldOut: found.append("\(fit.id) uses \(row), which is marked held_out")
            case let m? where !m.fits.contains(fit.id): found.append("\(row) is used by \(fit.id) but its mark does not name it")
            default: break
            }
        }
    }
    for (id, m) in marks.sorted(by: { $0.key < $1.key }) {
        for fit in m.fits where !(fits.first { $0.id == fit }?.rows.contains(id) ?? false) {
            found.append("\(id) names \(fit), which does not list it")
        }
    }
    // Whole tokens, so that an id is not matched inside a longer one.
    let heldOut = Set(marks.filter { $0.value.role == .heldOut }.map(\.key))
    for script in scripts {
        let tokens = script.text.split { !($0.isLetter || $0.isNumber || "-._".contains($0)) }
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
        for id in Set(tokens).intersection(heldOut).sorted() { found.append("\(script.path) names \(id), which is marked held_out") }
    }
    return found
}

/// Every row of the table is marked fitted or held out, the bundled marks are the file's, and no
/// held-out row is used by a fitting objective (validation/fits.json) or named in a fitting script.
@Test func heldOutRowsAreUsedByNoFit() throws {
    let file = try ValidationFiles.text("validation/roles.csv")
    #expect(file.trimmingCharacters(in: .newlines) == BundledValidationTable.roles, "validation/roles.csv changed: run scripts/embed-resources.py")
    let marks = try ValidationRole.marks(csv: file)
    #expect(marks == ValidationRole.bundledMarks)
    let table = try ValidationData.load(path: nil)
    let violations = roleViolations(tableIDs: table.map(\.id), marks: marks, fits: try ValidationFiles.fits(),
                                    scripts: try ValidationFiles.fittingScripts())
    #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    // Both kinds are there, and ValidationRole.of answers from the marks.
    #expect(table.contains { ValidationRole.of($0) == .fitted } && table.contains { ValidationRole.of($0) == .heldOut })
    #expect(table.allSatisfy { ValidationRole.of($0) == marks[$0.id]?.role })
}

/// The rule fails where it should: a fit that lists a held-out row, a fitted row its fit forgot, a
/// row without a mark and a script that names a held-out row are each reported.
@Test func theRoleRuleCatchesAHeldOutRowInAFit() throws {
    let marks = try ValidationRole.marks(csv: "id,role,fits\nA,fitted,f\nB,held_out,\nC,fitted,f;g\n")
    let fits: [(id: String, rows: [String], described: Bool)] = [("f", ["A", "B", "C"], true), ("g", [], true)]
    let found = roleViolations(tableIDs: ["A", "B", "C", "D"], marks: marks, fits: fits,
                               scripts: [("scripts/calibration/x.sh", "ablsim validate --rows B --spacing 1.5 # not BC")])
    #expect(found.contains("f uses B, which is marked held_out"))
    #expect(found.contains("C names g, which does not list it"))
    #expect(found.contains("g: no rows"))
    #expect(found.contains("D: no mark in validation/roles.csv"))
    #expect(found.contains("scripts/calibration/x.sh names B, which is marked held_out"))
    #expect(found.count == 5, "\(found)")
    // Malformed marks are refused: a fitted row without its fit, a held-out row with one, an unknown role.
    #expect(throws: (any Error).self) { try ValidationRole.marks(csv: "id,role,fits\nA,fitted,\n") }
    #expect(throws: (any Error).self) { try ValidationRole.marks(csv: "id,role,fits\nA,held_out,f\n") }
    #expect(throws: (any Error).self) { try ValidationRole.marks(csv: "id,role,fits\nA,training,\n") }
    #expect(throws: (any Error).self) { try ValidationRole.marks(csv: "id,role,fits\nA,held_out,\nA,held_out,\n") }
}
