/// Heat exchange of a tissue voxel with a surface held at a fixed temperature a fraction of a
/// voxel away (a cooled needle's wall, a withdrawing hot tip), which the explicit kernel cannot
/// carry: a wall a tenth of a voxel from a tissue centre would need a step ten times shorter.
/// Each step therefore ends with one backward-Euler update of the voxels beside such a surface,
///
///     T' = (T + x sum_s w_s T_s) / (1 + x sum_s w_s),   x = dt k(T) / (C h²),
///
/// where each link s to the surface carries the weight w_s (1 / f for a wall a fraction f of a
/// spacing from the voxel's centre). It is stable for any step and exact in the steady state
/// (operator splitting: first order in time, like the kernel's step). CooledSurfaceContact and
/// TrackAblation use it.
enum SurfaceExchange {
    /// The voxel's temperature after the step: `coupling` is x, `weightedSurfaceTemperature`
    /// sum_s w_s T_s and `weight` sum_s w_s.
    @inline(__always)
    static func implicitStep(from before: Double, coupling x: Double, weightedSurfaceTemperature: Double, weight: Double) -> Double {
        (before + x * weightedSurfaceTemperature) / (1 + x * weight)
    }
}
