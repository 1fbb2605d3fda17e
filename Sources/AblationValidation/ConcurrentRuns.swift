import Foundation

/// Runs independent jobs (one validation row's simulation each) several at a time.
///
/// Why: a simulation's threads split planes and wait for each other every step, so a table of forty
/// rows uses many cores better as whole simulations side by side, each on its share of the threads,
/// than one after another on all of them. On 2 cores it saves CPU but not time (the table at 1 mm:
/// 1008 s of CPU instead of 1089 s, 676 s of wall time instead of 648 s, as a few long rows leave
/// one core idle at the end). A simulation's result does not depend on its thread count
/// (docs/physics.md, determinism), so the report is the same however the jobs are spread.
package enum ConcurrentRuns {
    /// How many jobs to run at once on `threads` threads: one per thread, at most `jobs`, and at most
    /// one per `bytesPerJob` of the machine's memory (the largest validation runs at 1 mm take
    /// about 1 GB each).
    package static func width(jobs: Int, threads: Int, bytesPerJob: UInt64 = 2 << 30,
                              memory: UInt64 = ProcessInfo.processInfo.physicalMemory) -> Int {
        max(1, min(jobs, threads, Int(clamping: memory / max(1, bytesPerJob))))
    }

    /// Calls `job(i, threadsForJob)` for every i in 0..<count on `width` workers, each taking the
    /// next index in order, and returns the results by index. The threads are shared out evenly,
    /// the remainder to the first workers. A job that throws does not stop the others; the error
    /// of the lowest index is rethrown once all have finished, as a serial loop would report it.
    package static func map<T: Sendable>(count: Int, width: Int, threads: Int,
                                         _ job: @escaping @Sendable (Int, Int) throws -> T) throws -> [T] {
        let slots = Slots<T>(count: count)
        let shares = threadShares(threads: threads, workers: max(1, min(width, count)))
        DispatchQueue.concurrentPerform(iterations: shares.count) { worker in
            while let i = slots.claim() {
                slots.store(i, Result { try job(i, shares[worker]) })
            }
        }
        return try slots.results()
    }

    /// `threads` shared out over `workers`: evenly, the remainder one each to the first workers, and
    /// at least one each.
    package static func threadShares(threads: Int, workers: Int) -> [Int] {
        (0..<workers).map { max(1, threads / workers + ($0 < threads % workers ? 1 : 0)) }
    }

    /// The jobs' results, filled from several threads under one lock.
    private final class Slots<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var values: [Result<T, any Error>?]

        init(count: Int) { values = Array(repeating: nil, count: count) }

        func claim() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < values.count else { return nil }
            next += 1
            return next - 1
        }

        func store(_ i: Int, _ value: Result<T, any Error>) {
            lock.lock(); defer { lock.unlock() }
            values[i] = value
        }

        func results() throws -> [T] {
            lock.lock(); defer { lock.unlock() }
            return try values.map { try $0!.get() }
        }
    }
}
