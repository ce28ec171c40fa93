import Foundation
import Numerics

/// Dense associative memory (Krotov & Hopfield, "Dense associative memory for pattern
/// recognition", NeurIPS 2016) and its retrieval dynamics (Mimura, Takeuchi, Sumikawa,
/// Kabashima & Coolen, "Dynamical properties of dense associative memory", ICLR 2026,
/// arXiv 2506.00851): simulation, the generating-functional (GFA) theory of parallel
/// zero-temperature dynamics, the exact Hopfield (n = 2) steps, and scans of the basin of
/// attraction and the capacity.
///
/// Every function takes a parameters value and returns a result value made of `Double`,
/// `Vector` and `Matrix`; invalid parameters throw `NumericsError.invalidArgument` naming
/// the parameter, what was expected and what was found.
public enum DAM {}

extension DAM {
  /// The network: N Ising neurons, interaction order n (F(x) = xⁿ) and load α.
  ///
  /// The number of stored patterns is p = round(α N^{n−1}) — this study's normalisation;
  /// other papers divide by (n − 1)!, so their α is (n − 1)! times ours.
  public struct Model: Sendable, Equatable {
    /// N ≥ 2 neurons.
    public let neurons: Int
    /// The order n ≥ 2 of the interaction F(x) = xⁿ; n = 2 is the Hopfield model.
    public let order: Int
    /// The load α > 0, with p = round(α N^{n−1}).
    public let alpha: Double
    /// The number of stored patterns p = round(α N^{n−1}) ≥ 1.
    public let patterns: Int

    /// The exponent k = n − 1 of the normalised field hᵢ = Σ_μ ξᵢ^μ (a_μ^{∖i}/N)^k.
    public var k: Int { order - 1 }

    /// Validates N ≥ 2, 2 ≤ n ≤ `maximumOrder`, α > 0 finite and 1 ≤ p < 2⁴⁰.
    public init(neurons: Int, order: Int, alpha: Double) throws {
      let op = "dam.model"
      guard neurons >= 2 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected N ≥ 2 neurons, found \(neurons)")
      }
      guard order >= 2 && order <= DAM.maximumOrder else {
        throw NumericsError.invalidArgument(
          operation: op,
          message: "expected interaction order 2 ≤ n ≤ \(DAM.maximumOrder), found \(order)")
      }
      guard alpha.isFinite && alpha > 0 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected a finite load alpha > 0, found \(alpha)")
      }
      let p = (alpha * pow(Double(neurons), Double(order - 1))).rounded()
      guard p >= 1 else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "alpha = \(alpha) at N = \(neurons), n = \(order) stores p = round(alpha N^(n-1)) = 0 patterns; expected at least 1"
        )
      }
      guard p < 0x1p40 else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "p = alpha N^(n-1) = \(p) patterns is far beyond what any memory holds (N = \(neurons), n = \(order), alpha = \(alpha))"
        )
      }
      self.neurons = neurons
      self.order = order
      self.alpha = alpha
      self.patterns = Int(p)
    }

    /// Bytes of the pattern matrix, one signed byte per ±1 entry: p · N.
    public var patternBytes: Int {
      patterns.multipliedReportingOverflow(by: neurons).overflow
        ? Int.max : patterns * neurons
    }
  }

  /// How neurons are updated in one time step.
  public enum UpdateRule: String, Sendable, CaseIterable {
    /// All N neurons at once from the previous state (synchronous; the paper's dynamics).
    case parallel
    /// One sweep: every neuron once, in a fresh uniformly random order, each seeing the
    /// current state (asynchronous).
    case sequential
  }

  /// The largest supported order n: beyond it the exact integer field xⁿ overflows the
  /// 53-bit mantissa for any useful N.
  public static let maximumOrder = 12

  /// The default number of worker threads: the active processor count.
  public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

  /// The memory a simulation may use for its pattern matrices: half the physical memory.
  public static var memoryBudget: Int {
    Int(min(ProcessInfo.processInfo.physicalMemory / 2, UInt64(Int.max)))
  }
}

extension DAM {
  /// Throws `invalidArgument` for an initial overlap outside (0, 1].
  static func validateInitialOverlap(_ m0: Double, _ op: String) throws {
    guard m0.isFinite && m0 > 0 && m0 <= 1 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected an initial overlap 0 < m0 ≤ 1, found \(m0)")
    }
  }

  /// Throws `invalidArgument` unless `lower ≤ value ≤ upper`.
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
}
