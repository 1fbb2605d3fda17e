import AblationGrid
import AblationKernels
import AblationPreset

/// The tissue around a vessel's lumen, cross-section by cross-section, and the test for thermal
/// occlusion.
///
/// Why the wall: in pig liver beside radiofrequency lesions, all 111 vessels under 3 mm showed at
/// least partial wall injury (endothelial necrosis) with luminal thrombus and only 3 of them a heat
/// sink (none of the 96 under 2 mm), while half of the veins over 3 mm and all over 5 mm kept
/// viable tissue beside them, their walls less injured the wider they were (Lu et al., AJR
/// 2002;178:47-51: "a narrow transition zone at 2-4 mm"). In perfused glass tubes, which cannot
/// clot, even 1 mL/min of flow in a 3.4 mm tube cooled the zone as much as 1.5 L/min (Lehmann et
/// al., J Hepatobiliary Pancreat Sci 2016;23:508): small vessels lose their sink in vivo because
/// their blood clots on the dead wall, not because their flow is weak. A dead endothelium is where
/// the thrombus starts; it grows into the lumen about `VesselFlowSpec.thrombusReachMM` (2 mm: the
/// size below which Lu found no sink at all), so a lumen that narrow closes from any injured part
/// of its wall, while a wider one needs more of its wall coagulated, and one twice as wide or more
/// all of it (the thrombus and the shrinking collagen then close it, as endovenous ablation closes
/// veins by heating the wall all round). The flow decides how much wall coagulates: fast blood in
/// a wide lumen keeps the wall opposite the heat cool through the convective film. So the
/// criterion is: some cross-section (one voxel thick along the axis, the slices `VesselFlow`
/// marches the blood through) in which the share of tissue voxels bordering the lumen that have
/// reached the run's necrosis threshold (Omega >= 1 by default: the same measure and threshold that
/// stop capillary perfusion) is at least `closingFraction` (and at least one voxel). One closed
/// section stops the whole vessel: it is a single tube in the grid, with no side branches for the
/// blood to leave by.
///
/// Approximations: the closing share rises linearly from none at D = reach to the whole ring at
/// D = 2 x reach (the simplest form meeting both ends; no data resolve it); occlusion is immediate
/// once the share is reached (thrombus growth takes seconds to
/// minutes; checked at every damage sample, 1 s); the blood's own coagulation is not a separate
/// criterion (the wall is always the hotter side while heat flows into the blood, so it coagulates
/// first); the occluded lumen keeps the blood's conductivity and heat capacity (a thrombus is
/// mostly blood) and gets no perfusion; occlusion is permanent.
struct OcclusionWall: Sendable {
    /// Per slice: padded indices of the tissue voxels sharing a face with the slice's lumen voxels.
    let rings: [[Int]]
    /// Share of a slice's ring that must be coagulated to close the vessel (0-1).
    let closingFraction: Double

    /// The share of the wall ring whose coagulation closes a lumen of `diameterMM`: none (one voxel
    /// of it) up to the thrombus reach, all of it from twice the reach, linear between. A reach of 0
    /// asks for the whole ring at every size (the criterion before the thrombus reach, 0.1.0).
    static func closingFraction(diameterMM d: Double, thrombusReachMM reach: Double) -> Double {
        guard reach > 0 else { return 1 }
        return min(1, max(0, 2 * (1 - reach / d)))
    }

    /// `voxels` and `slice`: the channel's lumen voxels (padded) and their slice along the axis;
    /// `isBlood`: any vessel voxel (another vessel's blood is no wall).
    init(voxels: [Int], slice: [Int32], sliceCount: Int, isBlood: [Bool], layout L: PaddedLayout, closingFraction: Double = 1) {
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
        self.closingFraction = closingFraction
    }

    /// Rings given directly (tests).
    init(rings: [[Int]], closingFraction: Double) {
        self.rings = rings
        self.closingFraction = closingFraction
    }

    /// The first slice with enough of its ring coagulated to close, nil while none has. A slice with
    /// no tissue around it (surrounded by other vessels or ghosts) never closes.
    func closedSlice(isCoagulated: (Int) -> Bool) -> Int? {
        if closingFraction >= 1 {
            return rings.indices.first { s in !rings[s].isEmpty && rings[s].allSatisfy(isCoagulated) }
        }
        return rings.indices.first { s in
            guard !rings[s].isEmpty else { return false }
            let needed = max(1, Int((closingFraction * Double(rings[s].count)).rounded(.up)))
            var coagulated = 0
            for v in rings[s] where isCoagulated(v) {
                coagulated += 1
                if coagulated >= needed { return true }
            }
            return false
        }
    }
}

extension VesselFlow {
    /// Occludes every flowing channel whose wall has closed at `time`, with the part of its tree
    /// beyond it (VesselTreeFlow); returns the indices of the channels occluded now. Their blood is
    /// no longer marched or held (see `update`).
    func occludeClosedChannels(time: Double, isCoagulated: (Int) -> Bool) -> [Int] {
        var occluded: [Int] = []
        func occlude(_ c: Int) {
            guard channels[c].occlusionTimeS == nil else { return }
            channels[c].occlusionTimeS = time
            // No blood leaves any more: nothing carried away, and the inlet blood goes nowhere.
            channels[c].heatW = 0
            channels[c].outletC = channels[c].inletC
            lumenStagnated(c)
            occluded.append(c)
        }
        for c in channels.indices where channels[c].occlusionTimeS == nil {
            guard let wall = channels[c].wall, wall.closedSlice(isCoagulated: isCoagulated) != nil else { continue }
            occlude(c)
            for d in channels[c].cutOff { occlude(d) }
        }
        return occluded
    }
}

extension ThermalModel {
    /// Turns the lumen of an occluded vessel or tree segment (padded indices, all of label `label`) into stagnant
    /// blood: the region material's heat capacity and conductivity, no perfusion, no wall film.
    /// The lumen's faces are rebuilt with the same harmonic mean as at set-up, against each
    /// neighbour's present conductivity. Returns the rows whose coefficients changed, with their
    /// four neighbours, to be marked active.
    func stagnate(lumen: [Int], label: UInt8) -> Set<Int> {
        let m = labelMaterial[Int(label)]
        // A tree's segment loses its own film (the label's conductivity is the blood's already);
        // a cylinder's whole label does.
        removeFilm(at: lumen)
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
