import Foundation
import Testing

/// docs/preset-format.md is the contract of record and presets/schema.json its machine-readable
/// form (the interop stage checks the schema against the decoder): every key the schema defines
/// must be documented in the contract, named in backticks, so neither can gain a key alone.
@Test func everySchemaKeyIsDocumentedInThePresetFormat() throws {
    let schemaData = try Data(contentsOf: repositoryRoot.appendingPathComponent("presets/schema.json"))
    let schema = try JSONSerialization.jsonObject(with: schemaData)
    let contract = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/preset-format.md"), encoding: .utf8)
    var keys = Set<String>()
    func walk(_ node: Any) {
        if let object = node as? [String: Any] {
            if let properties = object["properties"] as? [String: Any] {
                keys.formUnion(properties.keys)
                properties.values.forEach(walk)
            }
            for key in ["items", "additionalProperties"] { if let child = object[key] { walk(child) } }
            for key in ["oneOf", "anyOf", "allOf"] { (object[key] as? [Any])?.forEach(walk) }
            for key in ["$defs", "definitions"] { (object[key] as? [String: Any])?.values.forEach(walk) }
        }
    }
    walk(schema)
    #expect(keys.count > 50, "only \(keys.count) keys found: the schema walk is broken")
    let spans = contract.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    for key in keys.sorted() {
        let named = spans.contains { span in
            span.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).contains { $0 == key }
        }
        #expect(named, "presets/schema.json defines \"\(key)\", which docs/preset-format.md does not document")
    }
}
