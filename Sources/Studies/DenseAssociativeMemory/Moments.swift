import Numerics

extension DAM {
  /// Q_j(c) = E[xʲ yʲ] for standard normal x, y with correlation c ∈ [−1, 1]: the
  /// covariance of the crosstalk (a/N)^k between two times whose states have overlap c.
  ///
  /// Expanding xʲ in probabilists' Hermite polynomials, xʲ = Σ_l a_{j,l} He_l(x) with
  /// a_{j,l} = j! / (l! ((j − l)/2)! 2^{(j−l)/2}) for l ≡ j (mod 2), and using
  /// E[He_l(x) He_m(y)] = δ_{lm} l! c^l (Mehler's formula) gives
  ///   Q_j(c) = Σ_{l ≡ j mod 2} a_{j,l}² l! c^l,
  /// e.g. Q_0 = 1, Q_1 = c, Q_2 = 1 + 2c², Q_3 = 9c + 6c³, Q_4 = 9 + 72c² + 24c⁴, and
  /// Q_j(1) = (2j − 1)!!. Study: Mimura et al., ICLR 2026 (arXiv 2506.00851), the GFA noise
  /// covariance ⟨η(t)η(s)⟩ = α Q_k(C(t,s)) (reconstructed, see `theory`). Exact up to
  /// rounding of the integer coefficients (exact in double for j ≤ 20).
  ///
  /// - Throws: `invalidArgument` unless 0 ≤ j ≤ 40 and c ∈ [−1, 1].
  public static func Q(_ j: Int, correlation c: Double) throws -> Double {
    let op = "dam.Q"
    try validateCount(j, "j", 0...40, op)
    guard c >= -1 && c <= 1 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected a correlation c in [-1, 1], found \(c)")
    }
    return momentQ(j, c)
  }

  /// `Q` without validation, for callers that have checked j and c.
  static func momentQ(_ j: Int, _ c: Double) -> Double {
    var total = 0.0
    var l = j % 2
    while l <= j {
      let a = factorial(j) / (factorial(l) * factorial((j - l) / 2) * pow2((j - l) / 2))
      total += a * a * factorial(l) * power(c, l)
      l += 2
    }
    return total
  }

  private static func factorial(_ n: Int) -> Double {
    var f = 1.0
    if n > 1 { for i in 2...n { f *= Double(i) } }
    return f
  }

  private static func pow2(_ n: Int) -> Double { Double(sign: .plus, exponent: n, significand: 1) }

  /// xⁿ for n ≥ 0 by repeated squaring (exact 0⁰ = 1).
  static func power(_ x: Double, _ n: Int) -> Double {
    var result = 1.0
    var base = x
    var e = n
    while e > 0 {
      if e & 1 == 1 { result *= base }
      base *= base
      e >>= 1
    }
    return result
  }
}
