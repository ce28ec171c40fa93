import Foundation
import Numerics

extension DAM {
  /// The exact first two steps of the parallel Hopfield model (n = 2, J = (1/N)Σ_μ ξ^μξ^μᵀ,
  /// Jᵢᵢ = 0, p = αN) at T = 0, from Gardner, Derrida & Mottishaw, J. Physique 48, 741
  /// (1987):
  ///   m(1) = erf(m0/√(2α)),  G10 = (2/√(2πα)) e^{−m0²/(2α)},  C10 = m0 m(1),
  ///   V1 = 1 + 2 G10 C10 + G10²,
  ///   m(2) = ((1+m0)/2) erf((m(1) + αG10)/√(2αV1)) + ((1−m0)/2) erf((m(1) − αG10)/√(2αV1)).
  /// `variance` is α (the t = 0 noise variance); `naiveM2` = erf(m(1)/√(2α)).
  ///
  /// - Throws: `invalidArgument` for α ≤ 0 or m0 ∉ (0, 1].
  public static func hopfieldExactSteps(alpha: Double, initialOverlap m0: Double) throws
    -> ExactSteps
  {
    try validateTheory(order: 2, alpha: alpha, initialOverlap: m0, "dam.hopfield_exact_steps")
    let s = (2 * alpha).squareRoot()
    let m1 = Special.erf(m0 / s)
    let g10 = 2 / (2 * Double.pi * alpha).squareRoot() * exp(-m0 * m0 / (2 * alpha))
    let c10 = m0 * m1
    let v1 = 1 + 2 * g10 * c10 + g10 * g10
    let s1 = (2 * alpha * v1).squareRoot()
    let m2 =
      0.5 * (1 + m0) * Special.erf((m1 + alpha * g10) / s1) + 0.5 * (1 - m0)
      * Special.erf((m1 - alpha * g10) / s1)
    return ExactSteps(
      order: 2, alpha: alpha, initialOverlap: m0, m1: m1, m2: m2, response10: g10,
      correlation10: c10, variance: alpha, naiveM2: Special.erf(m1 / s))
  }
}

extension EffectiveProcess.Kernel {
  /// The Hopfield GFA (Coolen, "Statistical mechanics of recurrent neural networks II:
  /// dynamics", Handbook of Biological Physics 4 (2001), §4; Düring, Coolen & Sherrington,
  /// J. Phys. A 31, 8607 (1998)): with A = (1 − G)⁻¹ over times 0…t (G strictly lower
  /// triangular, so A is lower unit triangular and its leading blocks never change),
  /// the retarded kernel is α R with R = G A and the noise covariance α A C Aᵀ.
  static func hopfieldTerms(t: Int, alpha: Double, c: [[Double]], g: [[Double]])
    -> (covariance: [Double], retarded: [Double])
  {
    var a = [[Double]](repeating: [Double](repeating: 0, count: t + 1), count: t + 1)
    for i in 0...t {
      a[i][i] = 1
      for j in 0..<i {
        var v = 0.0
        for l in j..<i { v += g[i][l] * a[l][j] }
        a[i][j] = v
      }
    }
    // Row t of A C Aᵀ: Σ_{u,v} A[t][u] C[u][v] A[s][v].
    var ac = [Double](repeating: 0, count: t + 1)
    for v in 0...t {
      for u in 0...t { ac[v] += a[t][u] * c[u][v] }
    }
    var covariance = [Double](repeating: 0, count: t + 1)
    for s in 0...t {
      var k = 0.0
      for v in 0...s { k += ac[v] * a[s][v] }
      covariance[s] = alpha * k
    }
    var retarded = [Double](repeating: 0, count: t)
    for s in 0..<t {
      var r = 0.0
      for u in (s + 1)..<t { r += g[t][u] * a[u][s] }
      retarded[s] = alpha * (r + g[t][s])
    }
    return (covariance, retarded)
  }
}
