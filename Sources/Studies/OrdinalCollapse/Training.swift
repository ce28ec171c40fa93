import Foundation
import Numerics

extension ONC {
  /// Settings of full-batch gradient-descent training of an MLP with a CLM head.
  public struct TrainingParameters: Sendable, Equatable {
    /// Hidden widths n_1 … n_L (1…8 layers of 1…4096 units); h_L are the features.
    public let hidden: [Int]
    public let activation: Activation
    /// The link of the CLM head.
    public let link: Link
    /// b_0 … b_Q: fixed, or the starting values of learnable thresholds.
    public let thresholds: [Double]
    /// Learn b_1 … b_{Q−1} (kept ordered); needs b_0 = −∞ and b_Q = +∞.
    public let learnThresholds: Bool
    /// Weight decay λ ≥ 0 on every weight and bias of the network and on w (not on the
    /// thresholds).
    public let weightDecay: Double
    /// Gradient-descent step η > 0.
    public let learningRate: Double
    /// Epochs E (full-batch steps), 0…10⁶.
    public let epochs: Int
    /// Initial weights: W_k ~ N(0, 1/n_{k−1}), c_k = 0, w ~ N(0, 1/n_L) from this seed.
    public let seed: UInt64
    /// Epochs (0…E) at which to store a 2-D projection of the features.
    public let snapshots: [Int]
    /// The relative eigenvalue cut-off of Σ_B⁺ in NC1, in (0, 1).
    public let rankTolerance: Double

    /// Validates every field as documented; the thresholds as for `CumulativeLink`.
    public init(
      hidden: [Int], activation: Activation = .tanh, link: Link = .logit, thresholds: [Double],
      learnThresholds: Bool = false, weightDecay: Double = 1e-3, learningRate: Double = 0.1,
      epochs: Int, seed: UInt64 = 1, snapshots: [Int] = [], rankTolerance: Double = 1e-6
    ) throws {
      let op = "onc.train"
      try ONC.validateCount(hidden.count, "hidden layers", 1...8, op)
      for n in hidden { try ONC.validateCount(n, "hidden width", 1...4096, op) }
      try ONC.validateThresholds(thresholds, op)
      if learnThresholds && (thresholds[0] != -.infinity || thresholds.last! != .infinity) {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "learnable thresholds expect b_0 = -inf and b_Q = +inf, found \(thresholds[0]) and \(thresholds.last!)"
        )
      }
      try ONC.validateNonNegative(weightDecay, "weight decay", op)
      try ONC.validateNonNegative(learningRate, "learning rate", strict: true, op)
      try ONC.validateCount(epochs, "epochs", 0...1_000_000, op)
      for s in snapshots { try ONC.validateCount(s, "snapshot epoch", 0...epochs, op) }
      guard rankTolerance > 0 && rankTolerance < 1 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected 0 < rankTolerance < 1, found \(rankTolerance)")
      }
      self.hidden = hidden
      self.activation = activation
      self.link = link
      self.thresholds = thresholds
      self.learnThresholds = learnThresholds
      self.weightDecay = weightDecay
      self.learningRate = learningRate
      self.epochs = epochs
      self.seed = seed
      self.snapshots = snapshots
      self.rankTolerance = rankTolerance
    }
  }

  /// The trajectory of a training run: one entry per epoch 0…E (epoch 0 is the
  /// initialisation; entry e is measured before the e-th update).
  public struct TrainingResult: Sendable {
    public let epochs: Vector
    /// The objective: data loss + (λ/2)|parameters|².
    public let objective: Vector
    /// (1/N) Σᵢ ℓ(zᵢ; yᵢ).
    public let dataLoss: Vector
    /// The fraction of samples whose latent falls in their class interval (b_k, b_{k+1}]
    /// (outer intervals extended to ±∞).
    public let accuracy: Vector
    /// Collapse metrics per epoch (see `CollapseMetrics`).
    public let nc1: Vector
    public let withinBetween: Vector
    public let onc2: Vector
    public let orderedFraction: Vector
    /// Mean distance of the class-mean latents to the midpoints; nil when no class has two
    /// finite thresholds (Q = 2 with learnable thresholds).
    public let midpointDistance: Vector?
    /// Class-mean latents, (E + 1) × Q.
    public let classMeanLatents: Matrix
    /// The interior thresholds b_1 … b_{Q−1} per epoch, (E + 1) × (Q − 1).
    public let thresholds: Matrix
    /// The final features h_L (N × n_L), latents and classifier.
    public let features: Matrix
    public let latents: Vector
    public let weights: Vector
    /// The snapshot epochs and, for each, the features centred at their global mean and
    /// projected on (ŵ, u): ŵ = w/|w| and u the leading principal direction of the
    /// features orthogonal to ŵ (N × 2; second column 0 when n_L = 1).
    public let snapshotEpochs: [Int]
    public let projections: [Matrix]
  }

  /// Trains an MLP with a CLM head by full-batch gradient descent with hand-derived
  /// gradients (`Network.evaluate`) and weight decay, recording the loss, accuracy and the
  /// collapse metrics of the last hidden layer at every epoch (Ma, Obuchi & Tanaka,
  /// NeurIPS 2025, their MLP experiments; the data here are `syntheticData`).
  ///
  /// - Throws: `invalidArgument` when the data have a different number of classes than
  ///   the thresholds, or the metrics are undefined (all class means equal, w = 0);
  ///   `nonFinite` when training diverges (lower the learning rate); `cancelled`.
  ///   Progress counts epochs.
  public static func train(
    _ data: OrdinalData, _ parameters: TrainingParameters, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> TrainingResult {
    let p = parameters
    let op = "onc.train"
    let q = p.thresholds.count - 1
    guard data.classes == q else {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected data with \(q) classes (as many as the thresholds define), found \(data.classes)"
      )
    }
    var rng = RandomGenerator(seed: p.seed)
    var network = Network(
      inputs: data.inputs.cols, hidden: p.hidden, activation: p.activation, link: p.link,
      thresholds: p.thresholds, learnThresholds: p.learnThresholds, rng: &rng)
    let e = p.epochs
    var objective: [Double] = []
    var dataLoss: [Double] = []
    var accuracy: [Double] = []
    var nc1: [Double] = []
    var ratio: [Double] = []
    var onc2: [Double] = []
    var ordered: [Double] = []
    var midpoint: [Double] = []
    var hasMidpoint = true
    var means: [Double] = []
    var thresholds: [Double] = []
    var projections: [Matrix] = []
    let snapshotSet = Set(p.snapshots)
    var last: Network.Evaluation?
    let workspace = try Network.Workspace(network, data)
    for epoch in 0...e {
      try cancellation.check()
      let eval = try network.evaluate(data, weightDecay: p.weightDecay, workspace: workspace)
      let w = network.head
      guard
        let m = try collapseMetrics(
          features: eval.features, labels: data.labels, weights: w, thresholds: eval.thresholds,
          rankTolerance: p.rankTolerance)
      else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "collapse metrics undefined at epoch \(epoch): all class means coincide or w = 0 (lower the weight decay)"
        )
      }
      objective.append(eval.objective)
      dataLoss.append(eval.dataLoss)
      accuracy.append(classAccuracy(eval.latents, data.labels, eval.thresholds))
      nc1.append(m.nc1)
      ratio.append(m.withinBetween)
      onc2.append(m.onc2)
      ordered.append(m.orderedFraction)
      if let dist = m.midpointDistance { midpoint.append(dist) } else { hasMidpoint = false }
      means += m.classMeanLatents.elements
      thresholds += eval.thresholds[1..<q]
      if snapshotSet.contains(epoch) {
        projections.append(try project(eval.features, w))
      }
      if epoch < e {
        let rate = p.learningRate
        eval.gradient.withUnsafeBufferPointer { g in
          network.parameters.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count { w[i] -= rate * g[i] }
          }
        }
      }
      last = eval
      progress.report(epoch, of: e)
    }
    let final = last!
    return TrainingResult(
      epochs: Vector((0...e).map(Double.init)), objective: Vector(objective),
      dataLoss: Vector(dataLoss), accuracy: Vector(accuracy), nc1: Vector(nc1),
      withinBetween: Vector(ratio), onc2: Vector(onc2), orderedFraction: Vector(ordered),
      midpointDistance: hasMidpoint ? Vector(midpoint) : nil,
      classMeanLatents: try Matrix(rows: e + 1, cols: q, elements: means),
      thresholds: try Matrix(rows: e + 1, cols: q - 1, elements: thresholds),
      features: final.features, latents: final.latents, weights: network.head,
      snapshotEpochs: p.snapshots.sorted(), projections: projections)
  }

  /// The fraction of i with b_{yᵢ} < zᵢ ≤ b_{yᵢ+1}, outer intervals extended to ±∞.
  static func classAccuracy(_ z: Vector, _ labels: [Int], _ b: [Double]) -> Double {
    let q = b.count - 1
    var hits = 0
    for (i, y) in labels.enumerated() {
      var predicted = 0
      for j in 1..<q where z[i] > b[j] { predicted += 1 }
      if predicted == y { hits += 1 }
    }
    return Double(hits) / Double(labels.count)
  }

  /// Features centred at their mean, projected on ŵ and on the leading eigenvector of
  /// (I − ŵŵᵀ) Σ (I − ŵŵᵀ), Σ the feature covariance (N × 2).
  static func project(_ features: Matrix, _ w: Vector) throws -> Matrix {
    let (n, d) = (features.rows, features.cols)
    let norm = w.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let u = w.elements.map { $0 / norm }
    var mean = [Double](repeating: 0, count: d)
    for i in 0..<n { for j in 0..<d { mean[j] += features.elements[i * d + j] / Double(n) } }
    var residual = [Double](repeating: 0, count: n * d)
    var along = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var s = 0.0
      for j in 0..<d { s += (features.elements[i * d + j] - mean[j]) * u[j] }
      along[i] = s
      for j in 0..<d { residual[i * d + j] = features.elements[i * d + j] - mean[j] - s * u[j] }
    }
    var second = [Double](repeating: 0, count: n)
    if d > 1 {
      let r = try Matrix(rows: n, cols: d, elements: residual)
      var cov = try BLAS.gemm(r, r, transA: true, alpha: 1 / Double(n))
      for a in 0..<d {
        for c in (a + 1)..<d {
          let s = 0.5 * (cov[a, c] + cov[c, a])
          cov[a, c] = s
          cov[c, a] = s
        }
      }
      let (_, vectors) = try LinearAlgebra.eigh(cov)
      for i in 0..<n {
        var s = 0.0
        for j in 0..<d { s += residual[i * d + j] * vectors[j, d - 1] }
        second[i] = s
      }
    }
    var out = [Double](repeating: 0, count: 2 * n)
    for i in 0..<n {
      out[2 * i] = along[i]
      out[2 * i + 1] = second[i]
    }
    return try Matrix(rows: n, cols: 2, elements: out)
  }
}
