import AblationGrid
import Foundation

/// What an RF zone depends on beyond the preset's own keys: the generator's control constants,
/// the tissue's electrical conductivity law and the electrode as rasterised on a given grid.
///
/// The planner's zone cache keys on this (with the resolved preset of the library run and the
/// ablsim version), so that recalibrating the roll-off, changing the drying law or the way thin
/// conductors are laid onto voxels invalidates cached RF zones even without a version bump. The
/// potential solver and the heat deposition are not sampled here: they change only with the code,
/// and the version string covers released code.
public enum RadiofrequencyModelFingerprint {
    public static func text(_ spec: Preset.RadiofrequencySpec, grid g: Grid3D) -> String {
        typealias D = RadiofrequencyDriver
        typealias L = RadiofrequencyDriver.LeVeenProtocol
        var parts: [String] = []
        parts.append("control rise \(D.rollOffRiseOhm) pause \(D.pauseS) ramp \(D.rampS) tol \(D.solveTolerance) lag \(D.multigridLag) gain \(D.refreshGainLimit)")
        parts.append("leveen start \(L.defaultStartPowerW) step \(L.stepW)/\(L.stepIntervalS) pause \(L.pauseS) second \(L.secondApplicationFraction)")
        // Relative conductivity along the drying curve: the law that makes the generator roll off.
        let samples = stride(from: Float(20), through: 120, by: 2.5).map { String(format: "%.9g", D.conductivity(1, at: $0)) }
        parts.append("sigma(T) " + samples.joined(separator: ","))
        func digest(_ voxels: [Int]) -> String {
            var bytes: [UInt8] = []
            for v in voxels { withUnsafeBytes(of: Int64(v).littleEndian) { bytes.append(contentsOf: $0) } }
            return "\(voxels.count):" + SHA256.hex(bytes)
        }
        parts.append("electrode " + digest(RadiofrequencyGeometry.electrodeVoxels(spec, grid: g)))
        parts.append("shaft " + digest(RadiofrequencyGeometry.shaftVoxels(spec, grid: g)))
        parts.append("cooled " + digest(RadiofrequencyGeometry.cooledVoxels(spec, grid: g)))
        parts.append("thin " + digest(ElectrodeGeometry(spec).thinConductorVoxels(grid: g)))
        return parts.joined(separator: "|")
    }
}
