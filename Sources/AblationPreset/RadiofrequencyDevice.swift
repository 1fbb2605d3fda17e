/// Named RF device families an `rfa` applicator can ask for (`"device"`). A named device fixes the
/// electrode's geometry and the generator's protocol to the ones the manufacturer sells, so a
/// preset names a product instead of describing one; `generic` leaves every key to the preset.
///
/// Sources of the numbers (docs/devices.md#rf-device-families):
/// - Cool-tip (Radionics, then Covidien/Medtronic): cluster of three internally cooled electrodes
///   0.5 cm apart, Goldberg et al., Radiology 1998;209:371-379 (abstract; tips 1.5-3.0 cm in that
///   study, 2.5 cm in the product); 17-G single electrodes, Song et al., Br J Radiol 2015;88:20140497
///   (PMC4628443); 3.0 cm exposure and the 480 kHz generator, Huang, Dodd & Lanctot, Acad Radiol
///   2012;19(8); a 200 W generator under impedance control for 12 min, the protocol the validation
///   rows were measured with (docs/validation.md#rf-rows).
/// - LeVeen (Boston Scientific) on the RF 3000: 200 W generator and arrays of 2, 3, 3.5, 4 and 5 cm
///   (Standard 3/3.5/4/5 cm, Super Slim 2/3 cm), Go-Smart project device database
///   (github.com/go-smart/glossia-scratch-test-site, app/database/seeds/CombinationSeeders/RFA/
///   BostonScientificCombinationSeeder.php); the ramp of `LeVeenProtocol`; 12 tines of 0.4 mm on a
///   14-G trocar, the bundled 4 cm preset's array (no per-size tine count was found).
/// - StarBurst (RITA Medical, then AngioDynamics) XL and Semi-Flex on the 1500X: 250 W generator,
///   9 tines, deployment 2-5 cm, temperature control at 378 K (105 °C), Go-Smart
///   (RitaCombinationSeeder.php, public/algorithms/rita-starburst-5cm-targettemperature.xml).
public enum RadiofrequencyDevice: String, CaseIterable, Sendable {
    case generic
    case coolTip = "cool_tip"
    case leveen
    case starburst

    /// The family's fixed facts and protocol, nil for `generic`.
    public var profile: RadiofrequencyDeviceProfile? {
        switch self {
        case .generic: return nil
        case .coolTip: return .coolTip
        case .leveen: return .leveen
        case .starburst: return .starburst
        }
    }
}

/// What a named RF device fixes. Keys a device fixes may still appear in a preset (the resolved
/// preset echoes them) but only with the device's own value.
public struct RadiofrequencyDeviceProfile: Sendable, Equatable {
    public enum Control: Sendable, Equatable {
        /// Impedance control with the generic ramp (pulsing after every roll-off).
        case impedance
        /// Impedance control with the LeVeen ramp, starting at `startPowerW`.
        case leveenRamp(startPowerW: Double)
        /// Temperature control at `targetC`.
        case temperature(targetC: Double)

        public var mode: String {
            switch self {
            case .impedance, .leveenRamp: return "impedance"
            case .temperature: return "temperature"
            }
        }
    }

    /// Product name for messages and warnings.
    public var name: String
    /// Electrode kinds the family makes; the first is the default.
    public var electrodes: [String]
    /// Cooled needles: bare tip lengths of the single electrode and of the cluster's needles (mm).
    public var singleExposuresMM: [Double] = []
    public var clusterExposuresMM: [Double] = []
    /// Multi-tine arrays: deployed diameters sold (mm), tines, their diameter and shape.
    public var arrayDiametersMM: [Double] = []
    public var tines: Int = 0
    public var tineDiameterMM: Double = 0
    public var tineShape: Preset.RadiofrequencySpec.MultiTineSpec.Shape = .umbrella
    /// Needle (cooled) or trocar (multi-tine) diameter, mm.
    public var diameterMM: Double
    /// Cluster needle spacing, mm.
    public var clusterSpacingMM: Double = 0
    /// The generator: its control law, its rated power (the most a preset may ask) and the power
    /// the protocol uses by default.
    public var control: Control
    public var generatorMaxPowerW: Double
    public var defaultPowerW: Double
    /// Treatment time of the protocol (s), the default `duration_s`.
    public var defaultDurationS: Double
    /// Impedance rise above the baseline that counts as roll-off (ohm): the family's one
    /// calibrated parameter where it has one (docs/validation.md#rf-device-calibration).
    public var rollOffRiseOhm: Double = Preset.RadiofrequencySpec.defaultRollOffRiseOhm
    /// Multi-tine arrays deployed in steps: the protocol's steps for each array size (mm); a size
    /// not listed is deployed at once.
    public var deploymentsByDiameterMM: [Double: [Preset.RadiofrequencySpec.MultiTineSpec.DeploymentStep]] = [:]

    /// Cool-tip: 17-G (1.47 mm, simulated as 1.5 mm like the validation rows) single electrodes with
    /// 2 or 3 cm exposures, or the cluster of three 2.5 cm tips 5 mm apart; the 200 W generator
    /// under impedance control for 12 min. Its one fitted parameter is the roll-off threshold: 15 ohm
    /// above the baseline, the best of 5, 10, 15, 30 and 60 ohm on the fitted Cool-tip rows (sum of
    /// squared relative errors of every published axis 0.119, 0.089, 0.087, 0.099, 0.113 at 1.5 mm,
    /// December 2026; docs/validation.md#rf-device-calibration). The generator then pulses sooner
    /// and more often, as the Cool-tip's impedance-controlled pulsing does.
    public static let coolTip = RadiofrequencyDeviceProfile(
        name: "Cool-tip", electrodes: ["cooled_tip", "cluster"], singleExposuresMM: [20, 30], clusterExposuresMM: [25],
        diameterMM: 1.5, clusterSpacingMM: 5, control: .impedance, generatorMaxPowerW: 200, defaultPowerW: 200,
        defaultDurationS: 720, rollOffRiseOhm: 15)

    /// LeVeen on the RF 3000: umbrella arrays of 2-5 cm, 12 tines of 0.4 mm on a 14-G (2.1 mm) trocar;
    /// the LeVeen ramp from 40 W to at most 90 W by default (the generator allows 200 W), stopping
    /// after the second roll-off within 12 min.
    public static let leveen = RadiofrequencyDeviceProfile(
        name: "LeVeen", electrodes: ["multi_tine"], arrayDiametersMM: [20, 30, 35, 40, 50], tines: 12, tineDiameterMM: 0.4,
        tineShape: .umbrella, diameterMM: 2.1, control: .leveenRamp(startPowerW: 40), generatorMaxPowerW: 200,
        defaultPowerW: 90, defaultDurationS: 720)

    /// StarBurst XL / Semi-Flex on the 1500X: star arrays of 3-5 cm, 9 tines (0.4 mm assumed) on a
    /// 14-G trocar; temperature control at 105 °C with the 250 W generator, deployed in steps of
    /// 1 cm from 2 cm, each held at 105 °C (Go-Smart's rita-starburst-{3,4,5}cm-phase.xml: 30 and
    /// 600 s; 30, 30 and 420 s; 30, 30, 420 and 420 s), the generator off after the last hold; at
    /// most 20 min (the holds and the warm-ups of the 5 cm protocol take about 16).
    public static let starburst = RadiofrequencyDeviceProfile(
        name: "StarBurst", electrodes: ["multi_tine"], arrayDiametersMM: [30, 40, 50], tines: 9, tineDiameterMM: 0.4,
        tineShape: .star, diameterMM: 2.1, control: .temperature(targetC: 105), generatorMaxPowerW: 250,
        defaultPowerW: 250, defaultDurationS: 1200,
        deploymentsByDiameterMM: [30: steps([(20, 30), (30, 600)]),
                                  40: steps([(20, 30), (30, 30), (40, 420)]),
                                  50: steps([(20, 30), (30, 30), (40, 420), (50, 420)])])

    private static func steps(_ list: [(Double, Double)]) -> [Preset.RadiofrequencySpec.MultiTineSpec.DeploymentStep] {
        list.map { .init(deployedDiameterMM: $0.0, holdS: $0.1) }
    }
}
