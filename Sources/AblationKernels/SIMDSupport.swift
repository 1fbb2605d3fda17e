public typealias Vec = SIMD16<Float>

@inline(__always) @usableFromInline
func load(_ p: UnsafePointer<Float>) -> Vec { UnsafeRawPointer(p).loadUnaligned(as: Vec.self) }

@inline(__always) @usableFromInline
func store(_ v: Vec, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec.self) }

/// Lanes whose index is below `valid` (the part of a row chunk that holds real voxels).
@inline(__always) @usableFromInline
func laneMask(valid: Int) -> SIMDMask<SIMD16<Int32>> {
    SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) .< SIMD16<Int32>(repeating: Int32(valid))
}

/// e^x for 16 lanes, accurate to about 2 ulp over the float range; inputs are clamped so that the
/// result is finite and positive (underflow to 0 below -87), which is what rate integrals need.
@inline(__always) @usableFromInline
func exp(_ x: Vec) -> Vec {
    let clamped = x.clamped(lowerBound: Vec(repeating: -87.0), upperBound: Vec(repeating: 88.3))
    let n = (clamped * 1.44269504088896341).rounded(.toNearestOrEven)
    // Cody-Waite split of ln 2 keeps the reduced argument exact enough for the polynomial.
    var r = clamped.addingProduct(n, Vec(repeating: -0.693359375))
    r = r.addingProduct(n, Vec(repeating: 2.12194440e-4))
    // Minimax polynomial for e^r on [-ln2/2, ln2/2] (Cephes expf coefficients, a published fact).
    var p = Vec(repeating: 1.9875691500e-4)
    p = Vec(repeating: 1.3981999507e-3).addingProduct(p, r)
    p = Vec(repeating: 8.3334519073e-3).addingProduct(p, r)
    p = Vec(repeating: 4.1665795894e-2).addingProduct(p, r)
    p = Vec(repeating: 1.6666665459e-1).addingProduct(p, r)
    p = Vec(repeating: 5.0000001201e-1).addingProduct(p, r)
    let e = (r + 1).addingProduct(p, r * r)
    let bits = (SIMD16<Int32>(n) &+ 127) &<< 23
    return e * unsafeBitCast(bits, to: Vec.self)
}
