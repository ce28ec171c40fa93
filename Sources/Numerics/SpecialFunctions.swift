import Foundation

/// Special functions of the Gaussian and gamma families.
///
/// Conventions follow the C library and scipy: NaN in gives NaN out; poles of the gamma
/// family give ±infinity or NaN exactly as `tgamma`/`lgamma` do (and NaN for `digamma`
/// at 0, −1, −2, …). `H` is the Gaussian tail function of the statistical-mechanics
/// literature (e.g. Engel & Van den Broeck, "Statistical Mechanics of Learning", 2001,
/// eq. A1.2): H(x) = ∫ₓ^∞ Dz with Dz the standard normal measure.
public enum Special {
  static let sqrt2 = 2.0.squareRoot()
  static let sqrt2Pi = (2 * Double.pi).squareRoot()
  static let logSqrt2Pi = 0.5 * Foundation.log(2 * Double.pi)

  /// The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt (C library, ≤ 1 ulp in glibc).
  public static func erf(_ x: Double) -> Double { Foundation.erf(x) }

  /// The complementary error function 1 − erf(x), accurate in relative terms for
  /// large x (C library); underflows to 0 beyond x ≈ 26.5.
  public static func erfc(_ x: Double) -> Double { Foundation.erfc(x) }

  /// The Gaussian tail H(x) = P(z > x) = erfc(x/√2)/2 for z ~ N(0, 1). Relative
  /// accuracy of `erfc` for all x; underflows to 0 beyond x ≈ 37.5 (use `logH` there).
  public static func H(_ x: Double) -> Double { 0.5 * Foundation.erfc(x / sqrt2) }

  /// log H(x), accurate for all x.
  ///
  /// - x < 0: log1p(−H(−x)), which keeps the tiny deviation from 0 for x → −∞.
  /// - 0 ≤ x < 10: log of `H`, which is accurate in relative terms there.
  /// - x ≥ 10: log H(x) = −x²/2 − log √(2π) + log R(x), with the Mills ratio
  ///   R(x) = H(x)/φ(x) from Laplace's continued fraction
  ///   R(x) = 1/(x + 1/(x + 2/(x + 3/(x + …)))) (Abramowitz & Stegun 26.2.14),
  ///   evaluated by the modified Lentz method to relative precision 1e-16; it needs
  ///   12 terms at x = 10 and fewer beyond. Relative error of the result ≲ 1e-15.
  public static func logH(_ x: Double) -> Double {
    if x.isNaN { return x }
    if x < 0 { return Foundation.log1p(-H(-x)) }
    if x < 10 { return Foundation.log(H(x)) }
    if x == .infinity { return -.infinity }
    return -0.5 * x * x - logSqrt2Pi + Foundation.log(millsRatio(x))
  }

  /// Mills ratio R(x) = H(x)/φ(x) for x ≥ 10 by the continued fraction
  /// x + 1/(x + 2/(x + 3/(x + …))) evaluated by modified Lentz (Numerical Recipes 3rd ed.,
  /// §5.2); R = 1 / that value.
  static func millsRatio(_ x: Double) -> Double {
    let tiny = 1e-300
    var f = x
    var c = x
    var d = 0.0
    for k in 1...500 {
      let a = Double(k)
      d = x + a * d
      if d == 0 { d = tiny }
      c = x + a / c
      if c == 0 { c = tiny }
      d = 1 / d
      let delta = c * d
      f *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return 1 / f
  }

  /// The standard normal density φ(x) = e^{−x²/2}/√(2π).
  public static func normalPDF(_ x: Double) -> Double {
    Foundation.exp(-0.5 * x * x) / sqrt2Pi
  }

  /// The standard normal distribution function Φ(x) = H(−x).
  public static func normalCDF(_ x: Double) -> Double { H(-x) }

  /// log Φ(x) = log H(−x), accurate for all x (see `logH`).
  public static func logNormalCDF(_ x: Double) -> Double { logH(-x) }

  /// log |Γ(x)| (C library `lgamma`, thread-safe in glibc for this use).
  public static func lgamma(_ x: Double) -> Double { Foundation.lgamma(x) }

  /// Γ(x) (C library `tgamma`): overflows to +∞ beyond x ≈ 171.6.
  public static func gamma(_ x: Double) -> Double { Foundation.tgamma(x) }

  /// The digamma function ψ(x) = Γ′(x)/Γ(x).
  ///
  /// For x < 0.5 the reflection ψ(x) = ψ(1 − x) − π cot(πx); then the recurrence
  /// ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10 and the asymptotic series
  /// ψ(x) ≈ ln x − 1/(2x) − Σₖ B₂ₖ/(2k x²ᵏ) with terms up to x⁻¹⁴
  /// (Abramowitz & Stegun 6.3.18), whose truncation error at x ≥ 10 is below 1e-17.
  /// Error ≲ 2e-15 relative or 5e-16 absolute, whichever is larger (absolute near the
  /// root x₀ ≈ 1.4616, where the recurrence cancels). NaN at the poles 0, −1, −2, ….
  public static func digamma(_ x: Double) -> Double {
    if x.isNaN || x == -.infinity { return .nan }
    if x == .infinity { return .infinity }
    if x <= 0 && x == x.rounded(.down) { return .nan }
    if x < 0.5 {
      // cot(πx) = cot(πr) with r = x − round(x) ∈ [−½, ½], exact in floating point, so
      // the argument of tan keeps full relative accuracy.
      // At half-integers cot(πx) = 0 exactly, which tan(±π/2) ≈ ±1.6e16 would miss.
      let r = x - x.rounded()
      let cot = abs(r) == 0.5 ? 0 : 1 / Foundation.tan(Double.pi * r)
      return digamma(1 - x) - Double.pi * cot
    }
    var result = 0.0
    var y = x
    while y < 10 {
      result -= 1 / y
      y += 1
    }
    let inv2 = 1 / (y * y)
    // B₂ₖ/(2k) for k = 1…7: 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760, 1/12.
    let coefficients: [Double] = [
      1 / 12.0, -1 / 120.0, 1 / 252.0, -1 / 240.0, 1 / 132.0, -691 / 32760.0, 1 / 12.0,
    ]
    var series = 0.0
    for c in coefficients.reversed() { series = series * inv2 + c }
    series *= inv2
    return result + Foundation.log(y) - 0.5 / y - series
  }
}
