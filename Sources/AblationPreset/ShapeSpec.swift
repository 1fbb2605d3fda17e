import AblationGrid
import AblationJSON
import AblationKernels

/// A shape as the preset states it; `makeShape` turns it into geometry.
public enum ShapeSpec: Sendable, Equatable {
    case sphere(center: SIMD3<Double>, radius: Double)
    case ellipsoid(center: SIMD3<Double>, semiAxes: SIMD3<Double>, axes: [SIMD3<Double>])
    case cylinder(start: SIMD3<Double>, end: SIMD3<Double>, radius: Double)
    case box(min: SIMD3<Double>, max: SIMD3<Double>)
    /// A segmentation: the voxels of a NIfTI or NRRD label map with one label value, or one segment
    /// of a 3D Slicer .seg.nrrd.
    case labelMap(LabelMapShape)

    public static func == (a: ShapeSpec, b: ShapeSpec) -> Bool {
        switch (a, b) {
        case let (.sphere(c1, r1), .sphere(c2, r2)): return c1 == c2 && r1 == r2
        case let (.ellipsoid(c1, s1, a1), .ellipsoid(c2, s2, a2)): return c1 == c2 && s1 == s2 && a1 == a2
        case let (.cylinder(s1, e1, r1), .cylinder(s2, e2, r2)): return s1 == s2 && e1 == e2 && r1 == r2
        case let (.box(l1, h1), .box(l2, h2)): return l1 == l2 && h1 == h2
        case let (.labelMap(m1), .labelMap(m2)): return m1.path == m2.path && m1.label == m2.label && m1.segmentName == m2.segmentName
        default: return false
        }
    }

    public func makeShape() -> any Shape {
        switch self {
        case let .sphere(c, r): return Sphere(centerMM: c, radiusMM: r)
        case let .ellipsoid(c, s, a): return Ellipsoid(centerMM: c, semiAxesMM: s, axes: (a[0], a[1], a[2]))
        case let .cylinder(s, e, r): return Cylinder(startMM: s, endMM: e, radiusMM: r)
        case let .box(lo, hi): return Box(minMM: lo, maxMM: hi)
        case let .labelMap(m): return m
        }
    }

    public var center: SIMD3<Double> {
        switch self {
        case let .sphere(c, _), let .ellipsoid(c, _, _): return c
        case let .cylinder(s, e, _): return (s + e) / 2
        case let .box(lo, hi): return (lo + hi) / 2
        case let .labelMap(m): return (m.boundingBoxMM.0 + m.boundingBoxMM.1) / 2
        }
    }

    static let types = ["sphere", "ellipsoid", "cylinder", "box"]

    public static func decode(_ value: JSONValue, path: String, baseDirectory: String? = nil) throws(PresetError) -> ShapeSpec {
        var r = try JSONObjectReader(value, path: path)
        let type = try r.string("type", oneOf: types + ["label_map"])
        let spec: ShapeSpec
        switch type {
        case "sphere":
            spec = .sphere(center: try r.vector3("center_mm"), radius: try r.number("radius_mm", .positive))
        case "ellipsoid":
            let center = try r.vector3("center_mm")
            let semi = try r.vector3("semi_axes_mm", .positive)
            var axes: [SIMD3<Double>] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
            if let list = try r.array("axes", required: false) {
                guard list.count == 3 else {
                    throw PresetError(path: r.child("axes"), "got \(list.count) axes; expected 3 orthonormal vectors [[x,y,z],[x,y,z],[x,y,z]]")
                }
                axes = []
                for (n, item) in list.enumerated() { axes.append(try JSONObjectReader.vector3(item, path: "\(r.child("axes")).\(n)")) }
                for a in 0..<3 {
                    let len = (axes[a] * axes[a]).sum().squareRoot()
                    guard abs(len - 1) < 1e-3 else {
                        throw PresetError(path: "\(r.child("axes")).\(a)", "has length \(len); expected a unit vector")
                    }
                    for b in (a + 1)..<3 where abs((axes[a] * axes[b]).sum()) > 1e-3 {
                        throw PresetError(path: r.child("axes"), "axes \(a) and \(b) are not perpendicular; expected an orthonormal set")
                    }
                }
            }
            spec = .ellipsoid(center: center, semiAxes: semi, axes: axes)
        case "cylinder":
            let start = try r.vector3("start_mm"), end = try r.vector3("end_mm")
            let radius = try r.number("radius_mm", .positive)
            guard ((end - start) * (end - start)).sum() > 1e-12 else {
                throw PresetError(path: r.child("end_mm"), "equals start_mm; expected a cylinder of non-zero length")
            }
            spec = .cylinder(start: start, end: end, radius: radius)
        case "box":
            let lo = try r.vector3("min_mm"), hi = try r.vector3("max_mm")
            guard all(hi .> lo) else {
                throw PresetError(path: r.child("max_mm"), "must exceed min_mm on every axis")
            }
            spec = .box(min: lo, max: hi)
        default:
            let (file, label, segment) = try labelMapKeys(&r)
            spec = .labelMap(try LabelMapShape.load(path: file, label: label, segment: segment, baseDirectory: baseDirectory, jsonPath: path))
        }
        try r.finish()
        return spec
    }

    /// `path` and the optional `label` and `segment` of a label map (`label_map` shapes,
    /// `reference_zone`); which of label and segment the file needs is decided once it is read.
    /// Unknown keys are refused here, before the file is read.
    static func labelMapKeys(_ r: inout JSONObjectReader) throws(PresetError) -> (path: String, label: Int?, segment: String?) {
        let file = try r.string("path")
        guard !file.isEmpty else { throw PresetError(path: r.child("path"), "is empty; expected the path of \(LabelMapFile.fileKinds)") }
        let label = r.value("label") == nil ? nil : try r.integer("label", .range(-2_147_483_648, 2_147_483_647))
        let segment = r.value("segment") == nil ? nil : try r.string("segment")
        if segment?.isEmpty == true { throw PresetError(path: r.child("segment"), "is empty; expected the name of a segment of a 3D Slicer .seg.nrrd") }
        try r.finish()
        return (file, label, segment)
    }

    /// The radius of a cylinder (mm), nil for other shapes.
    public var cylinderRadiusMM: Double? {
        if case let .cylinder(_, _, r) = self { return r } else { return nil }
    }

    public func json() -> JSONValue {
        func v(_ p: SIMD3<Double>) -> JSONValue { .array([.number(p.x), .number(p.y), .number(p.z)]) }
        switch self {
        case let .sphere(c, r): return ["type": "sphere", "center_mm": v(c), "radius_mm": .number(r)]
        case let .ellipsoid(c, s, a):
            return ["type": "ellipsoid", "center_mm": v(c), "semi_axes_mm": v(s), "axes": .array(a.map(v))]
        case let .cylinder(s, e, r): return ["type": "cylinder", "start_mm": v(s), "end_mm": v(e), "radius_mm": .number(r)]
        case let .box(lo, hi): return ["type": "box", "min_mm": v(lo), "max_mm": v(hi)]
        case let .labelMap(m): return .object([("type", "label_map")] + m.selectionJSON())
        }
    }
}
