import AblationIO

/// The voxels of one label (or one 3D Slicer segment) of a segmentation file, with the 3D volume
/// they were taken from, in RAS world millimetres.
public struct LabelMapSelection: Sendable {
    /// The path as the preset wrote it, and resolved (absolute).
    public let path: String
    public let resolvedPath: String
    /// The layer holding the voxels (the whole image for NIfTI and 3D NRRD files).
    public let volume: NIfTIVolume
    public let layer: Int
    /// The voxel value that marks the selection.
    public let label: Int
    /// The segment with this label value in this layer, when the file has a segment table.
    public let segment: NRRDSegment?
    /// True when the preset named the segment (`segment`), false when it gave `label`.
    public let chosenByName: Bool
    /// "NIfTI" or "NRRD, LPS space" (the frame the file was written in; the volume is in RAS).
    public let fileDescription: String
    /// 1 where the volume holds `label`, x fastest.
    public let mask: [UInt8]
    public let voxelCount: Int

    init(file: LabelMapFile, layer: Int, label: Int, segment: NRRDSegment?, chosenByName: Bool) {
        path = file.path
        resolvedPath = file.resolvedPath
        volume = file.volume(layer: layer)
        self.layer = layer
        self.label = label
        self.segment = segment
        self.chosenByName = chosenByName
        switch file.contents {
        case .nifti: fileDescription = "NIfTI"
        case let .nrrd(v): fileDescription = "NRRD, \(v.space.abbreviation) space"
        }
        let wanted = Float(label)
        mask = volume.values.map { $0 == wanted ? 1 : 0 }
        voxelCount = mask.reduce(0) { $0 + Int($1) }
    }
}
