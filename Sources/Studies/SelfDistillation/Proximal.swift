import Foundation
import Numerics

extension SD {
  /// The proximal map of one training loss, the effective single-sample problem of the
  /// replica channel: z = argmin_z ℓ(h + z; y) + z²/(2c), c = Δχ_tt > 0
  /// (Takanami et al. 2025, the saddle point of §3 and App. B; spec
  /// design/studies/self-distillation.md, "Channel side").
  ///
  /// Cross-entropy: z = c (y − σ(h + z)), the unique root of the increasing function
  /// g(z) = z/c + σ(h + z) − y, bracketed in [c(y − 1), c·y] since 0 < σ < 1. It is found by
  /// Newton steps from `start` that fall back to bisection whenever a step leaves the
  /// current bracket, to |Δz| ≤ 10⁻¹³(1 + |z|) (at most 100 steps; from a warm start two or
  /// three suffice). Square loss ((a + 1)/2 − y)²: z = c (2y − 1 − h)/(2 + c) exactly.
  ///
  /// Returns z and its derivative dz/dh at fixed y: −cσ′/(1 + cσ′) or −c/(2 + c).
  @inline(__always)
  static func proximal(
    h: Double, y: Double, c: Double, start: Double, loss: Loss
  ) -> (z: Double, dz: Double) {
    switch loss {
    case .square:
      return (c * (2 * y - 1 - h) / (2 + c), -c / (2 + c))
    case .crossEntropy:
      var lo = c * (y - 1)
      var hi = c * y
      var z = min(max(start, lo), hi)
      var derivative = 0.0
      for _ in 0..<100 {
        let s = sigmoid(h + z)
        let sp = s * (1 - s)
        let g = z / c + s - y
        derivative = sp
        if g > 0 { hi = z } else if g < 0 { lo = z } else { break }
        var next = z - g / (1 / c + sp)
        if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
        let step = next - z
        z = next
        if abs(step) <= 1e-13 * (1 + abs(z)) {
          let s2 = sigmoid(h + z)
          derivative = s2 * (1 - s2)
          break
        }
      }
      return (z, -c * derivative / (1 + c * derivative))
    }
  }
}
