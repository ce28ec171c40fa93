import Foundation
import Testing

@testable import Numerics

/// `BLAS.weightedGram` and `BLAS.rowQuadraticForms` against plain triple loops.
@Suite struct GramTests {
  static func random(_ rows: Int, _ cols: Int, _ rng: inout RandomGenerator) -> Matrix {
    Matrix(rows: rows, cols: cols) { out in for i in 0..<(rows * cols) { out[i] = rng.normal() } }
  }

  static func naiveGram(_ x: Matrix, _ w: [Double]) -> [Double] {
    let d = x.cols
    var g = [Double](repeating: 0, count: d * d)
    for u in 0..<x.rows {
      for i in 0..<d { for j in 0..<d { g[i * d + j] += w[u] * x[u, i] * x[u, j] } }
    }
    return g
  }

  static func naiveQuadratic(_ x: Matrix, _ a: Matrix) -> [Double] {
    (0..<x.rows).map { u in
      var s = 0.0
      for i in 0..<x.cols { for j in 0..<x.cols { s += x[u, i] * a[i, j] * x[u, j] } }
      return s
    }
  }

  /// Mixed-sign and zero weights over several blocks (d = 7: 9362 rows per block, so
  /// 20 000 rows make three blocks with a partial last one).
  @Test func weightedGramMatchesTheSum() throws {
    var rng = RandomGenerator(seed: 11)
    let x = Self.random(20_000, 7, &rng)
    let w = (0..<20_000).map { u in u % 5 == 0 ? 0 : (u % 3 == 0 ? -1 : 1) * rng.uniform() * 2 }
    let g = try BLAS.weightedGram(x, weights: Vector(w))
    let expected = Self.naiveGram(x, w)
    let scale = expected.map(abs).max()!
    for e in 0..<49 { #expect(abs(g.elements[e] - expected[e]) <= 1e-12 * scale * 100) }
    for i in 0..<7 { for j in 0..<7 { #expect(g[i, j] == g[j, i]) } }
    let unweighted = try BLAS.weightedGram(x)
    let plain = Self.naiveGram(x, [Double](repeating: 1, count: 20_000))
    for e in 0..<49 { #expect(abs(unweighted.elements[e] - plain[e]) <= 1e-10 * plain[0]) }
  }

  @Test func weightedGramEdgeCasesAndErrors() throws {
    var rng = RandomGenerator(seed: 3)
    let x = Self.random(5, 3, &rng)
    let zero = try BLAS.weightedGram(x, weights: Vector([0, 0, 0, 0, 0]))
    #expect(zero.elements == [Double](repeating: 0, count: 9))
    #expect(
      try BLAS.weightedGram(Matrix(rows: 0, cols: 3)).elements == [Double](repeating: 0, count: 9))
    #expect(throws: NumericsError.self) { try BLAS.weightedGram(x, weights: Vector([1, 2])) }
    #expect(throws: NumericsError.self) {
      try BLAS.weightedGram(x, weights: Vector([1, .nan, 1, 1, 1]))
    }
  }

  /// Positive definite (the triangular path), indefinite and singular (the general
  /// path), and a non-symmetric A, whose forms are those of its symmetric part.
  @Test func rowQuadraticFormsMatchTheSums() throws {
    var rng = RandomGenerator(seed: 5)
    let d = 12  // 5461 rows per block: three blocks, the last one partial
    let x = Self.random(12_000, d, &rng)
    let b = Self.random(d, d, &rng)
    let spd = try BLAS.gemm(b, b, transA: true)
    var indefinite = spd
    for i in 0..<d { indefinite[i, i] -= 8 }
    let rankOne = Matrix(rows: d, cols: d) { out in
      for i in 0..<d { for j in 0..<d { out[i * d + j] = b[0, i] * b[0, j] } }
    }
    for a in [spd, indefinite, rankOne, b] {
      let s = try BLAS.rowQuadraticForms(x, a)
      let expected = Self.naiveQuadratic(x, a)
      for u in 0..<x.rows {
        var bound = 0.0
        for i in 0..<d { for j in 0..<d { bound += abs(x[u, i] * a[i, j] * x[u, j]) } }
        #expect(abs(s[u] - expected[u]) <= 4 * Double(d) * 1.1e-16 * bound)
      }
    }
    #expect(try BLAS.rowQuadraticForms(x, spd).elements.allSatisfy { $0 >= 0 })
  }

  @Test func rowQuadraticFormsErrors() throws {
    let x = Matrix(rows: 3, cols: 2, repeating: 1)
    #expect(throws: NumericsError.self) { try BLAS.rowQuadraticForms(x, Matrix.identity(3)) }
    var bad = Matrix.identity(2)
    bad[0, 1] = .infinity
    #expect(throws: NumericsError.self) { try BLAS.rowQuadraticForms(x, bad) }
    #expect(try BLAS.rowQuadraticForms(x, Matrix.identity(2)).elements == [2, 2, 2])
    #expect(try BLAS.rowQuadraticForms(Matrix(rows: 0, cols: 2), Matrix.identity(2)).count == 0)
  }
}

/// `BLAS.rowBlockPass` against the two separate products, with a transform that depends
/// on the row index (so a wrong block offset shows), over several blocks.
@Suite struct RowBlockPassTests {
  @Test func matchesTwoProducts() throws {
    var rng = RandomGenerator(seed: 21)
    let (rows, cols) = (1_000, 300)  // 109 rows per block: ten blocks, the last partial
    let x = GramTests.random(rows, cols, &rng)
    let w = Vector((0..<cols).map { _ in rng.normal() })
    let shift = (0..<rows).map { Double($0 % 7) }
    var seen = [Bool](repeating: false, count: rows)
    let g = try BLAS.rowBlockPass(x, w) { start, z in
      for i in 0..<z.count {
        seen[start + i] = true
        z[i] = tanh(z[i]) + shift[start + i]
      }
    }
    #expect(seen.allSatisfy { $0 })
    let z = try BLAS.gemv(x, w)
    let r = Vector((0..<rows).map { tanh(z[$0]) + shift[$0] })
    let expected = try BLAS.gemv(x, r, transpose: true)
    for j in 0..<cols {
      var bound = 0.0
      for u in 0..<rows { bound += abs(x[u, j] * r[u]) }
      #expect(abs(g[j] - expected[j]) <= 1e-13 * bound)
    }
    #expect(throws: NumericsError.self) { try BLAS.rowBlockPass(x, Vector([1, 2])) { _, _ in } }
  }
}

extension RowBlockPassTests {
  /// Two row ranges give the two halves of the whole pass (and see the right rows).
  @Test func rowRangesSplitThePass() throws {
    var rng = RandomGenerator(seed: 4)
    let x = GramTests.random(301, 40, &rng)
    let w = Vector((0..<40).map { _ in rng.normal() })
    func pass(_ rows: Range<Int>?) throws -> Vector {
      try BLAS.rowBlockPass(x, w, rows: rows) { start, z in
        for i in 0..<z.count { z[i] = sin(z[i]) * Double(start + i) }
      }
    }
    let whole = try pass(nil)
    let (a, b) = (try pass(0..<150), try pass(150..<301))
    for j in 0..<40 { #expect(abs(a[j] + b[j] - whole[j]) <= 1e-11 * max(1, abs(whole[j]))) }
    #expect(try pass(7..<7).elements.allSatisfy { $0 == 0 })
    #expect(throws: NumericsError.self) { try pass(0..<302) }
  }
}

/// `BLAS.gram` over a row range against a direct product of those rows, exactly
/// symmetric, and a range outside X rejected.
@Suite struct RowRangeGramTests {
  @Test func matchesTheProductOfTheRows() throws {
    var rng = RandomGenerator(seed: 31)
    let x = try Matrix(rows: 70, cols: 90, elements: rng.normalVector(count: 70 * 90).elements)
    let g = try BLAS.gram(x, rows: 20..<55)
    let part = try Matrix(rows: 35, cols: 90, elements: Array(x.elements[(20 * 90)..<(55 * 90)]))
    let reference = try BLAS.gemm(part, part, transA: true)
    let scale = reference.elements.map(abs).max()!
    for i in 0..<90 {
      for j in 0..<90 {
        #expect(g[i, j] == g[j, i])
        #expect(abs(g[i, j] - reference[i, j]) <= 1e-13 * scale)
      }
    }
    #expect(try BLAS.gram(x, rows: 5..<5) == Matrix(rows: 90, cols: 90))
    #expect(throws: NumericsError.self) { try BLAS.gram(x, rows: 60..<71) }
  }
}
