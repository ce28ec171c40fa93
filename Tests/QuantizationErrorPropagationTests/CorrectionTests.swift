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
    #expect(same.cross.elements.allSatisfy { $0 == 0 })
    #expect(try QEP.corrected(w, statistics: same, alpha: 1, damping: 0) == w)
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
