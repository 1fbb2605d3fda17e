/// A NRRD image as read: a 3D label map, or 3D Slicer's layered segmentation (one 3D label map
/// per layer along a `list` axis), in the RAS world frame whatever `space` the file used.
public struct NRRDVolume: Sendable {
    public let nx: Int
    public let ny: Int
    public let nz: Int
    /// 1 for a 3D image; the length of the list axis for a 4D one.
    public let layerCount: Int
    /// 4x4 row-major matrix mapping voxel index (i, j, k, 1) to world millimetres in RAS+: the
    /// file's `space directions` and `space origin` with x and y negated for LPS (x for LAS).
    public let affine: [[Double]]
    /// The frame the file was written in.
    public let space: NRRDSpace
    public let datatype: NIfTIDataType
    /// The `SegmentN_*` segment table, by N; empty for a plain NRRD.
    public let segments: [NRRDSegment]
    /// Every key/value pair of the header (`key:=value`), escapes undone.
    public let keyValues: [String: String]

    /// Samples in file order (first axis fastest), converted to Float.
    let samples: [Float]
    /// Distance in `samples` between neighbours along each spatial axis and along the list axis.
    let spatialStrides: (Int, Int, Int)
    let layerStride: Int

    init(nx: Int, ny: Int, nz: Int, layerCount: Int, affine: [[Double]], space: NRRDSpace, datatype: NIfTIDataType,
         segments: [NRRDSegment], keyValues: [String: String], samples: [Float], spatialStrides: (Int, Int, Int), layerStride: Int) {
        self.nx = nx
        self.ny = ny
        self.nz = nz
        self.layerCount = layerCount
        self.affine = affine
        self.space = space
        self.datatype = datatype
        self.segments = segments
        self.keyValues = keyValues
        self.samples = samples
        self.spatialStrides = spatialStrides
        self.layerStride = layerStride
    }

    /// One layer as a 3D volume (x fastest) with the RAS affine, ready for the code that places
    /// NIfTI label maps. `index` must be below `layerCount`.
    public func layer(_ index: Int) -> NIfTIVolume {
        precondition((0..<layerCount).contains(index), "layer \(index) of \(layerCount)")
        let values: [Float]
        if layerCount == 1 && spatialStrides == (1, nx, nx * ny) {
            values = samples
        } else {
            let (sx, sy, sz) = spatialStrides
            let base = index * layerStride
            values = [Float](unsafeUninitializedCapacity: nx * ny * nz) { buffer, initialized in
                var n = 0
                for k in 0..<nz {
                    for j in 0..<ny {
                        let row = base + j * sy + k * sz
                        for i in 0..<nx {
                            buffer[n] = samples[row + i * sx]
                            n += 1
                        }
                    }
                }
                initialized = n
            }
        }
        return NIfTIVolume(nx: nx, ny: ny, nz: nz, affine: affine, datatype: datatype, values: values)
    }
}
