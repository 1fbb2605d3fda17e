import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds an output folder under a hidden staging name and renames it into
/// place on `commit()`, so readers (viewers, pipelines, the user) never see a
/// folder that is missing files because the run crashed or was cancelled.
///
/// Not thread-safe: one owner writes, then commits or discards.
public final class AtomicOutputDirectory {
    public let finalURL: URL
    public let stagingURL: URL

    private enum State { case open, committed, discarded }
    private var state = State.open

    public init(final url: URL) throws {
        let finalURL = url.standardizedFileURL
        let parent = finalURL.deletingLastPathComponent()
        let name = finalURL.lastPathComponent
        self.finalURL = finalURL
        self.stagingURL = parent.appendingPathComponent(".\(name).partial-\(getpid())-\(Self.randomHex())")

        try Self.makeDirectories(parent.path)
        // Creating the staging folder doubles as the writability check for
        // the parent, and gives the OS's own reason when it fails.
        if mkdir(stagingURL.path, 0o755) != 0 {
            throw AtomicOutputError.cannotCreateDirectory(path: stagingURL.path, reason: Self.errnoText())
        }
    }

    deinit {
        if state == .open { removeStaging() }
    }

    /// Writes a complete file inside the staging folder. Data.write(.atomic)
    /// goes through a temporary file and rename, so even the staging folder
    /// never holds a partially written file under its real name.
    public func write(_ data: Data, named name: String) throws {
        try requireOpen()
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") else {
            throw AtomicOutputError.invalidFileName(name)
        }
        let url = stagingURL.appendingPathComponent(name)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw AtomicOutputError.cannotWriteFile(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Publishes the staging folder under the final name. An existing final
    /// folder is first moved aside and deleted only after the new one is in
    /// place, so at every instant the final name is either absent, the old
    /// complete folder, or the new complete folder.
    public func commit() throws {
        try requireOpen()
        let finalPath = finalURL.path
        var info = stat()
        let exists = lstat(finalPath, &info) == 0
        if exists && (info.st_mode & S_IFMT) != S_IFDIR {
            throw AtomicOutputError.finalPathIsNotDirectory(path: finalPath)
        }

        var asidePath: String?
        if exists {
            let aside = finalURL.deletingLastPathComponent()
                .appendingPathComponent(".\(finalURL.lastPathComponent).old-\(getpid())-\(Self.randomHex())").path
            guard rename(finalPath, aside) == 0 else {
                throw AtomicOutputError.cannotRename(from: finalPath, to: aside, reason: Self.errnoText())
            }
            asidePath = aside
        }

        guard rename(stagingURL.path, finalPath) == 0 else {
            let reason = Self.errnoText()
            // Put the previous results back rather than leave nothing behind.
            if let aside = asidePath { _ = rename(aside, finalPath) }
            throw AtomicOutputError.cannotRename(from: stagingURL.path, to: finalPath, reason: reason)
        }
        state = .committed

        if let aside = asidePath {
            // The new folder is already published; a leftover hidden old copy
            // is only wasted space, so failure here is not an error.
            try? FileManager.default.removeItem(atPath: aside)
        }
    }

    /// Deletes the staging folder. Safe to call repeatedly and after commit
    /// (where it does nothing, because staging has become the final folder).
    public func discard() {
        guard state == .open else { return }
        state = .discarded
        removeStaging()
    }

    // MARK: - Helpers

    private func requireOpen() throws {
        switch state {
        case .open: return
        case .committed: throw AtomicOutputError.notOpen(state: "committed")
        case .discarded: throw AtomicOutputError.notOpen(state: "discarded")
        }
    }

    private func removeStaging() {
        try? FileManager.default.removeItem(at: stagingURL)
    }

    private static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func errnoText() -> String {
        let code = errno
        return "\(String(cString: strerror(code))) (errno \(code))"
    }

    /// `mkdir -p` with POSIX calls, because Foundation's errors on Linux often
    /// omit which component failed and why.
    private static func makeDirectories(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw AtomicOutputError.cannotCreateDirectory(path: path, reason: "a file with that name exists and is not a folder")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path {
            try makeDirectories(parent)
        }
        if mkdir(path, 0o755) != 0 {
            let code = errno
            // Another process may have created it between stat and mkdir.
            if code == EEXIST, stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { return }
            throw AtomicOutputError.cannotCreateDirectory(path: path, reason: "\(String(cString: strerror(code))) (errno \(code))")
        }
    }
}
