import AblationKernels

/// What acts on the new temperature after each kernel step, before anything reads it: the
/// exchange with a cooled needle's true surface, the withdrawing hot tip of track ablation, and
/// the enthalpy correction of boiling and dried tissue. The loop applies them in that order (a
/// drying voxel must see its whole change of the step).
protocol StepCorrection: AnyObject {
    func correct(_ step: inout CorrectedStep, state: SimulationState)
}

/// One kernel step as the corrections see it.
struct CorrectedStep {
    /// Temperatures at the step's start and the kernel's result, which corrections adjust.
    let before: AlignedBuffer<Float>
    let after: AlignedBuffer<Float>
    let dt: Double
    /// Simulated time at the step's end.
    let endTime: Double
    /// Per applicator: heat a correction held on the generator's behalf during this step (W),
    /// counted as that generator's energy but not as power through its circuit.
    var heldPowers: [Double]
}

extension CooledSurfaceContact: StepCorrection {
    func correct(_ step: inout CorrectedStep, state: SimulationState) {
        apply(to: step.after, dt: step.dt, model: state.model, activity: state.activity)
    }
}

extension TrackAblation: StepCorrection {
    func correct(_ step: inout CorrectedStep, state: SimulationState) {
        for (n, heat) in apply(to: step.after, time: step.endTime, dt: step.dt, model: state.model,
                               voxelVolumeM3: state.voxelVolumeM3, activity: state.activity) {
            step.heldPowers[n] += heat / step.dt
        }
    }
}

extension Vaporisation: StepCorrection {
    func correct(_ step: inout CorrectedStep, state: SimulationState) {
        correct(before: step.before, after: step.after, damage: state.damage, op: state.model.op, dt: Float(step.dt), threads: state.threads)
    }
}
