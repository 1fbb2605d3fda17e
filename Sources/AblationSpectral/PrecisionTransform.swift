import Foundation
import CFFTW

/// FFTW plans and work buffers for one grid, in one precision (`DoublePrecision`: `fftw_`,
/// `SinglePrecision`: `fftwf_`).
///
/// All buffers are allocated with FFTW's malloc and owned by this object; the caller's arrays are
/// only ever copied into them, so FFTW never writes to caller memory. Plans are created with
/// `FFTW_ESTIMATE` (deterministic, fast, does not touch the buffers) and executed through the
/// new-array execute functions on buffers of identical alignment and placement. The spectral
/// multipliers are applied in double precision and rounded once.
///
/// Not thread-safe: the work buffers are shared by every call.
final class PrecisionTransform<P: FFTWPrecision> {
    typealias Real = P.Real
    private let grid: SpectralGrid
    /// Physical-space work buffer, `sampleCount` values.
    private let real: UnsafeMutablePointer<Real>
    /// Spectral buffers A (initial condition / result) and B (source). Periodic: `spectralCount`
    /// complex values (real and imaginary parts interleaved); dirichlet: `spectralCount` reals.
    private let spectrumA: UnsafeMutableRawPointer
    private let spectrumB: UnsafeMutableRawPointer
    /// periodic: r2c (real -> A); dirichlet: DST-I (real -> A), self-inverse.
    private let forwardPlan: OpaquePointer
    /// periodic: c2r (A -> real); dirichlet: nil (the forward plan is reused).
    private let backwardPlan: OpaquePointer?

    init(grid: SpectralGrid) throws(SpectralError) {
        self.grid = grid
        let n = grid.sampleCount
        let spectralBytes = grid.spectralCount * (grid.boundary == .periodic ? P.complexStride : MemoryLayout<Real>.stride)
        let realRawOptional = P.malloc(n * MemoryLayout<Real>.stride)
        let aOptional = P.malloc(spectralBytes)
        let bOptional = P.malloc(spectralBytes)
        guard let realRaw = realRawOptional, let a = aOptional, let b = bOptional else {
            // Release whatever was obtained (FFTW's free accepts NULL).
            P.free(realRawOptional)
            P.free(aOptional)
            P.free(bOptional)
            throw .planCreationFailed("FFTW malloc failed (\(P.label))")
        }
        real = realRaw.bindMemory(to: Real.self, capacity: n)
        spectrumA = a
        spectrumB = b
        real.initialize(repeating: 0, count: n)
        a.initializeMemory(as: UInt8.self, repeating: 0, count: spectralBytes)
        b.initializeMemory(as: UInt8.self, repeating: 0, count: spectralBytes)

        // FFTW is row-major with the last index fastest: x is the fastest axis here.
        let n0 = Int32(grid.nz), n1 = Int32(grid.ny), n2 = Int32(grid.nx)
        let flags = UInt32(FFTW_ESTIMATE)
        let realPtr = real
        let plans: (OpaquePointer?, OpaquePointer?)
        switch grid.boundary {
        case .periodic:
            plans = withFFTWPlannerLock { (P.planR2C(n0, n1, n2, realPtr, a, flags), P.planC2R(n0, n1, n2, a, realPtr, flags)) }
        case .dirichlet:
            let realA = a.assumingMemoryBound(to: Real.self)
            plans = withFFTWPlannerLock { (P.planDST(n0, n1, n2, realPtr, realA, flags), nil) }
        }
        guard let forward = plans.0, grid.boundary == .dirichlet || plans.1 != nil else {
            withFFTWPlannerLock {
                if let p = plans.0 { P.destroy(p) }
                if let p = plans.1 { P.destroy(p) }
            }
            P.free(realRaw)
            P.free(a)
            P.free(b)
            throw .planCreationFailed("\(P.label), \(grid.boundary), \(grid.nx)x\(grid.ny)x\(grid.nz)")
        }
        forwardPlan = forward
        backwardPlan = plans.1
    }

    deinit {
        let forward = forwardPlan
        let backward = backwardPlan
        withFFTWPlannerLock {
            P.destroy(forward)
            if let backward { P.destroy(backward) }
        }
        P.free(UnsafeMutableRawPointer(real))
        P.free(spectrumA)
        P.free(spectrumB)
    }

    /// Copies `values` into the physical work buffer and transforms it into `spectrum`.
    private func forward(_ values: [Real], into spectrum: UnsafeMutableRawPointer) {
        values.withUnsafeBufferPointer { src in
            real.update(from: src.baseAddress!, count: grid.sampleCount)
        }
        switch grid.boundary {
        case .periodic: P.executeR2C(forwardPlan, real, spectrum)
        case .dirichlet: P.executeR2R(forwardPlan, real, spectrum.assumingMemoryBound(to: Real.self))
        }
    }

    /// Computes `inverse( thetaMultiplier * F[theta0] + sourceMultiplier * F[source] )`
    /// where the multipliers (one real number per spectral coefficient) already
    /// include the round-trip normalisation. `theta0 == nil` means a zero
    /// initial condition. Array sizes must have been validated by the caller.
    func propagate(theta0: [Real]?, thetaMultiplier: [Double]?, source: [Real], sourceMultiplier: [Double]) -> [Real] {
        let m = grid.spectralCount
        forward(source, into: spectrumB)
        if let theta0 { forward(theta0, into: spectrumA) }
        // A complex coefficient is two reals scaled by the same multiplier.
        let componentsPerMode = grid.boundary == .periodic ? 2 : 1
        let a = spectrumA.assumingMemoryBound(to: Real.self)
        let b = spectrumB.assumingMemoryBound(to: Real.self)
        if theta0 != nil, let thetaMultiplier {
            for q in 0..<m {
                let ea = thetaMultiplier[q], es = sourceMultiplier[q]
                for i in (q * componentsPerMode)..<((q + 1) * componentsPerMode) {
                    a[i] = Real(ea * Double(a[i]) + es * Double(b[i]))
                }
            }
        } else {
            // Spectrum A still holds whatever the last c2r left in it: overwrite, never read it.
            for q in 0..<m {
                let es = sourceMultiplier[q]
                for i in (q * componentsPerMode)..<((q + 1) * componentsPerMode) { a[i] = Real(es * Double(b[i])) }
            }
        }
        switch grid.boundary {
        case .periodic:
            // c2r destroys its input (spectrum A), which is our own buffer.
            P.executeC2R(backwardPlan!, spectrumA, real)
        case .dirichlet:
            // DST-I is its own inverse up to the scale folded into the multipliers.
            P.executeR2R(forwardPlan, a, real)
        }
        return Array(UnsafeBufferPointer(start: real, count: grid.sampleCount))
    }
}
