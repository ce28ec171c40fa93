import CLapack
import _NumericsKernels

extension BLAS {
  /// Rows per block in the blocked products below: about 512 KB of one block buffer, so
  /// the scaled or transformed rows are still in cache when BLAS reads them back.
  static func gramBlockRows(_ cols: Int) -> Int { max(64, (1 << 16) / max(cols, 1)) }

  /// The weighted Gram matrix `Xᵀ diag(w) X = Σᵤ wᵤ xᵤxᵤᵀ` (d × d for X of shape M × d),
  /// or `XᵀX` when `weights` is nil; exactly symmetric.
  ///
  /// Computed by symmetric rank-k updates (`dsyrk`, half the flops of a general product)
  /// over blocks of rows: rows with wᵤ > 0 enter as √wᵤ xᵤ with coefficient +1, rows with
  /// wᵤ < 0 as √|wᵤ| xᵤ with coefficient −1, rows with wᵤ = 0 are skipped. The scaled
  /// block lives in one reused buffer, so nothing of the size of X is allocated.
  /// Each entry is within the usual BLAS bound of about M · ε · Σᵤ |wᵤ||xᵤᵢ||xᵤⱼ| of the
  /// exact sum (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §3.5;
  /// the square roots add one rounding per factor).
  ///
  /// Throws `shapeMismatch` when the weights do not have one entry per row of X and
  /// `nonFinite` for a non-finite weight (a NaN weight would otherwise be skipped
  /// silently by the sign test).
  public static func weightedGram(_ x: Matrix, weights: Vector? = nil) throws -> Matrix {
    let op = "weightedGram"
    let (rows, d) = (x.rows, x.cols)
    if let w = weights {
      guard w.count == rows else {
        throw NumericsError.shapeMismatch(operation: op, lhs: x.shape, rhs: w.shape)
      }
      guard w.elements.allSatisfy(\.isFinite) else {
        throw NumericsError.nonFinite(operation: op)
      }
    }
    try checkBLASSize([rows, d], operation: op)
    if d == 0 { return Matrix(rows: 0, cols: 0) }
    if weights == nil { return try gram(x, rows: 0..<rows) }
    var gram = [Double](repeating: 0, count: d * d)
    if rows > 0 {
      let blockRows = gramBlockRows(d)
      var positive = [Double](repeating: 0, count: blockRows * d)
      var negative = [Double](repeating: 0, count: blockRows * d)
      let w = weights?.elements ?? []
      let weighted = weights != nil
      x.elements.withUnsafeBufferPointer { px in
        w.withUnsafeBufferPointer { pw in
          positive.withUnsafeMutableBufferPointer { bp in
            negative.withUnsafeMutableBufferPointer { bn in
              gram.withUnsafeMutableBufferPointer { g in
                var (np, nn) = (0, 0)
                func flush() {
                  if np > 0 {
                    cblas_dsyrk(
                      CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(np), 1,
                      bp.baseAddress, Int32(d), 1, g.baseAddress, Int32(d))
                    np = 0
                  }
                  if nn > 0 {
                    cblas_dsyrk(
                      CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(nn), -1,
                      bn.baseAddress, Int32(d), 1, g.baseAddress, Int32(d))
                    nn = 0
                  }
                }
                for u in 0..<rows {
                  let wu = weighted ? pw[u] : 1
                  if wu == 0 { continue }
                  let s = abs(wu).squareRoot()
                  let source = u * d
                  if wu > 0 {
                    let target = np * d
                    for j in 0..<d { bp[target + j] = s * px[source + j] }
                    np += 1
                    if np == blockRows { flush() }
                  } else {
                    let target = nn * d
                    for j in 0..<d { bn[target + j] = s * px[source + j] }
                    nn += 1
                    if nn == blockRows { flush() }
                  }
                }
                flush()
                mirrorUpper(g.baseAddress!, d)
              }
            }
          }
        }
      }
    }
    return Matrix(uncheckedRows: d, cols: d, elements: gram)
  }

  /// `XᵀX` over the rows `rows` of X (`d × d`, exactly symmetric): one `dsyrk` on X's
  /// storage, no copy. Throws `invalidArgument` for a row range outside X.
  public static func gram(_ x: Matrix, rows: Range<Int>) throws -> Matrix {
    let d = x.cols
    guard rows.lowerBound >= 0, rows.upperBound <= x.rows else {
      throw NumericsError.invalidArgument(
        operation: "gram", message: "expected rows within 0..<\(x.rows), found \(rows)")
    }
    try checkBLASSize([rows.count, d], operation: "gram")
    if d == 0 { return Matrix(rows: 0, cols: 0) }
    var g = [Double](repeating: 0, count: d * d)
    if !rows.isEmpty {
      x.elements.withUnsafeBufferPointer { px in
        g.withUnsafeMutableBufferPointer { pg in
          cblas_dsyrk(
            CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(rows.count), 1,
            px.baseAddress! + rows.lowerBound * d, Int32(d), 0, pg.baseAddress, Int32(d))
          mirrorUpper(pg.baseAddress!, d)
        }
      }
    }
    return Matrix(uncheckedRows: d, cols: d, elements: g)
  }

  /// Copies the upper triangle of the row-major `d × d` matrix at `g` onto the lower one,
  /// in 64 × 64 tiles (the transposed reads stay in cache).
  static func mirrorUpper(_ g: UnsafeMutablePointer<Double>, _ d: Int) {
    let tile = 64
    for i0 in stride(from: 0, to: d, by: tile) {
      for j0 in stride(from: 0, through: i0, by: tile) {
        for i in i0..<min(i0 + tile, d) {
          for j in j0..<min(j0 + tile, i) { g[i * d + j] = g[j * d + i] }
        }
      }
    }
  }

  /// The quadratic forms sᵤ = xᵤᵀ A xᵤ of every row xᵤ of X (M × d) with a d × d matrix
  /// A, that is the diagonal of X A Xᵀ without forming it.
  ///
  /// Only the symmetric part (A + Aᵀ)/2 matters. When it is positive definite
  /// (`dpotrf` succeeds) it is factored as L Lᵀ and sᵤ = |Lᵀxᵤ|² is computed as the
  /// squared row norms of X L by triangular products (`dtrmm`, M·d² flops, half of a
  /// general product, and every sᵤ ≥ 0 by construction; computing X L by general
  /// products over column panels that skip the zero triangle measured slower with
  /// OpenBLAS 0.3.21); otherwise (indefinite or
  /// singular A) as the row dot products of X and X·A (`dgemm`, 2·M·d² flops). Both run
  /// over blocks of rows in one reused buffer. The error is of order d · ε · Σᵢⱼ
  /// |xᵤᵢ||Aᵢⱼ||xᵤⱼ| (Higham §3.5, §10.1).
  ///
  /// Throws `shapeMismatch` unless A is d × d and `nonFinite` for a non-finite entry of A.
  public static func rowQuadraticForms(_ x: Matrix, _ a: Matrix) throws -> Vector {
    let op = "rowQuadraticForms"
    let (rows, d) = (x.rows, x.cols)
    guard a.rows == d, a.cols == d else {
      throw NumericsError.shapeMismatch(operation: op, lhs: x.shape, rhs: a.shape)
    }
    guard a.elements.allSatisfy(\.isFinite) else { throw NumericsError.nonFinite(operation: op) }
    try checkBLASSize([rows, d], operation: op)
    if rows == 0 { return Vector(count: 0) }
    if d == 0 { return Vector(count: rows) }
    var sym = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
      for j in 0..<d { sym[i * d + j] = 0.5 * (a.elements[i * d + j] + a.elements[j * d + i]) }
    }
    // Row-major symmetric storage is its own column-major transpose: the column-major
    // upper factor U (A = UᵀU) read row-major is L = Uᵀ with A = L Lᵀ, in the lower triangle.
    var factor = sym
    let info = LAPACKE_dpotrf(
      LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(d), &factor, Int32(d))
    let definite = info == 0
    let blockRows = gramBlockRows(d)
    var block = [Double](repeating: 0, count: blockRows * d)
    var out = [Double](repeating: 0, count: rows)
    x.elements.withUnsafeBufferPointer { px in
      block.withUnsafeMutableBufferPointer { b in
        out.withUnsafeMutableBufferPointer { s in
          var start = 0
          while start < rows {
            let n = min(blockRows, rows - start)
            let source = px.baseAddress! + start * d
            if definite {
              b.baseAddress!.update(from: source, count: n * d)
              factor.withUnsafeBufferPointer { l in
                cblas_dtrmm(
                  CblasRowMajor, CblasRight, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n),
                  Int32(d), 1, l.baseAddress, Int32(d), b.baseAddress, Int32(d))
              }
              for r in 0..<n {
                let row = UnsafePointer(b.baseAddress! + r * d)
                s[start + r] = rowDot(row, row, d)
              }
            } else {
              sym.withUnsafeBufferPointer { pa in
                cblas_dgemm(
                  CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(d), Int32(d), 1,
                  source, Int32(d), pa.baseAddress, Int32(d), 0, b.baseAddress, Int32(d))
              }
              for r in 0..<n {
                s[start + r] = rowDot(source + r * d, UnsafePointer(b.baseAddress! + r * d), d)
              }
            }
            start += n
          }
        }
      }
    }
    return Vector(out)
  }

  /// Σⱼ pⱼ qⱼ over n entries with eight independent partial sums (so the loop vectorises;
  /// the grouping changes the rounding only within the usual n·ε bound).
  @inline(__always)
  static func rowDot(_ p: UnsafePointer<Double>, _ q: UnsafePointer<Double>, _ n: Int) -> Double {
    var acc = SIMD8<Double>()
    var j = 0
    while j + 8 <= n {
      let a = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD8<Double>.self)
      let b = UnsafeRawPointer(q + j).loadUnaligned(as: SIMD8<Double>.self)
      acc += a * b  // not addProduct: without -mfma that is a libm fma call per lane
      j += 8
    }
    var total = acc.sum()
    while j < n {
      total += p[j] * q[j]
      j += 1
    }
    return total
  }
}

extension BLAS {
  /// `Xᵀ r` with `r = φ(X w)` applied row-wise, in one pass over X: for each block of rows
  /// X_b (about 256 KB, so it is still in cache for the second product) it forms
  /// z_b = X_b w (a dot product per row), lets `transform(start, z_b)` replace z_b by r_b
  /// in place (`start` is the block's first row), and accumulates X_bᵀ r_b (an axpy per
  /// row, in row order).
  ///
  /// Both products are the `_NumericsKernels` loops `nk_rows_dot` and `nk_rows_axpy` on
  /// the calling thread rather than `dgemv`: the pass is bound by reading X, and
  /// OpenBLAS's threaded `dgemv` rounds differently for different thread counts (measured:
  /// the self-distillation fits changed in the 8th digit between `OPENBLAS_NUM_THREADS`
  /// 1 and 2), which every optimiser path built on this pass would inherit. The kernels
  /// add in one fixed order on every build (SSE2, AVX2, AVX-512), so the result depends
  /// only on the inputs.
  ///
  /// This is the gradient pass of every generalised linear model (logistic, softmax-free
  /// losses, ridge): the two products of `gemv(X, w)` and `gemv(X, r, transpose: true)`
  /// read X from memory twice; here once. Same flops and the same rounding bound as the
  /// two separate products (Higham §3.5); the sum over blocks changes only the order of
  /// the additions.
  ///
  /// With `rows`, only those rows of X take part (Xᵀr over that range), so that callers
  /// can split one pass between threads.
  ///
  /// Throws `shapeMismatch` unless `w` has one entry per column of X, `invalidArgument`
  /// for a row range outside X.
  public static func rowBlockPass(
    _ x: Matrix, _ w: Vector, rows range: Range<Int>? = nil,
    _ transform: (Int, UnsafeMutableBufferPointer<Double>) -> Void
  ) throws -> Vector {
    let cols = x.cols
    guard w.count == cols else {
      throw NumericsError.shapeMismatch(operation: "rowBlockPass", lhs: x.shape, rhs: w.shape)
    }
    let selected = range ?? 0..<x.rows
    guard selected.lowerBound >= 0, selected.upperBound <= x.rows else {
      throw NumericsError.invalidArgument(
        operation: "rowBlockPass",
        message: "expected rows within 0..<\(x.rows), found \(selected)")
    }
    try checkBLASSize([x.rows, cols], operation: "rowBlockPass")
    var g = [Double](repeating: 0, count: cols)
    let first = selected.lowerBound
    let rows = selected.upperBound
    if selected.isEmpty { return Vector(g) }
    let blockRows = max(8, (1 << 15) / max(cols, 1))
    var z = [Double](repeating: 0, count: min(blockRows, selected.count))
    x.elements.withUnsafeBufferPointer { px in
      w.elements.withUnsafeBufferPointer { pw in
        g.withUnsafeMutableBufferPointer { pg in
          z.withUnsafeMutableBufferPointer { pz in
            var start = first
            while start < rows {
              let n = min(blockRows, rows - start)
              let block = px.baseAddress! + start * cols
              nk_rows_dot(block, n, cols, pw.baseAddress!, pz.baseAddress!)
              transform(start, UnsafeMutableBufferPointer(rebasing: pz[0..<n]))
              nk_rows_axpy(block, n, cols, pz.baseAddress!, pg.baseAddress!)
              start += n
            }
          }
        }
      }
    }
    return Vector(g)
  }
}
