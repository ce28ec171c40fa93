/// Gauss–Legendre quadrature on [−1, 1]: ∫₋₁¹ f(x) dx ≈ Σᵢ wᵢ f(xᵢ), Σ wᵢ = 2,
/// exact for polynomials of degree ≤ 2n − 1.
///
/// Nodes are the roots of Pₙ; the orthonormal Legendre recurrence has
/// bₖ = k/√(4k² − 1) and μ₀ = 2 (Golub & Welsch 1969, Table 1), solved by `GolubWelsch`.
public struct GaussLegendre: Sendable {
  /// Ascending nodes in (−1, 1), symmetric about 0.
  public let nodes: Vector
  /// Positive weights summing to 2.
  public let weights: Vector

  /// The largest supported n (the Jacobi eigenproblem is O(n²)).
  public static let maxPoints = 1000

  private static let cache = RuleCache()

  /// The n-point rule, 1 ≤ n ≤ 1000, computed once per n and then shared.
  public static func rule(_ n: Int) throws -> GaussLegendre {
    guard n >= 1 && n <= maxPoints else {
      throw NumericsError.invalidArgument(
        operation: "GaussLegendre.rule",
        message: "expected 1 ≤ n ≤ \(maxPoints) points, found \(n)")
    }
    let r = try cache.rule(n) {
      let b = (1...n).map { k -> Double in
        let k = Double(k)
        return k / (4 * k * k - 1).squareRoot()
      }
      let r = try GolubWelsch.rule(offDiagonal: b, mu0: 2, operation: "GaussLegendre.rule")
      return (Vector(r.nodes), Vector(r.weights))
    }
    return GaussLegendre(nodes: r.nodes, weights: r.weights)
  }

  private init(nodes: Vector, weights: Vector) {
    self.nodes = nodes
    self.weights = weights
  }

  /// ∫ₐᵇ f(x) dx ≈ (b − a)/2 · Σᵢ wᵢ f((a + b)/2 + (b − a)/2 · xᵢ). Exact for polynomials
  /// of degree ≤ 2n − 1 on a finite interval.
  public func integrate(_ f: (Double) throws -> Double, _ a: Double, _ b: Double) rethrows
    -> Double
  {
    let mid = 0.5 * (a + b)
    let half = 0.5 * (b - a)
    var s = 0.0
    for i in 0..<nodes.count { s += weights[i] * (try f(mid + half * nodes[i])) }
    return half * s
  }
}
