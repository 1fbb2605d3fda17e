import AblationPreset

/// Every byte string must decode to a preset or a PresetError: no crash, no hang, no unbounded
/// allocation. Relative label-map paths resolve in an empty folder so the fuzzer cannot wander.
@_cdecl("LLVMFuzzerTestOneInput")
public func PresetFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? Preset.parse(bytes: bytes, source: "fuzz.json", baseDirectory: "/nonexistent-ablsim-fuzz")
    return 0
}
