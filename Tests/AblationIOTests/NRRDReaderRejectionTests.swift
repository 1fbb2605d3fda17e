import AblationRandom
import Foundation
import Testing
@testable import AblationIO

@Suite("NRRD reader rejects bad input")
struct NRRDReaderRejectionTests {
    let payload = Data(count: 8)

    func lines(replacing name: String, with line: String?) -> [String] {
        let base = nrrdLines(sizes: [2, 2, 2])
        let kept = base.filter { !$0.hasPrefix(name + ":") }
        precondition(kept.count == base.count - 1, "no field \(name)")
        return kept + (line.map { [$0] } ?? [])
    }

    @Test func notNRRDAtAll() {
        #expect(nrrdError(Data()) == .notNRRD(start: "\"\""))
        #expect(nrrdError(Data("hello world".utf8)) == .notNRRD(start: "\"hello wo\""))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2]), payload: payload, magic: "NRRD0009")) == .notNRRD(start: "\"NRRD0009\""))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2]), payload: payload, magic: "NRRD0004x")) == .notNRRD(start: "\"NRRD0004x\""))
        // A NIfTI or gzip file handed to the NRRD reader: binary bytes are escaped in the message.
        let error = nrrdError(Data([0x1F, 0x8B, 0x08, 0x00, 0x41, 0x42, 0x43, 0x44, 0x45]))
        #expect(error?.description.hasPrefix("not a NRRD file: it starts with \"\\u{1f}") == true, "\(String(describing: error))")
    }

    @Test func headerStructure() {
        let huge = "# " + String(repeating: "a", count: NRRDHeader.maxBytes)
        #expect(nrrdError(nrrdFile([huge] + nrrdLines(sizes: [2, 2, 2]), payload: payload)) == .headerTooLong(limitBytes: 1 << 20))
        // A megabyte of binary without a newline is refused after reading the limit.
        #expect(nrrdError(Data("NRRD0004\n".utf8) + Data(repeating: 0x41, count: (1 << 20) + 10)) == .headerTooLong(limitBytes: 1 << 20))
        let headerOnly = Data((["NRRD0004"] + nrrdLines(sizes: [2, 2, 2])).joined(separator: "\n").utf8)
        #expect(nrrdError(headerOnly) == .noAttachedData)
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], extra: ["data file: case.raw.gz"]), payload: Data())) == .detachedData(file: "case.raw.gz"))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], extra: ["datafile: LIST"]), payload: Data())) == .detachedData(file: "LIST"))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], extra: ["sizes 3 3 3"]), payload: payload))
                == .malformedLine(line: 10, text: "\"sizes 3 3 3\""))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], extra: [": value"]), payload: payload)) == .malformedLine(line: 10, text: "\": value\""))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], extra: [":=value"]), payload: payload)) == .malformedLine(line: 10, text: "\":=value\""))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], extra: ["Type: uint8"]), payload: payload)) == .duplicateField("Type"))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], extra: ["a:=1", "a:=2"]), payload: payload)) == .duplicateField("a"))
    }

    @Test func missingFields() {
        #expect(nrrdError(nrrdFile(lines(replacing: "dimension", with: nil), payload: payload)) == .missingField("dimension", expected: "3 or 4"))
        #expect(nrrdError(nrrdFile(lines(replacing: "type", with: nil), payload: payload))
                == .missingField("type", expected: "the voxel type (e.g. uchar, short, float)"))
        #expect(nrrdError(nrrdFile(lines(replacing: "encoding", with: nil), payload: payload)) == .missingField("encoding", expected: "raw or gzip"))
        #expect(nrrdError(nrrdFile(nrrdLines(type: "short", sizes: [2, 2, 2], endian: nil), payload: Data(count: 16)))
                == .missingField("endian", expected: "little or big for int16 voxels"))
        #expect(nrrdError(nrrdFile(lines(replacing: "sizes", with: nil), payload: payload))
                == .missingField("sizes", expected: "3 whole numbers of at least 1, one per axis"))
        if case .missingField("space", _)? = nrrdError(nrrdFile(lines(replacing: "space", with: nil), payload: payload)) {} else {
            Issue.record("missing space not reported")
        }
        if case .missingField("space directions", _)? = nrrdError(nrrdFile(lines(replacing: "space directions", with: nil), payload: payload)) {} else {
            Issue.record("missing space directions not reported")
        }
        if case .missingField("space origin", _)? = nrrdError(nrrdFile(lines(replacing: "space origin", with: nil), payload: payload)) {} else {
            Issue.record("missing space origin not reported")
        }
    }

    @Test func unsupportedTypesEncodingsDimensionsAndSpaces() {
        for type in ["int64", "long long", "uint64", "block", "complex"] {
            #expect(nrrdError(nrrdFile(nrrdLines(type: type, sizes: [2, 2, 2]), payload: payload)) == .unsupportedType(type))
        }
        for encoding in ["ascii", "text", "hex", "bzip2", "zrl"] {
            #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], encoding: encoding), payload: payload)) == .unsupportedEncoding(encoding))
        }
        #expect(nrrdError(nrrdFile(lines(replacing: "dimension", with: "dimension: 2"), payload: payload)) == .unsupportedDimension(2))
        #expect(nrrdError(nrrdFile(lines(replacing: "dimension", with: "dimension: 5"), payload: payload)) == .unsupportedDimension(5))
        #expect(nrrdError(nrrdFile(lines(replacing: "dimension", with: "dimension: three"), payload: payload))
                == .invalidField("dimension", value: "\"three\"", expected: "3 or 4"))
        for space in ["scanner-xyz", "3D-right-handed", "right-anterior-superior-time", "RAI"] {
            #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], space: space), payload: payload)) == .unsupportedSpace(space))
        }
        #expect(nrrdError(nrrdFile(nrrdLines(type: "short", sizes: [2, 2, 2], endian: "middle"), payload: Data(count: 16)))
                == .invalidField("endian", value: "\"middle\"", expected: "little or big"))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], extra: ["line skip: 1"]), payload: payload))
                == .invalidField("line skip", value: "\"1\"", expected: "0 (the voxel data follows the blank line)"))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], extra: ["byteskip: -1"]), payload: payload))
                == .invalidField("byte skip", value: "\"-1\"", expected: "0 (the voxel data follows the blank line)"))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], extra: ["space units: \"m\" \"m\" \"m\""]), payload: payload))
                == .invalidField("space units", value: "\"\"m\" \"m\" \"m\"\"", expected: "\"mm\" \"mm\" \"mm\""))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], extra: ["space dimension: 2"]), payload: payload))
                == .invalidField("space dimension", value: "\"2\"", expected: "3"))
    }

    @Test func badSizesAndAbsurdVolumes() {
        let expected = "3 whole numbers of at least 1, one per axis"
        for text in ["2 2", "2 2 2 2", "2 0 2", "2 -1 2", "2 x 2", "2 2.5 2", ""] {
            #expect(nrrdError(nrrdFile(lines(replacing: "sizes", with: "sizes: \(text)"), payload: payload))
                    == .invalidField("sizes", value: "\"\(text)\"", expected: expected), "\(text)")
        }
        // Over the limit, and a product that overflows 64 bits: refused before any allocation.
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [100, 100, 100]), payload: Data()), maxVoxels: 512 * 512 * 1024)
                == .payloadTooShort(expectedBytes: 1_000_000, availableBytes: 0))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [1024, 1024, 1024]), payload: Data()), maxVoxels: 512 * 512 * 1024)
                == .tooManyVoxels(sizes: [1024, 1024, 1024], limit: 512 * 512 * 1024))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [9_223_372_036_854_775_807, 2, 2]), payload: Data()), maxVoxels: 512 * 512 * 1024)
                == .tooManyVoxels(sizes: [9_223_372_036_854_775_807, 2, 2], limit: 512 * 512 * 1024))
        // The limit counts every layer of a layered segmentation.
        let layered = nrrdLines(sizes: [3, 10, 10, 10], directions: "none (1,0,0) (0,1,0) (0,0,1)", kinds: "list domain domain domain")
        #expect(nrrdError(nrrdFile(layered, payload: Data()), maxVoxels: 2000) == .tooManyVoxels(sizes: [3, 10, 10, 10], limit: 2000))
        #expect(NRRDError.tooManyVoxels(sizes: [3, 10, 10, 10], limit: 2000).description
                == "sizes 3 10 10 10 hold more than 2000 voxels (all layers together), the most a label map may have")
    }

    @Test func badDirectionsOriginAndKinds() {
        let vectors = "vectors (x,y,z) of finite numbers in mm (or none for a non-spatial axis)"
        for text in ["(1,0,0) (0,1,0)", "(1,0,0) (0,1,0) (0,0,1) (1,1,1)"] {
            #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], directions: text), payload: payload))
                    == .invalidField("space directions", value: "\"\(text)\"", expected: "3 entries, one per axis: (x,y,z) vectors in mm, none for the layer axis"))
        }
        for text in ["(1,0) (0,1,0) (0,0,1)", "(nan,0,0) (0,1,0) (0,0,1)", "(inf,0,0) (0,1,0) (0,0,1)", "(1,0,0 (0,1,0) (0,0,1)",
                     "(1,0,0)(0,1,0) (0,0,1)", "[1,0,0] (0,1,0) (0,0,1)", "(1,a,0) (0,1,0) (0,0,1)", "(1,,0) (0,1,0) (0,0,1)"] {
            #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], directions: text), payload: payload))
                    == .invalidField("space directions", value: "\"\(text)\"", expected: vectors), "\(text)")
        }
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], directions: "none (0,1,0) (0,0,1)"), payload: payload))
                == .invalidField("space directions", value: "\"none (0,1,0) (0,0,1)\"", expected: "three (x,y,z) vectors"))
        let twoNone = "none none (0,1,0) (0,0,1)"
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2, 2], directions: twoNone), payload: Data(count: 16)))
                == .invalidField("space directions", value: "\"\(twoNone)\"",
                                 expected: "exactly one axis with direction none (the layers) and three (x,y,z) vectors"))
        if case .invalidAffine? = nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], directions: "(1,0,0) (2,0,0) (0,0,1)"), payload: payload)) {} else {
            Issue.record("dependent directions not refused")
        }
        for origin in ["(1,2)", "(1,2,3) (4,5,6)", "none", "1,2,3", ""] {
            #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], origin: origin), payload: payload)) != nil, "origin \(origin)")
        }
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], origin: "(1,2)"), payload: payload))
                == .invalidField("space origin", value: "\"(1,2)\"", expected: vectors))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], origin: "none"), payload: payload))
                == .invalidField("space origin", value: "\"none\"", expected: "one vector (x,y,z) in mm"))
        let expected3 = "3 kinds, domain or space (domain domain domain)"
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], kinds: "domain domain time"), payload: payload))
                == .invalidField("kinds", value: "\"domain domain time\"", expected: expected3))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], kinds: "domain domain"), payload: payload))
                == .invalidField("kinds", value: "\"domain domain\"", expected: expected3))
        // The list kind must sit on the axis without a direction.
        let misplaced = nrrdLines(sizes: [2, 2, 2, 2], directions: "none (1,0,0) (0,1,0) (0,0,1)", kinds: "domain list domain domain")
        if case .invalidField("kinds", _, _)? = nrrdError(nrrdFile(misplaced, payload: Data(count: 16))) {} else {
            Issue.record("misplaced list kind not refused")
        }
    }

    @Test func payloadsOfTheWrongLength() throws {
        let short = nrrdFile(nrrdLines(type: "short", sizes: [2, 2, 2]), payload: Data(count: 15))
        #expect(nrrdError(short) == .payloadTooShort(expectedBytes: 16, availableBytes: 15))
        let long = nrrdFile(nrrdLines(type: "short", sizes: [2, 2, 2]), payload: Data(count: 17))
        #expect(nrrdError(long) == .payloadTooLong(expectedBytes: 16, availableBytes: 17))
        let empty = nrrdFile(nrrdLines(sizes: [2, 2, 2]), payload: Data())
        #expect(nrrdError(empty) == .payloadTooShort(expectedBytes: 8, availableBytes: 0))

        let gz = try Gzip.compress(Data((0..<8).map { UInt8($0) }))
        #expect(nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], encoding: "gzip"), payload: gz)) == nil)
        let cut = nrrdFile(nrrdLines(sizes: [2, 2, 2], encoding: "gzip"), payload: gz.prefix(gz.count - 6))
        #expect(nrrdError(cut) == .gzipCutShort)
        #expect(NRRDError.gzipCutShort.description == "the gzip voxel data is cut short: the stream ends before its end marker (an incomplete copy or download?)")
        let tooMuch = nrrdFile(nrrdLines(sizes: [2, 2, 1], encoding: "gzip"), payload: gz)
        #expect(nrrdError(tooMuch) == .decompressedTooLong(expectedBytes: 4))
        let tooLittle = nrrdFile(nrrdLines(sizes: [2, 2, 3], encoding: "gzip"), payload: gz)
        #expect(nrrdError(tooLittle) == .payloadTooShort(expectedBytes: 12, availableBytes: 8))
        var corrupt = gz
        corrupt[corrupt.count / 2] ^= 0xFF
        corrupt[corrupt.count / 2 + 1] ^= 0xFF
        let corruptError = nrrdError(nrrdFile(nrrdLines(sizes: [2, 2, 2], encoding: "gzip"), payload: corrupt))
        if case .decompressionFailed? = corruptError {} else { Issue.record("corrupt gzip gave \(String(describing: corruptError))") }
        let notGzip = nrrdFile(nrrdLines(sizes: [2, 2, 2], encoding: "gzip"), payload: Data(count: 8))
        if case .decompressionFailed? = nrrdError(notGzip) {} else { Issue.record("raw bytes declared gzip were accepted") }
    }

    @Test func badSegmentTables() {
        func table(_ entries: [String], layers: Int = 1) -> NRRDError? {
            let lines = layers == 1
                ? nrrdLines(sizes: [2, 2, 2], extra: entries)
                : nrrdLines(sizes: [layers, 2, 2, 2], directions: "none (1,0,0) (0,1,0) (0,0,1)", kinds: "list domain domain domain", extra: entries)
            return nrrdError(nrrdFile(lines, payload: Data(count: 8 * layers)))
        }
        #expect(table(["Segment0_Name:=A", "Segment0_LabelValue:=x"])
                == .invalidSegment(key: "Segment0_LabelValue", value: "\"x\"", expected: "an integer from -2147483648 to 2147483647"))
        #expect(table(["Segment0_Name:=A", "Segment0_LabelValue:=4294967296"])
                == .invalidSegment(key: "Segment0_LabelValue", value: "\"4294967296\"", expected: "an integer from -2147483648 to 2147483647"))
        #expect(table(["Segment0_Name:=A"])
                == .invalidSegment(key: "Segment0_LabelValue", value: "missing", expected: "the voxel value of segment \"A\" (written by 3D Slicer 4.11 and later)"))
        #expect(table(["Segment3_ID:=Segment_9", "Segment3_LabelValue:=1"])
                == .invalidSegment(key: "Segment3_Name", value: "missing", expected: "the name of segment 3 (its ID is \"Segment_9\")"))
        #expect(table(["Segment0_Name:=A", "Segment0_LabelValue:=1", "Segment0_Layer:=1"])
                == .invalidSegment(key: "Segment0_Layer", value: "\"1\"", expected: "a layer from 0 to 0 (the file has 1)"))
        #expect(table(["Segment0_Name:=A", "Segment0_LabelValue:=1", "Segment0_Layer:=2"], layers: 2)
                == .invalidSegment(key: "Segment0_Layer", value: "\"2\"", expected: "a layer from 0 to 1 (the file has 2)"))
        #expect(table(["Segment0_Name:=A", "Segment0_LabelValue:=1"], layers: 2)
                == .invalidSegment(key: "Segment0_Layer", value: "missing", expected: "the layer of segment \"A\", from 0 to 1"))
        #expect(table(["Segment99999999999999999999_Name:=A"])
                == .invalidSegment(key: "Segment99999999999999999999_Name", value: "\"A\"", expected: "a segment number N below 1000000 in SegmentN_Name"))
        // Keys that only look like segment fields, and colours without a segment, are not segments.
        #expect(table(["SegmentX_Name:=A", "Segment0Name:=B", "Segment5_Color:=1 0 0", "Segmentation_ConversionParameters:=x"]) == nil)
    }

    @Test func randomAndMutatedInputNeverCrashes() throws {
        var rng = SplitMix64(seed: 77)
        let valid = nrrdFile(nrrdLines(type: "short", sizes: [4, 1, 2, 2], directions: "none (1,0,0) (0,1,0) (0,0,1)",
                                       kinds: "list domain domain domain",
                                       extra: ["Segment0_Name:=A", "Segment0_LabelValue:=1", "Segment0_Layer:=3"]),
                             payload: Data(count: 32))
        #expect(nrrdError(valid) == nil)
        for round in 0..<300 {
            let garbage = Data("NRRD0004\n".utf8) + randomBytes(Int.random(in: 0...600, using: &rng), using: &rng)
            _ = try? NRRDReader.decode(garbage, maxVoxels: 4096)
            var mutated = valid
            for _ in 0..<(1 + round % 12) {
                let at = Int.random(in: 0..<mutated.count, using: &rng)
                mutated[at] = [UInt8(ascii: "0"), UInt8(ascii: "9"), UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "-"),
                               UInt8(ascii: "("), UInt8(ascii: ","), UInt8.random(in: 0...255, using: &rng)][Int.random(in: 0..<8, using: &rng)]
            }
            do {
                let v = try NRRDReader.decode(mutated, maxVoxels: 4096)
                for n in 0..<v.layerCount { #expect(v.layer(n).values.count == v.nx * v.ny * v.nz) }
            } catch {
                #expect(error is NRRDError, "round \(round): \(error)")
            }
        }
    }
}
