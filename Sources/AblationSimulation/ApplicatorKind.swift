import AblationKernels
import AblationMicrowave
import AblationPreset

/// The applicators of one kind (heat sources, microwave antennas, RF electrodes with their
/// generators) as the time loop sees them. Applicators of one kind share buffers (antennas read
/// one gathered tissue state, RF electrodes heat on top of the others' source), so one object
/// drives every applicator of its kind and reports on each.
///
/// The loop calls, in this order (docs/architecture.md, "The time loop"):
/// - `beginPhase` when a phase of constant scheduled powers starts;
/// - `deposit` in every deposit round: at each phase start, and whenever any kind
///   `needsDeposit`. The loop clears the source and starts the round; kinds then add their heat in
///   the order heat sources, antennas, RF electrodes;
/// - `afterStep` after every kernel step and its corrections, for what changes between deposits
///   (a generator's control, RF heat following the conductivity);
/// - `readings` at every damage sample, `reports` at the end.
package protocol ApplicatorKind: AnyObject {
    /// This kind's applicators of `preset`, ready to deposit; nil when the preset has none.
    init?(preset: Preset, scene: Scene, model: ThermalModel, threads: Int) throws
    /// A phase of constant scheduled powers starts at `start` (s; before its deposit).
    func beginPhase(at start: Double, state: SimulationState)
    /// Adds the heat of these applicators at the scheduled `powers` (W, indexed like
    /// `preset.applicators`) to `state.source`, and sets `state.deliveredPowers` of any
    /// applicator whose power is not the scheduled one.
    func deposit(powers: [Double], state: SimulationState)
    /// Whether the heat must be evaluated again now (after the step that ended at `state.time`;
    /// `atSample`: a damage sample was just taken).
    func needsDeposit(state: SimulationState, atSample: Bool) -> Bool
    /// After a step of `dt` that ends at `endTime` (its corrected result is
    /// `state.nextTemperature`): updates the source and `state.deliveredPowers` for the next step.
    /// Returns per-row flags of source changes, which the loop marks active after propagating the
    /// step's own changes.
    func afterStep(dt: Double, endTime: Double, state: SimulationState) -> [AlignedBuffer<UInt8>]
    /// Generator readings for the time series (RF electrodes), or nil. `powers` are the step's
    /// powers including `heldPowers`, heat that did not pass through the circuit.
    func readings(powers: [Double], heldPowers: [Double], state: SimulationState) -> GeneratorReadings?
    /// What each applicator did, at the end of the run.
    func reports(state: SimulationState) -> [(index: Int, report: ApplicatorReport)]
    /// What the user should know about this kind's applicators in a finished run (summary.json).
    static func warnings(preset: Preset, scene: Scene, result: SimulationResult) -> [String]
}

extension ApplicatorKind {
    func beginPhase(at start: Double, state: SimulationState) {}
    func needsDeposit(state: SimulationState, atSample: Bool) -> Bool { false }
    func afterStep(dt: Double, endTime: Double, state: SimulationState) -> [AlignedBuffer<UInt8>] { [] }
    func readings(powers: [Double], heldPowers: [Double], state: SimulationState) -> GeneratorReadings? { nil }
}

/// The first RF generator's readings at a damage sample (timeseries.csv).
public struct GeneratorReadings: Sendable {
    public var impedanceOhm: Double
    /// Applied RMS voltage and current, from power and the last solved impedance.
    public var voltageV: Double
    public var currentA: Double
    /// Mean of the thermocouples (multi-tine tine ends); nil without thermocouples.
    public var electrodeTemperatureC: Double?
}

/// What one applicator did during a run, as summary.json reports it.
public struct ApplicatorReport: Sendable {
    /// Energy the generator delivered (J).
    public var deliveredEnergyJ = 0.0
    /// The last absorbed-power evaluation of a microwave antenna.
    public var microwave: DepositReport?
    /// An RF electrode's circuit and generator.
    public var radiofrequency: RadiofrequencyReport?

    public init() {}
}

/// An RF electrode's circuit and generator over a run.
public struct RadiofrequencyReport: Sendable {
    /// The impedance at the end (ohm; NaN if the field was never solved).
    public var finalImpedanceOhm: Double
    /// Potential solves and their conjugate-gradient iterations.
    public var potentialSolves: Int
    public var cgIterations: Int
    /// Largest generator voltage at a potential solve (V rms).
    public var peakVoltageV: Double
    /// With output limits only: seconds a limit held the power below what the control asked.
    public var powerLimitedS: Double?
    /// Cooled electrodes only: heat the coolant took from the tissue (J).
    public var coolantEnergyJ: Double?
    /// Staged multi-tine deployments only: when each step's tines went out (s), and when the
    /// generator stopped after the last step's hold (nil if the run ended first).
    public var deploymentStepStartsS: [Double]? = nil
    public var deploymentEndS: Double? = nil
    /// When the hold of the step deployed last began (nil: its reading never reached the target).
    public var deploymentHoldStartS: Double? = nil
}
