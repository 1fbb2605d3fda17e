import Foundation
import Testing
@testable import AblationIO

@Suite("AtomicOutputDirectory")
struct AtomicOutputDirectoryTests {
    func entries(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    @Test func commitPublishesOnlyTheFinalFolder() throws {
        let parent = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let final = parent.appendingPathComponent("run-1")
        let output = try AtomicOutputDirectory(final: final)
        #expect(output.stagingURL.deletingLastPathComponent().path == parent.path)
        #expect(output.stagingURL.lastPathComponent.hasPrefix(".run-1.partial-\(getpid())-"))
        try output.write(Data("a".utf8), named: "a.txt")
        try output.write(Data("b".utf8), named: "b.nii")
        #expect(!FileManager.default.fileExists(atPath: final.path))
        try output.commit()
        #expect(try entries(parent) == ["run-1"])
        #expect(try entries(final) == ["a.txt", "b.nii"])
        #expect(try Data(contentsOf: final.appendingPathComponent("a.txt")) == Data("a".utf8))
        // Writes after commit are refused instead of silently going nowhere.
        #expect(throws: AtomicOutputError.notOpen(state: "committed")) {
            try output.write(Data(), named: "late.txt")
        }
        output.discard()
        #expect(try entries(final) == ["a.txt", "b.nii"])
    }

    @Test func createsMissingParents() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let final = root.appendingPathComponent("x/y/z/out")
        let output = try AtomicOutputDirectory(final: final)
        try output.write(Data([1]), named: "f")
        try output.commit()
        #expect(try entries(final) == ["f"])
    }

    @Test func discardAndDeinitLeaveNothing() throws {
        let parent = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let final = parent.appendingPathComponent("out")

        let discarded = try AtomicOutputDirectory(final: final)
        try discarded.write(Data("x".utf8), named: "x")
        #expect(try entries(parent).count == 1)
        discarded.discard()
        discarded.discard()
        #expect(try entries(parent) == [])
        #expect(throws: AtomicOutputError.notOpen(state: "discarded")) { try discarded.commit() }

        do {
            let dropped = try AtomicOutputDirectory(final: final)
            try dropped.write(Data("y".utf8), named: "y")
            #expect(try entries(parent).count == 1)
        }
        #expect(try entries(parent) == [])
    }

    @Test func commitReplacesExistingFolder() throws {
        let parent = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let final = parent.appendingPathComponent("out")

        let first = try AtomicOutputDirectory(final: final)
        try first.write(Data("old".utf8), named: "old.txt")
        try first.write(Data("old".utf8), named: "shared.txt")
        try first.commit()

        let second = try AtomicOutputDirectory(final: final)
        try second.write(Data("new".utf8), named: "new.txt")
        try second.write(Data("new".utf8), named: "shared.txt")
        try second.commit()

        #expect(try entries(parent) == ["out"])
        #expect(try entries(final) == ["new.txt", "shared.txt"])
        #expect(try Data(contentsOf: final.appendingPathComponent("shared.txt")) == Data("new".utf8))
    }

    @Test func refusesToReplaceARegularFile() throws {
        let parent = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let final = parent.appendingPathComponent("out")
        try Data("keep".utf8).write(to: final)
        let output = try AtomicOutputDirectory(final: final)
        #expect(throws: AtomicOutputError.finalPathIsNotDirectory(path: final.path)) { try output.commit() }
        output.discard()
        #expect(try entries(parent) == ["out"])
        #expect(try Data(contentsOf: final) == Data("keep".utf8))
    }

    @Test func unwritableParentThrows() throws {
        let parent = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let file = parent.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        let final = file.appendingPathComponent("sub/out")
        do {
            _ = try AtomicOutputDirectory(final: final)
            Issue.record("expected an error for a parent below a regular file")
        } catch let error as AtomicOutputError {
            #expect(error.description.contains(file.path))
        }
        #expect(try entries(parent) == ["plain-file"])
    }

    @Test func rejectsPathLikeNames() throws {
        let parent = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let output = try AtomicOutputDirectory(final: parent.appendingPathComponent("out"))
        for name in ["", ".", "..", "a/b", "../escape"] {
            #expect(throws: AtomicOutputError.invalidFileName(name)) { try output.write(Data(), named: name) }
        }
    }
}
