/// Temperature law of the thermal conductivity of one non-linear tissue.
///
///     k(T) = k37 (1 + a_k (T - 37))                    T <= 99 °C
///     k(T) = k(99) + (k_d - k(99)) (T - 99) / 5 K      99 °C < T < 104 °C (the vaporisation range)
///     k(T) = k_d                                       T >= 104 °C (desiccated tissue)
///
/// Why this form: measured liver conductivity rises slowly and roughly linearly with temperature up
/// to the onset of boiling and falls once the tissue dries out (Lopresto et al. 2019, ex vivo bovine
/// liver 21-113 °C: properties rise to 99 °C and fall above 100 °C; Rossmann & Haemmerich, Crit Rev
/// Biomed Eng 2014;42:467, survey of 5-90 °C data). Linear coefficients of 0.12-0.16 %/°C are quoted for
/// RF/MW ablation models (not confirmed against each primary paper); the default takes the lower end, 0.12 %/°C (k(99) = 1.074 k37).
/// What it leaves out: the steep rise just below 100 °C that Lopresto measured is vapour transport,
/// which the enthalpy method (Vaporisation) already carries as latent heat, so it is not added to k
/// a second time; the small dip near 35-40 °C some ex vivo data show; hysteresis (the law is
/// reversible, like the vaporisation model). No desiccated liver conductivity was found that we
/// could check, so `k_d` defaults to the 37 °C value: k returns from k(99) to k37 across the boiling
/// range. `desiccated_conductivity_w_mk` sets a measured or assumed value.
///
/// The sensible heat capacity may follow a law of the same form (extension `heat_capacity_per_c`,
/// default 0, so by default it is the 37 °C value up to boiling; docs/physics.md#heat-capacity: why no
/// default law):
///
///     c(T) = c37 (1 + a_c (T - 37))                    T <= 99 °C
///     c(T) = c(99)                                     T > 99 °C (the sensible part under the latent heat)
///
/// The latent heat across 99-104 °C and the desiccated heat capacity above stay with Vaporisation,
/// which reads the voxel's current c. Like k, c is evaluated at the step temperature and updated at
/// every damage sample: each kernel step changes a voxel's temperature by its energy over its
/// current c, so heat is exchanged exactly, and the stored energy follows integral c dT to within
/// the one-sample lag (`HeatCapacityLawTests`).
///
/// The law is evaluated at temperatures rounded to `quantumC` (0.5 K; `step`), and tissue within
/// 2.75 K of 37 °C keeps exactly its 37 °C conductivity. A voxel's coefficients then change only
/// when it crosses a step, and the large, mildly warmed volume around a zone keeps its rows on the
/// kernel's cheap uniform path (per-voxel k sends rows to the general path: 40 instead of 12 bytes
/// per update). Cost in accuracy: k is off by at most a_k x 0.25 K = 0.03 % of k37 above 39.75 °C
/// and a_k x 2.75 K = 0.33 % in the resting band, far below the spread of measured liver k
/// (0.46-0.57 W/m/K) and consistent with ex vivo data that show no rise (even a shallow minimum)
/// near body temperature (ex vivo porcine liver 20-90 °C, Ultrasound Med Biol 2013, "Temperature-dependent thermal properties of ex vivo liver undergoing thermal ablation"; abstract read).
public struct TissuePropertyLaw: Sendable, Equatable {
    public static let defaultConductivityPerC = 0.0012
    /// Temperature step at which the law is evaluated (K); `bin` = T / quantumC rounded.
    public static let quantumC: Float = 0.5

    public let conductivity37: Double
    public let conductivityPerC: Double
    public let desiccatedConductivity: Double
    public let heatCapacity37: Double
    public let heatCapacityPerC: Double

    /// Nil where the material has constant conductivity and heat capacity (linear, or laws that
    /// never change them).
    public init?(_ m: Material) {
        guard !m.linear, m.conductivityPerC != 0 || m.desiccatedConductivityWMK != m.conductivityWMK || m.heatCapacityPerC != 0 else { return nil }
        conductivity37 = m.conductivityWMK
        conductivityPerC = m.conductivityPerC
        desiccatedConductivity = m.desiccatedConductivityWMK
        heatCapacity37 = m.volumetricHeatCapacity
        heatCapacityPerC = m.heatCapacityPerC
    }

    /// Whether the heat capacity changes with temperature.
    public var followsHeatCapacity: Bool { heatCapacityPerC != 0 }

    /// The sensible volumetric heat capacity (J/m³/K); below 0 °C the 0 °C value, above 99 °C the 99 °C value.
    public func heatCapacity(at temperature: Double) -> Double {
        let t = min(max(temperature, 0), Double(PhaseChange.boilingOnsetC))
        if t == 37 { return heatCapacity37 }
        return heatCapacity37 * (1 + heatCapacityPerC * (t - 37))
    }

    /// The smallest heat capacity the law reaches (for the stability bound).
    public var minimumHeatCapacity: Double { min(heatCapacity(at: 0), heatCapacity(at: Double(PhaseChange.boilingOnsetC))) }

    /// Tissue within this distance of 37 °C (the band [34.25, 39.75) °C, whose edges are step
    /// edges) keeps its 37 °C conductivity.
    public static let restingBandC: Float = 2.75

    /// The temperature the law is evaluated at for `t`: 37 in the resting band, elsewhere the
    /// nearest multiple of `quantumC` (halves round up). Non-finite values map to 37 °C (the damage
    /// sample reports them).
    @inline(__always) public static func step(_ t: Float) -> Float {
        guard t.isFinite else { return 37 }
        let d = t - 37
        if d >= -restingBandC && d < restingBandC { return 37 }
        let n = (t * (1 / quantumC) + 0.5).rounded(.down)
        return max(-1e6, min(1e6, n)) * quantumC
    }

    /// Half-width of the step around `centre` (a value `step` returned): a voxel keeps its
    /// conductivity while centre - halfWidth <= T < centre + halfWidth.
    @inline(__always) public static func halfWidth(of centre: Float) -> Float { centre == 37 ? restingBandC : quantumC / 2 }

    /// Below 0 °C the 0 °C value (the linear law is not meant for frozen tissue).
    public func conductivity(at temperature: Double) -> Double {
        let t = max(temperature, 0)
        let lower = Double(PhaseChange.boilingOnsetC), upper = Double(PhaseChange.desiccatedC)
        if t == 37 { return conductivity37 }  // exactly the 37 °C value, bit for bit
        if t <= lower { return conductivity37 * (1 + conductivityPerC * (t - 37)) }
        if t >= upper { return desiccatedConductivity }
        let wet = conductivity37 * (1 + conductivityPerC * (lower - 37))
        return wet + (desiccatedConductivity - wet) * (t - lower) / (upper - lower)
    }

    /// The largest conductivity the law reaches at or above 0 °C (for the stability bound).
    public var maximumConductivity: Double {
        max(conductivity(at: 0), conductivity(at: Double(PhaseChange.boilingOnsetC)), desiccatedConductivity, conductivity37)
    }
}
