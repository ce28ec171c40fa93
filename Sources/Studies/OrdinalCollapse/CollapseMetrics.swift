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
    let allFinite = features.elements.withUnsafeBufferPointer { h in
      var ok = true
      for v in h where !v.isFinite { ok = false }
      return ok
    }
    guard allFinite else { throw NumericsError.nonFinite(operation: op) }
    var counts = [Double](repeating: 0, count: q)
    var means = [Double](repeating: 0, count: q * d)
    var global = [Double](repeating: 0, count: d)
    features.elements.withUnsafeBufferPointer { h in
      means.withUnsafeMutableBufferPointer { mu in
        for i in 0..<n {
          let y = labels[i]
          counts[y] += 1
          let row = h.baseAddress! + i * d
          let sum = mu.baseAddress! + y * d
          for j in 0..<d { sum[j] += row[j] }
        }
      }
    }
    for k in 0..<q { for j in 0..<d { global[j] += means[k * d + j] } }
    for j in 0..<d { global[j] /= Double(n) }
    for k in 0..<q { for j in 0..<d { means[k * d + j] /= counts[k] } }
    // Σ_B = M Mᵀ with the d × Q matrix M of columns m_k = (μ_k − μ_G)/√Q. Its nonzero
    // eigenvalues are those of the Q × Q Gram matrix G = MᵀM, with eigenvectors
    // v = M u/√λ for G u = λ u, so a Q × Q eigenproblem replaces the d × d one.
    let rootQ = Double(q).squareRoot()
    var m = [Double](repeating: 0, count: q * d)  // row k holds m_k
    for k in 0..<q { for a in 0..<d { m[k * d + a] = (means[k * d + a] - global[a]) / rootQ } }
    var gram = Matrix(rows: q, cols: q)
    for k in 0..<q {
      for l in 0...k {
        var s = 0.0
        for a in 0..<d { s += m[k * d + a] * m[l * d + a] }
        gram[k, l] = s
        gram[l, k] = s
      }
    }
    var traceB = 0.0
    for k in 0..<q { traceB += gram[k, k] }
    let wNorm2 = weights.elements.reduce(0) { $0 + $1 * $1 }
    guard traceB > 0, wNorm2 > 0 else { return nil }
    let (values, vectors) = try LinearAlgebra.eigh(gram)
    let cutoff = rankTolerance * values[q - 1]
    let kept = (0..<q).filter { values[$0] > cutoff }
    let rank = kept.count
    var basis = [Double](repeating: 0, count: rank * d)  // row r holds v_r
    for (r, e) in kept.enumerated() {
      let scale = 1 / values[e].squareRoot()
      for k in 0..<q {
        let c = vectors[k, e] * scale
        for a in 0..<d { basis[r * d + a] += c * m[k * d + a] }
      }
    }
    // Σ_W enters only through its trace and vᵀΣ_W v for the kept v, so one pass over the
    // centred rows hᵢ − μ_{yᵢ} gives both without forming the d × d matrix:
    // tr Σ_W = (1/N) Σᵢ |hᵢ − μ_{yᵢ}|², vᵀΣ_W v = (1/N) Σᵢ ((hᵢ − μ_{yᵢ})·v)².
    var traceW = 0.0
    var quads = [Double](repeating: 0, count: rank)
    var row = [Double](repeating: 0, count: d)
    features.elements.withUnsafeBufferPointer { h in
      means.withUnsafeBufferPointer { mu in
        basis.withUnsafeBufferPointer { v in
          row.withUnsafeMutableBufferPointer { c in
            for i in 0..<n {
              let hRow = h.baseAddress! + i * d
              let mean = mu.baseAddress! + labels[i] * d
              for j in 0..<d {
                let x = hRow[j] - mean[j]
                c[j] = x
                traceW += x * x
              }
              for r in 0..<rank {
                var s = 0.0
                for j in 0..<d { s += c[j] * v[r * d + j] }
                quads[r] += s * s
              }
            }
          }
        }
      }
    }
    traceW /= Double(n)
    var nc1 = 0.0
    for (r, e) in kept.enumerated() { nc1 += quads[r] / Double(n) / values[e] }
    // ŵᵀΣ_B ŵ |w|² = |Mᵀw|².
    var along = 0.0
    for k in 0..<q {
      var s = 0.0
      for a in 0..<d { s += m[k * d + a] * weights[a] }
      along += s * s
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
