/// Thermal and electrical properties of one tissue at 37 °C, with the switches that decide
/// whether temperature-dependent laws apply.
public struct Material: Sendable, Equatable {
    public var densityKgM3: Double
    public var specificHeatJKgK: Double
    public var conductivityWMK: Double
    /// Volumetric blood perfusion rate w_b (1/s); the heat sink is w_b rho_b c_b (T_a - T).
    public var perfusionPerS: Double
    public var metabolicHeatWM3: Double
    public var electricalConductivitySM: Double
    public var waterContent: Double
    public var arrheniusFrequencyFactorPerS: Double
    public var arrheniusActivationEnergyJMol: Double
    /// Constant properties: no temperature laws (k(T), vaporisation, perfusion shutdown).
    public var linear: Bool
    /// Conductivity of desiccated tissue, reached at the top of the vaporisation range (104 °C).
    /// Built-ins use the 37 °C value; a preset that overrides `conductivityWMK` alone moves it along.
    public var desiccatedConductivityWMK: Double
    /// Relative rise of the thermal conductivity per °C up to the vaporisation range
    /// (TissuePropertyLaw): k(T) = k37 (1 + conductivityPerC (T - 37)).
    public var conductivityPerC: Double = TissuePropertyLaw.defaultConductivityPerC
    /// Volumetric heat capacity of desiccated tissue (J/m³/K), above the vaporisation range (104 °C).
    /// 0.8 MJ/m³/K is the upper end of the 0.44-0.8 range for desiccated tissue in docs/physics.md
    /// (Yang et al., IEEE TBME 2007); the upper end keeps closest to the wet value where the
    /// sources are unsure. See Vaporisation for how the step handles it.
    public var desiccatedHeatCapacityJM3K: Double = 8.0e5
    /// Relative change of the volumetric heat capacity per °C below the vaporisation range
    /// (TissuePropertyLaw): c(T) = c37 (1 + heatCapacityPerC (T - 37)). 0 by default: published
    /// liver data disagree in sign (docs/physics.md#heat-capacity); the key is for sensitivity studies.
    public var heatCapacityPerC: Double = 0
    /// Capillary perfusion stops where the damage measure reaches this multiple of the run's necrosis
    /// threshold: the capillaries keep carrying blood through coagulating tissue until the thermal dose
    /// is this many times the one that kills the cells (Arrhenius Omega = 30: about 100 s at 60 °C, 5 s
    /// at 70 °C). Fitted (0.1.0, 2026-11-27) as the one parameter of the living-tissue condition, on
    /// every in vivo and blood-perfused row of the validation table together with the Emprint profile's
    /// efficiency
    /// (docs/validation.md#living-tissue-capillaries-keep-flowing-through-coagulating-tissue): stopping
    /// perfusion where the cells die (1, the model before) left living zones nearly as large as bench
    /// ones (x 0.95 for an 80 W, 25 min antenna, measured x 0.63) and the Emprint chart's plateau
    /// unexplained.
    public static let defaultPerfusionStasisDose = 30.0
    public var perfusionStasisDose: Double = Material.defaultPerfusionStasisDose

    public var volumetricHeatCapacity: Double { densityKgM3 * specificHeatJKgK }

    /// Living liver at 37 °C (docs/physics.md: IT'IS/COMSOL bioheat data; Arrhenius constants from the
    /// COMSOL bioheat database). Perfusion 1.67e-2 1/s = 1 mL/min per g, the total hepatic blood flow
    /// (portal + arterial); w rho_b c_b = 6.3e4 W/m^3/K, inside physics.md's 1.3e4-6.8e4 range. It is
    /// the in vivo condition of the validation (docs/validation.md#tissue-conditions): with it the
    /// AMICA profile, calibrated on bench (ex vivo) charts, predicts the clinical AMICA zone within
    /// 20 %, where COMSOL's 6.4e-3 gave +42 %.
    public static let liver = Material(
        densityKgM3: 1079, specificHeatJKgK: 3540, conductivityWMK: 0.52, perfusionPerS: 1.67e-2,
        metabolicHeatWM3: 0, electricalConductivitySM: 0.333, waterContent: 0.78,
        arrheniusFrequencyFactorPerS: 7.39e39, arrheniusActivationEnergyJMol: 2.577e5, linear: false,
        desiccatedConductivityWMK: 0.52)

    /// Colorectal liver metastasis, the commonest ablated liver tumour. Sources and the values
    /// left out are in docs/physics.md#tumour-colorectal-liver-metastasis.
    /// - Perfusion 6.9e-3 1/s: 41.5 +- 22.5 mL/min/100 g measured in colorectal liver metastases of
    ///   patients at surgery by xenon-133 clearance after injection into the tumour (Taylor, Bennett &
    ///   Sherriff, Br J Cancer 1978;38:749), converted as the liver's 1 mL/min/g is (1.67e-2 1/s): 0.415
    ///   of the liver's. A whole-tumour mean: the viable rim is fed better (above 50 mL/min/100 g arterial,
    ///   Meijerink et al., Acad Radiol 2009) and a necrotic core worse; a preset that needs both paints
    ///   two regions.
    /// - Electrical conductivity 0.54 S/m: the liver's 0.333 times 0.57/0.35, the ratio of the medians
    ///   measured at 470 kHz in fresh resected human colorectal liver metastases and tumour-free liver
    ///   at about 35 °C (Zurbuchen et al., Acta Radiol 2017;58:164). The ratio rather than 0.57 itself
    ///   keeps the liver's calibrated value and the measured contrast.
    /// - Arrhenius A = 3.27e91 1/s, Ea = 5.78e5 J/mol: fitted to the viability of two human colon cancer
    ///   cell lines (HCT116, HT29) after hyperthermic and ablative (> 55 °C, < 10 s) heating (Mouratidis
    ///   et al., Int J Hyperthermia 2019). Omega = 1 takes 82 s at 50 °C and 3.1 s at 55 °C (liver: 61 s,
    ///   14 s): tumour cells outlast liver below about 51 °C and die sooner above it.
    /// - Density, specific heat, thermal conductivity (and its temperature law) and water content: no
    ///   measurement on colorectal metastases was found, so the liver's.
    public static let tumor: Material = {
        var m = Material.liver
        m.perfusionPerS = 6.9e-3
        m.electricalConductivitySM = 0.54
        m.arrheniusFrequencyFactorPerS = 3.27e91
        m.arrheniusActivationEnergyJMol = 5.78e5
        return m
    }()

    /// Blood as a tissue (inside vessels): IT'IS values.
    public static let blood = Material(
        densityKgM3: 1050, specificHeatJKgK: 3617, conductivityWMK: 0.52, perfusionPerS: 0,
        metabolicHeatWM3: 0, electricalConductivitySM: 0.667, waterContent: 0.8,
        arrheniusFrequencyFactorPerS: 7.39e39, arrheniusActivationEnergyJMol: 2.577e5, linear: true,
        desiccatedConductivityWMK: 0.52)

    public static let builtIn: [String: Material] = ["liver": .liver, "tumor": .tumor, "blood": .blood]
}

/// Arterial blood entering the perfusion term.
public struct ArterialBlood: Sendable, Equatable {
    public var temperatureC: Double = 37
    public var densityKgM3: Double = 1050
    public var specificHeatJKgK: Double = 3617
    public var volumetricHeatCapacity: Double { densityKgM3 * specificHeatJKgK }
    public init() {}
}
