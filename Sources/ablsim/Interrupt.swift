import Foundation
import Synchronization

/// Ctrl-C sets a flag that the simulation polls at every damage sample, so the run stops between
/// steps and discards its staging folder instead of leaving partial output.
enum Interrupt {
    static let requested = Atomic<Bool>(false)

    static func install() {
        signal(SIGINT) { _ in Interrupt.requested.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in Interrupt.requested.store(true, ordering: .relaxed) }
    }

    static var isRequested: Bool { requested.load(ordering: .relaxed) }
}
