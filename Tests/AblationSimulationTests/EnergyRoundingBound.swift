import Foundation

/// How far Float arithmetic alone can move the heat summed over an adiabatic box from the energy
/// delivered: a first-order, worst-case bound (no cancellation between roundings assumed), summed
/// over every voxel and step from the run's own brackets (BracketedRun). u = 2^-24 is Float's unit
/// roundoff, ulp(x) the spacing of Floats at x (a rounding moves x by at most ulp(x) / 2 <= u x),
/// lambda = dt k_max / (h^2 c_min) <= 1/6 the largest face weight of a step.
///
/// Per kernel update (PennesStep), with the voxel's stencil (itself and six neighbours, at the
/// step's start and end) within [lo, M] and R = M - lo:
/// - storing T' rounds by ulp(M) / 2;
/// - the uniform rows sum six absolute temperatures before subtracting 6 T: five additions of sums
///   up to 2M, 2M, 2M, 4M and 6M round by half their ulps (5 ulp(M) + ulp(6M) / 2), weighted
///   lambda in T';
/// - the Laplacian, the right-hand side, dt/c and the source add roundings of at most 9 u R (the
///   general rows' differences and chained products instead 16 u R; the larger is taken);
/// - the source's share of them uses dt q / c <= 2R (the step's rise less what the faces carried).
/// The heat source itself is stored in Float: its sum is the power to u, so u of the energy.
///
/// Vaporisation adds, per voxel and step that can be above 99 °C, the enthalpy map's round trip
/// (temperature -> enthalpy + step -> temperature): the stored temperature's half ulp on the
/// plateau's slope (c + latent), plus the roundings of the enthalpy, 3.5 ulp(H) at c. Per step of
/// a voxel that can be dry (above 104 °C, desiccated capacity s c99 below the wet one) it adds the
/// sub-cycling: per sub-step (at most n = dt 6 k_max / (h^2 c_min s) of them) the same round trip
/// in the dry range, ulp(H) + s ulp(M) / 2 + 2 u H; the frozen neighbours' heat and the flux
/// (96 lambda u M + 12 lambda u R + 9 u (H + 6 lambda R)); and on each of its six faces the
/// payment to the neighbour, whose mean temperature is a Float sum of n values up to M (ulp(n M) / 2
/// each, lambda in the payment), stored in the neighbour with its own round trip. Reading the
/// enthalpy back in the test evaluates the map once more in Float, with ratios rounded
/// separately: 2 ulp(H) + 6 u (H - 99) per voxel above 99 °C.
struct EnergyRoundingBound {
    /// Sensible heat capacity range reached (J/m³/K), conductivity the step was sized for (W/m/K),
    /// latent heat capacity of the plateau (J/m³/K, 0 for linear tissue) and desiccated over c(99).
    var capacityMin: Double, capacityMax: Double, conductivityMax: Double
    var latent = 0.0, dryRatio = 1.0

    static let u = Double(Float.ulpOfOne) / 2
    static func ulp(_ x: Double) -> Double { Double(Float(abs(x)).ulp) }

    /// The bound (J) for `run`, which delivered `deliveredJ`.
    func joules(_ run: BracketedRun, deliveredJ: Double) -> Double {
        let u = Self.u, ulp = Self.ulp
        let g = run.grid, h = g.spacingMM * 1e-3
        let dt = run.result.maxTimeStep
        let lambda = dt * conductivityMax / (h * h) / capacityMin
        let substeps = dryRatio < 1 ? min(1024, (dt * 6 * conductivityMax / (h * h) / capacityMin / dryRatio).rounded(.up)) : 0
        let ratio = latent / capacityMin, wet = max(1, dryRatio)
        /// Largest enthalpy (K-equivalents of the voxel's c) of a temperature up to m.
        func enthalpy(_ m: Double) -> Double { m <= 99 ? m : 99 + (1 + ratio) * (min(m, 104) - 99) + wet * max(0, m - 104) }
        /// One voxel's enthalpy round trip (J/m³) at temperatures up to m; a half ulp below 99 °C.
        func roundTrip(_ m: Double) -> Double {
            latent > 0 && m > 99 ? (capacityMax + latent) * ulp(min(m, 104)) / 2 + 3.5 * capacityMax * ulp(enthalpy(m))
                                 : capacityMax * ulp(m) / 2
        }
        let count = g.voxelCount
        var perVolume = 0.0
        var previous = run.stencilExtremes(sample: 0)
        for n in 1..<run.samples {
            let current = run.stencilExtremes(sample: n)
            // Voxels that can be on the plateau or dry in this step, for the terms below.
            var hot: [(own: Double, top: Double, r: Double)] = []
            var kernel = 0.0
            previous.high.withUnsafeBufferPointer { h0 in current.high.withUnsafeBufferPointer { h1 in
            previous.low.withUnsafeBufferPointer { l0 in current.low.withUnsafeBufferPointer { l1 in
            run.high.withUnsafeBufferPointer { own in
                for v in 0..<count {
                    // Comparisons rather than max and min: the generic functions are slow in debug builds.
                    let top = Double(h0[v] > h1[v] ? h0[v] : h1[v])
                    let r = top - Double(l0[v] < l1[v] ? l0[v] : l1[v])
                    // ulp(2x) = 2 ulp(x) and ulp(4x) = 4 ulp(x): the sums' half ulps are 5 ulp(M) + ulp(6M) / 2.
                    let unit = Double(Float(top).ulp), six = Double(Float(6 * top).ulp)
                    let sums = lambda * (5 * unit + six / 2) + 9 * u * r, differences = 16 * u * r
                    kernel += unit / 2 + (sums > differences ? sums : differences)
                    let a = own[(n - 1) * count + v], b = own[n * count + v]
                    let hottest = Double(a > b ? a : b)
                    if latent > 0 && hottest > 99 { hot.append((hottest, top, r)) }
                }
            } } } } }
            perVolume += capacityMax * kernel
            for (own, top, r) in hot {
                perVolume += roundTrip(own)
                guard substeps > 0, own > 104 else { continue }
                let hMax = enthalpy(own)
                perVolume += capacityMax * (substeps * (ulp(hMax) + dryRatio * ulp(own) / 2 + 2 * u * hMax)
                                            + u * (96 * lambda * top + 12 * lambda * r + 9 * (hMax + 6 * lambda * r)))
                perVolume += 6 * (capacityMax * lambda * (ulp(substeps * top) / 2 + 2 * u * top + 3 * u * r) + roundTrip(top))
            }
            previous = current
        }
        if latent > 0 {
            for t in run.result.temperature() where t > 99 {
                let hT = enthalpy(Double(t))
                perVolume += capacityMax * (2 * ulp(hT) + 6 * u * (hT - 99))
            }
        }
        return perVolume * g.voxelVolumeMM3 * 1e-9 + u * deliveredJ
    }
}
