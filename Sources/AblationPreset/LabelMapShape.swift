import AblationGrid
import AblationIO
import AblationJSON
import AblationKernels
import Foundation

/// The voxels of a segmentation (NIfTI label map) that carry one label, as a solid in world space.
///
/// A point is inside when the label-map voxel nearest to it (through the file's qform/sform, so
/// any orientation and spacing works) has the label: nearest-neighbour resampling, which keeps
/// labels crisp. Distances are not defined for a segmentation, so the shape reports "deep inside"
/// or "far outside" and partial-volume sampling falls back to voxel centres.
public final class LabelMapShape: Shape, @unchecked Sendable {
    // @unchecked: immutable after init.
    /// The path as the preset wrote it, and as resolved (absolute) for the resolved preset.
    public let path: String
    public let resolvedPath: String
    public let label: Int
    let nx: Int, ny: Int, nz: Int
    /// 1 where the label map holds `label` (a byte per voxel, not the file's Float values).
    let mask: [UInt8]
    /// World -> voxel index (3x4, row-major).
    let inverse: [[Double]]
    public let boundingBoxMM: (SIMD3<Double>, SIMD3<Double>)
    public let voxelCount: Int

    init(path: String, resolvedPath: String, label: Int, volume v: NIfTIVolume) throws(PresetError) {
        self.path = path
        self.resolvedPath = resolvedPath
        self.label = label
        nx = v.nx
        ny = v.ny
        nz = v.nz
        let wanted = Float(label)
        mask = v.values.map { $0 == wanted ? 1 : 0 }
        guard let inv = LabelMapShape.invert(v.affine) else {
            throw PresetError(path: "", "the label map's affine is singular")
        }
        inverse = inv
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        var count = 0
        let target = Float(label)
        for k in 0..<v.nz {
            for j in 0..<v.ny {
                for i in 0..<v.nx where v.values[i + v.nx * (j + v.ny * k)] == target {
                    count += 1
                    // Every corner of the voxel, so rotated label maps are fully enclosed.
                    for c in 0..<8 {
                        let p = v.worldPosition(i: Double(i) + (c & 1 == 0 ? -0.5 : 0.5),
                                                j: Double(j) + (c & 2 == 0 ? -0.5 : 0.5),
                                                k: Double(k) + (c & 4 == 0 ? -0.5 : 0.5))
                        lo = pointwiseMin(lo, p)
                        hi = pointwiseMax(hi, p)
                    }
                }
            }
        }
        voxelCount = count
        boundingBoxMM = (lo, hi)
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

    /// Reads the file (relative paths resolve against the preset's folder) and checks the label.
    static func load(path: String, label: Int, baseDirectory: String?, jsonPath: String) throws(PresetError) -> LabelMapShape {
        let joined = path.hasPrefix("/") || baseDirectory == nil ? path : (baseDirectory! as NSString).appendingPathComponent(path)
        let resolved = URL(fileURLWithPath: joined).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: resolved) else {
            throw PresetError(.missingInput, path: "\(jsonPath).path", "label map \(resolved) does not exist")
        }
        // Devices, FIFOs and folders are refused before reading: /dev/urandom would never end.
        let attributes = try? FileManager.default.attributesOfItem(atPath: resolved)
        guard (attributes?[.type] as? FileAttributeType) == .typeRegular else {
            throw PresetError(path: "\(jsonPath).path", "\(resolved) is not a regular file; expected a NIfTI label map (.nii or .nii.gz)")
        }
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        guard size <= 4 << 30 else {
            throw PresetError(path: "\(jsonPath).path", "\(resolved) is \(size >> 20) MiB; label maps over 4 GiB are not supported")
        }
        let volume: NIfTIVolume
        do {
            volume = try NIfTIReader.read(contentsOf: URL(fileURLWithPath: resolved), maxVoxels: 512 * 512 * 1024)
        } catch {
            throw PresetError(path: "\(jsonPath).path", "cannot read label map \(resolved): \(error)")
        }
        let shape: LabelMapShape
        do {
            shape = try LabelMapShape(path: path, resolvedPath: resolved, label: label, volume: volume)
        } catch {
            throw PresetError(path: "\(jsonPath).path", "label map \(resolved): \(error.message)")
        }
        guard shape.voxelCount > 0 else {
            let present = Set(volume.values.prefix(50_000_000).map { Int($0) }).sorted().prefix(20)
            throw PresetError(path: "\(jsonPath).label", "label \(label) does not occur in \(resolved); it holds labels \(present.map(String.init).joined(separator: ", "))")
        }
        return shape
    }
}
