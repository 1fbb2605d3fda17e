/// Failures of `VTIWriter`, worded for the log of a run that could not
/// write its `zone.vti`.
public enum VTIError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidGeometry(String)
    case emptyFieldName
    case invalidFieldName(String)
    case duplicateFieldName(String)
    case valueCountMismatch(field: String, expected: Int, got: Int)
    case compressionFailed(code: Int32, message: String)

    public var description: String {
        switch self {
        case .invalidGeometry(let reason):
            return "cannot write VTK image data: invalid volume geometry: \(reason)"
        case .emptyFieldName:
            return "cannot write VTK image data: a field has an empty name; every array needs a name"
        case .invalidFieldName(let name):
            return "cannot write VTK image data: field name \(name.debugDescription) contains control characters"
        case .duplicateFieldName(let name):
            return "cannot write VTK image data: the field name \"\(name)\" is used twice; names must be unique"
        case .valueCountMismatch(let field, let expected, let got):
            return "cannot write VTK image data: field \"\(field)\" has \(got) values, but the grid has nx*ny*nz = \(expected) points"
        case .compressionFailed(let code, let message):
            return "cannot write VTK image data: zlib compression failed (code \(code)): \(message)"
        }
    }
}
