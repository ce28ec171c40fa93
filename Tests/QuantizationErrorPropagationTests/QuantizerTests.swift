import Foundation
import Numerics
import Testing

@testable import QuantizationErrorPropagation

/// Random n × m matrix with standard normal entries.
func gaussian(_ rows: Int, _ cols: Int, _ rng: inout RandomGenerator) throws -> Matrix {
  try Matrix(rows: rows, cols: cols, elements: rng.normalVector(count: rows * cols).elements)
}

/// Correlated tokens: n × d standard normals times a random d × d mixing.
func correlatedTokens(_ n: Int, _ d: Int, _ rng: inout RandomGenerator) throws -> Matrix {
  try BLAS.gemm(try gaussian(n, d, &rng), try gaussian(d, d, &rng))
}

/// ‖(W − Ŵ) Xᵀ‖_F², the layer's squared output error on inputs X.
func outputError(_ w: Matrix, _ wq: Matrix, _ x: Matrix) throws -> Double {
  var d = w
  QEP.add(&d, wq, times: -1)
  let y = try BLAS.gemm(x, d, transB: true)
  return y.elements.reduce(0) { $0 + $1 * $1 }
}

@Suite struct QuantizerTests {
  @Test func gridConventionOnHandWorkedRows() throws {
    // 2 bits: row 1 has range [−1, 2] → s = 1, z = 1; 0.5 rounds to even (0).
    // Row 2 is positive: x_min is forced to 0, s = 0.4/3, z = 0; 0.2/s = 1.5 → 2.
    // Row 3 is all zero: the range becomes [−1, 1] and 0 stays exactly 0.
    let w = try Matrix(rowsOf: [[-1, 0.5, 2], [0.2, 0.4, 0.4], [0, 0, 0]])
    let q = try QEP.roundToNearest(w, grid: try QEP.Grid(bits: 2))
    let expected: [Double] = [-1, 0, 2, 0.8 / 3, 0.4, 0.4, 0, 0, 0]
    for (a, b) in zip(q.elements, expected) { #expect(abs(a - b) < 1e-15) }
  }

  @Test func roundingErrorIsAtMostHalfAStep() throws {
    var rng = RandomGenerator(seed: 3)
    let w = try gaussian(16, 32, &rng)
    for bits in QEP.Grid.supportedBits {
      for group in [0, 8] {
        let grid = try QEP.Grid(bits: bits, groupSize: group)
        let q = try QEP.roundToNearest(w, grid: grid)
        let g = group == 0 ? 32 : group
        for r in 0..<16 {
          for start in stride(from: 0, to: 32, by: g) {
            let vals = (start..<(start + g)).map { w[r, $0] }
            let step = (max(vals.max()!, 0) - min(vals.min()!, 0)) / grid.maxLevel
            let levels = Set((start..<(start + g)).map { q[r, $0] })
            #expect(levels.count <= 1 << bits)
            for j in start..<(start + g) { #expect(abs(w[r, j] - q[r, j]) <= step / 2 + 1e-12) }
          }
        }
      }
    }
  }

  @Test func badArgumentsThrowClearErrors() throws {
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "qep.grid", message: "expected bits in {2, 3, 4, 8}, found 5")
    ) {
      try QEP.Grid(bits: 5)
    }
    let w = Matrix(rows: 2, cols: 6, repeating: 1)
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "qep.rtn", message: "expected the group size 4 to divide the 6 input columns")
    ) {
      try QEP.roundToNearest(w, grid: try QEP.Grid(bits: 4, groupSize: 4))
    }
    var bad = w
    bad.elements[3] = .nan
    #expect(throws: NumericsError.self) { try QEP.roundToNearest(bad, grid: try QEP.Grid(bits: 4)) }
  }

  /// The blocked GPTQ (sub-blocks of 16 columns, lazy block updates by matrix products,
  /// the rows split over two threads) against Algorithm 1 written out column by column:
  /// U from H⁻¹ by LU inverse and a second Cholesky, every error fed to every later
  /// column at once. d_in = 70 with blocks of 32 (ragged last block and sub-block),
  /// d_out = 150 (split), per channel and in groups of 10; all values agree to 1e-9 (the
  /// same rounding decisions), and one or two threads give the same bits.
  @Test func blockedGPTQMatchesTheColumnRecursion() throws {
    var rng = RandomGenerator(seed: 12)
    let (dOut, dIn) = (150, 70)
    let w = try gaussian(dOut, dIn, &rng)
    let x = try correlatedTokens(200, dIn, &rng)
    let h = try BLAS.gemm(x, x, transA: true, alpha: 1 / 200.0)
    for group in [0, 10] {
      let grid = try QEP.Grid(bits: 3, groupSize: group)
      let fast = try QEP.gptq(w, hessian: h, grid: grid, damping: 0.01, blockSize: 32)
      // Reference: damping, U by explicit inverse, column recursion.
      var hd = h
      var mean = 0.0
      for j in 0..<dIn { mean += hd[j, j] / Double(dIn) }
      for j in 0..<dIn { hd[j, j] += 0.01 * mean }
      let u = try LinearAlgebra.cholesky(try LinearAlgebra.inverse(hd)).transposed()  // upper
      var work = w
      var reference = w
      var scale = [Double](repeating: 0, count: dOut)
      var zero = [Double](repeating: 0, count: dOut)
      func setGrid(_ cols: Range<Int>) {
        for r in 0..<dOut {
          let vals = cols.map { work[r, $0] }
          (scale[r], zero[r]) = grid.parameters(min: vals.min()!, max: vals.max()!)
        }
      }
      if group == 0 { setGrid(0..<dIn) }
      for i in 0..<dIn {
        if group > 0 && i % group == 0 { setGrid(i..<(i + group)) }
        for r in 0..<dOut {
          let v = grid.round(work[r, i], scale: scale[r], zero: zero[r])
          reference[r, i] = v
          let e = (work[r, i] - v) / u[i, i]
          for k in (i + 1)..<dIn { work[r, k] -= e * u[i, k] }
        }
      }
      var worst = 0.0
      for e in 0..<(dOut * dIn) {
        worst = max(worst, abs(fast.elements[e] - reference.elements[e]))
      }
      #expect(worst <= 1e-9, "group \(group): largest difference \(worst)")
      let factor = try QEP.HessianFactor(h, damping: 0.01, "test")
      let one = try QEP.gptq(w, factor: factor, grid: grid, blockSize: 32, workers: 1)
      let two = try QEP.gptq(w, factor: factor, grid: grid, blockSize: 32, workers: 2)
      #expect(one == two && one == fast)
    }
  }

  /// With a diagonal Hessian there is nothing to feed back (U is diagonal), so GPTQ is
  /// round-to-nearest exactly, per channel and grouped.
  @Test func gptqWithDiagonalHessianIsRoundToNearest() throws {
    var rng = RandomGenerator(seed: 5)
    let w = try gaussian(12, 16, &rng)
    let h = Matrix.diagonal(Vector((0..<16).map { 0.5 + Double($0) }))
    for group in [0, 4] {
      let grid = try QEP.Grid(bits: 3, groupSize: group)
      let a = try QEP.gptq(w, hessian: h, grid: grid, blockSize: 5)
      let b = try QEP.roundToNearest(w, grid: grid)
      #expect(a == b)  // exact: the same roundings of the same numbers
    }
  }

  /// Brute force over every grid point of a 2 × 4 layer (2ᵇ⁴ candidates per row, on
  /// GPTQ's per-channel grid), errors ‖(W − Ŵ)Xᵀ‖² on the calibration tokens: the
  /// optimum ≤ GPTQ always; GPTQ beats RTN at least twice as often as it loses, and in total. GPTQ ≤ RTN
  /// on every seed is no theorem: GPTQ is greedy, and on these tiny layers with strongly
  /// correlated inputs its error feedback sometimes pushes later columns past the
  /// clamped range (this implementation agrees exactly with the authors' reference code
  /// on such a case, seed 7 at 2 bits, checked against a PyTorch transcription).
  @Test(arguments: [(2, 0.0), (3, 0.01)])
  func gptqAgainstBruteForce(bits: Int, damping: Double) throws {
    let grid = try QEP.Grid(bits: bits)
    let levels = 1 << bits
    var wins = 0
    var losses = 0
    var totalGPTQ = 0.0
    var totalRTN = 0.0
    for seed in 1...40 {
      var rng = RandomGenerator(seed: UInt64(seed))
      let w = try gaussian(2, 4, &rng)
      let x = try correlatedTokens(16, 4, &rng)
      let h = try BLAS.gemm(x, x, transA: true)
      let g = try QEP.gptq(w, hessian: h, grid: grid, damping: damping)
      let r = try QEP.roundToNearest(w, grid: grid)
      // ‖(w − ŵ)Xᵀ‖² = (w − ŵ) XᵀX (w − ŵ)ᵀ for one row.
      func rowError(_ d: [Double]) -> Double {
        var e = 0.0
        for i in 0..<4 {
          for j in 0..<4 { e += d[i] * h[i, j] * d[j] }
        }
        return e
      }
      var best = 0.0
      for row in 0..<2 {
        let vals = (0..<4).map { w[row, $0] }
        let (s, z) = grid.parameters(min: vals.min()!, max: vals.max()!)
        var rowBest = Double.infinity
        var d = [Double](repeating: 0, count: 4)
        for code in 0..<(levels * levels * levels * levels) {
          var c = code
          for j in 0..<4 {
            d[j] = vals[j] - s * (Double(c % levels) - z)
            c /= levels
          }
          rowBest = min(rowBest, rowError(d))
        }
        best += rowBest
      }
      let eg = try outputError(w, g, x)
      let er = try outputError(w, r, x)
      #expect(best <= eg * (1 + 1e-10))
      totalGPTQ += eg
      totalRTN += er
      if eg < er * (1 - 1e-9) { wins += 1 }
      if eg > er * (1 + 1e-9) { losses += 1 }
    }
    #expect(wins >= 2 * losses && totalGPTQ < totalRTN, "wins \(wins), losses \(losses)")
  }

  /// On a realistic layer (64 × 64, 512 correlated tokens, 1 % damping) GPTQ's output
  /// error is well below RTN's at every width.
  @Test func gptqBeatsRoundToNearestOnALayer() throws {
    var rng = RandomGenerator(seed: 11)
    let w = try gaussian(64, 64, &rng)
    let x = try BLAS.gemm(try gaussian(512, 64, &rng), QEP.mixingMatrix(width: 64, seed: 3))
    let h = try BLAS.gemm(x, x, transA: true, alpha: 1 / 512)
    for bits in QEP.Grid.supportedBits {
      let grid = try QEP.Grid(bits: bits)
      let eg = try outputError(w, try QEP.gptq(w, hessian: h, grid: grid), x)
      let er = try outputError(w, try QEP.roundToNearest(w, grid: grid), x)
      #expect(eg < 0.8 * er, "\(bits) bits: GPTQ \(eg), RTN \(er)")
    }
  }

  @Test func singularHessianWithoutDampingThrows() throws {
    var rng = RandomGenerator(seed: 2)
    let w = try gaussian(3, 8, &rng)
    let x = try gaussian(4, 8, &rng)  // 4 tokens for 8 inputs: rank 4
    let h = try BLAS.gemm(x, x, transA: true)
    #expect(throws: NumericsError.self) {
      try QEP.gptq(w, hessian: h, grid: try QEP.Grid(bits: 4), damping: 0)
    }
    _ = try QEP.gptq(w, hessian: h, grid: try QEP.Grid(bits: 4), damping: 0.01)
  }
}
