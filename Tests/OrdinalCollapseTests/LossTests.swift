import Foundation
import Numerics
import Testing

@testable import OrdinalCollapse

/// The cumulative link losses against closed forms and finite differences.
@Suite struct LossTests {
  static let reference = [-10.0, -8, 3, 10]

  /// Logit ℓ′(0; q) of the spec's reference point (b = (−10, −8, 3, 10)), to the 6 digits
  /// given there, and against the closed form σ(z − b_{k+1}) − σ(b_k − z) to 1e-15.
  @Test func logitDerivativeAtReference() throws {
    let loss = try ONC.CumulativeLink(link: .logit, thresholds: Self.reference)
    let expected = [0.999619, 0.047091, -0.952529]
    for k in 0..<3 {
      let d = try loss.derivative(0, class: k)
      #expect(abs(d - expected[k]) < 5e-7, "class \(k): \(d)")
    }
    func sigma(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
    for z in [-30.0, -9, -2.5, 0, 1.7, 6.5, 40] {
      for k in 0..<3 {
        let b = Self.reference
        let closed = sigma(z - b[k + 1]) - sigma(b[k] - z)
        #expect(abs(try loss.derivative(z, class: k) - closed) < 1e-14, "z = \(z), k = \(k)")
      }
    }
  }

  /// log P in the far tails, where g(u) − g(l) evaluated directly underflows or cancels:
  /// for logit with u, l → +∞ (z → −∞), P = σ(−l) − σ(−u) ≈ e^{−l}(1 − e^{l−u}) (relative
  /// 1e-12); for probit with infinite b_0 and z → +∞, log P = log Φ(u) ≈ −u²/2 − log(−u√2π)
  /// (Mills ratio, relative 1e-3 at u = −40); for cloglog −e^{l} for l ≫ 1 when b_Q = ∞.
  @Test func tailsKeepRelativeAccuracy() throws {
    let logit = try ONC.CumulativeLink(link: .logit, thresholds: [-.infinity, 0, 2, .infinity])
    let z = -200.0
    let expected = -(0 - z) + log(-expm1(-2.0))
    #expect(abs(try logit.logProbability(z, class: 1) - expected) < 1e-12 * abs(expected))
    let probit = try ONC.CumulativeLink(link: .probit, thresholds: [-.infinity, 0, .infinity])
    let u = -40.0
    let mills = -0.5 * u * u - log(-u * (2 * Double.pi).squareRoot())
    #expect(abs(try probit.logProbability(-u, class: 0) - mills) < 1e-3)
    let cll = try ONC.CumulativeLink(link: .cloglog, thresholds: [-.infinity, 0, .infinity])
    #expect(abs(try cll.logProbability(-50, class: 1) + exp(50)) < 1e-12 * exp(50))
    for link in ONC.Link.allCases {
      let loss = try ONC.CumulativeLink(link: link, thresholds: [-.infinity, -1, 1, .infinity])
      var total = 0.0
      for k in 0..<3 { total += exp(try loss.logProbability(0.3, class: k)) }
      #expect(abs(total - 1) < 1e-14, "\(link): probabilities sum to \(total)")
    }
  }

  /// The logit shortcut of `terms` (σ(u) − σ(l) = σ(u)σ(−l)(1 − e^{−Δ})) against the
  /// general path through log g, log(1 − g) and log g′, over latents far into both tails,
  /// finite and infinite outer thresholds, and a class of width 10⁻³: log P to
  /// 1e-12 · max(1, |log P|) (both paths add a few ulp per term of size |log P|); the ratios g′/P to 1e-12 relative, or
  /// 1e-8 for the narrow class, where the general path loses about ε·|log g|/Δ to the
  /// difference F(l) − F(u). There, for |z| ≤ 5, the shortcut is held to 1e-13 of an
  /// 80-bit evaluation of σ(u)σ(−u)/(σ(u) − σ(l)) (64-bit significand: P ≈ 2.5e-4 keeps
  /// 15 correct digits of the difference).
  @Test func logitShortcutMatchesGeneralPath() throws {
    func sigma(_ x: Float80) -> Float80 { 1 / (1 + Foundation.exp(-x)) }
    for b in [[-10.0, -8, 3, 10], [-.infinity, -1, 0.5, 2, .infinity], [-0.01, 0, 1e-3, 40]] {
      let loss = try ONC.CumulativeLink(link: .logit, thresholds: b)
      for z in stride(from: -60.0, through: 60, by: 0.37) + [-700, -30.5, 0, 1e-9, 35, 700] {
        for k in 0..<loss.classes {
          let fast = loss.terms(z, k)
          let slow = loss.generalTerms(z, k)
          let tolerance = b[k + 1] - b[k] < 1 ? 1e-8 : 1e-12
          #expect(
            abs(fast.logProbability - slow.logProbability)
              <= 1e-12 * max(1, abs(slow.logProbability)), "z \(z) k \(k)")
          for (f, g) in [(fast.upper, slow.upper), (fast.lower, slow.lower)] {
            #expect(abs(f - g) <= tolerance * max(abs(g), 1e-300), "z \(z) k \(k): \(f) vs \(g)")
          }
          if b[k + 1] - b[k] < 1 && abs(z) <= 5 {
            let (u, l) = (Float80(b[k + 1]) - Float80(z), Float80(b[k]) - Float80(z))
            let p = sigma(u) - sigma(l)
            let upper = Double(sigma(u) * sigma(-u) / p)
            let lower = Double(sigma(l) * sigma(-l) / p)
            #expect(abs(fast.upper - upper) <= 1e-13 * upper, "z \(z): \(fast.upper) vs \(upper)")
            #expect(abs(fast.lower - lower) <= 1e-13 * lower, "z \(z): \(fast.lower) vs \(lower)")
          }
        }
      }
    }
  }

  /// ℓ′ and the threshold derivatives against central differences (step 1e-5, error
  /// O(h²ℓ‴) + O(ε/h) ≲ 1e-9) for every link, finite and infinite outer thresholds.
  @Test(arguments: ONC.Link.allCases)
  func derivativesMatchFiniteDifferences(link: ONC.Link) throws {
    for b in [[-10.0, -8, 3, 10], [-.infinity, -1, 0.5, 2, .infinity]] {
      let loss = try ONC.CumulativeLink(link: link, thresholds: b)
      let h = 1e-5
      for z in [-12.0, -3, -0.4, 0, 1.1, 4, 9] {
        for k in 0..<loss.classes {
          let fd = (try loss.loss(z + h, class: k) - loss.loss(z - h, class: k)) / (2 * h)
          let d = try loss.derivative(z, class: k)
          #expect(abs(fd - d) < 1e-7 * max(1, abs(d)), "\(link) b = \(b) z = \(z) k = \(k)")
          let t = loss.terms(z, k)
          for (j, analytic) in [(k, t.lower), (k + 1, -t.upper)] where b[j].isFinite {
            var bp = b
            var bm = b
            bp[j] += h
            bm[j] -= h
            let lp = try ONC.CumulativeLink(link: link, thresholds: bp).loss(z, class: k)
            let lm = try ONC.CumulativeLink(link: link, thresholds: bm).loss(z, class: k)
            let fdb = (lp - lm) / (2 * h)
            #expect(abs(fdb - analytic) < 1e-7 * max(1, abs(analytic)), "\(link) ∂b_\(j)")
          }
        }
      }
    }
  }

  /// Bad thresholds and classes throw with the expected and found values.
  @Test func rejectsBadInput() throws {
    #expect(throws: NumericsError.self) {
      try ONC.CumulativeLink(link: .logit, thresholds: [0, 1])
    }
    #expect(throws: NumericsError.self) {
      try ONC.CumulativeLink(link: .logit, thresholds: [0, 2, 1])
    }
    #expect(throws: NumericsError.self) {
      try ONC.CumulativeLink(link: .logit, thresholds: [0, .infinity, 3])
    }
    let loss = try ONC.CumulativeLink(link: .probit, thresholds: [0, 1, 2])
    do {
      _ = try loss.loss(0, class: 2)
      Issue.record("expected an error for class 2")
    } catch NumericsError.invalidArgument(let op, let message) {
      #expect(op == "onc.link")
      #expect(message == "expected 0 ≤ class ≤ 1, found 2")
    }
  }
}
