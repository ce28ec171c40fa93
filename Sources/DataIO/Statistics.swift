import Numerics

/// Summary statistics over numeric samples that skip missing values (NaN), as
/// data-frame libraries do; shared by `describe` and group aggregations.
enum Statistics {
  /// The finite-or-infinite (non-NaN) values of `x`.
  static func present(_ x: some Sequence<Double>) -> [Double] {
    x.filter { !$0.isNaN }
  }

  /// Arithmetic mean (1/n) Σ xᵢ by pairwise summation (error O(ε log n), Higham,
  /// *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §4.2). NaN when empty.
  static func mean(_ x: [Double]) -> Double {
    guard !x.isEmpty else { return .nan }
    return x.withUnsafeBufferPointer { Kernels.pairwiseSum($0) } / Double(x.count)
  }

  /// Sample standard deviation √(Σ (xᵢ − x̄)² / (n − 1)) by the corrected two-pass
  /// algorithm (Chan, Golub & LeVeque 1983, eq. 1.7): the second term removes the
  /// rounding error of x̄ to first order. NaN when n < 2 (the estimator is undefined).
  static func std(_ x: [Double]) -> Double {
    guard x.count >= 2 else { return .nan }
    let m = mean(x)
    var squares = 0.0
    var deviations = 0.0
    for v in x {
      let d = v - m
      squares += d * d
      deviations += d
    }
    let n = Double(x.count)
    return ((squares - deviations * deviations / n) / (n - 1)).squareRoot()
  }

  /// The p-quantile of ascending `sorted` by linear interpolation between order
  /// statistics, h = (n − 1)p, Q = x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎): definition 7 of
  /// Hyndman & Fan (1996), the default of numpy, pandas and R. NaN when empty.
  static func quantile(sorted x: [Double], _ p: Double) -> Double {
    guard !x.isEmpty else { return .nan }
    let h = Double(x.count - 1) * p
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, x.count - 1)
    return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
  }
}

extension Table {
  /// Summary of every numeric column, one column per numeric column and one row per
  /// statistic: count (of non-NaN values), mean, std (n − 1), min, 25%, 50%, 75%, max.
  /// NaN values are skipped; text columns are left out. The first column, `statistic`,
  /// names the rows.
  public func describe() -> Table {
    let labels = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]
    var pairs: [(name: String, column: Column)] = [("statistic", .text(labels))]
    for (name, column) in zip(names, columns) {
      guard case .number(let v) = column else { continue }
      let x = Statistics.present(v.elements).sorted()
      let stats: [Double] = [
        Double(x.count), Statistics.mean(x), Statistics.std(x), x.first ?? .nan,
        Statistics.quantile(sorted: x, 0.25), Statistics.quantile(sorted: x, 0.5),
        Statistics.quantile(sorted: x, 0.75), x.last ?? .nan,
      ]
      pairs.append((name == "statistic" ? "statistic.1" : name, .number(Vector(stats))))
    }
    // Unique names (the only possible clash is renamed above), eight rows each.
    return Table(unchecked: pairs, rowCount: labels.count)
  }
}
