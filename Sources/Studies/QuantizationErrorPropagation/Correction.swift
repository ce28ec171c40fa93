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
    /// H_δ = (X − X̂)ᵀX̂/n (`d_in × d_in`); exactly zero when X̂ = X.
    public let cross: Matrix
    /// The number of calibration tokens n.
    public let tokens: Int

    /// Accumulates both products by matrix multiplication in double precision.
    public init(full x: Matrix, quantized xHat: Matrix) throws {
      let op = "qep.statistics"
      try require(
        x.rows == xHat.rows && x.cols == xHat.cols, op,
        "expected the two streams' inputs to have equal shapes, found \(x.rows)×\(x.cols) and \(xHat.rows)×\(xHat.cols)"
      )
      try require(x.rows >= 1, op, "expected at least one calibration token, found none")
      try requireFinite(x, "the full-precision inputs", op)
      try requireFinite(xHat, "the quantized inputs", op)
      let scale = 1 / Double(x.rows)
      var delta = x
      QEP.add(&delta, xHat, times: -1)
      var h = try BLAS.weightedGram(xHat)  // X̂ᵀX̂ by symmetric rank-k updates
      for e in 0..<h.elements.count { h.elements[e] *= scale }
      hessian = h
      cross = try BLAS.gemm(delta, xHat, transA: true, alpha: scale)
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
  /// (the added term is an exact zero). Rounding error: of order κ(Ĥ + λI) ε relative.
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
    // (W H_δ)(Ĥ + λI)⁻¹ = ((Ĥ + λI)⁻¹ (W H_δ)ᵀ)ᵀ since Ĥ + λI is symmetric.
    let m = try BLAS.gemm(s.cross, w, transA: true, transB: true)  // (W H_δ)ᵀ
    let solved = try LinearAlgebra.choleskySolve(l, m)
    var out = w
    QEP.add(&out, solved.transposed(), times: alpha)
    return out
  }
}
