import AblationIO
import AblationJSON
import Foundation

/// `grid.fit`: a grid placed on a segmentation instead of by hand.
///
/// The box holds every voxel of the chosen labels (all of each voxel's cube, through the image's
/// affine, so oblique images are enclosed too) plus `padding_mm` on every side, in the RAS world
/// frame. Along each world axis that an image axis runs parallel to, the grid's voxel faces are put
/// on the image's voxel faces: with equal spacings the grid's voxel centres are the image's, so
/// nearest-neighbour painting copies the segmentation voxel for voxel; with a coarser or finer image
/// the grid's centres sit symmetrically inside the image's voxels, so no label is pushed toward
/// one side. A grid centred by hand on an image's voxel centre puts every grid centre on a voxel
/// face instead, and rounding then moves the whole segmentation by half a voxel.
public struct GridFit: Sendable, Equatable {
    public var path: String
    public var labels: [Int]?
    /// 3D Slicer segment names (a `.seg.nrrd`), instead of `labels`.
    public var segments: [String]?
    public var paddingMM: Double

    public static let defaultPaddingMM = 20.0

    /// Fraction of a voxel below which a box edge counts as on a voxel face. Image affines are often
    /// stored in float32 (NIfTI), about 1e-5 mm off at 100 mm from the origin; the same lattice read
    /// from a NIfTI and from a NRRD written in double precision must give the same grid.
    static let roundingSlack = 1e-4

    /// Center and size (mm) of the grid of `spacingMM` that holds the selected voxels of `volume`
    /// with `paddingMM` round them; nil when no voxel is selected.
    public static func box(volume v: NIfTIVolume, selects: (Float) -> Bool, paddingMM: Double,
                           spacingMM h: Double) -> (centerMM: SIMD3<Double>, sizeMM: SIMD3<Double>)? {
        guard let box = v.voxelBox(selects: selects) else { return nil }
        return place(lo: box.lo, hi: box.hi, lattice: v, paddingMM: paddingMM, spacingMM: h)
    }

    /// The grid holding [lo, hi] with padding, its faces on `lattice`'s along aligned axes.
    static func place(lo: SIMD3<Double>, hi: SIMD3<Double>, lattice v: NIfTIVolume, paddingMM: Double,
                      spacingMM h: Double) -> (centerMM: SIMD3<Double>, sizeMM: SIMD3<Double>) {
        let lo = lo - paddingMM, hi = hi + paddingMM
        var center = SIMD3<Double>(), size = SIMD3<Double>()
        for axis in 0..<3 {
            var lower = lo[axis]
            if let face = imageFacePhase(v, worldAxis: axis) {
                // The nearest image face at or below the padded box (the face lattice is face + m s).
                lower = face.offset + ((lo[axis] - face.offset) / face.spacing + roundingSlack).rounded(.down) * face.spacing
            }
            // Whole voxels; the slack keeps a box that is already a whole number of voxels from
            // gaining one through rounding of the corner arithmetic.
            let n = max(1, Int(((hi[axis] - lower) / h - roundingSlack).rounded(.up)))
            size[axis] = Double(n) * h
            center[axis] = lower + size[axis] / 2
        }
        return (center, size)
    }

    /// The image's voxel faces along world axis `axis` (at `offset + m spacing`), when one image
    /// axis runs parallel to it; nil for an oblique image.
    static func imageFacePhase(_ v: NIfTIVolume, worldAxis axis: Int) -> (offset: Double, spacing: Double)? {
        let a = v.affine
        for column in 0..<3 {
            let direction = SIMD3(a[0][column], a[1][column], a[2][column])
            let length = (direction * direction).sum().squareRoot()
            guard length > 0 else { continue }
            var others = 0.0
            for r in 0..<3 where r != axis { others = max(others, abs(direction[r])) }
            // Parallel to within float rounding of a written affine (dcm2niix stores float32).
            guard others <= 1e-6 * length, abs(direction[axis]) > 0 else { continue }
            let s = abs(direction[axis])
            let firstFace = a[axis][3] - 0.5 * s
            return (firstFace - (firstFace / s).rounded(.down) * s, s)
        }
        return nil
    }

    /// Decodes `grid.fit` and places the grid (exit 65/66 with the JSON path on problems).
    static func decode(_ r: inout JSONObjectReader, spacingMM: Double, baseDirectory: String?) throws(PresetError) -> (GridFit, Preset.GridSpec) {
        let file = try r.string("path")
        guard !file.isEmpty else {
            throw PresetError(path: r.child("path"), "is empty; expected the path of \(LabelMapFile.fileKinds)")
        }
        var labels: [Int]?
        if let list = try r.array("labels", required: false) {
            guard !list.isEmpty else {
                throw PresetError(path: r.child("labels"), "is empty; expected the label values to fit the grid to, e.g. [2], or no \"labels\" for every non-zero label")
            }
            var values: [Int] = []
            for (n, item) in list.enumerated() {
                let value = try JSONObjectReader.number(item, path: "\(r.child("labels")).\(n)",
                                                        NumberCheck(accepts: { $0 == $0.rounded() && $0 != 0 && abs($0) < 2_147_483_648 },
                                                                    expectation: "a non-zero integer label value"))
                values.append(Int(value))
            }
            labels = values
        }
        var segments: [String]?
        if let list = try r.array("segments", required: false) {
            guard labels == nil else {
                throw PresetError(path: r.child("segments"), "cannot be given with \"labels\"; choose segments by name or labels by value")
            }
            guard !list.isEmpty else {
                throw PresetError(path: r.child("segments"), "is empty; expected 3D Slicer segment names, e.g. [\"Tumor\"]")
            }
            var names: [String] = []
            for (n, item) in list.enumerated() {
                names.append(try JSONObjectReader.string(item, path: "\(r.child("segments")).\(n)", oneOf: nil))
            }
            segments = names
        }
        let padding = try r.number("padding_mm", default: defaultPaddingMM, .range(0, 500, unit: "mm"))
        try r.finish()

        let image = try LabelMapFile.open(path: file, baseDirectory: baseDirectory, jsonPath: r.path)
        var box: (SIMD3<Double>, SIMD3<Double>)?
        func include(_ part: (SIMD3<Double>, SIMD3<Double>)) {
            box = box.map { (pointwiseMin($0.0, part.0), pointwiseMax($0.1, part.1)) } ?? part
        }
        if let segments {
            for (n, name) in segments.enumerated() {
                let at = "\(r.child("segments")).\(n)"
                let chosen: LabelMapSelection
                do {
                    chosen = try image.select(label: nil, segment: name, jsonPath: at)
                } catch {
                    throw PresetError(error.kind, path: at, error.message)
                }
                let value = Float(chosen.label)
                guard let part = chosen.volume.voxelBox(selects: { $0 == value }).map({ ($0.lo, $0.hi) }) else {
                    throw PresetError(path: at, "segment \"\(name)\" holds no voxel in \(image.resolvedPath)")
                }
                include(part)
            }
        } else {
            // Labels by value: in every layer of a layered segmentation (each layer is its own 3D label map).
            let wanted = labels.map { Set($0.map(Float.init)) }
            for layer in 0..<max(1, image.layerCount) {
                if let part = image.volume(layer: layer).voxelBox(selects: { v in wanted.map { $0.contains(v) } ?? (v != 0) }).map({ ($0.lo, $0.hi) }) {
                    include(part)
                }
            }
        }
        guard let (lo, hi) = box else {
            let present = image.volume().labelsPresent
            let what = labels.map { "label\($0.count > 1 ? "s" : "") \($0.map(String.init).joined(separator: ", "))" } ?? "a non-zero label"
            throw PresetError(path: labels == nil ? r.child("path") : r.child("labels"),
                              "\(what) does not occur in \(image.resolvedPath); it holds labels \(present)")
        }
        let placed = place(lo: lo, hi: hi, lattice: image.volume(), paddingMM: padding, spacingMM: spacingMM)
        return (GridFit(path: image.resolvedPath, labels: labels, segments: segments, paddingMM: padding),
                Preset.GridSpec(centerMM: placed.centerMM, sizeMM: placed.sizeMM, spacingMM: spacingMM))
    }
}
