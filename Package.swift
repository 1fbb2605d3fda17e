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
        .library(name: "AblationSim", targets: ["AblationSim"]),
        .library(name: "AblationGrid", targets: ["AblationGrid"]),
        .library(name: "AblationKernels", targets: ["AblationKernels"]),
        .library(name: "AblationSpectral", targets: ["AblationSpectral"]),
        .library(name: "AblationIO", targets: ["AblationIO"]),
        .library(name: "AblationMicrowave", targets: ["AblationMicrowave"]),
        .library(name: "AblationElectric", targets: ["AblationElectric"]),
        .library(name: "AblationSweep", targets: ["AblationSweep"]),
        .library(name: "AblationPlan", targets: ["AblationPlan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .target(name: "AblationGrid", swiftSettings: optimizedInDebug),
        .target(name: "CKernelHints"),
        .target(name: "AblationKernels", dependencies: ["CKernelHints"], swiftSettings: kernelSwiftSettings),
        .target(name: "AblationSpectral", dependencies: ["CFFTW"], swiftSettings: optimizedInDebug),
        .target(name: "AblationIO", dependencies: ["CZlib"]),
        .target(name: "AblationMicrowave", dependencies: ["AblationGrid", "AblationKernels"], swiftSettings: kernelSwiftSettings),
        .target(name: "AblationElectric", dependencies: ["AblationKernels"], swiftSettings: kernelSwiftSettings),
        .target(name: "AblationSim",
                dependencies: ["AblationGrid", "AblationKernels", "AblationSpectral", "AblationIO", "AblationMicrowave",
                               "AblationElectric"],
                swiftSettings: optimizedInDebug),
        .target(name: "AblationSweep", dependencies: ["AblationSim", "AblationSpectral", "AblationIO"]),
        // The planner scores thousands of candidate zones voxel by voxel: optimised even in debug.
        .target(name: "AblationPlan", dependencies: ["AblationSim", "AblationGrid", "AblationMicrowave", "AblationSpectral"],
                swiftSettings: optimizedInDebug),
        .executableTarget(name: "ablsim",
                          dependencies: ["AblationSim", "AblationSweep", "AblationPlan",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "AblationGridTests", dependencies: ["AblationGrid"]),
        .testTarget(name: "AblationKernelsTests", dependencies: ["AblationKernels"]),
        .testTarget(name: "AblationSpectralTests", dependencies: ["AblationSpectral"]),
        .testTarget(name: "AblationIOTests", dependencies: ["AblationIO"]),
        .testTarget(name: "AblationMicrowaveTests", dependencies: ["AblationMicrowave"]),
        .testTarget(name: "AblationElectricTests", dependencies: ["AblationElectric", "AblationKernels"],
                    swiftSettings: optimizedInDebug),
        .testTarget(name: "AblationSimTests", dependencies: ["AblationSim", "AblationSpectral", "AblationMicrowave"]),
        .testTarget(name: "AblationSweepTests", dependencies: ["AblationSweep", "AblationSim"]),
        .testTarget(name: "AblationPlanTests", dependencies: ["AblationPlan", "AblationSim", "AblationGrid"]),
        .testTarget(name: "CLITests", dependencies: ["ablsim"]),
    ]
)
