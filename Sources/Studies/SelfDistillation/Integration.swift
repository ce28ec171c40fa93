import Foundation
import Numerics

extension SD {
  /// How the channel expectations over ξ ∈ ℝᵗ are computed.
  public enum Integration: Sendable, Equatable {
    /// Tensor Gauss–Hermite for soft labels with T ≤ 3 stages (n = 64, 40, 24 nodes per
    /// dimension for T = 1, 2, 3), Monte Carlo with 2·10⁵ points otherwise: the hard-label
    /// integrand is discontinuous, where Gauss–Hermite fails (spec, "Numerics that matter").
    case automatic
    /// Tensor Gauss–Hermite with n nodes per dimension: nᵗ points at stage t.
    case gaussHermite(Int)
    /// Monte Carlo with this many Gaussian points ξ ∈ ℝᵀ drawn from `seed`, shared by all
    /// stages; 10⁴ points bias ε by about +0.002 for hard labels.
    case monteCarlo(samples: Int, seed: UInt64)

    /// The concrete rule for a problem (resolves `.automatic`).
    func resolved(for problem: Problem) -> Integration {
      guard case .automatic = self else { return self }
      if problem.hasHardLabels || problem.stages > 3 {
        return .monteCarlo(samples: 200_000, seed: 1)
      }
      return .gaussHermite([64, 40, 24][problem.stages - 1])
    }

    /// A short description for reports, e.g. "gauss-hermite 24^3".
    func describe(stages: Int) -> String {
      switch self {
      case .automatic: return "automatic"
      case .gaussHermite(let n): return "gauss-hermite \(n)^\(stages)"
      case .monteCarlo(let s, let seed): return "monte-carlo \(s) (seed \(seed))"
      }
    }
  }

  /// The quadrature points of every stage: stage t integrates over ξ ∈ ℝᵗ with
  /// `count(t)` points. For Gauss–Hermite the stage-t points are the tensor grid of the
  /// first t dimensions, ordered with ξ₁ most significant, so point p of stage t sits
  /// above point p / n^{t−s} of stage s (the same nodes reused by every stage). For Monte
  /// Carlo all stages share the same points.
  struct QuadraturePoints {
    let stages: Int
    /// Per stage t (index t − 1): the coordinates ξ_k of every point, k = 1…t, stored
    /// dimension-major: xi[t−1][(k−1)·count + p].
    let xi: [[Double]]
    /// Per stage: the weight of every point (summing to 1).
    let weights: [[Double]]
    /// Per stage: the divisor mapping a point to its ancestor at stage s is
    /// `divisor[t−1][s−1]` (n^{t−s} for a grid, 1 for Monte Carlo).
    let divisor: [[Int]]

    func count(_ t: Int) -> Int { weights[t - 1].count }

    init(_ integration: Integration, stages: Int) throws {
      self.stages = stages
      switch integration {
      case .automatic:
        preconditionFailure("resolve the integration rule before building points")
      case .gaussHermite(let n):
        let total = pow(Double(n), Double(stages))
        guard n >= 2, total <= 4e6 else {
          throw NumericsError.invalidArgument(
            operation: "sd.theory",
            message:
              "expected 2 ≤ n and n^T ≤ 4·10⁶ Gauss–Hermite points, found n = \(n), T = \(stages)")
        }
        let rule = try GaussHermite.rule(n)
        var xi: [[Double]] = []
        var weights: [[Double]] = []
        var divisor: [[Int]] = []
        for t in 1...stages {
          var size = 1
          for _ in 0..<t { size *= n }
          var coords = [Double](repeating: 0, count: t * size)
          var w = [Double](repeating: 1, count: size)
          for p in 0..<size {
            var rest = p
            for k in stride(from: t - 1, through: 0, by: -1) {
              let digit = rest % n
              rest /= n
              coords[k * size + p] = rule.nodes[digit]
              w[p] *= rule.weights[digit]
            }
          }
          xi.append(coords)
          weights.append(w)
          divisor.append(
            (1...t).map { s in
              var d = 1
              for _ in 0..<(t - s) { d *= n }
              return d
            })
        }
        self.xi = xi
        self.weights = weights
        self.divisor = divisor
      case .monteCarlo(let samples, let seed):
        guard samples >= 100, samples <= 20_000_000 else {
          throw NumericsError.invalidArgument(
            operation: "sd.theory",
            message: "expected 100 ≤ Monte Carlo samples ≤ 2·10⁷, found \(samples)")
        }
        var rng = RandomGenerator(seed: seed)
        var all = [Double](repeating: 0, count: stages * samples)
        for k in 0..<stages {
          for p in 0..<samples { all[k * samples + p] = rng.normal() }
        }
        self.xi = (1...stages).map { t in Array(all[0..<(t * samples)]) }
        self.weights = (1...stages).map { _ in
          [Double](repeating: 1 / Double(samples), count: samples)
        }
        self.divisor = (1...stages).map { t in [Int](repeating: 1, count: t) }
      }
    }
  }
}
