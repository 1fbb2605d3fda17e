import AblationElectric
import AblationGrid
import AblationJSON
import AblationKernels
import AblationPreset
import Foundation

/// `rfa` applicators: each electrode with its generator (RadiofrequencyElectrode). The electrodes
/// heat on top of the other applicators' source: at a deposit round the source without any RF
/// heat is kept as the base, the first heating electrode writes base + its heat, the others add
/// theirs; between solves each electrode's heat follows the conductivity, rewritten from the
/// same base. Cooled electrodes stop their pump with their generator.
final class RadiofrequencyElectrodes: ApplicatorKind {
    private let electrodes: [RadiofrequencyElectrode]
    /// The source without any RF electrode's heat.
    private let base: AlignedBuffer<Float>

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

    /// Voxels the metal of every RF needle occupies (sorted, grid order): conductors, and the
    /// shafts of cooled needles. Not tissue, so no part of any target.
    static func metalVoxels(preset: Preset, grid g: Grid3D) -> Set<Int> {
        var occupied = Set<Int>()
        for a in preset.applicators {
            if case let .radiofrequency(rf) = a { occupied.formUnion(RadiofrequencyGeometry.metalVoxels(rf, grid: g)) }
        }
        return occupied
    }

    /// Electrodes the grid does not resolve, a run that ends with the coolant still on, a
    /// generator that needed implausible voltages, and what RF rests on.
    static func warnings(preset: Preset, scene: Scene, result: SimulationResult) -> [String] {
        var warnings: [String] = []
        for (n, a) in preset.applicators.enumerated() {
            guard case let .radiofrequency(rf) = a else { continue }
            // Conductors thinner than two voxels are rasterised as at least one voxel thick.
            let spacing = JSONWriter.format(preset.grid.spacingMM)
            switch rf.electrode {
            case .cooledTip, .cluster:
                if !rf.resolvesNeedles(atSpacingMM: preset.grid.spacingMM) {
                    let what = rf.electrode == .cooledTip ? "the electrode" : "each cluster needle"
                    warnings.append(String(format: "applicators.%d: %@ (%.2f mm) is thinner than two voxels at grid.spacing_mm = %@; its surface is placed inside its voxels, but the heating and drying next to it are averaged over a voxel: use grid.spacing_mm <= %.3g to resolve them", n, what, rf.diameterMM, spacing, rf.diameterMM / 2))
                }
                if rf.pumpOffS == 0 && preset.time.cooldownS == 0 {
                    warnings.append(String(format: "applicators.%d: the run ends when the generator stops (pump_off_s 0, time.cooldown_s 0), so the tissue against the cooled metal is still near the coolant temperature and counts as alive; cooled-tip protocols stop the pump and let it heat (pump_off_s, default 60)", n))
                }
            case let .multiTine(m):
                if m.tineDiameterMM < preset.grid.spacingMM {
                    // Modelled as wires through voxel centres (PotentialSolver.thinConductor).
                    warnings.append(String(format: "applicators.%d: the tines (%.2f mm) are thinner than a voxel at grid.spacing_mm = %@, so each is a wire through its voxels' centres with its contact scaled to its radius; the heating next to it is averaged over a voxel, so the roll-off and the zone depend on the spacing (the 4 cm preset: about 10 %% in volume between 1 and 0.75 mm): use grid.spacing_mm <= %.3g to resolve it", n, m.tineDiameterMM, spacing, m.tineDiameterMM / 2))
                } else if m.tineDiameterMM < 2 * preset.grid.spacingMM {
                    warnings.append(String(format: "applicators.%d: the tines (%.2f mm) are thinner than two voxels at grid.spacing_mm = %@, so each is rasterised at least one voxel thick; the impedance and the heating next to them are not resolved: use grid.spacing_mm <= %.3g", n, m.tineDiameterMM, spacing, m.tineDiameterMM / 2))
                }
            }
        }
        warnings += zoneCaveats(preset: preset, result: result)
        // A named device says what it was calibrated on; generic electrodes get the general note.
        var generic = false
        for (n, a) in preset.applicators.enumerated() {
            guard case let .radiofrequency(rf) = a else { continue }
            if let note = RadiofrequencyCalibrationNote.warning(device: RadiofrequencyDevice(rawValue: rf.device) ?? .generic, applicator: n) {
                warnings.append(note)
            } else {
                generic = true
            }
        }
        if generic {
            warnings.append("rfa: the electrode and generator are not calibrated per device (docs/validation.md#what-is-not-reproduced: an in vivo cooled tip within 12 %, an in vivo cluster within 10 %, bench clusters 9-20 % too small, a blood-perfused bench cooled tip within 13 % once that condition's perfusion was fitted, zones respond to perfusion at 70 % of the published rate, a 4 cm multi-tine array's zone 20-46 % wider than published: read a multi-tine zone's width as an upper bound); the generator model is simplified (docs/devices.md#generator-modes)")
        }
        return warnings
    }

    /// What a generator did that the zone rests on and the preset does not show: voltages past what
    /// a clinical generator drives (unlimited runs into dried tissue), and staged deployments the run
    /// ended before their last step's hold was over (the zone is then a partly deployed array's).
    static func zoneCaveats(preset: Preset, result: SimulationResult) -> [String] {
        var caveats: [String] = []
        for (n, report) in result.applicators.enumerated() {
            guard case let .radiofrequency(rf) = preset.applicators[n], let rfReport = report.radiofrequency else { continue }
            if rf.maxVoltageV == nil && rfReport.peakVoltageV > RadiofrequencyElectrode.plausibleVoltageV {
                caveats.append(String(format: "applicators.%d: the generator needed up to %.0f V rms (sqrt(P R) at a potential solve) to keep its power into dried tissue; clinical RF generators drive at most a few hundred volts and this run set no limit, so temperatures beside the electrode after it dried (max_temperature_c) are not physical: use impedance control, a lower power, or the generator's limit (control.max_voltage_v)", n, rfReport.peakVoltageV))
            }
            if let stalled = unfinishedDeploymentWarning(applicator: n, spec: rf, report: rfReport) { caveats.append(stalled) }
        }
        return caveats
    }

    static func unfinishedDeploymentWarning(applicator n: Int, spec: Preset.RadiofrequencySpec, report: RadiofrequencyReport) -> String? {
        guard case let .multiTine(m) = spec.electrode, let starts = report.deploymentStepStartsS, !starts.isEmpty,
              report.deploymentEndS == nil, starts.count <= m.deployment.count else { return nil }
        let steps = m.deployment
        let reached = steps[starts.count - 1].deployedDiameterMM
        var why: String
        if report.deploymentHoldStartS == nil, case let .temperature(target, _) = spec.control {
            why = String(format: "the tine-end reading never reached control.target_c (%@ °C) in that step, so its hold never began", JSONWriter.format(target))
            if let limited = report.powerLimitedS, limited > 0 {
                why += String(format: " (an output limit held the power down for %.0f s while the tissue at the tines dried)", limited)
            }
        } else {
            why = String(format: "duration_s (%@ s) ended before the step's hold did", JSONWriter.format((spec.durationS * 10).rounded() / 10))
        }
        let ofSteps = starts.count < steps.count ? String(format: "; the later steps to %@ mm were never deployed", JSONWriter.format(steps.last!.deployedDiameterMM)) : ""
        return String(format: "applicators.%d: the run ended in step %d of %d of the deployment (the array at %@ mm): %@%@, so the zone is that of the partly deployed array", n, starts.count, steps.count,
                      JSONWriter.format(reached), why, ofSteps)
    }

    func reports(state: SimulationState) -> [(index: Int, report: ApplicatorReport)] {
        electrodes.map { e in
            var report = ApplicatorReport()
            report.radiofrequency = RadiofrequencyReport(
                finalImpedanceOhm: e.resistance, potentialSolves: e.solves, cgIterations: e.iterations, peakVoltageV: e.peakVoltage,
                powerLimitedS: e.spec.hasOutputLimits ? e.limitedS : nil,
                coolantEnergyJ: e.spec.electrode.isCooled ? state.model.cooledContact.map { $0.removedEnergyJ[e.index] } : nil,
                deploymentStepStartsS: e.isStaged ? e.stepStartsS : nil, deploymentEndS: e.deploymentEndS,
                deploymentHoldStartS: e.holdStartS)
            return (e.index, report)
        }
    }
}
