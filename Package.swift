// swift-tools-version:6.0
//
// Replica: a notebook-style scripting REPL for the statistical mechanics of learning.
// Targets are listed lowest first; dependencies only point down this file
// (see ../shared/design/architecture.md).

import PackageDescription

// MARK: - System libraries (module maps over one shim header each; no Swift)

let systemLibraries: [Target] = [
  .systemLibrary(name: "CLapack", path: "Sources/CLapack"),
  .systemLibrary(name: "CPLplot", path: "Sources/CPLplot"),
  .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
]

// MARK: - Core layers

let coreTargets: [Target] = [
  // Run-time-dispatched SIMD exp/log in C (no stable API; only Numerics and its tests).
  .target(name: "_NumericsKernels", path: "Sources/_NumericsKernels"),
  .target(
    name: "Numerics", dependencies: ["CLapack", "_NumericsKernels"], path: "Sources/Numerics"),
  .target(name: "Language", dependencies: ["Numerics"], path: "Sources/Language"),
  .target(name: "Plotting", dependencies: ["Numerics", "CPLplot"], path: "Sources/Plotting"),
  .target(name: "DataIO", dependencies: ["Numerics"], path: "Sources/DataIO"),
  .target(name: "Notebook", dependencies: ["Language", "Numerics"], path: "Sources/Notebook"),
]

// MARK: - Studies (pure Swift, Numerics only)

let studies = [
  "DenseAssociativeMemory", "RecurrentSelfAttention", "OrdinalCollapse", "SelfDistillation",
  "VariationalReplica", "QuantizationErrorPropagation",
]

let studyTargets: [Target] = studies.map {
  .target(name: $0, dependencies: ["Numerics"], path: "Sources/Studies/\($0)")
}

// MARK: - Library (binds numerics, data, plotting and studies into the language)

let libraryTargets: [Target] = [
  .target(
    name: "Library",
    dependencies: ["Language", "Numerics", "Plotting", "DataIO"]
      + studies.map { .target(name: $0) },
    path: "Sources/Library")
]

// MARK: - The executables

let executables: [Target] = [
  .executableTarget(
    name: "replica",
    dependencies: ["Language", "Library", "Notebook", "Numerics", "DataIO", "CReadline"],
    path: "Sources/replica"),
  .executableTarget(
    name: "replica-render", dependencies: ["Plotting"], path: "Sources/replica-render"),
  .executableTarget(
    name: "replica-bench",
    dependencies: ["Numerics", "Language", "DataIO"] + studies.map { .target(name: $0) },
    path: "bench/Sources/replica-bench"),
]

// MARK: - Fuzzing

let fuzzTargets: [Target] = [
  // One input through lexer, parser and evaluator with small limits (shared with the tests).
  .target(name: "FuzzHarness", dependencies: ["Language"], path: "Fuzz/FuzzHarness"),
  // libFuzzer entry point; `make fuzz` (scripts/fuzz.sh) builds it with --sanitize=fuzzer.
  .executableTarget(
    name: "FuzzLanguage", dependencies: ["FuzzHarness"], path: "Fuzz/FuzzLanguage"),
]

// MARK: - Tests

let testTargets: [Target] =
  [
    .testTarget(
      name: "NumericsTests", dependencies: ["Numerics", "_NumericsKernels"],
      path: "Tests/NumericsTests"),
    .testTarget(name: "DataIOTests", dependencies: ["DataIO"], path: "Tests/DataIOTests"),
    .testTarget(
      name: "LanguageTests", dependencies: ["Language", "Notebook", "Numerics", "FuzzHarness"],
      path: "Tests/LanguageTests", resources: [.copy("Scripts"), .copy("FuzzCrashes")]),
    .testTarget(
      name: "PlottingTests", dependencies: ["Plotting", "replica-render"],
      path: "Tests/PlottingTests"
    ),
    .testTarget(
      name: "LibraryTests",
      dependencies: ["Library", "Language", "Notebook", "Numerics", "replica-render"]
        + studies.map { .target(name: $0) },
      path: "Tests/LibraryTests"),
    .testTarget(name: "ReplicaTests", dependencies: ["replica"], path: "Tests/ReplicaTests"),
    .testTarget(name: "SweepTests", dependencies: ["replica"], path: "Tests/SweepTests"),
  ]
  + studies.map {
    .testTarget(name: "\($0)Tests", dependencies: [.target(name: $0)], path: "Tests/\($0)Tests")
  }

let package = Package(
  name: "Replica",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "replica", targets: ["replica"]),
    .executable(name: "replica-render", targets: ["replica-render"]),
  ],
  targets: systemLibraries + coreTargets + studyTargets + libraryTargets + executables
    + fuzzTargets + testTargets,
  swiftLanguageModes: [.v6]
)
