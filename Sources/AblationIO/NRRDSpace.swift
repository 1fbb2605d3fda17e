/// The patient frames a NRRD `space` field may name that have a fixed relation to RAS, the frame
/// NIfTI and the simulator use. DICOM and ITK (and so 3D Slicer's files) use LPS.
public enum NRRDSpace: String, Sendable, Equatable, CaseIterable {
    case rightAnteriorSuperior = "right-anterior-superior"
    case leftAnteriorSuperior = "left-anterior-superior"
    case leftPosteriorSuperior = "left-posterior-superior"

    /// The full name or its three-letter abbreviation, in any case.
    public init?(name: String) {
        switch name.lowercased() {
        case "right-anterior-superior", "ras": self = .rightAnteriorSuperior
        case "left-anterior-superior", "las": self = .leftAnteriorSuperior
        case "left-posterior-superior", "lps": self = .leftPosteriorSuperior
        default: return nil
        }
    }

    /// Multiplying a point or direction of this space componentwise gives it in RAS.
    public var toRAS: SIMD3<Double> {
        switch self {
        case .rightAnteriorSuperior: return [1, 1, 1]
        case .leftAnteriorSuperior: return [-1, 1, 1]
        case .leftPosteriorSuperior: return [-1, -1, 1]
        }
    }

    public var abbreviation: String {
        switch self {
        case .rightAnteriorSuperior: return "RAS"
        case .leftAnteriorSuperior: return "LAS"
        case .leftPosteriorSuperior: return "LPS"
        }
    }
}
