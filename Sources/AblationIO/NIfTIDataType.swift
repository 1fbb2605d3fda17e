/// Voxel storage types understood by this module, with their NIfTI-1 codes.
///
/// The writer emits uint8, int16, int32, float32 and float64; the reader
/// additionally accepts int8, uint16 and uint32 because other tools write them.
public enum NIfTIDataType: Sendable, Equatable, CaseIterable {
    case uint8, int8, int16, uint16, int32, uint32, float32, float64

    public init?(code: Int16) {
        switch code {
        case 2: self = .uint8
        case 256: self = .int8
        case 4: self = .int16
        case 512: self = .uint16
        case 8: self = .int32
        case 768: self = .uint32
        case 16: self = .float32
        case 64: self = .float64
        default: return nil
        }
    }

    public var code: Int16 {
        switch self {
        case .uint8: return 2
        case .int8: return 256
        case .int16: return 4
        case .uint16: return 512
        case .int32: return 8
        case .uint32: return 768
        case .float32: return 16
        case .float64: return 64
        }
    }

    public var bytesPerVoxel: Int {
        switch self {
        case .uint8, .int8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .float64: return 8
        }
    }

    public var bitsPerVoxel: Int16 { Int16(bytesPerVoxel * 8) }

    public var name: String {
        switch self {
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .int16: return "int16"
        case .uint16: return "uint16"
        case .int32: return "int32"
        case .uint32: return "uint32"
        case .float32: return "float32"
        case .float64: return "float64"
        }
    }

    /// Names for NIfTI-1 codes we do not support, so error messages can say
    /// what the file actually contains instead of just a number.
    static func nameOfUnsupportedCode(_ code: Int16) -> String? {
        switch code {
        case 0: return "unknown"
        case 1: return "binary"
        case 32: return "complex64"
        case 128: return "RGB24"
        case 255: return "all"
        case 1024: return "int64"
        case 1280: return "uint64"
        case 1536: return "float128"
        case 1792: return "complex128"
        case 2048: return "complex256"
        case 2304: return "RGBA32"
        default: return nil
        }
    }
}
