import AblationGrid
import AblationKernels
import AblationPreset
import AblationTissue
import Foundation

/// One convective vessel (a cylinder, or one segment of a label map's vessel tree) at the end of a
/// run, for summary.json.
public struct VesselReport: Sendable, Equatable {
    public var name: String
    /// Index of the region in the preset, the segment in its tree (0 for a cylinder, and for a
    /// tree's trunk) and the segment nearer the trunk (nil for cylinders and trunks).
    public var region: Int
    public var segment: Int
    public var parentSegment: Int?
    public var diameterMM: Double
    /// Length of the axis in the grid, or of the segment's centreline (mm).
    public var lengthMM: Double
    public var velocityMMS: Double
    /// Mean wall heat transfer coefficient (W/m^2/K).
    public var wallCoefficient: Double
    /// Heat the blood carried away at the last update (W) and its outlet temperature (°C).
    public var heatRemovedW: Double
    public var outletTemperatureC: Double
    /// Heat the blood carried away over the run (J): each sample's rate over the interval after it.
    public var heatRemovedJ: Double
    /// Simulated time (s) at which the vessel occluded (VesselOcclusion); nil while it flows.
    public var occlusionTimeS: Double?
}

/// The blood in every convective vessel: warms along the vessel by the heat its wall takes up.
///
/// Each convective cylinder is cut into slices one voxel thick along its axis. Every damage sample
/// the heat flowing from the tissue into each slice is summed over the faces between vessel and
/// tissue voxels (the wall film is in those faces' conductances, see `ThermalModel`), and the blood
/// temperature is marched downstream slice by slice:
///
///     m c (T_out - T_in) = sum_faces G (T_tissue - T_slice),   T_slice = (T_in + T_out) / 2,
///
/// solved for T_slice exactly (so it is stable however small the flow), with m c = rho_b c_b v pi D^2 / 4.
/// The slice's voxels are then held at T_slice until the next sample.
///
/// A label map's vessel tree is a channel per segment (VesselTreeFlow), marched in the blood's
/// direction, each segment's inlet the flow-weighted mix of the outlets that feed it.
final class VesselFlow: @unchecked Sendable {
    struct Channel {
        var name: String
        var region: Int
        var segment = 0
        var parentSegment: Int?
        var lengthMM: Double
        var diameterMM: Double
        var velocityMMS: Double
        var wallCoefficient: Double
        /// Heat capacity flow rate m c (W/K).
        var capacityRate: Double
        var inletC: Double
        /// Padded indices of the channel's voxels and their slice.
        var voxels: [Int]
        var slice: [Int32]
        var sliceCount: Int
        /// Last update: heat taken up (W) and outlet temperature (°C).
        var heatW = 0.0
        var outletC = 0.0
        /// The region's label, and the tissue round each slice when the vessel may occlude.
        var label: UInt8
        var wall: OcclusionWall?
        /// When the vessel occluded (s); from then on its lumen is stagnant blood.
        var occlusionTimeS: Double?
        /// Channels whose outlets feed this one's inlet (none: blood enters at `inletC`).
        var upstream: [Int] = []
        /// Blood runs from the last slice to the first (towards a tree's trunk).
        var reversed = false
        /// Channels whose blood has no way in or out once this one closes (its part of the tree
        /// beyond it, away from the trunk).
        var cutOff: [Int] = []
        /// Heat carried away so far (J).
        var heatJ = 0.0
    }

    /// Set by the flow update and by occlusion (VesselOcclusion).
    var channels: [Channel]
    /// The order channels are marched in: a channel after every channel that feeds it.
    let updateOrder: [Int]
    /// Blood temperature entering a channel that nothing upstream feeds any more (°C).
    let arterialC: Double
    /// Time of the last heat booking (`bookHeat`).
    private var bookedUntil: Double?
    var reports: [VesselReport] {
        channels.map { VesselReport(name: $0.name, region: $0.region, segment: $0.segment, parentSegment: $0.parentSegment,
                                    diameterMM: $0.diameterMM, lengthMM: $0.lengthMM, velocityMMS: $0.velocityMMS,
                                    wallCoefficient: $0.wallCoefficient, heatRemovedW: $0.heatW, outletTemperatureC: $0.outletC,
                                    heatRemovedJ: $0.heatJ, occlusionTimeS: $0.occlusionTimeS) }
    }

    /// Rows holding a channel voxel or next to one: these must be recomputed when blood warms.
    let rows: [Int]
    /// Per padded index: a vessel voxel of any model whose blood flows or is held (its faces to a
    /// channel carry no wall heat). An occluded lumen is stagnant blood that exchanges heat with
    /// the flowing segments beside it like tissue (`lumenStagnated`).
    private var isBlood: [Bool]

    /// Conductivity that puts the wall film into the harmonic-mean face conductance: with the vessel
    /// voxel's centre at the blood temperature, a face's resistance h/(2 k_tissue) + h/(2 k_vessel)
    /// equals the tissue half-cell plus the film 1/h_wall when k_vessel = h_wall x spacing / 2.
    static func filmConductivity(wallCoefficient: Double, spacingMM: Double) -> Double {
        wallCoefficient * spacingMM * 1e-3 / 2
    }

    /// Per region index: the wall coefficient of each convective vessel (nil otherwise).
    static func wallCoefficients(preset: Preset, grid g: Grid3D) -> [Double?] {
        preset.regions.map { region in
            guard region.vessel, let flow = region.flow, flow.model == .convective else { return nil }
            let r = flow.resolved(cylinderRadiusMM: region.shape.cylinderRadiusMM)
            guard let d = r.diameterMM, let velocity = r.velocityMMS else { return nil }
            let extent = g.upperCornerMM - g.lowerCornerMM
            let length = VesselFlow.lengthInGrid(region.shape, grid: g) ?? max(extent.x, extent.y, extent.z)
            let kb = preset.materials[region.material]?.conductivityWMK ?? Material.blood.conductivityWMK
            return VesselFlowSpec.wallCoefficient(diameterMM: d, velocityMMS: velocity, lengthMM: length,
                                                  blood: preset.blood, bloodConductivityWMK: kb)
        }
    }

    /// Length of a cylinder's axis inside the grid box (mm), nil for other shapes.
    static func lengthInGrid(_ s: ShapeSpec, grid g: Grid3D) -> Double? {
        guard case let .cylinder(a, b, _) = s else { return nil }
        let lo = g.lowerCornerMM, hi = g.upperCornerMM
        var t0 = 0.0, t1 = 1.0
        let d = b - a
        for c in 0..<3 {
            if abs(d[c]) < 1e-12 {
                if a[c] < lo[c] || a[c] > hi[c] { return 0 }
                continue
            }
            var u = (lo[c] - a[c]) / d[c], v = (hi[c] - a[c]) / d[c]
            if u > v { swap(&u, &v) }
            t0 = max(t0, u); t1 = min(t1, v)
        }
        return max(0, t1 - t0) * (d * d).sum().squareRoot()
    }

    static func isInterior(_ idx: Int, _ L: PaddedLayout) -> Bool {
        let k = idx / L.strideZ - 1, j = (idx % L.strideZ) / L.strideY - 1, i = idx % L.strideY - 1
        return i >= 0 && i < L.nx && j >= 0 && j < L.ny && k >= 0 && k < L.nz
    }

    /// nil when no vessel carries warming blood (no cylinder with the convective model).
    init?(preset: Preset, scene: Scene, layout L: PaddedLayout) {
        let g = scene.grid
        let h = VesselFlow.wallCoefficients(preset: preset, grid: g)
        var blood = [Bool](repeating: false, count: L.count)
        for v in scene.vesselVoxels { blood[L.index(linear: v)] = true }
        var channels: [Channel] = []
        var order: [Int] = []
        var rowSet = Set<Int>()
        for (n, region) in preset.regions.enumerated() {
            if let tree = scene.vesselTrees[n], let flow = region.flow {
                let tail = VesselFlow.treeChannels(tree, region: n, flow: flow, preset: preset, grid: g, layout: L, isBlood: blood,
                                                   first: channels.count, rows: &rowSet)
                order += tail.order
                channels += tail.channels
                continue
            }
            guard let hw = h[n], let flow = region.flow, case let .cylinder(start, end, radius) = region.shape else { continue }
            let axisVector = end - start
            let axis = axisVector / (axisVector * axisVector).sum().squareRoot()
            let resolved = flow.resolved(cylinderRadiusMM: radius)
            let d = resolved.diameterMM ?? 2 * radius
            let velocity = resolved.velocityMMS ?? VesselFlowSpec.defaultVelocityMMS(diameterMM: d)
            let area = Double.pi * d * d / 4 * 1e-6
            let label = UInt8(n + 1)
            var voxels: [Int] = [], slices: [Int32] = []
            var sMin = Double.infinity, sMax = -Double.infinity
            var along: [Double] = []
            for v in scene.vesselVoxels where scene.labels[v] == label {
                let i = v % g.nx, j = (v / g.nx) % g.ny, k = v / (g.nx * g.ny)
                let s = ((g.worldPosition(i, j, k) - start) * axis).sum()
                voxels.append(L.index(i, j, k))
                along.append(s)
                sMin = min(sMin, s); sMax = max(sMax, s)
                for dj in -1...1 { for dk in -1...1 {
                    let jj = j + dj, kk = k + dk
                    if jj >= 0, jj < g.ny, kk >= 0, kk < g.nz { rowSet.insert(kk * g.ny + jj) }
                } }
            }
            guard !voxels.isEmpty else { continue }
            let ds = g.spacingMM
            for s in along { slices.append(Int32(((s - sMin) / ds).rounded(.down))) }
            let sliceCount = Int(((sMax - sMin) / ds).rounded(.down)) + 1
            let wall = flow.occlusion == .thermal
                ? OcclusionWall(voxels: voxels, slice: slices, sliceCount: sliceCount, isBlood: blood, layout: L,
                                closingFraction: OcclusionWall.closingFraction(diameterMM: d, thrombusReachMM: flow.thrombusReachMM))
                : nil
            order.append(channels.count)
            channels.append(Channel(name: region.name, region: n, lengthMM: VesselFlow.lengthInGrid(region.shape, grid: g) ?? 0,
                                    diameterMM: d, velocityMMS: velocity, wallCoefficient: hw,
                                    capacityRate: preset.blood.volumetricHeatCapacity * velocity * 1e-3 * area,
                                    inletC: preset.blood.temperatureC, voxels: voxels, slice: slices,
                                    sliceCount: sliceCount,
                                    heatW: 0, outletC: preset.blood.temperatureC, label: label, wall: wall))
        }
        guard !channels.isEmpty else { return nil }
        self.channels = channels
        updateOrder = order
        arterialC = preset.blood.temperatureC
        rows = rowSet.sorted()
        isBlood = blood
    }

    /// Channel `c` has occluded: the flowing channels beside its lumen (a tree's neighbouring
    /// segments) take up the heat that crosses into them from it, as from tissue.
    func lumenStagnated(_ c: Int) {
        for idx in channels[c].voxels { isBlood[idx] = false }
    }

    /// Books the heat each channel carried away since the last booking, at the rate found by the
    /// update that started the interval (the blood was held at that update's temperatures). Call
    /// before occlusion sets a closed channel's rate to 0.
    func bookHeat(until time: Double) {
        if let last = bookedUntil {
            for c in channels.indices { channels[c].heatJ += channels[c].heatW * (time - last) }
        }
        bookedUntil = time
    }

    /// Marches every channel's blood temperature downstream from the current tissue temperatures and
    /// writes it into the channel's voxels.
    func update(temperature T: AlignedBuffer<Float>, op: PennesOperator, voxelVolumeM3: Double) {
        let L = op.layout
        let sy = L.strideY, sz = L.strideZ
        // An occluded channel's lumen follows the heat equation like tissue (VesselOcclusion).
        for c in updateOrder where channels[c].occlusionTimeS == nil {
            if !channels[c].upstream.isEmpty {
                // Merging outlets mix by their heat capacity flow rates.
                var mixed = 0.0, rate = 0.0
                for u in channels[c].upstream where channels[u].occlusionTimeS == nil {
                    mixed += channels[u].capacityRate * channels[u].outletC
                    rate += channels[u].capacityRate
                }
                channels[c].inletC = rate > 0 ? mixed / rate : arterialC
            }
            var a = [Double](repeating: 0, count: channels[c].sliceCount)  // sum G T_tissue
            var b = [Double](repeating: 0, count: channels[c].sliceCount)  // sum G
            for (idx, s) in zip(channels[c].voxels, channels[c].slice) {
                // The six faces: neighbour and the face's conductance; ghosts are no tissue.
                func face(_ nb: Int, _ g: Float) {
                    guard g > 0, VesselFlow.isInterior(nb, L), !isBlood[nb] else { return }
                    let conductance = Double(g) * voxelVolumeM3
                    a[Int(s)] += conductance * Double(T[nb])
                    b[Int(s)] += conductance
                }
                face(idx - 1, op.gx[idx - 1]); face(idx + 1, op.gx[idx])
                face(idx - sy, op.gy[idx - sy]); face(idx + sy, op.gy[idx])
                face(idx - sz, op.gz[idx - sz]); face(idx + sz, op.gz[idx])
            }
            let mc = channels[c].capacityRate
            var tIn = channels[c].inletC, heat = 0.0
            var sliceT = [Float](repeating: 0, count: a.count)
            let reversed = channels[c].reversed
            for n in a.indices {
                let s = reversed ? a.count - 1 - n : n
                let t = (2 * mc * tIn + a[s]) / (2 * mc + b[s])
                heat += a[s] - b[s] * t
                sliceT[s] = Float(t)
                tIn = 2 * t - tIn
            }
            channels[c].heatW = heat
            channels[c].outletC = tIn
            for (idx, s) in zip(channels[c].voxels, channels[c].slice) { T[idx] = sliceT[Int(s)] }
        }
    }
}
