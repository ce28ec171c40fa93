import Foundation
import Numerics

extension QEP {
  /// The integer grid a weight matrix is rounded to: b-bit asymmetric uniform
  /// quantization with one scale and zero point per output row (per channel) or per
  /// group of `groupSize` consecutive input columns of each row.
  ///
  /// Min/max convention (GPTQ's `Quantizer.find_params`, Frantar et al. 2023, with
  /// `sym=False`): over the values w of a row (or group), x_min = min(min w, 0) and
  /// x_max = max(max w, 0) — zero is always forced into the range, so an exact 0 stays
  /// exactly representable; when both are 0 the range is [−1, 1]. Then with
  /// q_max = 2ᵇ − 1, scale s = (x_max − x_min)/q_max, zero point z = round(−x_min/s), and
  /// a weight w is stored as q = clamp(round(w/s) + z, 0, q_max) and read back as
  /// s (q − z). Rounding is to nearest, ties to even (as `torch.round` and `np.round`).
  /// The round-trip error of a value inside the range is at most s/2.
  public struct Grid: Sendable, Equatable {
    /// Bits per weight: 2, 3, 4 or 8.
    public let bits: Int
    /// Input columns sharing one scale and zero point; 0 means one per output row.
    public let groupSize: Int

    /// The supported widths (the paper's and the issue's).
    public static let supportedBits = [2, 3, 4, 8]

    /// Validates bits ∈ {2, 3, 4, 8} and groupSize ≥ 0.
    public init(bits: Int, groupSize: Int = 0) throws {
      try QEP.require(
        Grid.supportedBits.contains(bits), "qep.grid",
        "expected bits in {2, 3, 4, 8}, found \(bits)")
      try QEP.require(
        groupSize >= 0, "qep.grid",
        "expected a group size ≥ 0 (0 = per channel), found \(groupSize)")
      self.bits = bits
      self.groupSize = groupSize
    }

    /// q_max = 2ᵇ − 1.
    public var maxLevel: Double { Double((1 << bits) - 1) }

    /// Scale and zero point for values with range [lo, hi] (the convention above).
    func parameters(min lo: Double, max hi: Double) -> (scale: Double, zero: Double) {
      var a = Swift.min(lo, 0)
      var b = Swift.max(hi, 0)
      if a == 0 && b == 0 {
        a = -1
        b = 1
      }
      let scale = (b - a) / maxLevel
      return (scale, (-a / scale).rounded(.toNearestOrEven))
    }

    /// The value w rounded to the grid of `scale` and `zero`.
    @inline(__always)
    func round(_ w: Double, scale: Double, zero: Double) -> Double {
      let q = Swift.min(Swift.max((w / scale).rounded(.toNearestOrEven) + zero, 0), maxLevel)
      return scale * (q - zero)
    }

    func validate(columns: Int, _ op: String) throws {
      try QEP.require(
        groupSize == 0 || columns % groupSize == 0, op,
        "expected the group size \(groupSize) to divide the \(columns) input columns")
    }
  }

  /// Round-to-nearest (RTN): every weight rounded independently to the grid of its row
  /// or group (the `Grid` convention). It ignores the data; its error per weight is at
  /// most half a step.
  public static func roundToNearest(_ w: Matrix, grid: Grid) throws -> Matrix {
    let op = "qep.rtn"
    try requireFinite(w, "the weights", op)
    try grid.validate(columns: w.cols, op)
    let g = grid.groupSize == 0 ? w.cols : grid.groupSize
    var out = w
    out.elements.withUnsafeMutableBufferPointer { p in
      for r in 0..<w.rows {
        var start = 0
        while start < w.cols {
          let base = r * w.cols + start
          var lo = Double.infinity
          var hi = -Double.infinity
          for j in 0..<g {
            lo = min(lo, p[base + j])
            hi = max(hi, p[base + j])
          }
          let (s, z) = grid.parameters(min: lo, max: hi)
          for j in 0..<g { p[base + j] = grid.round(p[base + j], scale: s, zero: z) }
          start += g
        }
      }
    }
    return out
  }
}
