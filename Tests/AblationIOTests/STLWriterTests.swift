import Foundation
import Testing
@testable import AblationIO

typealias Triangle = (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)

/// Triangles of an axis-aligned box, counter-clockwise seen from outside.
func boxTriangles(min o: SIMD3<Double>, size s: SIMD3<Double>) -> [Triangle] {
    var v: [SIMD3<Double>] = []
    for n in 0..<8 {
        let corner = SIMD3<Double>(Double(n & 1), Double((n >> 1) & 1), Double((n >> 2) & 1))
        v.append(o + corner * s)
    }
    let quads = [(0, 2, 3, 1), (4, 5, 7, 6), (0, 1, 5, 4), (2, 6, 7, 3), (0, 4, 6, 2), (1, 3, 7, 5)]
    var out: [Triangle] = []
    for q in quads {
        out.append((v[q.0], v[q.1], v[q.2]))
        out.append((v[q.0], v[q.2], v[q.3]))
    }
    return out
}

struct ParsedSTLTriangle {
    var normal: SIMD3<Float>
    var vertices: [SIMD3<Float>]
    var attribute: UInt16
}

func parseSTL(_ d: Data) -> (header: [UInt8], triangles: [ParsedSTLTriangle]) {
    let count = Int(UInt32(bitPattern: d.int32LE(at: 80)))
    var tris: [ParsedSTLTriangle] = []
    for t in 0..<count {
        let base = 84 + 50 * t
        func vec(_ k: Int) -> SIMD3<Float> {
            SIMD3(d.floatLE(at: base + 12 * k), d.floatLE(at: base + 12 * k + 4), d.floatLE(at: base + 12 * k + 8))
        }
        let attribute = UInt16(d[base + 48]) | UInt16(d[base + 49]) << 8
        tris.append(ParsedSTLTriangle(normal: vec(0), vertices: [vec(1), vec(2), vec(3)], attribute: attribute))
    }
    return ([UInt8](d.prefix(80)), tris)
}

@Suite("STL writer")
struct STLWriterTests {
    @Test func cubeNormalsPointOutward() throws {
        let centre = SIMD3<Double>(12, -3, 40)
        let tris = boxTriangles(min: centre - 5, size: SIMD3(10, 10, 10))
        let data = try STLWriter.data(triangles: tris, header: "ablation zone, world RAS+ mm")
        #expect(data.count == 84 + 50 * 12)
        let parsed = parseSTL(data)
        #expect(parsed.triangles.count == 12)
        for t in parsed.triangles {
            let n = SIMD3<Double>(t.normal)
            #expect(abs((n * n).sum().squareRoot() - 1) < 1e-6)
            let centroid = SIMD3<Double>(t.vertices[0] + t.vertices[1] + t.vertices[2]) / 3
            #expect(((centroid - centre) * n).sum() > 0)
            // Each face normal is a coordinate axis.
            #expect(n.x.magnitude + n.y.magnitude + n.z.magnitude > 0.999999)
            #expect(t.attribute == 0)
        }
        // Vertices are written as given, in Float32.
        for (t, original) in zip(parsed.triangles, tris) {
            #expect(t.vertices == [SIMD3<Float>(original.0), SIMD3<Float>(original.1), SIMD3<Float>(original.2)])
        }
    }

    @Test func tetrahedronNormalsPointOutward() throws {
        let p: [SIMD3<Double>] = [SIMD3(0, 0, 0), SIMD3(3, 0, 0), SIMD3(0, 4, 0), SIMD3(0, 0, 5)]
        // Counter-clockwise seen from outside.
        let tris: [Triangle] = [(p[0], p[2], p[1]), (p[0], p[1], p[3]), (p[0], p[3], p[2]), (p[1], p[2], p[3])]
        let parsed = parseSTL(try STLWriter.data(triangles: tris, header: "tetra"))
        let centroid = (p[0] + p[1] + p[2] + p[3]) / 4
        for t in parsed.triangles {
            let faceCentre = SIMD3<Double>(t.vertices[0] + t.vertices[1] + t.vertices[2]) / 3
            #expect(((faceCentre - centroid) * SIMD3<Double>(t.normal)).sum() > 0)
        }
        #expect(parsed.triangles[0].normal == SIMD3(0, 0, -1))
        // Slanted face: normal of x/3 + y/4 + z/5 = 1 is (1/3, 1/4, 1/5) normalised.
        let expected = SIMD3<Double>(1.0 / 3, 1.0 / 4, 1.0 / 5)
        let unit = expected / (expected * expected).sum().squareRoot()
        let got = SIMD3<Double>(parsed.triangles[3].normal)
        #expect(((got - unit) * (got - unit)).sum() < 1e-12)
    }

    @Test func degenerateTriangleGetsZeroNormal() throws {
        let a = SIMD3<Double>(1, 2, 3)
        let tris: [Triangle] = [(a, a, a), (a, a + SIMD3(1, 0, 0), a + SIMD3(2, 0, 0))]
        let parsed = parseSTL(try STLWriter.data(triangles: tris, header: "x"))
        #expect(parsed.triangles.map(\.normal) == [.zero, .zero])
    }

    @Test func headerIsPaddedTruncatedAndNeverStartsWithSolid() throws {
        let short = parseSTL(try STLWriter.data(triangles: [], header: "ablsim")).header
        #expect(short.count == 80)
        #expect(String(decoding: short, as: UTF8.self) == "ablsim" + String(repeating: " ", count: 74))

        let long = parseSTL(try STLWriter.data(triangles: [], header: String(repeating: "abc", count: 40))).header
        #expect(String(decoding: long, as: UTF8.self) == String(String(repeating: "abc", count: 40).prefix(80)))

        for text in ["solid zone", "SOLID", "   solid", "solidity"] {
            let header = String(decoding: parseSTL(try STLWriter.data(triangles: [], header: text)).header, as: UTF8.self)
            #expect(!header.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("solid"))
            #expect(header.contains(text))
        }
        let unicode = parseSTL(try STLWriter.data(triangles: [], header: "zone 5°C\n")).header
        #expect(unicode.allSatisfy { (0x20...0x7E).contains($0) })
    }

    @Test func fileSizeIs84Plus50N() throws {
        for n in [0, 1, 7, 1000] {
            let tris = (0..<n).map { i -> Triangle in
                let o = SIMD3<Double>(Double(i), 0, 0)
                return (o, o + SIMD3(1, 0, 0), o + SIMD3(0, 1, 0))
            }
            let data = try STLWriter.data(triangles: tris, header: "n")
            #expect(data.count == 84 + 50 * n)
            #expect(Int(data.int32LE(at: 80)) == n)
        }
    }

    @Test func rejectsNonFiniteVertices() {
        let ok = SIMD3<Double>(0, 0, 0)
        #expect(throws: STLError.nonFiniteVertex(triangle: 1, vertex: 2)) {
            try STLWriter.data(triangles: [(ok, ok, ok), (ok, ok, SIMD3(0, .nan, 0))], header: "")
        }
        #expect(throws: STLError.nonFiniteVertex(triangle: 0, vertex: 0)) {
            try STLWriter.data(triangles: [(SIMD3(1e300, 0, 0), ok, ok)], header: "")
        }
    }
}
