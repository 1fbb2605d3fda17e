import AblationKernels

/// `rfa` applicators: each electrode with its generator (RadiofrequencyElectrode). The electrodes
/// heat on top of the other applicators' source: at a deposit round the source without any RF
/// heat is kept as the base, the first heating electrode writes base + its heat, the others add
/// theirs; between solves each electrode's heat follows the conductivity, rewritten from the
/// same base. Cooled electrodes stop their pump with their generator.
final class RadiofrequencyElectrodes: ApplicatorKind {
    private let electrodes: [RadiofrequencyElectrode]
    /// The source without any RF electrode's heat.
    private let base: AlignedBuffer<Float>

    var applicatorIndices: [Int] { electrodes.map(\.index) }

    /// Nil when the preset has no RF electrode.
    init?(preset: Preset, scene: Scene, model: ThermalModel, threads: Int) {
        electrodes = preset.applicators.enumerated().compactMap { n, a in
            guard case let .radiofrequency(rf) = a else { return nil }
            return RadiofrequencyElectrode(index: n, spec: rf, scene: scene, materials: model.labelMaterial, threads: threads)
        }
        guard !electrodes.isEmpty else { return nil }
        base = AlignedBuffer<Float>(count: model.op.layout.count, repeating: 0)
    }

    /// A cooled electrode's pump stops with its generator (the pump-off check follows).
    func beginPhase(at start: Double, state: SimulationState) {
        for e in electrodes where e.spec.electrode.isCooled && e.spec.durationS <= start + 1e-9 {
            state.model.stopCoolant(applicator: e.index)
        }
    }

    func deposit(powers: [Double], state: SimulationState) {
        base.copy(from: state.source)
        var baseTaken = false
        for e in electrodes {
            if powers[e.index] > 0 {
                e.update(temperature: state.temperature, time: state.time)
                e.addHeat(into: state.source, base: baseTaken ? nil : base, temperature: state.temperature)
                baseTaken = baseTaken || e.isHeating
            } else {
                e.stop()
            }
            state.deliveredPowers[e.index] = e.power
        }
    }

    func needsDeposit(state: SimulationState, atSample: Bool) -> Bool {
        electrodes.contains { $0.needsSolve(at: state.time) }
    }

    /// RF heat follows each voxel's conductivity between potential solves, and a
    /// temperature-controlled generator sets its power for the next step.
    func afterStep(dt: Double, endTime: Double, state: SimulationState) -> [AlignedBuffer<UInt8>] {
        let heating = electrodes.filter(\.isHeating)
        var refreshed: [AlignedBuffer<UInt8>] = []
        var baseTaken = false
        for e in heating {
            if e.refreshHeat(temperature: state.nextTemperature, time: endTime, dt: dt, base: baseTaken ? nil : base,
                             alone: heating.count == 1, into: state.source) {
                refreshed.append(e.changedRows)
            }
            baseTaken = true
        }
        // A controller that raises its power from 0 puts heat into rows that had none.
        if electrodes.contains(where: { state.deliveredPowers[$0.index] == 0 && $0.power > 0 && $0.isHeating }) {
            state.model.op.markSourceRows()
        }
        for e in electrodes { state.deliveredPowers[e.index] = e.power }
        return refreshed
    }

    /// The first electrode's generator; the power through the circuit excludes held heat (track
    /// ablation), which did not pass through the last measured impedance.
    func readings(powers: [Double], heldPowers: [Double], state: SimulationState) -> GeneratorReadings? {
        guard let e = electrodes.first else { return nil }
        let circuitPower = powers[e.index] - heldPowers[e.index]
        return GeneratorReadings(impedanceOhm: e.resistance,
                                 voltageV: RadiofrequencyElectrode.voltage(power: circuitPower, impedance: e.resistance),
                                 currentA: RadiofrequencyElectrode.current(power: circuitPower, impedance: e.resistance),
                                 electrodeTemperatureC: e.measuredTemperature(state.temperature))
    }

    func reports(state: SimulationState) -> [(index: Int, report: ApplicatorReport)] {
        electrodes.map { e in
            var report = ApplicatorReport()
            report.radiofrequency = RadiofrequencyReport(
                finalImpedanceOhm: e.resistance, potentialSolves: e.solves, cgIterations: e.iterations, peakVoltageV: e.peakVoltage,
                powerLimitedS: e.spec.hasOutputLimits ? e.limitedS : nil,
                coolantEnergyJ: e.spec.electrode.isCooled ? state.model.cooledContact.map { $0.removedEnergyJ[e.index] } : nil)
            return (e.index, report)
        }
    }
}
