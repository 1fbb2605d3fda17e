import AblationIO
import Foundation

/// Any bytes (plain or gzip) must read as a volume or throw NIfTIError / GzipError.
@_cdecl("LLVMFuzzerTestOneInput")
public func NIfTIFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = try? NIfTIReader.decode(Data(bytes: data, count: size), maxVoxels: 1 << 22)
    return 0
}
