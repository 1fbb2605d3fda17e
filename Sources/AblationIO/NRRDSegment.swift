/// One segment of a 3D Slicer segmentation (.seg.nrrd), from the `SegmentN_*` key/value pairs:
/// its voxels are those of layer `layer` that hold `labelValue`.
public struct NRRDSegment: Sendable, Equatable {
    /// N in `SegmentN_*`: the segment's position in Slicer's list.
    public var index: Int
    /// Slicer's internal identifier (`SegmentN_ID`), "" when the file has none.
    public var id: String
    public var name: String
    public var labelValue: Int
    public var layer: Int

    public init(index: Int, id: String, name: String, labelValue: Int, layer: Int) {
        self.index = index
        self.id = id
        self.name = name
        self.labelValue = labelValue
        self.layer = layer
    }
}
