import Foundation
import Testing

@testable import Numerics

/// Reference values from mpmath 1.3.0 at 40 significant digits (`erfc`, `npdf`, `ncdf`,
/// `digamma`, `loggamma`), script /tmp/mathref/ref.py.
@Suite struct SpecialFunctionsTests {
  func close(_ a: Double, _ b: Double, relative: Double) -> Bool {
    abs(a - b) <= relative * abs(b)
  }

  @Test func gaussianTail() {
    #expect(Special.H(0) == 0.5)
    #expect(close(Special.H(1), 0.15865525393145705141, relative: 1e-15))
    #expect(close(Special.H(-2), 0.9772498680518207928, relative: 1e-15))
    #expect(close(Special.H(5), 2.8665157187919391167e-7, relative: 1e-14))
    #expect(close(Special.H(20), 2.7536241186062336951e-89, relative: 1e-13))
  }

  @Test(arguments: [
    (-5.0, -2.866516129637635933846e-7), (0.5, -1.17591176159361860888),
    (3.0, -6.607726221510349543276), (9.999, -53.22118755255552699546),
    (10.0, -53.23128515051247057835), (12.0, -75.41067300156879593884),
    (40.0, -804.6084420137537881666), (100.0, -5005.524208694205088626),
    (1000.0, -500007.8266948121843098), (1e5, -5000000012.431863998275),
  ])
  func logTailIsAccurate(x: Double, expected: Double) {
    #expect(close(Special.logH(x), expected, relative: 1e-14))
  }

  @Test func logTailLimits() {
    // H(40) ≈ 3.7e-350 is below the smallest double, so log H(−40) rounds to 0.
    #expect(Special.logH(-40) == 0)
    #expect(Special.logH(.infinity) == -.infinity)
    #expect(Special.logH(-.infinity) == 0)
    #expect(Special.logH(.nan).isNaN)
  }

  @Test func normalDistribution() {
    #expect(close(Special.normalPDF(1), 0.2419707245191433498, relative: 1e-15))
    #expect(close(Special.normalCDF(1.5), 0.933192798731141934, relative: 1e-15))
    #expect(close(Special.logNormalCDF(-30), -454.3212439563431971074, relative: 1e-14))
    #expect(close(Special.erf(0.5) + Special.erfc(0.5), 1, relative: 1e-16))
  }

  @Test func gammaFamily() {
    #expect(close(Special.gamma(5), 24, relative: 1e-15))
    #expect(close(Special.gamma(0.5), 1.772453850905516027298, relative: 1e-15))
    #expect(close(Special.lgamma(100), 359.134205369575398776, relative: 1e-15))
  }

  @Test(arguments: [
    (1.0, -0.5772156649015328606065), (0.5, -1.963510026021423479441),
    (-0.5, 0.03648997397857652055902), (10.3, 2.282815446439122665529),
    (1e-3, -1000.575571931810279655), (-2.7, -1.11534712914068961191),
    (150.0, 5.007298257075679269964),
  ])
  func digammaMatchesMpmath(x: Double, expected: Double) {
    #expect(abs(Special.digamma(x) - expected) <= max(2e-15 * abs(expected), 5e-16))
  }

  @Test func digammaPolesAndRoot() {
    #expect(Special.digamma(0).isNaN)
    #expect(Special.digamma(-3).isNaN)
    // ψ vanishes at x₀ = 1.4616321449683622…: absolute accuracy there.
    #expect(abs(Special.digamma(1.4616321449683622)) < 1e-15)
  }
}
