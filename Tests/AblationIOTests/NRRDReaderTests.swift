import Foundation
import Testing
@testable import AblationIO

@Suite("NRRD reader")
struct NRRDReaderTests {
    @Test func rawUInt8InRASKeepsValuesAndAffine() throws {
        let values = (0..<60).map { UInt8($0) }
        let file = nrrdFile(nrrdLines(sizes: [3, 4, 5], directions: "(2,0,0) (0,3,0) (0,0,4)", origin: "(10,20,30)"), payload: Data(values))
        let v = try NRRDReader.decode(file, maxVoxels: 1000)
        #expect(v.nx == 3 && v.ny == 4 && v.nz == 5 && v.layerCount == 1)
        #expect(v.space == .rightAnteriorSuperior && v.datatype == .uint8 && v.segments.isEmpty)
        #expect(v.affine == [[2, 0, 0, 10], [0, 3, 0, 20], [0, 0, 4, 30], [0, 0, 0, 1]])
        let layer = v.layer(0)
        // x fastest: voxel (i, j, k) holds i + 3 (j + 4 k), as written.
        #expect(layer.values == values.map(Float.init))
        #expect(layer.values[2 + 3 * (1 + 4 * 3)] == Float(2 + 3 * (1 + 4 * 3)))
        #expect(layer.affine == v.affine)
    }

    /// LPS to RAS negates x and y of every direction and of the origin (rows, not columns), which an
    /// oblique, flipped file distinguishes: the reference maps the LPS point by hand.
    @Test func lpsBecomesRASThroughRowsOfTheAffine() throws {
        let d0 = SIMD3<Double>(0.6, 0.8, 0), d1 = SIMD3<Double>(-1.6, 1.2, 0), d2 = SIMD3<Double>(0, 0, -1.5)
        let origin = SIMD3<Double>(12.5, -40, 7)
        let file = nrrdFile(nrrdLines(sizes: [2, 3, 4], space: "left-posterior-superior",
                                      directions: "(0.6,0.8,0) (-1.6, 1.2, 0) (0,0,-1.5)", origin: "(12.5,-40,7)"),
                            payload: Data(count: 24))
        let v = try NRRDReader.decode(file, maxVoxels: 1000)
        #expect(v.space == .leftPosteriorSuperior)
        for (i, j, k) in [(0, 0, 0), (1, 2, 3), (1, 0, 2)] {
            let lps = origin + Double(i) * d0 + Double(j) * d1 + Double(k) * d2
            let ras = SIMD3(-lps.x, -lps.y, lps.z)
            let got = v.layer(0).worldPosition(i: Double(i), j: Double(j), k: Double(k))
            #expect(abs(got.x - ras.x) < 1e-12 && abs(got.y - ras.y) < 1e-12 && abs(got.z - ras.z) < 1e-12, "\(i),\(j),\(k): \(got) vs \(ras)")
        }
        // The abbreviations name the same frames; LAS negates x only.
        let lps = try NRRDReader.decode(nrrdFile(nrrdLines(sizes: [1, 1, 1], space: "LPS", origin: "(1,2,3)"), payload: Data([0])), maxVoxels: 1)
        #expect(lps.affine == [[-1, 0, 0, -1], [0, -1, 0, -2], [0, 0, 1, 3], [0, 0, 0, 1]])
        let ras = try NRRDReader.decode(nrrdFile(nrrdLines(sizes: [1, 1, 1], space: "RAS", origin: "(1,2,3)"), payload: Data([0])), maxVoxels: 1)
        #expect(ras.affine == [[1, 0, 0, 1], [0, 1, 0, 2], [0, 0, 1, 3], [0, 0, 0, 1]])
        let las = try NRRDReader.decode(nrrdFile(nrrdLines(sizes: [1, 1, 1], space: "left-anterior-superior", origin: "(1,2,3)"), payload: Data([0])), maxVoxels: 1)
        #expect(las.affine == [[-1, 0, 0, -1], [0, 1, 0, 2], [0, 0, 1, 3], [0, 0, 0, 1]])
    }

    @Test func everyTypeInBothByteOrdersRawAndGzip() throws {
        func check<T: FixedWidthInteger>(_ names: [String], _ values: [T]) throws {
            for name in names {
                for bigEndian in [false, true] {
                    for gzip in [false, true] {
                        let raw = bytes(values, bigEndian: bigEndian)
                        let file = nrrdFile(nrrdLines(type: name, sizes: [values.count, 1, 1], encoding: gzip ? "gzip" : "raw",
                                                      endian: bigEndian ? "big" : "little"),
                                            payload: gzip ? try Gzip.compress(raw) : raw)
                        let v = try NRRDReader.decode(file, maxVoxels: 100)
                        #expect(v.layer(0).values == values.map { Float($0) }, "\(name) big-endian \(bigEndian) gzip \(gzip)")
                    }
                }
            }
        }
        try check(["signed char", "int8", "int8_t"], [0, 1, -1, 127, -128] as [Int8])
        try check(["uchar", "unsigned char", "uint8", "uint8_t"], [0, 1, 255, 42] as [UInt8])
        try check(["short", "short int", "signed short", "signed short int", "int16", "int16_t"], [0, 3, -3, 32767, -32768] as [Int16])
        try check(["ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t"], [0, 1, 65535, 258] as [UInt16])
        try check(["int", "signed int", "int32", "int32_t"], [0, -7, 2_000_000, -2_147_483_648] as [Int32])
        try check(["uint", "unsigned int", "uint32", "uint32_t"], [0, 7, 16_777_216, 4_294_967_295] as [UInt32])

        let floats: [Float] = [0, -1.5, 3.25, 1e-20]
        let doubles: [Double] = [0, -2.5, 1e10, 0.1]
        for bigEndian in [false, true] {
            let f = nrrdFile(nrrdLines(type: "float", sizes: [4, 1, 1], endian: bigEndian ? "big" : "little"),
                             payload: bytes(floats.map(\.bitPattern), bigEndian: bigEndian))
            #expect(try NRRDReader.decode(f, maxVoxels: 10).layer(0).values == floats)
            let d = nrrdFile(nrrdLines(type: "double", sizes: [4, 1, 1], endian: bigEndian ? "big" : "little"),
                             payload: bytes(doubles.map(\.bitPattern), bigEndian: bigEndian))
            #expect(try NRRDReader.decode(d, maxVoxels: 10).layer(0).values == doubles.map { Float($0) })
        }
        // One-byte types need no endian field.
        let noEndian = nrrdFile(nrrdLines(type: "uchar", sizes: [2, 1, 1], endian: nil), payload: Data([4, 5]))
        #expect(try NRRDReader.decode(noEndian, maxVoxels: 10).layer(0).values == [4, 5])
    }

    /// 3D Slicer's layered segmentation: sizes "layers nx ny nz", kinds "list domain domain domain",
    /// direction "none" for the list axis, and the segment table in key/value pairs.
    @Test func layeredSegmentationGivesEachLayerAndTheSegmentTable() throws {
        let (layers, nx, ny, nz) = (2, 3, 2, 2)
        var samples = [UInt8](repeating: 0, count: layers * nx * ny * nz)
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let voxel = i + nx * (j + ny * k)
            samples[0 + layers * voxel] = UInt8(voxel % 3)         // layer 0: labels 0, 1, 2
            samples[1 + layers * voxel] = voxel == 7 ? 1 : 0       // layer 1: one voxel of label 1
        } } }
        let table = ["Segment0_ID:=Segment_1", "Segment0_Name:=Liver", "Segment0_LabelValue:=1", "Segment0_Layer:=0",
                     "Segment0_Color:=0.5 0.6 0.7", "Segment1_ID:=Segment_2", "Segment1_Name:=Tumor", "Segment1_LabelValue:=1",
                     "Segment1_Layer:=1", "Segment2_ID:=Segment_3", "Segment2_Name:=Left\\nlobe \\\\ 2", "Segment2_LabelValue:=2",
                     "Segment2_Layer:=0", "Segmentation_MasterRepresentation:=Binary labelmap"]
        let lines = nrrdLines(type: "unsigned char", sizes: [layers, nx, ny, nz], encoding: "gzip", space: "left-posterior-superior",
                              directions: "none (0,1.5,0) (-2,0,0) (0,0,3)", origin: "(-10,4,-6)",
                              kinds: "list domain domain domain", extra: table)
        let v = try NRRDReader.decode(nrrdFile(lines, payload: try Gzip.compress(Data(samples))), maxVoxels: 1000)
        #expect(v.nx == nx && v.ny == ny && v.nz == nz && v.layerCount == layers)
        #expect(v.segments == [
            NRRDSegment(index: 0, id: "Segment_1", name: "Liver", labelValue: 1, layer: 0),
            NRRDSegment(index: 1, id: "Segment_2", name: "Tumor", labelValue: 1, layer: 1),
            NRRDSegment(index: 2, id: "Segment_3", name: "Left\nlobe \\ 2", labelValue: 2, layer: 0),
        ])
        #expect(v.keyValues["Segmentation_MasterRepresentation"] == "Binary labelmap")
        #expect(v.layer(0).values == (0..<(nx * ny * nz)).map { Float($0 % 3) })
        #expect(v.layer(1).values == (0..<(nx * ny * nz)).map { $0 == 7 ? 1 : 0 })
        // Spatial axes are columns in file order; LPS negates rows x and y.
        #expect(v.affine == [[0, 2, 0, 10], [-1.5, 0, 0, -4], [0, 0, 3, -6], [0, 0, 0, 1]])
    }

    @Test func listAxisMayComeLast() throws {
        let (nx, ny, nz) = (2, 2, 3)
        let count = nx * ny * nz
        // File order with the list axis slowest: layer 0 holds v, layer 1 holds 10 + v.
        let samples = (0..<count).map { Int16($0) } + (0..<count).map { Int16(10 + $0) }
        let lines = nrrdLines(type: "short", sizes: [nx, ny, nz, 2], endian: "big",
                              directions: "(1,0,0) (0,1,0) (0,0,1) none", kinds: "domain domain domain list")
        let v = try NRRDReader.decode(nrrdFile(lines, payload: bytes(samples, bigEndian: true)), maxVoxels: 100)
        #expect(v.layerCount == 2 && v.nz == 3)
        #expect(v.layer(0).values == (0..<count).map(Float.init))
        #expect(v.layer(1).values == (0..<count).map { Float(10 + $0) })
    }

    @Test func headerSyntaxVariants() throws {
        // CRLF line ends, comments, field names in any case and spacing, older magic.
        let lines = ["# written by hand", "TYPE: uint8", "Dimension: 3", "Space: RAS", "sizes: 2 1 1", "spacedirections: (1,0,0) (0,1,0) (0,0,1)",
                     "Encoding: raw", "space origin: (0,0,0)", "space units: \"mm\" \"mm\" \"mm\"", "kinds: domain domain domain",
                     "space dimension: 3", "centerings: cell cell cell", "content: anything", "line skip: 0", "byte skip: 0"]
        let v = try NRRDReader.decode(nrrdFile(lines, payload: Data([7, 9]), magic: "NRRD0005", newline: "\r\n"), maxVoxels: 10)
        #expect(v.layer(0).values == [7, 9])
        let old = try NRRDReader.decode(nrrdFile(nrrdLines(sizes: [1, 1, 1]), payload: Data([3]), magic: "NRRD0001"), maxVoxels: 10)
        #expect(old.layer(0).values == [3])
    }

    @Test func readsFromDisk() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("case.seg.nrrd")
        try nrrdFile(nrrdLines(sizes: [2, 2, 1]), payload: Data([0, 1, 1, 0])).write(to: url)
        #expect(try NRRDReader.read(contentsOf: url).layer(0).values == [0, 1, 1, 0])
        let missing = folder.appendingPathComponent("nope.nrrd")
        #expect(throws: NRRDError.self) { try NRRDReader.read(contentsOf: missing) }
    }
}
