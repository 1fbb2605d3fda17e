import AblationGrid
import AblationJSON
import AblationKernels
import AblationPreset
import AblationVessels

/// The preset painted onto the grid: tissue labels, targets, vessels and heat-source footprints.
public struct Scene: Sendable {
    public let grid: Grid3D
    /// Label per voxel (linear grid order): 0 = background, n = regions[n - 1].
    public let labels: [UInt8]
    /// Label table: index = label value.
    public let labelNames: [String]
    public let labelMaterials: [String]
    /// Voxels (linear indices) whose centre lies inside each target region's shape.
    public let targets: [(name: String, regionIndex: Int, voxels: [Int])]
    /// Voxels painted by a vessel region (held at blood temperature).
    public let vesselVoxels: [Int]
    /// Per region: the centrelines and segments of a convective label-map vessel (VesselTrees).
    public let vesselTrees: [VesselTree?]
    /// Partial-volume footprint of each heat-source applicator (nil for other applicators).
    public let sourceFootprints: [VoxelizedShape?]
    /// Voxels an RF needle's metal occupies (sorted): its conductors, and the shafts of cooled
    /// needles. Not tissue: a cooled needle's voxels stay at the coolant temperature while its pump
    /// runs, so margins look past them.
    public let electrodeVoxels: [Int]

    public init(preset: Preset) throws(PresetError) {
        let g = preset.makeGrid()
        grid = g
        guard preset.regions.count < 255 else {
            throw PresetError(path: "regions", "has \(preset.regions.count) regions; at most 254 are supported")
        }
        var labels = [UInt8](repeating: 0, count: g.voxelCount)
        var targets: [(String, Int, [Int])] = []
        var vesselFlag = [Bool](repeating: false, count: preset.regions.count + 1)
        for (n, region) in preset.regions.enumerated() {
            let shape = region.shape.makeShape()
            var inside: [Int] = []
            let (lo, hi) = shape.boundingBoxMM
            if let (rx, ry, rz) = g.voxelRange(coveringMin: lo, max: hi) {
                for k in rz { for j in ry { for i in rx where shape.contains(g.worldPosition(i, j, k)) {
                    inside.append(g.linearIndex(i, j, k))
                } } }
            }
            for idx in inside { labels[idx] = UInt8(n + 1) }
            if region.target { targets.append((region.name, n, inside)) }
            vesselFlag[n + 1] = region.vessel
        }
        self.labels = labels
        // Voxels an RF electrode occupies hold metal, not tissue: they are no part of any target.
        let occupied = RadiofrequencyElectrodes.metalVoxels(preset: preset, grid: g)
        self.targets = occupied.isEmpty ? targets : targets.map { ($0.0, $0.1, $0.2.filter { !occupied.contains($0) }) }
        electrodeVoxels = occupied.sorted()
        vesselVoxels = labels.indices.filter { vesselFlag[Int(labels[$0])] }
        vesselTrees = try Scene.vesselTrees(preset: preset, grid: g, labels: labels)
        labelNames = ["background"] + preset.regions.map(\.name)
        labelMaterials = [preset.background] + preset.regions.map(\.material)
        sourceFootprints = HeatSources.footprints(preset: preset, grid: g)
    }
}
