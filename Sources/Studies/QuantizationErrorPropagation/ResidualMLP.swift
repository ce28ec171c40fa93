import Foundation
import Numerics

extension QEP {
  /// A pre-norm residual MLP stack, the study's small transformer stand-in:
  ///
  ///   x ← x + W_down · gelu(W_up · rms(x))   for each of `depth` blocks,
  ///
  /// rms(x) = x / √(mean x² + ε) per token (RMSNorm without gain, Zhang & Sennrich 2019),
  /// gelu the erf form. Layer roles: "up" (`hidden × width`) and "down"
  /// (`width × hidden`).
  public struct ResidualMLP: Sendable, Equatable {
    public var up: [Matrix]
    public var down: [Matrix]
    /// ε of the RMS normalisation.
    public let epsilon: Double

    /// The layer roles of one block, in the order they are quantized.
    public static let roles = ["up", "down"]

    public var depth: Int { up.count }
    public var width: Int { up.first?.cols ?? 0 }
    public var hidden: Int { up.first?.rows ?? 0 }

    /// A stack with the given weights; shapes must chain.
    public init(up: [Matrix], down: [Matrix], epsilon: Double = 1e-6) throws {
      let op = "qep.mlp"
      try require(
        !up.isEmpty && up.count == down.count, op,
        "expected as many up as down projections (≥ 1), found \(up.count) and \(down.count)")
      let d = up[0].cols
      let hdn = up[0].rows
      for (l, (u, w)) in zip(up, down).enumerated() {
        try require(
          u.rows == hdn && u.cols == d && w.rows == d && w.cols == hdn, op,
          "expected block \(l) to have up \(hdn)×\(d) and down \(d)×\(hdn), found \(u.rows)×\(u.cols) and \(w.rows)×\(w.cols)"
        )
      }
      try require(epsilon >= 0 && epsilon.isFinite, op, "expected ε ≥ 0, found \(epsilon)")
      self.up = up
      self.down = down
      self.epsilon = epsilon
    }

    /// Random weights: W_up entries N(0, 1/width), W_down entries N(0, 1/hidden) times
    /// `residualScale` (so each block adds a perturbation of relative size about
    /// `residualScale` to the stream).
    public static func random(
      width: Int, hidden: Int, depth: Int, residualScale: Double = 1, seed: UInt64
    ) throws -> ResidualMLP {
      let op = "qep.mlp"
      try require(
        width >= 1 && hidden >= 1 && depth >= 1, op,
        "expected width, hidden and depth ≥ 1, found \(width), \(hidden), \(depth)")
      var rng = RandomGenerator(seed: seed)
      var ups: [Matrix] = []
      var downs: [Matrix] = []
      for _ in 0..<depth {
        let u = rng.normalVector(count: hidden * width).elements.map {
          $0 / Double(width).squareRoot()
        }
        let w = rng.normalVector(count: width * hidden).elements.map {
          $0 * residualScale / Double(hidden).squareRoot()
        }
        ups.append(try Matrix(rows: hidden, cols: width, elements: u))
        downs.append(try Matrix(rows: width, cols: hidden, elements: w))
      }
      return try ResidualMLP(up: ups, down: downs)
    }

    /// rms(x) per row.
    func normalized(_ x: Matrix) -> Matrix {
      var out = x
      let d = x.cols
      out.elements.withUnsafeMutableBufferPointer { p in
        for t in 0..<x.rows {
          var ss = 0.0
          for j in 0..<d { ss += p[t * d + j] * p[t * d + j] }
          let r = 1 / (ss / Double(d) + epsilon).squareRoot()
          for j in 0..<d { p[t * d + j] *= r }
        }
      }
      return out
    }

    /// gelu(rms(x) W_upᵀ), the down projection's input in block l.
    func hiddenActivations(_ normed: Matrix, up u: Matrix) throws -> Matrix {
      var a = try QEP.apply(u, to: normed)
      QEP.gelu(&a)
      return a
    }

    /// The residual stream after every block: element 0 is the input, element l the
    /// stream after block l (`tokens × width` each).
    public func streams(_ x: Matrix) throws -> [Matrix] {
      try require(
        x.cols == width, "qep.mlp", "expected inputs of width \(width), found \(x.cols)")
      var out = [x]
      var h = x
      for l in 0..<depth {
        let a = try hiddenActivations(normalized(h), up: up[l])
        let y = try QEP.apply(down[l], to: a)
        QEP.add(&h, y)
        out.append(h)
      }
      return out
    }

    /// The output of the stack.
    public func callAsFunction(_ x: Matrix) throws -> Matrix {
      try streams(x).last ?? x
    }
  }

  /// Quantizes every layer of the stack in order, block by block, with two forward
  /// streams over the calibration tokens: the full-precision stream X and the stream X̂
  /// through the layers quantized so far. Each layer is quantized from the statistics of
  /// its inputs in both streams (`Settings.quantize`); the stream X̂ then continues
  /// through the quantized layer. Without a correction this is sequential GPTQ (Frantar
  /// et al. 2023, §4, inputs from the partly quantized model) or plain RTN.
  public static func quantize(
    _ model: ResidualMLP, calibration x: Matrix, settings: Settings,
    cancellation: Cancellation = .never, progress: Numerics.Progress = .silent
  ) throws -> ResidualMLP {
    let op = "qep.quantize"
    try settings.validateExclusions(ResidualMLP.roles, op)
    try require(
      x.cols == model.width, op,
      "expected calibration tokens of width \(model.width), found \(x.cols)")
    try require(x.rows >= 1, op, "expected at least one calibration token, found none")
    try requireFinite(x, "the calibration tokens", op)
    var result = model
    var full = x
    var quant = x
    for l in 0..<model.depth {
      try cancellation.check()
      let a = model.normalized(full)
      let aHat = model.normalized(quant)
      let upStats = try settings.statistics("up", full: a, quantized: aHat)
      result.up[l] = try settings.quantize(model.up[l], role: "up", statistics: upStats)
      let b = try model.hiddenActivations(a, up: model.up[l])
      let bHat = try model.hiddenActivations(aHat, up: result.up[l])
      let downStats = try settings.statistics("down", full: b, quantized: bHat)
      result.down[l] = try settings.quantize(model.down[l], role: "down", statistics: downStats)
      let y = try QEP.apply(model.down[l], to: b)
      let yHat = try QEP.apply(result.down[l], to: bHat)
      QEP.add(&full, y)
      QEP.add(&quant, yHat)
      progress.report(l + 1, of: model.depth)
    }
    return result
  }
}
