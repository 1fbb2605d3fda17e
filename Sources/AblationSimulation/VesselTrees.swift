import AblationGrid
import AblationJSON
import AblationPreset
import AblationVessels
import Foundation

extension Scene {
    /// Per region: the vessel tree of a convective label-map vessel (CentrelineExtraction), nil for
    /// every other region. Refused (exit 65) when the vessel has no voxel in the grid, or when
    /// `flow.trunk_mm` lies too far from every end of its centrelines.
    static func vesselTrees(preset: Preset, grid g: Grid3D, labels: [UInt8]) throws(PresetError) -> [VesselTree?] {
        var trees: [VesselTree?] = []
        for (n, region) in preset.regions.enumerated() {
            guard region.vessel, let flow = region.flow, flow.model == .convective, case let .labelMap(map) = region.shape else {
                trees.append(nil)
                continue
            }
            let label = UInt8(n + 1)
            let voxels = labels.indices.filter { labels[$0] == label }
            do {
                trees.append(try CentrelineExtraction.extract(voxels: voxels, grid: g, trunkMM: flow.trunkMM))
            } catch {
                switch error {
                case .empty:
                let lo = g.lowerCornerMM, hi = g.upperCornerMM
                throw PresetError(path: "regions.\(n).shape", String(
                    format: "label %d of %@ has no voxel centre in the grid (x %.4g..%.4g, y %.4g..%.4g, z %.4g..%.4g mm)%@; a convective vessel tree is extracted from its voxels on the grid, so expected a grid that holds part of the vessel (or \"model\": \"fixed\")",
                    map.label, map.resolvedPath, lo.x, hi.x, lo.y, hi.y, lo.z, hi.z,
                    preset.regions.count > n + 1 ? " not painted over by a later region" : ""))
                case let .trunkTooFar(distance, end, limit):
                throw PresetError(path: "regions.\(n).flow.trunk_mm", String(
                    format: "lies %.1f mm from the nearest end of the vessel's centrelines, at (%.1f, %.1f, %.1f) mm; expected a point within %g mm of the end where the trunk leaves the tree",
                    distance, end.x, end.y, end.z, limit))
                }
            }
        }
        return trees
    }
}
