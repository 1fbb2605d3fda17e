@testable import AblationValidation
import Foundation
import Testing

private struct Failed: Error, Equatable { let index: Int }

/// Results come back in index order whatever the workers' timing, every job runs once, and the
/// threads are shared out without losing any.
@Test func concurrentRunsKeepIndexOrderAndShareTheThreads() throws {
    let shares = ShareLog()
    let squares = try ConcurrentRuns.map(count: 50, width: 3, threads: 8) { i, threads in
        shares.record(i, threads)
        if i % 7 == 0 { Thread.sleep(forTimeInterval: 0.002) }  // out-of-order finishes
        return i * i
    }
    #expect(squares == (0..<50).map { $0 * $0 })
    let seen = shares.byIndex()
    #expect(seen.count == 50)
    // 8 threads over 3 workers: 3, 3, 2 (which worker takes which job depends on timing).
    #expect(Set(seen.values).isSubset(of: [2, 3]))
    #expect(ConcurrentRuns.threadShares(threads: 8, workers: 3) == [3, 3, 2])
    #expect(ConcurrentRuns.threadShares(threads: 2, workers: 2) == [1, 1])
    #expect(ConcurrentRuns.threadShares(threads: 1, workers: 3) == [1, 1, 1])
    #expect(try ConcurrentRuns.map(count: 4, width: 8, threads: 1) { _, threads in threads } == [1, 1, 1, 1])
}

/// A failing job does not stop the others, and the error reported is the lowest index's, as a
/// serial loop would report it.
@Test func concurrentRunsRethrowTheLowestIndexError() {
    let ran = ShareLog()
    #expect(throws: Failed(index: 3)) {
        _ = try ConcurrentRuns.map(count: 12, width: 2, threads: 2) { i, threads in
            ran.record(i, threads)
            if i == 9 || i == 3 { throw Failed(index: i) }
            return i
        }
    }
    #expect(ran.byIndex().count == 12)
}

/// One job per thread, never more than the jobs, and no more than the memory allows.
@Test func concurrentRunWidthFollowsThreadsJobsAndMemory() {
    let gib: UInt64 = 1 << 30
    #expect(ConcurrentRuns.width(jobs: 40, threads: 2, memory: 24 * gib) == 2)
    #expect(ConcurrentRuns.width(jobs: 3, threads: 16, memory: 64 * gib) == 3)
    #expect(ConcurrentRuns.width(jobs: 40, threads: 64, memory: 24 * gib) == 12)
    #expect(ConcurrentRuns.width(jobs: 40, threads: 8, memory: 1 * gib) == 1)
    #expect(ConcurrentRuns.width(jobs: 0, threads: 8, memory: 24 * gib) == 1)
}

/// The validation report does not depend on how its simulations are spread: three rows side by
/// side on three threads give the same text, byte for byte, as one after another on one thread.
@Test func validationReportIsTheSameSimulatedSideBySide() throws {
    let table = try ValidationData.load(path: nil)
    let rows = table.filter { ["CHART-EMP-45W-2.5min", "CHART-EMP-100W-2.5min", "CHART-EMP-45W-4min"].contains($0.id) }
    try #require(rows.count == 3)
    let serial = try ValidationReport.run(rows, spacingMM: 4, threads: 1, json: true)
    let sideBySide = try ValidationReport.run(rows, spacingMM: 4, threads: 3, json: true)
    #expect(serial == sideBySide)
    #expect(serial.contains("CHART-EMP-100W-2.5min"))
}

/// Which thread count each job index was given, recorded from several threads.
private final class ShareLog: @unchecked Sendable {
    private let lock = NSLock()
    private var shares: [Int: Int] = [:]
    func record(_ index: Int, _ threads: Int) { lock.lock(); shares[index] = threads; lock.unlock() }
    func byIndex() -> [Int: Int] { lock.lock(); defer { lock.unlock() }; return shares }
}
