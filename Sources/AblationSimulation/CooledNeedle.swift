import AblationGrid
import AblationKernels
import AblationPreset

/// A needle whose metal is held at a coolant temperature while its pump runs (internally cooled
/// RF electrodes and cluster needles): the voxels it holds, and the links from the tissue beside
/// it to its true surface (CooledSurfaceContact). The thermal model holds these voxels; the pump
/// stops with the generator (ThermalModel.stopCoolant).
struct CooledNeedle {
    let applicator: Int
    /// Grid (linear) indices of the metal held at the coolant temperature (sorted).
    let voxels: [Int]
    let coolantC: Double
    let contacts: [CooledSurfaceContact.Link]

    /// The cooled needles of the preset's RF applicators, in applicator order.
    static func all(in preset: Preset, grid g: Grid3D) -> [CooledNeedle] {
        preset.applicators.enumerated().compactMap { n, a in
            guard case let .radiofrequency(rf) = a, rf.electrode.isCooled else { return nil }
            let contacts = ElectrodeGeometry(rf).surfaceContacts(grid: g, includingShafts: true).map {
                CooledSurfaceContact.Link(applicator: n, tissueVoxel: $0.tissueVoxel, electrodeVoxel: $0.electrodeVoxel,
                                          fraction: $0.fraction, coolantC: rf.coolantTemperatureC)
            }
            return CooledNeedle(applicator: n, voxels: RadiofrequencyGeometry.cooledVoxels(rf, grid: g), coolantC: rf.coolantTemperatureC,
                                contacts: contacts)
        }
    }
}

extension ThermalModel {
    /// The thermal model of `preset`, with its cooled needles held.
    public convenience init(preset: Preset, scene: Scene) {
        self.init(preset: preset, scene: scene, cooledNeedles: CooledNeedle.all(in: preset, grid: scene.grid))
    }
}
