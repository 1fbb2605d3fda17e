import AblationElectric
import AblationKernels
import AblationPreset
import AblationTissue
import Foundation

/// One radiofrequency electrode and its generator: the electrode's voxels, the insulated shaft,
/// the tissue's temperature-dependent conductivity, the potential solve and the generator's
/// control (GeneratorControl) with its output limits.
final class RadiofrequencyElectrode {
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
    private(set) var thermocouples: [Int] = []
    /// The generator's control mode.
    let control: any GeneratorControl
    /// Padded indices of the voxels that hold a wire thinner than the voxel (tines), and for each
    /// how far its wire's surface runs above the voxel mean per unit heat density (K per W/m³;
    /// WireSurfaceTemperature): their contact follows the surface temperature.
    private(set) var wireVoxels: [Int] = []
    private(set) var wireExcessPerHeat: [Float] = []
    /// What deploying the tines again needs: the grid, its labels and their materials.
    private let scene: Scene
    private let materials: [Material]

    /// Staged deployment (multi-tine `deployment`; empty: the whole array from the start).
    private let steps: [Preset.RadiofrequencySpec.MultiTineSpec.DeploymentStep]
    /// The step deployed now, when its hold began (nil: not yet), and when each step began.
    private(set) var step = 0
    private(set) var holdStartS: Double?
    private(set) var stepStartsS: [Double] = []
    /// When the last step's hold ended: from then on the generator is off for good.
    private(set) var deploymentEndS: Double?
    var deploymentDone: Bool { deploymentEndS != nil }
    var isStaged: Bool { !steps.isEmpty }
    /// The tines moved since the last solve, so the last field says nothing about their contacts.
    private var redeployed = false

    /// Whether the generator is off at `time` whatever the tissue does.
    func isOff(at time: Double) -> Bool { deploymentDone || control.isOff(at: time) }

    /// The numerical constants of the potential solve and the held field (RadiofrequencyNumerics).
    static let numerics = RadiofrequencyNumerics()


    /// Whether the field should be solved again at `time`: the generator is on, and either
    /// `update_interval_s` has passed since the last solve, it has just come back from a pause
    /// (the tissue cooled meanwhile, and the generator reads the impedance before it ramps up), or
    /// drying has taken half of the held heat (the held field no longer stands for the true one).
    func needsSolve(at time: Double) -> Bool {
        guard scheduled, !isOff(at: time) else { return false }
        return time - lastSolveTime >= spec.updateIntervalS - 1e-9 || lastSolveTime < control.pausedUntil
            || (isHeating && heat.heatRatio < HeldFieldJouleHeat.minimumHeldRatio) || holdEnded(at: time)
    }

    let threads: Int

    init(index: Int, spec: Preset.RadiofrequencySpec, scene: Scene, materials: [Material], threads: Int) {
        self.index = index
        self.threads = threads
        self.spec = spec
        self.scene = scene
        self.materials = materials
        if case let .multiTine(m) = spec.electrode { steps = m.deployment } else { steps = [] }
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
        solver.hierarchyLag = RadiofrequencyElectrode.numerics.multigridLag
        control = spec.makeGeneratorControl()
        deploy(steps.first.map { $0.deployedDiameterMM })
    }

    /// Places the conductors: the whole electrode, or a multi-tine array pushed out until it spans
    /// `deployedToMM` (a step of a staged deployment). The shaft's insulation does not change.
    private func deploy(_ deployedToMM: Double?) {
        let g = scene.grid, L = layout
        let geometry = ElectrodeGeometry(spec, deployedToMM: deployedToMM)
        let mask = AlignedBuffer<UInt8>(count: L.count, repeating: 0)
        for v in geometry.electrodeVoxels(grid: g) {
            mask[L.index(linear: v)] = 1
        }
        let wires = geometry.thinConductorVoxels(grid: g)
        for v in wires {
            mask[L.index(linear: v)] = PotentialSolver.thinConductor
        }
        wireVoxels = wires.map { L.index(linear: $0) }
        wireExcessPerHeat = wires.map { v in
            let k = materials[Int(scene.labels[v])].conductivityWMK
            return Float(WireSurfaceTemperature.excessPerHeatDensity(spacingM: g.spacingMM * 1e-3, wireRadiusM: geometry.tineRadiusMM * 1e-3,
                                                                    conductivityWMK: k))
        }
        solver.thinConductorRadiusM = geometry.tineRadiusMM * 1e-3
        solver.setElectrode(mask)
        solver.setSurfaceContacts(geometry.surfaceContacts(grid: g).map {
            (electrode: L.index(linear: $0.electrodeVoxel), tissue: L.index(linear: $0.tissueVoxel), fraction: $0.fraction)
        })
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
    }

    /// The target of a temperature-controlled generator (nil in other modes).
    private var targetC: Double? {
        if case let .temperature(target, _) = spec.control { return target }
        return nil
    }

    /// A step's hold begins when the step does, or under temperature control when the reading
    /// first reaches the target (as the generator's protocol counts it).
    private func startHoldIfDue(time: Double, temperature: AlignedBuffer<Float>) {
        guard !steps.isEmpty, !deploymentDone, holdStartS == nil else { return }
        if stepStartsS.isEmpty { stepStartsS = [time] }
        if let target = targetC {
            if let reading = measuredTemperature(temperature), reading >= target { holdStartS = time }
        } else {
            holdStartS = time
        }
    }

    private func holdEnded(at time: Double) -> Bool {
        guard !deploymentDone, let start = holdStartS else { return false }
        return time - start >= steps[step].holdS - 1e-9
    }

    /// After a step's hold: the next step's tines go out, or after the last the generator stops.
    private func advanceDeployment(time: Double, temperature: AlignedBuffer<Float>) {
        startHoldIfDue(time: time, temperature: temperature)
        guard holdEnded(at: time) else { return }
        guard step + 1 < steps.count else { deploymentEndS = time; return }
        step += 1
        holdStartS = nil
        stepStartsS.append(time)
        deploy(steps[step].deployedDiameterMM)
        redeployed = true
        // Impedance control measures its roll-off from the new array's own first impedance.
        baseline = .nan
        startHoldIfDue(time: time, temperature: temperature)
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

    /// The tissue's sigma(T).
    static let law = ElectricalConductivityLaw.tissue
    /// The same, held by the instance: the per-voxel loops read it without a global's lazy check.
    private let law = RadiofrequencyElectrode.law

    @inline(__always) func conductivity(_ idx: Int, _ t: Float) -> Float {
        if insulated[idx] != 0 { return 1e-6 }
        return nonlinear[idx] != 0 ? law.conductivity(sigma37[idx], at: t) : sigma37[idx]
    }

    /// Re-solves the potential for the current temperatures and applies the control law.
    func update(temperature: AlignedBuffer<Float>, time: Double) {
        scheduled = true
        advanceDeployment(time: time, temperature: temperature)
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
        // A wire's contact follows the tissue at its surface, hotter than its voxel's mean by the
        // voxel's heat at the power now delivered (the last solve's field; none before the first).
        if power > 0 && !redeployed {
            for (n, idx) in wireVoxels.enumerated() {
                let excess = wireExcessPerHeat[n] * heatPerWatt[idx] * Float(power)
                sigma[idx] = conductivity(idx, temperature[idx] + excess)
            }
        }
        solver.setConductivity(sigma)
        let result = solver.solve(voltage: 1, tolerance: RadiofrequencyElectrode.numerics.solveTolerance)
        // Between solves a wire voxel's heat follows its mean temperature (the held field's
        // sigma(T now) / sigma(T at the solve)), so the reference is its mean's conductivity too.
        for idx in wireVoxels { sigma[idx] = conductivity(idx, temperature[idx]) }
        redeployed = false
        lastSolveTime = time
        solves += 1
        iterations += result.iterations
        gridResistance = result.resistance
        resistance = gridResistance + spec.returnPathOhm
        if baseline.isNaN { baseline = resistance }
        power = limited(control.powerAfterSolve(time: time, impedance: resistance, baseline: baseline) {
            measuredTemperature(temperature) ?? .nan
        })
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
    private lazy var heat = HeldFieldJouleHeat(layout: layout, threads: threads, slopePerK: law.slopePerK, kneeC: law.dryingOnsetC,
                                               gainLimit: RadiofrequencyElectrode.numerics.refreshGainLimit) {
        [law] in law.conductivity(1, at: $0)
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
    /// energy depend less on how often the field is solved
    /// (docs/performance-history.md#the-cooled-tip-rf-run-at-05-mm-under-40-s-generator-holds-its-power).
    /// `base` as in `addHeat`. Returns whether q changed (rows in `changedRows`).
    @discardableResult
    /// `alone`: no other electrode heats, so q holds only this one's heat on top of `base`.
    func refreshHeat(temperature: AlignedBuffer<Float>, time: Double, dt: Double, base: AlignedBuffer<Float>?, alone: Bool,
                     into q: AlignedBuffer<Float>) -> Bool {
        guard isHeating else { return false }
        requestedPower = deploymentDone ? 0 : control.powerBetweenSolves(requested: requestedPower, time: time, dt: dt) {
            measuredTemperature(temperature) ?? .nan
        }
        startHoldIfDue(time: time, temperature: temperature)
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
