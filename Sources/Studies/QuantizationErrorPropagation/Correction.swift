import Foundation
import Numerics

extension QEP {
  /// The input statistics of one layer from the two forward streams: Ĥ = X̂ᵀX̂/n and
  /// H_δ = δᵀX̂/n with δ = X − X̂, X the layer's inputs in the full-precision model and X̂
  /// in the partly quantized one (both `n × d_in`, one token per row). Both carry the
  /// same 1/n scaling, so the correction does not depend on it (the reference code uses
  /// 2/n). Layers that read the same input (query, key, value; up and gate) share them.
  public struct LayerStatistics: Sendable {
    /// Ĥ = X̂ᵀX̂/n (`d_in × d_in`).
    public let hessian: Matrix
    /// H_δ = (X − X̂)ᵀX̂/n (`d_in × d_in`); nil when X̂ = X (then H_δ = 0 exactly) or
    /// when it was not asked for (a layer the correction skips).
    public let cross: Matrix?
    /// The number of calibration tokens n.
    public let tokens: Int

    /// Accumulates both products by matrix multiplication in double precision.
    public init(full x: Matrix, quantized xHat: Matrix) throws {
      try self.init(full: x, quantized: xHat, withCross: true)
    }

    /// Ĥ, and H_δ when `withCross` and the streams differ; Ĥ (`dsyrk`) and H_δ (`dgemm`)
    /// are computed at the same time on two threads, and Ĥ alone as the sum of its two
    /// halves over the tokens, one per thread. The work split is fixed, so the result
    /// does not depend on the thread count.
    init(full x: Matrix, quantized xHat: Matrix, withCross: Bool) throws {
      let op = "qep.statistics"
      try require(
        x.rows == xHat.rows && x.cols == xHat.cols, op,
        "expected the two streams' inputs to have equal shapes, found \(x.rows)×\(x.cols) and \(xHat.rows)×\(xHat.cols)"
      )
      try require(x.rows >= 1, op, "expected at least one calibration token, found none")
      try requireFinite(x, "the full-precision inputs", op)
      try requireFinite(xHat, "the quantized inputs", op)
      let scale = 1 / Double(x.rows)
      let needsCross = withCross && x.elements != xHat.elements
      let t = x.rows
      // Two tasks: Ĥ and H_δ; without H_δ, Ĥ of the first and of the second half of the
      // tokens (added afterwards), when there are tokens enough to split.
      let halves = !needsCross && t >= 64
      let products = try ParallelWork.map(
        count: needsCross || halves ? 2 : 1, workers: 2, cancellation: .never
      ) { task -> Matrix in
        if needsCross && task == 1 {
          var delta = x
          QEP.add(&delta, xHat, times: -1)
          return try BLAS.gemm(delta, xHat, transA: true, alpha: scale)
        }
        let rows = halves ? (task == 0 ? 0..<(t / 2) : (t / 2)..<t) : 0..<t
        return try BLAS.gram(xHat, rows: rows)  // X̂ᵀX̂ by a symmetric rank-k update
      }
      var h = products[0]
      h.elements.withUnsafeMutableBufferPointer { p in
        if halves {
          products[1].elements.withUnsafeBufferPointer { q in
            for e in p.indices { p[e] = (p[e] + q[e]) * scale }
          }
        } else {
          for e in p.indices { p[e] *= scale }
        }
      }
      hessian = h
      cross = needsCross ? products[1] : nil
      tokens = x.rows
    }

    /// The statistics of a layer whose inputs carry no propagated error (X̂ = X):
    /// H_δ = 0.
    public init(inputs x: Matrix) throws {
      try self.init(full: x, quantized: x)
    }
  }

  /// The QEP weight correction (Arai & Ichikawa 2025, eq. 9 with the propagation
  /// strength of §4.2):
  ///
  ///   W*(α) = W + α · (W H_δ)(Ĥ + λI)⁻¹,  λ = `damping` · mean(diag Ĥ),
  ///
  /// which for α = 1, λ = 0 is the exact minimiser W X X̂ᵀ(X̂X̂ᵀ)⁻¹ of ‖WX − W'X̂‖_F over
  /// unconstrained W' (paper's notation, inputs as columns). The solve is one Cholesky
  /// factorisation of Ĥ + λI and two triangular solves per output row; dead inputs
  /// (Ĥ_jj = 0) get Ĥ_jj = 1 first, as in GPTQ. α = 0 or X̂ = X give W* = W exactly
  /// (nothing is added). Rounding error: of order κ(Ĥ + λI) ε relative.
  public static func corrected(
    _ w: Matrix, statistics s: LayerStatistics, alpha: Double, damping: Double
  ) throws -> Matrix {
    let op = "qep.correct"
    try require(
      alpha.isFinite && alpha >= 0 && alpha <= 1, op,
      "expected a propagation strength 0 ≤ alpha ≤ 1, found \(alpha)")
    try require(damping.isFinite && damping >= 0, op, "expected a damping ≥ 0, found \(damping)")
    try require(
      s.hessian.rows == w.cols, op,
      "expected statistics of width \(w.cols) for \(w.rows)×\(w.cols) weights, found \(s.hessian.rows)"
    )
    try requireFinite(w, "the weights", op)
    let n = w.cols
    guard let cross = s.cross, alpha > 0 else { return w }
    var h = s.hessian
    QEP.dampDiagonal(&h, damping: damping)
    let l: Matrix
    do {
      l = try LinearAlgebra.cholesky(h)
    } catch NumericsError.notPositiveDefinite {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected a positive definite Ĥ + λI, found a singular one at damping \(damping) with \(s.tokens) calibration tokens for \(n) inputs; use a damping > 0 or more tokens"
      )
    }
    // (W H_δ)(Ĥ + λI)⁻¹: every row of W H_δ solved against Ĥ + λI. Rows are independent:
    // from `gptqSplitRows` rows on, the two halves run on two threads (a fixed split, so
    // the result does not depend on the thread count).
    let rows = w.rows
    let parts = rows >= gptqSplitRows ? [0..<(rows / 2), (rows / 2)..<rows] : [0..<rows]
    let solved = try ParallelWork.map(count: parts.count, workers: 2, cancellation: .never) {
      c -> Matrix in
      let part =
        parts.count == 1
        ? w
        : try Matrix(
          rows: parts[c].count, cols: n,
          elements: Array(w.elements[(parts[c].lowerBound * n)..<(parts[c].upperBound * n)]))
      return try LinearAlgebra.choleskySolveRight(l, try BLAS.gemm(part, cross))
    }
    var out = w
    out.elements.withUnsafeMutableBufferPointer { o in
      var e = 0
      for piece in solved {
        piece.elements.withUnsafeBufferPointer { p in
          for i in p.indices { o[e + i] += alpha * p[i] }
        }
        e += piece.elements.count
      }
    }
    return out
  }
}
