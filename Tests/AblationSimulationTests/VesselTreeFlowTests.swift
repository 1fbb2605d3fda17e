import AblationGrid
import AblationIO
@testable import AblationJSON
@testable import AblationPreset
@testable import AblationSimulation
@testable import AblationTissue
import Foundation
import Testing

/// The vessel of `vesselCase(diameterMM:)` given as a label map: the cylinder's own voxels on the
/// simulation grid's lattice, written to a NIfTI file in `dir`, so the two runs differ only in the
/// vessel model's inputs (diameter, velocity, slices) the tree extraction measures.
func labelMapTwin(diameterMM d: Double, flow: String = "{}", in dir: URL) throws -> Preset {
    let cylinder = try vesselCase(diameterMM: d)
    let g = try Scene(preset: cylinder).grid
    let labels = try Scene(preset: cylinder).labels.map { $0 == 1 ? UInt8(1) : 0 }
    let geometry = VolumeGeometry(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: SIMD3(repeating: g.spacingMM), originMM: g.originMM)
    let file = dir.appendingPathComponent("vessel-\(d).nii")
    try NIfTIWriter.write(uint8: labels, geometry: geometry, to: file, gzip: false)
    let text = """
        {"ablsim": 1, "name": "v", "grid": {"size_mm": [40, 40, 40], "spacing_mm": \(g.spacingMM)},
         "materials": {"liver": {"perfusion_per_s": 0.0064}},
         "regions": [{"name": "v", "material": "blood", "vessel": true,
                      "shape": {"type": "label_map", "path": "\(file.lastPathComponent)", "label": 1}, "flow": \(flow)}],
         "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 3},
                          "schedule": [{"duration_s": 480, "power_w": 6}]}]}
        """
    return try Preset.parse(bytes: Array(text.utf8), source: "t.json", baseDirectory: dir.path).0
}

func scratchDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablsim-tree-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// The issue's acceptance test: a label map of a straight cylinder gives the cylinder model's zone
/// within a few percent. Here within 2 %: the zone loses 17-20 % to an open 3 or 6 mm vessel and 9 %
/// to a 1 mm one that keeps flowing (VesselFlowTests), so 2 % tells a vessel modelled as the
/// cylinder is from one modelled otherwise. Diameter and velocity agree within a voxel's worth (the
/// tree's diameter is measured from the voxels, the velocity follows it: 150 mm/s per 6 mm).
@Test(arguments: [1.0, 3.0, 6.0])
func aLabelMapOfACylinderGivesTheCylindersZone(diameterMM d: Double) throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (cylinder, cylinderRun) = try necroticVolumeML(try vesselCase(diameterMM: d))
    // Blood enters at y = -20, as in the cylinder (start_mm).
    let twin = try labelMapTwin(diameterMM: d, flow: #"{"trunk_mm": [\#(5 + d / 2), -20, 0], "direction": "from_trunk"}"#, in: dir)
    let (tree, treeRun) = try necroticVolumeML(twin)
    #expect(abs(tree / cylinder - 1) < 0.02, "\(d) mm: label map \(tree) mL, cylinder \(cylinder) mL")
    let c = try #require(cylinderRun.vessels.first), t = try #require(treeRun.vessels.first)
    #expect(treeRun.vessels.count == 1 && t.segment == 0 && t.parentSegment == nil)
    let h = twin.grid.spacingMM
    #expect(abs(t.diameterMM - c.diameterMM) <= h, "diameter \(t.diameterMM) mm")
    #expect(abs(t.velocityMMS - c.velocityMMS) <= 150.0 / 6 * h, "velocity \(t.velocityMMS) mm/s")
    #expect(abs(t.lengthMM - c.lengthMM) <= h, "length \(t.lengthMM) mm")
    #expect((t.occlusionTimeS == nil) == (c.occlusionTimeS == nil), "occluded at \(String(describing: t.occlusionTimeS)) s")
    // The heat carried away over the run, rate by rate: the cylinder's, but for the difference in
    // diameter, which sets the flow rate (the 1 mm cylinder's four voxels a slice hold 1.27 times
    // its cross-section: 1.13 mm measured), plus 2 %.
    let allowance = 0.02 + abs(t.diameterMM - c.diameterMM) / c.diameterMM
    #expect(abs(t.heatRemovedJ - c.heatRemovedJ) <= allowance * c.heatRemovedJ, "\(t.heatRemovedJ) J against \(c.heatRemovedJ) J")
}

/// The occlusion threshold of the cylinders (VesselFlowTests: largeVesselsSpareTissueSmallOnesHardlyDo,
/// theThresholdFallsBetweenTwoAndThreeMillimetres) holds for the same vessels given as label maps:
/// 1 and 2 mm vessels clot shut and hardly cost the zone anything, 3 and 6 mm vessels stay open and
/// spare the tissue beside them, each told by the lost-zone band (`lostZoneResolution`).
@Test func theOcclusionThresholdHoldsForLabelMaps() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (none, noneRun) = try necroticVolumeML(try vesselCase(diameterMM: 0))
    let band = lostZoneResolution(withoutVessel: noneRun)
    var loss: [Double: Double] = [:]
    for d in [1.0, 2.0, 3.0, 6.0] {
        let (volume, run) = try necroticVolumeML(try labelMapTwin(diameterMM: d, in: dir))
        loss[d] = 1 - volume / none
        let v = try #require(run.vessels.first)
        if d < 3 {
            let closed = try #require(v.occlusionTimeS, "the \(d) mm vessel inside the zone must occlude")
            #expect(closed > 60 && closed < 480, "\(d) mm occluded at \(closed) s")
            #expect(v.heatRemovedW == 0 && v.heatRemovedJ > 0)
        } else {
            #expect(v.occlusionTimeS == nil, "the \(d) mm vessel must stay open")
        }
    }
    print("vessel band \(band): label maps \(loss)")
    #expect(abs(loss[1]!) < band && abs(loss[2]!) < band, "1 mm: \(100 * loss[1]!) %, 2 mm: \(100 * loss[2]!) % (band \(100 * band) %)")
    #expect(loss[3]! > band && loss[6]! > band, "3 mm: \(100 * loss[3]!) %, 6 mm: \(100 * loss[6]!) % (band \(100 * band) %)")
    #expect(loss[6]! - loss[1]! > band)
}

/// `direction` decides which end the blood enters: it warms towards the other, and its outlet rise
/// times the heat capacity flow rate is the heat it took up.
@Test(arguments: ["toward_trunk", "from_trunk"])
func bloodWarmsInTheFlowDirection(direction: String) throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let p = try labelMapTwin(diameterMM: 2, flow: #"{"trunk_mm": [6, -20, 0], "direction": "\#(direction)", "occlusion": "never"}"#, in: dir)
    let (_, r) = try necroticVolumeML(p)
    let v = try #require(r.vessels.first)
    #expect(v.heatRemovedW > 0.05)
    // The blood's enthalpy gain against the heat crossing the wall, measured from the temperature
    // field (wallHeatFromTheField; the segment's diameter and length are the tree's, measured from
    // its voxels, and enter only the film coefficient).
    let mc = 1050 * 3617 * v.velocityMMS * 1e-3 * Double.pi * v.diameterMM * v.diameterMM / 4 * 1e-6
    let wall = wallHeatFromTheField(r, label: 1, diameterMM: v.diameterMM, velocityMMS: v.velocityMMS, lengthMM: v.lengthMM)
    print("label-map vessel (\(direction)): blood gains \((v.outletTemperatureC - 37) * mc) W, the wall passes \(wall.heat) W (rounding \(wall.rounding) W)")
    #expect(abs((v.outletTemperatureC - 37) * mc - wall.heat) <= wall.rounding)
    let g = r.scene.grid, t = r.temperature()
    func at(_ y: Double) -> Float {
        let c = g.voxel(containing: [6, y, 0])!
        return t[g.linearIndex(c.0, c.1, c.2)]
    }
    // The trunk is at y = -20: from it, the blood warms towards +y; towards it, towards -y.
    let (inlet, outlet) = direction == "from_trunk" ? (at(-19), at(19)) : (at(19), at(-19))
    #expect(inlet < at(0) && at(0) < outlet, "inlet \(inlet), middle \(at(0)), outlet \(outlet) °C")
    #expect(inlet < 37.5)
}

/// A Y (5 mm trunk from x = -16 to the fork at the origin, 3 mm branches to (12, +-9, 0)) written
/// as a label map on the grid's lattice, a heat source beside it.
private func yTree(source: SIMD3<Double>, flow: String, in dir: URL) throws -> Preset {
    let text = """
        {"ablsim": 1, "name": "y", "grid": {"size_mm": [40, 40, 20], "spacing_mm": 0.5},
         "materials": {"liver": {"perfusion_per_s": 0.0064}},
         "regions": [{"name": "y", "material": "blood", "vessel": true,
                      "shape": {"type": "label_map", "path": "y.nii", "label": 1}, "flow": \(flow)}],
         "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [\(source.x), \(source.y), \(source.z)], "radius_mm": 2},
                          "schedule": [{"duration_s": 150, "power_w": 6}]}]}
        """
    // The grid of the preset, to paint the Y on its lattice.
    let g = Grid3D(centerMM: .zero, sizeMM: [40, 40, 20], spacingMM: 0.5)
    func tube(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ radius: Double, _ p: SIMD3<Double>) -> Bool {
        let axis = b - a
        let s = ((p - a) * axis).sum() / (axis * axis).sum()
        let r = p - a - min(max(s, 0), 1) * axis
        return s >= 0 && s <= 1 && (r * r).sum() <= radius * radius
    }
    var labels = [UInt8](repeating: 0, count: g.voxelCount)
    for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
        let p = g.worldPosition(i, j, k)
        if tube([-16, 0, 0], [0, 0, 0], 2.5, p) || tube([0, 0, 0], [12, 9, 0], 1.5, p) || tube([0, 0, 0], [12, -9, 0], 1.5, p) {
            labels[g.linearIndex(i, j, k)] = 1
        }
    } } }
    let geometry = VolumeGeometry(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: SIMD3(repeating: g.spacingMM), originMM: g.originMM)
    try NIfTIWriter.write(uint8: labels, geometry: geometry, to: dir.appendingPathComponent("y.nii"), gzip: false)
    return try Preset.parse(bytes: Array(text.utf8), source: "t.json", baseDirectory: dir.path).0
}

/// Occlusion per segment: a segment that clots shut takes the part of the tree beyond it (away
/// from the trunk) with it, whichever way the blood runs (towards the trunk that part has no way
/// out, from the trunk no way in), and leaves the rest flowing. Beside the trunk, with a thrombus
/// reach that closes a vessel at its first coagulated wall voxel, the trunk closes and both
/// branches stop at the same sample, though the source is 9 mm or more from their walls' nearest
/// point; beside the upper branch, with a reach that closes the 3 mm branch at its first coagulated
/// wall voxel and the 5 mm trunk at two thirds of a ring, the branch closes and the trunk and the
/// lower branch flow on.
@Test(arguments: ["toward_trunk", "from_trunk"])
func anOccludedSegmentStopsThePartBeyondIt(direction: String) throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let atTrunk = try yTree(source: [-10, 5.5, 0], flow: #"{"direction": "\#(direction)", "thrombus_reach_mm": 10}"#, in: dir)
    let trunkRun = try Simulation(preset: atTrunk, scene: try Scene(preset: atTrunk), threads: 2).run()
    #expect(trunkRun.vessels.count == 3)
    #expect(trunkRun.vessels.map(\.parentSegment) == [nil, 0, 0])
    let closed = try #require(trunkRun.vessels[0].occlusionTimeS, "the trunk must occlude")
    #expect(trunkRun.vessels[1].occlusionTimeS == closed && trunkRun.vessels[2].occlusionTimeS == closed)

    // Beside the upper branch's middle (6, 4.5, 0), 4.5 mm off its axis.
    let atBranch = try yTree(source: [3.3, 8.1, 0], flow: #"{"direction": "\#(direction)", "thrombus_reach_mm": 3}"#, in: dir)
    let branchRun = try Simulation(preset: atBranch, scene: try Scene(preset: atBranch), threads: 2).run()
    let scene = branchRun.scene, g = scene.grid
    let tree = try #require(scene.vesselTrees[0])
    let upper = g.worldPosition(tree.segments[1].points.last! % g.nx, (tree.segments[1].points.last! / g.nx) % g.ny, 0).y > 0 ? 1 : 2
    #expect(branchRun.vessels[upper].occlusionTimeS != nil, "the upper branch must occlude")
    #expect(branchRun.vessels[0].occlusionTimeS == nil && branchRun.vessels[3 - upper].occlusionTimeS == nil)
    #expect(branchRun.vessels[0].heatRemovedJ > 0 && branchRun.vessels[3 - upper].heatRemovedJ > 0)
}

@Test func treeFlowKeysAreCheckedAndResolved() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let p = try labelMapTwin(diameterMM: 2, in: dir)
    let flow = try #require(p.regions[0].flow)
    #expect(flow.model == .convective && flow.occlusion == .thermal && flow.direction == .towardTrunk && flow.trunkMM == nil)
    let resolved = JSONWriter.string(p.resolvedJSON()).filter { !$0.isWhitespace }
    #expect(resolved.contains(#""direction":"toward_trunk""#))
    func refused(_ flow: String) -> PresetError? {
        do { _ = try labelMapTwin(diameterMM: 2, flow: flow, in: dir); return nil } catch let e as PresetError { return e } catch { return nil }
    }
    let direction = refused(#"{"direction": "upstream"}"#)
    #expect(direction?.path == "regions.0.flow.direction" && direction?.message.contains(#""toward_trunk", "from_trunk""#) == true)
    let diameter = refused(#"{"diameter_mm": 3}"#)
    #expect(diameter?.path == "regions.0.flow.diameter_mm" && diameter?.message.contains("measured") == true)
    let fixed = refused(#"{"model": "fixed", "trunk_mm": [0, 0, 0]}"#)
    #expect(fixed?.path == "regions.0.flow.trunk_mm" && fixed?.message.contains("only used by a convective label-map vessel") == true)
    // A cylinder has start_mm and end_mm instead.
    let cylinder = #"{"material":"blood","vessel":true,"shape":{"type":"cylinder","start_mm":[0,0,0],"end_mm":[0,5,0],"radius_mm":1},"flow":{"direction":"from_trunk"}}"#
    expectError(minimalPreset, ["regions=[" + cylinder + "]"], path: "regions.0.flow.direction", contains: "only used by a convective label-map vessel")
}
