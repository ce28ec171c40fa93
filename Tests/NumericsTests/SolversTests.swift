import Foundation
import Testing

@testable import Numerics

@Suite struct SolversTests {
  /// The Dottie number, the root of cos x = x (OEIS A003957: 0.7390851332151606416…).
  let dottie = 0.7390851332151607

  @Test func brentFindsDottieNumber() throws {
    let x = try Solvers.brent({ cos($0) - $0 }, bracket: 0, 1)
    #expect(abs(x - dottie) < 1e-12)
    let y = try Solvers.brent({ $0 * $0 - 2 }, bracket: 2, 0)
    #expect(abs(y - 2.0.squareRoot()) < 1e-12)
    #expect(try Solvers.brent({ $0 - 1 }, bracket: 1, 3) == 1)
  }

  @Test func brentRejectsNonBracket() {
    #expect {
      try Solvers.brent({ $0 * $0 + 1 }, bracket: -1, 1)
    } throws: { error in
      guard case .invalidArgument(let op, let message) = error as? NumericsError else {
        return false
      }
      return op == "brent" && message.contains("opposite signs")
    }
    #expect(throws: NumericsError.nonFinite(operation: "brent")) {
      try Solvers.brent({ _ in .nan }, bracket: -1, 1)
    }
  }

  @Test func brentStopsAtIterationCap() {
    #expect(throws: NumericsError.noConvergence(operation: "brent", iterations: 2)) {
      try Solvers.brent({ cos($0) - $0 }, bracket: 0, 1, maxIterations: 2)
    }
  }

  @Test func fixedPointOfCosine() throws {
    let r = try Solvers.fixedPoint({ $0.map(cos) }, start: [0])
    #expect(r.converged && abs(r.x[0] - dottie) < 1e-9 && r.residual <= 1e-10)
    // Damping 0.5 gives the map slope 0.5·(−sin x*) + 0.5 ≈ −0.09 instead of −0.67.
    let d = try Solvers.fixedPoint({ $0.map(cos) }, start: [0], damping: 0.5)
    #expect(d.converged && abs(d.x[0] - dottie) < 1e-9 && d.iterations < r.iterations)
  }

  @Test func dampingRescuesAnUnstableMap() throws {
    // g(x) = 3 − 2x has fixed point 1 and slope −2: undamped it diverges (to a
    // non-finite iterate); damping 0.7 gives slope 0.3·(−2) + 0.7 = 0.1.
    #expect(throws: NumericsError.nonFinite(operation: "fixedPoint")) {
      try Solvers.fixedPoint({ $0.map { 3 - 2 * $0 } }, start: [0])
    }
    let r = try Solvers.fixedPoint({ $0.map { 3 - 2 * $0 } }, start: [0], damping: 0.7)
    #expect(r.converged && abs(r.x[0] - 1) < 1e-9)
  }

  @Test func nonConvergingMapStopsAtCap() throws {
    let r = try Solvers.fixedPoint({ $0.map { -$0 } }, start: [1, 2], maxIterations: 50)
    #expect(!r.converged && r.iterations == 50 && abs(r.residual - 4) < 1e-15)
    #expect(throws: NumericsError.shapeMismatch(operation: "fixedPoint", lhs: [2], rhs: [3])) {
      try Solvers.fixedPoint({ _ in [1, 2, 3] }, start: [1, 2])
    }
    #expect(throws: NumericsError.self) {
      try Solvers.fixedPoint({ $0 }, start: [1], damping: 1)
    }
  }

  /// The extended Rosenbrock function (Moré, Garbow & Hillstrom, ACM TOMS 7, 1981,
  /// problem 21): Σᵢ 100(x₂ᵢ − x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)², minimum 0 at (1, …, 1),
  /// standard start (−1.2, 1, −1.2, 1, …).
  func rosenbrock(_ x: Vector) -> (value: Double, gradient: Vector) {
    var f = 0.0
    var g = Vector(count: x.count)
    for i in stride(from: 0, to: x.count, by: 2) {
      let t = x[i + 1] - x[i] * x[i]
      let u = 1 - x[i]
      f += 100 * t * t + u * u
      g[i] = -400 * x[i] * t - 2 * u
      g[i + 1] = 200 * t
    }
    return (f, g)
  }

  @Test(arguments: [2, 10])
  func lbfgsSolvesRosenbrock(dimension: Int) throws {
    let start = Vector((0..<dimension).map { $0 % 2 == 0 ? -1.2 : 1 })
    let r = try Solvers.lbfgs(rosenbrock, start: start)
    #expect(r.converged && r.gradientNorm <= 1e-8)
    #expect(r.x.allSatisfy { abs($0 - 1) < 1e-6 })
    #expect(r.value < 1e-12)
  }

  /// f = ½xᵀAx − bᵀx with A = [[4,1,0],[1,3,1],[0,1,2]], b = (1,2,3): x* = A⁻¹b =
  /// (2/9, 1/9, 13/9) and f* = −½bᵀx* = −43/18 (exact rational arithmetic).
  @Test func lbfgsQuadratic() throws {
    let a = try Matrix(rowsOf: [[4, 1, 0], [1, 3, 1], [0, 1, 2]])
    let b: Vector = [1, 2, 3]
    let r = try Solvers.lbfgs(
      { x in
        var ax = Vector(count: 3)
        for i in 0..<3 { for j in 0..<3 { ax[i] += a[i, j] * x[j] } }
        var f = 0.0
        for i in 0..<3 { f += 0.5 * x[i] * ax[i] - b[i] * x[i] }
        return (f, Vector((0..<3).map { ax[$0] - b[$0] }))
      }, start: [0, 0, 0])
    #expect(r.converged)
    let expected = [2.0 / 9, 1.0 / 9, 13.0 / 9]
    for i in 0..<3 { #expect(abs(r.x[i] - expected[i]) < 1e-8) }
    #expect(abs(r.value + 43.0 / 18) < 1e-14)
  }

  @Test func lbfgsLimitsAndErrors() throws {
    let r = try Solvers.lbfgs(rosenbrock, start: [-1.2, 1], maxIterations: 2)
    #expect(!r.converged && r.iterations == 2)
    #expect(throws: NumericsError.shapeMismatch(operation: "lbfgs", lhs: [2], rhs: [1])) {
      try Solvers.lbfgs({ _ in (0, [1]) }, start: [0, 0])
    }
    #expect(throws: NumericsError.nonFinite(operation: "lbfgs")) {
      try Solvers.lbfgs({ x in (.nan, x) }, start: [1])
    }
    #expect(throws: NumericsError.cancelled) {
      try Solvers.lbfgs(rosenbrock, start: [-1.2, 1], cancellation: Cancellation { true })
    }
  }
}
