import Foundation
import Language
import Library
import Numerics
import RecurrentSelfAttention
import Testing

/// The `rsa` module, called through the language and checked against the Swift core.
@Suite struct RecurrentSelfAttentionBindingTests {
  func evaluate(_ code: String) throws -> Value {
    try libraryInterpreter(OutputSink()).evaluate(code)
  }

  func field(_ v: Value, _ name: String) throws -> Value {
    guard case .record(let r) = v, let f = r[name] else {
      throw LanguageError(.type, "expected a record with field '\(name)'")
    }
    return f
  }

  func vector(_ v: Value) throws -> Vector {
    guard case .vector(let x) = v else { throw LanguageError(.type, "expected a vector") }
    return x
  }

  func number(_ v: Value) throws -> Double {
    guard case .number(let x) = v else { throw LanguageError(.type, "expected a number") }
    return x
  }

  func maxDifference(_ a: Vector, _ b: Vector) -> Double {
    #expect(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
  }

  /// The same parameters rebuild the same weights, so the language's trajectory, spectrum
  /// and exponents equal the core's (same code path: agreement to rounding, 1e-12).
  @Test func modelCallsAgreeWithTheCore() throws {
    let (model, x0) = try RSA.IteratedAttention.random(
      tokens: 4, dModel: 8, heads: 2, scale: 1.5, variant: .rmsNorm, eta: 0.8, seed: 3)
    let interp = libraryInterpreter(OutputSink())
    _ = try interp.evaluate(
      "m = rsa.model(variant=\"rmsnorm\", n=4, d=8, heads=2, scale=1.5, eta=0.8, seed=3)")

    let traj = try interp.evaluate("rsa.trajectory(m, steps=20)")
    let core = try model.trajectory(from: x0, steps: 20)
    #expect(maxDifference(try vector(field(traj, "norm")), core.norms) < 1e-12)
    #expect(maxDifference(try vector(field(traj, "energy")), core.pseudoEnergy) < 1e-12)
    // RMSNorm with γ = 1: every token has mean square 1 up to ε, so ‖X‖_F = √(nd).
    #expect(abs(core.norms[20] - 32.0.squareRoot()) < 1e-6)

    let eig = try interp.evaluate("rsa.eig(m, rsa.trajectory(m, steps=20).final)")
    let spectrum = try model.spectrum(at: core.final)
    #expect(abs(try number(field(eig, "rho")) - spectrum.spectralRadius) < 1e-12)
    #expect(try vector(field(eig, "re")).count == 32)
    #expect(try vector(field(eig, "im")).count == 32)

    let lyap = try interp.evaluate("rsa.lyapunov(m, k=2, steps=50, burnin=10, seed=4)")
    let exps = try model.lyapunov(from: x0, count: 2, steps: 50, burnIn: 10, seed: 4)
    #expect(maxDifference(try vector(field(lyap, "exponents")), exps.exponents) < 1e-12)

    guard case .matrix(let stepped) = try interp.evaluate("rsa.step(m, m.x0)") else {
      Issue.record("rsa.step did not return a matrix")
      return
    }
    #expect(maxDifference(Vector(stepped.elements), Vector(try model.step(x0).elements)) < 1e-12)
  }

  /// A contracting normalised model (small weights) has a stable fixed point; its
  /// residual is below the tolerance and ρ < 1 agrees with `stable`.
  @Test func fixedPointIsStableForSmallWeights() throws {
    let r = try evaluate(
      """
      m = rsa.model(variant="rmsnorm", n=4, d=8, heads=2, scale=0.5, seed=1)
      rsa.fixed_point(m, rsa.trajectory(m, steps=60).final)
      """)
    #expect(try number(field(r, "residual")) <= 1e-10)
    #expect(try number(field(r, "rho")) < 1)
    guard case .bool(let stable) = try field(r, "stable") else {
      Issue.record("stable is not a bool")
      return
    }
    #expect(stable)
  }

  /// The sweep through the language equals the core's sweep with the same parameters.
  @Test func lyapunovSweepAgreesWithTheCore() throws {
    let r = try evaluate(
      "rsa.lyapunov_sweep(\"sphere\", [0.5, 2], eta=[1], n=3, d=4, heads=2, k=2, steps=40, burnin=10, samples=2, seed=5, threads=1)"
    )
    let core = try RSA.lyapunovSweep(
      try RSA.LyapunovSweepParameters(
        variant: .sphere, scales: [0.5, 2], etas: [1], tokens: 3, dModel: 4, heads: 2,
        exponents: 2, steps: 40, burnIn: 10, samples: 2, seed: 5, workers: 1))
    guard case .matrix(let lambda) = try field(r, "lambda_max") else {
      Issue.record("lambda_max is not a matrix")
      return
    }
    #expect(maxDifference(Vector(lambda.elements), Vector(core.lambdaMax.elements)) < 1e-12)
  }

  /// The theory curve for Lorentzian frequencies is the Ott–Antonsen r∞ = √(1 − 2γ/K)
  /// (Ott & Antonsen 2008, eq. 14), K_c = 2γ; the solver's tolerance is 1e-12.
  @Test func kuramotoTheoryIsOttAntonsen() throws {
    let r = try evaluate("rsa.kuramoto_theory([0.5, 1.5, 3], width=0.5)")
    let theory = try vector(field(r, "r"))
    #expect(theory[0] == 0)
    #expect(abs(theory[1] - (1 - 1 / 1.5).squareRoot()) < 1e-9)
    #expect(abs(theory[2] - (1 - 1 / 3.0).squareRoot()) < 1e-9)
    #expect(abs(try number(field(r, "Kc")) - 1) < 1e-12)
  }

  /// Above K_c a small population locks; its time-averaged r is within finite-size
  /// fluctuations (a few 1/√M) of the theory.
  @Test func kuramotoSimulationApproachesTheory() throws {
    let r = try evaluate("rsa.kuramoto(3, M=400, time=30, dt=0.05, seed=2)")
    let simulated = try number(field(r, "r_inf"))
    let theory = try number(field(r, "theory"))
    #expect(abs(simulated - theory) < 0.1)
  }

  @Test func badInputIsAClearError() throws {
    let interp = libraryInterpreter(OutputSink())
    func message(_ code: String) -> String {
      do {
        _ = try interp.evaluate(code)
        return "no error"
      } catch {
        return error.message
      }
    }
    #expect(message("rsa.model(variant=\"layernorm\")").contains("\"rmsnorm\""))
    #expect(message("rsa.model(d=10, heads=4)").contains("divisible"))
    #expect(message("rsa.eig([1, 2; 3, 4])").contains("rsa model"))
    #expect(message("rsa.step(rsa.model(n=4, d=8, heads=2), zeros(3, 8))").contains("4×8"))
    #expect(message("rsa.lyapunov(rsa.model(n=2, d=4, heads=2), k=9)").contains("count ≤ 8"))
    #expect(message("rsa.kuramoto(1, dist=\"uniform\")").contains("\"lorentzian\""))
    #expect(message("rsa.kuramoto_theory([1], width=-1)").contains("width"))
    #expect(message("rsa.lyapunov_sweep(\"rmsnorm\", [-1])").contains("scales"))
    #expect(message("rsa.retrieval(flip=0.7)").contains("cueFlip"))
    #expect(message("rsa.model(seed=-1)").contains("seed"))
  }

  @Test func helpIsGeneratedFromTheDeclarations() throws {
    let out = OutputSink()
    let interp = libraryInterpreter(out)
    try interp.run("help(rsa.lyapunov)")
    #expect(out.text.contains("Benettin"))
    #expect(out.text.contains("exponents"))
    let m = try interp.evaluate("m = rsa.model(variant=\"preln\", seed=2); m.variant")
    guard case .string(let name) = m else {
      Issue.record("m.variant is not a string")
      return
    }
    #expect(name == "preln")
  }
}
