import Foundation
import Numerics

extension QEP {
  /// The residual-MLP experiment of the study: a random `ResidualMLP`, calibration and
  /// held-out tokens from one anisotropic Gaussian distribution, and `trials`
  /// independent repetitions (trial t uses seed + t for weights, distribution and
  /// samples). Errors are measured on the held-out tokens.
  public struct MLPExperiment: Sendable, Equatable {
    public let width: Int
    public let hidden: Int
    public let depth: Int
    public let calibrationTokens: Int
    public let testTokens: Int
    public let residualScale: Double
    public let trials: Int
    public let seed: UInt64

    /// Validates positive sizes (the spec's reference point is the default).
    public init(
      width: Int = 64, hidden: Int = 256, depth: Int = 6, calibrationTokens: Int = 1024,
      testTokens: Int = 1024, residualScale: Double = 1, trials: Int = 1, seed: UInt64 = 1
    ) throws {
      let op = "qep.experiment"
      try require(
        width >= 1 && hidden >= 1 && depth >= 1, op,
        "expected width, hidden and depth ≥ 1, found \(width), \(hidden), \(depth)")
      try require(
        calibrationTokens >= 1 && testTokens >= 1, op,
        "expected ≥ 1 calibration and test tokens, found \(calibrationTokens) and \(testTokens)")
      try require(
        residualScale.isFinite && residualScale > 0, op,
        "expected a residual scale > 0, found \(residualScale)")
      try require(trials >= 1, op, "expected trials ≥ 1, found \(trials)")
      self.width = width
      self.hidden = hidden
      self.depth = depth
      self.calibrationTokens = calibrationTokens
      self.testTokens = testTokens
      self.residualScale = residualScale
      self.trials = trials
      self.seed = seed
    }

    /// One trial's model and data; `calibration` overrides the calibration size.
    func instance(_ t: Int, calibration: Int? = nil) throws -> (
      model: ResidualMLP, calibration: Matrix, test: Matrix
    ) {
      let s = seed &+ UInt64(t) &* 0x9E37_79B9
      let model = try ResidualMLP.random(
        width: width, hidden: hidden, depth: depth, residualScale: residualScale, seed: s)
      let mixing = QEP.mixingMatrix(width: width, seed: s &+ 1)
      var rng = RandomGenerator(seed: s &+ 2)
      let cal = try QEP.tokens(count: calibration ?? calibrationTokens, mixing: mixing, &rng)
      let test = try QEP.tokens(count: testTokens, mixing: mixing, &rng)
      return (model, cal, test)
    }

    /// Relative error of every residual stream (index 0 = input … depth = output) on the
    /// held-out tokens, one row per trial.
    func streamErrors(
      _ settings: Settings, calibration: Int? = nil, cancellation: Cancellation
    ) throws -> Matrix {
      var rows: [[Double]] = []
      for t in 0..<trials {
        try cancellation.check()
        let (model, cal, test) = try instance(t, calibration: calibration)
        let q = try QEP.quantize(
          model, calibration: cal, settings: settings, cancellation: cancellation)
        let ref = try model.streams(test)
        let out = try q.streams(test)
        rows.append(try zip(ref, out).map { try QEP.relativeError($0, $1) })
      }
      return try Matrix(rowsOf: rows)
    }

    /// Mean and standard error over trials of the output's relative error.
    func outputError(
      _ settings: Settings, calibration: Int? = nil, cancellation: Cancellation
    ) throws -> (mean: Double, se: Double) {
      let e = try streamErrors(settings, calibration: calibration, cancellation: cancellation)
      return QEP.meanAndError(e.column(depth))
    }
  }

  /// A fixed random `width × width` mixing with a decaying spectrum: rows of a Gaussian
  /// matrix scaled by s_k = (k + 1)^(−1/2), so tokens x = z M (z standard normal) have
  /// covariance Mᵀ M with condition number about `width` — correlated inputs, as in real
  /// activations, where GPTQ's Hessian matters.
  static func mixingMatrix(width d: Int, seed: UInt64) -> Matrix {
    var rng = RandomGenerator(seed: seed)
    let g = rng.normalVector(count: d * d).elements
    return Matrix(rows: d, cols: d) { out in
      for k in 0..<d {
        let s = 1 / Double(k + 1).squareRoot()
        for j in 0..<d { out[k * d + j] = g[k * d + j] * s }
      }
    }
  }

  /// `count` tokens z M with z standard normal (`count × width`).
  static func tokens(count: Int, mixing: Matrix, _ rng: inout RandomGenerator) throws -> Matrix {
    let z = try Matrix(
      rows: count, cols: mixing.rows,
      elements: rng.normalVector(count: count * mixing.rows).elements)
    return try BLAS.gemm(z, mixing)
  }

  /// Sample mean and its standard error s/√n (0 for one sample).
  static func meanAndError(_ v: Vector) -> (mean: Double, se: Double) {
    let n = Double(v.count)
    let m = v.mean()
    guard v.count > 1 else { return (m, 0) }
    let ss = v.reduce(0) { $0 + ($1 - m) * ($1 - m) }
    return (m, (ss / (n - 1) / n).squareRoot())
  }

  /// The bits × method × QEP table.
  public struct TableResult: Sendable {
    /// The bit widths, one per row.
    public let bits: [Int]
    /// Column names: "rtn", "rtn+qep", "gptq", "gptq+qep".
    public let columns: [String]
    /// Mean relative output error on held-out tokens (bits × 4).
    public let error: Matrix
    /// Its standard error over trials (zeros for one trial).
    public let standardError: Matrix
  }

  /// The relative output error ‖f(X) − f_Q(X)‖_F/‖f(X)‖_F of the quantized stack on
  /// held-out tokens for every bit width and for RTN, RTN + QEP, GPTQ and GPTQ + QEP
  /// (the paper's Table 1 design on the study's small stack). The spec's reference
  /// point: at 2, 3 and 4 bits RTN > RTN+QEP > GPTQ > GPTQ+QEP.
  public static func table(
    _ e: MLPExperiment, bits: [Int], groupSize: Int = 0, propagation: Propagation,
    cancellation: Cancellation = .never, progress: Numerics.Progress = .silent
  ) throws -> TableResult {
    try require(!bits.isEmpty, "qep.table", "expected at least one bit width, found none")
    var mean: [[Double]] = []
    var se: [[Double]] = []
    for (i, b) in bits.enumerated() {
      let grid = try Grid(bits: b, groupSize: groupSize)
      var rowM: [Double] = []
      var rowS: [Double] = []
      for method in [Method.rtn, .gptq] {
        for p in [nil, propagation] {
          let s = try Settings(method: method, grid: grid, propagation: p)
          let (m, err) = try e.outputError(s, cancellation: cancellation)
          rowM.append(m)
          rowS.append(err)
        }
      }
      mean.append(rowM)
      se.append(rowS)
      progress.report(i + 1, of: bits.count)
    }
    return TableResult(
      bits: bits, columns: ["rtn", "rtn+qep", "gptq", "gptq+qep"],
      error: try Matrix(rowsOf: mean), standardError: try Matrix(rowsOf: se))
  }

  /// Error growth against depth (the paper's Fig. 2).
  public struct DepthResult: Sendable {
    /// Block index 0 … depth (0 is the input, whose error is 0).
    public let block: Vector
    /// Mean relative error ‖X_l − X̂_l‖_F/‖X_l‖_F of the residual stream, base method.
    public let base: Vector
    /// The same with the QEP correction.
    public let qep: Vector
  }

  /// The relative error of the residual stream after every block on held-out tokens,
  /// for the base method and with QEP, averaged over trials.
  public static func depthProfile(
    _ e: MLPExperiment, method: Method, grid: Grid, propagation: Propagation,
    cancellation: Cancellation = .never
  ) throws -> DepthResult {
    let base = try e.streamErrors(
      try Settings(method: method, grid: grid), cancellation: cancellation)
    let qep = try e.streamErrors(
      try Settings(method: method, grid: grid, propagation: propagation),
      cancellation: cancellation)
    return DepthResult(
      block: Vector((0...e.depth).map(Double.init)),
      base: base.sum(axis: 0).map { $0 / Double(e.trials) },
      qep: qep.sum(axis: 0).map { $0 / Double(e.trials) })
  }

  /// A one-parameter sweep: mean relative output error and its standard error.
  public struct SweepResult: Sendable {
    public let values: Vector
    public let error: Vector
    public let standardError: Vector
  }

  /// The relative output error against the propagation strength α (α = 0 is the base
  /// method), at fixed damping and exclusions.
  public static func alphaSweep(
    _ e: MLPExperiment, method: Method, grid: Grid, alphas: [Double], damping: Double,
    excluded: Set<String>, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> SweepResult {
    try require(!alphas.isEmpty, "qep.alpha_sweep", "expected at least one alpha, found none")
    var m: [Double] = []
    var s: [Double] = []
    for (i, a) in alphas.enumerated() {
      let p = try Propagation(alpha: a, damping: damping, excluded: excluded)
      let r = try e.outputError(
        try Settings(method: method, grid: grid, propagation: p), cancellation: cancellation)
      m.append(r.mean)
      s.append(r.se)
      progress.report(i + 1, of: alphas.count)
    }
    return SweepResult(values: Vector(alphas), error: Vector(m), standardError: Vector(s))
  }

  /// The calibration-size sweep.
  public struct CalibrationResult: Sendable {
    /// Calibration sizes n_cal, one per row.
    public let sizes: Vector
    /// Propagation strengths, one per column.
    public let alphas: Vector
    /// Mean relative output error (sizes × alphas).
    public let error: Matrix
    /// Its standard error over trials.
    public let standardError: Matrix
  }

  /// The relative output error for each calibration size and propagation strength: with
  /// n_cal below the layer width Ĥ is singular, the full correction (α = 1) over-fits
  /// the few tokens and α < 1 (or more damping) regularises it.
  public static func calibrationSweep(
    _ e: MLPExperiment, method: Method, grid: Grid, sizes: [Int], alphas: [Double],
    damping: Double, excluded: Set<String>, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> CalibrationResult {
    let op = "qep.calibration_sweep"
    try require(!sizes.isEmpty && !alphas.isEmpty, op, "expected sizes and alphas, found none")
    try require(
      sizes.allSatisfy { $0 >= 1 }, op, "expected calibration sizes ≥ 1, found \(sizes)")
    var m: [[Double]] = []
    var s: [[Double]] = []
    for (i, n) in sizes.enumerated() {
      var rowM: [Double] = []
      var rowS: [Double] = []
      for a in alphas {
        let p = try Propagation(alpha: a, damping: damping, excluded: excluded)
        let r = try e.outputError(
          try Settings(method: method, grid: grid, propagation: p), calibration: n,
          cancellation: cancellation)
        rowM.append(r.mean)
        rowS.append(r.se)
      }
      m.append(rowM)
      s.append(rowS)
      progress.report(i + 1, of: sizes.count)
    }
    return CalibrationResult(
      sizes: Vector(sizes.map(Double.init)), alphas: Vector(alphas), error: try Matrix(rowsOf: m),
      standardError: try Matrix(rowsOf: s))
  }
}
