import Foundation
import Numerics

/// Layer-wise post-training quantization with quantization error propagation (Arai &
/// Ichikawa, "Quantization Error Propagation: Revisiting Layer-Wise Post-Training
/// Quantization", NeurIPS 2025, arXiv 2504.09629): round-to-nearest and GPTQ base
/// quantizers, the QEP weight correction, two forward streams through a residual stack
/// and through the sentence-embedding transformer all-MiniLM-L6-v2, and the study's
/// experiments.
///
/// Conventions throughout: a linear layer's weight `W` is `d_out × d_in` (PyTorch's
/// layout) and its inputs are the rows of a `tokens × d_in` matrix `X`, so the layer
/// computes `X Wᵀ`. The paper writes inputs as columns; its `X X̂ᵀ` is `Xᵀ X̂` here.
/// Everything is in double precision; linear systems are solved by Cholesky, never by
/// an explicit inverse (except GPTQ's inverse Hessian, which the algorithm needs).
///
/// Invalid arguments throw `NumericsError.invalidArgument(operation: "qep.…", …)` naming
/// what was expected and what was found.
public enum QEP {}

extension QEP {
  /// Throws `invalidArgument` with `message` unless `condition` holds.
  static func require(_ condition: Bool, _ op: String, _ message: @autoclosure () -> String)
    throws
  {
    if !condition { throw NumericsError.invalidArgument(operation: op, message: message()) }
  }

  /// Throws unless every entry of `m` is finite.
  static func requireFinite(_ m: Matrix, _ what: String, _ op: String) throws {
    for (k, x) in m.elements.enumerated() where !x.isFinite {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected finite entries in \(what), found \(x) at (\(k / max(m.cols, 1)), \(k % max(m.cols, 1)))"
      )
    }
  }

  /// ‖A − B‖_F / ‖A‖_F, the relative error used by every experiment (0 when A = B = 0).
  public static func relativeError(_ reference: Matrix, _ approximation: Matrix) throws -> Double {
    try require(
      reference.rows == approximation.rows && reference.cols == approximation.cols,
      "qep.relative_error",
      "expected equal shapes, found \(reference.rows)×\(reference.cols) and \(approximation.rows)×\(approximation.cols)"
    )
    var num = 0.0
    var den = 0.0
    for (a, b) in zip(reference.elements, approximation.elements) {
      num += (a - b) * (a - b)
      den += a * a
    }
    if den == 0 { return num == 0 ? 0 : .infinity }
    return (num / den).squareRoot()
  }

  /// The product `X Wᵀ` of a layer (`tokens × d_out`). From `applySplitRows` tokens
  /// on, the two halves of the tokens run on two threads (a fixed split: the result does
  /// not depend on the thread count).
  static func apply(_ w: Matrix, to x: Matrix) throws -> Matrix {
    let (t, dIn, dOut) = (x.rows, x.cols, w.rows)
    guard t >= applySplitRows, dIn == w.cols, dIn > 0, dOut > 0 else {
      return try BLAS.gemm(x, w, transB: true)
    }
    var out = Matrix(rows: t, cols: dOut)
    let halves = [0..<(t / 2), (t / 2)..<t]
    try out.elements.withUnsafeMutableBufferPointer { o in
      let target = SharedDoubles(pointer: o.baseAddress!)  // borrowed: written by halves
      _ = try ParallelWork.map(count: 2, workers: 2, cancellation: .never) { c in
        try x.elements.withUnsafeBufferPointer { xp in
          try w.elements.withUnsafeBufferPointer { wp in
            let rows = halves[c]
            try BLAS.gemmBlocks(
              m: rows.count, n: dOut, k: dIn, alpha: 1,
              a: xp.baseAddress! + rows.lowerBound * dIn, lda: dIn, b: wp.baseAddress!, ldb: dIn,
              transB: true, beta: 0, c: target.p + rows.lowerBound * dOut, ldc: dOut)
          }
        }
      }
    }
    return out
  }

  /// Tokens from which `apply` splits its product over two threads.
  static let applySplitRows = 256

  /// x ← x + c·y elementwise, in place (equal shapes; callers guarantee them).
  static func add(_ x: inout Matrix, _ y: Matrix, times c: Double = 1) {
    x.elements.withUnsafeMutableBufferPointer { p in
      y.elements.withUnsafeBufferPointer { q in
        for k in p.indices { p[k] += c * q[k] }
      }
    }
  }

  /// Sets each zero diagonal entry of the square matrix h to 1 (a dead input) and then
  /// adds λ = `damping` · mean(diag h) to the diagonal; returns the dead indices.
  @discardableResult
  static func dampDiagonal(_ h: inout Matrix, damping: Double) -> [Int] {
    let n = h.rows
    var dead: [Int] = []
    h.elements.withUnsafeMutableBufferPointer { p in
      var sum = 0.0
      for j in 0..<n {
        if p[j * n + j] == 0 {
          p[j * n + j] = 1
          dead.append(j)
        }
        sum += p[j * n + j]
      }
      let lambda = n > 0 ? damping * sum / Double(n) : 0
      for j in 0..<n { p[j * n + j] += lambda }
    }
    return dead
  }

  /// The Gauss error-function GELU, x Φ(x) = x (1 + erf(x/√2))/2 (Hendrycks & Gimpel
  /// 2016, eq. 1; BERT's `gelu`), applied in place.
  static func gelu(_ m: inout Matrix) {
    let s = 1 / 2.0.squareRoot()
    m.elements.withUnsafeMutableBufferPointer { p in
      for i in p.indices { p[i] = 0.5 * p[i] * (1 + erf(p[i] * s)) }
    }
  }
}
