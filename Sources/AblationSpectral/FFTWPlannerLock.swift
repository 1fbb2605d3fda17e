import Foundation
import Synchronization

/// FFTW's planner (`fftw_plan_*`, `fftw_destroy_plan`, and the `fftwf_`
/// equivalents) is not thread-safe; executing an existing plan is. Every planner
/// call in this module goes through this single process-wide lock.
private let fftwPlannerMutex = Mutex<Void>(())

/// Runs `body` while holding the process-wide FFTW planner lock.
///
/// Other code in the same process that creates or destroys FFTW plans should
/// use this function too, so that all planner calls are serialised by one lock.
public func withFFTWPlannerLock<R>(_ body: () throws -> R) rethrows -> R {
    try fftwPlannerMutex.withLock { _ in try body() }
}
