import Foundation

/// The exact Krotov–Hopfield local field with the neuron excluded from its own field, in a
/// form that costs one pass over the patterns per parallel step.
///
/// Krotov & Hopfield (NeurIPS 2016, eq. 3) update neuron i by the sign of
///   hᵢ = Σ_μ [F(ξᵢ^μ + a_μ^{∖i}) − F(−ξᵢ^μ + a_μ^{∖i})],  a_μ^{∖i} = Σ_{j≠i} ξⱼ^μ σⱼ,
/// with F(x) = xⁿ. Writing a_μ = Σⱼ ξⱼ^μ σⱼ = a_μ^{∖i} + ξᵢ^μ σᵢ and using ξ, σ = ±1, the
/// summand equals ξᵢ^μ E(a_μ) + σᵢ O(a_μ) with
///   E(a) = [F(a + 2) − F(a − 2)]/2     = Σ_{j odd} C(n, j) 2ʲ a^{n−j},
///   O(a) = −[F(a + 2) − 2F(a) + F(a − 2)]/2 = −Σ_{j even ≥ 2} C(n, j) 2ʲ a^{n−j},
/// so hᵢ = [Ξᵀ E(a)]ᵢ + σᵢ Σ_μ O(a_μ): one matrix–vector product, exact for every n
/// (the study's n = 3 formula N²hᵢ = [Ξᵀ(a∘a)]ᵢ − 2σᵢΣa_μ + Σξᵢ^μ is the leading-order
/// version of the same identity). E and O have integer coefficients, so for integer a the
/// field is an exact integer in double precision while |hᵢ| < 2⁵³ (for n = 3 that is
/// p·6N² < 2⁵³, i.e. any N, p that fit in memory); sgn(0) = +1 is then exact.
///
/// To leading order in 1/N, hᵢ ≈ 2n Σ_μ ξᵢ^μ (a_μ^{∖i})^k with k = n − 1, so
/// `scale` = 1/(2n N^k) turns hᵢ into the study's normalised field
/// Σ_μ ξᵢ^μ (a_μ^{∖i}/N)^k, whose signal is m^k and whose crosstalk variance is α(2k−1)!!.
/// Glauber dynamics at temperature T uses β·scale·hᵢ.
struct KrotovHopfieldField: Sendable {
  /// Coefficients of E by ascending power of a.
  let even: [Double]
  /// Coefficients of O by ascending power of a.
  let odd: [Double]
  /// 1/(2n N^k): converts hᵢ to the normalised field.
  let scale: Double

  init(order n: Int, neurons: Int) {
    var e = [Double](repeating: 0, count: n)
    var o = [Double](repeating: 0, count: n)
    var binomial = 1.0  // C(n, j)
    var power = 1.0  // 2^j
    for j in 0...n {
      if j > 0 {
        binomial = binomial * Double(n - j + 1) / Double(j)
        power *= 2
      }
      if j % 2 == 1 {
        e[n - j] += binomial * power
      } else if j >= 2 {
        o[n - j] -= binomial * power
      }
    }
    even = e
    odd = o
    scale = 1 / (2 * Double(n) * pow(Double(neurons), Double(n - 1)))
  }

  /// E(a) and O(a) by Horner's rule.
  @inline(__always)
  func evaluate(_ a: Double) -> (e: Double, o: Double) {
    var e = 0.0
    var o = 0.0
    var d = even.count - 1
    while d >= 0 {
      e = e * a + even[d]
      o = o * a + odd[d]
      d -= 1
    }
    return (e, o)
  }
}
