import Foundation
import Numerics
import Testing

@testable import OrdinalCollapse

/// Direct optimisation of the unconstrained feature model against the equations of state.
@Suite struct UFMTests {
  /// Balanced and imbalanced classes at the spec's reference thresholds and a probit loss
  /// with infinite outer thresholds: the class-mean latents and |w| of the L-BFGS optimum
  /// agree with `solveState` to 1e-5, the features have collapsed (NC1 and
  /// tr Σ_W/tr Σ_B below 1e-10, ONC2 = 1 to 1e-10) and the latents are ordered.
  @Test(arguments: [
    (ONC.Link.logit, [-10.0, -8, 3, 10], [6, 6, 6], 0.3),
    (ONC.Link.logit, [-10.0, -8, 3, 10], [9, 3, 6], 0.2),
    (ONC.Link.probit, [-Double.infinity, -1, 1, Double.infinity], [5, 7, 6], 0.5),
  ])
  func optimumMatchesEquationsOfState(
    link: ONC.Link, thresholds: [Double], counts: [Int], lambdaW: Double
  ) throws {
    let loss = try ONC.CumulativeLink(link: link, thresholds: thresholds)
    let p = try ONC.UFMParameters(
      loss: loss, classCounts: counts, dimension: 4, lambdaH: 1, lambdaW: lambdaW,
      restarts: 2, seed: 7)
    let r = try ONC.optimizeUFM(p)
    let theory = try ONC.solveState(try p.model, lambdaH: 1, lambdaW: lambdaW)
    #expect(theory.collapsed)
    for k in 0..<3 {
      #expect(
        abs(r.classMeanLatents[k] - theory.latents[k]) < 1e-5,
        "z_\(k): ufm \(r.classMeanLatents[k]) theory \(theory.latents[k])")
    }
    #expect(
      abs(r.weightNorm - theory.weightNorm) < 1e-5, "|w| \(r.weightNorm) vs \(theory.weightNorm)")
    #expect(abs(r.objective - theory.objective) < 1e-9)
    let m = try #require(r.metrics)
    #expect(m.withinBetween < 1e-10)
    #expect(m.nc1 < 1e-10)
    #expect(abs(m.onc2 - 1) < 1e-10)
    #expect(m.orderedFraction == 1)
    #expect(m.betweenRank == 1)
  }

  /// Above λ_w,c = C/λ_h the optimum is trivial: |w| and every |hᵢ| below 1e-6, the
  /// objective Σ_k π_k ℓ(0; k) to 1e-10, and no collapse metrics.
  @Test func trivialOptimumAboveTransition() throws {
    let loss = try ONC.CumulativeLink(link: .logit, thresholds: [-10, -8, 3, 10])
    let p = try ONC.UFMParameters(
      loss: loss, classCounts: [6, 6, 6], dimension: 4, lambdaH: 1, lambdaW: 0.9, restarts: 2)
    let r = try ONC.optimizeUFM(p)
    #expect(r.weightNorm < 1e-6)
    #expect(r.features.elements.allSatisfy { abs($0) < 1e-6 })
    let theory = try ONC.solveState(try p.model, lambdaH: 1, lambdaW: 0.9)
    #expect(!theory.collapsed)
    #expect(abs(r.objective - theory.objective) < 1e-10)
    #expect(r.metrics == nil)
  }

  /// The UFM gradient against central differences (step 1e-6, relative 1e-6).
  @Test func gradientMatchesFiniteDifferences() throws {
    let loss = try ONC.CumulativeLink(link: .cloglog, thresholds: [-.infinity, -1, 0.5, 2])
    let labels = [0, 1, 2, 2, 1]
    let d = 3
    var rng = RandomGenerator(seed: 3)
    let x = Vector((0..<(labels.count * d + d)).map { _ in rng.normal() })
    let (_, g) = ONC.ufmObjective(x, loss, labels, d: d, lambdaH: 0.7, lambdaW: 0.2)
    let h = 1e-6
    for i in 0..<x.count {
      var xp = x
      var xm = x
      xp[i] += h
      xm[i] -= h
      let fp = ONC.ufmObjective(xp, loss, labels, d: d, lambdaH: 0.7, lambdaW: 0.2).value
      let fm = ONC.ufmObjective(xm, loss, labels, d: d, lambdaH: 0.7, lambdaW: 0.2).value
      let fd = (fp - fm) / (2 * h)
      #expect(abs(fd - g[i]) < 1e-6 * max(1, abs(g[i])), "component \(i)")
    }
  }
}
