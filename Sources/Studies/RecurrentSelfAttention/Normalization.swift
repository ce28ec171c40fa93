import Foundation
import Numerics

extension RSA {
  /// Per-token normalisation layers and their analytic Jacobians.
  ///
  /// Each acts on every row (token) of an n × d state separately, so its Jacobian is
  /// block diagonal with one d × d block per token.
  public enum Normalization: Sendable, Equatable {
    /// RMSNorm (Zhang & Sennrich 2019, eq. 4): y = γ ⊙ z / r, r = √(mean z² + ε).
    case rms(gain: Vector, epsilon: Double)
    /// LayerNorm (Ba, Kiros & Hinton 2016, eq. 15 with the bias): y = γ ⊙ (z − μ)/σ + β,
    /// μ = mean z, σ = √(mean (z − μ)² + ε).
    case layer(gain: Vector, bias: Vector, epsilon: Double)
    /// Whole-token sphere normalisation y = z / ‖z‖ (each token one unit vector; the
    /// single-oscillator case of AKOrN's normalisation, Miyato et al. 2025, eq. 2).
    case sphere

    /// RMSNorm of width d with γ = 1 and ε = 1e-6 (the study's defaults).
    public static func rms(width d: Int, epsilon: Double = 1e-6) -> Normalization {
      .rms(gain: Vector(count: d, repeating: 1), epsilon: epsilon)
    }

    /// LayerNorm of width d with γ = 1, β = 0 and ε = 1e-6.
    public static func layer(width d: Int, epsilon: Double = 1e-6) -> Normalization {
      .layer(gain: Vector(count: d, repeating: 1), bias: Vector(count: d), epsilon: epsilon)
    }

    /// Applies the normalisation to every row of z (n × d).
    public func callAsFunction(_ z: Matrix) throws -> Matrix {
      try validate(z, "rsa.normalization")
      var out = z.elements
      try apply(z.elements, tokens: z.rows, width: z.cols, into: &out)
      return try Matrix(rows: z.rows, cols: z.cols, elements: out)
    }

    /// The analytic Jacobian at z, (nd) × (nd) block diagonal, with blocks
    ///
    ///   RMSNorm:   diag(γ)/r · (I − z zᵀ/(d r²))              (one near-zero eigenvalue,
    ///                                                           exactly zero at ε = 0),
    ///   LayerNorm: diag(γ)/σ · (I − 11ᵀ/d − ẑ ẑᵀ/d), ẑ = (z − μ)/σ  (two),
    ///   sphere:    (I − ŷ ŷᵀ)/‖z‖, ŷ = z/‖z‖                     (one, exact),
    ///
    /// (study spec, "Jacobians and spectra"; the LayerNorm block by the same chain rule).
    /// Agrees with central differences to ~1e-9 (tests).
    public func jacobian(_ z: Matrix) throws -> Matrix {
      try validate(z, "rsa.normalization.jacobian")
      let n = z.rows
      let d = z.cols
      let nd = n * d
      var j = [Double](repeating: 0, count: nd * nd)
      for i in 0..<nd { j[i * nd + i] = 1 }
      try applyJacobianLeft(at: z.elements, tokens: n, width: d, to: &j, columns: nd)
      return try Matrix(rows: nd, cols: nd, elements: j)
    }

    func validate(_ z: Matrix, _ op: String) throws {
      try RSA.require(
        z.rows >= 1 && z.cols >= 1, op, "expected a non-empty state, found \(z.rows)×\(z.cols)")
      try RSA.requireFinite(z, "the state", op)
      try validateParameters(width: z.cols, op)
    }

    func validateParameters(width d: Int, _ op: String) throws {
      switch self {
      case .rms(let gain, let epsilon):
        try RSA.require(gain.count == d, op, "expected a gain of length \(d), found \(gain.count)")
        try RSA.require(gain.allSatisfy(\.isFinite), op, "the gain contains NaN or infinity")
        try RSA.requireNonNegative(epsilon, "epsilon", op)
      case .layer(let gain, let bias, let epsilon):
        try RSA.require(gain.count == d, op, "expected a gain of length \(d), found \(gain.count)")
        try RSA.require(bias.count == d, op, "expected a bias of length \(d), found \(bias.count)")
        try RSA.require(
          gain.allSatisfy(\.isFinite) && bias.allSatisfy(\.isFinite), op,
          "the gain or bias contains NaN or infinity")
        try RSA.requireNonNegative(epsilon, "epsilon", op)
      case .sphere:
        break
      }
    }

    /// The per-token scale r (RMSNorm), σ (LayerNorm) or ‖z‖ (sphere), and the token mean
    /// (LayerNorm only, else 0). Throws when the scale is 0 (nothing to normalise).
    @inline(__always)
    func statistics(_ z: UnsafeBufferPointer<Double>, _ base: Int, _ d: Int) throws -> (
      scale: Double, mean: Double
    ) {
      var sum = 0.0
      var squares = 0.0
      for a in 0..<d {
        sum += z[base + a]
        squares += z[base + a] * z[base + a]
      }
      let result: (Double, Double)
      switch self {
      case .rms(_, let epsilon):
        result = ((squares / Double(d) + epsilon).squareRoot(), 0)
      case .layer(_, _, let epsilon):
        let mean = sum / Double(d)
        var v = 0.0
        for a in 0..<d { v += (z[base + a] - mean) * (z[base + a] - mean) }
        result = ((v / Double(d) + epsilon).squareRoot(), mean)
      case .sphere:
        result = (squares.squareRoot(), 0)
      }
      guard result.0 > 0 && result.0.isFinite else {
        throw NumericsError.invalidArgument(
          operation: "rsa.normalization",
          message:
            "a token has normalisation scale \(result.0) (zero or non-finite); cannot normalise it"
        )
      }
      return result
    }

    /// y = N(z) row by row on flat n × d buffers.
    func apply(_ z: [Double], tokens n: Int, width d: Int, into y: inout [Double]) throws {
      try z.withUnsafeBufferPointer { pz in
        for i in 0..<n {
          let base = i * d
          let (scale, mean) = try statistics(pz, base, d)
          switch self {
          case .rms(let gain, _):
            for a in 0..<d { y[base + a] = gain[a] * pz[base + a] / scale }
          case .layer(let gain, let bias, _):
            for a in 0..<d { y[base + a] = gain[a] * (pz[base + a] - mean) / scale + bias[a] }
          case .sphere:
            for a in 0..<d { y[base + a] = pz[base + a] / scale }
          }
        }
      }
    }

    /// M ← D_N(z) · M for a flat (nd) × `columns` matrix M, token block by block, using the
    /// rank-one form of each block (see `jacobian`): O(n·d·columns) instead of O(n·d²·columns).
    func applyJacobianLeft(
      at z: [Double], tokens n: Int, width d: Int, to m: inout [Double], columns: Int
    ) throws {
      var w = [Double](repeating: 0, count: columns)
      var shift = [Double](repeating: 0, count: columns)
      var unit = [Double](repeating: 0, count: d)
      try z.withUnsafeBufferPointer { pz in
        try m.withUnsafeMutableBufferPointer { pm in
          for i in 0..<n {
            let base = i * d
            let (scale, mean) = try statistics(pz, base, d)
            // unit: the direction removed (z/(√d r), ẑ/√d or ŷ), so each block is
            // diag(gain)/scale · (I − unit unitᵀ [− 11ᵀ/d]).
            let norm: Double
            switch self {
            case .rms: norm = Double(d).squareRoot() * scale
            case .layer: norm = Double(d).squareRoot() * scale
            case .sphere: norm = scale
            }
            for a in 0..<d { unit[a] = (pz[base + a] - mean) / norm }
            for c in 0..<columns {
              w[c] = 0
              shift[c] = 0
            }
            for a in 0..<d {
              let row = (base + a) * columns
              let ua = unit[a]
              for c in 0..<columns {
                w[c] += ua * pm[row + c]
                shift[c] += pm[row + c]
              }
            }
            let centre: Double
            if case .layer = self { centre = 1 / Double(d) } else { centre = 0 }
            for a in 0..<d {
              let row = (base + a) * columns
              let g: Double
              switch self {
              case .rms(let gain, _): g = gain[a] / scale
              case .layer(let gain, _, _): g = gain[a] / scale
              case .sphere: g = 1 / scale
              }
              let ua = unit[a]
              for c in 0..<columns {
                pm[row + c] = g * (pm[row + c] - ua * w[c] - centre * shift[c])
              }
            }
          }
        }
      }
    }

    /// M ← M · D_N(z) for a flat `rows` × (nd) matrix M (block-diagonal D on the right).
    func applyJacobianRight(
      at z: [Double], tokens n: Int, width d: Int, to m: inout [Double], rows: Int
    ) throws {
      let nd = n * d
      var t = [Double](repeating: 0, count: d)
      var unit = [Double](repeating: 0, count: d)
      try z.withUnsafeBufferPointer { pz in
        try m.withUnsafeMutableBufferPointer { pm in
          for k in 0..<n {
            let base = k * d
            let (scale, mean) = try statistics(pz, base, d)
            let norm: Double
            switch self {
            case .rms, .layer: norm = Double(d).squareRoot() * scale
            case .sphere: norm = scale
            }
            for a in 0..<d { unit[a] = (pz[base + a] - mean) / norm }
            for r in 0..<rows {
              let off = r * nd + base
              var dot = 0.0
              var total = 0.0
              for c in 0..<d {
                switch self {
                case .rms(let gain, _), .layer(let gain, _, _): t[c] = pm[off + c] * gain[c]
                case .sphere: t[c] = pm[off + c]
                }
                dot += t[c] * unit[c]
                total += t[c]
              }
              let centre: Double
              if case .layer = self { centre = total / Double(d) } else { centre = 0 }
              for b in 0..<d { pm[off + b] = (t[b] - centre - unit[b] * dot) / scale }
            }
          }
        }
      }
    }
  }
}
