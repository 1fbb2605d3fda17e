// swift-tools-version: 6.1
import PackageDescription

// Benchmarks for the AblationKernels hot loops, kept out of the main package so that its
// dependency graph (and CI) never pulls in ordo-one/benchmark.
//
// The C twin of the Pennes kernel is built for the same x86-64 level as the Swift kernel
// (the main package compiles AblationKernels with `-target-cpu haswell` unless ABLSIM_CPU says
// otherwise). ABLSIM_CPU=native users should compare against a C build with -march=native:
// this manifest follows ABLSIM_CPU for that reason, so both sides always see the same ISA.
let cpuLevel = Context.environment["ABLSIM_CPU"] ?? "haswell"
#if arch(x86_64)
let cMarch: [String] = cpuLevel == "generic" ? [] : ["-march=\(cpuLevel == "native" ? "native" : cpuLevel)"]
let swiftCPU: [String] = cpuLevel == "generic" ? [] : ["-target-cpu", cpuLevel == "native" ? "native" : cpuLevel]
#else
let cMarch: [String] = []
let swiftCPU: [String] = []
#endif

// Same optimisation settings as the kernel target, for the Swift-side triad and data set-up.
// kernel-report prints the CPU level the Swift side was built for (from these defines).
let benchSwiftSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"] + swiftCPU, .when(configuration: .release)),
] + (cpuLevel == "native" ? [.define("ABLSIM_BENCH_CPU_NATIVE")] : [])
  + (cpuLevel == "generic" ? [.define("ABLSIM_BENCH_CPU_GENERIC")] : [])

let package = Package(
    name: "AblationBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ablsim", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Plain-C twin of PennesOperator.step plus a STREAM triad.
        // -O3 -march=haswell -ffp-contract=fast matches the Swift kernel's default CPU level and its
        // FMA use; with ABLSIM_CPU=native, compare against -march=native (set ABLSIM_CPU=native
        // when building this package too, and both sides follow).
        .target(
            name: "CPennesReference",
            cSettings: [.unsafeFlags(["-O3"] + cMarch + ["-ffp-contract=fast"])]
        ),
        // Data set-up, Swift triad and the Swift/C step drivers shared by both executables.
        .target(
            name: "KernelBenchShared",
            dependencies: [
                "CPennesReference",
                .product(name: "AblationKernels", package: "ablsim"),
            ],
            swiftSettings: benchSwiftSettings
        ),
        .executableTarget(
            name: "KernelBenchmarks",
            dependencies: [
                "KernelBenchShared",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/KernelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The warm potential solve (RFA) and one microwave pattern evaluation (MWA) at 160³.
        .executableTarget(
            name: "ModalityBenchmarks",
            dependencies: [
                .product(name: "AblationElectric", package: "ablsim"),
                .product(name: "AblationMicrowave", package: "ablsim"),
                .product(name: "AblationKernels", package: "ablsim"),
                .product(name: "AblationGrid", package: "ablsim"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ModalityBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Whole treatments at their run-time targets (RF 12 min, MWA 10 min at 0.5 mm).
        .executableTarget(
            name: "TreatmentBenchmarks",
            dependencies: [
                .product(name: "AblationPreset", package: "ablsim"),
                .product(name: "AblationSimulation", package: "ablsim"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/TreatmentBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // `ablsim sweep collect` over 10,000 case folders (target: under 10 s).
        .executableTarget(
            name: "SweepBenchmarks",
            dependencies: [
                .product(name: "AblationPreset", package: "ablsim"),
                .product(name: "AblationRun", package: "ablsim"),
                .product(name: "AblationJSON", package: "ablsim"),
                .product(name: "AblationSweep", package: "ablsim"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SweepBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "kernel-report",
            dependencies: ["KernelBenchShared"],
            path: "Sources/KernelReport",
            swiftSettings: benchSwiftSettings
        ),
    ]
)
