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
  .target(name: "Numerics", dependencies: ["CLapack"], path: "Sources/Numerics"),
  .target(name: "Language", dependencies: ["Numerics"], path: "Sources/Language"),
  .target(name: "DataIO", dependencies: ["Numerics"], path: "Sources/DataIO"),
  .target(
    name: "RecurrentSelfAttention", dependencies: ["Numerics"],
    path: "Sources/Studies/RecurrentSelfAttention"),
]

// MARK: - The executable

let executables: [Target] = [
  .executableTarget(
    name: "replica",
    dependencies: ["Language", "Numerics", "CReadline"],
    path: "Sources/replica"),
  .executableTarget(
    name: "replica-bench",
    dependencies: ["Numerics", "Language", "DataIO", "RecurrentSelfAttention"],
    path: "bench/Sources/replica-bench"),
]

// MARK: - Tests

let testTargets: [Target] = [
  .testTarget(name: "NumericsTests", dependencies: ["Numerics"], path: "Tests/NumericsTests"),
  .testTarget(name: "DataIOTests", dependencies: ["DataIO"], path: "Tests/DataIOTests"),
  .testTarget(
    name: "RecurrentSelfAttentionTests", dependencies: ["RecurrentSelfAttention"],
    path: "Tests/RecurrentSelfAttentionTests"),
]

let package = Package(
  name: "Replica",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "replica", targets: ["replica"])
  ],
  targets: systemLibraries + coreTargets + executables + testTargets,
  swiftLanguageModes: [.v6]
)
