import AblationIO
@testable import AblationRun
import Foundation
import Testing

/// Whole runs (preset file -> RunPipeline -> files on disk) whose tumour comes from label maps stored
/// flipped, permuted and oblique, checked against positions worked out here from the affines the
/// test wrote, never from the reader under test.
///
/// The tumour is a rotated, off-centre ellipsoid (no mirror plane parallel to a world axis, so any
/// wrong flip or axis swap paints a different solid). Its material is liver, the background's: the
/// temperature field and so the necrosis are the same in every run, and coverage and margin differ
/// only through which voxels are tumour.
enum OrientedTumour {
    static let centre = SIMD3<Double>(1.3, 0.2, -0.4)
    static let semiAxes = SIMD3<Double>(6.2, 4.1, 3.3)
    /// The ellipsoid's axes: x and y turned 30 degrees about z.
    static let axes = (SIMD3<Double>(0.8660254037844386, 0.5, 0), SIMD3<Double>(-0.5, 0.8660254037844386, 0), SIMD3<Double>(0, 0, 1))
    /// Inside the tumour, 2.2 mm from its centre along x: on a 1 mm grid voxel centre.
    static let source = SIMD3<Double>(3.5, 1.5, -0.5)
    static let gridSpacing = 1.0

    /// The ellipsoid's norm: 1 on its surface. `scale` grows or shrinks every semi-axis.
    static func norm(_ p: SIMD3<Double>, scale: Double = 1) -> Double {
        let d = p - centre
        let local = SIMD3((d * axes.0).sum(), (d * axes.1).sum(), (d * axes.2).sum()) / (semiAxes * scale)
        return (local * local).sum().squareRoot()
    }

    static func shapeJSON(scale: Double = 1) -> String {
        let a = semiAxes * scale
        return """
            {"type": "ellipsoid", "center_mm": [\(centre.x), \(centre.y), \(centre.z)], "semi_axes_mm": [\(a.x), \(a.y), \(a.z)],
             "axes": [[\(axes.0.x), \(axes.0.y), 0], [\(axes.1.x), \(axes.1.y), 0], [0, 0, 1]]}
            """
    }

    /// 28 mm grid centred on the origin (voxel centres at -13.5 ... 13.5 mm), the tumour a target.
    static func preset(_ shape: String) -> String {
        """
        {"ablsim": 1, "name": "oriented", "grid": {"size_mm": [28, 28, 28], "spacing_mm": \(gridSpacing)}, "margin_mm": 1,
         "regions": [{"name": "tumour", "material": "liver", "target": true, "shape": \(shape)}],
         "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [\(source.x), \(source.y), \(source.z)], "radius_mm": 1.5},
                          "schedule": [{"duration_s": 60, "power_w": 2}]}],
         "time": {"cooldown_s": 10}}
        """
    }

    /// A label map on the lattice `world(i, j, k)`, `label` where the voxel centre is in the tumour.
    static func labels(size: (Int, Int, Int), label: UInt8, world: (Int, Int, Int) -> SIMD3<Double>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size.0 * size.1 * size.2)
        for k in 0..<size.2 { for j in 0..<size.1 { for i in 0..<size.0 where norm(world(i, j, k)) <= 1 {
            out[i + size.0 * (j + size.1 * k)] = label
        } } }
        return out
    }

    /// World centroid of the labelled voxels, through the lattice the test wrote.
    static func centroid(_ values: [UInt8], size: (Int, Int, Int), world: (Int, Int, Int) -> SIMD3<Double>) -> SIMD3<Double> {
        var sum = SIMD3<Double>(), n = 0
        for k in 0..<size.2 { for j in 0..<size.1 { for i in 0..<size.0 where values[i + size.0 * (j + size.1 * k)] != 0 {
            sum += world(i, j, k)
            n += 1
        } } }
        return sum / Double(n)
    }
}

/// A NIfTI-1 single file (.nii, uint8) assembled field by field at the offsets nifti1.h gives, so
/// the qform and sform are exactly what the test states.
func niftiBytes(size: (Int, Int, Int), values: [UInt8], pixdim: SIMD3<Float>, qfac: Float,
                qform: (code: Int16, b: Float, c: Float, d: Float, offset: SIMD3<Float>),
                sform: (code: Int16, rows: [[Float]])) -> Data {
    var h = [UInt8](repeating: 0, count: 352)
    func put<T: FixedWidthInteger>(_ v: T, _ at: Int) { withUnsafeBytes(of: v.littleEndian) { for (n, b) in $0.enumerated() { h[at + n] = b } } }
    func put(_ v: Float, _ at: Int) { put(v.bitPattern, at) }
    put(Int32(348), 0)
    for (n, d) in [3, size.0, size.1, size.2, 1, 1, 1, 1].enumerated() { put(Int16(d), 40 + 2 * n) }
    put(Int16(2), 70)  // DT_UNSIGNED_CHAR
    put(Int16(8), 72)
    for (n, p) in [qfac, pixdim.x, pixdim.y, pixdim.z, 1, 1, 1, 1].enumerated() { put(p, 76 + 4 * n) }
    put(Float(352), 108)  // vox_offset
    h[123] = 2  // NIFTI_UNITS_MM
    put(qform.code, 252)
    put(sform.code, 254)
    for (n, v) in [qform.b, qform.c, qform.d, qform.offset.x, qform.offset.y, qform.offset.z].enumerated() { put(v, 256 + 4 * n) }
    for (r, row) in sform.rows.enumerated() { for (c, v) in row.enumerated() { put(v, 280 + 16 * r + 4 * c) } }
    for (n, b) in "n+1\0".utf8.enumerated() { h[344 + n] = b }
    return Data(h + values)
}

/// A run's outputs, read back with the project's NIfTI reader.
struct OrientedRun {
    let summary: [String: Any]
    let labels: NIfTIVolume
    let necrosis: NIfTIVolume

    init(shape: String, in dir: URL, name: String) throws {
        let presetURL = dir.appendingPathComponent("\(name).json")
        try OrientedTumour.preset(shape).write(to: presetURL, atomically: true, encoding: .utf8)
        var pipeline = RunPipeline()
        pipeline.presetPath = presetURL.path
        pipeline.outputDirectory = dir.appendingPathComponent(name).path
        let out = try pipeline.run().directory
        summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        labels = try NIfTIReader.read(contentsOf: out.appendingPathComponent("labels.nii.gz"))
        necrosis = try NIfTIReader.read(contentsOf: out.appendingPathComponent("necrosis.nii.gz"))
    }

    var target: [String: Any] { (summary["targets"] as! [[String: Any]])[0] }
    var coverage: Double { target["coverage_percent"] as! Double }
    var margin: Double { target["min_margin_mm"] as! Double }

    /// Linear indices of the voxels of `volume` that are non-zero.
    static func voxels(_ volume: NIfTIVolume) -> [Int] { volume.values.indices.filter { volume.values[$0] != 0 } }

    /// World centroid of the non-zero voxels, through the file's own affine.
    static func centroid(_ volume: NIfTIVolume) -> SIMD3<Double> {
        let v = voxels(volume)
        let sum = v.reduce(SIMD3<Double>()) { s, n in
            s + volume.worldPosition(i: Double(n % volume.nx), j: Double(n / volume.nx % volume.ny), k: Double(n / (volume.nx * volume.ny)))
        }
        return sum / Double(v.count)
    }

    /// The summary's min_margin_mm by its definition, by brute force over the 28^3 grid of 1 mm: for
    /// a covered tumour the distance from its voxel centres to the nearest non-necrotic one, less one
    /// spacing; otherwise minus the distance from the deepest untreated voxel to the nearest necrotic one.
    static func margin(tumour: Set<Int>, necrotic: Set<Int>) -> Double {
        func centre(_ v: Int) -> SIMD3<Double> { SIMD3(Double(v % 28), Double(v / 28 % 28), Double(v / 784)) }
        func nearest(_ v: Int, among: [Int]) -> Double { among.map { distance(centre(v), centre($0)) }.min() ?? .infinity }
        let untreated = tumour.subtracting(necrotic)
        if untreated.isEmpty {
            let living = (0..<(28 * 28 * 28)).filter { !necrotic.contains($0) }
            return tumour.map { nearest($0, among: living) }.min()! - 1
        }
        let dead = Array(necrotic)
        return -untreated.map { nearest($0, among: dead) }.max()!
    }

    /// The necrosis is a ball about the heat source in a uniform medium: its centroid, through the
    /// output's affine, is the source's position. A quarter voxel allows for the grid's faces (10.5 mm
    /// from the source on one side, 17.5 on the other, along x) breaking the symmetry by a few voxels
    /// of about two hundred.
    func expectNecrosisCentredOnTheSource(sourceLocation: SourceLocation = #_sourceLocation) {
        let c = OrientedRun.centroid(necrosis)
        #expect(OrientedRun.voxels(necrosis).count > 100, sourceLocation: sourceLocation)
        #expect(((c - OrientedTumour.source) * (c - OrientedTumour.source)).sum().squareRoot() < OrientedTumour.gridSpacing / 4,
                "necrosis centroid \(c), source \(OrientedTumour.source)", sourceLocation: sourceLocation)
    }
}

func distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { ((a - b) * (a - b)).sum().squareRoot() }

@Suite(.serialized) struct OrientedLabelMapRunTests {
    /// Label maps on the grid's own lattice (1 mm, voxel centres on half millimetres) but stored
    /// mirrored and with their axes permuted: nearest-neighbour resampling must paint exactly the
    /// voxels the analytic ellipsoid paints, so coverage and margin are those of the analytic run.
    @Test func flippedAndPermutedNIfTIRunAsTheAnalyticTumour() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let analytic = try OrientedRun(shape: OrientedTumour.shapeJSON(), in: dir, name: "analytic")
        #expect(analytic.coverage > 20 && analytic.coverage < 95, "the necrosis should cover part of the tumour: \(analytic.coverage)")
        analytic.expectNecrosisCentredOnTheSource()

        // sform: i toward -x, j toward -y (how ITK-written images are stored), first voxel centre at
        // (11.5, 8.5, -7.5). A decoy qform (identity, origin 0) would place it mirrored: the sform wins.
        let sizeA = (20, 16, 12)
        let worldA = { (i: Int, j: Int, k: Int) in SIMD3<Double>(11.5 - Double(i), 8.5 - Double(j), -7.5 + Double(k)) }
        let labelsA = OrientedTumour.labels(size: sizeA, label: 4, world: worldA)
        try niftiBytes(size: sizeA, values: labelsA, pixdim: SIMD3(1, 1, 1), qfac: 1,
                       qform: (1, 0, 0, 0, SIMD3(0, 0, 0)),
                       sform: (2, [[-1, 0, 0, 11.5], [0, -1, 0, 8.5], [0, 0, 1, -7.5]]))
            .write(to: dir.appendingPathComponent("flipped.nii"))

        // qform only, axes permuted and one reflected (qfac -1): i along +y, j along -z, k along +x.
        // The rotation with columns (0,1,0), (0,0,-1), (-1,0,0) is the quaternion (a, b, c, d) =
        // (1/2, -1/2, -1/2, 1/2) (a = sqrt(1 + trace) / 2, b = (R21 - R12) / 4a, ...); qfac -1 turns
        // its third column to (1,0,0).
        let sizeB = (16, 12, 20)
        let worldB = { (i: Int, j: Int, k: Int) in SIMD3<Double>(-7.5 + Double(k), -6.5 + Double(i), 3.5 - Double(j)) }
        let labelsB = OrientedTumour.labels(size: sizeB, label: 4, world: worldB)
        try niftiBytes(size: sizeB, values: labelsB, pixdim: SIMD3(1, 1, 1), qfac: -1,
                       qform: (1, -0.5, -0.5, 0.5, SIMD3(-7.5, -6.5, 3.5)),
                       sform: (0, [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]))
            .write(to: dir.appendingPathComponent("permuted.nii"))

        for (file, size, values, world) in [("flipped.nii", sizeA, labelsA, worldA), ("permuted.nii", sizeB, labelsB, worldB)] {
            let run = try OrientedRun(shape: #"{"type": "label_map", "path": "\#(file)", "label": 4}"#, in: dir, name: "run-" + file)
            let expected = OrientedTumour.centroid(values, size: size, world: world)
            let painted = OrientedRun.centroid(run.labels)
            #expect(distance(painted, expected) < OrientedTumour.gridSpacing / 4, "\(file): painted \(painted), labelled \(expected)")
            #expect(OrientedRun.voxels(run.labels) == OrientedRun.voxels(analytic.labels), "\(file): painted voxels differ from the analytic ellipsoid's")
            #expect(run.coverage == analytic.coverage && run.margin == analytic.margin,
                    "\(file): coverage \(run.coverage) %, margin \(run.margin) mm; analytic \(analytic.coverage) %, \(analytic.margin) mm")
            run.expectNecrosisCentredOnTheSource()
        }
    }

    /// Rotation about z then x (radians): a matrix of columns, rows[r][c].
    static func rotation(z: Double, x: Double) -> [[Double]] {
        let (cz, sz, cx, sx) = (cos(z), sin(z), cos(x), sin(x))
        // Rz * Rx
        return [[cz, -sz * cx, sz * sx], [sz, cz * cx, -cz * sx], [0, sx, cx]]
    }

    /// Rotation about y then z (radians).
    static func rotation(y: Double, z: Double) -> [[Double]] {
        let (cy, sy, cz, sz) = (cos(y), sin(y), cos(z), sin(z))
        // Ry * Rz
        return [[cy * cz, -cy * sz, sy], [sz, cz, 0], [-sy * cz, sy * sz, cy]]
    }

    /// Label maps on turned lattices (a NIfTI sform and a NRRD in LPS), finer than the grid: a grid
    /// voxel is painted when the label-map voxel holding its centre, at most half that voxel's
    /// diagonal (delta) away, is tumour. The ellipsoid's norm changes by at most delta / (its
    /// shortest semi-axis) over delta, so every painted voxel lies in the ellipsoid grown by that
    /// fraction and every voxel of the ellipsoid shrunk by it is painted; coverage and margin must
    /// lie between what those two analytic tumours allow. Exactly, they are those of the voxels the
    /// test resamples itself from the rotation it chose.
    @Test func obliqueNIfTIAndNRRDRunBetweenTheShrunkAndGrownTumour() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let deg = Double.pi / 180

        // NIfTI: sform = R diag(0.5, 0.6, 0.4) with R = Rz(25) Rx(-35), origin off the tumour's centre.
        let sizeC = (33, 28, 41), spacingC = SIMD3<Double>(0.5, 0.6, 0.4)
        let rC = Self.rotation(z: 25 * deg, x: -35 * deg)
        let halfC = spacingC * SIMD3(Double(sizeC.0 - 1), Double(sizeC.1 - 1), Double(sizeC.2 - 1)) / 2
        var originC = OrientedTumour.centre + SIMD3(0.17, -0.23, 0.11)
        for r in 0..<3 { originC[r] -= (0..<3).reduce(0.0) { $0 + rC[r][$1] * halfC[$1] } }
        // The float32 values the file holds place the voxels; the test uses the same.
        let rowsC: [[Float]] = (0..<3).map { r in (0..<3).map { Float(rC[r][$0] * spacingC[$0]) } + [Float(originC[r])] }
        let worldC = { (i: Int, j: Int, k: Int) -> SIMD3<Double> in
            let v = SIMD3<Double>(Double(i), Double(j), Double(k))
            return SIMD3((0..<3).map { r in (0..<3).reduce(Double(rowsC[r][3])) { $0 + Double(rowsC[r][$1]) * v[$1] } })
        }
        let labelsC = OrientedTumour.labels(size: sizeC, label: 6, world: worldC)
        try niftiBytes(size: sizeC, values: labelsC, pixdim: SIMD3(0.5, 0.6, 0.4), qfac: 1,
                       qform: (0, 0, 0, 0, .zero), sform: (1, rowsC))
            .write(to: dir.appendingPathComponent("oblique.nii"))

        // NRRD in LPS: directions 0.55 mm along the columns of Ry(20) Rz(-40), x and y negated for LPS.
        let nD = 31, spacingD = 0.55
        let rD = Self.rotation(y: 20 * deg, z: -40 * deg)
        var originD = OrientedTumour.centre + SIMD3(-0.21, 0.13, 0.29)
        for r in 0..<3 { originD[r] -= (0..<3).reduce(0.0) { $0 + rD[r][$1] * spacingD * Double(nD - 1) / 2 } }
        let worldD = { (i: Int, j: Int, k: Int) -> SIMD3<Double> in
            let v = SIMD3<Double>(Double(i), Double(j), Double(k)) * spacingD
            return originD + SIMD3((0..<3).map { r in (0..<3).reduce(0.0) { $0 + rD[r][$1] * v[$1] } })
        }
        let labelsD = OrientedTumour.labels(size: (nD, nD, nD), label: 2, world: worldD)
        let lps = SIMD3<Double>(-1, -1, 1)
        func vector(_ v: SIMD3<Double>) -> String { "(" + (0..<3).map { String(format: "%.17g", v[$0]) }.joined(separator: ",") + ")" }
        let directions = (0..<3).map { c in vector(lps * SIMD3(rD[0][c], rD[1][c], rD[2][c]) * spacingD) }.joined(separator: " ")
        let header = """
            NRRD0004
            type: uint8
            dimension: 3
            space: left-posterior-superior
            sizes: \(nD) \(nD) \(nD)
            space directions: \(directions)
            kinds: domain domain domain
            encoding: raw
            space origin: \(vector(lps * originD))


            """
        try (Data(header.utf8) + Data(labelsD)).write(to: dir.appendingPathComponent("oblique.nrrd"))

        let delta = max(0.5 * (spacingC * spacingC).sum().squareRoot(), 0.5 * 3.0.squareRoot() * spacingD)
        let slack = delta / OrientedTumour.semiAxes.min()
        let analytic = try OrientedRun(shape: OrientedTumour.shapeJSON(), in: dir, name: "analytic")
        let shrunk = try OrientedRun(shape: OrientedTumour.shapeJSON(scale: 1 - slack), in: dir, name: "shrunk")
        let grown = try OrientedRun(shape: OrientedTumour.shapeJSON(scale: 1 + slack), in: dir, name: "grown")
        let inner = Set(OrientedRun.voxels(shrunk.labels)), outer = Set(OrientedRun.voxels(grown.labels))
        let necrotic = Set(OrientedRun.voxels(analytic.necrosis))
        // Coverage of a tumour T with inner <= T <= outer: least when T adds only living ring voxels,
        // most when it adds only necrotic ones.
        let ring = outer.subtracting(inner)
        let coveredInner = Double(inner.intersection(necrotic).count)
        let ringDead = Double(ring.intersection(necrotic).count), ringLiving = Double(ring.count) - ringDead
        let least = 100 * coveredInner / (Double(inner.count) + ringLiving)
        let most = 100 * (coveredInner + ringDead) / (Double(inner.count) + ringDead)
        #expect(shrunk.margin > grown.margin && least < analytic.coverage && analytic.coverage < most)

        // Index of the label-map voxel holding world point p: R^T (p - origin), per axis over the spacing.
        let indexC = { (p: SIMD3<Double>) -> SIMD3<Double> in
            let d = p - originC
            return SIMD3((0..<3).map { c in (0..<3).reduce(0.0) { $0 + rC[$1][c] * d[$1] } }) / spacingC
        }
        let indexD = { (p: SIMD3<Double>) -> SIMD3<Double> in
            let d = p - originD
            return SIMD3((0..<3).map { c in (0..<3).reduce(0.0) { $0 + rD[$1][c] * d[$1] } }) / spacingD
        }
        let cases: [(String, (Int, Int, Int), [UInt8], (Int, Int, Int) -> SIMD3<Double>, (SIMD3<Double>) -> SIMD3<Double>)] = [
            (#"{"type": "label_map", "path": "oblique.nii", "label": 6}"#, sizeC, labelsC, worldC, indexC),
            (#"{"type": "label_map", "path": "oblique.nrrd", "label": 2}"#, (nD, nD, nD), labelsD, worldD, indexD),
        ]
        for (n, (shape, size, values, world, index)) in cases.enumerated() {
            let run = try OrientedRun(shape: shape, in: dir, name: "oblique-\(n)")
            let expected = OrientedTumour.centroid(values, size: size, world: world)
            let painted = OrientedRun.centroid(run.labels)
            #expect(distance(painted, expected) < OrientedTumour.gridSpacing / 4, "\(shape): painted \(painted), labelled \(expected)")
            let voxels = Set(OrientedRun.voxels(run.labels))
            #expect(inner.isSubset(of: voxels) && voxels.isSubset(of: outer),
                    "\(shape): \(inner.subtracting(voxels).count) voxels of the shrunk tumour unpainted, \(voxels.subtracting(outer).count) painted outside the grown one")
            // Exactly: the voxels whose centre falls in a tumour voxel of the label map (nearest
            // neighbour, worked out here from the rotation the test chose), then coverage and margin
            // by their definitions (docs/preset-format.md) from that tumour and the run's necrosis.
            var resampled = Set<Int>()
            for v in 0..<(28 * 28 * 28) {
                let q = index(SIMD3(-13.5 + Double(v % 28), -13.5 + Double(v / 28 % 28), -13.5 + Double(v / 784))).rounded(.toNearestOrAwayFromZero)
                let (a, b, c) = (Int(q.x), Int(q.y), Int(q.z))
                if a >= 0, b >= 0, c >= 0, a < size.0, b < size.1, c < size.2, values[a + size.0 * (b + size.1 * c)] != 0 { resampled.insert(v) }
            }
            #expect(!voxels.isEmpty && voxels.symmetricDifference(resampled).isEmpty, "\(shape): \(voxels.symmetricDifference(resampled).count) voxels differ from nearest-neighbour resampling")
            let dead = Set(OrientedRun.voxels(run.necrosis))
            let coverage = 100 * Double(voxels.intersection(dead).count) / Double(voxels.count)
            #expect(abs(run.coverage - coverage) <= 5e-6 * coverage, "\(shape): coverage \(run.coverage) %, expected \(coverage) (summary: 6 digits)")
            #expect(abs(run.margin - OrientedRun.margin(tumour: voxels, necrotic: dead)) <= 5e-6 * abs(run.margin), "\(shape): margin \(run.margin) mm")
            // The bounds assume the necrosis does not depend on the tumour's voxels (same material).
            #expect(run.necrosis.values == analytic.necrosis.values)
            #expect(run.coverage >= least - 1e-9 && run.coverage <= most + 1e-9, "\(shape): coverage \(run.coverage) %, bounds \(least)...\(most)")
            #expect(run.margin >= grown.margin && run.margin <= shrunk.margin, "\(shape): margin \(run.margin) mm, bounds \(grown.margin)...\(shrunk.margin)")
            run.expectNecrosisCentredOnTheSource()
        }
    }
}
