import Foundation
import Numerics

extension RSA {
  /// The modern (continuous) Hopfield network of Ramsauer et al., "Hopfield Networks is
  /// All You Need", ICLR 2021: stored patterns x_μ (the p rows of `patterns`, each of
  /// length n) and inverse temperature β.
  public struct ModernHopfield: Sendable, Equatable {
    /// The stored patterns, p × n.
    public let patterns: Matrix
    /// β > 0 (default 1).
    public let beta: Double

    /// Validates p ≥ 1 finite patterns and a finite β > 0.
    public init(patterns: Matrix, beta: Double = 1) throws {
      let op = "rsa.hopfield"
      try RSA.require(
        patterns.rows >= 1 && patterns.cols >= 1, op,
        "expected at least one pattern of length ≥ 1, found \(patterns.rows)×\(patterns.cols)")
      try RSA.requireFinite(patterns, "the patterns", op)
      try RSA.requirePositive(beta, "beta", op)
      self.patterns = patterns
      self.beta = beta
    }

    /// The update ξ ← Xᵀ softmax(β X ξ) (Ramsauer et al. 2021, eq. 3; one attention
    /// step with the state as query and the patterns as keys and values).
    public func update(_ state: Vector) throws -> Vector {
      try validate(state, "rsa.hopfield.update")
      return Vector(update(state.elements))
    }

    /// The energy E(ξ) = −β⁻¹ log Σ_μ exp(β x_μᵀξ) + ½ ξᵀξ + β⁻¹ log p + ½ M², with
    /// M = max_μ ‖x_μ‖ (Ramsauer et al. 2021, eq. 2). The update never increases it
    /// (their Theorem 1, a concave–convex procedure).
    public func energy(_ state: Vector) throws -> Double {
      try validate(state, "rsa.hopfield.energy")
      return energy(state.elements)
    }

    func validate(_ state: Vector, _ op: String) throws {
      try RSA.require(
        state.count == patterns.cols, op,
        "expected a state of length \(patterns.cols), found \(state.count)")
      try RSA.require(state.allSatisfy(\.isFinite), op, "the state contains NaN or infinity")
    }

    func scores(_ xi: [Double]) -> [Double] {
      Dense.multiply(patterns.elements, patterns.rows, patterns.cols, xi, 1).map { beta * $0 }
    }

    func update(_ xi: [Double]) -> [Double] {
      let s = scores(xi)
      let top = s.max()!
      var w = s.map { Foundation.exp($0 - top) }
      let total = w.reduce(0, +)
      for i in 0..<w.count { w[i] /= total }
      return Dense.multiply(w, 1, patterns.rows, patterns.elements, patterns.cols)
    }

    func energy(_ xi: [Double]) -> Double {
      let s = scores(xi)
      let top = s.max()!
      let lse = top + Foundation.log(s.reduce(0) { $0 + Foundation.exp($1 - top) })
      var half = 0.0
      for v in xi { half += 0.5 * v * v }
      var m2 = 0.0
      for mu in 0..<patterns.rows {
        var n2 = 0.0
        for a in 0..<patterns.cols { n2 += patterns[mu, a] * patterns[mu, a] }
        m2 = max(m2, n2)
      }
      return -lse / beta + half + Foundation.log(Double(patterns.rows)) / beta + 0.5 * m2
    }
  }
}
