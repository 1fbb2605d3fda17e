// swift-tools-version: 6.1
import PackageDescription

// Hot kernels are compiled for a named x86-64 level so that SIMD16<Float> lowers to AVX2/AVX-512
// with FMA. The default (haswell: AVX2 + FMA, every x86 server since 2013) keeps the binary
// portable across clinical workstations and cluster nodes; ABLSIM_CPU=native builds for the
// build machine (AVX-512 where present), ABLSIM_CPU=generic for very old CPUs.
let cpuLevel = Context.environment["ABLSIM_CPU"] ?? "haswell"
#if arch(x86_64)
let kernelCPUFlags: [String] = cpuLevel == "generic" ? [] : ["-target-cpu", cpuLevel == "native" ? "native" : cpuLevel]
#else
let kernelCPUFlags: [String] = []
#endif

let kernelSwiftSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"] + kernelCPUFlags, .when(configuration: .release)),
    // Debug builds (and so `swift test`) still optimise the numerics: unoptimised SIMD code is
    // ~100x slower and would turn the verification tests into a coffee break.
    .unsafeFlags(["-O"] + kernelCPUFlags, .when(configuration: .debug)),
]
// AblationMicrowave uses the kernel settings too: its SAR update interpolates millions of voxels
// every few simulated seconds (measured 3 % less user time on a 160³ run, identical results).
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "ablsim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ablsim", targets: ["ablsim"]),
        .library(name: "AblationGrid", targets: ["AblationGrid"]),
        .library(name: "AblationKernels", targets: ["AblationKernels"]),
        .library(name: "AblationRandom", targets: ["AblationRandom"]),
        .library(name: "AblationSpectral", targets: ["AblationSpectral"]),
        .library(name: "AblationIO", targets: ["AblationIO"]),
        .library(name: "AblationPreview", targets: ["AblationPreview"]),
        .library(name: "AblationJSON", targets: ["AblationJSON"]),
        .library(name: "AblationTissue", targets: ["AblationTissue"]),
        .library(name: "AblationMicrowave", targets: ["AblationMicrowave"]),
        .library(name: "AblationElectric", targets: ["AblationElectric"]),
        .library(name: "AblationVessels", targets: ["AblationVessels"]),
        .library(name: "AblationPreset", targets: ["AblationPreset"]),
        .library(name: "AblationSimulation", targets: ["AblationSimulation"]),
        .library(name: "AblationAnalysis", targets: ["AblationAnalysis"]),
        .library(name: "AblationRun", targets: ["AblationRun"]),
        .library(name: "AblationVerification", targets: ["AblationVerification"]),
        .library(name: "AblationValidation", targets: ["AblationValidation"]),
        .library(name: "AblationSweep", targets: ["AblationSweep"]),
        .library(name: "AblationPlan", targets: ["AblationPlan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    // Module map (docs/architecture.md): numerics at the bottom (Grid, Kernels, Spectral, Electric,
    // Microwave), formats (JSON, IO, Preview), the model (Tissue, Preset), the simulation and what
    // reads its results (Analysis, Run, Verification, Validation), tools on top (Sweep, Plan, ablsim).
    targets: [
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .target(name: "AblationGrid", swiftSettings: optimizedInDebug),
        .target(name: "CKernelHints"),
        .target(name: "AblationKernels", dependencies: ["CKernelHints"], swiftSettings: kernelSwiftSettings),
        .target(name: "AblationRandom"),
        .target(name: "AblationSpectral", dependencies: ["CFFTW", "AblationRandom"], swiftSettings: optimizedInDebug),
        .target(name: "AblationIO", dependencies: ["CZlib"]),
        .target(name: "AblationPreview", dependencies: ["AblationIO"]),
        .target(name: "AblationJSON"),
        .target(name: "AblationTissue"),
        .target(name: "AblationMicrowave", dependencies: ["AblationGrid", "AblationKernels", "AblationTissue"],
                swiftSettings: kernelSwiftSettings),
        .target(name: "AblationElectric", dependencies: ["AblationKernels"], swiftSettings: kernelSwiftSettings),
        // Centrelines of segmented vessel trees: shortest paths over every vessel voxel, optimised in debug.
        .target(name: "AblationVessels", dependencies: ["AblationGrid"], swiftSettings: optimizedInDebug),
        .target(name: "AblationPreset",
                dependencies: ["AblationJSON", "AblationTissue", "AblationGrid", "AblationKernels", "AblationIO", "AblationMicrowave"],
                swiftSettings: optimizedInDebug),
        .target(name: "AblationSimulation",
                dependencies: ["AblationPreset", "AblationJSON", "AblationTissue", "AblationGrid", "AblationKernels", "AblationIO",
                               "AblationMicrowave", "AblationElectric", "AblationVessels"],
                swiftSettings: optimizedInDebug),
        .target(name: "AblationAnalysis", dependencies: ["AblationSimulation", "AblationPreset", "AblationGrid", "AblationKernels"],
                swiftSettings: optimizedInDebug),
        .target(name: "AblationRun",
                dependencies: ["AblationSimulation", "AblationAnalysis", "AblationPreset", "AblationJSON", "AblationTissue", "AblationGrid",
                               "AblationKernels", "AblationIO", "AblationPreview", "AblationMicrowave"],
                swiftSettings: optimizedInDebug),
        .target(name: "AblationVerification",
                dependencies: ["AblationSimulation", "AblationPreset", "AblationJSON", "AblationTissue", "AblationGrid", "AblationKernels", "AblationSpectral",
                               "AblationRandom", "AblationElectric", "AblationMicrowave"],
                swiftSettings: optimizedInDebug),
        .target(name: "AblationValidation",
                dependencies: ["AblationRun", "AblationSimulation", "AblationAnalysis", "AblationPreset", "AblationJSON", "AblationTissue",
                               "AblationGrid", "AblationMicrowave"],
                swiftSettings: optimizedInDebug),
        .target(name: "AblationSweep", dependencies: ["AblationRun", "AblationSimulation", "AblationAnalysis", "AblationPreset",
                                                     "AblationJSON", "AblationRandom", "AblationIO"]),
        // The planner scores thousands of candidate zones voxel by voxel: optimised even in debug.
        .target(name: "AblationPlan", dependencies: ["AblationRun", "AblationSimulation", "AblationAnalysis", "AblationPreset",
                                                    "AblationJSON", "AblationTissue", "AblationGrid", "AblationKernels",
                                                    "AblationMicrowave", "AblationRandom", "AblationIO"],
                swiftSettings: optimizedInDebug),
        .executableTarget(name: "ablsim",
                          dependencies: ["AblationRun", "AblationSimulation", "AblationPreset", "AblationJSON", "AblationVerification",
                                         "AblationValidation", "AblationSweep", "AblationPlan",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "AblationGridTests", dependencies: ["AblationGrid", "AblationRandom"]),
        .testTarget(name: "AblationVesselsTests", dependencies: ["AblationVessels", "AblationGrid"], swiftSettings: optimizedInDebug),
        .testTarget(name: "AblationKernelsTests", dependencies: ["AblationKernels", "AblationRandom"]),
        .testTarget(name: "AblationSpectralTests", dependencies: ["AblationSpectral", "AblationRandom"]),
        // AblationRun: a whole run, so preview.png is checked as a user gets it.
        .testTarget(name: "AblationIOTests", dependencies: ["AblationIO", "AblationPreview", "AblationRandom", "AblationRun"]),
        .testTarget(name: "AblationMicrowaveTests", dependencies: ["AblationMicrowave", "AblationTissue"]),
        .testTarget(name: "AblationElectricTests", dependencies: ["AblationElectric", "AblationKernels", "AblationRandom"],
                    swiftSettings: optimizedInDebug),
        .testTarget(name: "AblationSimulationTests",
                    dependencies: ["AblationSimulation", "AblationElectric", "AblationPreset", "AblationJSON", "AblationTissue", "AblationAnalysis", "AblationRun",
                                   "AblationVerification", "AblationValidation", "AblationGrid", "AblationKernels", "AblationSpectral",
                                   "AblationMicrowave", "AblationRandom", "AblationIO"]),
        .testTarget(name: "AblationSweepTests", dependencies: ["AblationSweep", "AblationRun", "AblationPreset", "AblationJSON"]),
        .testTarget(name: "AblationPlanTests", dependencies: ["AblationPlan", "AblationRun", "AblationSimulation", "AblationAnalysis",
                                                             "AblationPreset", "AblationJSON", "AblationGrid", "AblationRandom"]),
        // Help/ holds the recorded --help texts HelpTextTests compares with, read from the source tree.
        .testTarget(name: "CLITests", dependencies: ["ablsim"], exclude: ["Help"]),
    ]
)
