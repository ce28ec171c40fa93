import Foundation
import Numerics

extension QEP {
  /// The base quantizer applied to each layer.
  public enum Method: String, Sendable, CaseIterable {
    /// Round-to-nearest (`QEP.roundToNearest`); uses no data.
    case rtn
    /// GPTQ (`QEP.gptq`) with the Hessian of the layer's inputs in the quantized stream.
    case gptq
  }

  /// The QEP correction's settings (Arai & Ichikawa 2025, §4.2 and the authors' code).
  public struct Propagation: Sendable, Equatable {
    /// Propagation strength α ∈ [0, 1]; α = 0 is the base method. The authors' default
    /// is 0.5.
    public let alpha: Double
    /// Relative damping: λ = damping · mean(diag Ĥ). The NeurIPS code uses 1.0
    /// (`--percdampqep`), the re-implementations (OneCompression, qwix) 0.01.
    public let damping: Double
    /// Roles of layers whose weights are not corrected (the base method still
    /// quantizes them). The authors skip each block's last MLP projection (down_proj).
    public let excluded: Set<String>

    /// Validates 0 ≤ α ≤ 1 and damping ≥ 0.
    public init(alpha: Double = 0.5, damping: Double = 0.01, excluded: Set<String> = []) throws {
      try QEP.require(
        alpha.isFinite && alpha >= 0 && alpha <= 1, "qep.propagation",
        "expected a propagation strength 0 ≤ alpha ≤ 1, found \(alpha)")
      try QEP.require(
        damping.isFinite && damping >= 0, "qep.propagation",
        "expected a damping ≥ 0, found \(damping)")
      self.alpha = alpha
      self.damping = damping
      self.excluded = excluded
    }
  }

  /// How every layer of a model is quantized: base method, grid, GPTQ's damping and
  /// block size, and the QEP correction (nil: the plain base method).
  public struct Settings: Sendable, Equatable {
    public let method: Method
    public let grid: Grid
    /// GPTQ's relative damping of the Hessian (the paper's 0.01).
    public let gptqDamping: Double
    /// GPTQ's lazy-update block size (128 in the paper).
    public let blockSize: Int
    /// The QEP correction, or nil for the base method alone.
    public let propagation: Propagation?

    /// Validates gptqDamping ≥ 0 and blockSize ≥ 1.
    public init(
      method: Method, grid: Grid, propagation: Propagation? = nil, gptqDamping: Double = 0.01,
      blockSize: Int = 128
    ) throws {
      try QEP.require(
        gptqDamping.isFinite && gptqDamping >= 0, "qep.settings",
        "expected a GPTQ damping ≥ 0, found \(gptqDamping)")
      try QEP.require(
        blockSize >= 1, "qep.settings", "expected a block size ≥ 1, found \(blockSize)")
      self.method = method
      self.grid = grid
      self.propagation = propagation
      self.gptqDamping = gptqDamping
      self.blockSize = blockSize
    }

    /// Throws unless every excluded role is one of `roles` (a misspelt exclusion would
    /// otherwise silently exclude nothing).
    func validateExclusions(_ roles: [String], _ op: String) throws {
      guard let p = propagation else { return }
      for name in p.excluded.sorted() where !roles.contains(name) {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "expected excluded layer roles among \(roles.joined(separator: ", ")), found \"\(name)\""
        )
      }
    }

    /// Whether a layer of `role` needs the input statistics.
    func needsStatistics(_ role: String) -> Bool {
      method == .gptq || corrects(role)
    }

    /// Whether the QEP correction applies to a layer of `role`.
    func corrects(_ role: String) -> Bool {
      guard let p = propagation else { return false }
      return !p.excluded.contains(role)
    }

    /// The quantized weights of one layer: W*(α) when corrected, then the base method
    /// (GPTQ with Hessian Ĥ, the decomposition of the paper's eq. 8).
    func quantize(_ w: Matrix, role: String, statistics: LayerStatistics?) throws -> Matrix {
      try quantize([w], role: role, statistics: statistics)[0]
    }

    /// `quantize` for several layers that read the same inputs (query, key and value):
    /// both the correction and GPTQ act on each output row separately given the
    /// statistics, so the layers' rows are stacked and quantized together (one Cholesky
    /// factorisation and one inverse factor for all of them), then split again.
    func quantize(_ ws: [Matrix], role: String, statistics: LayerStatistics?) throws -> [Matrix] {
      guard let first = ws.first else { return [] }
      let cols = first.cols
      try QEP.require(
        ws.allSatisfy { $0.cols == cols }, "qep.quantize",
        "expected layers of equal input width, found \(ws.map { $0.cols })")
      var target =
        ws.count == 1
        ? first
        : try Matrix(
          rows: ws.reduce(0) { $0 + $1.rows }, cols: cols, elements: ws.flatMap(\.elements))
      if let p = propagation, corrects(role), let s = statistics {
        target = try QEP.corrected(target, statistics: s, alpha: p.alpha, damping: p.damping)
      }
      let quantized: Matrix
      switch method {
      case .rtn:
        quantized = try QEP.roundToNearest(target, grid: grid)
      case .gptq:
        guard let s = statistics else {
          throw NumericsError.invalidArgument(
            operation: "qep.gptq", message: "expected input statistics for GPTQ, found none")
        }
        quantized = try QEP.gptq(
          target, hessian: s.hessian, grid: grid, damping: gptqDamping, blockSize: blockSize)
      }
      if ws.count == 1 { return [quantized] }
      var out: [Matrix] = []
      var row = 0
      for w in ws {
        out.append(
          try Matrix(
            rows: w.rows, cols: cols,
            elements: Array(quantized.elements[(row * cols)..<((row + w.rows) * cols)])))
        row += w.rows
      }
      return out
    }

    /// Statistics of a layer's inputs when `role` needs them, else nil.
    func statistics(_ role: String, full: Matrix, quantized: Matrix) throws -> LayerStatistics? {
      needsStatistics(role)
        ? try LayerStatistics(full: full, quantized: quantized, withCross: corrects(role)) : nil
    }
  }
}
