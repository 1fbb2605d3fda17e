import AblationGrid
import AblationKernels
import AblationPreset

/// What the time loop and its parts share during one run: the tissue model, the temperature
/// fields, the damage state, which rows may change, the clock and the powers delivered.
///
/// Temperatures live on the kernel's padded layout. `temperature` holds T at `time`; during a
/// step the kernel writes `nextTemperature`, the step corrections adjust it, and the loop swaps
/// the two.
package final class SimulationState {
    let preset: Preset
    let scene: Scene
    let model: ThermalModel
    let threads: Int
    let damage: DamageIntegrator
    /// Rows the next step must compute, and rows changed since the last damage sample.
    let activity: RowActivity
    private(set) var temperature: AlignedBuffer<Float>
    private(set) var nextTemperature: AlignedBuffer<Float>
    /// Simulated seconds at `temperature`.
    var time = 0.0
    /// Kernel steps taken.
    var steps = 0
    /// Power each applicator delivers now (W), indexed like `preset.applicators`: the schedule's,
    /// or what an RF generator decided.
    var deliveredPowers: [Double]
    /// Counts deposit rounds, so that the tissue state antennas read is gathered once per round.
    private(set) var depositRound = 0

    var layout: PaddedLayout { model.op.layout }
    var grid: Grid3D { scene.grid }
    /// The heat the applicators deposit (W/m³, padded layout), which the kernel adds.
    var source: AlignedBuffer<Float> { model.op.externalSource }
    var voxelVolumeM3: Double { scene.grid.voxelVolumeMM3 * 1e-9 }
    var voxelVolumeML: Double { scene.grid.voxelVolumeMM3 / 1000 }

    init(preset: Preset, scene: Scene, model: ThermalModel, threads: Int, damageLaw: DamageLaw) {
        self.preset = preset
        self.scene = scene
        self.model = model
        self.threads = threads
        let L = model.op.layout
        damage = DamageIntegrator(layout: L, law: damageLaw, baselineC: DamageLaw.baselineC(preset))
        activity = RowActivity(layout: L)
        temperature = model.initialTemperature(preset, scene: scene)
        nextTemperature = AlignedBuffer<Float>(count: L.count, repeating: 0)
        nextTemperature.copy(from: temperature)
        deliveredPowers = preset.applicators.map { _ in 0 }
    }

    /// The step's result becomes the present.
    func advance(to newTime: Double) {
        swap(&temperature, &nextTemperature)
        steps += 1
        time = newTime
    }

    func beginDepositRound() { depositRound += 1 }

    /// The tissue state in grid order (x fastest), gathered at most once per deposit round for the
    /// applicators that read it (microwave antennas); the arrays are kept between rounds so that
    /// each round does not fault in fresh grid-sized memory.
    func gridOrderTissueState() -> (temperature: [Float], peakTemperature: [Float]) {
        if gatheredRound != depositRound {
            if gatheredTemperature.isEmpty {
                gatheredTemperature = [Float](repeating: 0, count: grid.voxelCount)
                gatheredPeak = gatheredTemperature
            }
            layout.gather(temperature, into: &gatheredTemperature, threads: threads)
            layout.gather(damage.peakTemperature, into: &gatheredPeak, threads: threads)
            gatheredRound = depositRound
        }
        return (gatheredTemperature, gatheredPeak)
    }
    private var gatheredRound = -1
    private var gatheredTemperature: [Float] = []
    private var gatheredPeak: [Float] = []

    /// The world position (mm) of a padded index, for messages.
    func worldPosition(ofPadded idx: Int) -> SIMD3<Double> {
        let L = layout
        let k = idx / L.strideZ - 1
        let j = (idx % L.strideZ) / L.strideY - 1
        let i = idx % L.strideY - 1
        return grid.worldPosition(i, j, k)
    }
}
