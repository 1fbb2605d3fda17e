import AblationJSON
import Foundation

/// A straight needle path as a clinician sets it up on CT: entry and tip in DICOM patient
/// coordinates, insertion depth, and two angles (docs/planning.md#needle-angles).
///
/// ablsim's world frame is RAS (x toward the patient's right, y anterior, z superior); DICOM's
/// patient frame is LPS (x toward the left, y posterior, z superior), the same points with x and y
/// negated.
package struct NeedleGeometry: Equatable, Sendable {
    package var entryLPS: SIMD3<Double>
    package var tipLPS: SIMD3<Double>
    /// Entry to tip (mm).
    package var depthMM: Double
    /// Angle between the needle and the axial plane, -90...90 degrees; positive when the needle
    /// advances toward the head (the tip lies cranial, superior, of the entry).
    package var craniocaudalDeg: Double
    /// Angle in the axial plane of the needle's projection, -180...180 degrees, measured at the
    /// tip from the anterior direction to the side the needle comes in from: 0 an entry straight
    /// anterior of the tip (vertical for a supine patient), +90 an entry straight to the patient's
    /// right, -90 to the left, 180 posterior. nil when the needle runs craniocaudally (no projection).
    package var axialDeg: Double?

    package static func rasToLPS(_ p: SIMD3<Double>) -> SIMD3<Double> { SIMD3(-p.x, -p.y, p.z) }

    package init(entryRAS: SIMD3<Double>, tipRAS: SIMD3<Double>) {
        entryLPS = NeedleGeometry.rasToLPS(entryRAS)
        tipLPS = NeedleGeometry.rasToLPS(tipRAS)
        let advance = tipRAS - entryRAS
        depthMM = (advance * advance).sum().squareRoot()
        let inPlane = (advance.x * advance.x + advance.y * advance.y).squareRoot()
        // atan2 of the superior component against the in-plane length: exact at +-90 degrees,
        // where asin(z / depth) loses precision.
        craniocaudalDeg = depthMM > 0 ? atan2(advance.z, inPlane) * 180 / .pi : 0
        // Toward the entry from the tip, in the axial plane: right (+x) against anterior (+y).
        let back = -advance
        axialDeg = inPlane > 1e-9 * max(depthMM, 1) ? atan2(back.x, back.y) * 180 / .pi : nil
    }

    /// The plan-summary.json members, positions to 0.01 mm and angles to 0.1 degree.
    package var jsonMembers: [(String, JSONValue)] {
        func mm(_ v: Double) -> JSONValue { .number((v * 100).rounded() / 100 + 0) }
        func deg(_ v: Double) -> JSONValue { .number((v * 10).rounded() / 10 + 0) }
        return [
            ("entry_mm_lps", .array([mm(entryLPS.x), mm(entryLPS.y), mm(entryLPS.z)])),
            ("tip_mm_lps", .array([mm(tipLPS.x), mm(tipLPS.y), mm(tipLPS.z)])),
            ("depth_mm", mm(depthMM)),
            ("angles_deg", ["craniocaudal": deg(craniocaudalDeg), "axial": axialDeg.map(deg) ?? .null]),
        ]
    }
}
