/// Gauss–Hermite quadrature in the probabilists' convention:
/// E_{z∼N(0,1)} f(z) = ∫ f(z) e^{−z²/2}/√(2π) dz ≈ Σᵢ wᵢ f(xᵢ), with Σ wᵢ = 1.
///
/// The rule is exact for polynomials of degree ≤ 2n − 1. Nodes are the roots of the
/// probabilists' Hermite polynomial Heₙ (recurrence x Heₖ = Heₖ₊₁ + k Heₖ₋₁, so the
/// orthonormal recurrence has bₖ = √k and μ₀ = 1), computed by Golub–Welsch (see
/// `GolubWelsch`). For n = 200 the weights range down to about 1e-167, all positive, and
/// sum to 1 within 1e-13.
public struct GaussHermite: Sendable {
  /// Ascending nodes xᵢ, symmetric about 0.
  public let nodes: Vector
  /// Positive weights wᵢ summing to 1.
  public let weights: Vector

  /// The largest supported n: beyond it pₖ(xᵢ)² in the Christoffel sum nears overflow.
  public static let maxPoints = 200

  private static let cache = RuleCache()

  /// The n-point rule, 1 ≤ n ≤ 200, computed once per n and then shared.
  public static func rule(_ n: Int) throws -> GaussHermite {
    guard n >= 1 && n <= maxPoints else {
      throw NumericsError.invalidArgument(
        operation: "GaussHermite.rule",
        message: "expected 1 ≤ n ≤ \(maxPoints) points, found \(n)")
    }
    let r = try cache.rule(n) {
      let b = (1...n).map { Double($0).squareRoot() }
      let r = try GolubWelsch.rule(offDiagonal: b, mu0: 1, operation: "GaussHermite.rule")
      return (Vector(r.nodes), Vector(r.weights))
    }
    return GaussHermite(nodes: r.nodes, weights: r.weights)
  }

  private init(nodes: Vector, weights: Vector) {
    self.nodes = nodes
    self.weights = weights
  }

  /// Σᵢ wᵢ f(xᵢ) ≈ E_{z∼N(0,1)} f(z).
  public func expectation(_ f: (Double) throws -> Double) rethrows -> Double {
    var s = 0.0
    for i in 0..<nodes.count { s += weights[i] * (try f(nodes[i])) }
    return s
  }
}
