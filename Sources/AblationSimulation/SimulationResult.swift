import AblationKernels
import AblationPreset
import Foundation

/// Everything a run produced, in grid order (x fastest), ready for analysis and writers.
public struct SimulationResult: @unchecked Sendable {
    // @unchecked: holds the solver's buffers, which nothing mutates after the run.
    public struct Sample: Sendable {
        public var time: Double
        public var powers: [Double]
        public var energy: Double
        public var impedanceOhm: Double?
        /// First RF electrode: applied RMS voltage and current (from power and the last solved impedance).
        public var voltageV: Double?
        public var currentA: Double?
        /// First RF electrode: mean of its thermocouples (multi-tine tine ends); nil without thermocouples.
        public var electrodeTemperatureC: Double?
        public var maxTemperatureC: Double
        public var ablationVolumeML: Double
    }

    public let preset: Preset
    public let scene: Scene
    let layout: PaddedLayout
    let damage: DamageIntegrator
    let finalTemperature: AlignedBuffer<Float>
    public let timeSeries: [Sample]
    public let steps: Int
    public let simulatedTime: Double
    public let maxTimeStep: Double
    public let peakTemperatureC: Double
    /// Mean share of grid rows the kernel computed per step (the rest were provably unchanged).
    public let meanActiveRowFraction: Double
    /// What each applicator did, indexed like `preset.applicators`.
    public let applicators: [ApplicatorReport]
    public let solverSeconds: Double
    /// Convective vessels at the end of the run (see `VesselFlow`).
    public internal(set) var vessels: [VesselReport] = []

    /// Energy each applicator delivered (J), indexed like `preset.applicators`.
    public var deliveredEnergy: [Double] { applicators.map(\.deliveredEnergyJ) }

    init(preset: Preset, scene: Scene, layout: PaddedLayout, damage: DamageIntegrator, finalTemperature: AlignedBuffer<Float>,
         timeSeries: [Sample], steps: Int, simulatedTime: Double, maxTimeStep: Double, peakTemperatureC: Double,
         meanActiveRowFraction: Double, applicators: [ApplicatorReport], solverSeconds: Double) {
        self.preset = preset
        self.scene = scene
        self.layout = layout
        self.damage = damage
        self.finalTemperature = finalTemperature
        self.timeSeries = timeSeries
        self.steps = steps
        self.simulatedTime = simulatedTime
        self.maxTimeStep = maxTimeStep
        self.peakTemperatureC = peakTemperatureC
        self.meanActiveRowFraction = meanActiveRowFraction
        self.applicators = applicators
        self.solverSeconds = solverSeconds
    }

    func unpad<T>(_ read: (Int) -> T) -> [T] { layout.gridOrder(read) }

    public func temperature() -> [Float] { unpad { finalTemperature[$0] } }
    public func peakTemperature() -> [Float] { unpad { damage.peakTemperature[$0] } }

    /// Omega (Arrhenius), CEM43 minutes, or peak °C (isotherm), per the preset's damage model.
    public func damageMeasure() -> [Float] {
        switch damage.law {
        case .peakTemperature: return peakTemperature()
        default: return unpad { damage.value(at: $0) }
        }
    }

    /// A continuous field that is >= 0 exactly where tissue is necrotic: ln(measure / threshold)
    /// for the integral models (damage grows exponentially with temperature, so its logarithm
    /// interpolates well between voxels), peak - threshold for the isotherm model.
    public func zoneField() -> [Float] {
        let t = Float(preset.damage.threshold)
        switch damage.law {
        case .peakTemperature: return unpad { damage.peakTemperature[$0] - t }
        default: return unpad { Foundation.log(max(damage.value(at: $0), 1e-30) / t) }
        }
    }

    public func necrosis() -> [UInt8] {
        let t = preset.damage.threshold
        switch damage.law {
        case .peakTemperature: return unpad { Double(damage.peakTemperature[$0]) >= t ? 1 : 0 }
        default: return unpad { Double(damage.value(at: $0)) >= t ? 1 : 0 }
        }
    }
}
