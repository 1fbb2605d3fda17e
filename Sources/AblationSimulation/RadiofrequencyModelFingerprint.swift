import AblationGrid
import AblationIO
import AblationKernels
import AblationPreset
import Foundation

/// What an RF zone depends on beyond the preset's own keys: the generator's control constants,
/// the numerics of the potential solve, the tissue's electrical conductivity law and the
/// electrode as rasterised on a given grid.
///
/// The planner's zone cache keys on this (with the resolved preset of the library run and the
/// ablsim version), so that recalibrating the roll-off, changing the drying law, the way thin
/// conductors are laid onto voxels or how their contact follows the wire's surface invalidates
/// cached RF zones even without a version bump. The
/// constants and laws enter as their values (each a value type printed whole), so a new
/// parameter joins the key without anyone listing it here.
public enum RadiofrequencyModelFingerprint {
    public static func text(_ spec: Preset.RadiofrequencySpec, grid g: Grid3D) -> String {
        var parts = [GeneratorConstants.standard, LeVeenProtocol.constants, RadiofrequencyElectrode.numerics,
                     RadiofrequencyElectrode.law].map { String(describing: $0) as String }
        func digest(_ voxels: [Int]) -> String {
            var bytes: [UInt8] = []
            for v in voxels { withUnsafeBytes(of: Int64(v).littleEndian) { bytes.append(contentsOf: $0) } }
            return "\(voxels.count):" + SHA256.hex(bytes)
        }
        parts.append("electrode " + digest(RadiofrequencyGeometry.electrodeVoxels(spec, grid: g)))
        parts.append("shaft " + digest(RadiofrequencyGeometry.shaftVoxels(spec, grid: g)))
        parts.append("cooled " + digest(RadiofrequencyGeometry.cooledVoxels(spec, grid: g)))
        let geometry = ElectrodeGeometry(spec)
        let thin = geometry.thinConductorVoxels(grid: g)
        parts.append("thin " + digest(thin))
        // Wires take their contact at their surface temperature (the excess enters per unit k; the
        // tissue's k is the preset's). Electrodes without wires keep their earlier key.
        if !thin.isEmpty {
            parts.append("wire surface \(WireSurfaceTemperature.excessPerHeatDensity(spacingM: g.spacingMM * 1e-3, wireRadiusM: geometry.tineRadiusMM * 1e-3, conductivityWMK: 1))")
        }
        return parts.joined(separator: "|")
    }
}
