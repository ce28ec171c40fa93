@preconcurrency import CLapack
import Foundation

/// Gauss quadrature rules for a symmetric weight from its three-term recurrence, by the
/// Golub–Welsch algorithm (Golub & Welsch, Math. Comp. 23, 1969).
///
/// The orthonormal polynomials of a weight symmetric about 0 satisfy
/// x pₖ(x) = bₖ₊₁ pₖ₊₁(x) + bₖ pₖ₋₁(x), p₀ = 1/√μ₀ (μ₀ the total mass). The n nodes
/// are the eigenvalues of the symmetric tridiagonal Jacobi matrix with zero diagonal and
/// off-diagonal b₁ … bₙ₋₁, computed by LAPACK `dstev` (implicit QL/QR, absolute error
/// ≈ ε‖J‖). Each node then takes one Newton step on pₙ, and the weights come from the
/// Christoffel function wᵢ = 1 / Σ_{k<n} pₖ(xᵢ)², which keeps tiny weights accurate in
/// relative terms (the textbook formula μ₀ v₀ᵢ² from the eigenvectors only has absolute
/// accuracy ε). Nodes are then symmetrised: xᵢ = −x_{n−1−i}, equal weights in pairs.
enum GolubWelsch {
  /// Nodes (ascending) and weights of the n-point rule.
  ///
  /// - Parameters:
  ///   - b: the recurrence coefficients b₁ … bₙ (`b[k-1]` is bₖ); bₙ enters only the
  ///     Newton refinement.
  ///   - mu0: the total mass of the weight function.
  static func rule(offDiagonal b: [Double], mu0: Double, operation: String) throws -> (
    nodes: [Double], weights: [Double]
  ) {
    let n = b.count
    var d = [Double](repeating: 0, count: n)
    var e = Array(b.prefix(n - 1))
    if e.isEmpty { e = [0] }
    let info = d.withUnsafeMutableBufferPointer { pd in
      e.withUnsafeMutableBufferPointer { pe in
        LAPACKE_dstev(
          LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), Int32(n), pd.baseAddress,
          pe.baseAddress, nil, 1)
      }
    }
    guard info == 0 else { throw NumericsError.noConvergence(operation: operation, iterations: n) }
    var nodes = d.sorted()
    var weights = [Double](repeating: 0, count: n)
    let p0 = 1 / mu0.squareRoot()
    for i in 0..<n {
      var x = nodes[i]
      var (p, dp, sumSquares) = evaluate(x, b: b, p0: p0)
      if dp != 0 && (p / dp).isFinite {
        x -= p / dp
        (p, dp, sumSquares) = evaluate(x, b: b, p0: p0)
      }
      nodes[i] = x
      weights[i] = 1 / sumSquares
    }
    for i in 0..<(n / 2) {
      let j = n - 1 - i
      let x = 0.5 * (nodes[j] - nodes[i])
      let w = 0.5 * (weights[i] + weights[j])
      nodes[i] = -x
      nodes[j] = x
      weights[i] = w
      weights[j] = w
    }
    if n % 2 == 1 { nodes[n / 2] = 0 }
    return (nodes, weights)
  }

  /// pₙ(x), pₙ′(x) and Σ_{k<n} pₖ(x)² by the recurrence and its derivative
  /// pₖ₊₁′ = (pₖ + x pₖ′ − bₖ pₖ₋₁′)/bₖ₊₁.
  private static func evaluate(_ x: Double, b: [Double], p0: Double) -> (Double, Double, Double) {
    var pPrev = 0.0
    var p = p0
    var dpPrev = 0.0
    var dp = 0.0
    var sumSquares = 0.0
    for k in 0..<b.count {
      sumSquares += p * p
      let bk = k == 0 ? 0 : b[k - 1]
      let pNext = (x * p - bk * pPrev) / b[k]
      let dpNext = (p + x * dp - bk * dpPrev) / b[k]
      (pPrev, p) = (p, pNext)
      (dpPrev, dp) = (dp, dpNext)
    }
    return (p, dp, sumSquares)
  }
}

/// A thread-safe memo of computed rules, keyed by the number of points.
final class RuleCache: @unchecked Sendable {
  private let lock = NSLock()
  private var rules: [Int: (nodes: Vector, weights: Vector)] = [:]

  func rule(_ n: Int, make: () throws -> (nodes: Vector, weights: Vector)) rethrows -> (
    nodes: Vector, weights: Vector
  ) {
    lock.lock()
    let cached = rules[n]
    lock.unlock()
    if let cached { return cached }
    let made = try make()
    lock.lock()
    rules[n] = made
    lock.unlock()
    return made
  }
}
