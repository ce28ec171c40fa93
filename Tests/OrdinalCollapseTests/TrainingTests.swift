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
