import Foundation
import Testing

@testable import Numerics

/// Largest absolute entrywise difference; shapes must agree.
private func maxDiff(_ a: Matrix, _ b: Matrix) -> Double {
  #expect(a.shape == b.shape)
  return zip(a.elements, b.elements).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

private func maxDiff(_ a: Vector, _ b: Vector) -> Double {
  #expect(a.count == b.count)
  return zip(a.elements, b.elements).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// A deterministic dense test matrix with entries in [-1, 1] and no structure.
private func scrambled(_ rows: Int, _ cols: Int, seed: Double = 1) -> Matrix {
  Matrix(rows: rows, cols: cols) { out in
    for i in 0..<rows {
      for j in 0..<cols {
        // The fractional part of a large multiple of a sine: a hash, full rank in practice.
        let h = sin(Double(i) * 12.9898 + Double(j) * 78.233 + seed) * 43758.5453
        out[i * cols + j] = 2 * (h - h.rounded(.down)) - 1
      }
    }
  }
}

/// `BᵀB + n·I`: symmetric positive definite with eigenvalues ≥ n.
private func spd(_ n: Int) throws -> Matrix {
  let b = scrambled(n, n, seed: 2)
  let btb = try BLAS.gemm(b, b, transA: true)
  let sym = Elementwise.apply(.multiply, try Elementwise.apply(.add, btb, btb.transposed()), 0.5)
  return try Elementwise.apply(.add, sym, Matrix.identity(n) * Double(n))
}

extension Matrix {
  fileprivate static func * (m: Matrix, s: Double) -> Matrix { Elementwise.apply(.multiply, m, s) }
}

@Suite struct BLASTests {
  let a = try! Matrix(rowsOf: [[1, 2, 3], [4, 5, 6]])

  @Test func gemmMatchesHandProduct() throws {
    let b = try Matrix(rowsOf: [[7, 8], [9, 10], [11, 12]])
    // [1·7+2·9+3·11, 1·8+2·10+3·12; 4·7+5·9+6·11, 4·8+5·10+6·12]
    #expect(maxDiff(try BLAS.gemm(a, b), try Matrix(rowsOf: [[58, 64], [139, 154]])) < 1e-13)
    #expect(maxDiff(try matmul(a, b), try Matrix(rowsOf: [[58, 64], [139, 154]])) < 1e-13)
  }

  @Test func gemmTransposesAndScales() throws {
    let c = try Matrix(rowsOf: [[1, 0], [1, 1]])
    // Aᵀ·C = [[1,4],[2,5],[3,6]]·[[1,0],[1,1]] = [[5,4],[7,5],[9,6]], times 2.
    let r = try BLAS.gemm(a, c, transA: true, alpha: 2)
    #expect(maxDiff(r, try Matrix(rowsOf: [[10, 8], [14, 10], [18, 12]])) < 1e-13)
    // A·Aᵀ = [[14, 32], [32, 77]].
    let aat = try BLAS.gemm(a, a, transB: true)
    #expect(maxDiff(aat, try Matrix(rowsOf: [[14, 32], [32, 77]])) < 1e-13)
  }

  /// C ← αAᵀC₀ + βC into an existing matrix; a wrong output shape throws and leaves C.
  @Test func gemmIntoExistingMatrix() throws {
    let c = try Matrix(rowsOf: [[1, 0], [1, 1]])
    var out = try Matrix(rowsOf: [[1, 1], [1, 1], [1, 1]])
    // 2·Aᵀ·C = [[10, 8], [14, 10], [18, 12]], plus 3 · ones.
    try BLAS.gemm(a, c, into: &out, transA: true, alpha: 2, beta: 3)
    #expect(maxDiff(out, try Matrix(rowsOf: [[13, 11], [17, 13], [21, 15]])) < 1e-13)
    var stale = Matrix(rows: 3, cols: 2, repeating: .nan)
    try BLAS.gemm(a, c, into: &stale, transA: true)
    #expect(maxDiff(stale, try Matrix(rowsOf: [[5, 4], [7, 5], [9, 6]])) < 1e-13)
    var wrong = Matrix(rows: 2, cols: 2, repeating: 7)
    #expect(throws: NumericsError.self) { try BLAS.gemm(a, c, into: &wrong, transA: true) }
    #expect(wrong.elements == [7, 7, 7, 7])
    var empty = Matrix(rows: 2, cols: 3, repeating: 4)
    try BLAS.gemm(Matrix(rows: 2, cols: 0), Matrix(rows: 0, cols: 3), into: &empty, beta: 0.5)
    #expect(empty.elements.allSatisfy { $0 == 2 })
  }

  /// Writing one element must not copy the storage (a `didSet` observer on `elements`
  /// once made every write O(count)): 10⁵ writes to a 10⁶-element matrix stay fast, and
  /// the storage is still the same buffer afterwards.
  @Test func elementWritesAreInPlace() throws {
    var m = Matrix(rows: 1000, cols: 1000)
    let before = m.elements.withUnsafeBufferPointer { $0.baseAddress }
    for i in 0..<100_000 { m[i % 1000, i / 1000] = Double(i) }
    for i in 0..<1000 { m.elements[i] += 1 }
    let after = m.elements.withUnsafeBufferPointer { $0.baseAddress }
    #expect(before == after)
    #expect(m[0, 5] == 5 * 1000 + 1)  // written by i = 5000, then incremented
  }

  @Test func gemmWithEmptyDimensions() throws {
    let z = try BLAS.gemm(Matrix(rows: 2, cols: 0), Matrix(rows: 0, cols: 3))
    #expect(z.shape == [2, 3])
    #expect(z.elements.allSatisfy { $0 == 0 })
    #expect(try BLAS.gemm(Matrix(rows: 0, cols: 3), Matrix(rows: 3, cols: 2)).shape == [0, 2])
    #expect(try BLAS.gemv(Matrix(rows: 3, cols: 0), Vector([])) == Vector([0, 0, 0]))
  }

  @Test func gemvBothWays() throws {
    #expect(maxDiff(try BLAS.gemv(a, [1, 0, -1]), [-2, -2]) < 1e-14)
    #expect(maxDiff(try BLAS.gemv(a, [1, 1], transpose: true), [5, 7, 9]) < 1e-14)
    #expect(maxDiff(try matmul(a, Vector([1, 1, 1])), [6, 15]) < 1e-14)
    #expect(maxDiff(try matmul(Vector([1, -1]), a), [-3, -3, -3]) < 1e-14)
  }

  @Test func dotAndAxpy() throws {
    #expect(abs(try BLAS.dot([1, 2, 3], [4, 5, 6]) - 32) < 1e-14)
    #expect(try BLAS.dot([], []) == 0)
    var y: Vector = [3, 4]
    try BLAS.axpy(2, [1, 2], &y)
    #expect(maxDiff(y, [5, 8]) < 1e-14)
  }

  @Test func backendNamesOpenBLASAndItsKernel() {
    #expect(BLAS.backend.contains("OpenBLAS") && BLAS.backend.contains("(kernel "))
  }

  @Test func shapeMismatchesNameBothShapes() throws {
    #expect(throws: NumericsError.shapeMismatch(operation: "@", lhs: [2, 3], rhs: [2, 3])) {
      try BLAS.gemm(a, a)
    }
    #expect(throws: NumericsError.shapeMismatch(operation: "@", lhs: [3, 2], rhs: [3, 2])) {
      try BLAS.gemm(a, a, transA: true, transB: true)
    }
    #expect(throws: NumericsError.shapeMismatch(operation: "@", lhs: [2, 3], rhs: [2])) {
      try BLAS.gemv(a, [1, 2])
    }
    #expect(throws: NumericsError.shapeMismatch(operation: "@", lhs: [3], rhs: [2, 3])) {
      try matmul(Vector([1, 2, 3]), a)
    }
    #expect(throws: NumericsError.shapeMismatch(operation: "@", lhs: [2], rhs: [3])) {
      try BLAS.dot([1, 2], [1, 2, 3])
    }
    var y: Vector = [1, 2, 3]
    #expect(throws: NumericsError.shapeMismatch(operation: "axpy", lhs: [2], rhs: [3])) {
      try BLAS.axpy(1, [1, 2], &y)
    }
    #expect(y == [1, 2, 3])
  }
}

@Suite struct EigenTests {
  /// Tridiagonal Toeplitz (2 on the diagonal, −1 beside it): λₖ = 2 − 2cos(kπ/(n+1)).
  @Test func toeplitzSpectrum() throws {
    let n = 12
    var t = Matrix(rows: n, cols: n)
    for i in 0..<n {
      t[i, i] = 2
      if i + 1 < n {
        t[i, i + 1] = -1
        t[i + 1, i] = -1
      }
    }
    let exact = Vector((1...n).map { 2 - 2 * cos(Double($0) * .pi / Double(n + 1)) })
    let (values, vectors) = try LinearAlgebra.eigh(t)
    #expect(maxDiff(values, exact) < 1e-13)
    #expect(maxDiff(try LinearAlgebra.eigvalsh(t), exact) < 1e-13)
    // Eigenvector k ∝ sin(jkπ/(n+1)) up to sign; compare |cos angle| with 1.
    for k in 0..<n {
      let v = Vector((1...n).map { sin(Double($0 * (k + 1)) * .pi / Double(n + 1)) })
      let cosine = try BLAS.dot(v, vectors.column(k)) / LinearAlgebra.norm(v)
      #expect(abs(abs(cosine) - 1) < 1e-12)
    }
  }

  @Test func eigenvectorResidualAndOrthogonality() throws {
    let a = try spd(30)
    let (values, v) = try LinearAlgebra.eigh(a)
    #expect(zip(values.dropFirst(), values).allSatisfy { $0 >= $1 })
    let av = try BLAS.gemm(a, v)
    let vl = try BLAS.gemm(v, Matrix.diagonal(values))
    #expect(maxDiff(av, vl) < 1e-10)
    #expect(maxDiff(try BLAS.gemm(v, v, transA: true), .identity(30)) < 1e-12)
  }

  @Test func rotationHasComplexPair() throws {
    let th = 0.3
    let r = try Matrix(rowsOf: [[cos(th), -sin(th)], [sin(th), cos(th)]])
    let (re, im) = try LinearAlgebra.eig(r)
    #expect(maxDiff(re, [cos(th), cos(th)]) < 1e-14)
    #expect(maxDiff(im, [sin(th), -sin(th)]) < 1e-14)
  }

  @Test func triangularEigenvaluesAreTheDiagonal() throws {
    let u = try Matrix(rowsOf: [[1, 5, -3], [0, 4, 2], [0, 0, -2]])
    let (re, im) = try LinearAlgebra.eig(u)
    #expect(maxDiff(Vector(re.sorted()), [-2, 1, 4]) < 1e-13)
    #expect(im.allSatisfy { abs($0) < 1e-14 })
  }

  @Test func symmetryIsCheckedRelativeToScale() throws {
    var a = try spd(4) * 1e6
    a[0, 1] += 1e-6  // relative asymmetry ~1e-13 of the scale: accepted
    _ = try LinearAlgebra.eigh(a)
    let b = try Matrix(rowsOf: [[1, 2], [2.1, 1]])
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "eigh",
        message: "expected a symmetric matrix, found a[1, 0] = 2.1 but a[0, 1] = 2.0"
      )
    ) { try LinearAlgebra.eigh(b) }
  }

  @Test func emptyMatrices() throws {
    let e = Matrix(rows: 0, cols: 0)
    #expect(try LinearAlgebra.eigh(e).values.isEmpty)
    #expect(try LinearAlgebra.eig(e).real.isEmpty)
    #expect(try LinearAlgebra.det(e) == 1)
    #expect(try LinearAlgebra.inverse(e).shape == [0, 0])
    let (u, s, vt) = try LinearAlgebra.svd(Matrix(rows: 3, cols: 0))
    #expect(u.shape == [3, 0] && s.isEmpty && vt.shape == [0, 0])
  }
}

@Suite struct FactorisationTests {
  @Test(arguments: [(4, 3), (3, 5), (6, 6)])
  func svdReconstructs(shape: (Int, Int)) throws {
    let (m, n) = shape
    let a = scrambled(m, n)
    let (u, s, vt) = try LinearAlgebra.svd(a)
    let k = min(m, n)
    #expect(u.shape == [m, k] && s.count == k && vt.shape == [k, n])
    #expect(zip(s.dropFirst(), s).allSatisfy { $0 <= $1 } && s.allSatisfy { $0 >= 0 })
    let usvt = try BLAS.gemm(try BLAS.gemm(u, Matrix.diagonal(s)), vt)
    #expect(maxDiff(usvt, a) < 1e-10)
    #expect(maxDiff(try BLAS.gemm(u, u, transA: true), .identity(k)) < 1e-12)
    #expect(maxDiff(try BLAS.gemm(vt, vt, transB: true), .identity(k)) < 1e-12)
  }

  @Test func svdOfScaledPermutation() throws {
    let a = try Matrix(rowsOf: [[0, -2], [3, 0], [0, 0]])
    #expect(maxDiff(try LinearAlgebra.svd(a).s, [3, 2]) < 1e-14)
  }

  @Test func solveKnownSystems() throws {
    let a = try Matrix(rowsOf: [[2, 1], [1, 3]])
    // 2·0.8 + 1.4 = 3, 0.8 + 3·1.4 = 5
    #expect(maxDiff(try LinearAlgebra.solve(a, Vector([3, 5])), [0.8, 1.4]) < 1e-14)
    let b = try Matrix(rowsOf: [[3, 1], [5, 0]])
    let x = try LinearAlgebra.solve(a, b)
    #expect(maxDiff(x, try Matrix(rowsOf: [[0.8, 0.6], [1.4, -0.2]])) < 1e-14)
  }

  @Test func solveResidual() throws {
    let a = scrambled(20, 20, seed: 3)
    let b = Vector((0..<20).map { Double($0) - 7 })
    let x = try LinearAlgebra.solve(a, b)
    #expect(maxDiff(try BLAS.gemv(a, x), b) < 1e-10)
  }

  @Test func choleskyKnownAndReconstructs() throws {
    let l = try LinearAlgebra.cholesky(try Matrix(rowsOf: [[4, 2], [2, 3]]))
    #expect(maxDiff(l, try Matrix(rowsOf: [[2, 0], [1, 2.0.squareRoot()]])) < 1e-15)
    let a = try spd(15)
    let f = try LinearAlgebra.cholesky(a)
    #expect((0..<15).allSatisfy { i in (i + 1..<15).allSatisfy { f[i, $0] == 0 } })
    #expect(maxDiff(try BLAS.gemm(f, f, transB: true), a) < 1e-10)
    let b = Vector((0..<15).map { cos(Double($0)) })
    #expect(maxDiff(try BLAS.gemv(a, try LinearAlgebra.choleskySolve(f, b)), b) < 1e-12)
    let bm = scrambled(15, 3)
    let xm = try LinearAlgebra.choleskySolve(f, bm)
    #expect(maxDiff(try BLAS.gemm(a, xm), bm) < 1e-12)
    // X A = B row by row: the transpose of the column solve, and X·A reproduces B.
    let br = scrambled(4, 15, seed: 6)
    let xr = try LinearAlgebra.choleskySolveRight(f, br)
    #expect(maxDiff(try BLAS.gemm(xr, a), br) < 1e-12)
    #expect(maxDiff(xr, try LinearAlgebra.choleskySolve(f, br.transposed()).transposed()) < 1e-14)
    #expect(throws: NumericsError.self) { try LinearAlgebra.choleskySolveRight(f, bm) }
  }

  @Test(arguments: [(5, 3), (3, 5), (4, 4)])
  func qrOrthogonalAndReconstructs(shape: (Int, Int)) throws {
    let (m, n) = shape
    let a = scrambled(m, n, seed: 4)
    let (q, r) = try LinearAlgebra.qr(a)
    let k = min(m, n)
    #expect(q.shape == [m, k] && r.shape == [k, n])
    #expect(maxDiff(try BLAS.gemm(q, q, transA: true), .identity(k)) < 1e-12)
    #expect(maxDiff(try BLAS.gemm(q, r), a) < 1e-12)
    #expect((0..<k).allSatisfy { i in (0..<i).allSatisfy { r[i, $0] == 0 } })
  }

  @Test func lstsqOverdeterminedExact() throws {
    let t = (0..<6).map { Double($0) / 2 }
    let a = try Matrix(rowsOf: t.map { [1, $0] })
    let b = Vector(t.map { 2 + 3 * $0 })
    #expect(maxDiff(try LinearAlgebra.lstsq(a, b), [2, 3]) < 1e-12)
  }

  @Test func lstsqMinimumNormAndLeastSquares() throws {
    // x + y = 2 has minimum-norm solution (1, 1).
    let one = try Matrix(rowsOf: [[1, 1]])
    #expect(maxDiff(try LinearAlgebra.lstsq(one, [2]), [1, 1]) < 1e-14)
    // Fitting a constant to 1, 2, 6 gives their mean, 3.
    let c = try Matrix(rowsOf: [[1], [1], [1]])
    #expect(maxDiff(try LinearAlgebra.lstsq(c, [1, 2, 6]), [3]) < 1e-14)
  }

  @Test func determinants() throws {
    #expect(abs(try LinearAlgebra.det(try Matrix(rowsOf: [[1, 2], [3, 4]])) + 2) < 1e-14)
    let d = try Matrix(rowsOf: [[2, 0, 0], [0, 3, 0], [0, 0, 4]])
    #expect(abs(try LinearAlgebra.det(d) - 24) < 1e-13)
    #expect(abs(try LinearAlgebra.det(try Matrix(rowsOf: [[0, 1], [1, 0]])) + 1) < 1e-15)
    #expect(try LinearAlgebra.det(try Matrix(rowsOf: [[1, 2], [2, 4]])) == 0)
    // det(Tₙ) of the 2, −1 Toeplitz matrix is n + 1.
    var t = Matrix.identity(9) * 2
    for i in 0..<8 {
      t[i, i + 1] = -1
      t[i + 1, i] = -1
    }
    #expect(abs(try LinearAlgebra.det(t) - 10) < 1e-12)
    let (sign, logAbs) = try LinearAlgebra.logdet(try Matrix(rowsOf: [[1, 2], [3, 4]]))
    #expect(sign == -1 && abs(logAbs - log(2)) < 1e-14)
    let big = try LinearAlgebra.logdet(Matrix.identity(400) * 10)
    #expect(big.sign == 1 && abs(big.logAbs - 400 * log(10)) < 1e-10)
    let singular = try LinearAlgebra.logdet(try Matrix(rowsOf: [[1, 2], [2, 4]]))
    #expect(singular.sign == 0 && singular.logAbs == -.infinity)
  }

  @Test func inverseKnownAndResidual() throws {
    let inv = try LinearAlgebra.inverse(try Matrix(rowsOf: [[4, 7], [2, 6]]))
    #expect(maxDiff(inv, try Matrix(rowsOf: [[0.6, -0.7], [-0.2, 0.4]])) < 1e-15)
    let a = scrambled(12, 12, seed: 5)
    #expect(maxDiff(try BLAS.gemm(a, try LinearAlgebra.inverse(a)), .identity(12)) < 1e-10)
  }

  @Test func norms() {
    #expect(abs(LinearAlgebra.norm([3, 4]) - 5) < 1e-15)
    #expect(LinearAlgebra.norm([]) == 0)
    #expect(abs(LinearAlgebra.norm([1e200, 1e200]) / (2.0.squareRoot() * 1e200) - 1) < 1e-15)
    #expect(LinearAlgebra.norm([1, .nan]).isNaN)
    #expect(LinearAlgebra.norm([1, .infinity]) == .infinity)
  }
}

@Suite struct LinearAlgebraErrorTests {
  let square = try! Matrix(rowsOf: [[2, 1], [1, 3]])
  let wide = Matrix(rows: 2, cols: 3, repeating: 1)

  @Test func singularSystemsThrow() throws {
    let exact = try Matrix(rowsOf: [[1, 2], [2, 4]])
    #expect(throws: NumericsError.singular(operation: "solve")) {
      try LinearAlgebra.solve(exact, Vector([1, 1]))
    }
    #expect(throws: NumericsError.singular(operation: "inverse")) {
      try LinearAlgebra.inverse(exact)
    }
    // Singular only to working precision: LU leaves a pivot of order ε, not 0.
    let nearly = try Matrix(rowsOf: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    #expect(throws: NumericsError.singular(operation: "solve")) {
      try LinearAlgebra.solve(nearly, Matrix.identity(3))
    }
    #expect(throws: NumericsError.singular(operation: "inverse")) {
      try LinearAlgebra.inverse(nearly)
    }
  }

  @Test func notPositiveDefiniteThrows() throws {
    #expect(throws: NumericsError.notPositiveDefinite(operation: "cholesky")) {
      try LinearAlgebra.cholesky(try Matrix(rowsOf: [[1, 2], [2, 1]]))
    }
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "cholesky",
        message: "expected a symmetric matrix, found a[1, 0] = 0.0 but a[0, 1] = 1.0")
    ) { try LinearAlgebra.cholesky(try Matrix(rowsOf: [[2, 1], [0, 2]])) }
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "choleskySolve",
        message: "expected a Cholesky factor with a positive diagonal, found l[1, 1] = 0.0")
    ) { try LinearAlgebra.choleskySolve(try Matrix(rowsOf: [[1, 0], [1, 0]]), Vector([1, 1])) }
  }

  @Test func nonFiniteInputThrowsEverywhere() throws {
    let nanSquare = try Matrix(rowsOf: [[1, .nan], [.nan, 1]])
    let infSquare = try Matrix(rowsOf: [[1, 0], [0, .infinity]])
    for bad in [nanSquare, infSquare] {
      let calls: [(String, () throws -> Void)] = [
        ("eigh", { _ = try LinearAlgebra.eigh(bad) }),
        ("eigvalsh", { _ = try LinearAlgebra.eigvalsh(bad) }),
        ("eig", { _ = try LinearAlgebra.eig(bad) }),
        ("svd", { _ = try LinearAlgebra.svd(bad) }),
        ("solve", { _ = try LinearAlgebra.solve(bad, Vector([1, 1])) }),
        ("cholesky", { _ = try LinearAlgebra.cholesky(bad) }),
        ("choleskySolve", { _ = try LinearAlgebra.choleskySolve(bad, Vector([1, 1])) }),
        ("qr", { _ = try LinearAlgebra.qr(bad) }),
        ("lstsq", { _ = try LinearAlgebra.lstsq(bad, [1, 1]) }),
        ("det", { _ = try LinearAlgebra.det(bad) }),
        ("logdet", { _ = try LinearAlgebra.logdet(bad) }),
        ("inverse", { _ = try LinearAlgebra.inverse(bad) }),
      ]
      for (name, call) in calls {
        #expect(throws: NumericsError.nonFinite(operation: name)) { try call() }
      }
    }
    #expect(throws: NumericsError.nonFinite(operation: "solve")) {
      try LinearAlgebra.solve(square, Vector([1, .nan]))
    }
    #expect(throws: NumericsError.nonFinite(operation: "lstsq")) {
      try LinearAlgebra.lstsq(square, [.infinity, 1])
    }
    #expect(throws: NumericsError.nonFinite(operation: "choleskySolve")) {
      try LinearAlgebra.choleskySolve(Matrix.identity(2), Matrix(rows: 2, cols: 1, repeating: .nan))
    }
  }

  @Test func nonSquareThrowsWithShape() throws {
    let calls: [(String, () throws -> Void)] = [
      ("eigh", { _ = try LinearAlgebra.eigh(wide) }),
      ("eigvalsh", { _ = try LinearAlgebra.eigvalsh(wide) }),
      ("eig", { _ = try LinearAlgebra.eig(wide) }),
      ("solve", { _ = try LinearAlgebra.solve(wide, Vector([1, 1])) }),
      ("cholesky", { _ = try LinearAlgebra.cholesky(wide) }),
      ("choleskySolve", { _ = try LinearAlgebra.choleskySolve(wide, Vector([1, 1])) }),
      ("det", { _ = try LinearAlgebra.det(wide) }),
      ("logdet", { _ = try LinearAlgebra.logdet(wide) }),
      ("inverse", { _ = try LinearAlgebra.inverse(wide) }),
    ]
    for (name, call) in calls {
      #expect(
        throws: NumericsError.invalidArgument(
          operation: name, message: "expected a square matrix, found shape (2, 3)")
      ) { try call() }
    }
  }

  @Test func shapeMismatchThrows() throws {
    #expect(throws: NumericsError.shapeMismatch(operation: "solve", lhs: [2, 2], rhs: [3])) {
      try LinearAlgebra.solve(square, Vector([1, 2, 3]))
    }
    #expect(throws: NumericsError.shapeMismatch(operation: "solve", lhs: [2, 2], rhs: [3, 1])) {
      try LinearAlgebra.solve(square, Matrix(rows: 3, cols: 1))
    }
    #expect(throws: NumericsError.shapeMismatch(operation: "lstsq", lhs: [2, 3], rhs: [3])) {
      try LinearAlgebra.lstsq(wide, [1, 2, 3])
    }
    #expect(
      throws: NumericsError.shapeMismatch(operation: "choleskySolve", lhs: [2, 2], rhs: [1])
    ) { try LinearAlgebra.choleskySolve(Matrix.identity(2), Vector([1])) }
    #expect(
      throws: NumericsError.shapeMismatch(operation: "choleskySolve", lhs: [2, 2], rhs: [3, 2])
    ) { try LinearAlgebra.choleskySolve(Matrix.identity(2), Matrix(rows: 3, cols: 2)) }
  }
}

/// `choleskyInverse` against the inverse by LU and the identity A·A⁻¹ = I.
@Suite struct CholeskyInverseTests {
  @Test func matchesTheInverse() throws {
    var rng = RandomGenerator(seed: 9)
    let n = 30
    let b = Matrix(rows: n, cols: n) { out in for i in 0..<(n * n) { out[i] = rng.normal() } }
    var a = try BLAS.gemm(b, b, transA: true)
    for i in 0..<n { a[i, i] += 1 }
    let inv = try LinearAlgebra.choleskyInverse(try LinearAlgebra.cholesky(a))
    let reference = try LinearAlgebra.inverse(a)
    let scale = reference.elements.map(abs).max()!
    for e in 0..<(n * n) { #expect(abs(inv.elements[e] - reference.elements[e]) <= 1e-10 * scale) }
    for i in 0..<n { for j in 0..<n { #expect(inv[i, j] == inv[j, i]) } }
    let product = try BLAS.gemm(a, inv)
    for i in 0..<n {
      for j in 0..<n { #expect(abs(product[i, j] - (i == j ? 1 : 0)) <= 1e-9) }
    }
  }

  @Test func rejectsNonFactors() throws {
    #expect(throws: NumericsError.self) {
      try LinearAlgebra.choleskyInverse(try Matrix(rowsOf: [[1, 0], [2, 0]]))
    }
    #expect(throws: NumericsError.self) {
      try LinearAlgebra.choleskyInverse(try Matrix(rowsOf: [[1, 0], [.nan, 1]]))
    }
    #expect(throws: NumericsError.self) {
      try LinearAlgebra.choleskyInverse(Matrix(rows: 2, cols: 3))
    }
    // The strict upper triangle is ignored: [[2, junk], [1, 1]] is L with A = [[4, 2], [2, 2]].
    let inv = try LinearAlgebra.choleskyInverse(try Matrix(rowsOf: [[2, 99], [1, 1]]))
    // A⁻¹ = [[2, −2], [−2, 4]] / 4.
    let expected: [Double] = [0.5, -0.5, -0.5, 1]
    for e in 0..<4 { #expect(abs(inv.elements[e] - expected[e]) <= 1e-15) }
  }
}

/// `inverseCholeskyFactorTransposed` against the Cholesky factor of the inverse formed
/// explicitly (`cholesky(choleskyInverse(cholesky(A)))`), the identity UᵀU·A = I, a 2 × 2
/// closed form and its errors.
@Suite struct InverseCholeskyFactorTests {
  @Test func matchesTheFactorOfTheInverse() throws {
    var rng = RandomGenerator(seed: 17)
    // 300 and 517 take the two-thread blocked path (from `parallelFactorSize` = 256 on).
    for n in [1, 2, 7, 40, 300, 517] {
      let b = Matrix(rows: n + 3, cols: n) { out in
        for i in 0..<((n + 3) * n) { out[i] = rng.normal() }
      }
      var a = try BLAS.gemm(b, b, transA: true)
      for i in 0..<n { a[i, i] += 0.1 }
      let ut = try LinearAlgebra.inverseCholeskyFactorTransposed(a)
      let reference = try LinearAlgebra.cholesky(
        try LinearAlgebra.choleskyInverse(try LinearAlgebra.cholesky(a)))
      let scale = reference.elements.map(abs).max()!
      for i in 0..<n {
        #expect(ut[i, i] > 0)
        for j in 0..<n {
          if j > i { #expect(ut[i, j] == 0) }
          if abs(ut[i, j] - reference[i, j]) > 1e-9 * scale {
            Issue.record("n \(n) (\(i), \(j)): \(ut[i, j]) vs \(reference[i, j])")
          }
        }
      }
      // (UᵀU) A = I with Uᵀ = ut.
      let inverse = try BLAS.gemm(ut, ut, transB: true)
      let product = try BLAS.gemm(inverse, a)
      var worst = 0.0
      for i in 0..<n {
        for j in 0..<n { worst = max(worst, abs(product[i, j] - (i == j ? 1 : 0))) }
      }
      #expect(worst <= 1e-8, "n \(n): largest deviation of (UᵀU)A from I \(worst)")
    }
  }

  /// A = [[4, 2], [2, 3]]: A⁻¹ = [[3, −2], [−2, 4]]/8 = UᵀU with U = [[u₁₁, u₁₂], [0, u₂₂]]:
  /// u₁₁² = 3/8, u₁₁u₁₂ = −1/4, u₁₂² + u₂₂² = 1/2, so u₁₁ = √(3/8), u₁₂ = −1/√6,
  /// u₂₂ = 1/√3.
  @Test func twoByTwoClosedForm() throws {
    let ut = try LinearAlgebra.inverseCholeskyFactorTransposed(
      try Matrix(rowsOf: [[4, 2], [2, 3]]))
    #expect(abs(ut[0, 0] - (3.0 / 8).squareRoot()) <= 1e-15)
    #expect(abs(ut[1, 0] + 1 / 6.0.squareRoot()) <= 1e-15)
    #expect(abs(ut[1, 1] - 1 / 3.0.squareRoot()) <= 1e-15)
    #expect(ut[0, 1] == 0)
  }

  @Test func rejectsBadInput() throws {
    #expect(throws: NumericsError.notPositiveDefinite(operation: "inverseCholeskyFactor")) {
      try LinearAlgebra.inverseCholeskyFactorTransposed(try Matrix(rowsOf: [[1, 2], [2, 1]]))
    }
    // Indefinite at order 300 (the blocked two-thread path), the bad pivot in the second
    // block of 128.
    var indefinite = Matrix.identity(300)
    indefinite[100, 100] = -1
    #expect(throws: NumericsError.notPositiveDefinite(operation: "inverseCholeskyFactor")) {
      try LinearAlgebra.inverseCholeskyFactorTransposed(indefinite)
    }
    #expect(throws: NumericsError.self) {
      try LinearAlgebra.inverseCholeskyFactorTransposed(try Matrix(rowsOf: [[1, 0], [.nan, 1]]))
    }
    #expect(throws: NumericsError.self) {
      try LinearAlgebra.inverseCholeskyFactorTransposed(try Matrix(rowsOf: [[1, 0.5], [0, 1]]))
    }
    #expect(throws: NumericsError.self) {
      try LinearAlgebra.inverseCholeskyFactorTransposed(Matrix(rows: 2, cols: 3))
    }
  }
}
