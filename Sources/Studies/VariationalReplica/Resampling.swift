import Foundation
import Numerics

extension VGA {
  /// Poisson-resampling Monte Carlo at one sampling rate: the direct simulation of the
  /// grand-canonical ensemble the VGA approximates. Means over resamples, with standard
  /// errors (standard deviation / √R).
  public struct Resampling: Sendable {
    public let tau: Double
    /// The expected dataset size M = τM₀.
    public let size: Double
    public let resamples: Int
    /// Mean test error of the fitted estimators on the test set, and its standard error.
    public let testError: Double
    public let testSE: Double
    /// E[Σᵤ nᵤ κℓ(ŵ·xᵤ; yᵤ)]/M: the training error in the grand-canonical normalisation.
    public let trainError: Double
    public let trainSE: Double
    /// Test and training misclassification (logistic loss only).
    public let testMisclassification: Double?
    public let trainMisclassification: Double?
    /// tr Cov(ŵ)/d over resamples: the quenched variance, with an approximate standard
    /// error from the spread of |ŵ − ŵ̄|²/d.
    public let quenchedVariance: Double
    public let quenchedSE: Double
    /// E[tr H⁻¹]/d with H = λI + Σᵤ nᵤℓ″xᵤxᵤᵀ: the (Laplace) posterior variance at β = 1,
    /// exact for the square loss — the thermal variance.
    public let thermalVariance: Double
    public let thermalSE: Double
    /// E[κ Σᵤ nᵤ ℓ′(ŵ·xᵤ)² xᵤᵀH⁻¹xᵤ]/M: Takeuchi's penalty of each dataset, averaged.
    public let penalty: Double
    public let penaltySE: Double
    /// The mean estimator over resamples (compare with the VGA's m).
    public let mean: Vector

    /// test − train.
    public var gap: Double { testError - trainError }
  }

  /// Draws `resamples` datasets from the pool by giving each example a Poisson(τ)
  /// multiplicity nᵤ, fits the ridge-penalised estimator
  /// ŵ = argmin Σᵤ nᵤℓ(w·xᵤ; yᵤ) + λ|w|²/2 on each (square loss: one Cholesky solve;
  /// logistic: Newton's method with backtracking to |Δw|_∞ ≤ 1e-12(1 + |w|_∞)) and
  /// averages the learning quantities. Statistical error decreases as 1/√R; the tests use
  /// R ≥ 200 (design document, Checks). Seeded, so the result is reproducible.
  public static func resample(
    pool: Data, test: Data, tau: Double, lambda: Double, loss: Loss = .square,
    resamples: Int = 400, seed: UInt64 = 1, cancellation: Cancellation = .never
  ) throws -> Resampling {
    let op = "vga.resample"
    try validate(pool: pool, test: test, loss: loss, op)
    try validate(tau: tau, op)
    guard lambda.isFinite && lambda >= 0 && (lambda > 0 || loss == .square) else {
      throw NumericsError.invalidArgument(
        operation: op,
        message: "expected a finite lambda ≥ 0 (> 0 for the logistic loss), found \(lambda)")
    }
    guard resamples >= 2 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected at least 2 resamples, found \(resamples)")
    }
    var rng = RandomGenerator(seed: seed)
    let d = pool.dimension
    let size = tau * Double(pool.count)
    let kappa = loss.errorScale
    var tests = [Double]()
    var trains = [Double]()
    var thermals = [Double]()
    var penalties = [Double]()
    var testMis = [Double]()
    var trainMis = [Double]()
    var estimates = [Vector]()
    for _ in 0..<resamples {
      try cancellation.check()
      let (rows, counts) = poissonDataset(pool.count, tau, &rng)
      let x = gatherRows(pool.inputs, rows)
      let y = Vector(rows.map { pool.targets[$0] })
      let fit = try fitRidge(x, y, counts, lambda, loss, op)
      let u = try BLAS.gemv(x, fit.w)
      var train = 0.0
      var misfit = 0.0
      var penalty = 0.0
      let leverage = try Products.rowQuadratic(x, fit.hInverse)
      for i in 0..<rows.count {
        let pointwise = pointLoss(u[i], y[i], loss)
        train += counts[i] * kappa * pointwise.loss
        misfit += counts[i] * pointwise.error
        penalty += counts[i] * kappa * pointwise.slope * pointwise.slope * leverage[i]
      }
      let ut = try BLAS.gemv(test.inputs, fit.w)
      var testLoss = 0.0
      var testError = 0.0
      for i in 0..<test.count {
        let pointwise = pointLoss(ut[i], test.targets[i], loss)
        testLoss += kappa * pointwise.loss
        testError += pointwise.error
      }
      tests.append(testLoss / Double(test.count))
      testMis.append(testError / Double(test.count))
      trains.append(train / size)
      trainMis.append(misfit / size)
      penalties.append(penalty / size)
      thermals.append(fit.hInverse.trace / Double(d))
      estimates.append(fit.w)
    }
    var mean = Vector(count: d)
    for w in estimates { for j in 0..<d { mean[j] += w[j] / Double(resamples) } }
    let spread = estimates.map { w in
      (0..<d).reduce(0.0) { $0 + (w[$1] - mean[$1]) * (w[$1] - mean[$1]) } / Double(d)
    }
    let r = Double(resamples)
    let quenched = spread.reduce(0, +) / (r - 1)
    let logistic = loss == .logistic
    return Resampling(
      tau: tau, size: size, resamples: resamples,
      testError: meanOf(tests), testSE: standardError(tests),
      trainError: meanOf(trains), trainSE: standardError(trains),
      testMisclassification: logistic ? meanOf(testMis) : nil,
      trainMisclassification: logistic ? meanOf(trainMis) : nil,
      quenchedVariance: quenched, quenchedSE: standardError(spread) * r / (r - 1),
      thermalVariance: meanOf(thermals), thermalSE: standardError(thermals),
      penalty: meanOf(penalties), penaltySE: standardError(penalties), mean: mean)
  }

  /// The pool rows with a non-zero Poisson(τ) multiplicity, and those multiplicities.
  /// Inversion of the Poisson distribution function (τ ≤ 1, so a few steps at most).
  static func poissonDataset(_ n: Int, _ tau: Double, _ rng: inout RandomGenerator)
    -> ([Int], [Double])
  {
    let p0 = exp(-tau)
    var rows = [Int]()
    var counts = [Double]()
    for i in 0..<n {
      let u = rng.uniform()
      if u < p0 { continue }
      var k = 1
      var p = p0 * tau
      var cdf = p0 + p
      while u >= cdf && k < 64 {
        k += 1
        p *= tau / Double(k)
        cdf += p
      }
      rows.append(i)
      counts.append(Double(k))
    }
    return (rows, counts)
  }

  /// The listed rows of X, in order.
  static func gatherRows(_ x: Matrix, _ rows: [Int]) -> Matrix {
    let d = x.cols
    return x.elements.withUnsafeBufferPointer { px in
      Matrix(rows: rows.count, cols: d) { out in
        for (r, i) in rows.enumerated() {
          for j in 0..<d { out[r * d + j] = px[i * d + j] }
        }
      }
    }
  }

  /// Loss ℓ, slope ℓ′ (in u) and misclassification of one prediction u for target y.
  static func pointLoss(_ u: Double, _ y: Double, _ loss: Loss)
    -> (loss: Double, slope: Double, error: Double)
  {
    switch loss {
    case .square:
      return (0.5 * (y - u) * (y - u), u - y, 0)
    case .logistic:
      return (
        LogisticEnvelope.softplusOfNegative(y * u), -y * LogisticEnvelope.sigmoid(-y * u),
        y * u < 0 ? 1 : (y * u == 0 ? 0.5 : 0)
      )
    }
  }

  /// The weighted ridge fit of one dataset and the inverse Hessian H⁻¹ at it.
  static func fitRidge(
    _ x: Matrix, _ y: Vector, _ counts: [Double], _ lambda: Double, _ loss: Loss, _ op: String
  ) throws -> (w: Vector, hInverse: Matrix) {
    let d = x.cols
    func hessianInverse(_ curvature: Vector) throws -> Matrix {
      var h = try Products.weightedGram(x, curvature)
      for i in 0..<d { h[i, i] += lambda }
      return try Products.spdInverse(h, op)
    }
    switch loss {
    case .square:
      let hInverse = try hessianInverse(Vector(counts))
      let b = try BLAS.gemv(x, Vector(zip(counts, y).map { $0 * $1 }), transpose: true)
      return (try BLAS.gemv(hInverse, b), hInverse)
    case .logistic:
      func objective(_ w: Vector) throws -> Double {
        let u = try BLAS.gemv(x, w)
        var f = 0.5 * lambda * w.reduce(0) { $0 + $1 * $1 }
        for i in 0..<u.count { f += counts[i] * LogisticEnvelope.softplusOfNegative(y[i] * u[i]) }
        return f
      }
      var w = Vector(count: d)
      var f = try objective(w)
      for _ in 0..<200 {
        let u = try BLAS.gemv(x, w)
        let slope = Vector(
          (0..<u.count).map { -counts[$0] * y[$0] * LogisticEnvelope.sigmoid(-y[$0] * u[$0]) })
        let curvature = Vector(
          (0..<u.count).map {
            let s = LogisticEnvelope.sigmoid(u[$0])
            return counts[$0] * s * (1 - s)
          })
        var grad = try BLAS.gemv(x, slope, transpose: true)
        for j in 0..<d { grad[j] += lambda * w[j] }
        let step = try BLAS.gemv(try hessianInverse(curvature), grad)
        var t = 1.0
        var next = w
        var fNext = f
        repeat {
          next = Vector((0..<d).map { w[$0] - t * step[$0] })
          fNext = try objective(next)
          t *= 0.5
        } while fNext > f && t > 1e-10
        let change = (0..<d).map { abs(next[$0] - w[$0]) }.max() ?? 0
        w = next
        f = fNext
        if change <= 1e-12 * (1 + (w.map(abs).max() ?? 0)) { break }
      }
      let u = try BLAS.gemv(x, w)
      let curvature = Vector(
        (0..<u.count).map {
          let s = LogisticEnvelope.sigmoid(u[$0])
          return counts[$0] * s * (1 - s)
        })
      return (w, try hessianInverse(curvature))
    }
  }

  static func meanOf(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }

  static func standardError(_ x: [Double]) -> Double {
    let m = meanOf(x)
    let v = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
    return (v / Double(x.count)).squareRoot()
  }
}
