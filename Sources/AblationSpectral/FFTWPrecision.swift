import Foundation
import CFFTW

/// The FFTW calls of one precision (`fftw_` for Double, `fftwf_` for Float), so that
/// `PrecisionTransform` holds the planning, buffering and spectral arithmetic once for both.
protocol FFTWPrecision {
    associatedtype Real: BinaryFloatingPoint
    static var label: String { get }
    static func malloc(_ bytes: Int) -> UnsafeMutableRawPointer?
    static func free(_ pointer: UnsafeMutableRawPointer?)
    /// Bytes of one complex value (two `Real`s, real part first, as FFTW lays them out).
    static var complexStride: Int { get }
    static func planR2C(_ n0: Int32, _ n1: Int32, _ n2: Int32, _ real: UnsafeMutablePointer<Real>,
                        _ complex: UnsafeMutableRawPointer, _ flags: UInt32) -> OpaquePointer?
    static func planC2R(_ n0: Int32, _ n1: Int32, _ n2: Int32, _ complex: UnsafeMutableRawPointer,
                        _ real: UnsafeMutablePointer<Real>, _ flags: UInt32) -> OpaquePointer?
    /// DST-I (RODFT00) along all three axes.
    static func planDST(_ n0: Int32, _ n1: Int32, _ n2: Int32, _ input: UnsafeMutablePointer<Real>,
                        _ output: UnsafeMutablePointer<Real>, _ flags: UInt32) -> OpaquePointer?
    static func destroy(_ plan: OpaquePointer)
    static func executeR2C(_ plan: OpaquePointer, _ real: UnsafeMutablePointer<Real>, _ complex: UnsafeMutableRawPointer)
    static func executeC2R(_ plan: OpaquePointer, _ complex: UnsafeMutableRawPointer, _ real: UnsafeMutablePointer<Real>)
    static func executeR2R(_ plan: OpaquePointer, _ input: UnsafeMutablePointer<Real>, _ output: UnsafeMutablePointer<Real>)
}

enum DoublePrecision: FFTWPrecision {
    typealias Real = Double
    static let label = "double precision"
    static func malloc(_ bytes: Int) -> UnsafeMutableRawPointer? { fftw_malloc(bytes) }
    static func free(_ pointer: UnsafeMutableRawPointer?) { fftw_free(pointer) }
    static var complexStride: Int { MemoryLayout<fftw_complex>.stride }
    static func planR2C(_ n0: Int32, _ n1: Int32, _ n2: Int32, _ real: UnsafeMutablePointer<Double>,
                        _ complex: UnsafeMutableRawPointer, _ flags: UInt32) -> OpaquePointer? {
        fftw_plan_dft_r2c_3d(n0, n1, n2, real, complex.assumingMemoryBound(to: fftw_complex.self), flags)
    }
    static func planC2R(_ n0: Int32, _ n1: Int32, _ n2: Int32, _ complex: UnsafeMutableRawPointer,
                        _ real: UnsafeMutablePointer<Double>, _ flags: UInt32) -> OpaquePointer? {
        fftw_plan_dft_c2r_3d(n0, n1, n2, complex.assumingMemoryBound(to: fftw_complex.self), real, flags)
    }
    static func planDST(_ n0: Int32, _ n1: Int32, _ n2: Int32, _ input: UnsafeMutablePointer<Double>,
                        _ output: UnsafeMutablePointer<Double>, _ flags: UInt32) -> OpaquePointer? {
        fftw_plan_r2r_3d(n0, n1, n2, input, output, FFTW_RODFT00, FFTW_RODFT00, FFTW_RODFT00, flags)
    }
    static func destroy(_ plan: OpaquePointer) { fftw_destroy_plan(plan) }
    static func executeR2C(_ plan: OpaquePointer, _ real: UnsafeMutablePointer<Double>, _ complex: UnsafeMutableRawPointer) {
        fftw_execute_dft_r2c(plan, real, complex.assumingMemoryBound(to: fftw_complex.self))
    }
    static func executeC2R(_ plan: OpaquePointer, _ complex: UnsafeMutableRawPointer, _ real: UnsafeMutablePointer<Double>) {
        fftw_execute_dft_c2r(plan, complex.assumingMemoryBound(to: fftw_complex.self), real)
    }
    static func executeR2R(_ plan: OpaquePointer, _ input: UnsafeMutablePointer<Double>, _ output: UnsafeMutablePointer<Double>) {
        fftw_execute_r2r(plan, input, output)
    }
}

enum SinglePrecision: FFTWPrecision {
    typealias Real = Float
    static let label = "single precision"
    static func malloc(_ bytes: Int) -> UnsafeMutableRawPointer? { fftwf_malloc(bytes) }
    static func free(_ pointer: UnsafeMutableRawPointer?) { fftwf_free(pointer) }
    static var complexStride: Int { MemoryLayout<fftwf_complex>.stride }
    static func planR2C(_ n0: Int32, _ n1: Int32, _ n2: Int32, _ real: UnsafeMutablePointer<Float>,
                        _ complex: UnsafeMutableRawPointer, _ flags: UInt32) -> OpaquePointer? {
        fftwf_plan_dft_r2c_3d(n0, n1, n2, real, complex.assumingMemoryBound(to: fftwf_complex.self), flags)
    }
    static func planC2R(_ n0: Int32, _ n1: Int32, _ n2: Int32, _ complex: UnsafeMutableRawPointer,
                        _ real: UnsafeMutablePointer<Float>, _ flags: UInt32) -> OpaquePointer? {
        fftwf_plan_dft_c2r_3d(n0, n1, n2, complex.assumingMemoryBound(to: fftwf_complex.self), real, flags)
    }
    static func planDST(_ n0: Int32, _ n1: Int32, _ n2: Int32, _ input: UnsafeMutablePointer<Float>,
                        _ output: UnsafeMutablePointer<Float>, _ flags: UInt32) -> OpaquePointer? {
        fftwf_plan_r2r_3d(n0, n1, n2, input, output, FFTW_RODFT00, FFTW_RODFT00, FFTW_RODFT00, flags)
    }
    static func destroy(_ plan: OpaquePointer) { fftwf_destroy_plan(plan) }
    static func executeR2C(_ plan: OpaquePointer, _ real: UnsafeMutablePointer<Float>, _ complex: UnsafeMutableRawPointer) {
        fftwf_execute_dft_r2c(plan, real, complex.assumingMemoryBound(to: fftwf_complex.self))
    }
    static func executeC2R(_ plan: OpaquePointer, _ complex: UnsafeMutableRawPointer, _ real: UnsafeMutablePointer<Float>) {
        fftwf_execute_dft_c2r(plan, complex.assumingMemoryBound(to: fftwf_complex.self), real)
    }
    static func executeR2R(_ plan: OpaquePointer, _ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        fftwf_execute_r2r(plan, input, output)
    }
}
