import Foundation
import Language
import Library
import Numerics
import Testing
import VariationalReplica

/// The `vga` module through the language: agreement with the core, and the real dataset
/// that scripts/setup-python.sh copies out of scikit-learn's PyPI package into
/// .build/data/sklearn/ (run by `make test` before `swift test`).
@Suite struct VariationalReplicaBindingTests {
  /// .build/data/sklearn under the package root, found from this file's path.
  static let dataDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent(".build/data/sklearn")

  func numbers(_ v: Value) throws -> Vector {
    switch v {
    case .vector(let x): return x
    case .number(let x): return [x]
    default: throw LanguageError(.type, "expected numbers, found \(v.typeName)")
    }
  }

  /// The language's curve is the core's curve (same code path: equal to rounding).
  @Test func curveAgreesWithTheCore() throws {
    let interp = libraryInterpreter(OutputSink())
    _ = try interp.evaluate("s = vga.synthetic(400, test=100, d=6, sigma=0.5, kappa=10, seed=2)")
    let test = try numbers(try interp.evaluate("vga.curve(s, M=[30, 60], lambda=0.2).test"))
    let syn = try VGA.synthetic(
      poolSize: 400, testSize: 100, dimension: 6, noise: 0.5, anisotropy: 10, seed: 2)
    let core = try VGA.learningCurve(
      pool: syn.pool, test: syn.test, sizes: [30, 60], settings: try VGA.Settings(lambda: 0.2))
    for k in 0..<2 { #expect(abs(test[k] - core.testError[k]) < 1e-12) }
    let chi = try numbers(try interp.evaluate("vga.replica(2, lambda=1).chi"))
    #expect(abs(chi[0] - (2.0.squareRoot() - 1)) < 1e-14)
    #expect(throws: LanguageError.self) {
      try interp.evaluate("vga.curve(s, M=[30], loss=\"hinge\")")
    }
  }

  /// Diabetes (442 × 10, Efron et al. 2004) read through readcsv: at M = 40 (τ ≈ 0.12) the
  /// VGA test error agrees with 300 Poisson resamples within 3%.
  @Test func diabetesThroughTheDataLayer() throws {
    let dir = Self.dataDirectory.path
    guard FileManager.default.fileExists(atPath: dir + "/diabetes_data_raw.csv") else {
      Issue.record("missing \(dir)/diabetes_data_raw.csv: run scripts/setup-python.sh")
      return
    }
    let interp = libraryInterpreter(OutputSink())
    _ = try interp.evaluate(
      """
      X = readcsv("\(dir)/diabetes_data_raw.csv", sep=" ", header=false)
      y = readcsv("\(dir)/diabetes_target.csv", header=false)
      s = vga.split(X, y, test=100, seed=1)
      """)
    #expect(try numbers(try interp.evaluate("shape(s.X)")) == [342, 10])
    let vga = try numbers(try interp.evaluate("vga.curve(s, M=[40], lambda=0.05).test"))
    let mc = try numbers(
      try interp.evaluate("vga.resample(s, M=[40], lambda=0.05, resamples=300).test"))
    #expect(abs(vga[0] / mc[0] - 1) < 0.03)
  }
}
