import AblationGrid
import AblationIO
import AblationJSON
import AblationKernels
import Foundation

/// The voxels of a segmentation (NIfTI or NRRD label map, or a 3D Slicer segment) that carry one
/// label, as a solid in world space.
///
/// A point is inside when the label-map voxel nearest to it (through the file's voxel-to-world
/// transform in RAS, so any orientation and spacing works) has the label: nearest-neighbour
/// resampling, which keeps labels crisp. Distances are not defined for a segmentation, so the
/// shape reports "deep inside" or "far outside" and partial-volume sampling falls back to voxel
/// centres.
public final class LabelMapShape: Shape, @unchecked Sendable {
    // @unchecked: immutable after init.
    /// The path as the preset wrote it, and as resolved (absolute) for the resolved preset.
    public let path: String
    public let resolvedPath: String
    /// The voxel value selected (a segment's SegmentN_LabelValue when chosen by name).
    public let label: Int
    /// The segment name the preset gave (`segment`), nil when it gave `label`.
    public let segmentName: String?
    /// The segment the voxels belong to, when the file has a segment table.
    public let segment: NRRDSegment?
    public let layer: Int
    /// Where the preset names this label map, e.g. "regions.0.shape".
    public let jsonPath: String
    /// "NIfTI" or "NRRD, LPS space".
    public let fileDescription: String
    let nx: Int, ny: Int, nz: Int
    /// 1 where the label map holds `label` (a byte per voxel, not the file's Float values).
    let mask: [UInt8]
    /// World -> voxel index (3x4, row-major).
    let inverse: [[Double]]
    public let boundingBoxMM: (SIMD3<Double>, SIMD3<Double>)
    public let voxelCount: Int

    init(_ selection: LabelMapSelection, jsonPath: String) throws(PresetError) {
        let v = selection.volume
        path = selection.path
        resolvedPath = selection.resolvedPath
        label = selection.label
        segmentName = selection.chosenByName ? selection.segment?.name : nil
        segment = selection.segment
        layer = selection.layer
        self.jsonPath = jsonPath
        fileDescription = selection.fileDescription
        nx = v.nx
        ny = v.ny
        nz = v.nz
        mask = selection.mask
        guard let inv = LabelMapShape.invert(v.affine) else {
            throw PresetError(path: "", "the label map's affine is singular")
        }
        inverse = inv
        let wanted = Float(selection.label)
        let box = v.voxelBox { $0 == wanted }
        voxelCount = box?.count ?? 0
        let none = SIMD3<Double>(repeating: .infinity)
        boundingBoxMM = (box?.lo ?? none, box?.hi ?? -none)
    }

    /// What the preset chose, in words, for `ablsim check`: e.g. segment "Tumor" (ID Segment_2)
    /// = label 2 in layer 0 of /data/case.seg.nrrd (NRRD, LPS space), 812 voxels.
    public var choiceDescription: String {
        var what = segmentName.map { "segment \"\($0)\"" + (segment.map { $0.id.isEmpty ? "" : " (ID \($0.id))" } ?? "") + " = label \(label)" }
            ?? "label \(label)" + (segment.map { " (segment \"\($0.name)\")" } ?? "")
        if segment != nil { what += " in layer \(layer)" }
        return "\(jsonPath): \(what) of \(resolvedPath) (\(fileDescription)), \(voxelCount) voxels"
    }

    public func signedDistance(_ p: SIMD3<Double>) -> Double {
        let m = inverse
        let i = (m[0][0] * p.x + m[0][1] * p.y + m[0][2] * p.z + m[0][3]).rounded()
        let j = (m[1][0] * p.x + m[1][1] * p.y + m[1][2] * p.z + m[1][3]).rounded()
        let k = (m[2][0] * p.x + m[2][1] * p.y + m[2][2] * p.z + m[2][3]).rounded()
        guard i >= 0, j >= 0, k >= 0, i < Double(nx), j < Double(ny), k < Double(nz) else { return .infinity }
        return mask[Int(i) + nx * (Int(j) + ny * Int(k))] != 0 ? -.infinity : .infinity
    }

    /// Inverse of the 4x4 affine's upper 3x4 part (rotation/scale and translation).
    static func invert(_ a: [[Double]]) -> [[Double]]? {
        let m = a
        let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        guard det.isFinite, abs(det) > 1e-12 else { return nil }
        var r = [[Double]](repeating: [0, 0, 0, 0], count: 3)
        r[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det
        r[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det
        r[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det
        r[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det
        r[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det
        r[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det
        r[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det
        r[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det
        r[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det
        for row in 0..<3 {
            r[row][3] = -(r[row][0] * m[0][3] + r[row][1] * m[1][3] + r[row][2] * m[2][3])
        }
        return r
    }

    /// Reads the file (relative paths resolve against the preset's folder) and selects `label` or
    /// the segment named `segment` (see `LabelMapFile.select`).
    static func load(path: String, label: Int?, segment: String?, defaultLabel: Int? = nil,
                     baseDirectory: String?, jsonPath: String) throws(PresetError) -> LabelMapShape {
        let selection = try LabelMapFile.load(path: path, label: label, segment: segment, defaultLabel: defaultLabel,
                                              baseDirectory: baseDirectory, jsonPath: jsonPath)
        do {
            return try LabelMapShape(selection, jsonPath: jsonPath)
        } catch {
            throw PresetError(path: JSONObjectReader.join(jsonPath, "path"), "label map \(selection.resolvedPath): \(error.message)")
        }
    }

    /// The preset's keys for this label map: `path` (absolute) and `segment` or `label`, whichever
    /// the preset gave, so decoding them again selects the same voxels.
    func selectionJSON() -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [("path", .string(resolvedPath))]
        if let segmentName { members.append(("segment", .string(segmentName))) }
        else { members.append(("label", .number(Double(label)))) }
        return members
    }
}
