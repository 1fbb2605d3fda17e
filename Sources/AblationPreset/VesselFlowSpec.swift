import AblationJSON
import AblationKernels
import AblationTissue
import Foundation

/// How the blood of one vessel region takes up heat (`regions[].flow`, an extension of the contract).
///
/// - `convective` (default for cylinders and label maps): a thermal wall film between tissue and
///   blood, with the heat transfer coefficient of laminar pipe flow at the vessel's diameter and
///   velocity, and blood that warms as it flows (from `start_mm` to `end_mm` in a cylinder; along
///   each segment of a label map's vessel tree, `VesselTree`, in `direction`) by the heat it has
///   taken up (energy balance of the flow rate). Large, fast vessels stay near body temperature and
///   cool the tissue beside them; small ones warm up and hardly do.
/// - `fixed` (default for spheres, ellipsoids and boxes, and the behaviour before this model):
///   every vessel voxel is held at the blood temperature, an ideal sink whatever its size.
public struct VesselFlowSpec: Sendable, Equatable {
    public enum Model: String, Sendable, CaseIterable { case convective, fixed }
    public var model: Model
    /// Mean blood velocity (mm/s); nil: `defaultVelocityMMS(diameterMM:)`.
    public var velocityMMS: Double?
    /// Hydraulic diameter (mm); nil: twice the cylinder's radius, or measured per segment of a
    /// label map's vessel tree (there `velocityMMS` is the trunk's).
    public var diameterMM: Double?
    /// Whether coagulation of the vessel wall stops the flow (VesselOcclusion).
    public var occlusion: Occlusion = .never
    /// How far a thrombus grows into the lumen from coagulated wall (mm), which decides how much of
    /// the wall must coagulate to close the vessel (`OcclusionWall.closingFraction`).
    public var thrombusReachMM: Double = VesselFlowSpec.defaultThrombusReachMM
    /// A convective label map's vessel tree: which way its blood flows (nil for other shapes).
    public var direction: Direction?
    /// The point (mm) whose nearest centreline end is the trunk's (nil: the widest end-segment's end).
    public var trunkMM: SIMD3<Double>?

    /// Which way blood runs through a vessel tree (`regions[].flow.direction`).
    ///
    /// - `toward_trunk` (default): veins draining through the trunk, as the hepatic veins do; blood
    ///   enters at the far ends and where branches merge their outlets mix, weighted by their flow.
    /// - `from_trunk`: blood enters at the trunk and splits into the branches (portal vein, arteries).
    public enum Direction: String, Sendable, CaseIterable {
        case towardTrunk = "toward_trunk"
        case fromTrunk = "from_trunk"
    }

    /// Lu et al. (AJR 2002;178:47-51), pig liver beside RF lesions: every vessel under 3 mm had at
    /// least partial wall injury with luminal thrombus, and none of 96 vessels under 2 mm kept a
    /// heat sink: read as a thrombus that closes a 2 mm lumen from any injured part of its wall.
    public static let defaultThrombusReachMM = 2.0

    /// Mean velocity when a preset gives none: 150 mm/s at 6 mm (portal and large hepatic veins,
    /// 10-20 cm/s by Doppler), proportional to the diameter below and above, as Murray's law
    /// (flow ~ D^3 in a branching tree) gives for the branches: 25 mm/s at 1 mm. Clamped to 5-300 mm/s.
    public static func defaultVelocityMMS(diameterMM d: Double) -> Double { min(300, max(5, 150 * d / 6)) }

    /// Dynamic viscosity of blood (Pa s), for the Reynolds number of the wall heat transfer.
    public static let bloodViscosityPaS = 3.5e-3

    static func decode(_ q: inout JSONObjectReader, vessel: Bool, shape: ShapeSpec) throws(PresetError) -> VesselFlowSpec? {
        let isCylinder: Bool, isLabelMap: Bool
        switch shape {
        case .cylinder: (isCylinder, isLabelMap) = (true, false)
        case .labelMap: (isCylinder, isLabelMap) = (false, true)
        default: (isCylinder, isLabelMap) = (false, false)
        }
        // Cylinders and label maps have an axis, or centrelines, to march blood along.
        let hasAxis = isCylinder || isLabelMap
        guard var f = try q.object("flow") else {
            guard vessel else { return nil }
            return VesselFlowSpec(model: hasAxis ? .convective : .fixed, velocityMMS: nil, diameterMM: nil,
                                  occlusion: hasAxis ? .thermal : .never, direction: isLabelMap ? .towardTrunk : nil)
        }
        guard vessel else {
            throw PresetError(path: f.path, "is only meaningful on a vessel region; add \"vessel\": true or remove \"flow\"")
        }
        let model = Model(rawValue: try f.string("model", default: hasAxis ? "convective" : "fixed",
                                                 oneOf: Model.allCases.map(\.rawValue)))!
        let tree = model == .convective && isLabelMap
        let velocity = try f.optionalNumber("velocity_mm_s", .range(1, 2000, unit: "mm/s"))
        let diameter = try f.optionalNumber("diameter_mm", .range(0.1, 50, unit: "mm"))
        if diameter != nil, tree {
            throw PresetError(path: f.child("diameter_mm"),
                              "a convective label-map vessel has its diameters measured from the segmentation, segment by segment; remove diameter_mm (velocity_mm_s sets the trunk's velocity, the branches' follow Murray's law)")
        }
        // Occlusion is found slice by slice along the axis of flowing blood, so it needs both.
        let occludable = model == .convective && hasAxis
        let occlusion = Occlusion(rawValue: try f.string("occlusion", default: occludable ? "thermal" : "never",
                                                         oneOf: Occlusion.allCases.map(\.rawValue)))!
        if occlusion == .thermal, !occludable {
            throw PresetError(path: f.child("occlusion"),
                              "\"thermal\" needs a convective cylinder or label map (the wall is checked in slices across the axis of flowing blood); use \"never\" or a cylinder or label map with \"model\": \"convective\"")
        }
        let reach = try f.optionalNumber("thrombus_reach_mm", .range(0, 10, unit: "mm"))
        if reach != nil, occlusion != .thermal {
            throw PresetError(path: f.child("thrombus_reach_mm"), "is only used with \"occlusion\": \"thermal\"; remove it")
        }
        var direction: Direction?
        var trunk: SIMD3<Double>?
        for key in ["direction", "trunk_mm"] where f.keys.contains(key) && !tree {
            throw PresetError(path: f.child(key), "is only used by a convective label-map vessel (a tree of segments); remove it")
        }
        if tree {
            direction = Direction(rawValue: try f.string("direction", default: Direction.towardTrunk.rawValue,
                                                         oneOf: Direction.allCases.map(\.rawValue)))!
            if f.keys.contains("trunk_mm") { trunk = try f.vector3("trunk_mm") }
        }
        try f.finish()
        if model == .convective, !hasAxis, diameter == nil {
            throw PresetError(path: f.child("diameter_mm"),
                              "missing; a convective vessel that is not a cylinder or label map needs its diameter in mm (or use \"model\": \"fixed\")")
        }
        return VesselFlowSpec(model: model, velocityMMS: velocity, diameterMM: diameter, occlusion: occlusion,
                              thrombusReachMM: reach ?? defaultThrombusReachMM, direction: direction, trunkMM: trunk)
    }

    /// Diameter and velocity with the defaults filled in (`radiusMM`: the cylinder's, if any).
    public func resolved(cylinderRadiusMM radiusMM: Double?) -> (diameterMM: Double?, velocityMMS: Double?) {
        let d = diameterMM ?? radiusMM.map { 2 * $0 }
        return (d, velocityMMS ?? d.map { VesselFlowSpec.defaultVelocityMMS(diameterMM: $0) })
    }

    func json(cylinderRadiusMM: Double?) -> JSONValue {
        let r = resolved(cylinderRadiusMM: cylinderRadiusMM)
        var o: [(String, JSONValue)] = [("model", .string(model.rawValue))]
        if let v = r.velocityMMS { o.append(("velocity_mm_s", .number(v))) }
        if let d = r.diameterMM { o.append(("diameter_mm", .number(d))) }
        o.append(("occlusion", .string(occlusion.rawValue)))
        if occlusion == .thermal { o.append(("thrombus_reach_mm", .number(thrombusReachMM))) }
        if let direction { o.append(("direction", .string(direction.rawValue))) }
        if let t = trunkMM { o.append(("trunk_mm", .array([.number(t.x), .number(t.y), .number(t.z)]))) }
        return .object(o)
    }

    /// Mean wall heat transfer coefficient (W/m^2/K) of laminar flow heated over `lengthMM`:
    /// Nu = max(3.66, 1.615 Gz^(1/3)), Gz = Re Pr D / L (fully developed limit, and Leveque's
    /// developing thermal boundary layer for short heated lengths), h = Nu k_b / D.
    public static func wallCoefficient(diameterMM: Double, velocityMMS: Double, lengthMM: Double,
                                       blood: ArterialBlood, bloodConductivityWMK: Double) -> Double {
        let d = diameterMM * 1e-3, v = velocityMMS * 1e-3, l = max(lengthMM, diameterMM) * 1e-3
        let reynolds = blood.densityKgM3 * v * d / bloodViscosityPaS
        let prandtl = bloodViscosityPaS * blood.specificHeatJKgK / bloodConductivityWMK
        let graetz = reynolds * prandtl * d / l
        let nusselt = max(3.66, 1.615 * pow(graetz, 1.0 / 3))
        return nusselt * bloodConductivityWMK / d
    }
}

extension VesselFlowSpec {
    /// Whether heat can stop a vessel's flow (`regions[].flow.occlusion`).
    ///
    /// - `thermal` (default for convective cylinders and label maps): the vessel occludes once enough of its wall
    ///   has coagulated in one cross-section for a thrombus to close it (`OcclusionWall`): any of it
    ///   in a small vessel, all the way round in a large one; from then on its lumen is stagnant
    ///   blood that only conducts heat.
    /// - `never`: the blood flows whatever happens to the wall (the behaviour before this model,
    ///   and the only choice for `fixed` vessels, which have no flowing blood to stop).
    ///
    /// A label map's vessel tree occludes segment by segment (VesselOcclusion).
    public enum Occlusion: String, Sendable, CaseIterable { case thermal, never }
}
