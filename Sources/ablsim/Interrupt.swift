import AblationPreset
import AblationSweep
import Foundation
import Synchronization

/// Ctrl-C sets a flag that the simulation polls at every damage sample, so the run stops between
/// steps and discards its staging folder instead of leaving partial output.
enum Interrupt {
    static let requested = Atomic<Bool>(false)

    static func install() {
        _ = requested.load(ordering: .relaxed) // initialise the global outside the handler
        signal(SIGINT) { _ in Interrupt.requested.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in Interrupt.requested.store(true, ordering: .relaxed) }
        // A parent may start us with these signals blocked (some process launchers do); unblock
        // them before any worker thread exists, so every thread inherits the open mask.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    static var isRequested: Bool { requested.load(ordering: .relaxed) }
}
