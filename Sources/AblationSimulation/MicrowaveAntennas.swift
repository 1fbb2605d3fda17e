import AblationKernels
import AblationMicrowave
import AblationPreset
import Foundation

/// `mwa` applicators: each antenna's absorbed-power pattern (MicrowaveSAR) follows the tissue
/// state, so it is evaluated again every `update_interval_s` of simulated time, at the first
/// damage sample past the interval (and at every phase change).
final class MicrowaveAntennas: ApplicatorKind {
    private let antennas: [(index: Int, sar: MicrowaveSAR)]
    /// The shortest `update_interval_s`: every antenna is evaluated in every round.
    private let interval: Double
    /// The last deposit round's time.
    private var lastUpdate = -Double.infinity
    private var lastDeposits: [Int: DepositReport] = [:]
    /// One antenna's pattern in grid order, reused between antennas and rounds.
    private var pattern: [Float] = []

    init?(preset: Preset, scene: Scene, model: ThermalModel, threads: Int) throws {
        var antennas: [(index: Int, sar: MicrowaveSAR)] = []
        var interval = Double.infinity
        for (n, a) in preset.applicators.enumerated() {
            guard case let .microwave(m) = a else { continue }
            let profile = try DeviceProfile.profile(MicrowaveDevice(rawValue: m.device)!, frequencyMHz: m.frequencyMHz)
            antennas.append((n, MicrowaveSAR(grid: scene.grid, placement: AntennaPlacement(tipMM: m.tipMM, entryMM: m.entryMM),
                                             profile: profile, threads: threads)))
            interval = min(interval, m.updateIntervalS)
        }
        guard !antennas.isEmpty else { return nil }
        self.antennas = antennas
        self.interval = interval
    }

    func deposit(powers: [Double], state: SimulationState) {
        for antenna in antennas where powers[antenna.index] > 0 {
            let tissue = state.gridOrderTissueState()
            if pattern.isEmpty { pattern = [Float](repeating: 0, count: state.grid.voxelCount) }
            lastDeposits[antenna.index] = antenna.sar.deposit(forwardPowerW: powers[antenna.index], temperature: tissue.temperature,
                                                              peakTemperature: tissue.peakTemperature, into: &pattern)
            state.layout.add(pattern, to: state.source, threads: state.threads)
        }
        lastUpdate = state.time
    }

    func needsDeposit(state: SimulationState, atSample: Bool) -> Bool {
        atSample && state.time - lastUpdate >= interval - 1e-9
    }

    /// What each antenna's profile rests on.
    static func warnings(preset: Preset, scene: Scene, result: SimulationResult) -> [String] {
        var warnings: [String] = []
        for (n, a) in preset.applicators.enumerated() {
            guard case let .microwave(m) = a else { continue }
            warnings.append(MicrowaveCalibrationNote.warning(device: m.device, frequencyMHz: m.frequencyMHz, applicator: n))
        }
        // Power lost outside the grid is reported once for the run, with necrosis at its faces
        // (BoundaryContact in AblationAnalysis), not once per antenna.
        return warnings
    }

    func reports(state: SimulationState) -> [(index: Int, report: ApplicatorReport)] {
        antennas.map { antenna in
            var report = ApplicatorReport()
            report.microwave = lastDeposits[antenna.index]
            return (antenna.index, report)
        }
    }
}
