import Foundation
import Numerics

extension ONC {
  /// Neural-collapse statistics of last-layer features for an ordinal head.
  ///
  /// With class means μ_k, global mean μ_G (over all samples), within-class covariance
  /// Σ_W = (1/N) Σᵢ (hᵢ − μ_{yᵢ})(hᵢ − μ_{yᵢ})ᵀ and between-class covariance
  /// Σ_B = (1/Q) Σ_k (μ_k − μ_G)(μ_k − μ_G)ᵀ (Papyan, Han & Donoho, PNAS 117, 2020, §2):
  /// - NC1 = tr(Σ_W Σ_B⁺)/Q, Σ_B⁺ the pseudo-inverse keeping eigenvalues above
  ///   `rankTolerance` · λ_max. Under ordinal collapse Σ_B has rank 1, so NC1 only sees
  ///   within-class spread along one direction: `withinBetween` = tr Σ_W / tr Σ_B is
  ///   reported as well, and `betweenRank` says how many directions NC1 used.
  /// - ONC2 = ŵᵀ Σ_B ŵ / tr Σ_B with ŵ = w/|w|: the share of between-class energy along
  ///   the classifier (1 when the class means lie on the line of w; Ma, Obuchi & Tanaka,
  ///   NeurIPS 2025, ONC2).
  /// - ONC3: the class-mean latents z̄_k = wᵀμ_k, the fraction of consecutive pairs with
  ///   z̄_k < z̄_{k+1}, and the mean |z̄_k − (b_k + b_{k+1})/2| over classes with two finite
  ///   thresholds (the midpoint law).
  public struct CollapseMetrics: Sendable {
    /// tr(Σ_W Σ_B⁺)/Q.
    public let nc1: Double
    /// tr Σ_W / tr Σ_B.
    public let withinBetween: Double
    /// The numerical rank of Σ_B used by the pseudo-inverse.
    public let betweenRank: Int
    /// ŵᵀ Σ_B ŵ / tr Σ_B.
    public let onc2: Double
    /// z̄_k = wᵀμ_k.
    public let classMeanLatents: Vector
    /// The fraction of k = 0…Q−2 with z̄_k < z̄_{k+1} (1 when ordered).
    public let orderedFraction: Double
    /// Mean |z̄_k − midpoint_k| over classes with finite midpoints; nil when none has.
    public let midpointDistance: Double?
  }

  /// Computes the collapse metrics of features (N × d, one row per sample) with labels
  /// 0…Q−1, classifier w (length d) and thresholds b_0…b_Q.
  ///
  /// Returns nil when the metrics are undefined: all class means coincide (tr Σ_B = 0,
  /// e.g. the trivial optimum H = 0) or w = 0.
  /// - Throws: `invalidArgument` for mismatched shapes, labels outside 0…Q−1, a class with
  ///   no sample or `rankTolerance` outside (0, 1); `nonFinite` for non-finite features.
  public static func collapseMetrics(
    features: Matrix, labels: [Int], weights: Vector, thresholds: [Double],
    rankTolerance: Double = 1e-6
  ) throws -> CollapseMetrics? {
    let op = "onc.metrics"
    let (n, d) = (features.rows, features.cols)
    let q = thresholds.count - 1
    guard q >= 2, labels.count == n, weights.count == d, d >= 1 else {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected \(n) labels, a classifier of length \(d) ≥ 1 and ≥ 3 thresholds, found \(labels.count), \(weights.count) and \(thresholds.count)"
      )
    }
    guard rankTolerance > 0 && rankTolerance < 1 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected 0 < rankTolerance < 1, found \(rankTolerance)")
    }
    try validateLabels(labels, classes: q, op)
    guard features.elements.allSatisfy(\.isFinite) else {
      throw NumericsError.nonFinite(operation: op)
    }
    var counts = [Double](repeating: 0, count: q)
    var means = [Double](repeating: 0, count: q * d)
    var global = [Double](repeating: 0, count: d)
    features.elements.withUnsafeBufferPointer { h in
      for i in 0..<n {
        let y = labels[i]
        counts[y] += 1
        for j in 0..<d {
          means[y * d + j] += h[i * d + j]
          global[j] += h[i * d + j]
        }
      }
    }
    for k in 0..<q { for j in 0..<d { means[k * d + j] /= counts[k] } }
    for j in 0..<d { global[j] /= Double(n) }
    let centred = Matrix(rows: n, cols: d) { c in
      features.elements.withUnsafeBufferPointer { h in
        for i in 0..<n {
          let y = labels[i]
          for j in 0..<d { c[i * d + j] = h[i * d + j] - means[y * d + j] }
        }
      }
    }
    let within = try BLAS.gemm(centred, centred, transA: true, alpha: 1 / Double(n))
    var betweenElements = [Double](repeating: 0, count: d * d)
    for k in 0..<q {
      for a in 0..<d {
        let da = (means[k * d + a] - global[a]) / Double(q)
        for c in 0..<d { betweenElements[a * d + c] += da * (means[k * d + c] - global[c]) }
      }
    }
    let between = try Matrix(rows: d, cols: d, elements: betweenElements)
    var traceB = 0.0
    var traceW = 0.0
    for j in 0..<d {
      traceB += between[j, j]
      traceW += within[j, j]
    }
    let wNorm2 = weights.elements.reduce(0) { $0 + $1 * $1 }
    guard traceB > 0, wNorm2 > 0 else { return nil }
    let (values, vectors) = try LinearAlgebra.eigh(between)
    let cutoff = rankTolerance * values[d - 1]
    var nc1 = 0.0
    var rank = 0
    for m in 0..<d where values[m] > cutoff {
      rank += 1
      var quad = 0.0
      for a in 0..<d {
        var row = 0.0
        for c in 0..<d { row += within[a, c] * vectors[c, m] }
        quad += vectors[a, m] * row
      }
      nc1 += quad / values[m]
    }
    var along = 0.0
    for a in 0..<d {
      var row = 0.0
      for c in 0..<d { row += between[a, c] * weights[c] }
      along += weights[a] * row
    }
    var latents = [Double](repeating: 0, count: q)
    for k in 0..<q { for j in 0..<d { latents[k] += weights[j] * means[k * d + j] } }
    var ordered = 0
    for k in 0..<(q - 1) where latents[k] < latents[k + 1] { ordered += 1 }
    var distance = 0.0
    var finite = 0
    for k in 0..<q where thresholds[k].isFinite && thresholds[k + 1].isFinite {
      distance += abs(latents[k] - 0.5 * (thresholds[k] + thresholds[k + 1]))
      finite += 1
    }
    return CollapseMetrics(
      nc1: nc1 / Double(q), withinBetween: traceW / traceB, betweenRank: rank,
      onc2: along / (wNorm2 * traceB), classMeanLatents: Vector(latents),
      orderedFraction: Double(ordered) / Double(q - 1),
      midpointDistance: finite > 0 ? distance / Double(finite) : nil)
  }
}
