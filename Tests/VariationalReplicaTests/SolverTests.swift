import Foundation
import Numerics
import Testing

@testable import VariationalReplica

/// The fixed-point machinery: the direct Q-solve, warm starts, learning curves and the
/// argument checks.
@Suite struct SolverTests {
  static func problem(anisotropy: Double = 10) throws -> VGA.Synthetic {
    try VGA.synthetic(
      poolSize: 600, testSize: 200, dimension: 8, noise: 0.5, anisotropy: anisotropy, seed: 4)
  }

  /// Where the Q-iteration contracts, the direct LU solve on vech(Q) gives the same Q
  /// (within 1e-9 relative: both are converged to 1e-10 on scaled variables).
  @Test func directAndIteratedQAgree() throws {
    let syn = try Self.problem()
    let vga = try VGA.solve(
      pool: syn.pool, test: syn.test, tau: 0.2, settings: try VGA.Settings(lambda: 0.3))
    #expect(vga.qMethod == "fixed point")
    let x = syn.pool.inputs
    let c = vga.thermal
    let nu = vga.poolV.map { 1 / (1 + $0) }
    let residual = zip(syn.pool.targets, try BLAS.gemv(x, vga.mean)).map { $0 - $1 }
    let a = Vector(nu.map { 0.2 * $0 * $0 })
    let q0 = try Products.sandwich(
      c, try Products.weightedGram(x, Vector(zip(a, residual).map { $0 * $1 * $1 })))
    let direct = try QEquation.direct(
      x: x, u: try BLAS.gemm(x, c), weights: a, q0: q0, cancellation: .never)
    let scale = vga.quenched.elements.map(abs).max() ?? 1
    for (p, q) in zip(direct.elements, vga.quenched.elements) {
      #expect(abs(p - q) <= 1e-9 * scale)
    }
  }

  /// Near the interpolation threshold (λ = 1e-6, M slightly above d) the Q-iteration stops
  /// contracting and the direct solve takes over; its Q satisfies (S3) to 1e-8.
  @Test func directSolveWhereIterationStalls() throws {
    let syn = try Self.problem(anisotropy: 1)
    let tau = 9.0 / 600
    let vga = try VGA.solve(
      pool: syn.pool, test: syn.test, tau: tau, settings: try VGA.Settings(lambda: 1e-6))
    #expect(vga.qMethod == "direct")
    let x = syn.pool.inputs
    let nu = vga.poolV.map { 1 / (1 + $0) }
    let residual = zip(syn.pool.targets, try BLAS.gemv(x, vga.mean)).map { $0 - $1 }
    let s = try Products.rowQuadratic(x, vga.quenched)
    let weights = Vector(
      (0..<x.rows).map { tau * nu[$0] * nu[$0] * (residual[$0] * residual[$0] + s[$0]) })
    let rhs = try Products.sandwich(vga.thermal, try Products.weightedGram(x, weights))
    let scale = vga.quenched.elements.map(abs).max() ?? 1
    for (p, q) in zip(rhs.elements, vga.quenched.elements) { #expect(abs(p - q) <= 1e-8 * scale) }
  }

  /// A learning curve warm-starts each size from the previous one and lands on the same
  /// solutions as cold starts (1e-8 relative), with one entry per size.
  @Test func learningCurveMatchesColdStarts() throws {
    let syn = try Self.problem()
    let settings = try VGA.Settings(lambda: 0.3)
    let sizes = [30, 60, 120, 240]
    let curve = try VGA.learningCurve(
      pool: syn.pool, test: syn.test, sizes: sizes, settings: settings)
    #expect(curve.testError.count == 4 && curve.qMethods.count == 4)
    for (k, m) in sizes.enumerated() {
      let cold = try VGA.solve(
        pool: syn.pool, test: syn.test, tau: Double(m) / 600, settings: settings)
      #expect(abs(curve.testError[k] / cold.testError - 1) < 1e-8)
      #expect(abs(curve.quenchedVariance[k] / cold.quenchedVariance - 1) < 1e-8)
      #expect(abs(curve.gap[k] - (curve.testError[k] - curve.trainError[k])) < 1e-15)
    }
    #expect(curve.testError[0] > curve.testError[3])
    let mc = try VGA.resamplingCurve(
      pool: syn.pool, test: syn.test, sizes: [30, 60], lambda: 0.3, resamples: 20)
    #expect(mc.testSE?.count == 2 && mc.iterations == nil)
  }

  @Test func rejectsBadArguments() throws {
    let syn = try Self.problem()
    let settings = try VGA.Settings(lambda: 0.3)
    #expect(throws: NumericsError.self) {
      try VGA.solve(pool: syn.pool, test: syn.test, tau: 1.5, settings: settings)
    }
    #expect(throws: NumericsError.self) {
      try VGA.learningCurve(pool: syn.pool, test: syn.test, sizes: [0, 700], settings: settings)
    }
    #expect(throws: NumericsError.self) { try VGA.Settings(lambda: -1) }
    #expect(throws: NumericsError.self) {
      try VGA.Settings(lambda: 1, loss: .logistic, ansatz: .scalar)
    }
    #expect(throws: NumericsError.self) {
      try VGA.Data(inputs: Matrix(rows: 3, cols: 2), targets: [1, 2])
    }
    let logistic = try VGA.Settings(lambda: 1, loss: .logistic)
    #expect(throws: NumericsError.self) {
      try VGA.solve(pool: syn.pool, test: syn.test, tau: 0.5, settings: logistic)
    }
    let wide = try VGA.synthetic(poolSize: 50, testSize: 5, dimension: 8, noise: 0.1, seed: 1)
    #expect(throws: NumericsError.self) {
      try VGA.solve(
        pool: wide.pool, test: syn.test, tau: 0.1, settings: try VGA.Settings(lambda: 0))
    }
  }

  /// The standardising split: input columns of the pool have mean 0 and variance 1/d,
  /// targets mean 0 and variance 1 (1e-12), and the rows are partitioned.
  @Test func splitStandardises() throws {
    let raw = try Matrix(
      rows: 6, cols: 2, elements: [1, 10, 2, 30, 3, 20, 4, 60, 5, 50, 6, 40])
    let s = try VGA.split(
      inputs: raw, targets: [1, 2, 3, 4, 5, 7], testSize: 2, scaleTargets: true, seed: 3)
    #expect(s.pool.count == 4 && s.test.count == 2)
    for j in 0..<2 {
      let column = s.pool.inputs.column(j)
      #expect(abs(column.mean()) < 1e-12)
      #expect(abs(try Statistics.variance(column) - 0.5) < 1e-12)
    }
    #expect(abs(s.pool.targets.mean()) < 1e-12)
    #expect(throws: NumericsError.self) {
      try VGA.split(inputs: raw, targets: [1, 2, 3, 4, 5, 6], testSize: 5, scaleTargets: true)
    }
  }
}
