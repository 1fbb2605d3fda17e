import AblationGrid
import AblationJSON
import AblationKernels
import AblationTissue
/// One simulated treatment, fully resolved: every default filled in, every value checked.
/// The JSON contract is docs/preset-format.md (shared) plus the extensions listed in
/// docs/preset-format.md#extensions.
public struct Preset: Sendable {
    public var name: String
    public var description: String
    public var grid: GridSpec
    public var boundary: BoundarySpec
    public var initialTemperatureC: Double
    public var background: String
    /// Every material the preset may use: built-ins merged with the preset's overrides.
    public var materials: [String: Material]
    /// Names of materials the preset defined or overrode, in file order (for the resolved echo).
    public var materialOrder: [String]
    public var blood: ArterialBlood
    public var regions: [Region]
    public var applicators: [Applicator]
    public var time: TimeSpec
    public var damage: DamageSpec
    public var marginMM: Double
    public var outputFormats: [String]
    /// Seed for anything random (recorded in every output; the heat-only solver is deterministic).
    public var seed: UInt64
    /// The contract's `planning` block, kept verbatim: `ablsim plan` decodes it (AblationPlan.PlanningSpec); `ablsim run` ignores it.
    public var planning: JSONValue?
    /// Extension: a segmented zone (e.g. post-ablation imaging) the predicted zone is compared with.
    public var referenceZone: LabelMapShape?

    public struct GridSpec: Sendable, Equatable {
        public var centerMM: SIMD3<Double>
        public var sizeMM: SIMD3<Double>
        public var spacingMM: Double
        /// How `grid.fit` placed the grid (nil when placed by hand). The resolved preset gives the
        /// placed center and size, so it runs without the image deciding the grid again.
        public var fit: GridFit? = nil
    }

    public struct BoundarySpec: Sendable, Equatable {
        public enum Kind: String, Sendable { case dirichlet, adiabatic }
        public var kind: Kind
        public var temperatureC: Double
    }

    public struct Region: Sendable {
        public var name: String
        public var material: String
        public var shape: ShapeSpec
        public var target: Bool
        public var vessel: Bool
        /// How the blood of a vessel region takes up heat (nil for non-vessel regions).
        public var flow: VesselFlowSpec?
    }

    public struct PowerPhase: Sendable, Equatable {
        public var durationS: Double
        public var powerW: Double
    }

    public enum Applicator: Sendable {
        /// Verification source: `power_w` spread uniformly over the shape (partial volumes honoured).
        case heatSource(shape: ShapeSpec, schedule: [PowerPhase])
        /// Microwave antenna: forward power at the generator per phase.
        case microwave(MicrowaveSpec)
        /// Radiofrequency electrode driven by a generator control mode.
        case radiofrequency(RadiofrequencySpec)

        public var schedule: [PowerPhase] {
            switch self {
            case .heatSource(_, let s): return s
            case .microwave(let m): return m.schedule
            case .radiofrequency(let r):
                // The pump-off check after a cooled electrode's generator stops is part of its treatment.
                // So is track ablation on withdrawal, which TrackAblation heats (no electrical power).
                var phases = [PowerPhase(durationS: r.durationS, powerW: r.maxPowerW)]
                if r.pumpOffS > 0 { phases.append(PowerPhase(durationS: r.pumpOffS, powerW: 0)) }
                if let t = r.trackAblation { phases.append(PowerPhase(durationS: t.durationS, powerW: 0)) }
                return phases
            }
        }
        public var typeName: String {
            switch self {
            case .heatSource: return "heat_source"
            case .microwave: return "mwa"
            case .radiofrequency: return "rfa"
            }
        }
        /// The region a heat source fills; nil for needles.
        public var heatSourceShape: ShapeSpec? {
            if case let .heatSource(shape, _) = self { return shape } else { return nil }
        }
        /// Insertion path (entry, tip) of needle applicators.
        public var needle: (entryMM: SIMD3<Double>, tipMM: SIMD3<Double>)? {
            switch self {
            case .heatSource: return nil
            case .microwave(let m): return (m.entryMM, m.tipMM)
            case .radiofrequency(let r): return (r.entryMM, r.tipMM)
            }
        }
    }

    public struct RadiofrequencySpec: Sendable, Equatable {
        /// Default `update_interval_s`: seconds between potential solves while the generator is on.
        /// On the cooled-tip 12-min preset at 0.5 mm (held power between solves), against solving
        /// every second: 2 s +0.6 % zone volume, 3 s +0.6 %, 4 s +2.7 %, 6 s +7.6 % (docs/devices.md).
        public static let defaultUpdateIntervalS = 3.0
        /// Default `control.start_power_w` of the LeVeen ramp (W), the RF 3000 protocol's.
        public static let defaultLeVeenStartPowerW = 40.0
        /// Default `control.roll_off_ohm`: an impedance this far above the baseline counts as roll-off.
        public static let defaultRollOffRiseOhm = 30.0
        public enum Control: Sendable, Equatable {
            /// Hold the delivered power.
            case constantPower(powerW: Double)
            /// Deliver up to `maxPowerW`; when the impedance rises well above its baseline (tissue
            /// drying around the tip: roll-off), cut the power, as clinical generators do. `ramp`
            /// says how the power rises and what follows a roll-off.
            case impedance(maxPowerW: Double, ramp: ImpedanceRamp)
            /// Regulate the power (at most `maxPowerW`) with a PI controller so that the measured
            /// electrode temperature holds `targetC` (multi-tine electrodes: thermocouples at the tine tips).
            case temperature(targetC: Double, maxPowerW: Double)
        }
        /// How an impedance-controlled generator raises its power and what it does at roll-off.
        public enum ImpedanceRamp: Sendable, Equatable {
            /// Ramp to the maximum over 30 s; after every roll-off pause 15 s and ramp again.
            case generic
            /// LeVeen protocol (RadiofrequencyElectrode, docs/devices.md#generator-modes):
            /// `startPowerW`, +10 W every minute up to the maximum until roll-off; after 30 s a second
            /// application at 70 % of the roll-off power until the second roll-off, then off.
            case leveen(startPowerW: Double)
        }
        public enum Electrode: Sendable, Equatable {
            /// One internally cooled needle: `activeLengthMM` of bare tip held at the coolant temperature.
            case cooledTip
            /// Three cooled needles, parallel, at the corners of an equilateral triangle of side
            /// `spacingMM` centred on the insertion path, all at one potential.
            case cluster(spacingMM: Double)
            /// An insulated trocar from whose tip curved tines deploy (not cooled).
            case multiTine(MultiTineSpec)

            public var name: String {
                switch self {
                case .cooledTip: return "cooled_tip"
                case .cluster: return "cluster"
                case .multiTine: return "multi_tine"
                }
            }
            /// Whether the active parts are internally cooled (held at the coolant temperature).
            public var isCooled: Bool { if case .multiTine = self { return false } else { return true } }
        }
        public struct MultiTineSpec: Sendable, Equatable {
            public enum Shape: String, Sendable, CaseIterable {
                /// LeVeen-like: every tine leaves the trocar tip forward and recurves backward.
                case umbrella
                /// StarBurst-like: every tine leaves forward and bends out to perpendicular.
                case star
            }
            /// One step of a staged deployment: the tines pushed out until the array spans
            /// `deployedDiameterMM`, held there for `holdS` (under temperature control, counted from
            /// when the reading first reaches the target).
            public struct DeploymentStep: Sendable, Equatable {
                public var deployedDiameterMM: Double
                public var holdS: Double
                public init(deployedDiameterMM: Double, holdS: Double) {
                    self.deployedDiameterMM = deployedDiameterMM
                    self.holdS = holdS
                }
            }
            public var tines: Int
            public var deployedDiameterMM: Double
            public var tineDiameterMM: Double
            public var shape: Shape
            /// Staged deployment (extension `deployment`), the last step at `deployedDiameterMM`; the
            /// generator stops after the last hold. Empty: the whole array from the start, for `duration_s`.
            public var deployment: [DeploymentStep] = []
        }
        public var device: String
        public var electrode: Electrode
        /// Bare length of each cooled needle (0 for multi-tine electrodes, whose trocar is insulated to the tip).
        public var activeLengthMM: Double
        /// Needle diameter; for multi-tine electrodes, the trocar's.
        public var diameterMM: Double
        /// Coolant temperature of cooled electrodes (unused by multi-tine electrodes).
        public var coolantTemperatureC: Double
        public var tipMM: SIMD3<Double>
        public var entryMM: SIMD3<Double>
        public var control: Control
        public var durationS: Double
        /// Seconds between re-solves of the potential as conductivity changes (extension; default 3 s).
        public var updateIntervalS: Double
        /// Resistance of the current path outside the grid (the rest of the body, skin and
        /// dispersive pads; extension, default 0): in series with the grid's, so it takes its
        /// share of the generator's power and adds to the impedance the generator measures.
        public var returnPathOhm: Double = 0
        /// Cooled electrodes (extension, default 60 s): the pump stops with the generator and the
        /// simulation goes on this long, as in the pump-off check of cooled-tip protocols, so that
        /// the tissue the coolant kept cold against the metal heats from the zone around it.
        public var pumpOffS: Double = 0
        public static let defaultPumpOffS = 60.0
        /// The generator's output limits (extensions `control.max_voltage_v`, `control.max_current_a`;
        /// nil: unlimited): whatever its control law asks, it delivers at most V² / R and I² R into
        /// the impedance R it measured at the last solve.
        public var maxVoltageV: Double? = nil
        public var maxCurrentA: Double? = nil
        public var hasOutputLimits: Bool { maxVoltageV != nil || maxCurrentA != nil }
        /// Whether voxels of `spacingMM` resolve cooled needles of this diameter: two or more across it.
        /// On coarser grids the needle's surface still lies inside its voxels, but the tissue the coolant
        /// keeps cold beside it is averaged over a voxel, so margins set next to it depend on the grid.
        public func resolvesNeedles(atSpacingMM spacingMM: Double) -> Bool { diameterMM >= 2 * spacingMM }
        /// Cooled electrodes (extension `track_ablation`, default none): after the pump-off check
        /// the needle is pulled back `lengthMM` along its path at `speedMMS` with its bare tip held
        /// at `temperatureC`, as cooled-tip protocols coagulate the needle track (TrackAblation).
        public struct TrackAblationSpec: Sendable, Equatable {
            public var lengthMM: Double
            public var speedMMS: Double
            public var temperatureC: Double
            public var durationS: Double { lengthMM / speedMMS }

            /// The longest withdrawal a needle path allows: the path's length past the bare tip,
            /// rounded down to 0.1 mm.
            public static func maximumLengthMM(pathLengthMM: Double, activeLengthMM: Double) -> Double {
                ((pathLengthMM - activeLengthMM) * 10).rounded(.down) / 10
            }
        }
        public var trackAblation: TrackAblationSpec? = nil
        /// Impedance control (extension `control.roll_off_ohm`; a named device's own value): the rise
        /// of the impedance above its baseline at which the generator cuts its power.
        public var rollOffRiseOhm: Double = defaultRollOffRiseOhm
        public var maxPowerW: Double {
            switch control {
            case let .constantPower(p): return p
            case let .impedance(p, _): return p
            case let .temperature(_, p): return p
            }
        }
    }

    public struct MicrowaveSpec: Sendable, Equatable {
        public var frequencyMHz: Int
        public var device: String
        public var tipMM: SIMD3<Double>
        public var entryMM: SIMD3<Double>
        public var schedule: [PowerPhase]
        /// Seconds between re-evaluations of the absorbed-power pattern (extension; default 5 s).
        public var updateIntervalS: Double
    }

    public struct TimeSpec: Sendable, Equatable {
        public var cooldownS: Double
        public var dtS: Double?
        /// Interval between damage and peak-temperature samples (extension; default 1 s).
        public var damageIntervalS: Double
    }

    public struct DamageSpec: Sendable, Equatable {
        public enum Model: String, Sendable, CaseIterable { case arrhenius, cem43, isotherm }
        public var model: Model
        public var threshold: Double
        /// What the damage law counts from: `none` integrates it as published, down to any
        /// temperature; `initialTemperature` counts only the rate in excess of the law's rate at
        /// `initial_temperature_c`, so tissue never heated takes no damage (the liver's Arrhenius
        /// constants otherwise kill it in 57 min at 37 °C). Not for isotherm damage.
        public enum Baseline: String, Sendable, CaseIterable { case none, initialTemperature = "initial_temperature" }
        public var baseline: Baseline = .none
    }

    /// Total simulated time: the longest schedule plus the cooldown.
    public var totalTimeS: Double {
        (applicators.map { $0.schedule.reduce(0) { $0 + $1.durationS } }.max() ?? 0) + time.cooldownS
    }
}
