import Foundation

/// Descriptive statistics with numpy's conventions.
///
/// Empty input throws `invalidArgument`. NaN propagates as in numpy: any NaN in the
/// data makes `mean`, `variance`, `standardDeviation`, `median`, `quantile`,
/// `covariance`, `correlation` and the affected `covarianceMatrix` entries NaN.
/// `histogram` follows `np.histogram`: with an explicit range NaN values fall in no bin;
/// without one, NaN or infinite data make the range undefined and it throws `nonFinite`.
public enum Statistics {
  /// The arithmetic mean (pairwise summation, as numpy).
  public static func mean(_ v: Vector) throws -> Double {
    try requireNonEmpty(v, "mean")
    return v.sum() / Double(v.count)
  }

  /// Σ(xᵢ − x̄)² / (n − ddof) by two passes (numpy `var`; ddof = 1 gives the unbiased
  /// estimator). Throws unless 0 ≤ ddof < n.
  public static func variance(_ v: Vector, ddof: Int = 0) throws -> Double {
    try requireNonEmpty(v, "variance")
    try requireDegrees(v.count, ddof, "variance")
    let m = v.sum() / Double(v.count)
    var s = 0.0
    for x in v.elements {
      let d = x - m
      s += d * d
    }
    return s / Double(v.count - ddof)
  }

  /// √variance (numpy `std`).
  public static func standardDeviation(_ v: Vector, ddof: Int = 0) throws -> Double {
    try variance(v, ddof: ddof).squareRoot()
  }

  /// The median: the 0.5 quantile, the mean of the two middle values for even n.
  public static func median(_ v: Vector) throws -> Double {
    try requireNonEmpty(v, "median")
    return try quantile(v, 0.5)
  }

  /// The q-quantile, q ∈ [0, 1], by numpy's default `linear` method (Hyndman & Fan
  /// 1996, definition 7): with sorted x and h = (n − 1)q, j = ⌊h⌋, γ = h − j, the result
  /// is x_j + γ (x_{j+1} − x_j), evaluated as numpy's `_lerp` does (from the nearer end).
  public static func quantile(_ v: Vector, _ q: Double) throws -> Double {
    try requireNonEmpty(v, "quantile")
    guard q >= 0 && q <= 1 else {
      throw NumericsError.invalidArgument(
        operation: "quantile", message: "expected q in [0, 1], found \(q)")
    }
    if v.elements.contains(where: { $0.isNaN }) { return .nan }
    let x = v.elements.sorted()
    let h = Double(x.count - 1) * q
    let j = min(Int(h.rounded(.down)), x.count - 1)
    let gamma = h - Double(j)
    if j + 1 >= x.count || gamma == 0 { return x[j] }
    let a = x[j]
    let b = x[j + 1]
    let diff = b - a
    return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
  }

  /// Counts of v in `bins` equal-width bins over `range` (default: [min v, max v],
  /// widened to [m − 0.5, m + 0.5] when all values equal m), as `np.histogram`: bins are
  /// half-open [eᵢ, eᵢ₊₁) except the last, which includes its right edge; values outside
  /// the range are not counted. With `density`, counts are divided by
  /// (number counted · bin width), so the histogram integrates to 1.
  ///
  /// - Returns: `bins` counts and `bins + 1` edges.
  /// - Throws: `invalidArgument` for empty v, bins < 1, a range that is not finite or
  ///   has upper < lower, or `density` with no value in range; `nonFinite` for NaN or
  ///   infinite data without an explicit range.
  public static func histogram(
    _ v: Vector, bins: Int, range: ClosedRange<Double>? = nil, density: Bool = false
  ) throws -> (counts: Vector, edges: Vector) {
    let operation = "histogram"
    try requireNonEmpty(v, operation)
    guard bins >= 1 else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected bins ≥ 1, found \(bins)")
    }
    var lo: Double
    var hi: Double
    if let range {
      guard range.lowerBound.isFinite && range.upperBound.isFinite else {
        throw NumericsError.invalidArgument(
          operation: operation,
          message: "expected a finite range, found \(range.lowerBound)...\(range.upperBound)")
      }
      (lo, hi) = (range.lowerBound, range.upperBound)
    } else {
      guard v.elements.allSatisfy({ $0.isFinite }) else {
        throw NumericsError.nonFinite(operation: operation)
      }
      lo = v.elements.min()!
      hi = v.elements.max()!
    }
    if lo == hi {
      lo -= 0.5
      hi += 0.5
    }
    let edges = Vector.linspace(lo, hi, count: bins + 1)
    var counts = [Double](repeating: 0, count: bins)
    let norm = Double(bins) / (hi - lo)
    for x in v.elements where x >= lo && x <= hi {
      // numpy's index computation, then its correction against the stored edges.
      var i = min(Int((x - lo) * norm), bins - 1)
      if x < edges[i] { i -= 1 }
      if i != bins - 1 && x >= edges[i + 1] { i += 1 }
      counts[i] += 1
    }
    if density {
      let total = counts.reduce(0, +)
      guard total > 0 else {
        throw NumericsError.invalidArgument(
          operation: operation, message: "density needs at least one value in range, found none")
      }
      for i in 0..<bins { counts[i] /= total * (edges[i + 1] - edges[i]) }
    }
    return (Vector(counts), edges)
  }

  /// The sample covariance Σ(xᵢ − x̄)(yᵢ − ȳ)/(n − ddof). The default ddof = 1 is
  /// `np.cov`'s (unlike `variance`, whose default 0 is `np.var`'s).
  public static func covariance(_ x: Vector, _ y: Vector, ddof: Int = 1) throws -> Double {
    let operation = "covariance"
    try requirePaired(x, y, operation)
    try requireDegrees(x.count, ddof, operation)
    let mx = x.sum() / Double(x.count)
    let my = y.sum() / Double(y.count)
    var s = 0.0
    for i in 0..<x.count { s += (x[i] - mx) * (y[i] - my) }
    return s / Double(x.count - ddof)
  }

  /// Pearson's correlation cov(x, y)/(σₓ σᵧ) (`np.corrcoef`), clipped to [−1, 1]
  /// against rounding. Throws `invalidArgument` when x or y is constant (numpy gives NaN).
  public static func correlation(_ x: Vector, _ y: Vector) throws -> Double {
    let operation = "correlation"
    try requirePaired(x, y, operation)
    let mx = x.sum() / Double(x.count)
    let my = y.sum() / Double(y.count)
    var sxy = 0.0
    var sxx = 0.0
    var syy = 0.0
    for i in 0..<x.count {
      let dx = x[i] - mx
      let dy = y[i] - my
      sxy += dx * dy
      sxx += dx * dx
      syy += dy * dy
    }
    guard sxx != 0 && syy != 0 else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "correlation is undefined for a constant vector")
    }
    let r = sxy / (sxx * syy).squareRoot()
    return r.isNaN ? r : min(1, max(-1, r))
  }

  /// The p × p sample covariance matrix of an n × p matrix whose rows are observations
  /// and columns variables (`np.cov(m, rowvar=False, ddof=ddof)`), divided by n − ddof.
  public static func covarianceMatrix(_ m: Matrix, ddof: Int = 1) throws -> Matrix {
    let operation = "covarianceMatrix"
    guard m.rows > 0 && m.cols > 0 else {
      throw NumericsError.invalidArgument(
        operation: operation,
        message: "expected at least one observation and one variable, found \(m.rows)×\(m.cols)")
    }
    try requireDegrees(m.rows, ddof, operation)
    let (n, p) = (m.rows, m.cols)
    let means = m.sum(axis: 0).elements.map { $0 / Double(n) }
    var centred = m.elements
    for i in 0..<n { for j in 0..<p { centred[i * p + j] -= means[j] } }
    var c = Matrix(rows: p, cols: p)
    let scale = 1 / Double(n - ddof)
    for a in 0..<p {
      for b in a..<p {
        var s = 0.0
        for i in 0..<n { s += centred[i * p + a] * centred[i * p + b] }
        c[a, b] = s * scale
        c[b, a] = s * scale
      }
    }
    return c
  }

  private static func requireNonEmpty(_ v: Vector, _ operation: String) throws {
    guard !v.isEmpty else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected a non-empty vector, found length 0")
    }
  }

  private static func requirePaired(_ x: Vector, _ y: Vector, _ operation: String) throws {
    guard x.count == y.count else {
      throw NumericsError.shapeMismatch(operation: operation, lhs: x.shape, rhs: y.shape)
    }
    try requireNonEmpty(x, operation)
  }

  private static func requireDegrees(_ n: Int, _ ddof: Int, _ operation: String) throws {
    guard ddof >= 0 && ddof < n else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected 0 ≤ ddof < \(n) observations, found ddof \(ddof)")
    }
  }
}
