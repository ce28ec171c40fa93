import Foundation
import Numerics

/// Neural collapse in cumulative link models for ordinal regression (Ma, Obuchi & Tanaka,
/// "Neural Collapse in Cumulative Link Models for Ordinal Regression: An Analysis with
/// Unconstrained Feature Model", NeurIPS 2025, arXiv 2506.05801).
///
/// The paper's full text was not available when this module was written and no code was
/// published: the equations of state here are a derivation consistent with every statement
/// of its abstract (ordinal neural collapse ONC1–3, the transition at λ_w,c = C/λ_h,
/// |w*| = Θ((λ_h/λ_w)^{1/4}), the midpoint law), checked in this repository against direct
/// optimisation of the unconstrained feature model (see
/// ../shared/design/studies/ordinal-collapse.md).
///
/// Conventions: classes are indexed k = 0…Q−1 (the paper's q = k + 1); thresholds are
/// b_0 < b_1 < … < b_Q with class k owning the interval (b_k, b_{k+1}] of the latent
/// threshold variable. The UFM objective is normalised as
/// L(H, w) = (1/N) Σᵢ ℓ(wᵀhᵢ; yᵢ) + (λ_h/2N) Σᵢ |hᵢ|² + (λ_w/2) |w|².
///
/// Invalid parameters throw `NumericsError.invalidArgument` naming what was expected and
/// what was found.
public enum ONC {}

extension ONC {
  /// Throws `invalidArgument` unless `range` contains `value`.
  static func validateCount(
    _ value: Int, _ name: String, _ range: ClosedRange<Int>, _ op: String
  ) throws {
    guard range.contains(value) else {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected \(range.lowerBound) ≤ \(name) ≤ \(range.upperBound), found \(value)")
    }
  }

  /// Throws `invalidArgument` unless `value` is finite and ≥ 0 (or > 0 when `strict`).
  static func validateNonNegative(
    _ value: Double, _ name: String, strict: Bool = false, _ op: String
  ) throws {
    guard value.isFinite && (strict ? value > 0 : value >= 0) else {
      throw NumericsError.invalidArgument(
        operation: op,
        message: "expected a finite \(name) \(strict ? ">" : "≥") 0, found \(value)")
    }
  }

  /// Throws `invalidArgument` unless every label lies in 0..<classes and every class occurs.
  static func validateLabels(_ labels: [Int], classes: Int, _ op: String) throws {
    var seen = [Bool](repeating: false, count: classes)
    for (i, y) in labels.enumerated() {
      guard y >= 0 && y < classes else {
        throw NumericsError.invalidArgument(
          operation: op,
          message: "expected class labels in 0…\(classes - 1), found \(y) at position \(i)")
      }
      seen[y] = true
    }
    if let missing = seen.firstIndex(of: false) {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected every class to occur, found none of class \(missing)")
    }
  }
}
