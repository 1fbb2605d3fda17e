/// Scalar types `NIfTIWriter` can store. Each maps to exactly one NIfTI-1
/// datatype so the header always agrees with the bytes that follow it.
public protocol NIfTIVoxel: Sendable {
    static var niftiDataType: NIfTIDataType { get }
    /// Used for cal_min/cal_max; NaN values are skipped there.
    var niftiDoubleValue: Double { get }
    /// Stores `niftiDataType.bytesPerVoxel` little-endian bytes at `pointer`.
    func niftiStoreLittleEndian(at pointer: UnsafeMutableRawPointer)
}

extension UInt8: NIfTIVoxel {
    public static var niftiDataType: NIfTIDataType { .uint8 }
    public var niftiDoubleValue: Double { Double(self) }
    public func niftiStoreLittleEndian(at pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: self, as: UInt8.self)
    }
}

extension Int16: NIfTIVoxel {
    public static var niftiDataType: NIfTIDataType { .int16 }
    public var niftiDoubleValue: Double { Double(self) }
    public func niftiStoreLittleEndian(at pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: littleEndian, as: Int16.self)
    }
}

extension Int32: NIfTIVoxel {
    public static var niftiDataType: NIfTIDataType { .int32 }
    public var niftiDoubleValue: Double { Double(self) }
    public func niftiStoreLittleEndian(at pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: littleEndian, as: Int32.self)
    }
}

extension Float: NIfTIVoxel {
    public static var niftiDataType: NIfTIDataType { .float32 }
    public var niftiDoubleValue: Double { Double(self) }
    public func niftiStoreLittleEndian(at pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: bitPattern.littleEndian, as: UInt32.self)
    }
}

extension Double: NIfTIVoxel {
    public static var niftiDataType: NIfTIDataType { .float64 }
    public var niftiDoubleValue: Double { self }
    public func niftiStoreLittleEndian(at pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: bitPattern.littleEndian, as: UInt64.self)
    }
}
