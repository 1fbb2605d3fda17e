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
    /// Joule heat at 1 V (W/m³); scaled by V² when deposited.
    let heatAtOneVolt: AlignedBuffer<Float>
    private(set) var resistance: Double = .nan
    private(set) var baseline: Double = .nan
    /// Power the generator currently delivers (W).
    private(set) var power: Double = 0
    private var pausedUntil = -Double.infinity
    private(set) var solves = 0, iterations = 0
    /// Padded indices of the voxels the thermocouples read (multi-tine: around the tine ends);
    /// empty for cooled electrodes, whose conductors sit at the coolant temperature.
    let thermocouples: [Int]
    /// Temperature mode only.
    private var controller: TemperatureController?

    /// Impedance control: a rise of this much above the baseline counts as roll-off, and the
    /// generator then pauses this long (typical of clinical generators; docs/physics.md).
    static let rollOffRiseOhm = 30.0
    static let pauseS = 15.0
    /// Impedance control ramps the power up over this long at the start and after every pause
    /// (an assumption standing in for the generators' own ramp; it also keeps the first explicit
    /// steps from dumping full power into cold tissue).
    static let rampS = 30.0
    private var rampStart = 0.0

    init(index: Int, spec: Preset.RadiofrequencySpec, scene: Scene, materials: [Material], threads: Int) {
        self.index = index
        self.spec = spec
        let g = scene.grid
        let L = PaddedLayout(nx: g.nx, ny: g.ny, nz: g.nz)
        layout = L
        solver = PotentialSolver(layout: L, spacingM: g.spacingMM * 1e-3, threads: threads)
        sigma37 = AlignedBuffer(count: L.count, repeating: 0)
        sigma = AlignedBuffer(count: L.count, repeating: 0)
        insulated = AlignedBuffer(count: L.count, repeating: 0)
        nonlinear = AlignedBuffer(count: L.count, repeating: 0)
        heatAtOneVolt = AlignedBuffer(count: L.count, repeating: 0)
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let m = materials[Int(scene.labels[g.linearIndex(i, j, k)])]
            sigma37[L.index(i, j, k)] = Float(m.electricalConductivitySM)
            nonlinear[L.index(i, j, k)] = m.linear ? 0 : 1
        } } }
        let geometry = ElectrodeGeometry(spec)
        for v in geometry.shaftVoxels(grid: g) {
            insulated[L.index(v % g.nx, (v / g.nx) % g.ny, v / (g.nx * g.ny))] = 1
        }
        let mask = AlignedBuffer<UInt8>(count: L.count, repeating: 0)
        for v in geometry.electrodeVoxels(grid: g) {
            mask[L.index(v % g.nx, (v / g.nx) % g.ny, v / (g.nx * g.ny))] = 1
        }
        solver.setElectrode(mask)
        // A thermocouple reads the mean over a junction-sized neighbourhood of its tine end (voxel
        // centres within 1 mm, or the nearest voxel on coarse grids), which keeps the reading from
        // following one voxel and makes it depend less on the spacing.
        var sensed: [Int] = []
        for end in geometry.tineArray?.tineEndsMM ?? [] {
            let near = ElectrodeGeometry.nearSegment(end, end, radiusMM: max(1, g.spacingMM / 2), grid: g)
            let voxels = near.isEmpty ? (g.voxel(containing: end).map { [g.linearIndex($0.0, $0.1, $0.2)] } ?? []) : near
            sensed += voxels.map { L.index($0 % g.nx, ($0 / g.nx) % g.ny, $0 / (g.nx * g.ny)) }
        }
        thermocouples = sensed
        if case let .temperature(target, maxPower) = spec.control {
            controller = TemperatureController(targetC: target, maxPowerW: maxPower)
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

    /// Electrical conductivity of tissue at temperature T: +2 %/°C up to 99 °C, then a fall by three
    /// orders of magnitude over 5 °C as water boils off (docs/physics.md), which is what makes
    /// generators roll off. Reversible in this version.
    @inline(__always) static func conductivity(_ sigma37: Float, at t: Float) -> Float {
        if t <= 99 { return sigma37 * (1 + 0.02 * (t - 37)) }
        let drop = Foundation.exp(-(t - 99) * Float(Foundation.log(1000.0)) / 5)
        return sigma37 * (1 + 0.02 * 62) * max(drop, 1e-4)
    }

    @inline(__always) func conductivity(_ idx: Int, _ t: Float) -> Float {
        if insulated[idx] != 0 { return 1e-6 }
        return nonlinear[idx] != 0 ? RadiofrequencyDriver.conductivity(sigma37[idx], at: t) : sigma37[idx]
    }

    /// Re-solves the potential for the current temperatures and applies the control law.
    func update(temperature: AlignedBuffer<Float>, time: Double) {
        let L = layout
        for k in 0..<L.nz { for j in 0..<L.ny {
            let base = L.index(0, j, k)
            for i in 0..<L.nx {
                let idx = base + i
                sigma[idx] = conductivity(idx, temperature[idx])
            }
        } }
        solver.setConductivity(sigma)
        let result = solver.solve(voltage: 1, tolerance: 1e-5)
        solves += 1
        iterations += result.iterations
        resistance = result.resistance
        if baseline.isNaN { baseline = resistance }
        switch spec.control {
        case let .constantPower(p):
            power = resistance.isFinite ? p : 0
        case let .impedance(maxPower):
            if time < pausedUntil {
                power = 0
            } else if resistance > baseline + RadiofrequencyDriver.rollOffRiseOhm || !resistance.isFinite {
                pausedUntil = time + RadiofrequencyDriver.pauseS
                rampStart = pausedUntil
                power = 0
            } else {
                power = maxPower * min(1, max(0.05, (time - rampStart) / RadiofrequencyDriver.rampS))
            }
        case .temperature:
            // dt 0: the controller's output for the present reading, without advancing its integral.
            power = resistance.isFinite ? controller!.power(measuredC: measuredTemperature(temperature) ?? .nan, dt: 0) : 0
        }
        solver.jouleHeat(into: heatAtOneVolt)
    }

    /// Voxels this electrode heats, their heat per watt at the last solve (W/m³/W), the
    /// conductivity it was solved with, and the source they had before this electrode's heat.
    private var heated: [(index: Int, heatPerWatt: Float, sigma: Float, base: Float)] = []

    /// Adds this electrode's Joule heat at the current power: P = V² / R, so V² = P R. The
    /// voxels are kept even at zero power, so that a temperature controller can raise it later.
    func addHeat(into q: AlignedBuffer<Float>) {
        heated.removeAll(keepingCapacity: true)
        guard resistance.isFinite else { return }
        let perWatt = Float(resistance)
        let p = Float(power)
        for i in 0..<q.count where heatAtOneVolt[i] != 0 {
            let h = heatAtOneVolt[i] * perWatt
            heated.append((i, h, sigma[i], q[i]))
            q[i] += h * p
        }
    }

    /// Between solves a voxel's heat may grow with its conductivity by at most this factor. With
    /// the field held, a voxel that was dry at the solve (sigma down 1000x, so a large field across
    /// it) and rewets would otherwise take up to 1000x its heat; in reality the field around it
    /// redistributes at once. 1.25 still follows the +2 %/°C law over a 12 K rise between solves.
    static let refreshGainLimit: Float = 1.25

    /// The generator is off (its schedule has ended): no heat, and nothing left to refresh.
    func stop() {
        heated.removeAll(keepingCapacity: true)
        power = 0
    }

    /// After a step of `dt` seconds: a temperature-controlled generator first reads its
    /// thermocouples and sets the power for the next step (the field's shape is unchanged, so the
    /// heat just scales with power). Then each heated voxel's Joule heat is scaled by
    /// sigma(T now) / sigma(T at the solve): Q = sigma |E|² with the field held fixed. When a voxel
    /// dries out (sigma falls 1000x above 99 °C) its heating stops at once instead of running on
    /// until the next solve, which is what a generator's continuous impedance sensing achieves.
    /// Returns whether q changed.
    @discardableResult
    func refreshHeat(temperature: AlignedBuffer<Float>, dt: Double, into q: AlignedBuffer<Float>) -> Bool {
        if controller != nil, !heated.isEmpty {
            power = controller!.power(measuredC: measuredTemperature(temperature) ?? .nan, dt: dt)
        }
        let p = Float(power)
        var changed = false
        for n in heated.indices {
            let v = heated[n]
            let now = conductivity(v.index, temperature[v.index])
            let value = v.base + v.heatPerWatt * p * min(now / v.sigma, RadiofrequencyDriver.refreshGainLimit)
            if q[v.index] != value { q[v.index] = value; changed = true }
        }
        return changed
    }
}
