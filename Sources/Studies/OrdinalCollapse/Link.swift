import Foundation
import Numerics

extension ONC {
  /// The link of a cumulative link model: a distribution function g of the latent noise,
  /// with P(y ≤ k | z) = g(b_{k+1} − z) (McCullagh, "Regression models for ordinal data",
  /// J. R. Stat. Soc. B 42, 1980, eq. 2.3).
  ///
  /// Each link provides log g, log(1 − g) and log g′ accurate to a few ulp over the whole
  /// real line, including both tails and ±∞, so that interval probabilities never lose
  /// their relative accuracy (see `CumulativeLink.logProbability`).
  public enum Link: String, Sendable, CaseIterable {
    /// Logistic: g(x) = σ(x) = 1/(1 + e^{−x}) (proportional odds).
    case logit
    /// Gaussian: g(x) = Φ(x).
    case probit
    /// Complementary log-log: g(x) = 1 − exp(−eˣ) (proportional hazards; asymmetric).
    case cloglog

    /// log g(x). Logit: min(x, 0) − log1p(e^{−|x|}); probit: the tail-aware
    /// `Special.logNormalCDF`; cloglog: log(−expm1(−eˣ)), and x − eˣ/2 for x < −20, where
    /// the dropped term e^{2x}/24 is below 1e-18 relative.
    public func logCDF(_ x: Double) -> Double {
      switch self {
      case .logit: return ONC.logSigmoid(x)
      case .probit: return Special.logNormalCDF(x)
      case .cloglog:
        let t = Foundation.exp(x)
        return x < -20 ? x - 0.5 * t : Foundation.log(-Foundation.expm1(-t))
      }
    }

    /// log(1 − g(x)). Logit: log σ(−x); probit: `Special.logH`; cloglog: −eˣ (exact).
    public func logSurvival(_ x: Double) -> Double {
      switch self {
      case .logit: return ONC.logSigmoid(-x)
      case .probit: return Special.logH(x)
      case .cloglog: return -Foundation.exp(x)
      }
    }

    /// log g′(x), −∞ at x = ±∞. Logit: log σ(x) + log σ(−x); probit: −x²/2 − log √(2π);
    /// cloglog: x − eˣ.
    public func logDensity(_ x: Double) -> Double {
      guard x.isFinite else { return x.isNaN ? x : -.infinity }
      switch self {
      case .logit: return ONC.logSigmoid(x) + ONC.logSigmoid(-x)
      case .probit: return -0.5 * x * x - 0.5 * Foundation.log(2 * Double.pi)
      case .cloglog: return x - Foundation.exp(x)
      }
    }
  }

  /// log σ(x) = −log(1 + e^{−x}) without overflow: min(x, 0) − log1p(e^{−|x|}).
  static func logSigmoid(_ x: Double) -> Double {
    min(x, 0) - Foundation.log1p(Foundation.exp(-abs(x)))
  }

  /// log(1 − eᵈ) for d ≤ 0 (Mächler, "Accurately computing log(1 − exp(−|a|))", R
  /// package Rmpfr vignette, 2012): log(−expm1(d)) for d > −ln 2, log1p(−eᵈ) otherwise;
  /// relative error a few ulp for every d < 0, −∞ at d = 0.
  static func log1mexp(_ d: Double) -> Double {
    d > -M_LN2 ? Foundation.log(-Foundation.expm1(d)) : Foundation.log1p(-Foundation.exp(d))
  }
}
