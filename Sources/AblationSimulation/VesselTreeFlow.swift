import AblationGrid
import AblationKernels
import AblationPreset
import AblationTissue
import AblationVessels

/// The flow through each segment of a label map's vessel tree (VesselTree), modelled segment by
/// segment as a cylinder is: its own wall film, blood marched through its slices, its own wall
/// checked for occlusion.
///
/// Velocities follow Murray's law: flow ~ D^3 in a branching tree, so the mean velocity (flow over
/// D^2) is proportional to the diameter, v = v_trunk D / D_trunk, with v_trunk from
/// `flow.velocity_mm_s` or `VesselFlowSpec.defaultVelocityMMS(D_trunk)`. Each segment's flow is its
/// own: measured diameters need not satisfy D_parent^3 = sum D_child^3, so where branches merge the
/// outlets mix by their heat capacity flow rates and the merged segment carries its own rate (as if
/// the rest joined or left outside the segmentation).
///
/// Blood runs `toward_trunk` (entering at the far ends at blood temperature, leaving through the
/// trunk) or `from_trunk` (entering at the trunk, each branch starting with its parent's outlet).
/// When a segment occludes, the part of the tree beyond it (away from the trunk) has no way in or
/// out either way, so its segments stop flowing at the same time; the segments nearer the trunk
/// keep their rates (their blood comes or goes through the other branches).
struct SegmentFlow {
    var diameterMM: Double
    var velocityMMS: Double
    var lengthMM: Double
    var wallCoefficient: Double
}

extension VesselFlow {
    /// Diameter, velocity, length and wall coefficient of every segment of `tree` (region `region`).
    static func segmentFlows(_ tree: VesselTree, region: Preset.Region, preset: Preset, spacingMM h: Double) -> [SegmentFlow] {
        // A segment with no voxel of its own (it cannot happen: every centreline voxel is nearest
        // to itself) would still be a lumen one voxel across.
        let smallest = 2 * (h * h / Double.pi).squareRoot()
        let trunkD = max(tree.segments[0].diameterMM, smallest)
        let trunkV = region.flow?.velocityMMS ?? VesselFlowSpec.defaultVelocityMMS(diameterMM: trunkD)
        let kb = preset.materials[region.material]?.conductivityWMK ?? Material.blood.conductivityWMK
        return tree.segments.map { s in
            let d = max(s.diameterMM, smallest)
            let v = trunkV * d / trunkD
            return SegmentFlow(diameterMM: d, velocityMMS: v, lengthMM: s.lengthMM,
                               wallCoefficient: VesselFlowSpec.wallCoefficient(diameterMM: d, velocityMMS: v, lengthMM: s.lengthMM,
                                                                                blood: preset.blood, bloodConductivityWMK: kb))
        }
    }

    /// Per voxel of every vessel tree (linear grid index): the conductivity carrying its segment's
    /// wall film (`filmConductivity`), for ThermalModel's faces.
    static func treeFilm(preset: Preset, scene: Scene) -> [Int: Double] {
        var film: [Int: Double] = [:]
        let h = scene.grid.spacingMM
        for (n, tree) in scene.vesselTrees.enumerated() {
            guard let tree else { continue }
            let k = segmentFlows(tree, region: preset.regions[n], preset: preset, spacingMM: h).map {
                filmConductivity(wallCoefficient: $0.wallCoefficient, spacingMM: h)
            }
            for (v, s) in zip(tree.voxels, tree.segmentOfVoxel) { film[v] = k[Int(s)] }
        }
        return film
    }

    /// One channel per segment of `tree`, numbered from `first`, and the order to march them in.
    static func treeChannels(_ tree: VesselTree, region n: Int, flow: VesselFlowSpec, preset: Preset, grid g: Grid3D,
                             layout L: PaddedLayout, isBlood: [Bool], first: Int, rows: inout Set<Int>) -> (channels: [Channel], order: [Int]) {
        let region = preset.regions[n]
        let flows = segmentFlows(tree, region: region, preset: preset, spacingMM: g.spacingMM)
        let towardTrunk = (flow.direction ?? .towardTrunk) == .towardTrunk
        var voxels = [[Int]](repeating: [], count: tree.segments.count)
        var slices = [[Int32]](repeating: [], count: tree.segments.count)
        for (v, (s, slice)) in zip(tree.voxels, zip(tree.segmentOfVoxel, tree.sliceOfVoxel)) {
            let i = v % g.nx, j = (v / g.nx) % g.ny, k = v / (g.nx * g.ny)
            voxels[Int(s)].append(L.index(i, j, k))
            slices[Int(s)].append(slice)
            for dj in -1...1 { for dk in -1...1 {
                let jj = j + dj, kk = k + dk
                if jj >= 0, jj < g.ny, kk >= 0, kk < g.nz { rows.insert(kk * g.ny + jj) }
            } }
        }
        // Each segment's part of the tree beyond it (children come after their parent).
        var beyond = [[Int]](repeating: [], count: tree.segments.count)
        for s in tree.segments.indices.reversed() {
            beyond[s] = tree.segments[s].children.flatMap { [$0] + beyond[$0] }
        }
        let label = UInt8(n + 1)
        var channels: [Channel] = []
        for (s, segment) in tree.segments.enumerated() {
            let f = flows[s]
            let area = Double.pi * f.diameterMM * f.diameterMM / 4 * 1e-6
            let wall = flow.occlusion == .thermal
                ? OcclusionWall(voxels: voxels[s], slice: slices[s], sliceCount: segment.sliceCount, isBlood: isBlood, layout: L,
                                closingFraction: OcclusionWall.closingFraction(diameterMM: f.diameterMM, thrombusReachMM: flow.thrombusReachMM))
                : nil
            let upstream = towardTrunk ? segment.children : (segment.parent.map { [$0] } ?? [])
            channels.append(Channel(name: region.name, region: n, segment: s, parentSegment: segment.parent, lengthMM: f.lengthMM,
                                    diameterMM: f.diameterMM, velocityMMS: f.velocityMMS, wallCoefficient: f.wallCoefficient,
                                    capacityRate: preset.blood.volumetricHeatCapacity * f.velocityMMS * 1e-3 * area,
                                    inletC: preset.blood.temperatureC, voxels: voxels[s], slice: slices[s], sliceCount: segment.sliceCount,
                                    outletC: preset.blood.temperatureC, label: label, wall: wall,
                                    upstream: upstream.map { first + $0 }, reversed: towardTrunk, cutOff: beyond[s].map { first + $0 }))
        }
        // Segments are numbered outwards from the trunk: towards the trunk, march them backwards.
        let order = Array(first..<(first + channels.count))
        return (channels, towardTrunk ? order.reversed() : order)
    }
}
