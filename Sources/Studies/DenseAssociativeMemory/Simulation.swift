import Foundation
import Numerics

extension DAM {
  /// Settings of a direct simulation of the dense associative memory.
  public struct SimulationParameters: Sendable, Equatable {
    /// The network (N, n, α and p).
    public let model: Model
    /// The requested initial overlap m0 ∈ (0, 1]; the state starts at pattern 1 with
    /// exactly round((1 − m0)N/2) spins flipped (see `flippedSpins`).
    public let initialOverlap: Double
    /// Time steps T ≥ 0 (a sequential step is one sweep of N single-neuron updates).
    public let steps: Int
    /// Independent trials (pattern sets and initial states), ≥ 1.
    public let trials: Int
    /// Temperature T ≥ 0 in units of the normalised field Σ_μ ξᵢ^μ (a_μ^{∖i}/N)^k;
    /// 0 is the deterministic sgn update, T > 0 is Glauber dynamics.
    public let temperature: Double
    /// Parallel (the paper's dynamics) or sequential update.
    public let update: UpdateRule
    /// The seed; trial r uses `RandomGenerator(seed: seed).stream(r)`.
    public let seed: UInt64
    /// Worker threads (≥ 1); the results do not depend on it.
    public let threads: Int

    /// Validates 0 < m0 ≤ 1, 0 ≤ steps ≤ 100 000, 1 ≤ trials ≤ 1 000 000, T ≥ 0 finite,
    /// threads ≥ 1 (default: the active processor count).
    public init(
      model: Model, initialOverlap: Double, steps: Int, trials: Int = 12,
      temperature: Double = 0, update: UpdateRule = .parallel, seed: UInt64 = 1,
      threads: Int = DAM.defaultThreads
    ) throws {
      let op = "dam.simulate"
      try DAM.validateInitialOverlap(initialOverlap, op)
      try DAM.validateCount(steps, "steps", 0...100_000, op)
      try DAM.validateCount(trials, "trials", 1...1_000_000, op)
      try DAM.validateCount(threads, "threads", 1...4096, op)
      guard temperature.isFinite && temperature >= 0 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected a finite temperature T ≥ 0, found \(temperature)")
      }
      self.model = model
      self.initialOverlap = initialOverlap
      self.steps = steps
      self.trials = trials
      self.temperature = temperature
      self.update = update
      self.seed = seed
      self.threads = threads
    }

    /// The number of spins of pattern 1 flipped in the initial state: round((1 − m0)N/2).
    public var flippedSpins: Int {
      Int((0.5 * (1 - initialOverlap) * Double(model.neurons)).rounded())
    }

    /// The exact initial overlap 1 − 2·flippedSpins/N.
    public var exactInitialOverlap: Double {
      1 - 2 * Double(flippedSpins) / Double(model.neurons)
    }

    /// Bytes one trial holds at its peak: the Int8 pattern matrix (twice for sequential
    /// update, which builds a transposed copy) plus O(p + N) work space.
    public var bytesPerTrial: Int {
      let patternCopies = update == .sequential ? 2 : 1
      let (m, overflow) = model.patternBytes.multipliedReportingOverflow(by: patternCopies)
      return overflow ? Int.max : m &+ 16 * model.patterns &+ 16 * model.neurons
    }
  }

  /// The overlap trajectories of a simulation.
  public struct SimulationResult: Sendable {
    public let parameters: SimulationParameters
    /// Times 0, 1, …, T.
    public let times: Vector
    /// The trial mean of m(t) = (1/N) Σᵢ ξᵢ¹ σᵢ(t).
    public let meanOverlap: Vector
    /// The standard error of `meanOverlap`: sample s.d. (ddof 1) / √trials; 0 for one trial.
    public let standardError: Vector
    /// Every trial's m(t): trials × (T + 1).
    public let trajectories: Matrix
  }

  /// Simulates the Krotov–Hopfield dense associative memory from a corrupted pattern.
  ///
  /// Each trial draws p = round(α N^{n−1}) i.i.d. unbiased patterns ξ^μ ∈ {±1}^N, starts at
  /// ξ¹ with exactly round((1 − m0)N/2) distinct spins flipped, and applies `steps` updates
  /// σᵢ ← sgn hᵢ (T = 0; sgn 0 = +1) or σᵢ = ±1 with probability ½[1 ± tanh(hᵢ/T)]
  /// (Glauber), where hᵢ is the exact Krotov–Hopfield field with the neuron excluded from
  /// its own field (Krotov & Hopfield, NeurIPS 2016, eq. 3; see `KrotovHopfieldField`),
  /// normalised so that hᵢ ≈ Σ_μ ξᵢ^μ (a_μ^{∖i}/N)^{n−1}. Study: Mimura et al., ICLR
  /// 2026 (arXiv 2506.00851), whose experiments are n = 3, parallel, T = 0, N = 512.
  ///
  /// Patterns are stored as one signed byte per entry; a parallel step costs 2pN byte
  /// operations (overlaps a = Ξσ, then the field Ξᵀ E(a), over cache-sized blocks of
  /// patterns). Trials run on `threads` workers, trial r with its own random stream r, so
  /// the results are bit-identical for a given seed whatever the number of threads.
  ///
  /// - Throws: `invalidArgument` when the trials running at once would need more than
  ///   `DAM.memoryBudget` bytes (checked before allocating); `cancelled` when
  ///   `cancellation` fires (checked every step). Progress counts finished steps over all
  ///   trials.
  public static func simulate(
    _ parameters: SimulationParameters, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> SimulationResult {
    let perTrial = parameters.bytesPerTrial
    let budget = DAM.memoryBudget
    guard perTrial <= budget else {
      throw NumericsError.invalidArgument(
        operation: "dam.simulate",
        message:
          "N = \(parameters.model.neurons), p = \(parameters.model.patterns) needs \(perTrial / 1_048_576) MiB per trial, more than the \(budget / 1_048_576) MiB budget (half the physical memory); lower N or alpha"
      )
    }
    let workers = min(parameters.threads, max(1, budget / max(perTrial, 1)))
    let counter = ProgressCounter(
      total: parameters.trials * parameters.steps, progress: progress)
    let runs = try ParallelWork.map(
      count: parameters.trials, workers: workers, cancellation: cancellation
    ) { r in
      var trial = SimulationTrial(parameters, index: r)
      return try trial.run(cancellation: cancellation, counter: counter)
    }
    let t = parameters.steps + 1
    let trajectories = try Matrix(
      rows: parameters.trials, cols: t, elements: runs.flatMap { $0 })
    var mean = Vector(count: t)
    var error = Vector(count: t)
    for s in 0..<t {
      let column = trajectories.column(s)
      mean[s] = column.mean()
      error[s] =
        parameters.trials > 1
        ? (try Statistics.standardDeviation(column, ddof: 1))
          / Double(parameters.trials)
          .squareRoot() : 0
    }
    return SimulationResult(
      parameters: parameters, times: Vector((0..<t).map(Double.init)), meanOverlap: mean,
      standardError: error, trajectories: trajectories)
  }
}

/// One trial: its patterns, state and work buffers, reused across steps.
struct SimulationTrial {
  let parameters: DAM.SimulationParameters
  let field: KrotovHopfieldField
  var rng: RandomGenerator

  init(_ parameters: DAM.SimulationParameters, index: Int) {
    self.parameters = parameters
    field = KrotovHopfieldField(order: parameters.model.order, neurons: parameters.model.neurons)
    rng = RandomGenerator(seed: parameters.seed).stream(index)
  }

  /// Draws the patterns and the initial state, then runs the dynamics; returns m(0…T).
  mutating func run(cancellation: Cancellation, counter: ProgressCounter) throws -> [Double] {
    let n = parameters.model.neurons
    let p = parameters.model.patterns
    var patterns = PatternMatrix(patterns: p, neurons: n, rng: &rng)
    let target = Array(patterns.row(0))
    var sigma = target
    for i in rng.choice(n, count: parameters.flippedSpins, replace: false) { sigma[i] = -sigma[i] }
    var overlaps = [overlap(sigma, target)]
    overlaps.reserveCapacity(parameters.steps + 1)
    switch parameters.update {
    case .parallel:
      var stepper = ParallelStepper(neurons: n, patterns: p)
      for _ in 0..<parameters.steps {
        try cancellation.check()
        stepper.step(&sigma, patterns, field, temperature: parameters.temperature, rng: &rng)
        overlaps.append(overlap(sigma, target))
        counter.advance()
      }
    case .sequential:
      patterns.transpose()
      var stepper = SequentialStepper(sigma, patterns, field)
      for _ in 0..<parameters.steps {
        try cancellation.check()
        stepper.sweep(&sigma, patterns, field, temperature: parameters.temperature, rng: &rng)
        overlaps.append(overlap(sigma, target))
        counter.advance()
      }
    }
    return overlaps
  }

  private func overlap(_ sigma: [Int8], _ target: [Int8]) -> Double {
    var s = 0
    for i in 0..<sigma.count { s += Int(sigma[i]) * Int(target[i]) }
    return Double(s) / Double(sigma.count)
  }
}

/// p i.i.d. unbiased ±1 patterns of N entries, one signed byte each, stored pattern-major
/// (row μ is ξ^μ) or, after `transpose()`, neuron-major (row i is (ξᵢ^μ)_μ).
struct PatternMatrix {
  let patterns: Int
  let neurons: Int
  private(set) var storage: [Int8]
  private(set) var neuronMajor = false

  /// Entry (μ, i) in pattern-major order is bit (μN + i) mod 64 of 64-bit output
  /// ⌊(μN + i)/64⌋ of `rng`: 1 → +1, 0 → −1.
  init(patterns p: Int, neurons n: Int, rng: inout RandomGenerator) {
    patterns = p
    neurons = n
    let total = p * n
    storage = [Int8](unsafeUninitializedCapacity: total) { buf, count in
      var start = 0
      while start < total {
        let w = rng.next()
        let end = min(start + 64, total)
        for b in 0..<(end - start) {
          buf[start + b] = Int8(truncatingIfNeeded: ((w >> UInt64(b)) & 1) << 1) - 1
        }
        start = end
      }
      count = total
    }
  }

  /// Pattern μ (pattern-major layout only).
  func row(_ mu: Int) -> ArraySlice<Int8> { storage[(mu * neurons)..<((mu + 1) * neurons)] }

  /// Rewrites the storage neuron-major, in 64 × 64 blocks.
  mutating func transpose() {
    let (p, n) = (patterns, neurons)
    let source = storage
    storage = [Int8](unsafeUninitializedCapacity: p * n) { out, count in
      source.withUnsafeBufferPointer { src in
        let block = 64
        for mu0 in stride(from: 0, to: p, by: block) {
          for i0 in stride(from: 0, to: n, by: block) {
            for mu in mu0..<min(mu0 + block, p) {
              for i in i0..<min(i0 + block, n) { out[i * p + mu] = src[mu * n + i] }
            }
          }
        }
      }
      count = p * n
    }
    neuronMajor = true
  }
}

/// The parallel update over pattern-major storage, with its buffers.
struct ParallelStepper {
  private var h: [Double]
  private var e: [Double]
  /// Patterns per block: a block of Int8 rows stays in a 128 KiB slice of cache while its
  /// overlaps are formed and then added into the field.
  private let block: Int

  /// `blockBytes` bounds the bytes of one block of patterns (at least 4 patterns).
  init(neurons n: Int, patterns p: Int, blockBytes: Int = 131_072) {
    h = [Double](repeating: 0, count: n)
    block = max(4, min(p, (blockBytes / n) & ~3))
    e = [Double](repeating: 0, count: block)
  }

  /// σ(t + 1) from σ(t): a_μ = ξ^μ · σ, hᵢ = Σ_μ ξᵢ^μ E(a_μ) + σᵢ Σ_μ O(a_μ).
  mutating func step(
    _ sigma: inout [Int8], _ patterns: PatternMatrix, _ field: KrotovHopfieldField,
    temperature: Double, rng: inout RandomGenerator
  ) {
    let n = patterns.neurons
    let p = patterns.patterns
    let block = self.block
    var oddSum = 0.0
    h.withUnsafeMutableBufferPointer { h in
      e.withUnsafeMutableBufferPointer { e in
        patterns.storage.withUnsafeBufferPointer { xi in
          sigma.withUnsafeBufferPointer { s in
            let xi = xi.baseAddress!
            let s = s.baseAddress!
            for i in 0..<n { h[i] = 0 }
            var mu0 = 0
            while mu0 < p {
              let count = min(block, p - mu0)
              for b in 0..<count {
                let row = xi + (mu0 + b) * n
                var a: Int32 = 0
                for j in 0..<n { a &+= Int32(row[j] &* s[j]) }
                let (ev, ov) = field.evaluate(Double(a))
                e[b] = ev
                oddSum += ov
              }
              var b = 0
              while b + 4 <= count {
                let r0 = xi + (mu0 + b) * n
                let r1 = r0 + n
                let r2 = r1 + n
                let r3 = r2 + n
                let (e0, e1, e2, e3) = (e[b], e[b + 1], e[b + 2], e[b + 3])
                for i in 0..<n {
                  h[i] +=
                    (e0 * Double(r0[i]) + e1 * Double(r1[i]))
                    + (e2 * Double(r2[i]) + e3 * Double(r3[i]))
                }
                b += 4
              }
              while b < count {
                let r = xi + (mu0 + b) * n
                let ev = e[b]
                for i in 0..<n { h[i] += ev * Double(r[i]) }
                b += 1
              }
              mu0 += count
            }
          }
        }
      }
    }
    update(&sigma, oddSum: oddSum, scale: field.scale, temperature: temperature, rng: &rng)
  }

  private func update(
    _ sigma: inout [Int8], oddSum: Double, scale: Double, temperature: Double,
    rng: inout RandomGenerator
  ) {
    if temperature == 0 {
      for i in 0..<sigma.count { sigma[i] = h[i] + Double(sigma[i]) * oddSum >= 0 ? 1 : -1 }
    } else {
      let beta = scale / temperature
      for i in 0..<sigma.count {
        let x = beta * (h[i] + Double(sigma[i]) * oddSum)
        sigma[i] = rng.uniform() < 0.5 * (1 + tanh(x)) ? 1 : -1
      }
    }
  }
}

/// The sequential update over neuron-major storage: keeps a_μ, E(a_μ) and Σ_μ O(a_μ) for
/// the current state and refreshes them after every flip (cost p per flip).
struct SequentialStepper {
  private var a: [Double]
  private var e: [Double]
  private var oddSum = 0.0
  private var order: [Int]

  init(_ sigma: [Int8], _ patterns: PatternMatrix, _ field: KrotovHopfieldField) {
    let (p, n) = (patterns.patterns, patterns.neurons)
    a = [Double](repeating: 0, count: p)
    e = [Double](repeating: 0, count: p)
    order = Array(0..<n)
    patterns.storage.withUnsafeBufferPointer { xi in
      for i in 0..<n {
        let row = xi.baseAddress! + i * p
        let s = Double(sigma[i])
        for mu in 0..<p { a[mu] += s * Double(row[mu]) }
      }
    }
    refresh(field)
  }

  private mutating func refresh(_ field: KrotovHopfieldField) {
    var o = 0.0
    for mu in 0..<a.count {
      let (ev, ov) = field.evaluate(a[mu])
      e[mu] = ev
      o += ov
    }
    oddSum = o
  }

  /// One sweep: every neuron once in a fresh random order.
  mutating func sweep(
    _ sigma: inout [Int8], _ patterns: PatternMatrix, _ field: KrotovHopfieldField,
    temperature: Double, rng: inout RandomGenerator
  ) {
    rng.shuffle(&order)
    let p = patterns.patterns
    for i in order {
      let flipped: Bool = patterns.storage.withUnsafeBufferPointer { xi in
        let row = xi.baseAddress! + i * p
        var h = 0.0
        e.withUnsafeBufferPointer { e in
          for mu in 0..<p { h += e[mu] * Double(row[mu]) }
        }
        h += Double(sigma[i]) * oddSum
        let new: Int8
        if temperature == 0 {
          new = h >= 0 ? 1 : -1
        } else {
          new = rng.uniform() < 0.5 * (1 + tanh(field.scale * h / temperature)) ? 1 : -1
        }
        guard new != sigma[i] else { return false }
        sigma[i] = new
        let d = 2 * Double(new)
        a.withUnsafeMutableBufferPointer { a in
          for mu in 0..<p { a[mu] += d * Double(row[mu]) }
        }
        return true
      }
      if flipped { refresh(field) }
    }
  }
}
