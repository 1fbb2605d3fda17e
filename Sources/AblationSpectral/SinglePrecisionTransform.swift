import CFFTW

/// Single-precision (`fftwf_`) plans and work buffers for one grid.
///
/// All buffers are allocated with `fftw_malloc` and owned by this object; the
/// caller's arrays are only ever copied into them, so FFTW never writes to
/// caller memory. Plans are created with `FFTW_ESTIMATE` (deterministic, fast,
/// does not touch the buffers) and executed through the new-array execute
/// functions on buffers of identical alignment and placement.
///
/// The spectral multipliers are applied in double precision and rounded once.
///
/// Not thread-safe: the work buffers are shared by every call.
final class SinglePrecisionTransform {
    private let grid: SpectralGrid
    /// Physical-space work buffer, `sampleCount` floats.
    private let real: UnsafeMutablePointer<Float>
    /// Spectral buffers A (initial condition / result) and B (source).
    /// Periodic: `spectralCount` complex values; dirichlet: `spectralCount` floats.
    private let spectrumA: UnsafeMutableRawPointer
    private let spectrumB: UnsafeMutableRawPointer
    /// periodic: r2c (real -> A); dirichlet: DST-I (real -> A), self-inverse.
    private let forwardPlan: OpaquePointer
    /// periodic: c2r (A -> real); dirichlet: nil (the forward plan is reused).
    private let backwardPlan: OpaquePointer?

    init(grid: SpectralGrid) throws(SpectralError) {
        self.grid = grid
        let n = grid.sampleCount
        let spectralBytes: Int
        switch grid.boundary {
        case .periodic: spectralBytes = grid.spectralCount * MemoryLayout<fftwf_complex>.stride
        case .dirichlet: spectralBytes = grid.spectralCount * MemoryLayout<Float>.stride
        }
        let realRawOptional = fftwf_malloc(n * MemoryLayout<Float>.stride)
        let aOptional = fftwf_malloc(spectralBytes)
        let bOptional = fftwf_malloc(spectralBytes)
        guard let realRaw = realRawOptional, let a = aOptional, let b = bOptional else {
            // Defensive: release whatever was obtained (fftwf_free accepts NULL).
            fftwf_free(realRawOptional)
            fftwf_free(aOptional)
            fftwf_free(bOptional)
            throw .planCreationFailed("fftwf_malloc failed")
        }
        real = realRaw.bindMemory(to: Float.self, capacity: n)
        spectrumA = a
        spectrumB = b
        real.initialize(repeating: 0, count: n)
        a.initializeMemory(as: UInt8.self, repeating: 0, count: spectralBytes)
        b.initializeMemory(as: UInt8.self, repeating: 0, count: spectralBytes)

        let n0 = Int32(grid.nz), n1 = Int32(grid.ny), n2 = Int32(grid.nx)
        let flags = UInt32(FFTW_ESTIMATE)
        let realPtr = real
        let plans: (OpaquePointer?, OpaquePointer?)
        switch grid.boundary {
        case .periodic:
            let complexA = a.assumingMemoryBound(to: fftwf_complex.self)
            plans = withFFTWPlannerLock {
                (fftwf_plan_dft_r2c_3d(n0, n1, n2, realPtr, complexA, flags),
                 fftwf_plan_dft_c2r_3d(n0, n1, n2, complexA, realPtr, flags))
            }
        case .dirichlet:
            let realA = a.assumingMemoryBound(to: Float.self)
            plans = withFFTWPlannerLock {
                (fftwf_plan_r2r_3d(n0, n1, n2, realPtr, realA,
                                  FFTW_RODFT00, FFTW_RODFT00, FFTW_RODFT00, flags),
                 nil)
            }
        }
        guard let forward = plans.0, grid.boundary == .dirichlet || plans.1 != nil else {
            withFFTWPlannerLock {
                if let p = plans.0 { fftwf_destroy_plan(p) }
                if let p = plans.1 { fftwf_destroy_plan(p) }
            }
            fftwf_free(realRaw)
            fftwf_free(a)
            fftwf_free(b)
            throw .planCreationFailed("double precision, \(grid.boundary), \(grid.nx)x\(grid.ny)x\(grid.nz)")
        }
        forwardPlan = forward
        backwardPlan = plans.1
    }

    deinit {
        let forward = forwardPlan
        let backward = backwardPlan
        withFFTWPlannerLock {
            fftwf_destroy_plan(forward)
            if let backward { fftwf_destroy_plan(backward) }
        }
        fftwf_free(real)
        fftwf_free(spectrumA)
        fftwf_free(spectrumB)
    }

    /// Copies `values` into the physical work buffer and transforms it into `spectrum`.
    private func forward(_ values: [Float], into spectrum: UnsafeMutableRawPointer) {
        values.withUnsafeBufferPointer { src in
            real.update(from: src.baseAddress!, count: grid.sampleCount)
        }
        switch grid.boundary {
        case .periodic:
            fftwf_execute_dft_r2c(forwardPlan, real, spectrum.assumingMemoryBound(to: fftwf_complex.self))
        case .dirichlet:
            fftwf_execute_r2r(forwardPlan, real, spectrum.assumingMemoryBound(to: Float.self))
        }
    }

    /// Computes `inverse( thetaMultiplier * F[theta0] + sourceMultiplier * F[source] )`
    /// where the multipliers (one real number per spectral coefficient) already
    /// include the round-trip normalisation. `theta0 == nil` means a zero
    /// initial condition. Array sizes must have been validated by the caller.
    func propagate(theta0: [Float]?, thetaMultiplier: [Double]?, source: [Float], sourceMultiplier: [Double]) -> [Float] {
        let m = grid.spectralCount
        forward(source, into: spectrumB)
        if let theta0 { forward(theta0, into: spectrumA) }
        switch grid.boundary {
        case .periodic:
            let a = spectrumA.assumingMemoryBound(to: fftwf_complex.self)
            let b = spectrumB.assumingMemoryBound(to: fftwf_complex.self)
            if theta0 != nil, let thetaMultiplier {
                for q in 0..<m {
                    let ea = thetaMultiplier[q], es = sourceMultiplier[q]
                    a[q].0 = Float(ea * Double(a[q].0) + es * Double(b[q].0))
                    a[q].1 = Float(ea * Double(a[q].1) + es * Double(b[q].1))
                }
            } else {
                for q in 0..<m {
                    let es = sourceMultiplier[q]
                    a[q].0 = Float(es * Double(b[q].0))
                    a[q].1 = Float(es * Double(b[q].1))
                }
            }
            // c2r destroys its input (spectrum A), which is our own buffer.
            fftwf_execute_dft_c2r(backwardPlan!, a, real)
        case .dirichlet:
            let a = spectrumA.assumingMemoryBound(to: Float.self)
            let b = spectrumB.assumingMemoryBound(to: Float.self)
            if theta0 != nil, let thetaMultiplier {
                for q in 0..<m {
                    a[q] = Float(thetaMultiplier[q] * Double(a[q]) + sourceMultiplier[q] * Double(b[q]))
                }
            } else {
                for q in 0..<m {
                    a[q] = Float(sourceMultiplier[q] * Double(b[q]))
                }
            }
            // DST-I is its own inverse up to the scale folded into the multipliers.
            fftwf_execute_r2r(forwardPlan, a, real)
        }
        return Array(UnsafeBufferPointer(start: real, count: grid.sampleCount))
    }
}
