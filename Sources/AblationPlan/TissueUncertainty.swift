import AblationGrid
import AblationJSON
import AblationKernels
import AblationPreset
import AblationRandom
import AblationRun
import AblationSimulation
import Foundation

/// How likely a treatment is to cover every target with its margin when the tissue differs from
/// the nominal values: perfusion, thermal conductivity and specific heat are drawn (uniformly,
/// SplitMix64 from the seed, in that order per sample) and each sample is simulated in full.
public struct TissueUncertainty {
    /// Published liver ranges (docs/physics.md): perfusion w rho_b c_b 1.3e4-6.8e4 W/m^3/K, i.e.
    /// 3.4e-3-1.8e-2 1/s with the built-in blood (the built-in liver's 1.67e-2 lies inside), and
    /// thermal conductivity 0.46-0.57 W/m/K (Hall, Ooi & Payne 2015). physics.md gives no range for the
    /// liver's specific heat, so +-5 % around the nominal value is an assumption
    /// (docs/planning.md#uncertainty).
    public static let perfusionPerS: ClosedRange<Double> = 3.4e-3...1.8e-2
    public static let conductivityWMK: ClosedRange<Double> = 0.46...0.57
    public static let specificHeatRelative: ClosedRange<Double> = 0.95...1.05

    public struct Sample: Sendable {
        public var perfusionPerS: Double
        public var conductivityWMK: Double
        public var specificHeatJKgK: Double
        public var covered: Bool
        public var minMarginMM: Double
    }

    public var samples: [Sample]
    public var seed: UInt64

    public var successes: Int { samples.filter(\.covered).count }

    /// Wilson score interval for a binomial proportion (95 %: z = 1.96).
    public static func wilson(successes k: Int, trials n: Int, z: Double = 1.959963984540054) -> (low: Double, high: Double) {
        guard n > 0 else { return (0, 1) }
        let p = Double(k) / Double(n), nn = Double(n)
        let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        let half = z / (1 + z * z / nn) * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }

    /// The preset with the background tissue's properties set to the drawn values, and every other
    /// non-blood material scaled by the same factors (tumour keeps its relation to liver).
    static func perturbed(_ preset: Preset, perfusion: Double, conductivity: Double, specificHeatFactor: Double) -> Preset {
        var p = preset
        guard let base = preset.materials[preset.background] else { return p }
        let bloodLike = Set(preset.regions.filter(\.vessel).map(\.material) + ["blood"])
        let fw = base.perfusionPerS > 0 ? perfusion / base.perfusionPerS : 1
        let fk = conductivity / base.conductivityWMK
        for (name, var m) in preset.materials where !bloodLike.contains(name) {
            m.perfusionPerS *= fw
            m.conductivityWMK *= fk
            m.specificHeatJKgK *= specificHeatFactor
            p.materials[name] = m
        }
        if base.perfusionPerS <= 0 { p.materials[preset.background]!.perfusionPerS = perfusion }
        return p
    }

    public static func run(preset: Preset, samples count: Int, seed: UInt64, threads: Int,
                           log: (String) -> Void, observer: ((Simulation.Progress) -> Bool)? = nil) throws -> TissueUncertainty {
        var rng = SplitMix64(seed: seed)
        var pipeline = RunPipeline()
        pipeline.threads = threads
        pipeline.observer = observer
        var samples: [Sample] = []
        let nominalC = preset.materials[preset.background]?.specificHeatJKgK ?? 3540
        for n in 0..<count {
            let w = rng.nextDouble(in: perfusionPerS.lowerBound, perfusionPerS.upperBound)
            let k = rng.nextDouble(in: conductivityWMK.lowerBound, conductivityWMK.upperBound)
            let f = rng.nextDouble(in: specificHeatRelative.lowerBound, specificHeatRelative.upperBound)
            let p = perturbed(preset, perfusion: w, conductivity: k, specificHeatFactor: f)
            let computed = try pipeline.compute(preset: p, bytes: [])
            let targets = computed.analysis.targets
            let sample = Sample(perfusionPerS: w, conductivityWMK: k, specificHeatJKgK: nominalC * f,
                                covered: !targets.isEmpty && targets.allSatisfy(\.completeWithMargin),
                                minMarginMM: targets.map(\.minMarginMM).min() ?? 0)
            log(String(format: "uncertainty sample %d/%d: perfusion %.3g 1/s, k %.3g W/m/K, c %.4g J/kg/K: %@ (margin %.1f mm)",
                       n + 1, count, w, k, nominalC * f, sample.covered ? "covered with margin" : "NOT covered with margin", sample.minMarginMM))
            samples.append(sample)
        }
        return TissueUncertainty(samples: samples, seed: seed)
    }

    public func json(preset: Preset) -> JSONValue {
        let (low, high) = TissueUncertainty.wilson(successes: successes, trials: samples.count)
        return [
            "ablsim_version": .string(AblsimVersion.string),
            "preset_name": .string(preset.name),
            "seed": .number(Double(seed)),
            "samples": .number(Double(samples.count)),
            "covered_with_margin": .number(Double(successes)),
            "probability_complete_with_margin": rounded(samples.isEmpty ? 0 : Double(successes) / Double(samples.count)),
            "wilson_95_interval": .array([rounded(low), rounded(high)]),
            "ranges": [
                "perfusion_per_s": .array([.number(TissueUncertainty.perfusionPerS.lowerBound), .number(TissueUncertainty.perfusionPerS.upperBound)]),
                "conductivity_w_mk": .array([.number(TissueUncertainty.conductivityWMK.lowerBound), .number(TissueUncertainty.conductivityWMK.upperBound)]),
                "specific_heat_relative": .array([.number(TissueUncertainty.specificHeatRelative.lowerBound), .number(TissueUncertainty.specificHeatRelative.upperBound)]),
                "distribution": "uniform, drawn with SplitMix64 from seed in the order perfusion, conductivity, specific heat; applied to the background tissue, other non-blood materials scaled by the same factors",
            ],
            "draws": .array(samples.map { s in
                ["perfusion_per_s": rounded(s.perfusionPerS, 6), "conductivity_w_mk": rounded(s.conductivityWMK, 6),
                 "specific_heat_j_kgk": rounded(s.specificHeatJKgK, 6), "complete_with_margin": .bool(s.covered),
                 "min_margin_mm": rounded(s.minMarginMM)]
            }),
        ]
    }
}
