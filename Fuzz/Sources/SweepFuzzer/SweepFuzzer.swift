import AblationJSON
import AblationSweep

/// Every byte string must decode to a sweep file or a PresetError, and a decoded sweep must expand
/// into its cases (axes, combine, sampling, the base by name or file) or fail with one: no crash, no
/// hang, no unbounded allocation. Paths resolve in an empty folder so the fuzzer cannot wander; the
/// case id asked for does not exist, so no case's preset is simulated.
@_cdecl("LLVMFuzzerTestOneInput")
public func SweepFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let document = try? JSONParser.parse(bytes),
          let sweep = try? SweepFile.decode(document, directory: "/nonexistent-ablsim-fuzz") else { return 0 }
    _ = try? SweepPlan.make(sweep, sweepPath: "/nonexistent-ablsim-fuzz/sweep.json", validation: .only(id: "no-such-case"))
    return 0
}
