import Foundation
import Numerics
import Testing

@testable import DenseAssociativeMemory

/// The theory against independent answers: Gauss–Hermite integration, the study's
/// reference numbers, and the closed forms against the Monte Carlo GFA solver.
@Suite struct TheoryTests {
  /// Q_j(c) = E[xʲyʲ] against a 40 × 40-node Gauss–Hermite tensor rule, exact for these
  /// polynomial integrands up to rounding (tolerance 1e-11 relative).
  @Test(arguments: [0.0, -0.7, 0.3, 0.95, 1.0])
  func momentsMatchGaussHermite(c: Double) throws {
    for j in 0...6 {
      let direct = try Quadrature.gaussianExpectation2(
        { x, y in pow(x, Double(j)) * pow(y, Double(j)) }, correlation: c, nodes: 40)
      let q = try DAM.Q(j, correlation: c)
      #expect(abs(q - direct) <= 1e-11 * max(1, abs(direct)), "j = \(j), c = \(c)")
    }
  }

  @Test func momentsClosedForms() throws {
    let c = 0.37
    #expect(abs(try DAM.Q(2, correlation: c) - (1 + 2 * c * c)) < 1e-15)
    #expect(abs(try DAM.Q(3, correlation: c) - (9 * c + 6 * c * c * c)) < 1e-14)
    #expect(
      abs(try DAM.Q(4, correlation: c) - (9 + 72 * c * c + 24 * pow(c, 4))) < 1e-13)
    #expect(try DAM.Q(5, correlation: 1) == 945)  // 9!! — integer arithmetic, exact
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "dam.Q", message: "expected a correlation c in [-1, 1], found 1.5")
    ) {
      try DAM.Q(2, correlation: 1.5)
    }
  }

  /// The study's reference numbers (quoted to 4 digits, so tolerance 5e-5).
  @Test func referenceNumbers() throws {
    let dense = try DAM.exactSteps(order: 3, alpha: 0.05, initialOverlap: 0.7)
    #expect(abs(dense.m1 - 0.7942) < 5e-5)
    #expect(abs(dense.m2 - 0.9246) < 5e-5)
    #expect(abs(dense.naiveM2 - 0.8966) < 5e-5)
    let hopfield = try DAM.exactSteps(order: 2, alpha: 0.1, initialOverlap: 0.5)
    #expect(abs(hopfield.m1 - 0.8862) < 5e-5)
    #expect(abs(hopfield.m2 - 0.9505) < 5e-5)
    #expect(abs(hopfield.naiveM2 - 0.9949) < 5e-5)
    let sna = try DAM.theory(
      DAM.TheoryParameters(order: 3, alpha: 0.05, initialOverlap: 0.7, steps: 2, method: .sna))
    #expect(abs(sna.overlap[2] - 0.8966) < 5e-5)
  }

  /// The Monte Carlo GFA at t = 1, 2 against the closed forms, within 4 Monte Carlo
  /// standard errors √((1 − m²)/M); G(1,0) against 2φ_V(m0^k) within 4 % (its Stein
  /// estimate has relative s.e. ≈ 1 % at M = 10⁵).
  @Test(arguments: [(3, 0.05, 0.7), (3, 0.08, 0.9), (4, 0.02, 0.8), (2, 0.1, 0.5)])
  func gfaMatchesClosedForms(order: Int, alpha: Double, m0: Double) throws {
    let exact = try DAM.exactSteps(order: order, alpha: alpha, initialOverlap: m0)
    let gfa = try DAM.theory(
      DAM.TheoryParameters(
        order: order, alpha: alpha, initialOverlap: m0, steps: 2, samples: 100_000, seed: 7))
    #expect(abs(gfa.overlap[1] - exact.m1) <= 4 * gfa.standardError[1])
    #expect(abs(gfa.overlap[2] - exact.m2) <= 4 * gfa.standardError[2])
    #expect(abs(gfa.response[1, 0] - exact.response10) <= 0.04 * exact.response10)
    #expect(abs(gfa.correlation[1, 0] - exact.correlation10) <= 4 * gfa.standardError[1])
  }

  /// The stationary overlap from m0 = 1 at n = 3, α = 0.05 is ≈ 0.988 (study reference).
  @Test func stationaryOverlap() throws {
    let gfa = try DAM.theory(
      DAM.TheoryParameters(order: 3, alpha: 0.05, initialOverlap: 1, steps: 8, samples: 50_000))
    #expect(abs(gfa.overlap[8] - 0.988) < 0.003)
  }

  /// Same seed → bit-identical; 1 or 2 threads → bit-identical (paths span 4 chunks).
  @Test func gfaIsDeterministic() throws {
    func run(_ threads: Int) throws -> DAM.TheoryResult {
      try DAM.theory(
        DAM.TheoryParameters(
          order: 3, alpha: 0.05, initialOverlap: 0.6, steps: 4, samples: 30_000, seed: 3,
          threads: threads))
    }
    let a = try run(1)
    let b = try run(2)
    let c = try run(2)
    #expect(a.overlap == b.overlap && a.response == b.response && a.correlation == b.correlation)
    #expect(b.overlap == c.overlap)
  }

  @Test func theoryRejectsBadInput() throws {
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "dam.theory", message: "expected 2 ≤ order n ≤ 12, found 1")
    ) {
      try DAM.TheoryParameters(order: 1, alpha: 0.05, initialOverlap: 0.5, steps: 3)
    }
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "dam.exact_steps", message: "expected an initial overlap 0 < m0 ≤ 1, found 0.0")
    ) {
      try DAM.exactSteps(order: 3, alpha: 0.05, initialOverlap: 0)
    }
    #expect(throws: NumericsError.cancelled) {
      try DAM.theory(
        DAM.TheoryParameters(order: 3, alpha: 0.05, initialOverlap: 0.5, steps: 3),
        cancellation: Cancellation { true })
    }
  }
}
