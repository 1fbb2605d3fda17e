import Foundation
import Testing

/// Cross-references cannot go stale: every relative link in README.md, CHANGELOG.md, docs/ and
/// validation/README.md resolves to a file and, with an anchor, to a heading of it; every
/// repository path those documents name in backticks exists (a glob matches at least one file);
/// and every "docs/NAME.md#anchor" or "README, Section" that code, tests, presets and scripts cite
/// resolves the same way.

/// GitHub's heading anchors: lower case, spaces to '-', punctuation other than '-' and '_' dropped.
private func anchor(_ heading: String) -> String {
    String(heading.lowercased().compactMap { c -> Character? in
        if c == " " { return "-" }
        if c.isLetter || c.isNumber || c == "-" || c == "_" { return c }
        return nil
    })
}

private func headings(of file: URL) -> [String] {
    guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
    var inFence = false
    var found: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("```") { inFence.toggle(); continue }
        guard !inFence, line.hasPrefix("#") else { continue }
        found.append(line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces))
    }
    return found
}

private func documents() throws -> [URL] {
    let docs = repositoryRoot.appendingPathComponent("docs")
    let names = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }.sorted()
    return ["README.md", "CHANGELOG.md", "validation/README.md"].map { repositoryRoot.appendingPathComponent($0) }
        + names.map { docs.appendingPathComponent($0) }
}

private func matches(_ pattern: String, in text: String) -> [[String]] {
    let regex = try! NSRegularExpression(pattern: pattern)
    let ns = text as NSString
    return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
        (0..<m.numberOfRanges).map { m.range(at: $0).location == NSNotFound ? "" : ns.substring(with: m.range(at: $0)) }
    }
}

/// Text outside fenced code blocks (examples there show commands and output, not links).
private func prose(_ text: String) -> String {
    var inFence = false
    return text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
        if line.hasPrefix("```") { inFence.toggle(); return false }
        return !inFence
    }.joined(separator: "\n")
}

/// Nil when `target` (relative to `base`, with an optional #anchor) resolves; else why not.
private func problem(resolving target: String, from base: URL, in source: URL) -> String? {
    let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let file = parts[0].isEmpty ? source : base.appendingPathComponent(parts[0]).standardizedFileURL
    guard FileManager.default.fileExists(atPath: file.path) else { return "\(target): no such file" }
    guard parts.count == 2, file.pathExtension == "md" else { return nil }
    let anchors = headings(of: file).map(anchor)
    return anchors.contains(parts[1]) ? nil : "\(target): no heading with that anchor in \(file.lastPathComponent)"
}

@Test func everyDocumentLinkResolves() throws {
    for doc in try documents() {
        let text = prose(try String(contentsOf: doc, encoding: .utf8))
        for m in matches(#"\]\(([^)\s]+)\)"#, in: text) {
            let target = m[1]
            if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("mailto:") { continue }
            if let p = problem(resolving: target, from: doc.deletingLastPathComponent(), in: doc) {
                Issue.record("\(doc.lastPathComponent): \(p)")
            }
        }
    }
}

/// Top-level folders and files whose paths documents may name.
private let repositoryPrefixes = ["Sources/", "Tests/", "Benchmarks/", "Fuzz/", "docs/", "presets/", "scripts/", "validation/", ".ci/"]
private let repositoryFiles = ["README.md", "CHANGELOG.md", "Package.swift"]

private func exists(glob path: String) -> Bool {
    guard path.contains("*") else { return FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(path).path) }
    let folder = repositoryRoot.appendingPathComponent((path as NSString).deletingLastPathComponent)
    let pattern = (path as NSString).lastPathComponent
    let regex = try! NSRegularExpression(pattern: "^" + NSRegularExpression.escapedPattern(for: pattern).replacingOccurrences(of: "\\*", with: ".*") + "$")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.contains { regex.firstMatch(in: $0, range: NSRange(location: 0, length: ($0 as NSString).length)) != nil }
}

@Test func everyRepositoryPathDocumentsNameExists() throws {
    var checked = 0
    for doc in try documents() {
        let text = prose(try String(contentsOf: doc, encoding: .utf8))
        for m in matches(#"`([^`\s]+)`"#, in: text) {
            var path = m[1]
            // A path may carry a line or anchor suffix, or trailing punctuation.
            path = String(path.split(separator: "#")[0].split(separator: ":")[0])
            while let last = path.last, ".,;)".contains(last) { path.removeLast() }
            guard repositoryPrefixes.contains(where: { path.hasPrefix($0) }) || repositoryFiles.contains(path) else { continue }
            checked += 1
            #expect(exists(glob: path), "\(doc.lastPathComponent) names \(path), which is not in the repository")
        }
    }
    #expect(checked > 20, "only \(checked) paths found: the scan is broken")
}

/// Citations in code, tests, presets and scripts: "docs/NAME.md#anchor" and "README, Section".
@Test func everyCitationInTheCodeResolves() throws {
    let readmeHeadings = headings(of: repositoryRoot.appendingPathComponent("README.md")).map { $0.lowercased() }
    var checked = 0
    for folder in ["Sources", "Tests", "presets", "scripts", "Benchmarks", "Fuzz"] {
        let root = repositoryRoot.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
        for case let file as URL in walker where ["swift", "json", "py", "sh", "md"].contains(file.pathExtension) {
            if file.lastPathComponent == "DocumentationLinkTests.swift" { continue }
            if file.path.contains("/.build") { continue }
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            for m in matches(#"docs/([A-Za-z0-9_-]+\.md)(#[a-z0-9_-]+)?"#, in: text) {
                checked += 1
                if let p = problem(resolving: m[1] + m[2], from: repositoryRoot.appendingPathComponent("docs"), in: file) {
                    Issue.record("\(file.lastPathComponent) cites docs/\(p)")
                }
            }
            for m in matches(#"README,\s*"?([A-Za-z][A-Za-z0-9 -]*)"#, in: text) {
                checked += 1
                let section = m[1].trimmingCharacters(in: .whitespaces).lowercased()
                #expect(readmeHeadings.contains { $0.hasPrefix(section) }, "\(file.lastPathComponent) cites README, \(m[1]): no such section")
            }
        }
    }
    #expect(checked > 5, "only \(checked) citations found: the scan is broken")
}
