import Foundation
import Testing

/// A malformed sweep file and exactly what a user must see; every case also checks that the output
/// folder was not created (nothing runs before every case is valid).
struct HostileSweep: CustomTestStringConvertible, Sendable {
    var name: String
    var sweep: String
    var status: Int32
    var message: String
    init(_ name: String, _ sweep: String, _ status: Int32, _ message: String) {
        self.name = name
        self.sweep = sweep
        self.status = status
        self.message = message
    }
    var testDescription: String { name }
}

private func sweepFile(_ body: String) -> String { "{\"ablsim_sweep\": 1, \"base\": \"base.json\", \(body)}" }

let hostileSweeps: [HostileSweep] = [
    HostileSweep("empty file", "", 65, "s.json is not valid JSON: line 1, column 1: the document is empty; expected a JSON object"),
    HostileSweep("trailing comma", sweepFile("\"axes\": {\"time.cooldown_s\": [1, 2]},"), 65,
                 "s.json is not valid JSON: line 1, column 78: unexpected '}'; expected a key in double quotes"),
    HostileSweep("not an object", "[1, 2]", 65,
                 "the sweep file is an array; expected a JSON object such as {\"ablsim_sweep\": 1, \"base\": \"preset.json\", \"axes\": {...}}"),
    HostileSweep("wrong version", "{\"ablsim_sweep\": 2, \"base\": \"base.json\", \"axes\": {\"time.cooldown_s\": [1]}}", 65,
                 "ablsim_sweep: got 2; expected 1 (the sweep format version)"),
    HostileSweep("misspelt required key", sweepFile("\"axis\": {\"time.cooldown_s\": [1]}"), 65,
                 "axis: unknown key \"axis\"; did you mean \"axes\"?"),
    HostileSweep("misspelt optional key", sweepFile("\"axes\": {\"time.cooldown_s\": [1]}, \"combin\": \"zip\""), 65,
                 "combin: unknown key \"combin\"; did you mean \"combine\"?"),
    HostileSweep("empty axes", sweepFile("\"axes\": {}"), 65,
                 "axes: got an empty object; expected at least one dotted preset path with its values, e.g. {\"applicators.0.schedule.0.power_w\": [60, 100]}"),
    HostileSweep("axis without values", sweepFile("\"axes\": {\"time.cooldown_s\": []}"), 65,
                 "axes.time.cooldown_s: got an empty array; expected at least one value"),
    HostileSweep("axes as array", sweepFile("\"axes\": [1]"), 65,
                 "axes: got an array; expected an object mapping dotted preset paths to their values"),
    HostileSweep("zip of unequal lengths", sweepFile("\"combine\": \"zip\", \"axes\": {\"time.cooldown_s\": [1, 2], \"margin_mm\": [1, 2, 3]}"), 65,
                 "axes.margin_mm: has 3 values but axes.time.cooldown_s has 2; \"combine\": \"zip\" pairs values by position, so every axis needs the same number"),
    HostileSweep("unknown combine", sweepFile("\"combine\": \"cartesian\", \"axes\": {\"time.cooldown_s\": [1]}"), 65,
                 "combine: got \"cartesian\"; expected one of \"product\", \"zip\""),
    HostileSweep("axis path not in the preset", sweepFile("\"axes\": {\"applicators.0.schedule.0.power\": [1, 2]}"), 65,
                 "axes.applicators.0.schedule.0.power: unknown key \"power\"; did you mean \"power_w\"? (case power=1-0c6bcacbf64b)"),
    HostileSweep("axis index out of range", sweepFile("\"axes\": {\"applicators.3.schedule.0.power_w\": [1, 2]}"), 65,
                 "axes.applicators.3.schedule.0.power_w: applicators has 1 element; expected an index from 0 to 1 (1 appends) (case power_w=1-80e4845afe6c)"),
    HostileSweep("axis through a scalar", sweepFile("\"axes\": {\"name.x\": [1]}"), 65,
                 "axes.name.x: name is a string, so it has no member \"x\" (case x=1-21ad62010215)"),
    HostileSweep("empty path component", sweepFile("\"axes\": {\"applicators..power_w\": [1]}"), 65,
                 "axes.applicators..power_w: the preset path has an empty component; expected keys and indices separated by '.', as `ablsim run --set` takes them"),
    HostileSweep("invalid value in one case", sweepFile("\"axes\": {\"applicators.0.schedule.0.power_w\": [1, -2]}"), 65,
                 "axes.applicators.0.schedule.0.power_w: got -2; expected a number from 0 to 10000 W (case power_w=-2-866b8b2b51f8)"),
    HostileSweep("duplicate value", sweepFile("\"axes\": {\"applicators.0.schedule.0.power_w\": [1, 1]}"), 65,
                 "axes.applicators.0.schedule.0.power_w[1]: got 1 again (as at [0]); expected distinct values, since equal values give the same case"),
    HostileSweep("overlapping axes", sweepFile("\"axes\": {\"applicators.0\": [1], \"applicators.0.type\": [\"x\"]}"), 65,
                 "axes.applicators.0.type: overlaps axes.applicators.0; one axis would overwrite the other's value"),
    HostileSweep("absurd case count", sweepFile("\"axes\": {" + ["b", "c", "d", "e", "f", "g"].map { "\"a.\($0)\": [1,2,3,4,5,6,7,8,9,10]" }.joined(separator: ", ") + "}"), 65,
                 "axes: 10 x 10 x 10 x 10 x 10 x 10 values make 1000000 cases; expected at most 100000 (split the sweep, or use \"combine\": \"zip\")"),
    HostileSweep("overflowing case count", sweepFile("\"axes\": {" + (0..<20).map { "\"a.k\($0)\": [" + (1...10).map(String.init).joined(separator: ",") + "]" }.joined(separator: ", ") + "}"), 65,
                 "axes: " + Array(repeating: "10", count: 20).joined(separator: " x ") + " values make more than 9e18 cases; expected at most 100000 (split the sweep, or use \"combine\": \"zip\")"),
    HostileSweep("missing base file", "{\"ablsim_sweep\": 1, \"base\": \"missing.json\", \"axes\": {\"time.cooldown_s\": [1]}}", 66,
                 "base: preset file missing.json does not exist (\"missing.json\" is resolved against the sweep file's folder)"),
    HostileSweep("base is a folder", "{\"ablsim_sweep\": 1, \"base\": \".\", \"axes\": {\"time.cooldown_s\": [1]}}", 74,
                 "base: cannot read preset file .: it is a folder"),
    HostileSweep("base of the wrong type", "{\"ablsim_sweep\": 1, \"base\": 5, \"axes\": {\"time.cooldown_s\": [1]}}", 65,
                 "base: got a number; expected a preset path (relative to the sweep file) or an inline preset object"),
    HostileSweep("invalid inline base", "{\"ablsim_sweep\": 1, \"base\": {\"ablsim\": 1, \"grid\": {\"size_mm\": [4, 4, 4]}, \"applicators\": []}, \"axes\": {\"time.cooldown_s\": [1]}}", 65,
                 "base.grid.spacing_mm: missing; expected a number from 0.05 to 20 mm (case cooldown_s=1-bd7a9733c255)"),
    HostileSweep("range without samples", sweepFile("\"axes\": {\"time.cooldown_s\": {\"min\": 1, \"max\": 2}}"), 65,
                 "axes.time.cooldown_s: got a {min, max} range without \"samples\"; expected an array of values (ranges need \"samples\" and \"seed\" for random cases)"),
    HostileSweep("empty range", sweepFile("\"samples\": 3, \"axes\": {\"time.cooldown_s\": {\"min\": 2, \"max\": 1}}"), 65,
                 "axes.time.cooldown_s.max: got 1; expected more than min (2)"),
    HostileSweep("range with misspelt key", sweepFile("\"samples\": 3, \"axes\": {\"time.cooldown_s\": {\"min\": 1, \"mx\": 2}}"), 65,
                 "axes.time.cooldown_s.mx: unknown key \"mx\"; did you mean \"max\"?"),
    HostileSweep("range without max", sweepFile("\"samples\": 3, \"axes\": {\"time.cooldown_s\": {\"min\": 1}}"), 65,
                 "axes.time.cooldown_s.max: missing; expected a finite number"),
    HostileSweep("zero samples", sweepFile("\"samples\": 0, \"axes\": {\"time.cooldown_s\": [1]}"), 65,
                 "samples: got 0; expected an integer from 1 to 100000 (the number of random cases)"),
    HostileSweep("samples repeating a choice", sweepFile("\"samples\": 5, \"seed\": 1, \"axes\": {\"time.cooldown_s\": [1, 2]}"), 65,
                 "samples: cases 0 and 1 have the same values {\"time.cooldown_s\":2}; expected distinct cases (with lists only, random draws repeat: use fewer samples or {min, max} ranges)"),
    HostileSweep("seed without samples", sweepFile("\"seed\": 1, \"axes\": {\"time.cooldown_s\": [1, 2]}"), 65,
                 "seed: set without \"samples\"; expected only with random cases: remove it, or add \"samples\": N"),
    HostileSweep("combine with samples", sweepFile("\"samples\": 2, \"combine\": \"zip\", \"axes\": {\"time.cooldown_s\": {\"min\": 1, \"max\": 2}}"), 65,
                 "combine: got \"zip\" together with \"samples\"; random cases draw every axis independently, so remove \"combine\" (or \"samples\" for a grid)"),
    HostileSweep("time step above the bound in one case", sweepFile("\"axes\": {\"time.dt_s\": [0.1, 5]}"), 65,
                 "axes.time.dt_s: got 5 s; expected at most 1.118 s, the stability bound of this grid and tissue (rho c / (sum of face conductances + perfusion), with k(T) at its largest); omit dt_s to use it (case dt_s=5-a5c6fea53799)"),
    HostileSweep("grid too large for memory in one case", sweepFile("\"axes\": {\"grid.size_mm\": [[16, 16, 16], [2000, 2000, 2000]], \"grid.spacing_mm\": [0.1]}"), 65,
                 "axes.grid.size_mm: grid: 20000 x 20000 x 20000 = 8e+12 voxels need about 6.34e+05 GiB; this machine has ..."),
    HostileSweep("non-numeric samples", sweepFile("\"samples\": \"many\", \"axes\": {\"time.cooldown_s\": [1]}"), 65,
                 "samples: got a string; expected an integer from 1 to 100000 (the number of random cases)"),
]

let hostileSweepBase = """
{"ablsim": 1, "name": "small", "grid": {"size_mm": [16, 16, 16], "spacing_mm": 1},
 "regions": [{"name": "tumor", "material": "tumor", "target": true,
              "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2}}],
 "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2},
                  "schedule": [{"duration_s": 60, "power_w": 1.5}]}],
 "time": {"cooldown_s": 10}}
"""

@Test(arguments: hostileSweeps)
func hostileSweepIsRefusedExactly(_ c: HostileSweep) throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try hostileSweepBase.write(to: dir.appendingPathComponent("base.json"), atomically: true, encoding: .utf8)
    try c.sweep.write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
    for command in [["sweep", "s.json"], ["sweep", "list", "s.json"], ["sweep", "slurm", "s.json"]] {
        let r = try CLI.run(command + ["--out", "out"], in: dir)
        #expect(r.status == c.status, "\(command): \(r.stderr)")
        let line = r.stderr.trimmingCharacters(in: .newlines)
        if c.message.hasSuffix("...") {
            // The rest names this machine's memory.
            #expect(line.hasPrefix("ablsim: error: " + c.message.dropLast(3)), "\(command): \(line)")
        } else {
            #expect(line == "ablsim: error: " + c.message, "\(command)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["base.json", "s.json"], "output left behind by \(command)")
    }
}

@Test func missingSweepFileAndBadSlicesAreRefused() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    var r = try CLI.run(["sweep", "nothing.json", "--out", "out"], in: dir)
    #expect(r.status == 66)
    #expect(r.stderr == "ablsim: error: sweep file nothing.json does not exist\n")
    try hostileSweepBase.write(to: dir.appendingPathComponent("base.json"), atomically: true, encoding: .utf8)
    try sweepFile("\"axes\": {\"time.cooldown_s\": [1, 2, 3]}").write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
    r = try CLI.run(["sweep", "s.json", "--out", "out", "--task-index", "2", "--chunk", "2"], in: dir)
    #expect(r.status == 64)
    #expect(r.stderr == "ablsim: error: --task-index 2: the sweep has 3 cases, so with --chunk 2 expected 0 to 1\n")
    r = try CLI.run(["sweep", "s.json", "--out", "out", "--shard", "3/3"], in: dir)
    #expect(r.status == 64)
    #expect(r.stderr == "ablsim: error: --shard 3/3: expected i/n with 0 <= i < n, e.g. --shard 0/4\n")
    r = try CLI.run(["sweep", "case", "s.json", "--id", "cooldown_s=4-000000000000", "--out", "out"], in: dir)
    #expect(r.status == 64)
    #expect(r.stderr == "ablsim: error: sweep s.json has no case \"cooldown_s=4-000000000000\"; `ablsim sweep list` prints them\n")
    r = try CLI.run(["sweep", "slurm", "s.json", "--out", "out", "--partition", "a;rm -rf /"], in: dir)
    #expect(r.status == 64)
    #expect(r.stderr == "ablsim: error: --partition a;rm -rf /: expected a partition name (letters, digits, _ - . and , between names)\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["base.json", "s.json"])
}
