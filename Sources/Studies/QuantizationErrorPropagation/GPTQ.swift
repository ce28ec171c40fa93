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
  /// 3. U = the upper Cholesky factor of H⁻¹ (H⁻¹ = UᵀU), computed without forming H⁻¹
  ///    (`HessianFactor`);
  /// 4. for column i: q = round(w_i), e = (w_i − q)/U_ii, w_k ← w_k − e U_ik for k > i —
  ///    inside sub-blocks of 16 columns directly, and to the later columns of the block
  ///    and to the columns after the block lazily, by matrix products (`gptqColumns`).
  /// Rows of W are independent given U: from `gptqSplitRows` output rows on, the two
  /// halves of the rows run on two threads (a fixed split, so the result does not depend
  /// on the thread count).
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
    let factor = try HessianFactor(hessian, damping: damping, op)
    return try gptq(w, factor: factor, grid: grid, blockSize: blockSize)
  }

  /// The damped Hessian's inverse factor as GPTQ uses it: Uᵀ (lower triangular, row-major
  /// `d_in × d_in`) with (H + λI)⁻¹ = UᵀU, and the dead inputs (H_jj = 0).
  struct HessianFactor: Sendable {
    let upperT: Matrix
    let dead: [Int]

    /// Steps 1–3 of `gptq`: dead inputs, damping, then U by `LinearAlgebra.
    /// inverseCholeskyFactorTransposed` (one Cholesky factorisation of the reversed
    /// matrix and one triangular inverse; the reference code's Cholesky, inverse and
    /// second Cholesky give the same U up to rounding, at twice the flops).
    init(_ hessian: Matrix, damping: Double, _ op: String) throws {
      var h = hessian
      dead = QEP.dampDiagonal(&h, damping: damping)
      do {
        upperT = try LinearAlgebra.inverseCholeskyFactorTransposed(h)
      } catch NumericsError.notPositiveDefinite {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "expected a positive definite damped Hessian, found a singular one at damping \(damping); use a damping > 0 or more calibration tokens"
        )
      }
    }
  }

  /// Output rows from which `gptq` splits the rows into two fixed halves, each quantized
  /// on its own thread (the rows are independent given U). The split depends only on
  /// d_out, so the result does not depend on the number of threads.
  static let gptqSplitRows = 128

  /// Columns quantized one by one inside a block before their errors update the rest of
  /// the block by one matrix product (a second level of GPTQ's lazy batch updates).
  static let gptqInnerBlock = 16

  /// GPTQ steps 4 on validated weights with a computed factor.
  static func gptq(
    _ w: Matrix, factor: HessianFactor, grid: Grid, blockSize: Int, workers: Int? = nil
  ) throws -> Matrix {
    let dIn = w.cols
    let dOut = w.rows
    let wt = SharedDoubles(count: dIn * dOut)  // Wᵀ, d_in × d_out: column j of W is row j.
    defer { wt.free() }
    w.elements.withUnsafeBufferPointer {
      Matrix.transpose($0.baseAddress!, rows: dOut, cols: dIn, into: wt.p)
    }
    for j in factor.dead {
      for r in 0..<dOut { wt.p[j * dOut + r] = 0 }
    }
    let q = SharedDoubles(count: dIn * dOut)
    defer { q.free() }
    let g = grid.groupSize
    let block = g == 0 ? blockSize : g * max(1, blockSize / g)
    let inner = g == 0 ? min(gptqInnerBlock, block) : g * max(1, gptqInnerBlock / g)
    let parts = dOut >= gptqSplitRows ? [0..<(dOut / 2), (dOut / 2)..<dOut] : [0..<dOut]
    let count = max(1, min(workers ?? ParallelWork.defaultWorkers, parts.count))
    _ = try ParallelWork.map(count: parts.count, workers: count, cancellation: .never) { c in
      try factor.upperT.elements.withUnsafeBufferPointer { up in
        try gptqColumns(
          wt: wt.p, q: q.p, upperT: up.baseAddress!, dIn: dIn, dOut: dOut, columns: parts[c],
          grid: grid, block: block, inner: inner)
      }
    }
    return Matrix(rows: dOut, cols: dIn) { out in
      Matrix.transpose(q.p, rows: dIn, cols: dOut, into: out.baseAddress!)
    }
  }

  /// GPTQ's column loop over the output rows `columns` (columns of Wᵀ, `d_in × d_out`,
  /// row-major at `wt`), writing the quantized values to the same places of `q`.
  /// Inside each block of `block` columns, sub-blocks of `inner` columns are quantized one
  /// column at a time (q = round(w_i), e = (w_i − q)/U_ii, w_k −= e U_ik for the later
  /// columns of the sub-block); then the sub-block's errors update the rest of the block,
  /// and after the block the block's errors update every later column, each by one
  /// matrix product — the same updates as the column-by-column recursion, grouped.
  private static func gptqColumns(
    wt: UnsafeMutablePointer<Double>, q: UnsafeMutablePointer<Double>,
    upperT up: UnsafePointer<Double>, dIn: Int, dOut: Int, columns: Range<Int>, grid: Grid,
    block: Int, inner: Int
  ) throws {
    let r0 = columns.lowerBound
    let width = columns.count
    if width == 0 { return }
    let g = grid.groupSize
    var scale = [Double](repeating: 0, count: dOut)
    var zero = [Double](repeating: 0, count: dOut)
    if g == 0 {
      gridParameters(wt: wt, dOut: dOut, rows: 0..<dIn, columns: columns, grid: grid, &scale, &zero)
    }
    // The errors of the current block, (block × width), row i − start for column i.
    let err = UnsafeMutablePointer<Double>.allocate(capacity: block * width)
    defer { err.deallocate() }
    var start = 0
    while start < dIn {
      let end = min(start + block, dIn)
      var s0 = start
      while s0 < end {
        let s1 = min(s0 + inner, end)
        for i in s0..<s1 {
          if g > 0 && i % g == 0 {
            gridParameters(
              wt: wt, dOut: dOut, rows: i..<(i + g), columns: columns, grid: grid, &scale, &zero)
          }
          let d = up[i * dIn + i]
          let row = wt + i * dOut + r0
          let qRow = q + i * dOut + r0
          let e = err + (i - start) * width
          for r in 0..<width {
            let x = row[r]
            let v = grid.round(x, scale: scale[r0 + r], zero: zero[r0 + r])
            qRow[r] = v
            e[r] = (x - v) / d
          }
          for k in (i + 1)..<s1 {
            let u = up[k * dIn + i]
            if u == 0 { continue }
            let rowK = wt + k * dOut + r0
            for r in 0..<width { rowK[r] -= u * e[r] }
          }
        }
        if s1 < end {
          // W[:, s1..<end] −= Err[s0..<s1] · U[s0..<s1, s1..<end], as rows of Wᵀ:
          // Wᵀ[s1..<end] −= Uᵀ[s1..<end, s0..<s1] · Err[s0..<s1].
          try BLAS.gemmBlocks(
            m: end - s1, n: width, k: s1 - s0, alpha: -1, a: up + s1 * dIn + s0, lda: dIn,
            b: err + (s0 - start) * width, ldb: width, beta: 1, c: wt + s1 * dOut + r0,
            ldc: dOut)
        }
        s0 = s1
      }
      if end < dIn {
        // The block's errors to every later column: Wᵀ[end…] −= Uᵀ[end…, start..<end] · Err.
        try BLAS.gemmBlocks(
          m: dIn - end, n: width, k: end - start, alpha: -1, a: up + end * dIn + start, lda: dIn,
          b: err, ldb: width, beta: 1, c: wt + end * dOut + r0, ldc: dOut)
      }
      start = end
    }
  }

  /// Per-output scales and zero points over the rows `rows` and columns `columns` of Wᵀ
  /// (`d_in × d_out`, row-major at `p`).
  static func gridParameters(
    wt p: UnsafePointer<Double>, dOut: Int, rows: Range<Int>, columns: Range<Int>, grid: Grid,
    _ scale: inout [Double], _ zero: inout [Double]
  ) {
    var lo = [Double](repeating: .infinity, count: dOut)
    var hi = [Double](repeating: -.infinity, count: dOut)
    for j in rows {
      for r in columns {
        let x = p[j * dOut + r]
        if x < lo[r] { lo[r] = x }
        if x > hi[r] { hi[r] = x }
      }
    }
    for r in columns { (scale[r], zero[r]) = grid.parameters(min: lo[r], max: hi[r]) }
  }
}
