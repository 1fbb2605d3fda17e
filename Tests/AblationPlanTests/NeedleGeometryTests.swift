@testable import AblationPlan
import Foundation
import Testing

/// Closed forms: RAS has x toward the patient's right, y anterior, z superior; LPS negates x and y.
/// The craniocaudal angle is atan(superior advance / in-plane advance); the axial angle is measured
/// at the tip from anterior toward the patient's right, to the side the needle enters from.
@Test func needleAnglesOfKnownDirections() throws {
    let tip = SIMD3<Double>(10, -20, 30)
    // (entry offset from the tip, craniocaudal, axial); depth is the offset's length.
    let cases: [(SIMD3<Double>, Double, Double?)] = [
        ([0, 50, 0], 0, 0),                // straight down from anterior, in the axial plane (supine, vertical)
        ([40, 0, 0], 0, 90),               // from the patient's right
        ([-40, 0, 0], 0, -90),             // from the left
        ([0, -40, 0], 0, 180),             // from behind (prone, vertical)
        ([0, 40, -30], atan(30.0 / 40) * 180 / .pi, 0),      // entry caudal of the tip: advances cranially, 36.87 deg
        ([0, 40, 30], -atan(30.0 / 40) * 180 / .pi, 0),      // entry cranial: advances caudally
        ([30, 30, 0], 0, 45),              // anterolateral right, halfway
        ([-20, -20, 0], 0, -135),          // posterolateral left
        ([30, 40, -50], 45, atan2(30.0, 40) * 180 / .pi),    // double angulation: in-plane length 50, superior 50
        ([0, 0, 50], -90, nil),            // along the body axis from above: no axial projection
    ]
    for (offset, craniocaudal, axial) in cases {
        let g = NeedleGeometry(entryRAS: tip + offset, tipRAS: tip)
        #expect(abs(g.depthMM - (offset * offset).sum().squareRoot()) < 1e-12, "\(offset)")
        #expect(abs(g.craniocaudalDeg - craniocaudal) < 1e-9, "\(offset): \(g.craniocaudalDeg)")
        if let axial {
            let a = try #require(g.axialDeg, "\(offset)")
            // 180 and -180 are the same direction.
            #expect(abs(remainder(a - axial, 360)) < 1e-9, "\(offset): \(a)")
        } else {
            #expect(g.axialDeg == nil, "\(offset)")
        }
        #expect(g.tipLPS == [-10, 20, 30] && g.entryLPS == [-(tip + offset).x, -(tip + offset).y, (tip + offset).z])
    }
    // The JSON members: LPS positions and the angles to 0.1 degree.
    let members = Dictionary(uniqueKeysWithValues: NeedleGeometry(entryRAS: tip + [0, 40, -30], tipRAS: tip).jsonMembers)
    #expect(members["tip_mm_lps"] == [-10, 20, 30])
    #expect(members["entry_mm_lps"] == [-10, -20, 0])
    #expect(members["depth_mm"] == 50)
    #expect(members["angles_deg"] == ["craniocaudal": 36.9, "axial": 0])
}
