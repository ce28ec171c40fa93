import Foundation
import Testing

@testable import Numerics

@Suite struct QuadratureTests {
  // Gaussian moments E z^{2k} = (2k − 1)!! are exact closed forms.

  @Test func hermiteSmallRulesAreTheClosedForms() throws {
    let r1 = try GaussHermite.rule(1)
    #expect(r1.nodes == [0] && abs(r1.weights[0] - 1) < 1e-15)
    // He₂ = x² − 1: nodes ±1, weights 1/2. He₃ = x³ − 3x: nodes 0, ±√3, weights 2/3, 1/6.
    let r2 = try GaussHermite.rule(2)
    #expect(abs(r2.nodes[1] - 1) < 1e-15 && abs(r2.weights[0] - 0.5) < 1e-15)
    let r3 = try GaussHermite.rule(3)
    #expect(abs(r3.nodes[2] - 3.0.squareRoot()) < 1e-15 && r3.nodes[1] == 0)
    #expect(abs(r3.weights[1] - 2.0 / 3) < 1e-15 && abs(r3.weights[0] - 1.0 / 6) < 1e-15)
  }

  /// He₅ = x⁵ − 10x³ + 15x has roots 0, ±√(5 ± √10); the weight of node xᵢ is
  /// n!/(n Heₙ₋₁(xᵢ))², so the centre weight is 5!/(5·He₄(0))² = 120/225 = 8/15.
  /// For n = 100 the largest node and its weight are from mpmath at 50 digits
  /// (`findroot` on He₁₀₀, weight by the same formula).
  @Test func hermiteMatchesClosedFormsAndHighPrecision() throws {
    let r5 = try GaussHermite.rule(5)
    #expect(abs(r5.nodes[4] - (5 + 10.0.squareRoot()).squareRoot()) < 1e-15)
    #expect(abs(r5.nodes[3] - (5 - 10.0.squareRoot()).squareRoot()) < 1e-15)
    #expect(abs(r5.weights[2] - 8.0 / 15) < 1e-15)
    let r100 = try GaussHermite.rule(100)
    #expect(abs(r100.nodes[99] - 18.959636217387705887) < 1e-14 * 18.96)
    #expect(abs(r100.weights[99] - 3.3332703483438381719e-79) < 1e-12 * 3.33e-79)
  }

  @Test func gaussianMoments() throws {
    #expect(abs(try Quadrature.gaussianExpectation { $0 * $0 } - 1) < 1e-12)
    #expect(abs(try Quadrature.gaussianExpectation { pow($0, 4) } - 3) < 1e-12)
    #expect(abs(try Quadrature.gaussianExpectation { cos($0) } - exp(-0.5)) < 1e-14)
  }

  @Test func hermite200IsValid() throws {
    let r = try GaussHermite.rule(200)
    #expect(r.weights.allSatisfy { $0 > 0 })
    #expect(abs(r.weights.sum() - 1) < 1e-12)
    for i in 0..<100 { #expect(r.nodes[i] == -r.nodes[199 - i]) }
    #expect(zip(r.nodes.dropFirst(), r.nodes).allSatisfy { $0 > $1 })
    // Exact up to degree 399; E z¹⁰ = 9!! = 945.
    #expect(abs(r.expectation { pow($0, 10) } - 945) < 1e-10 * 945)
    #expect(abs(r.expectation { cos(3 * $0) } - exp(-4.5)) < 1e-14)
  }

  @Test func rulesAreSharedSafelyAcrossTasks() async throws {
    let sums = try await withThrowingTaskGroup(of: Double.self) { group in
      for i in 0..<16 {
        group.addTask { try GaussHermite.rule(30 + i % 4).weights.sum() }
      }
      return try await group.reduce(into: [Double]()) { $0.append($1) }
    }
    #expect(sums.count == 16 && sums.allSatisfy { abs($0 - 1) < 1e-13 })
  }

  @Test func ruleSizeIsChecked() {
    #expect(throws: NumericsError.self) { try GaussHermite.rule(0) }
    #expect(throws: NumericsError.self) { try GaussHermite.rule(201) }
    #expect(throws: NumericsError.self) { try GaussLegendre.rule(0) }
  }

  @Test(arguments: [-1.0, -0.3, 0, 0.7, 1])
  func bivariateMoments(rho: Double) throws {
    let c = try Quadrature.gaussianExpectation2({ $0 * $1 }, correlation: rho)
    #expect(abs(c - rho) < 1e-12)
    let q = try Quadrature.gaussianExpectation2({ $0 * $0 * $1 * $1 }, correlation: rho)
    #expect(abs(q - (1 + 2 * rho * rho)) < 1e-12)
  }

  @Test func bivariateRejectsBadCorrelation() {
    #expect(throws: NumericsError.self) {
      try Quadrature.gaussianExpectation2({ $0 + $1 }, correlation: 1.5)
    }
    #expect(throws: NumericsError.self) {
      try Quadrature.gaussianExpectation2({ $0 + $1 }, correlation: .nan)
    }
  }

  /// An n-point rule integrates xᵏ exactly for k ≤ 2n − 1: ∫₋₁¹ xᵏ = 2/(k+1) for even
  /// k, 0 for odd; ∫₀² xᵏ = 2^{k+1}/(k+1).
  @Test func legendreIsExactForPolynomials() throws {
    let r = try GaussLegendre.rule(5)
    #expect(abs(r.weights.sum() - 2) < 1e-14)
    for k in 0...9 {
      let exact = k % 2 == 0 ? 2 / Double(k + 1) : 0
      #expect(abs(r.integrate({ pow($0, Double(k)) }, -1, 1) - exact) < 1e-14)
      let shifted = pow(2, Double(k + 1)) / Double(k + 1)
      #expect(abs(r.integrate({ pow($0, Double(k)) }, 0, 2) - shifted) < 1e-13 * shifted)
    }
    let r2 = try GaussLegendre.rule(2)
    #expect(abs(r2.nodes[1] - 1 / 3.0.squareRoot()) < 1e-15)
    let big = try GaussLegendre.rule(400)
    #expect(abs(big.weights.sum() - 2) < 1e-13 && big.weights.allSatisfy { $0 > 0 })
  }

  @Test func adaptiveOnInfiniteAndSingularIntegrands() throws {
    let e = try Quadrature.integrate({ exp(-$0) }, from: 0, to: .infinity)
    #expect(abs(e.value - 1) < 1e-10)
    let s = try Quadrature.integrate({ $0.squareRoot() }, from: 0, to: 1)
    #expect(abs(s.value - 2.0 / 3) < 1e-10)
    let g = try Quadrature.integrate({ exp(-$0 * $0) }, from: -.infinity, to: .infinity)
    #expect(abs(g.value - Double.pi.squareRoot()) < 1e-10)
    let l = try Quadrature.integrate({ exp($0) }, from: -.infinity, to: 0)
    #expect(abs(l.value - 1) < 1e-10)
    #expect(g.errorEstimate <= 1e-10 * g.value)
  }

  @Test func adaptiveReversedBoundsAndPolynomialExactness() throws {
    // K15 is exact to degree 22 on one interval: ∫₀¹ x²⁰ = 1/21.
    let p = try Quadrature.integrate({ pow($0, 20) }, from: 1, to: 0)
    #expect(abs(p.value + 1.0 / 21) < 1e-15)
    #expect(try Quadrature.integrate({ $0 }, from: 2, to: 2).value == 0)
  }

  @Test func adaptiveErrors() {
    #expect(throws: NumericsError.noConvergence(operation: "integrate", iterations: 3)) {
      try Quadrature.integrate({ sin(1 / $0) }, from: 0, to: 1, maxSubdivisions: 3)
    }
    #expect(throws: NumericsError.nonFinite(operation: "integrate")) {
      try Quadrature.integrate({ _ in .nan }, from: 0, to: 1)
    }
    #expect(throws: NumericsError.cancelled) {
      try Quadrature.integrate(
        { sin(1 / $0) }, from: 0, to: 1, cancellation: Cancellation { true })
    }
  }
}
