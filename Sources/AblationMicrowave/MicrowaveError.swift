/// Why an antenna cannot be set up.
public enum MicrowaveError: Error, Equatable, CustomStringConvertible {
    case unsupportedFrequency(Int)
    case deviceFrequency(device: String, frequencyMHz: Int, supported: [Int])
    case degenerateAntenna
    case fieldSize(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .unsupportedFrequency(let f): return "unsupported microwave frequency \(f) MHz (expected 915 or 2450)"
        case .deviceFrequency(let d, let f, let s):
            return "device '\(d)' does not run at \(f) MHz (supported: \(s.map(String.init).joined(separator: ", ")) MHz)"
        case .degenerateAntenna: return "antenna tip and entry point coincide: the needle has no direction"
        case .fieldSize(let e, let g): return "field has \(g) values, the grid has \(e) voxels"
        }
    }
}
