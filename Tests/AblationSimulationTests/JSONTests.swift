@testable import AblationAnalysis
@testable import AblationJSON
@testable import AblationPreset
@testable import AblationRandom
@testable import AblationRun
@testable import AblationSimulation
@testable import AblationTissue
@testable import AblationValidation
@testable import AblationVerification
import AblationIO
import Testing

@Test func parsesNestedDocumentsExactly() throws {
    let v = try JSONParser.parse(#"{"a": [1, 2.5e3, -0.5], "b": {"c": true, "d": null}, "s": "x\u00e9\n"}"#)
    #expect(v["a"] == [1, 2500, -0.5])
    #expect(v["b"]?["c"] == .bool(true))
    #expect(v["s"] == .string("xé\n"))
}

@Test(arguments: [
    ("", "line 1, column 1: the document is empty"),
    ("{\"a\": 1,}", "line 1, column 9: unexpected '}'; expected a key in double quotes"),
    ("{\n  \"a\": 01\n}", "line 2, column 8: invalid number: leading zeros"),
    ("{\"a\": 1, \"a\": 2}", "line 1, column 10: duplicate key \"a\""),
    ("{\"a\": tru}", "line 1, column 7: unexpected 't'"),
    ("[1, 2", "unexpected end of file"),
    ("{\"a\": 1e999}", "out of range"),
    ("{} x", "unexpected text after the end"),
])
func syntaxErrorsNameLineAndColumn(input: String, expected: String) {
    do {
        _ = try JSONParser.parse(input)
        Issue.record("parsed invalid JSON \(input)")
    } catch {
        #expect(error.description.contains(expected), "\(error.description)")
    }
}

@Test func deepNestingIsRefusedNotCrashed() {
    let deep = String(repeating: "[", count: 100_000)
    #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
}

@Test func writerRoundTrips() throws {
    let v: JSONValue = ["x": [0.1, 1e-7, 3], "name": "a \"b\"", "nested": ["t": true]]
    #expect(try JSONParser.parse(JSONWriter.string(v)) == v)
}

@Test func sha256MatchesKnownVectors() {
    #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hex(Array(String(repeating: "a", count: 1000).utf8)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
}
