// SwiftPM links executables with main renamed to <target>_main; with -parse-as-library there is
// no Swift main, so this symbol hands control to libFuzzer's driver, which then calls
// LLVMFuzzerTestOneInput with every input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

@_cdecl("SweepFuzzer_main")
public func SweepFuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector, SweepFuzzerTestOneInput)
}
