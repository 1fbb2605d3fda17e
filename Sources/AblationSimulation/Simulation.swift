import AblationGrid
import AblationJSON
import AblationKernels
import AblationPreset
import Foundation

/// Drives one treatment: applicators deposit heat, the Pennes kernel steps, damage and peak
/// temperature are sampled, tissue responds, and observers see progress. Owns the time loop.
public final class Simulation {
    public let preset: Preset
    public let scene: Scene
    public let model: ThermalModel
    public let threads: Int

    /// Called after every damage sample; return false to stop the run (for Ctrl-C).
    public var observer: ((Progress) -> Bool)?

    public struct Progress: Sendable {
        public var simulatedTime: Double
        public var totalTime: Double
        public var maxTemperatureC: Double
        public var ablationVolumeML: Double
        public var step: Int
    }

    public init(preset: Preset, scene: Scene, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.preset = preset
        self.scene = scene
        self.threads = max(1, threads)
        model = ThermalModel(preset: preset, scene: scene)
    }

    /// The explicit step the stability bound allows and the step the run will use.
    public var stableTimeStep: Double { model.stableTimeStep() }

    public func chosenTimeStep() throws(PresetError) -> Double {
        let bound = stableTimeStep
        if let dt = preset.time.dtS {
            if dt > bound {
                throw PresetError(path: "time.dt_s", "got \(JSONWriter.format(dt)) s; expected at most \(String(format: "%.4g", bound)) s, the stability bound of this grid and tissue (rho c / (sum of face conductances + perfusion), with k(T) at its largest); omit dt_s to use it")
            }
            return dt
        }
        // 95 % of the bound keeps every update a convex combination despite Float rounding.
        return 0.95 * bound
    }

    /// Every kind of applicator, in the order they deposit (RF electrodes heat on top of the others).
    static let applicatorKinds: [any ApplicatorKind.Type] = [HeatSources.self, MicrowaveAntennas.self, RadiofrequencyElectrodes.self]

    /// What the user should know about the applicators of a finished run (each kind says it for
    /// its own), for summary.json.
    public static func applicatorWarnings(preset: Preset, scene: Scene, result: SimulationResult) -> [String] {
        applicatorKinds.flatMap { $0.warnings(preset: preset, scene: scene, result: result) }
    }

    /// The warnings about what a generator did that the zone rests on: RF voltages past a clinical
    /// generator's, staged deployments the run did not finish. Also among `applicatorWarnings`;
    /// `ablsim validate` lists them per row.
    public static func zoneCaveats(preset: Preset, result: SimulationResult) -> [String] {
        RadiofrequencyElectrodes.zoneCaveats(preset: preset, result: result)
    }

    /// Runs the treatment. What happens, in order (docs/architecture.md, "The time loop"):
    ///
    /// for each phase of constant scheduled powers:
    ///   1. applicators begin the phase (a cooled electrode's pump stops with its generator);
    ///   2. deposit round: the source is cleared and every applicator kind adds its heat;
    ///   3. for each step of the phase (dt divides the phase exactly):
    ///      a. the Pennes kernel steps T -> T' on the rows that can change;
    ///      b. step corrections adjust T' (cooled surface contact, track ablation, vaporisation);
    ///      c. the step's energy is booked at the powers it ran with;
    ///      d. applicators act after the step (generator control, RF heat following sigma(T));
    ///      e. T' becomes the present;
    ///      f. at every damage interval and at the phase's end, the samplers run (tissue laws,
    ///         damage, time series, perfusion shutdown, vessels, progress);
    ///      g. a deposit round again if an applicator needs one (MWA interval, RF solve due).
    public func run() throws -> SimulationResult {
        let clock = ContinuousClock()
        let started = clock.now
        let dtMax = try chosenTimeStep()
        let timeline = PowerTimeline(preset: preset)
        let L = model.op.layout
        let state = SimulationState(preset: preset, scene: scene, model: model, threads: threads,
                                    damageLaw: DamageLaw(preset: preset, scene: scene, layout: L))
        let activity = state.activity
        let applicators = try Simulation.applicatorKinds.compactMap { try $0.init(preset: preset, scene: scene, model: model, threads: threads) }
        let corrections: [any StepCorrection] = ([
            model.cooledContact,
            TrackAblation(preset: preset, grid: scene.grid),
            Vaporisation(model: model, scene: scene, preset: preset),
        ] as [(any StepCorrection)?]).compactMap { $0 }
        let damage = DamageSampler()
        let recorder = TimeSeriesRecorder(applicators: applicators)
        var samplers: [any ScheduledSampler] = [TemperatureDependentTissue(), damage, recorder]
        if state.damage.law != .peakTemperature { samplers.append(PerfusionShutdown()) }
        let vessels = VesselFlow(preset: preset, scene: scene, layout: L)
        if let vessels { samplers.append(VesselFlowSampler(vessels: vessels)) }
        if let observer { samplers.append(ProgressObserver(observer: observer, totalTime: timeline.segments.last?.end ?? 0)) }

        ParallelSlabs.run(planes: L.nz, threads: threads) { state.damage.start(temperature: state.temperature, planes: $0) }
        var energy = [Double](repeating: 0, count: preset.applicators.count)
        // Per applicator, heat a correction held during the last step (track ablation).
        var heldPowers = energy
        var activeSum = 0.0
        let noHeldPowers = heldPowers
        let sampleEvery = max(1, Int((preset.time.damageIntervalS / dtMax).rounded(.down)))

        func takeSample(powers: [Double]) throws {
            var sample = DamageSample(powers: powers, heldPowers: heldPowers, energyJ: energy.reduce(0, +))
            for sampler in samplers { try sampler.sample(&sample, state: state) }
        }
        func depositRound(powers: [Double]) {
            state.beginDepositRound()
            state.deliveredPowers = powers
            state.source.fill(0)
            for a in applicators { a.deposit(powers: powers, state: state) }
            model.op.markSourceRows(threads: threads)
            // New sources (and, at a phase change, a new dt) change every row's update.
            activity.markAll()
        }

        if timeline.segments.isEmpty { try takeSample(powers: []) }
        for (number, phase) in timeline.segments.enumerated() {
            for a in applicators { a.beginPhase(at: phase.start, state: state) }
            depositRound(powers: phase.powers)
            // The first sample shows the powers the generators actually start with.
            if number == 0 { try takeSample(powers: state.deliveredPowers) }
            let n = max(1, Int((phase.duration / dtMax).rounded(.up)))
            let dt = phase.duration / Double(n)
            for s in 0..<n {
                let endTime = phase.start + Double(s + 1) * dt
                let before = state.temperature, after = state.nextTemperature
                // General rows stream seven coefficient arrays besides T: about twice a uniform row's time.
                ParallelSlabs.run(slabs: activity.slabs(threads: threads, flags: activity.active, op: model.op, generalCost: 2)) {
                    model.op.step(from: before, to: after, dt: Float(dt), planes: $0, activity: activity)
                }
                var step = CorrectedStep(before: before, after: after, dt: dt, endTime: endTime, heldPowers: noHeldPowers)
                for c in corrections { c.correct(&step, state: state) }
                heldPowers = step.heldPowers
                // Energy of this step at the powers it ran with, before a generator changes its power.
                var stepPowers = state.deliveredPowers
                for a in stepPowers.indices where heldPowers[a] != 0 { stepPowers[a] += heldPowers[a] }
                for (a, p) in stepPowers.enumerated() { energy[a] += p * dt }
                var sourceChanges: [AlignedBuffer<UInt8>] = []
                for a in applicators { sourceChanges += a.afterStep(dt: dt, endTime: endTime, state: state) }
                // Rows whose source changed must be computed in the next step even where their
                // temperatures did not change, so they are marked after the propagation.
                activity.propagate()
                for rows in sourceChanges { activity.mark(flags: rows) }
                activeSum += activity.activeFraction
                if model.boundary.needsRefresh { model.boundary.fillGhosts(after, layout: L, onlyDependent: true) }
                state.advance(to: endTime)
                let sampled = (s + 1) % sampleEvery == 0 || s + 1 == n
                // Samples show the power of the step that ends at the sample.
                if sampled { try takeSample(powers: stepPowers) }
                if s + 1 < n && applicators.contains(where: { $0.needsDeposit(state: state, atSample: sampled) }) {
                    depositRound(powers: phase.powers)
                }
            }
        }
        ParallelSlabs.run(planes: L.nz, threads: threads) { state.damage.flush(planes: $0) }
        let wall = clock.now - started
        var reports = preset.applicators.map { _ in ApplicatorReport() }
        for a in applicators { for (n, report) in a.reports(state: state) { reports[n] = report } }
        for n in reports.indices { reports[n].deliveredEnergyJ = energy[n] }
        var result = SimulationResult(preset: preset, scene: scene, layout: L, damage: state.damage, finalTemperature: state.temperature,
                                      timeSeries: recorder.series, steps: state.steps, simulatedTime: state.time, maxTimeStep: dtMax,
                                      peakTemperatureC: damage.peakTemperatureC,
                                      meanActiveRowFraction: activeSum / Double(max(1, state.steps)), applicators: reports,
                                      solverSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18)
        result.vessels = vessels?.reports ?? []
        return result
    }
}

public enum SimulationFailure: Error, CustomStringConvertible {
    case nonFinite(position: SIMD3<Double>, time: Double)
    case cancelled

    public var description: String {
        switch self {
        case let .nonFinite(p, t):
            return String(format: "the simulation produced a non-finite temperature at (%.2f, %.2f, %.2f) mm, t = %.3f s", p.x, p.y, p.z, t)
        case .cancelled: return "the run was cancelled"
        }
    }
}
