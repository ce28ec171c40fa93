import Foundation
import Numerics

extension ONC {
  /// A labelled ordinal data set: inputs (N × p, one row per sample) and classes 0…Q−1.
  public struct OrdinalData: Sendable {
    public let inputs: Matrix
    public let labels: [Int]
    public let classes: Int

    /// Validates one label per row, labels in 0…Q−1 with every class present, Q ≥ 2 and
    /// finite inputs.
    public init(inputs: Matrix, labels: [Int], classes: Int) throws {
      let op = "onc.data"
      try ONC.validateCount(classes, "classes Q", 2...1000, op)
      guard labels.count == inputs.rows, inputs.cols >= 1 else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "expected one label per input row and ≥ 1 input column, found \(labels.count) labels for \(inputs.rows) × \(inputs.cols) inputs"
        )
      }
      try ONC.validateLabels(labels, classes: classes, op)
      guard inputs.elements.allSatisfy(\.isFinite) else {
        throw NumericsError.nonFinite(operation: op)
      }
      self.inputs = inputs
      self.labels = labels
      self.classes = classes
    }
  }

  /// Synthetic ordinal data: xᵢ ~ N(0, I_p), a latent score tᵢ = βᵀxᵢ/|β| + σ ξᵢ with
  /// β, ξᵢ standard normal, and labels by rank of t into Q equal-count bins (class k holds
  /// the ranks ⌊kN/Q⌋ … ⌊(k+1)N/Q⌋ − 1), so the classes are balanced and ordered along β.
  /// - Throws: `invalidArgument` unless 2 ≤ Q ≤ 1000, Q ≤ N ≤ 10⁶, 1 ≤ p ≤ 10⁴, N·p ≤ 10⁷
  ///   and σ ≥ 0 finite.
  public static func syntheticData(
    samples: Int, inputs: Int, classes: Int, noise: Double, seed: UInt64
  ) throws -> OrdinalData {
    let op = "onc.data"
    try validateCount(classes, "classes Q", 2...1000, op)
    try validateCount(samples, "samples N", classes...1_000_000, op)
    try validateCount(inputs, "inputs p", 1...10_000, op)
    guard samples * inputs <= 10_000_000 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected N·p ≤ 10⁷, found \(samples) × \(inputs)")
    }
    try validateNonNegative(noise, "noise", op)
    var rng = RandomGenerator(seed: seed)
    var beta = (0..<inputs).map { _ in rng.normal() }
    let norm = beta.reduce(0) { $0 + $1 * $1 }.squareRoot()
    beta = beta.map { $0 / norm }
    var x = [Double](repeating: 0, count: samples * inputs)
    var t = [Double](repeating: 0, count: samples)
    for i in 0..<samples {
      var s = 0.0
      for j in 0..<inputs {
        let v = rng.normal()
        x[i * inputs + j] = v
        s += beta[j] * v
      }
      t[i] = s + noise * rng.normal()
    }
    let order = (0..<samples).sorted { t[$0] < t[$1] }
    var labels = [Int](repeating: 0, count: samples)
    for (rank, i) in order.enumerated() { labels[i] = rank * classes / samples }
    return try OrdinalData(
      inputs: try Matrix(rows: samples, cols: inputs, elements: x), labels: labels,
      classes: classes)
  }
}
