extension NIfTIDataType {
    /// The NRRD `type` field's spellings of the scalar types both formats share (the C names
    /// and their fixed-width aliases); nil for other types (64-bit integers, block).
    init?(nrrdTypeName name: String) {
        let words = name.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        switch words {
        case "signed char", "int8", "int8_t": self = .int8
        case "uchar", "unsigned char", "uint8", "uint8_t": self = .uint8
        case "short", "short int", "signed short", "signed short int", "int16", "int16_t": self = .int16
        case "ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t": self = .uint16
        case "int", "signed int", "int32", "int32_t": self = .int32
        case "uint", "unsigned int", "uint32", "uint32_t": self = .uint32
        case "float": self = .float32
        case "double": self = .float64
        default: return nil
        }
    }
}
