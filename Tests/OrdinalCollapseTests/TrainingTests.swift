import Foundation
import Numerics
import Testing

@testable import OrdinalCollapse

/// The MLP with a CLM head: hand-derived gradients and the training loop.
@Suite struct TrainingTests {
  /// Backpropagated gradients against central differences (step 1e-6; relative 1e-6) for
  /// both activations, fixed finite thresholds and learnable thresholds, two hidden layers.
  @Test(arguments: [
    (ONC.Activation.tanh, ONC.Link.logit, [-3.0, -1, 1, 3], false),
    (
      ONC.Activation.tanh, ONC.Link.probit, [-Double.infinity, -0.5, 0.2, 1, Double.infinity], true
    ),
    (ONC.Activation.relu, ONC.Link.cloglog, [-Double.infinity, -0.3, 0.8, Double.infinity], true),
  ])
  func gradientMatchesFiniteDifferences(
    activation: ONC.Activation, link: ONC.Link, thresholds: [Double], learn: Bool
  ) throws {
    let q = thresholds.count - 1
    let data = try ONC.syntheticData(samples: 12, inputs: 3, classes: q, noise: 0.3, seed: 5)
    var rng = RandomGenerator(seed: 11)
    var net = ONC.Network(
      inputs: 3, hidden: [5, 4], activation: activation, link: link, thresholds: thresholds,
      learnThresholds: learn, rng: &rng)
    for i in net.biasOffsets[0]..<(net.biasOffsets[0] + 5) {
      net.parameters[i] = 0.1 * rng.normal()
    }
    let decay = 0.03
    let g = try net.evaluate(data, weightDecay: decay).gradient
    let h = 1e-6
    for i in 0..<net.parameters.count {
      var plus = net
      var minus = net
      plus.parameters[i] += h
      minus.parameters[i] -= h
      let fd =
        (try plus.evaluate(data, weightDecay: decay).objective
          - minus.evaluate(data, weightDecay: decay).objective) / (2 * h)
      #expect(abs(fd - g[i]) < 1e-6 * max(1, abs(g[i])), "parameter \(i): fd \(fd) vs \(g[i])")
    }
  }

  /// The evaluation over row parts on separate threads (`Network.Workspace`, two halves
  /// from `splitRows` rows on): the same objective and gradient as one part up to
  /// summation order (relative 1e-12), bit-identical on one or two threads, and the
  /// gradient of the split evaluation against central differences (relative 1e-6).
  @Test func rowPartsAgreeAndDoNotDependOnThreads() throws {
    let data = try ONC.syntheticData(samples: 301, inputs: 5, classes: 4, noise: 0.3, seed: 8)
    var rng = RandomGenerator(seed: 3)
    let net = ONC.Network(
      inputs: 5, hidden: [24, 9], activation: .relu, link: .logit,
      thresholds: [-.infinity, -1, 0.5, 2, .infinity], learnThresholds: true, rng: &rng)
    let decay = 0.01
    let whole = try net.evaluate(
      data, weightDecay: decay, workspace: ONC.Network.Workspace(net, data, parts: 1))
    let one = try net.evaluate(
      data, weightDecay: decay, workspace: ONC.Network.Workspace(net, data, parts: 2, workers: 1))
    let two = try net.evaluate(
      data, weightDecay: decay, workspace: ONC.Network.Workspace(net, data, parts: 2, workers: 2))
    let automatic = try net.evaluate(data, weightDecay: decay)
    #expect(try ONC.Network.Workspace(net, data).parts.count == 2)
    #expect(one.objective == two.objective && one.gradient == two.gradient)
    #expect(one.latents.elements == two.latents.elements)
    #expect(automatic.objective == two.objective && automatic.gradient == two.gradient)
    #expect(abs(whole.objective - two.objective) <= 1e-12 * abs(whole.objective))
    let scale = whole.gradient.map(abs).max()!
    for i in 0..<whole.gradient.count {
      #expect(abs(whole.gradient[i] - two.gradient[i]) <= 1e-12 * scale, "parameter \(i)")
    }
    let featureScale = whole.features.elements.map(abs).max()!
    for (a, b) in zip(whole.features.elements, two.features.elements) {
      #expect(abs(a - b) <= 1e-13 * featureScale)
    }
    let h = 1e-6
    for i in stride(from: 0, to: net.parameters.count, by: 7) {
      var plus = net
      var minus = net
      plus.parameters[i] += h
      minus.parameters[i] -= h
      let fd =
        (try plus.evaluate(data, weightDecay: decay).objective
          - minus.evaluate(data, weightDecay: decay).objective) / (2 * h)
      #expect(
        abs(fd - two.gradient[i]) < 1e-6 * max(1, abs(two.gradient[i])),
        "parameter \(i): fd \(fd) vs \(two.gradient[i])")
    }
  }

  /// The collapse metrics against a direct evaluation: Σ_W and Σ_B formed entry by entry,
  /// Σ_B⁺ from its eigendecomposition, NC1 = tr(Σ_W Σ_B⁺)/Q, tr Σ_W/tr Σ_B and
  /// ŵᵀΣ_B ŵ/tr Σ_B (relative 1e-10), on random features with Q = 4 classes in d = 6
  /// (Σ_B of rank 3, so the pseudo-inverse drops three directions).
  @Test func collapseMetricsMatchDirectFormulas() throws {
    let (n, d, q) = (48, 6, 4)
    var rng = RandomGenerator(seed: 21)
    let labels = (0..<n).map { $0 % q }
    let features = try Matrix(
      rows: n, cols: d, elements: (0..<(n * d)).map { i in rng.normal() + Double(labels[i / d]) })
    let w = Vector((0..<d).map { _ in rng.normal() })
    let b = [-Double.infinity, -1, 0, 2, .infinity]
    let m = try #require(
      try ONC.collapseMetrics(features: features, labels: labels, weights: w, thresholds: b))
    var means = [[Double]](repeating: [Double](repeating: 0, count: d), count: q)
    var global = [Double](repeating: 0, count: d)
    for i in 0..<n {
      for j in 0..<d {
        means[labels[i]][j] += features[i, j] / Double(n / q)
        global[j] += features[i, j] / Double(n)
      }
    }
    var sw = Matrix(rows: d, cols: d)
    var sb = Matrix(rows: d, cols: d)
    for a in 0..<d {
      for c in 0..<d {
        for i in 0..<n {
          let mu = means[labels[i]]
          sw[a, c] += (features[i, a] - mu[a]) * (features[i, c] - mu[c]) / Double(n)
        }
        for k in 0..<q { sb[a, c] += (means[k][a] - global[a]) * (means[k][c] - global[c]) / 4 }
      }
    }
    let (values, vectors) = try LinearAlgebra.eigh(sb)
    var nc1 = 0.0
    var rank = 0
    for k in 0..<d where values[k] > 1e-6 * values[d - 1] {
      rank += 1
      for a in 0..<d {
        for c in 0..<d { nc1 += sw[a, c] * vectors[c, k] * vectors[a, k] / values[k] }
      }
    }
    nc1 /= Double(q)
    var (trW, trB, along, w2) = (0.0, 0.0, 0.0, 0.0)
    for a in 0..<d {
      trW += sw[a, a]
      trB += sb[a, a]
      w2 += w[a] * w[a]
      for c in 0..<d { along += w[a] * sb[a, c] * w[c] }
    }
    #expect(rank == 3 && m.betweenRank == 3)
    #expect(abs(m.nc1 - nc1) <= 1e-10 * nc1)
    #expect(abs(m.withinBetween - trW / trB) <= 1e-10 * trW / trB)
    #expect(abs(m.onc2 - along / (w2 * trB)) <= 1e-10)
  }

  /// A short run lowers the objective, keeps learned thresholds ordered, records one entry
  /// per epoch and the requested projections.
  @Test func trainingDecreasesObjective() throws {
    let data = try ONC.syntheticData(samples: 60, inputs: 4, classes: 3, noise: 0.2, seed: 2)
    let p = try ONC.TrainingParameters(
      hidden: [16, 8], thresholds: [-.infinity, -1, 1, .infinity], learnThresholds: true,
      weightDecay: 1e-3, learningRate: 0.2, epochs: 60, snapshots: [0, 60])
    let r = try ONC.train(data, p)
    #expect(r.epochs.count == 61)
    #expect(r.objective[60] < r.objective[0])
    #expect(r.accuracy[60] > 0.6)
    for e in 0...60 { #expect(r.thresholds[e, 0] < r.thresholds[e, 1]) }
    #expect(r.projections.count == 2 && r.projections[1].rows == 60 && r.projections[1].cols == 2)
  }

  /// Learnable thresholds need infinite outer thresholds; mismatched classes are rejected.
  @Test func rejectsBadSettings() throws {
    #expect(throws: NumericsError.self) {
      try ONC.TrainingParameters(
        hidden: [4], thresholds: [-5, 0, 5], learnThresholds: true, epochs: 1)
    }
    let data = try ONC.syntheticData(samples: 20, inputs: 2, classes: 4, noise: 0, seed: 1)
    let p = try ONC.TrainingParameters(hidden: [4], thresholds: [-5, 0, 5], epochs: 1)
    #expect(throws: NumericsError.self) { try ONC.train(data, p) }
  }
}
