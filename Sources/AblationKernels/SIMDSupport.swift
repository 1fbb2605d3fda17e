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

/// e^x for 16 lanes, accurate to about 2 ulp; inputs are clamped so that the result is finite
/// and positive (2^-126 at the bottom), which is what rate integrals need.
///
/// Written with compares, blends and arithmetic only: the standard library's generic SIMD
/// `rounded`, `clamped` and Float<->Int conversions run lane by lane through non-inlined
/// generic code and cost more than the whole stencil update.
@inline(__always) @usableFromInline
func exp(_ x: Vec) -> Vec {
    var v = x.replacing(with: Vec(repeating: -87.0), where: x .< -87.0)
    v = v.replacing(with: Vec(repeating: 88.3), where: v .> 88.3)
    // Adding 1.5 * 2^23 rounds to the nearest integer in the mantissa.
    let magic = Vec(repeating: 12_582_912)
    let n = (v * 1.44269504088896341 + magic) - magic
    // Cody-Waite split of ln 2 keeps the reduced argument exact enough for the polynomial.
    var r = v.addingProduct(n, Vec(repeating: -0.693359375))
    r = r.addingProduct(n, Vec(repeating: 2.12194440e-4))
    // Minimax polynomial for e^r on [-ln2/2, ln2/2] (Cephes expf coefficients, a published fact).
    var p = Vec(repeating: 1.9875691500e-4)
    p = Vec(repeating: 1.3981999507e-3).addingProduct(p, r)
    p = Vec(repeating: 8.3334519073e-3).addingProduct(p, r)
    p = Vec(repeating: 4.1665795894e-2).addingProduct(p, r)
    p = Vec(repeating: 1.6666665459e-1).addingProduct(p, r)
    p = Vec(repeating: 5.0000001201e-1).addingProduct(p, r)
    let e = (r + 1).addingProduct(p, r * r)
    // 2^23 + 127 + n is an exact float whose low mantissa bits are the biased exponent.
    let biased = unsafeBitCast(n + 8_388_735, to: SIMD16<UInt32>.self) &- 0x4B00_0000
    return e * unsafeBitCast(biased &* (1 << 23), to: Vec.self)
}
