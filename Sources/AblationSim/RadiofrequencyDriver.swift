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
        for v in RadiofrequencyGeometry.shaftVoxels(spec, grid: g) {
            insulated[L.index(v % g.nx, (v / g.nx) % g.ny, v / (g.nx * g.ny))] = 1
        }
        let mask = AlignedBuffer<UInt8>(count: L.count, repeating: 0)
        for v in RadiofrequencyGeometry.electrodeVoxels(spec, grid: g) {
            mask[L.index(v % g.nx, (v / g.nx) % g.ny, v / (g.nx * g.ny))] = 1
        }
        solver.setElectrode(mask)
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
        }
        solver.jouleHeat(into: heatAtOneVolt)
    }

    /// Voxels this electrode heats, their heat at the last solve (W/m³ at the current power), the
    /// conductivity it was solved with, and the source they had before this electrode's heat.
    private var heated: [(index: Int, heat: Float, sigma: Float, base: Float)] = []

    /// Adds this electrode's Joule heat at the current power: P = V² / R, so V² = P R.
    func addHeat(into q: AlignedBuffer<Float>) {
        heated.removeAll(keepingCapacity: true)
        guard power > 0, resistance.isFinite else { return }
        let scale = Float(power * resistance)
        for i in 0..<q.count where heatAtOneVolt[i] != 0 {
            let h = heatAtOneVolt[i] * scale
            heated.append((i, h, sigma[i], q[i]))
            q[i] += h
        }
    }

    /// Between potential solves, scales each heated voxel's Joule heat by sigma(T now) / sigma(T at
    /// the solve): Q = sigma |E|² with the field held fixed. When a voxel dries out (sigma falls
    /// 1000x above 99 °C) its heating stops at once instead of running on until the next solve,
    /// which is what a generator's continuous impedance sensing achieves. Returns whether q changed.
    @discardableResult
    func refreshHeat(temperature: AlignedBuffer<Float>, into q: AlignedBuffer<Float>) -> Bool {
        var changed = false
        for n in heated.indices {
            let v = heated[n]
            let now = conductivity(v.index, temperature[v.index])
            let value = v.base + v.heat * (now / v.sigma)
            if q[v.index] != value { q[v.index] = value; changed = true }
        }
        return changed
    }
}

/// Where an RF needle's parts are on the grid.
enum RadiofrequencyGeometry {
    static func axis(_ spec: Preset.RadiofrequencySpec) -> SIMD3<Double> {
        let d = spec.entryMM - spec.tipMM
        return d / (d * d).sum().squareRoot()
    }

    /// Voxels (grid order) of the active tip: a cylinder of the electrode's diameter from the tip
    /// along the needle; at least the voxels on the axis, so a thin electrode is never lost.
    static func electrodeVoxels(_ spec: Preset.RadiofrequencySpec, grid g: Grid3D) -> [Int] {
        let end = spec.tipMM + axis(spec) * spec.activeLengthMM
        var voxels = Set(inside(Cylinder(startMM: spec.tipMM, endMM: end, radiusMM: spec.diameterMM / 2), grid: g))
        let steps = Int(spec.activeLengthMM / (g.spacingMM / 2)) + 1
        for s in 0...steps {
            let p = spec.tipMM + axis(spec) * (spec.activeLengthMM * Double(s) / Double(steps))
            if let (i, j, k) = g.voxel(containing: p) { voxels.insert(g.linearIndex(i, j, k)) }
        }
        return voxels.sorted()
    }

    /// Voxels of the insulated shaft, from the end of the active tip to the entry point.
    static func shaftVoxels(_ spec: Preset.RadiofrequencySpec, grid g: Grid3D) -> [Int] {
        let start = spec.tipMM + axis(spec) * spec.activeLengthMM
        let electrode = Set(electrodeVoxels(spec, grid: g))
        return inside(Cylinder(startMM: start, endMM: spec.entryMM, radiusMM: spec.diameterMM / 2), grid: g)
            .filter { !electrode.contains($0) }
    }

    static func inside(_ shape: Cylinder, grid g: Grid3D) -> [Int] {
        let (lo, hi) = shape.boundingBoxMM
        guard let (rx, ry, rz) = g.voxelRange(coveringMin: lo, max: hi) else { return [] }
        var out: [Int] = []
        for k in rz { for j in ry { for i in rx where shape.contains(g.worldPosition(i, j, k)) { out.append(g.linearIndex(i, j, k)) } } }
        return out
    }
}
