// swift-tools-version: 6.1
// libFuzzer targets for the parsers that read user files. Built only by scripts/fuzz.sh with
// `-sanitize=fuzzer,address`, which supplies main(); a plain `swift build` here is not meaningful.
import PackageDescription

let package = Package(
    name: "ablsim-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "ablsim", path: "..")],
    targets: [
        .executableTarget(name: "PresetFuzzer", dependencies: [.product(name: "AblationPreset", package: "ablsim")]),
        .executableTarget(name: "NIfTIFuzzer", dependencies: [.product(name: "AblationIO", package: "ablsim")]),
        .executableTarget(name: "NRRDFuzzer", dependencies: [.product(name: "AblationIO", package: "ablsim")]),
        .executableTarget(name: "SweepFuzzer", dependencies: [.product(name: "AblationSweep", package: "ablsim"),
                                                              .product(name: "AblationJSON", package: "ablsim")]),
    ]
)
