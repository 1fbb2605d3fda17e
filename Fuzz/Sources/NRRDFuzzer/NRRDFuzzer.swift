import AblationIO
import Foundation

/// Any bytes must read as a NRRD volume or throw NRRDError; every layer of a volume that reads
/// must come out whole (the strided gather of a layered segmentation stays in bounds).
@_cdecl("LLVMFuzzerTestOneInput")
public func NRRDFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let volume = try? NRRDReader.decode(Data(bytes: data, count: size), maxVoxels: 1 << 22) else { return 0 }
    for n in 0..<volume.layerCount where volume.layer(n).values.count != volume.nx * volume.ny * volume.nz {
        fatalError("layer \(n) has the wrong voxel count")
    }
    return 0
}
