import AblationIO
import AblationJSON
import Foundation

extension LabelMapShape {
    /// Reads a segmentation image named in a preset (relative paths resolve against the preset's
    /// folder): exit 66 when it is missing, 65 when it is not a regular file, too large or unreadable.
    static func readImage(path: String, baseDirectory: String?, jsonPath: String) throws(PresetError) -> (NIfTIVolume, String) {
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
        do {
            return (try NIfTIReader.read(contentsOf: URL(fileURLWithPath: resolved), maxVoxels: 512 * 512 * 1024), resolved)
        } catch {
            throw PresetError(path: "\(jsonPath).path", "cannot read label map \(resolved): \(error)")
        }
    }

    /// The label values an image holds (the first 20), for messages about a label that is not there.
    static func labelsPresent(in volume: NIfTIVolume) -> String {
        Set(volume.values.prefix(50_000_000).map { Int($0) }).sorted().prefix(20).map(String.init).joined(separator: ", ")
    }
}
