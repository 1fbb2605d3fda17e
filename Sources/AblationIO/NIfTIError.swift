/// Every way reading or writing a NIfTI-1 file can fail. Descriptions name
/// the problem and the expected value because they are shown to users who
/// need to fix or replace the file without reading our code.
public enum NIfTIError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooShort(byteCount: Int)
    case badHeaderSize(Int32)
    case nifti2NotSupported
    case twoFilePairNotSupported
    case badMagic([UInt8])
    case unsupportedDimensionCount(Int)
    case nonPositiveDimension(index: Int, value: Int)
    case notSingleVolume(index: Int, value: Int)
    case tooManyVoxels(nx: Int, ny: Int, nz: Int, limit: Int)
    case unsupportedDatatype(code: Int16)
    case invalidVoxelOffset(Double)
    case truncated(expectedBytes: Int, availableBytes: Int)
    case invalidSpacing(index: Int, value: Double)
    case invalidAffine(String)
    case decompressionFailed(String)
    case decompressedTooLarge(limitBytes: Int, maxVoxels: Int)
    case voxelCountMismatch(expected: Int, got: Int)
    case dimensionOutOfRange(axis: String, value: Int)
    case invalidGeometry(String)
    case readFailed(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .tooShort(let count):
            return "not a NIfTI-1 file: it is \(count) bytes long, but a NIfTI-1 header alone needs 348 bytes"
        case .badHeaderSize(let size):
            return "not a NIfTI-1 file: header size is \(size), expected 348"
        case .nifti2NotSupported:
            return "this is a NIfTI-2 file (header size 540); only NIfTI-1 (header size 348) is supported"
        case .twoFilePairNotSupported:
            return "this is the header of a two-file NIfTI pair (magic \"ni1\"); only single-file .nii/.nii.gz (magic \"n+1\") is supported"
        case .badMagic(let bytes):
            let hex = bytes.map { String($0, radix: 16) }.joined(separator: " ")
            return "not a NIfTI-1 file: magic bytes at offset 344 are [\(hex)], expected \"n+1\\0\" (6e 2b 31 0)"
        case .unsupportedDimensionCount(let n):
            return "unsupported number of dimensions dim[0] = \(n); expected 3 to 7 (only 3D single-volume images are supported)"
        case .nonPositiveDimension(let index, let value):
            return "dimensions must be positive, got dim[\(index)] = \(value)"
        case .notSingleVolume(let index, let value):
            return "only 3D single-volume images are supported, but dim[\(index)] = \(value); expected 1"
        case .tooManyVoxels(let nx, let ny, let nz, let limit):
            return "image dimensions \(nx) x \(ny) x \(nz) exceed the limit of \(limit) voxels"
        case .unsupportedDatatype(let code):
            let name = NIfTIDataType.nameOfUnsupportedCode(code).map { " (\($0))" } ?? ""
            return "unsupported datatype code \(code)\(name); expected one of uint8, int8, int16, uint16, int32, uint32, float32, float64"
        case .invalidVoxelOffset(let value):
            return "invalid vox_offset \(value): expected a whole number of at least 348"
        case .truncated(let expected, let available):
            return "truncated: header says \(expected) bytes of voxel data, file has \(available)"
        case .invalidSpacing(let index, let value):
            return "invalid voxel spacing pixdim[\(index)] = \(value); expected a finite number greater than 0"
        case .invalidAffine(let reason):
            return "invalid voxel-to-world transform: \(reason)"
        case .decompressionFailed(let reason):
            return "could not decompress .nii.gz data: \(reason)"
        case .decompressedTooLarge(let limit, let maxVoxels):
            return "decompressed data exceeds \(limit) bytes, more than an image of at most \(maxVoxels) voxels can need"
        case .voxelCountMismatch(let expected, let got):
            return "voxel count mismatch: geometry needs nx*ny*nz = \(expected) values, got \(got)"
        case .dimensionOutOfRange(let axis, let value):
            return "dimension \(axis) = \(value) cannot be stored in NIfTI-1; expected 1 to 32767"
        case .invalidGeometry(let reason):
            return "invalid volume geometry: \(reason)"
        case .readFailed(let path, let reason):
            return "could not read \(path): \(reason)"
        case .writeFailed(let path, let reason):
            return "could not write \(path): \(reason)"
        }
    }
}
