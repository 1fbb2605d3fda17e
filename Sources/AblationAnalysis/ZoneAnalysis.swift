import AblationGrid
import AblationKernels
import AblationSimulation
import Foundation

/// Size and shape of the necrosis zone, and how well it covers each target.
public struct ZoneAnalysis: Sendable {
    public struct Zone: Sendable {
        public var volumeML: Double
        public var longAxisMM: Double
        public var shortAxisMM: Double
        public var sphericity: Double
        public var axis: SIMD3<Double>
    }

    public struct TargetCoverage: Sendable {
        public var name: String
        public var volumeML: Double
        public var coveragePercent: Double
        public var minMarginMM: Double
        public var complete: Bool
        public var completeWithMargin: Bool
        /// Weakest point and the margin histogram over the surface (nil for an empty target).
        public var detail: MarginDetail?
    }

    public var zone: Zone
    public var targets: [TargetCoverage]
    /// Necrotic voxels that belong to no target and no vessel: healthy tissue ablated (mL).
    public var healthyAblatedML: Double
    /// The zone against the preset's `reference_zone` (nil without one).
    public var reference: ReferenceComparison?
    /// The zone's sub-voxel surface (also what ablation.stl holds), computed once here.
    public var surface: IsoSurface
    /// The grid faces the zone reaches (where it is cut).
    public var boundary: BoundaryContact

    /// Signed distance (mm) to the mask's surface, taken halfway between inside and outside voxel
    /// centres: a smooth stand-in for a damage field when only a mask is known.
    static func signedDistance(_ mask: [UInt8], grid g: Grid3D) -> [Float] {
        let h = g.spacingMM
        let toOutside = DistanceTransform.distances(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: h) { mask[$0] == 0 }
        let toInside = DistanceTransform.distances(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: h) { mask[$0] != 0 }
        return mask.indices.map { i in
            Float(mask[i] != 0 ? min(toOutside[i], 1e6) - h / 2 : -(min(toInside[i], 1e6) - h / 2))
        }
    }

    /// `axis`: the direction long_axis_mm is measured along (the first needle's insertion
    /// direction; world z for presets without needles).
    /// `zoneField`: a continuous field that is >= 0 exactly where `necrosis` is 1 (e.g. ln(Omega/threshold)),
    /// used for a sub-voxel surface (area, sphericity); nil falls back to the mask itself.
    /// `reference`: a mask on the same grid to compare the zone with (Dice, surface distances).
    public init(necrosis: [UInt8], scene: Scene, axis: SIMD3<Double>, marginMM: Double, zoneField: [Float]? = nil,
                reference: [UInt8]? = nil) {
        let g = scene.grid
        let h = g.spacingMM
        var extents = ZoneExtents(axis: axis)
        for k in 0..<g.nz {
            for j in 0..<g.ny {
                for i in 0..<g.nx where necrosis[g.linearIndex(i, j, k)] != 0 {
                    extents.include(g.worldPosition(i, j, k))
                }
            }
        }
        let count = extents.count
        let volumeMM3 = Double(count) * g.voxelVolumeMM3
        let (longAxis, shortAxis) = extents.axesMM(spacingMM: h)
        // Sphericity = pi^(1/3) (6 V)^(2/3) / A, with A from a sub-voxel iso-surface of the damage
        // field (voxel faces would overstate A by about 3/2 and make every zone look alike).
        let field = zoneField ?? (count > 0 ? ZoneAnalysis.signedDistance(necrosis, grid: g) : [])
        surface = count > 0 ? IsoSurface(field: field, grid: g) : IsoSurface()
        boundary = BoundaryContact(necrosis: necrosis, grid: g)
        let area = surface.areaMM2
        let sphericity = area > 0 ? pow(Double.pi, 1.0 / 3.0) * pow(6 * volumeMM3, 2.0 / 3.0) / area : 0
        zone = Zone(volumeML: volumeMM3 / 1000, longAxisMM: longAxis, shortAxisMM: shortAxis,
                    sphericity: min(sphericity, 1), axis: extents.axis)

        var coverage: [TargetCoverage] = []
        if !scene.targets.isEmpty {
            // Living tissue: an electrode's own voxels are metal (a cooled tip's stay at the coolant
            // temperature), so a needle through the target does not make every margin zero.
            var metal = [Bool](repeating: false, count: necrosis.count)
            for v in scene.electrodeVoxels { metal[v] = true }
            let toLive = DistanceTransform.distances(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: h) { necrosis[$0] == 0 && !metal[$0] }
            let toDead = DistanceTransform.distances(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: h) { necrosis[$0] != 0 }
            for t in scene.targets {
                let covered = t.voxels.filter { necrosis[$0] != 0 }.count
                let complete = covered == t.voxels.count && !t.voxels.isEmpty
                var margin: Double
                if complete {
                    // Nearest living voxel centre from any target voxel centre, less one voxel
                    // (half a voxel from each centre to the surface it represents).
                    margin = (t.voxels.map { toLive[$0] }.min() ?? 0) - h
                    if !margin.isFinite { margin = 1e9 }
                } else {
                    // Depth of the deepest untreated target voxel below the zone's surface.
                    margin = -(t.voxels.filter { necrosis[$0] == 0 }.map { toDead[$0] }.max() ?? 0)
                    if !margin.isFinite { margin = -1e9 }
                }
                coverage.append(TargetCoverage(
                    name: t.name, volumeML: Double(t.voxels.count) * g.voxelVolumeMM3 / 1000,
                    coveragePercent: t.voxels.isEmpty ? 0 : 100 * Double(covered) / Double(t.voxels.count),
                    minMarginMM: margin, complete: complete, completeWithMargin: complete && margin >= marginMM - 1e-9,
                    detail: MarginDetail(voxels: t.voxels, necrosis: necrosis, grid: g, toLive: toLive, toDead: toDead,
                                         complete: complete)))
            }
        }
        targets = coverage
        var excluded = [Bool](repeating: false, count: necrosis.count)
        for t in scene.targets { for v in t.voxels { excluded[v] = true } }
        for v in scene.vesselVoxels { excluded[v] = true }
        for v in scene.electrodeVoxels { excluded[v] = true }
        var healthy = 0
        for i in necrosis.indices where necrosis[i] != 0 && !excluded[i] { healthy += 1 }
        healthyAblatedML = Double(healthy) * g.voxelVolumeMM3 / 1000
        self.reference = reference.map { ReferenceComparison(zone: necrosis, reference: $0, grid: g) }
    }
}
