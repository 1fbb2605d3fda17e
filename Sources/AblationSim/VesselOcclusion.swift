import AblationGrid
import AblationKernels

extension VesselFlowSpec {
    /// Whether heat can stop a vessel's flow (`regions[].flow.occlusion`).
    ///
    /// - `thermal` (default for convective cylinders): the vessel occludes once its wall has
    ///   coagulated all the way round one cross-section (`OcclusionWall`); from then on its lumen
    ///   is stagnant blood that only conducts heat.
    /// - `never`: the blood flows whatever happens to the wall (the behaviour before this model,
    ///   and the only choice for `fixed` vessels, which have no flowing blood to stop).
    public enum Occlusion: String, Sendable, CaseIterable { case thermal, never }
}

/// The tissue around a vessel's lumen, cross-section by cross-section, and the test for thermal
/// occlusion.
///
/// Why the wall: in pig liver, every vessel under 3 mm next to a radiofrequency lesion showed
/// endothelial necrosis with luminal thrombus, and 4 of 20 veins under 3 mm were occluded on CT,
/// while 42 of 44 veins over 3 mm stayed patent and kept viable tissue beside them (Lu et al., AJR
/// 2002;178:47-51). A dead endothelium is where the thrombus starts; once the wall has coagulated
/// all the way round, no living wall is left to keep that section open, and the thrombus and the
/// shrinking coagulated collagen close the lumen (endovenous thermal ablation closes veins this
/// way on purpose, heating the wall all round). The flow a vessel carries decides whether it
/// gets there: fast blood in a wide lumen keeps its wall cool through the convective film, so the
/// wall opposite the heat never coagulates; a small branch warms, its wall coagulates all round
/// and it stops. So the criterion is: some cross-section (one voxel thick along the axis, the
/// slices `VesselFlow` marches the blood through) whose every tissue voxel bordering the lumen has
/// reached the run's necrosis threshold (Omega >= 1 by default: the same measure and threshold
/// that stop capillary perfusion). One closed section stops the whole vessel: it is a single tube
/// in the grid, with no side branches for the blood to leave by.
///
/// Approximations: occlusion is immediate once the ring closes (thrombus growth takes seconds to
/// minutes; checked at every damage sample, 1 s); the blood's own coagulation is not a separate
/// criterion (the wall is always the hotter side while heat flows into the blood, so it coagulates
/// first); the occluded lumen keeps the blood's conductivity and heat capacity (a thrombus is
/// mostly blood) and gets no perfusion; occlusion is permanent.
struct OcclusionWall: Sendable {
    /// Per slice: padded indices of the tissue voxels sharing a face with the slice's lumen voxels.
    let rings: [[Int]]

    /// `voxels` and `slice`: the channel's lumen voxels (padded) and their slice along the axis;
    /// `isBlood`: any vessel voxel (another vessel's blood is no wall).
    init(voxels: [Int], slice: [Int32], sliceCount: Int, isBlood: [Bool], layout L: PaddedLayout) {
        var rings = [[Int]](repeating: [], count: sliceCount)
        var seen = Set<Int>()
        for (idx, s) in zip(voxels, slice) {
            for nb in [idx - 1, idx + 1, idx - L.strideY, idx + L.strideY, idx - L.strideZ, idx + L.strideZ]
            where VesselFlow.isInterior(nb, L) && !isBlood[nb] {
                // A voxel bordering two slices (oblique vessels) belongs to the first it was found in.
                if seen.insert(nb).inserted { rings[Int(s)].append(nb) }
            }
        }
        self.rings = rings
    }

    /// The first slice whose whole ring is coagulated, nil while every section has a living wall.
    /// A slice with no tissue around it (surrounded by other vessels or ghosts) never closes.
    func closedSlice(isCoagulated: (Int) -> Bool) -> Int? {
        rings.indices.first { s in !rings[s].isEmpty && rings[s].allSatisfy(isCoagulated) }
    }
}

extension VesselFlow {
    /// Occludes every flowing channel whose wall has closed at `time`; returns the indices of the
    /// channels occluded now. Their blood is no longer marched or held (see `update`).
    func occludeClosedChannels(time: Double, isCoagulated: (Int) -> Bool) -> [Int] {
        var occluded: [Int] = []
        for c in channels.indices where channels[c].occlusionTimeS == nil {
            guard let wall = channels[c].wall, wall.closedSlice(isCoagulated: isCoagulated) != nil else { continue }
            channels[c].occlusionTimeS = time
            // No blood leaves any more: nothing carried away, and the inlet blood goes nowhere.
            channels[c].heatW = 0
            channels[c].outletC = channels[c].inletC
            occluded.append(c)
        }
        return occluded
    }
}

extension ThermalModel {
    /// Turns the lumen of an occluded vessel (padded indices, all of label `label`) into stagnant
    /// blood: the region material's heat capacity and conductivity, no perfusion, no wall film.
    /// The lumen's faces are rebuilt with the same harmonic mean as at set-up, against each
    /// neighbour's present conductivity. Returns the rows whose coefficients changed, with their
    /// four neighbours, to be marked active.
    func stagnate(lumen: [Int], label: UInt8) -> Set<Int> {
        let m = labelMaterial[Int(label)]
        setFixedConductivity(m.conductivityWMK, label: label)
        let L = op.layout
        let own = m.conductivityWMK
        // An RF electrode's cooled tip stays held at its coolant temperature, lumen or not.
        let held = Set(cooledVoxels.map { L.index($0.voxel % grid.nx, ($0.voxel / grid.nx) % grid.ny, $0.voxel / (grid.nx * grid.ny)) })
        var rows = Set<Int>()
        for idx in lumen where !held.contains(idx) {
            op.inverseHeatCapacity[idx] = Float(1 / m.volumetricHeatCapacity)
            op.perfusion[idx] = 0
            op.baseSource[idx] = Float(m.metabolicHeatWM3)
            let (_, j, k) = op.rebuildFaces(of: idx, own: own, conductivity: conductivity(atPadded:), face: face)
            rows.insert(L.row(j, k))
        }
        op.reclassify(rows: rows)
        return L.withNeighbourRows(rows)
    }
}
