import Foundation
import Numerics
import Testing

@testable import OrdinalCollapse

/// The equations of state against the spec's reference points and their own limits.
@Suite struct TheoryTests {
  static func referenceModel() throws -> ONC.Model {
    ONC.Model(loss: try ONC.CumulativeLink(link: .logit, thresholds: [-10, -8, 3, 10]))
  }

  /// C = 0.636256 and λ_w,c = 0.63626 at λ_h = 1 (spec, to the digits given).
  @Test func criticalConstantAtReference() throws {
    let model = try Self.referenceModel()
    #expect(abs(model.criticalConstant - 0.636256) < 5e-7)
    #expect(abs(try model.criticalLambdaW(lambdaH: 1) - 0.63626) < 5e-6)
    #expect(abs(try model.criticalLambdaW(lambdaH: 2) - 0.636256 / 2) < 5e-7)
  }

  /// λ_h = 1, λ_w = 0.3: z* = (−6.17593, −0.26689, 3.23640), |w*| = 2.71203 (spec, 5e-6),
  /// and the solution satisfies both equations of state to 1e-10.
  @Test func stateAtReference() throws {
    let model = try Self.referenceModel()
    let s = try ONC.solveState(model, lambdaH: 1, lambdaW: 0.3)
    #expect(s.collapsed)
    let expected = [-6.17593, -0.26689, 3.23640]
    for k in 0..<3 { #expect(abs(s.latents[k] - expected[k]) < 5e-6, "z_\(k) = \(s.latents[k])") }
    #expect(abs(s.weightNorm - 2.71203) < 5e-6, "|w| = \(s.weightNorm)")
    let norm2 = s.weightNorm * s.weightNorm
    var z2 = 0.0
    for k in 0..<3 {
      let z = s.latents[k]
      #expect(abs(z + norm2 * (try model.loss.derivative(z, class: k))) < 1e-10)
      z2 += z * z / 3
    }
    #expect(abs(norm2 * norm2 - z2 / 0.3) < 1e-10 * norm2 * norm2)
  }

  /// The latents depend on (λ_h, λ_w) only through κ, and |w*| scales as (λ_h/λ_w)^{1/4}
  /// at fixed κ (relative 1e-9).
  @Test func dependsOnKappaOnly() throws {
    let model = try Self.referenceModel()
    let a = try ONC.solveState(model, lambdaH: 1, lambdaW: 0.3)
    let b = try ONC.solveState(model, lambdaH: 4, lambdaW: 0.075)
    for k in 0..<3 { #expect(abs(a.latents[k] - b.latents[k]) < 1e-9 * max(1, abs(a.latents[k]))) }
    #expect(abs(b.weightNorm / a.weightNorm - pow(16.0 / 1, 0.25)) < 1e-9)
  }

  /// Above λ_w,c the optimum is trivial; just below it the latents are small and tend to
  /// −ℓ′(0; k)·s/λ_h as λ_w ↑ λ_w,c.
  @Test func transition() throws {
    let model = try Self.referenceModel()
    let above = try ONC.solveState(model, lambdaH: 1, lambdaW: 0.7)
    #expect(!above.collapsed)
    #expect(above.weightNorm == 0)
    let below = try ONC.solveState(model, lambdaH: 1, lambdaW: 0.63)
    #expect(below.collapsed)
    #expect(below.weightNorm > 0 && below.weightNorm < 1)
    let scan = try ONC.scanState(
      model, lambdaH: [1], lambdaW: Vector.linspace(0.05, 0.9, count: 18))
    for i in 1..<18 where scan.collapsed[i] == 1 {
      #expect(scan.weightNorm[i] < scan.weightNorm[i - 1], "|w*| decreases with λ_w")
    }
    #expect(scan.collapsed.elements.filter { $0 == 1 }.count == 12)
  }

  /// As κ → 0 the latents tend to the loss minimisers (`limitLatents`), which are the
  /// midpoints (−9, −2.5, 6.5) for the symmetric links (to 1e-10). The approach is
  /// z_k − z_k^min ≈ −c z_k/ℓ″(z_k^min) with c = κ/Z: slow for a wide class under probit,
  /// whose ℓ″ at the midpoint is ~1e-6; at κ = 1e-10 every latent is within 1e-3.
  @Test func midpointLaw() throws {
    for link in ONC.Link.allCases {
      let model = ONC.Model(loss: try ONC.CumulativeLink(link: link, thresholds: [-10, -8, 3, 10]))
      let limit = try model.limitLatents()
      var previous = [Double](repeating: .infinity, count: 3)
      for kappa in [1e-2, 1e-4, 1e-6, 1e-8, 1e-10] {
        let s = try ONC.solveState(model, lambdaH: kappa, lambdaW: kappa)
        for k in 0..<3 {
          let gap = abs(s.latents[k] - limit[k])
          #expect(
            gap < previous[k] || gap < 1e-12, "\(link) k = \(k) κ = \(kappa): \(s.latents[k])")
          previous[k] = gap
        }
      }
      for k in 0..<3 {
        #expect(previous[k] < 1e-3, "\(link) k = \(k)")
        if link != .cloglog { #expect(abs(limit[k] - [-9, -2.5, 6.5][k]) < 1e-10) }
      }
    }
  }

  /// With infinite outer thresholds the outer latents diverge like log(1/κ): z_0(κ) −
  /// z_0(κ/10) → log 10 up to log-log corrections (logit: within 0.5 at κ = 1e-6).
  @Test func infiniteThresholdsDiverge() throws {
    let model = ONC.Model(
      loss: try ONC.CumulativeLink(link: .logit, thresholds: [-.infinity, -1, 1, .infinity]))
    let a = try ONC.solveState(model, lambdaH: 1e-6, lambdaW: 1e-6)
    let b = try ONC.solveState(model, lambdaH: 1e-7, lambdaW: 1e-7)
    #expect(abs((a.latents[0] - b.latents[0]) - log(10)) < 0.5, "\(a.latents[0]), \(b.latents[0])")
    #expect(abs(a.latents[1]) < 1e-9)
    #expect(abs(a.latents[0] + a.latents[2]) < 1e-8 * abs(a.latents[0]))
  }
}
