import Foundation

/// Writes binary STL (the format every mesh tool, slicer and CAD package
/// reads): an 80-byte header, a UInt32 triangle count, then per triangle a
/// facet normal, three vertices (all Float32, little-endian) and a UInt16
/// attribute word of 0; `84 + 50 * n` bytes in total.
///
/// Coordinates are written exactly as given (the simulator passes world
/// millimetres); STL has no unit field, so callers state the frame in the
/// header text.
public enum STLWriter {
    public static let headerSize = 80

    public static func data(triangles: [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)], header: String) throws -> Data {
        guard triangles.count <= Int(UInt32.max) else {
            throw STLError.tooManyTriangles(triangles.count)
        }
        for (n, t) in triangles.enumerated() {
            for (v, p) in [t.0, t.1, t.2].enumerated() {
                let f = SIMD3<Float>(p)
                guard p.x.isFinite, p.y.isFinite, p.z.isFinite,
                      f.x.isFinite, f.y.isFinite, f.z.isFinite else {
                    throw STLError.nonFiniteVertex(triangle: n, vertex: v)
                }
            }
        }

        var file = Data(count: 84 + 50 * triangles.count)
        file.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            for (n, byte) in headerBytes(header).enumerated() {
                raw[n] = byte
            }
            raw.storeBytes(of: UInt32(triangles.count).littleEndian, toByteOffset: 80, as: UInt32.self)
            var offset = 84
            func put(_ v: SIMD3<Float>) {
                for c in 0..<3 {
                    raw.storeBytes(of: v[c].bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
                    offset += 4
                }
            }
            for t in triangles {
                put(SIMD3<Float>(normal(t.0, t.1, t.2)))
                put(SIMD3<Float>(t.0))
                put(SIMD3<Float>(t.1))
                put(SIMD3<Float>(t.2))
                // Attribute byte count: 0 (the bytes are already zero).
                offset += 2
            }
        }
        return file
    }

    /// Unit normal by the right-hand rule over the vertex order (counter-
    /// clockwise seen from outside gives an outward normal), or the zero
    /// vector for a degenerate triangle, which STL readers take as "compute
    /// it yourself".
    public static func normal(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) -> SIMD3<Double> {
        let e1 = b - a
        let e2 = c - a
        let n = SIMD3(e1.y * e2.z - e1.z * e2.y,
                      e1.z * e2.x - e1.x * e2.z,
                      e1.x * e2.y - e1.y * e2.x)
        let length = (n * n).sum().squareRoot()
        // Relative test: a sliver whose area is at rounding level of its edge
        // lengths has no meaningful direction.
        let scale = max((e1 * e1).sum(), (e2 * e2).sum())
        guard length.isFinite, length > 0, length > 1e-12 * scale else { return .zero }
        return n / length
    }

    /// The 80 header bytes: printable ASCII only (anything else becomes '?'),
    /// cut or padded with spaces. Text starting with "solid" is prefixed,
    /// because many readers take such a file for ASCII STL and fail.
    static func headerBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = text.unicodeScalars.map { s in
            (0x20...0x7E).contains(s.value) ? UInt8(s.value) : UInt8(ascii: "?")
        }
        let trimmed = bytes.drop(while: { $0 == UInt8(ascii: " ") })
        if trimmed.count >= 5, String(decoding: trimmed.prefix(5), as: UTF8.self).lowercased() == "solid" {
            bytes = Array("binary STL: ".utf8) + bytes
        }
        if bytes.count > headerSize { bytes = Array(bytes.prefix(headerSize)) }
        bytes += [UInt8](repeating: UInt8(ascii: " "), count: headerSize - bytes.count)
        return bytes
    }
}
