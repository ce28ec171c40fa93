import Foundation
import Numerics
import Testing

@testable import QuantizationErrorPropagation

@Suite struct CorrectionTests {
  /// A layer, full-precision inputs X and perturbed inputs X̂ = X + noise.
  func instance(seed: UInt64, tokens: Int = 48, dIn: Int = 12, dOut: Int = 7, noise: Double = 0.2)
    throws -> (w: Matrix, x: Matrix, xHat: Matrix)
  {
    var rng = RandomGenerator(seed: seed)
    let w = try gaussian(dOut, dIn, &rng)
    let x = try correlatedTokens(tokens, dIn, &rng)
    var xHat = x
    QEP.add(&xHat, try gaussian(tokens, dIn, &rng), times: noise)
    return (w, x, xHat)
  }

  @Test func alphaZeroAndEqualStreamsGiveTheOriginalWeights() throws {
    let (w, x, xHat) = try instance(seed: 1)
    let s = try QEP.LayerStatistics(full: x, quantized: xHat)
    // Exact by construction: the added term is 0 · finite = 0, and W + 0 = W.
    #expect(try QEP.corrected(w, statistics: s, alpha: 0, damping: 0.01) == w)
    let same = try QEP.LayerStatistics(inputs: x)
    #expect(same.cross == nil)
    #expect(try QEP.corrected(w, statistics: same, alpha: 1, damping: 0) == w)
  }

  /// The statistics against direct products (Ĥ = X̂ᵀX̂/n, H_δ = (X − X̂)ᵀX̂/n, relative
  /// 1e-12), with and without H_δ (Ĥ then summed over two halves of the tokens), and the
  /// correction with its rows split over two threads (200 rows) against
  /// W + α(W H_δ)(Ĥ + λI)⁻¹ by an LU solve (relative 1e-10).
  @Test func statisticsAndSplitCorrectionMatchDirectFormulas() throws {
    let (_, x, xHat) = try instance(seed: 4, tokens: 90, dIn: 20, dOut: 3)
    var rng = RandomGenerator(seed: 40)
    let w = try gaussian(200, 20, &rng)
    let n = 90.0
    let h = try BLAS.gemm(xHat, xHat, transA: true, alpha: 1 / n)
    var delta = x
    QEP.add(&delta, xHat, times: -1)
    let hd = try BLAS.gemm(delta, xHat, transA: true, alpha: 1 / n)
    let both = try QEP.LayerStatistics(full: x, quantized: xHat)
    let hessianOnly = try QEP.LayerStatistics(full: x, quantized: xHat, withCross: false)
    #expect(hessianOnly.cross == nil)
    let hScale = h.elements.map(abs).max()!
    let dScale = hd.elements.map(abs).max()!
    let cross = try #require(both.cross)
    for e in 0..<(20 * 20) {
      #expect(abs(both.hessian.elements[e] - h.elements[e]) <= 1e-12 * hScale)
      #expect(abs(hessianOnly.hessian.elements[e] - h.elements[e]) <= 1e-12 * hScale)
      #expect(abs(cross.elements[e] - hd.elements[e]) <= 1e-12 * dScale)
    }
    let alpha = 0.7
    let corrected = try QEP.corrected(w, statistics: both, alpha: alpha, damping: 0.05)
    var damped = both.hessian
    QEP.dampDiagonal(&damped, damping: 0.05)
    // (W H_δ)(Ĥ + λI)⁻¹ = ((Ĥ + λI)⁻¹ (W H_δ)ᵀ)ᵀ.
    let rhs = try BLAS.gemm(cross, w, transA: true, transB: true)
    let solved = try LinearAlgebra.solve(damped, rhs).transposed()
    var expected = w
    QEP.add(&expected, solved, times: alpha)
    let scale = expected.elements.map(abs).max()!
    for e in 0..<expected.elements.count {
      #expect(abs(corrected.elements[e] - expected.elements[e]) <= 1e-10 * scale)
    }
  }

  /// Query, key and value quantized as one stacked matrix (GPTQ + QEP, as `quantize`
  /// does for MiniLM) agree with quantizing each layer alone (the rows are independent
  /// given the statistics): the same grid values to 1e-9.
  @Test func stackedLayersMatchSeparateQuantization() throws {
    let (_, x, xHat) = try instance(seed: 6, tokens: 120, dIn: 32, dOut: 3)
    var rng = RandomGenerator(seed: 60)
    let layers = try (0..<3).map { _ in try gaussian(50, 32, &rng) }
    let settings = try QEP.Settings(
      method: .gptq, grid: try QEP.Grid(bits: 3),
      propagation: try QEP.Propagation(alpha: 0.5, damping: 0.01))
    let stats = try QEP.LayerStatistics(full: x, quantized: xHat)
    let stacked = try settings.quantize(layers, role: "qkv", statistics: stats)
    #expect(stacked.count == 3)
    for (k, w) in layers.enumerated() {
      let alone = try settings.quantize(w, role: "qkv", statistics: stats)
      #expect(stacked[k].rows == 50 && stacked[k].cols == 32)
      var worst = 0.0
      for e in 0..<alone.elements.count {
        worst = max(worst, abs(alone.elements[e] - stacked[k].elements[e]))
      }
      #expect(worst <= 1e-9, "layer \(k): largest difference \(worst)")
    }
  }

  /// `apply` (X Wᵀ, its tokens split over two threads from 256 tokens on) against one
  /// `gemm`, relative 1e-13.
  @Test func splitLayerProductMatchesOneProduct() throws {
    var rng = RandomGenerator(seed: 41)
    let x = try gaussian(300, 24, &rng)
    let w = try gaussian(17, 24, &rng)
    let a = try QEP.apply(w, to: x)
    let b = try BLAS.gemm(x, w, transB: true)
    let scale = b.elements.map(abs).max()!
    #expect(a.rows == 300 && a.cols == 17)
    for e in 0..<b.elements.count { #expect(abs(a.elements[e] - b.elements[e]) <= 1e-13 * scale) }
  }

  /// ‖WX − ŴX̂‖² = ‖WX − W*X̂‖² + ‖(W* − Ŵ)X̂‖² for any Ŵ at α = 1, λ = 0 (spec), to 1e-10.
  @Test func pythagoreanIdentity() throws {
    for seed in 1...20 {
      let (w, x, xHat) = try instance(seed: UInt64(seed))
      let s = try QEP.LayerStatistics(full: x, quantized: xHat)
      let wStar = try QEP.corrected(w, statistics: s, alpha: 1, damping: 0)
      for wq in [
        try QEP.roundToNearest(wStar, grid: try QEP.Grid(bits: 2)),
        try QEP.roundToNearest(w, grid: try QEP.Grid(bits: 3)),
      ] {
        let y = try BLAS.gemm(x, w, transB: true)
        let lhs = try QEP.relativeError(y, try BLAS.gemm(xHat, wq, transB: true))
        let a = try QEP.relativeError(y, try BLAS.gemm(xHat, wStar, transB: true))
        var diff = wStar
        QEP.add(&diff, wq, times: -1)
        let b = try BLAS.gemm(xHat, diff, transB: true).frobeniusNorm / y.frobeniusNorm
        #expect(abs(lhs * lhs - (a * a + b * b)) <= 1e-10 * lhs * lhs)
      }
    }
  }

  /// The per-layer form of the paper's theorem (α = 1, λ = 0): ‖WX − W*X̂‖ ≤ ‖WX − WX̂‖,
  /// over many seeds, noise levels and shapes (including more inputs than outputs).
  @Test func correctionNeverIncreasesTheLayerError() throws {
    for seed in 1...200 {
      let noise = [0.01, 0.1, 0.5, 2][seed % 4]
      let (w, x, xHat) = try instance(
        seed: UInt64(seed), tokens: 20 + seed % 40, dIn: 4 + seed % 13, dOut: 1 + seed % 9,
        noise: noise)
      let s = try QEP.LayerStatistics(full: x, quantized: xHat)
      let wStar = try QEP.corrected(w, statistics: s, alpha: 1, damping: 0)
      let y = try BLAS.gemm(x, w, transB: true)
      let corrected = try QEP.relativeError(y, try BLAS.gemm(xHat, wStar, transB: true))
      let plain = try QEP.relativeError(y, try BLAS.gemm(xHat, w, transB: true))
      #expect(corrected <= plain * (1 + 1e-12), "seed \(seed)")
    }
  }

  /// α = 1, λ = 0 solves the normal equations (WX − W*X̂) X̂ᵀ = 0 (inputs as columns).
  @Test func fullCorrectionSolvesTheNormalEquations() throws {
    let (w, x, xHat) = try instance(seed: 9)
    let s = try QEP.LayerStatistics(full: x, quantized: xHat)
    let wStar = try QEP.corrected(w, statistics: s, alpha: 1, damping: 0)
    var r = try BLAS.gemm(x, w, transB: true)
    QEP.add(&r, try BLAS.gemm(xHat, wStar, transB: true), times: -1)
    let g = try BLAS.gemm(r, xHat, transA: true)
    let scale = try BLAS.gemm(x, w, transB: true).frobeniusNorm * xHat.frobeniusNorm
    #expect(g.frobeniusNorm <= 1e-12 * scale)
  }

  @Test func badSettingsThrow() throws {
    let (w, x, xHat) = try instance(seed: 1)
    let s = try QEP.LayerStatistics(full: x, quantized: xHat)
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "qep.correct",
        message: "expected a propagation strength 0 ≤ alpha ≤ 1, found 1.5")
    ) {
      try QEP.corrected(w, statistics: s, alpha: 1.5, damping: 0)
    }
    let few = try QEP.LayerStatistics(
      full: Matrix(rows: 3, cols: 12, repeating: 1),
      quantized: Matrix(rows: 3, cols: 12, repeating: 0.5))
    #expect(throws: NumericsError.self) {
      try QEP.corrected(w, statistics: few, alpha: 1, damping: 0)
    }
    let grid = try QEP.Grid(bits: 4)
    let settings = try QEP.Settings(
      method: .rtn, grid: grid, propagation: try QEP.Propagation(excluded: ["dwon"]))
    let model = try QEP.ResidualMLP.random(width: 4, hidden: 8, depth: 1, seed: 1)
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "qep.quantize",
        message: "expected excluded layer roles among up, down, found \"dwon\"")
    ) {
      try QEP.quantize(
        model, calibration: Matrix(rows: 5, cols: 4, repeating: 1), settings: settings)
    }
  }
}
