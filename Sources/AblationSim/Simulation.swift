import AblationGrid
import AblationKernels
import AblationMicrowave
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

    public func run() throws -> SimulationResult {
        let clock = ContinuousClock()
        let started = clock.now
        let L = model.op.layout
        let g = scene.grid
        let dtMax = try chosenTimeStep()
        let timeline = PowerTimeline(preset: preset)
        let law = DamageLaw(preset: preset, scene: scene, layout: L)
        let damage = DamageIntegrator(layout: L, law: law)
        let activity = RowActivity(layout: L)
        let vaporisation = Vaporisation(model: model, scene: scene, preset: preset)
        let vesselFlow = VesselFlow(preset: preset, scene: scene, layout: L)
        var activeSum = 0.0
        var current = model.initialTemperature(preset, scene: scene)
        var next = AlignedBuffer<Float>(count: L.count, repeating: 0)
        next.copy(from: current)
        let planes = L.nz
        ParallelSlabs.run(planes: planes, threads: threads) { damage.start(temperature: current, planes: $0) }

        let voxelML = g.voxelVolumeMM3 / 1000
        var series: [SimulationResult.Sample] = []
        var energy = [Double](repeating: 0, count: preset.applicators.count)
        var time = 0.0, steps = 0, lastSample = 0.0
        var peak = -Double.infinity
        let threshold = preset.damage.threshold
        let sampleEvery = max(1, Int((preset.time.damageIntervalS / dtMax).rounded(.down)))

        let track = TrackAblation(preset: preset, grid: g)
        // Per applicator, the track-ablation heat of the step a sample ends (not electrical power
        // through the last measured impedance, so left out of the sample's voltage and current).
        var heldPowers = [Double](repeating: 0, count: preset.applicators.count)
        func takeSample(powers: [Double]) throws {
            let interval = time - lastSample
            // k(T) first: it reads which rows changed, which the damage sample then clears.
            activity.mark(rows: model.respondToTemperature(current, activity: activity, threads: threads))
            let parts = ParallelSlabs.map(slabs: activity.slabs(threads: threads, flags: activity.changedSinceSample)) {
                damage.sample(temperature: current, interval: interval, threshold: threshold, planes: $1, activity: activity)
            }
            lastSample = time
            let maxT = parts.map(\.maxTemperature).max() ?? -.infinity
            let necrotic = parts.reduce(0) { $0 + $1.necroticVoxels }
            if let bad = parts.compactMap(\.firstNonFinite).first {
                throw SimulationFailure.nonFinite(position: worldPosition(ofPadded: bad), time: time)
            }
            peak = max(peak, Double(maxT))
            series.append(.init(time: time, powers: powers, energy: energy.reduce(0, +),
                                impedanceOhm: drivers.first.map(\.resistance),
                                voltageV: drivers.first.map { RadiofrequencyDriver.voltage(power: powers[$0.index] - heldPowers[$0.index], impedance: $0.resistance) },
                                currentA: drivers.first.map { RadiofrequencyDriver.current(power: powers[$0.index] - heldPowers[$0.index], impedance: $0.resistance) },
                                electrodeTemperatureC: drivers.first.flatMap { $0.measuredTemperature(current) },
                                maxTemperatureC: Double(maxT), ablationVolumeML: Double(necrotic) * voxelML))
            if law != .peakTemperature {
                let changedRows = model.shutDownPerfusion(rows: parts.flatMap(\.necroticRows), threshold: threshold, threads: threads) { Double(damage.value(at: $0)) }
                activity.mark(rows: changedRows)
            }
            if let vesselFlow {
                // A vessel whose wall has coagulated enough for a thrombus to close it stops flowing (VesselOcclusion); the
                // measure is the one the zone is judged by, as for perfusion shutdown.
                let isCoagulated: (Int) -> Bool = law == .peakTemperature
                    ? { Double(damage.peakTemperature[$0]) >= threshold }
                    : { Double(damage.value(at: $0)) >= threshold }
                for c in vesselFlow.occludeClosedChannels(time: time, isCoagulated: isCoagulated) {
                    activity.mark(rows: model.stagnate(lumen: vesselFlow.channels[c].voxels, label: vesselFlow.channels[c].label))
                }
                vesselFlow.update(temperature: current, op: model.op, voxelVolumeM3: g.voxelVolumeMM3 * 1e-9)
                activity.mark(rows: vesselFlow.rows)
            }
            if let observer, !observer(Progress(simulatedTime: time, totalTime: timeline.segments.last?.end ?? 0,
                                                maxTemperatureC: Double(maxT),
                                                ablationVolumeML: Double(necrotic) * voxelML, step: steps)) {
                throw SimulationFailure.cancelled
            }
        }

        // Microwave antennas: the absorbed-power pattern follows the tissue state, so it is
        // re-evaluated every `update_interval_s` of simulated time (and at every phase change).
        let antennas: [(index: Int, sar: MicrowaveSAR, interval: Double)] = try preset.applicators.enumerated().compactMap { n, a in
            guard case let .microwave(m) = a else { return nil }
            let profile = try DeviceProfile.profile(MicrowaveDevice(rawValue: m.device)!, frequencyMHz: m.frequencyMHz)
            return (n, MicrowaveSAR(grid: g, placement: AntennaPlacement(tipMM: m.tipMM, entryMM: m.entryMM),
                                    profile: profile, threads: threads), m.updateIntervalS)
        }
        let drivers: [RadiofrequencyDriver] = preset.applicators.enumerated().compactMap { n, a in
            guard case let .radiofrequency(rf) = a else { return nil }
            return RadiofrequencyDriver(index: n, spec: rf, scene: scene, materials: model.labelMaterial, threads: threads)
        }
        // RF electrodes decide their own solves (RadiofrequencyDriver.needsSolve), after every step.
        let antennaInterval = antennas.map(\.interval).min() ?? .infinity
        var lastAntennaUpdate = -Double.infinity
        // The source without any RF electrode's heat: between solves the first heating electrode
        // rewrites q from it and the others add theirs.
        let radiofrequencyBase = AlignedBuffer<Float>(count: drivers.isEmpty ? 1 : L.count, repeating: 0)
        var antennaQ = [Float](repeating: 0, count: antennas.isEmpty ? 0 : g.voxelCount)
        // The tissue state the antennas read, in grid order; kept between updates so that each
        // update does not fault in two fresh grid-sized arrays.
        var antennaTemperature = [Float](repeating: 0, count: antennas.isEmpty ? 0 : g.voxelCount)
        var antennaPeak = antennaTemperature
        var antennaReports = [DepositReport?](repeating: nil, count: preset.applicators.count)
        var currentPowers: [Double] = []
        // Powers actually delivered (RF generators decide their own), for energy and the time series.
        var deliveredPowers: [Double] = preset.applicators.map { _ in 0 }
        func depositAll(powers: [Double]) {
            currentPowers = powers
            deliveredPowers = powers
            depositSources(powers: powers, markRows: antennas.isEmpty)
            if !antennas.isEmpty {
                L.gather(current, into: &antennaTemperature, threads: threads)
                L.gather(damage.peakTemperature, into: &antennaPeak, threads: threads)
                for antenna in antennas where powers[antenna.index] > 0 {
                    antennaReports[antenna.index] = antenna.sar.deposit(forwardPowerW: powers[antenna.index], temperature: antennaTemperature,
                                                                        peakTemperature: antennaPeak, into: &antennaQ)
                    L.add(antennaQ, to: model.op.externalSource, threads: threads)
                }
                model.op.markSourceRows(threads: threads)
                lastAntennaUpdate = time
            }
            if !drivers.isEmpty {
                radiofrequencyBase.copy(from: model.op.externalSource)
                var baseTaken = false
                for d in drivers {
                    if powers[d.index] > 0 {
                        d.update(temperature: current, time: time)
                        d.addHeat(into: model.op.externalSource, base: baseTaken ? nil : radiofrequencyBase, temperature: current)
                        baseTaken = baseTaken || d.isHeating
                    } else {
                        d.stop()
                    }
                    deliveredPowers[d.index] = d.power
                }
                model.op.markSourceRows()
                lastAntennaUpdate = time
            }
            // New sources (and, at a phase change, a new dt) change every row's update.
            activity.markAll()
        }

        if timeline.segments.isEmpty { try takeSample(powers: []) }
        for (number, segment) in timeline.segments.enumerated() {
            // A cooled electrode's pump stops with its generator.
            for (n, a) in preset.applicators.enumerated() {
                if case let .radiofrequency(rf) = a, rf.electrode.isCooled, rf.durationS <= segment.start + 1e-9 {
                    model.stopCoolant(applicator: n)
                }
            }
            depositAll(powers: segment.powers)
            // The first sample shows the powers the generators actually start with.
            if number == 0 { try takeSample(powers: deliveredPowers) }
            let n = max(1, Int((segment.duration / dtMax).rounded(.up)))
            let dt = segment.duration / Double(n)
            for s in 0..<n {
                let src = current, dst = next
                // General rows stream seven coefficient arrays besides T: about twice a uniform row's time.
                ParallelSlabs.run(slabs: activity.slabs(threads: threads, flags: activity.active, op: model.op, generalCost: 2)) {
                    model.op.step(from: src, to: dst, dt: Float(dt), planes: $0, activity: activity)
                }
                // Before vaporisation, so that a drying voxel sees its whole change of the step.
                model.cooledContact?.apply(to: dst, dt: dt, model: model, activity: activity)
                var stepPowers = deliveredPowers
                if let track {
                    for n in heldPowers.indices { heldPowers[n] = 0 }
                    for (n, heat) in track.apply(to: dst, time: segment.start + Double(s + 1) * dt, dt: dt, model: model,
                                                 voxelVolumeM3: g.voxelVolumeMM3 * 1e-9, activity: activity) {
                        heldPowers[n] += heat / dt
                        stepPowers[n] += heat / dt
                    }
                }
                vaporisation.correct(before: src, after: dst, damage: damage, op: model.op, dt: Float(dt), threads: threads)
                // Energy of this step at the powers it ran with, before a generator changes its power.
                for (a, p) in stepPowers.enumerated() { energy[a] += p * dt }
                // RF heat follows each voxel's conductivity between potential solves, and a
                // temperature-controlled generator sets its power for the next step.
                var baseTaken = false
                var refreshed: [RadiofrequencyDriver] = []
                let heating = drivers.filter(\.isHeating)
                for d in heating {
                    if d.refreshHeat(temperature: dst, time: segment.start + Double(s + 1) * dt, dt: dt,
                                     base: baseTaken ? nil : radiofrequencyBase,
                                     alone: heating.count == 1, into: model.op.externalSource) {
                        refreshed.append(d)
                    }
                    baseTaken = true
                }
                // A controller that raises its power from 0 puts heat into rows that had none.
                if drivers.contains(where: { deliveredPowers[$0.index] == 0 && $0.power > 0 && $0.isHeating }) {
                    model.op.markSourceRows()
                }
                for d in drivers { deliveredPowers[d.index] = d.power }
                // Rows whose source changed must be computed in the next step even where their
                // temperatures did not change, so they are marked after the propagation.
                activity.propagate()
                for d in refreshed { activity.mark(flags: d.changedRows) }
                activeSum += activity.activeFraction
                if model.boundary.needsRefresh { model.boundary.fillGhosts(dst, layout: L, onlyDependent: true) }
                swap(&current, &next)
                steps += 1
                time = segment.start + Double(s + 1) * dt
                if (s + 1) % sampleEvery == 0 || s + 1 == n {
                    // Samples show the power of the step that ends at the sample.
                    try takeSample(powers: stepPowers)
                    if antennaInterval.isFinite && time - lastAntennaUpdate >= antennaInterval - 1e-9 && s + 1 < n {
                        depositAll(powers: currentPowers)
                        continue
                    }
                }
                if s + 1 < n && drivers.contains(where: { $0.needsSolve(at: time) }) {
                    depositAll(powers: currentPowers)
                }
            }
        }
        ParallelSlabs.run(planes: planes, threads: threads) { damage.flush(planes: $0) }
        let wall = clock.now - started
        let driverOfApplicator = preset.applicators.indices.map { n in drivers.first { $0.index == n } }
        var result = SimulationResult(preset: preset, scene: scene, layout: L, damage: damage, finalTemperature: current,
                                timeSeries: series, steps: steps, simulatedTime: time, maxTimeStep: dtMax,
                                deliveredEnergy: energy, peakTemperatureC: peak,
                                meanActiveRowFraction: activeSum / Double(max(1, steps)),
                                lastDeposits: antennaReports,
                                finalImpedance: driverOfApplicator.map { $0?.resistance },
                                solverSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18)
        result.vessels = vesselFlow?.reports ?? []
        result.potentialSolves = driverOfApplicator.map { $0.map { (solves: $0.solves, iterations: $0.iterations) } }
        result.peakVoltage = driverOfApplicator.map { $0?.peakVoltage }
        result.powerLimitedS = driverOfApplicator.map { d in d.flatMap { $0.spec.hasOutputLimits ? $0.limitedS : nil } }
        if let contact = model.cooledContact {
            result.coolantEnergy = preset.applicators.indices.map { n in
                guard case let .radiofrequency(rf) = preset.applicators[n], rf.electrode.isCooled else { return nil }
                return contact.removedEnergyJ[n]
            }
        }
        return result
    }

    /// Spreads each heat source's power over its footprint: W/m³ = P * fraction / (sum of fractions * voxel volume),
    /// so the deposited total equals P exactly however the surface cuts the voxels.
    /// `markRows: false` leaves the row flags to a caller that adds more heat first.
    func depositSources(powers: [Double], markRows: Bool = true) {
        let L = model.op.layout
        let g = scene.grid
        let q = model.op.externalSource
        q.fill(0)
        let voxelM3 = g.voxelVolumeMM3 * 1e-9
        for (a, footprint) in scene.sourceFootprints.enumerated() {
            guard let footprint, powers[a] > 0 else { continue }
            let density = powers[a] / (footprint.voxelVolume * voxelM3)
            for (idx, f) in zip(footprint.indices, footprint.fractions) {
                let i = idx % g.nx, j = (idx / g.nx) % g.ny, k = idx / (g.nx * g.ny)
                q[L.index(i, j, k)] += Float(density * f)
            }
        }
        if markRows { model.op.markSourceRows(threads: threads) }
    }

    func worldPosition(ofPadded idx: Int) -> SIMD3<Double> {
        let L = model.op.layout
        let k = idx / L.strideZ - 1
        let j = (idx % L.strideZ) / L.strideY - 1
        let i = idx % L.strideY - 1
        return scene.grid.worldPosition(i, j, k)
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
