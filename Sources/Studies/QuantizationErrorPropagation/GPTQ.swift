import Foundation
import Numerics

extension QEP {
  /// GPTQ (Frantar, Ashkboos, Hoefler & Alistarh, "GPTQ: Accurate Post-Training
  /// Quantization for Generative Pre-trained Transformers", ICLR 2023, Algorithm 1):
  /// quantizes `w` (`d_out × d_in`) column by column to the `grid`, each rounding error
  /// fed back into the not yet quantized columns through the inverse Hessian, to
  /// minimise ‖(W − Ŵ) X̂ᵀ‖_F² for a layer whose inputs X̂ have second moment
  /// `hessian` = X̂ᵀX̂/n (`d_in × d_in`; any positive multiple gives the same answer).
  ///
  /// Steps, as in the paper and its reference code:
  /// 1. dead inputs (H_jj = 0) get H_jj = 1 and their weights set to 0;
  /// 2. damping H ← H + λI with λ = `damping` · mean(diag H) (the paper's 1 % default);
  /// 3. U = the upper Cholesky factor of H⁻¹ (H⁻¹ = UᵀU), from H = LLᵀ by Cholesky
  ///    solves, then a second Cholesky;
  /// 4. for column i: q = round(w_i), e = (w_i − q)/U_ii, w_k ← w_k − e U_ik for k > i —
  ///    inside a block of `blockSize` columns directly, and to the columns after the
  ///    block lazily, by one matrix product per block.
  /// Group scales (`grid.groupSize` > 0) are computed when the group's first column is
  /// reached, from the group's already updated columns; the block size is rounded to a
  /// multiple of the group size so that a group never straddles two blocks. Per-channel
  /// scales are computed once from the initial weights, as in the reference code.
  ///
  /// Its output error on the calibration data is, in practice (not a theorem), no larger
  /// than round-to-nearest's (checked in the tests by brute force on tiny layers).
  public static func gptq(
    _ w: Matrix, hessian: Matrix, grid: Grid, damping: Double = 0.01, blockSize: Int = 128
  ) throws -> Matrix {
    let op = "qep.gptq"
    let dIn = w.cols
    let dOut = w.rows
    try require(
      hessian.rows == dIn && hessian.cols == dIn, op,
      "expected a \(dIn)×\(dIn) Hessian for \(dOut)×\(dIn) weights, found \(hessian.rows)×\(hessian.cols)"
    )
    try require(
      damping.isFinite && damping >= 0, op, "expected a damping ≥ 0, found \(damping)")
    try require(blockSize >= 1, op, "expected a block size ≥ 1, found \(blockSize)")
    try requireFinite(w, "the weights", op)
    try requireFinite(hessian, "the Hessian", op)
    try grid.validate(columns: dIn, op)
    if dIn == 0 || dOut == 0 { return w }

    var h = hessian
    let dead = QEP.dampDiagonal(&h, damping: damping)
    var wt = w.transposed()  // d_in × d_out: column j of W is the contiguous row j.
    wt.elements.withUnsafeMutableBufferPointer { p in
      for j in dead {
        for r in 0..<dOut { p[j * dOut + r] = 0 }
      }
    }
    let upperT = try inverseHessianFactor(h, damping: damping, op)

    let g = grid.groupSize
    let block = g == 0 ? blockSize : g * max(1, blockSize / g)
    var scale = [Double](repeating: 0, count: dOut)
    var zero = [Double](repeating: 0, count: dOut)
    if g == 0 { gridParameters(wt, rows: 0..<dIn, grid: grid, &scale, &zero) }

    var q = [Double](repeating: 0, count: dIn * dOut)
    var start = 0
    while start < dIn {
      let end = min(start + block, dIn)
      var err = [Double](repeating: 0, count: (end - start) * dOut)
      wt.elements.withUnsafeMutableBufferPointer { wp in
        upperT.elements.withUnsafeBufferPointer { up in
          q.withUnsafeMutableBufferPointer { qp in
            err.withUnsafeMutableBufferPointer { ep in
              for i in start..<end {
                if g > 0 && i % g == 0 {
                  gridParameters(wt: wp, dOut: dOut, rows: i..<(i + g), grid: grid, &scale, &zero)
                }
                let d = up[i * dIn + i]
                let row = i * dOut
                let e = (i - start) * dOut
                for r in 0..<dOut {
                  let x = wp[row + r]
                  let v = grid.round(x, scale: scale[r], zero: zero[r])
                  qp[row + r] = v
                  ep[e + r] = (x - v) / d
                }
                for k in (i + 1)..<end {
                  let u = up[k * dIn + i]
                  if u == 0 { continue }
                  let rowK = k * dOut
                  for r in 0..<dOut { wp[rowK + r] -= u * ep[e + r] }
                }
              }
            }
          }
        }
      }
      if end < dIn {
        // W[:, end:] −= Err · U[start:end, end:], i.e. rows end… of Wᵀ −= Lᵀ-block · Err,
        // with the block of U read as rows end… and columns start..<end of Uᵀ.
        let rest = dIn - end
        let count = end - start
        let uBlock = Matrix(rows: rest, cols: count) { out in
          for a in 0..<rest {
            for b in 0..<count { out[a * count + b] = upperT.elements[(end + a) * dIn + start + b] }
          }
        }
        let errM = try Matrix(rows: count, cols: dOut, elements: err)
        let update = try BLAS.gemm(uBlock, errM)
        wt.elements.withUnsafeMutableBufferPointer { wp in
          update.elements.withUnsafeBufferPointer { dp in
            let offset = end * dOut
            for k in 0..<(rest * dOut) { wp[offset + k] -= dp[k] }
          }
        }
      }
      start = end
    }
    return try Matrix(rows: dIn, cols: dOut, elements: q).transposed()
  }

  /// Uᵀ, the lower-triangular transpose of the upper Cholesky factor U of H⁻¹
  /// (H⁻¹ = UᵀU): H = LLᵀ, H⁻¹ = L⁻ᵀL⁻¹ from the factor (`dpotri`, exactly symmetric; the
  /// reference implementation's `cholesky_inverse`), then H⁻¹ = L₂L₂ᵀ and Uᵀ = L₂.
  static func inverseHessianFactor(_ h: Matrix, damping: Double, _ op: String) throws -> Matrix {
    do {
      let l = try LinearAlgebra.cholesky(h)
      return try LinearAlgebra.cholesky(try LinearAlgebra.choleskyInverse(l))
    } catch NumericsError.notPositiveDefinite {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected a positive definite damped Hessian, found a singular one at damping \(damping); use a damping > 0 or more calibration tokens"
      )
    }
  }

  /// Per-output scales and zero points over the rows `rows` of Wᵀ (`d_in × d_out`).
  static func gridParameters(
    _ wt: Matrix, rows: Range<Int>, grid: Grid, _ scale: inout [Double], _ zero: inout [Double]
  ) {
    wt.elements.withUnsafeBufferPointer { p in
      gridParameters(wt: p, dOut: wt.cols, rows: rows, grid: grid, &scale, &zero)
    }
  }

  static func gridParameters<P: Collection<Double>>(
    wt p: P, dOut: Int, rows: Range<Int>, grid: Grid,
    _ scale: inout [Double], _ zero: inout [Double]
  ) where P.Index == Int {
    var lo = [Double](repeating: .infinity, count: dOut)
    var hi = [Double](repeating: -.infinity, count: dOut)
    for j in rows {
      for r in 0..<dOut {
        let x = p[j * dOut + r]
        if x < lo[r] { lo[r] = x }
        if x > hi[r] { hi[r] = x }
      }
    }
    for r in 0..<dOut { (scale[r], zero[r]) = grid.parameters(min: lo[r], max: hi[r]) }
  }
}
