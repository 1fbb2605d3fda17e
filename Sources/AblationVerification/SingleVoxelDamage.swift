import AblationKernels

/// The production damage integrator (DamageIntegrator, the kernel every run samples with) on a
/// single voxel whose temperature follows a prescribed history, sampled every `interval` seconds
/// as the simulation samples it every `time.damage_interval_s`.
enum SingleVoxelDamage {
    /// The damage measure after each of `samples` samples of `temperatureC(t)`, t = interval, 2 interval, ...
    static func integrate(law: DamageLaw, interval: Double, samples: Int, temperatureC: (Double) -> Double) -> [Double] {
        let layout = PaddedLayout(nx: 1, ny: 1, nz: 1)
        // Every element holds the voxel's temperature, so padding lanes stay finite.
        let temperature = AlignedBuffer<Float>(count: layout.count, repeating: Float(temperatureC(0)))
        let integrator = DamageIntegrator(layout: layout, law: law)
        integrator.start(temperature: temperature, planes: 0..<1)
        var values: [Double] = []
        for n in 1...samples {
            temperature.fill(Float(temperatureC(Double(n) * interval)))
            _ = integrator.sample(temperature: temperature, interval: interval, threshold: .infinity, planes: 0..<1)
            values.append(Double(integrator.value(at: layout.index(0, 0, 0))))
        }
        return values
    }

    /// Unit roundoff of Float (2^-24).
    static let floatRoundoff = 0x1p-24

    /// Bound on the relative error Float arithmetic adds to a damage integral whose rate is
    /// exp(x) with x evaluated from Float constants: `exponentRounding` is the sum of the magnitudes
    /// the exponent's roundings act on (each operation and each Float constant contributes at most
    /// one roundoff of its magnitude); then e^x to 2 ulp as SIMDSupport.exp documents, counted as 4,
    /// a scale factor (CEM43's 1/60), the trapezoid's sum and halving, the Kahan sum (2 roundoffs,
    /// Higham 2002 §4.3) and the read-back: 10 roundoffs in all.
    static func floatBound(exponentRounding: Double) -> Double { floatRoundoff * (exponentRounding + 10) }
}
