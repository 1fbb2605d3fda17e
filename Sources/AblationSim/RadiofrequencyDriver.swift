import AblationElectric
import AblationGrid
import AblationKernels
import Foundation

/// One radiofrequency electrode and its generator: the electrode's voxels, the insulated shaft,
/// the tissue's temperature-dependent conductivity, the potential solve and the control loop.
final class RadiofrequencyDriver {
    let index: Int
    let spec: Preset.RadiofrequencySpec
    let solver: PotentialSolver
    let layout: PaddedLayout
    /// Conductivity at 37 °C per padded voxel (tissue), with the shaft insulated.
    let sigma37: AlignedBuffer<Float>
    let sigma: AlignedBuffer<Float>
    let insulated: AlignedBuffer<UInt8>
    /// 1 where the material follows temperature laws (`linear: false`); linear tissue keeps sigma37.
    let nonlinear: AlignedBuffer<UInt8>
    /// Heat per watt of generator power at the last solve (W/m³/W).
    let heatPerWatt: AlignedBuffer<Float>
    /// Impedance the generator sees (ohm): the grid's resistance plus the return path's.
    private(set) var resistance: Double = .nan
    /// Resistance of the tissue in the grid (ohm), from the last solve.
    private(set) var gridResistance: Double = .nan
    private(set) var baseline: Double = .nan
    /// Power the generator currently delivers (W).
    private(set) var power: Double = 0
    private var pausedUntil = -Double.infinity
    private(set) var solves = 0, iterations = 0
    /// Largest generator voltage (V rms) at a solve, sqrt(P R): without `max_voltage_v` (the
    /// default) this says how far a run went beyond what a clinical generator could drive.
    private(set) var peakVoltage = 0.0
    /// Above this, a run's peak voltage gets a warning: twice the 141 V rms a 200 W generator
    /// needs at 100 ohm, the top of the impedances liver ablation runs at.
    static let plausibleVoltageV = 300.0
    /// Simulated time of the last potential solve.
    private var lastSolveTime = -Double.infinity
    /// Between `update` (the schedule has the electrode on) and `stop`.
    private var scheduled = false
    /// Padded indices of the voxels the thermocouples read (multi-tine: around the tine ends);
    /// empty for cooled electrodes, whose conductors sit at the coolant temperature.
    let thermocouples: [Int]
    /// Temperature mode only.
    private var controller: TemperatureController?
    /// Impedance mode with the LeVeen ramp only.
    private(set) var leveen: LeVeenProtocol?

    /// Whether the generator is off at `time` whatever the tissue does.
    func isOff(at time: Double) -> Bool {
        switch spec.control {
        case .impedance(_, .generic): return time < pausedUntil
        case .impedance(_, .leveen): return leveen!.isOff(at: time)
        case .constantPower, .temperature: return false
        }
    }

    /// Relative residual of every potential solve. The heat and the resistance come from the
    /// field's energy, whose error is second order in the field's, so a loose tolerance loses
    /// nothing the zone shows. Session 4 went from 1e-4 to 1e-3 (same energy to 5 digits on the
    /// cooled-tip 12-min preset at 0.5 mm, zone within 0.6 %); session 5 to 3e-3, with the needle's
    /// true surface: 28 % fewer CG iterations at 0.5 mm, energy and zone volume within 1.3 % and
    /// 0.9 % there and within 0.8 % and 0.2 % in the cluster and vessel presets at 0.75 mm (the
    /// spread a roll-off moved by one solve gives), margins identical (README, RF performance).
    static let solveTolerance = 3e-3
    /// Solves between rebuilds of the multigrid hierarchy (PotentialSolver.hierarchyLag): sigma
    /// changes little between 3-s solves, and the rebuild costs about two fine-grid sweeps.
    static let multigridLag = 4
    /// Default `update_interval_s`: seconds between potential solves while the generator is on.
    /// On the cooled-tip 12-min preset at 0.5 mm (held power between solves), against solving
    /// every second: 2 s +0.6 % zone volume, 3 s +0.6 %, 4 s +2.7 %, 6 s +7.6 % (README).
    static let defaultUpdateIntervalS = 3.0

    /// Impedance control: a rise of this much above the baseline counts as roll-off, and the
    /// generator then pauses this long (typical of clinical generators; docs/physics.md).
    static let rollOffRiseOhm = 30.0
    static let pauseS = 15.0
    /// Impedance control ramps the power up over this long at the start and after every pause
    /// (an assumption standing in for the generators' own ramp; it also keeps the first explicit
    /// steps from dumping full power into cold tissue).
    static let rampS = 30.0
    private var rampStart = 0.0
    @inline(__always) private func rampFraction(at time: Double) -> Double {
        min(1, max(0.05, (time - rampStart) / RadiofrequencyDriver.rampS))
    }

    /// Whether the field should be solved again at `time`: the generator is on, and either
    /// `update_interval_s` has passed since the last solve, it has just come back from a pause
    /// (the tissue cooled meanwhile, and the generator reads the impedance before it ramps up), or
    /// drying has taken half of the held heat (the held field no longer stands for the true one).
    func needsSolve(at time: Double) -> Bool {
        guard scheduled, !isOff(at: time) else { return false }
        return time - lastSolveTime >= spec.updateIntervalS - 1e-9 || lastSolveTime < pausedUntil
            || (isHeating && heat.heatRatio < HeldFieldJouleHeat.minimumHeldRatio)
    }

    let threads: Int

    init(index: Int, spec: Preset.RadiofrequencySpec, scene: Scene, materials: [Material], threads: Int) {
        self.index = index
        self.threads = threads
        self.spec = spec
        let g = scene.grid
        let L = PaddedLayout(nx: g.nx, ny: g.ny, nz: g.nz)
        layout = L
        solver = PotentialSolver(layout: L, spacingM: g.spacingMM * 1e-3, threads: threads)
        sigma37 = AlignedBuffer(count: L.count, repeating: 0)
        sigma = AlignedBuffer(count: L.count, repeating: 0)
        insulated = AlignedBuffer(count: L.count, repeating: 0)
        nonlinear = AlignedBuffer(count: L.count, repeating: 0)
        heatPerWatt = AlignedBuffer(count: L.count, repeating: 0)
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let m = materials[Int(scene.labels[g.linearIndex(i, j, k)])]
            sigma37[L.index(i, j, k)] = Float(m.electricalConductivitySM)
            nonlinear[L.index(i, j, k)] = m.linear ? 0 : 1
        } } }
        let geometry = ElectrodeGeometry(spec)
        for v in geometry.shaftVoxels(grid: g) {
            insulated[L.index(linear: v)] = 1
        }
        let mask = AlignedBuffer<UInt8>(count: L.count, repeating: 0)
        for v in geometry.electrodeVoxels(grid: g) {
            mask[L.index(linear: v)] = 1
        }
        for v in geometry.thinConductorVoxels(grid: g) {
            mask[L.index(linear: v)] = PotentialSolver.thinConductor
        }
        solver.thinConductorRadiusM = geometry.tineRadiusMM * 1e-3
        solver.setElectrode(mask)
        solver.setSurfaceContacts(geometry.surfaceContacts(grid: g).map {
            (electrode: L.index(linear: $0.electrodeVoxel), tissue: L.index(linear: $0.tissueVoxel), fraction: $0.fraction)
        })
        solver.hierarchyLag = RadiofrequencyDriver.multigridLag
        // A thermocouple reads the mean over a junction-sized neighbourhood of its tine end (voxel
        // centres within 1 mm, or the nearest voxel on coarse grids), which keeps the reading from
        // following one voxel and makes it depend less on the spacing.
        var sensed: [Int] = []
        for end in geometry.tineArray?.tineEndsMM ?? [] {
            let near = ElectrodeGeometry.nearSegment(end, end, radiusMM: max(1, g.spacingMM / 2), grid: g)
            let voxels = near.isEmpty ? (g.voxel(containing: end).map { [g.linearIndex($0.0, $0.1, $0.2)] } ?? []) : near
            sensed += voxels.map { L.index(linear: $0) }
        }
        thermocouples = sensed
        if case let .temperature(target, maxPower) = spec.control {
            controller = TemperatureController(targetC: target, maxPowerW: maxPower)
        }
        if case let .impedance(maxPower, .leveen(start)) = spec.control {
            leveen = LeVeenProtocol(startPowerW: start, maxPowerW: maxPower)
        }
    }

    /// Mean of the thermocouple readings (°C), or nil for electrodes without thermocouples.
    /// RITA-style generators report and regulate the average of their tine thermocouples.
    func measuredTemperature(_ temperature: AlignedBuffer<Float>) -> Double? {
        guard !thermocouples.isEmpty else { return nil }
        return thermocouples.reduce(0.0) { $0 + Double(temperature[$1]) } / Double(thermocouples.count)
    }

    /// RMS voltage (V) and current (A) that deliver `power` into `impedance`: P = V I, R = V / I.
    static func voltage(power: Double, impedance: Double) -> Double {
        impedance.isFinite && power > 0 ? (power * impedance).squareRoot() : 0
    }
    static func current(power: Double, impedance: Double) -> Double {
        impedance.isFinite && impedance > 0 && power > 0 ? (power / impedance).squareRoot() : 0
    }

    static let slopePerK: Float = 0.02
    static let dryingOnsetC: Float = 99

    /// Electrical conductivity of tissue at temperature T: +2 %/°C up to 99 °C, then a fall by three
    /// orders of magnitude over 5 °C as water boils off (docs/physics.md), which is what makes
    /// generators roll off. Reversible in this version.
    @inline(__always) static func conductivity(_ sigma37: Float, at t: Float) -> Float {
        if t <= dryingOnsetC { return sigma37 * (1 + slopePerK * (t - 37)) }
        let drop = Foundation.exp(-(t - dryingOnsetC) * Float(Foundation.log(1000.0)) / 5)
        return sigma37 * (1 + slopePerK * (dryingOnsetC - 37)) * max(drop, 1e-4)
    }

    @inline(__always) func conductivity(_ idx: Int, _ t: Float) -> Float {
        if insulated[idx] != 0 { return 1e-6 }
        return nonlinear[idx] != 0 ? RadiofrequencyDriver.conductivity(sigma37[idx], at: t) : sigma37[idx]
    }

    /// Re-solves the potential for the current temperatures and applies the control law.
    func update(temperature: AlignedBuffer<Float>, time: Double) {
        scheduled = true
        if isOff(at: time) {
            // The generator is off until its pause ends (or for good) and decides nothing before
            // then, so there is nothing to solve for: the impedance shown stays the last measured.
            power = 0
            requestedPower = 0
            return
        }
        let L = layout
        ParallelSlabs.run(planes: L.nz, threads: threads) { planes in
            for k in planes { for j in 0..<L.ny {
                let base = L.index(0, j, k)
                for idx in base..<(base + L.nx) { sigma[idx] = conductivity(idx, temperature[idx]) }
            } }
        }
        solver.setConductivity(sigma)
        let result = solver.solve(voltage: 1, tolerance: RadiofrequencyDriver.solveTolerance)
        lastSolveTime = time
        solves += 1
        iterations += result.iterations
        gridResistance = result.resistance
        resistance = gridResistance + spec.returnPathOhm
        if baseline.isNaN { baseline = resistance }
        switch spec.control {
        case let .constantPower(p):
            power = resistance.isFinite ? p : 0
        case .impedance(_, .leveen):
            power = leveen!.power(time: time, rolledOff: !resistance.isFinite || resistance > baseline + RadiofrequencyDriver.rollOffRiseOhm)
        case let .impedance(maxPower, .generic):
            if resistance > baseline + RadiofrequencyDriver.rollOffRiseOhm || !resistance.isFinite {
                pausedUntil = time + RadiofrequencyDriver.pauseS
                rampStart = pausedUntil
                power = 0
            } else {
                power = maxPower * rampFraction(at: time)
            }
        case .temperature:
            // dt 0: the controller's output for the present reading, without advancing its integral.
            power = resistance.isFinite ? controller!.power(measuredC: measuredTemperature(temperature) ?? .nan, dt: 0) : 0
        }
        power = limited(power)
        // One current I = sqrt(P / R) through grid and return path in series: the grid gets
        // V² = (I R_grid)² = P R_grid² / R.
        if resistance.isFinite {
            peakVoltage = max(peakVoltage, (power * resistance).squareRoot())
            solver.jouleHeat(into: heatPerWatt, scale: gridResistance * gridResistance / resistance)
        }
        fieldIsNew = true
    }

    /// The most the generator can deliver into the impedance measured at the last solve: V² / R
    /// under `max_voltage_v`, I² R under `max_current_a` (infinite without limits).
    private var powerLimit = Double.infinity
    /// Seconds of heating during which a limit held the power below what the control law asked.
    private(set) var limitedS = 0.0
    /// What the control law asks for, before the limits.
    private var requestedPower = 0.0

    /// `requested` capped by the generator's output limits at the last solve's impedance.
    private func limited(_ requested: Double) -> Double {
        requestedPower = requested
        guard spec.hasOutputLimits else { return requested }
        var cap = Double.infinity
        // An open circuit (every path dried) takes nothing at any voltage.
        if let v = spec.maxVoltageV { cap = min(cap, resistance.isFinite ? v * v / resistance : 0) }
        if let i = spec.maxCurrentA { cap = min(cap, i * i * resistance) }
        powerLimit = cap
        return min(requested, cap)
    }

    /// A solve happened since the heat was last captured.
    private var fieldIsNew = false

    /// This electrode's heat per watt at the last solve and how it follows the conductivity since.
    private lazy var heat = HeldFieldJouleHeat(layout: layout, threads: threads, slopePerK: RadiofrequencyDriver.slopePerK, kneeC: RadiofrequencyDriver.dryingOnsetC,
                                               gainLimit: RadiofrequencyDriver.refreshGainLimit) {
        RadiofrequencyDriver.conductivity(1, at: $0)
    }

    /// Whether the electrode heats (a solve at non-zero or controlled power since the last stop).
    var isHeating: Bool { !heat.isEmpty }

    /// Rows whose source the last `addHeat` or `refreshHeat` changed.
    var changedRows: AlignedBuffer<UInt8> { heat.changedRows }

    /// Adds this electrode's Joule heat at the current power (`heatPerWatt` times P). The
    /// voxels are kept even at zero power, so that a temperature controller can raise it later.
    /// `base` (the first heating electrode only): q without any electrode's heat, which the heat
    /// is added to; without it the heat adds to q.
    func addHeat(into q: AlignedBuffer<Float>, base: AlignedBuffer<Float>?, temperature: AlignedBuffer<Float>) {
        guard resistance.isFinite else { heat.clear(); return }
        if fieldIsNew || heat.isEmpty {
            let lawVoxels = nonlinear, shaft = insulated
            heat.capture(heatPerWatt: heatPerWatt, sigmaAtSolve: sigma, sigma37: sigma37) {
                lawVoxels[$0] != 0 && shaft[$0] == 0
            }
            fieldIsNew = false
        }
        appliedPower = power
        _ = heat.apply(temperature: temperature, power: power, base: base, into: q)
    }

    /// Between solves a voxel's heat may grow with its conductivity by at most this factor. With
    /// the field held, a voxel that was dry at the solve (sigma down 1000x, so a large field across
    /// it) and rewets would otherwise take up to 1000x its heat; in reality the field around it
    /// redistributes at once. 1.25 still follows the +2 %/°C law over a 12 K rise between solves.
    static let refreshGainLimit: Float = 1.25

    /// The generator is off (its schedule has ended): no heat, and nothing left to refresh.
    func stop() {
        scheduled = false
        heat.clear()
        power = 0
        requestedPower = 0
    }

    /// After a step of `dt` seconds: a temperature-controlled generator first reads its
    /// thermocouples and sets the power for the next step (the field's shape is unchanged, so the
    /// heat just scales with power). Then each heated voxel's Joule heat is scaled by
    /// sigma(T now) / sigma(T at the solve): Q = sigma |E|² with the field held fixed. When a voxel
    /// dries out (sigma falls 1000x above 99 °C) its heating stops at once instead of running on
    /// until the next solve, which is what a generator's continuous impedance sensing achieves.
    /// The generator holds its output, so the heat is then rescaled to sum to its power again (the
    /// held field's own total would drift with the conductivity, and the energy the generator
    /// reports would no longer be the energy the tissue receives); that also makes the zone and the
    /// energy depend less on how often the field is solved (README, RF performance).
    /// `base` as in `addHeat`. Returns whether q changed (rows in `changedRows`).
    @discardableResult
    /// `alone`: no other electrode heats, so q holds only this one's heat on top of `base`.
    func refreshHeat(temperature: AlignedBuffer<Float>, time: Double, dt: Double, base: AlignedBuffer<Float>?, alone: Bool,
                     into q: AlignedBuffer<Float>) -> Bool {
        guard isHeating else { return false }
        if controller != nil {
            requestedPower = controller!.power(measuredC: measuredTemperature(temperature) ?? .nan, dt: dt)
        }
        // The generic impedance ramp is continuous (the generator raises its output smoothly, not in
        // steps at the model's solves); during a pause the power stays 0.
        if case let .impedance(maxPower, .generic) = spec.control, requestedPower > 0, !isOff(at: time) {
            requestedPower = maxPower * rampFraction(at: time)
        }
        // Between solves the limit stays the one the last solve's impedance set.
        power = min(requestedPower, powerLimit)
        if requestedPower > powerLimit && power > 0 { limitedS += dt }
        // Off before and after (an impedance pause): q already holds what the pass would write.
        if power == 0 && appliedPower == 0 && (base == nil || alone) { return false }
        appliedPower = power
        return heat.apply(temperature: temperature, power: power, base: base, into: q)
    }

    /// The power of the last heat written into q.
    private var appliedPower = 0.0
}
