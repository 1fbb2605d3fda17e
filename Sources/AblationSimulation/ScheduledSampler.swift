import AblationKernels
import AblationTissue

/// What runs at every damage sample (every `time.damage_interval_s`, and at the end of each
/// phase), in the loop's order: the temperature laws of the tissue, the damage integral, the time
/// series, perfusion shutdown, vessel occlusion and flow, the progress observer. Each reads what
/// the earlier ones left in the `DamageSample`.
protocol ScheduledSampler: AnyObject {
    func sample(_ sample: inout DamageSample, state: SimulationState) throws
}

/// One damage sample as the samplers pass it on.
struct DamageSample {
    /// Powers of the step that ends at the sample (W), and the part of them held by corrections.
    let powers: [Double]
    let heldPowers: [Double]
    /// Energy delivered so far by all applicators (J).
    let energyJ: Double
    /// Filled by the damage sampler.
    var maxTemperatureC: Float = -.infinity
    var necroticVoxels = 0
    /// Rows holding at least one voxel at or above the necrosis threshold.
    var necroticRows: [Int32] = []
}

/// k(T) and c(T) (TissuePropertyLaw): conductivities and heat capacities follow the temperature
/// in the rows that changed since the last sample. First, because the damage sample clears the
/// change flags it reads.
final class TemperatureDependentTissue: ScheduledSampler {
    func sample(_ sample: inout DamageSample, state: SimulationState) throws {
        state.activity.mark(rows: state.model.respondToTemperature(state.temperature, activity: state.activity, threads: state.threads))
    }
}

/// The damage integral (DamageIntegrator) over the interval since the last sample, the peak
/// temperature, and the necrotic voxels; a non-finite temperature stops the run here.
final class DamageSampler: ScheduledSampler {
    private var lastSampleTime = 0.0
    /// The hottest any voxel has been at a sample (°C).
    private(set) var peakTemperatureC = -Double.infinity

    func sample(_ sample: inout DamageSample, state: SimulationState) throws {
        let interval = state.time - lastSampleTime
        let damage = state.damage, activity = state.activity, temperature = state.temperature
        let threshold = state.preset.damage.threshold
        let parts = ParallelSlabs.map(slabs: activity.slabs(threads: state.threads, flags: activity.changedSinceSample)) {
            damage.sample(temperature: temperature, interval: interval, threshold: threshold, planes: $1, activity: activity)
        }
        lastSampleTime = state.time
        sample.maxTemperatureC = parts.map(\.maxTemperature).max() ?? -.infinity
        sample.necroticVoxels = parts.reduce(0) { $0 + $1.necroticVoxels }
        sample.necroticRows = parts.flatMap(\.necroticRows)
        if let bad = parts.compactMap(\.firstNonFinite).first {
            throw SimulationFailure.nonFinite(position: state.worldPosition(ofPadded: bad), time: state.time)
        }
        peakTemperatureC = max(peakTemperatureC, Double(sample.maxTemperatureC))
    }
}

/// One row of timeseries.csv per sample, with the first RF generator's readings.
final class TimeSeriesRecorder: ScheduledSampler {
    private let applicators: [any ApplicatorKind]
    private(set) var series: [SimulationResult.Sample] = []

    init(applicators: [any ApplicatorKind]) { self.applicators = applicators }

    func sample(_ sample: inout DamageSample, state: SimulationState) throws {
        let powers = sample.powers, heldPowers = sample.heldPowers
        let readings = applicators.lazy.compactMap { $0.readings(powers: powers, heldPowers: heldPowers, state: state) }.first
        series.append(.init(time: state.time, powers: sample.powers, energy: sample.energyJ,
                            impedanceOhm: readings?.impedanceOhm, voltageV: readings?.voltageV, currentA: readings?.currentA,
                            electrodeTemperatureC: readings?.electrodeTemperatureC, maxTemperatureC: Double(sample.maxTemperatureC),
                            ablationVolumeML: Double(sample.necroticVoxels) * state.voxelVolumeML))
    }
}

/// Capillary perfusion stops where the damage measure reaches the material's stasis dose
/// (ThermalModel.shutDownPerfusion). Not under the isotherm model, which has no dose.
final class PerfusionShutdown: ScheduledSampler {
    func sample(_ sample: inout DamageSample, state: SimulationState) throws {
        let damage = state.damage
        let changedRows = state.model.shutDownPerfusion(rows: sample.necroticRows, threshold: state.preset.damage.threshold,
                                                        threads: state.threads) { Double(damage.value(at: $0)) }
        state.activity.mark(rows: changedRows)
    }
}

/// Convective vessels: a vessel whose wall has coagulated enough for a thrombus to close it stops
/// flowing (VesselOcclusion), judged by the measure the zone is judged by, as for perfusion
/// shutdown; the others carry blood that warms along them (VesselFlow).
final class VesselFlowSampler: ScheduledSampler {
    let vessels: VesselFlow

    init(vessels: VesselFlow) { self.vessels = vessels }

    func sample(_ sample: inout DamageSample, state: SimulationState) throws {
        let damage = state.damage, threshold = state.preset.damage.threshold
        let isCoagulated: (Int) -> Bool = damage.law == .peakTemperature
            ? { Double(damage.peakTemperature[$0]) >= threshold }
            : { Double(damage.value(at: $0)) >= threshold }
        vessels.bookHeat(until: state.time)
        for c in vessels.occludeClosedChannels(time: state.time, isCoagulated: isCoagulated) {
            state.activity.mark(rows: state.model.stagnate(lumen: vessels.channels[c].voxels, label: vessels.channels[c].label))
        }
        vessels.update(temperature: state.temperature, op: state.model.op, voxelVolumeM3: state.voxelVolumeM3)
        state.activity.mark(rows: vessels.rows)
    }
}

/// The caller's progress observer (`Simulation.observer`); returning false cancels the run.
final class ProgressObserver: ScheduledSampler {
    let observer: (Simulation.Progress) -> Bool
    let totalTime: Double

    init(observer: @escaping (Simulation.Progress) -> Bool, totalTime: Double) {
        self.observer = observer
        self.totalTime = totalTime
    }

    func sample(_ sample: inout DamageSample, state: SimulationState) throws {
        let progress = Simulation.Progress(simulatedTime: state.time, totalTime: totalTime, maxTemperatureC: Double(sample.maxTemperatureC),
                                           ablationVolumeML: Double(sample.necroticVoxels) * state.voxelVolumeML,
                                           step: state.steps)
        if !observer(progress) { throw SimulationFailure.cancelled }
    }
}
