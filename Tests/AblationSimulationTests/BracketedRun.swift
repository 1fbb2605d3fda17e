import AblationGrid
@testable import AblationPreset
@testable import AblationSimulation
@testable import AblationTissue

/// A run in which every voxel's temperature is known to within its law's step at every sample:
/// the energy tests' rounding bounds (EnergyRoundingBound) and the heat capacity law's lag
/// (HeatCapacityLawTests) are computed from these brackets, not from measured errors.
///
/// At every damage sample the tissue laws move each voxel to the step of its temperature
/// (TissuePropertyLaw.step: T lies in [centre - halfWidth, centre + halfWidth)); the progress
/// observer, the last of the samplers, records those centres. With the per-voxel peak (every
/// sample's maximum) and a floor no temperature goes below (the coldest start: the boxes are
/// adiabatic and their sources heat), each voxel's temperature at each sample is bracketed.
/// The brackets hold at every kernel step only when every step is sampled (a step longer than
/// half the damage interval), which `everyStepSampled` reports for the tests to require.
struct BracketedRun {
    let result: SimulationResult
    let grid: Grid3D
    let samples: Int
    /// Per sample (the start, then the end of every step; sample-major, voxels in grid order): the
    /// law's step centre, NaN where the voxel follows no law (a vessel's lumen).
    let centres: [Float]
    /// Per sample and voxel, as `centres`: bounds of its temperature (°C).
    let low: [Float], high: [Float]

    init(preset: Preset, scene: Scene, floorC: Float, threads: Int = 2) throws {
        let sim = Simulation(preset: preset, scene: scene, threads: threads)
        let g = scene.grid, L = sim.model.op.layout
        let padded = (0..<g.voxelCount).map { L.index(linear: $0) }
        var recorded: [Float] = []
        sim.observer = { _ in
            let start = recorded.count
            recorded += repeatElement(Float.nan, count: padded.count)
            if let c = sim.model.conductivityResponse?.centres {
                recorded.withUnsafeMutableBufferPointer { out in
                    padded.withUnsafeBufferPointer { p in
                        var v = 0
                        while v < p.count { out[start + v] = c.pointer[p[v]]; v += 1 }
                    }
                }
            }
            return true
        }
        result = try sim.run()
        grid = g
        centres = recorded
        let count = g.voxelCount
        samples = recorded.count / count
        let peak = result.peakTemperature()
        var low = recorded, high = recorded
        // Plain loops with comparisons: this runs for every voxel at every sample, and max, min and
        // closures are slow in debug builds.
        low.withUnsafeMutableBufferPointer { lo in high.withUnsafeMutableBufferPointer { hi in
            var n = 0
            while n < lo.count {
                let c = lo[n], top = peak[n % count]
                if c.isNaN {
                    lo[n] = floorC
                    hi[n] = top
                } else {
                    let w = TissuePropertyLaw.halfWidth(of: c)
                    lo[n] = c - w > floorC ? c - w : floorC
                    hi[n] = c + w < top ? c + w : top
                }
                n += 1
            }
        } }
        self.low = low
        self.high = high
    }

    var everyStepSampled: Bool { samples == result.steps + 1 }

    /// Per voxel at sample n: the largest upper and the smallest lower bound over the voxel and its
    /// six neighbours (an adiabatic face's ghost copies the voxel itself).
    func stencilExtremes(sample n: Int) -> (high: [Float], low: [Float]) {
        let count = grid.voxelCount
        let range = (n * count)..<((n + 1) * count)
        var top = Array(high[range]), bottom = Array(low[range])
        // Plain loops over pointers with comparisons: max, min and nested closures are slow in
        // debug builds, and this runs for every voxel at every sample.
        high.withUnsafeBufferPointer { hp in low.withUnsafeBufferPointer { lp in
        top.withUnsafeMutableBufferPointer { tp in bottom.withUnsafeMutableBufferPointer { bp in
            let h = hp.baseAddress! + n * count, l = lp.baseAddress! + n * count
            let t = tp.baseAddress!, b = bp.baseAddress!
            for (stride, extent) in [(1, grid.nx), (grid.nx, grid.ny), (grid.nx * grid.ny, grid.nz)] {
                var v = 0
                while v < count {
                    let position = (v / stride) % extent
                    if position > 0 {
                        if h[v - stride] > t[v] { t[v] = h[v - stride] }
                        if l[v - stride] < b[v] { b[v] = l[v - stride] }
                    }
                    if position + 1 < extent {
                        if h[v + stride] > t[v] { t[v] = h[v + stride] }
                        if l[v + stride] < b[v] { b[v] = l[v + stride] }
                    }
                    v += 1
                }
            }
        } } } }
        return (top, bottom)
    }
}
