import AblationIO
import AblationJSON
import Foundation

/// A segmentation file named by a preset (`label_map` shapes, `reference_zone`): a NIfTI-1 label
/// map, a plain NRRD label map, or a 3D Slicer segmentation (.seg.nrrd) with its segment table.
///
/// `open` reads the file, `select` picks the voxels of one label or one named segment; `load`
/// does both. Every failure is a `PresetError` naming the JSON path (exit 66 for a missing file,
/// 65 otherwise), so any key that names a segmentation file can reuse this.
public struct LabelMapFile: Sendable {
    public enum Contents: Sendable {
        case nifti(NIfTIVolume)
        case nrrd(NRRDVolume)
    }

    /// The path as the preset wrote it, and resolved (absolute) against the preset's folder.
    public let path: String
    public let resolvedPath: String
    public let contents: Contents

    /// The 3D Slicer segment table; empty for NIfTI and plain NRRD files.
    public var segments: [NRRDSegment] {
        if case let .nrrd(v) = contents { return v.segments }
        return []
    }

    /// 1 for NIfTI and 3D NRRD files; the layers of a 4D .seg.nrrd.
    public var layerCount: Int {
        if case let .nrrd(v) = contents { return v.layerCount }
        return 1
    }

    /// One layer as a 3D volume with its RAS voxel-to-world affine.
    public func volume(layer: Int = 0) -> NIfTIVolume {
        switch contents {
        case let .nifti(v): return v
        case let .nrrd(v): return v.layer(layer)
        }
    }

    /// Paths ending .nrrd (so also .seg.nrrd) or .nhdr are read as NRRD, anything else as NIfTI.
    public static func isNRRD(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".nrrd") || lower.hasSuffix(".nhdr")
    }

    static let fileKinds = "a label map (.nii, .nii.gz, .nrrd or .seg.nrrd)"
    /// The most voxels a label map may hold (all layers of a .seg.nrrd together).
    static let maxVoxels = 512 * 512 * 1024

    /// Reads the file; a relative path resolves against `baseDirectory`. Errors point at
    /// `jsonPath`.path.
    public static func open(path: String, baseDirectory: String?, jsonPath: String) throws(PresetError) -> LabelMapFile {
        let at = JSONObjectReader.join(jsonPath, "path")
        let joined = path.hasPrefix("/") || baseDirectory == nil ? path : (baseDirectory! as NSString).appendingPathComponent(path)
        let resolved = URL(fileURLWithPath: joined).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: resolved) else {
            throw PresetError(.missingInput, path: at, "label map \(resolved) does not exist")
        }
        // Devices, FIFOs and folders are refused before reading: /dev/urandom would never end.
        let attributes = try? FileManager.default.attributesOfItem(atPath: resolved)
        guard (attributes?[.type] as? FileAttributeType) == .typeRegular else {
            throw PresetError(path: at, "\(resolved) is not a regular file; expected \(fileKinds)")
        }
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        guard size <= 4 << 30 else {
            throw PresetError(path: at, "\(resolved) is \(size >> 20) MiB; label maps over 4 GiB are not supported")
        }
        let url = URL(fileURLWithPath: resolved)
        do {
            let contents: Contents = isNRRD(resolved)
                ? .nrrd(try NRRDReader.read(contentsOf: url, maxVoxels: maxVoxels))
                : .nifti(try NIfTIReader.read(contentsOf: url, maxVoxels: maxVoxels))
            return LabelMapFile(path: path, resolvedPath: resolved, contents: contents)
        } catch {
            throw PresetError(path: at, "cannot read label map \(resolved): \(error)")
        }
    }

    /// Reads the file and selects one label or one segment: `open` then `select`.
    public static func load(path: String, label: Int?, segment: String?, defaultLabel: Int? = nil,
                            baseDirectory: String?, jsonPath: String) throws(PresetError) -> LabelMapSelection {
        try open(path: path, baseDirectory: baseDirectory, jsonPath: jsonPath)
            .select(label: label, segment: segment, defaultLabel: defaultLabel, jsonPath: jsonPath)
    }

    /// The voxels of `label`, or of the segment named `segment` (a .seg.nrrd's SegmentN_Name, which
    /// gives its label value and layer). At most one of the two; `defaultLabel` applies when both
    /// are nil and the file has no segment table (a segmentation must be chosen explicitly).
    /// Refuses a selection with no voxels.
    public func select(label: Int?, segment: String?, defaultLabel: Int? = nil, jsonPath: String) throws(PresetError) -> LabelMapSelection {
        let labelPath = JSONObjectReader.join(jsonPath, "label"), segmentPath = JSONObjectReader.join(jsonPath, "segment")
        if label != nil && segment != nil {
            throw PresetError(path: segmentPath, "is given together with label; expected one of them: segment (a name) or label (a voxel value)")
        }
        if let segment { return try selectSegment(named: segment, at: segmentPath) }
        if let label = label ?? (segments.isEmpty ? defaultLabel : nil) { return try selectLabel(label, jsonPath: jsonPath) }
        if segments.isEmpty {
            throw PresetError(path: labelPath, "missing; expected an integer from -2147483648 to 2147483647 (the voxel value)")
        }
        throw PresetError(path: segmentPath, "missing; \(resolvedPath) is a 3D Slicer segmentation, so expected segment, one of \(segmentList()), or label (a voxel value)")
    }

    private func selectSegment(named name: String, at jsonPath: String) throws(PresetError) -> LabelMapSelection {
        guard case .nrrd = contents else {
            throw PresetError(path: jsonPath, "applies to 3D Slicer segmentations (.seg.nrrd) only; \(resolvedPath) is a NIfTI label map, so expected label (a voxel value) instead")
        }
        guard !segments.isEmpty else {
            throw PresetError(path: jsonPath, "\(resolvedPath) has no segment table (SegmentN_Name, SegmentN_LabelValue); expected label (a voxel value) instead")
        }
        let matches = segments.filter { $0.name == name }
        guard let chosen = matches.first else {
            var message = "no segment named \"\(name)\" in \(resolvedPath); it holds \(segmentList())"
            if let hint = suggestion(for: name, among: segments.map(\.name)) { message += " (did you mean \"\(hint)\"?)" }
            throw PresetError(path: jsonPath, message)
        }
        guard matches.count == 1 else {
            throw PresetError(path: jsonPath, "\(matches.count) segments of \(resolvedPath) are named \"\(name)\" (IDs \(matches.map { "\"\($0.id)\"" }.joined(separator: ", "))); expected a unique name: rename one in 3D Slicer")
        }
        let selection = LabelMapSelection(file: self, layer: chosen.layer, label: chosen.labelValue, segment: chosen, chosenByName: true)
        guard selection.voxelCount > 0 else {
            throw PresetError(path: jsonPath, "segment \"\(name)\" (label \(chosen.labelValue) in layer \(chosen.layer)) of \(resolvedPath) has no voxels")
        }
        return selection
    }

    private func selectLabel(_ label: Int, jsonPath base: String) throws(PresetError) -> LabelMapSelection {
        let jsonPath = JSONObjectReader.join(base, "label")
        var layer = 0
        var segment: NRRDSegment? = nil
        if !segments.isEmpty {
            // In a segmentation a label value means the segment that has it; in a layered one the
            // same value may mean different segments in different layers.
            let owners = segments.filter { $0.labelValue == label }
            if Set(owners.map(\.layer)).count > 1 {
                let names = owners.map { "\"\($0.name)\" (layer \($0.layer))" }.joined(separator: ", ")
                throw PresetError(path: jsonPath, "label \(label) marks segments \(names) of \(resolvedPath); expected segment (a name) to choose one")
            }
            if let owner = owners.first {
                layer = owner.layer
                segment = owners.count == 1 ? owner : nil
            } else if layerCount > 1 {
                throw PresetError(path: jsonPath, "no segment of \(resolvedPath) has label value \(label); its segments are \(segmentList(withLabels: true)); expected one of those labels, or segment (a name)")
            }
        } else if layerCount > 1 {
            throw PresetError(path: JSONObjectReader.join(base, "path"),
                              "\(resolvedPath) has \(layerCount) layers but no segment table (SegmentN_Name, SegmentN_LabelValue, SegmentN_Layer); expected a 3D label map or a 3D Slicer .seg.nrrd")
        }
        let selection = LabelMapSelection(file: self, layer: layer, label: label, segment: segment, chosenByName: false)
        guard selection.voxelCount > 0 else {
            throw PresetError(path: jsonPath, "label \(label) does not occur in \(resolvedPath); it holds labels \(selection.volume.labelsPresent)")
        }
        return selection
    }

    private func segmentList(withLabels: Bool = false) -> String {
        segments.map { withLabels ? "\"\($0.name)\" (label \($0.labelValue), layer \($0.layer))" : "\"\($0.name)\"" }.joined(separator: ", ")
    }
}
