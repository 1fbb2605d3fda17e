import Foundation
import Testing

/// The tEXt chunks of a PNG file (keyword -> Latin-1 text), read chunk by chunk from the file format.
func pngTextChunks(_ png: Data) -> [String: String] {
    let bytes = [UInt8](png)
    var texts: [String: String] = [:]
    var offset = 8  // after the signature
    while offset + 8 <= bytes.count {
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
        let data = Array(bytes[min(bytes.count, offset + 8)..<min(bytes.count, offset + 8 + length)])
        if type == "tEXt", let nul = data.firstIndex(of: 0) {
            let latin1 = { (b: ArraySlice<UInt8>) in String(String.UnicodeScalarView(b.map { Unicode.Scalar($0) })) }
            texts[latin1(data[..<nul])] = latin1(data[(nul + 1)...])
        }
        offset += 12 + length
    }
    return texts
}

@Test func previewStatesTheRunAndItsVerdict() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try smallPreset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["run", "p.json", "--out", "out", "--quiet"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/summary.json"))) as! [String: Any]
    let target = (summary["targets"] as! [[String: Any]])[0]
    let margin = target["min_margin_mm"] as! Double
    let asked = (summary["resolved_preset"] as! [String: Any])["margin_mm"] as! Double
    var verdict = "tumor: complete, min margin \(String(format: "%.1f", margin)) mm"
    if !(target["complete_with_margin"] as! Bool) { verdict += " (\(Int(asked)) mm asked)" }

    let text = pngTextChunks(try Data(contentsOf: dir.appendingPathComponent("out/preview.png")))
    #expect(text["Title"] == "small")
    // The header's lines, as the image shows them: name, what was applied, one verdict per target.
    #expect(text["Description"]?.components(separatedBy: "\n") == [
        "small", "heat source, 1.5 W for 1 min; 1 min 10 s simulated, arrhenius damage", verdict,
    ])
}

@Test func previewOfANameOutsideLatin1() throws {
    // PNG text is Latin-1: a name in another script must not stop the run from writing its preview.
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let preset = smallPreset.replacingOccurrences(of: #""name": "small""#, with: #""name": "Leber-Tumör ✓ 肝""#)
    #expect(preset != smallPreset)
    try preset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["run", "p.json", "--out", "out", "--quiet"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let text = pngTextChunks(try Data(contentsOf: dir.appendingPathComponent("out/preview.png")))
    #expect(text["Title"] == "Leber-Tumör ? ?")
}
