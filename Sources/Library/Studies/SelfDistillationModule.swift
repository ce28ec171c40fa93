import Language
import Numerics
import SelfDistillation

/// The `sd` module: the denoising effect of multi-stage self-distillation.
///
/// Takanami, Takahashi & Sakata, "The Effect of Optimal Self-Distillation in Noisy
/// Gaussian Mixture Model", NeurIPS 2025 (arXiv 2501.16226); equations as written out in
/// ../shared/design/studies/self-distillation.md and checked in this repository against
/// the closed-form limits, the authors' cross-check values and the module's own
/// simulation.
enum SelfDistillationModule {
  static let paper =
    "Takanami, Takahashi & Sakata, The Effect of Optimal Self-Distillation in Noisy Gaussian Mixture Model, NeurIPS 2025 (arXiv 2501.16226)"
  static let model =
    "x = s·v/√N + √Δ·g, exactly round(ρM) points of class +1, labels flipped with probability θ; student a(x) = w·x/√N + B trained with ridge λ_t; stage t ≥ 2 relabels the same inputs with σ(β·a) (square loss: (β·a + 1)/2; β = inf: hard labels 1{a > 0}). ε = ρ H((m+b)/√(ΔQ)) + (1−ρ) H((m−b)/√(ΔQ))."

  static func make() -> Module {
    let m = "sd"
    let alpha = ParameterSpec.required("alpha", .number, unit: "M / N", "sample ratio α")
    let lambdas = ParameterSpec.required(
      "lambdas", .vector, "ridge λ_t of every stage (T = its length)")
    let betas = ParameterSpec.optional(
      "betas", .vector, default: .vector(Vector([])),
      "teacher inverse temperatures β_1…β_{T−1} (inf: hard labels)")
    let modelParameters: [ParameterSpec] = [
      .optional("rho", .number, default: .number(0.5), "fraction ρ of class +1"),
      .optional("Delta", .number, default: .number(0.5), "input noise variance Δ"),
      .optional("theta", .number, default: .number(0.3), "label-flip probability θ"),
      .optional(
        "loss", .string, default: .string("ce"), "\"ce\" (cross-entropy) or \"square\""),
      .optional(
        "bias", .string, default: .string("learned"),
        "\"learned\", \"fixed\" (stages ≥ 2 keep stage 1's bias) or \"value\" (bias_value)"),
      .optional("bias_value", .number, default: .number(0), "the bias when bias = \"value\""),
    ]
    let theoryParameters: [ParameterSpec] = [
      .optional(
        "integration", .string, default: .string("auto"),
        "\"auto\" (Gauss–Hermite with nodes for soft labels and T ≤ 3, else Monte Carlo with samples), \"gh\" or \"mc\""
      ),
      .optional("nodes", .integer, default: .number(24), "Gauss–Hermite nodes per dimension"),
      .optional("samples", .integer, default: .number(200_000), "Monte Carlo points"),
      .optional("seed", .integer, default: .number(1), "Monte Carlo seed"),
      .optional(
        "chi", .string, default: .string("full"),
        "\"full\" χ_st recursion or the authors' \"truncated\" one"),
      .optional(
        "damping", .number, default: .number(0.2),
        "starting weight of the old iterate, [0, 1) (raised when the residual grows)"),
      .optional("tol", .number, default: .number(1e-9), "relative fixed-point tolerance"),
      .optional("max_iter", .integer, default: .number(5000), "iterations per stage"),
      .optional(
        "threads", .integer, default: .number(Double(SD.defaultThreads)),
        "worker threads (results do not depend on it)"),
    ]
    let theoryFields: [(String, String)] = [
      ("error", "test error ε_t of every stage"), ("m", "m_t = w·v/N"), ("b", "biases b_t"),
      ("Q", "Q_st = w_s·w_t/N"), ("chi", "χ_st (upper triangle)"), ("mhat", "m̂_t"),
      ("Qhat", "Q̂_st (upper triangle)"), ("chihat", "χ̂_st"),
      ("iterations", "fixed-point iterations per stage"),
      ("residuals", "last relative change per stage"), ("converged", "every stage converged"),
      ("shifts", "Cholesky pivot shifts per stage"),
      ("dampings", "damping each stage ended with (raised when the residual grew)"),
      ("integration", "the rule used"),
    ]

    let theory = Builtins.make(
      "theory", module: m, [alpha, lambdas, betas] + modelParameters + theoryParameters,
      summary: "replica theory of T-stage self-distillation: ε and order parameters per stage",
      returns: "record", returnFields: theoryFields,
      doc:
        "Stage by stage: prior side (m_t, Q_st, χ_st from the conjugates), channel side (proximal map over the four class/flip branches and ξ ∈ ℝᵗ, response terms Σ (χ_st/χ_ss) z_s), damped to a fixed point; earlier stages frozen per point. Gauss–Hermite fails for hard labels (discontinuous integrand): \"auto\" uses Monte Carlo there (≥ 2·10⁵ points advised; 10⁴ bias ε by about +0.002). \(model)",
      reference: "\(paper), §3 and App. B",
      example:
        "r = sd.theory(alpha=3, lambdas=[1.5, 0.5, 2], betas=[0.8, 1.2], rho=0.4, theta=0.2, nodes=12)"
    ) { ctx, a throws(LanguageError) in
      let p = try problem(ctx, a)
      let s = try theorySettings(ctx, a)
      let r = try Bind.run(ctx) {
        try SD.theory(
          p, settings: s, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "sd.theory"))
      }
      return theoryRecord(r)
    }

    let simulate = Builtins.make(
      "simulate", module: m,
      [
        .required("N", .integer, unit: "inputs", "input dimension N (M = round(αN) points)"),
        alpha, lambdas, betas,
      ] + modelParameters + [
        .optional("datasets", .integer, default: .number(20), "independent datasets"),
        .optional(
          "seed", .integer, default: .number(1),
          "seed (dataset r uses stream r: same seed = paired runs)"),
        .optional(
          "gtol", .number, default: .number(1e-5), "L-BFGS gradient tolerance (cross-entropy)"),
        .optional(
          "threads", .integer, default: .number(Double(SD.defaultThreads)),
          "worker threads (results do not depend on it)"),
      ],
      summary: "finite-N multi-stage self-distillation on noisy Gaussian-mixture data",
      returns: "record",
      returnFields: [
        ("error", "mean ε per stage over datasets"), ("se", "its standard error"),
        ("errors", "datasets × T matrix of ε"), ("m", "datasets × T matrix of m"),
        ("Q", "datasets × T matrix of Q"), ("b", "datasets × T matrix of B"),
        ("M", "points per dataset"), ("unconverged", "L-BFGS fits that missed gtol"),
      ],
      doc:
        "Cross-entropy by L-BFGS (warm-started from the previous stage), square loss by the ridge normal equations; ε of each stage from its learned (m, Q, B). \(model)",
      reference: "\(paper), §4 (N = 1000, 20 datasets)",
      example:
        "s = sd.simulate(N=200, alpha=3, lambdas=[1.5, 0.5], betas=[0.8], rho=0.4, theta=0.2, datasets=8)"
    ) { ctx, a throws(LanguageError) in
      let p = try problem(ctx, a)
      let s = try Bind.run(ctx) {
        try SD.SimulationSettings(
          dimension: try intArg(a, "N"), datasets: try intArg(a, "datasets"),
          seed: try Bind.seed(a), gradientTolerance: try a.number("gtol"),
          threads: try intArg(a, "threads"))
      }
      let r = try Bind.run(ctx) {
        try SD.simulate(
          p, settings: s, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "sd.simulate"))
      }
      return Bind.record([
        ("error", .vector(r.meanError)), ("se", .vector(r.standardError)),
        ("errors", .matrix(r.errors)), ("m", .matrix(r.m)), ("Q", .matrix(r.q)),
        ("b", .matrix(r.b)), ("M", .number(Double(r.samples))),
        ("unconverged", .number(Double(r.unconverged))),
      ])
    }

    let optimize = Builtins.make(
      "optimize", module: m,
      [alpha, lambdas, betas] + modelParameters + [
        .optional("lambda_min", .number, default: .number(1e-3), "lower bound on every λ_t"),
        .optional("lambda_max", .number, default: .number(300), "upper bound on every λ_t"),
        .optional("beta_min", .number, default: .number(0.05), "lower bound on finite β_t"),
        .optional("beta_max", .number, default: .number(50), "upper bound on finite β_t"),
        .optional(
          "optimize_betas", .bool, default: .bool(true), "also optimise the finite β_t"),
        .optional("sweeps", .integer, default: .number(3), "coordinate-descent cycles"),
        .optional(
          "search_tol", .number, default: .number(1e-3), "line-search width in ln(parameter)"),
      ] + theoryParameters,
      summary: "optimal k-stage SD: minimise the last stage's ε over λ_t (and β_t) within bounds",
      returns: "record",
      returnFields: [
        ("lambdas", "optimal λ_t"), ("betas", "optimal β_t (inf stays inf)"),
        ("error", "ε of the last stage at the optimum"), ("errors", "ε of every stage there"),
        ("evaluations", "theory solves"), ("failures", "solves scored ε = inf"),
        ("at_bounds", "parameters that ended at a bound (\"\" if none)"),
        ("theory", "the full theory record at the optimum"),
      ],
      doc:
        "Cyclic coordinate descent with golden-section searches in ln(parameter) over the whole bounds, starting from lambdas/betas, keeping the best point evaluated. Optimal k-SD is T = k + 1 stages. A parameter at a bound means the optimum may lie beyond it (at ρ = ½ the optimal single stage is λ → ∞).",
      reference: "\(paper), §4 (the authors search λ ∈ [10⁻³, 300] with NLopt Subplex)",
      example:
        "o = sd.optimize(alpha=2, lambdas=[1, 1], betas=[inf], loss=\"square\", nodes=12, samples=20000, sweeps=1)"
    ) { ctx, a throws(LanguageError) in
      let p = try problem(ctx, a)
      let t = try theorySettings(ctx, a)
      let o = try Bind.run(ctx) {
        try SD.OptimizationSettings(
          lambdaBounds: try a.number(
            "lambda_min")...max(
              try a.number("lambda_max"), try a.number("lambda_min")),
          betaBounds: try a.number(
            "beta_min")...max(
              try a.number("beta_max"), try a.number("beta_min")),
          optimizeBetas: try a.bool("optimize_betas"), sweeps: try intArg(a, "sweeps"),
          tolerance: try a.number("search_tol"))
      }
      let r = try Bind.run(ctx) {
        try SD.optimize(
          p, settings: o, theory: t, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "sd.optimize"))
      }
      return Bind.record([
        ("lambdas", .vector(Vector(r.lambdas))), ("betas", .vector(Vector(r.betas))),
        ("error", .number(r.error)), ("errors", .vector(r.theory.error)),
        ("evaluations", .number(Double(r.evaluations))),
        ("failures", .number(Double(r.failures))),
        ("at_bounds", .string(r.atBounds.joined(separator: ", "))),
        ("theory", theoryRecord(r.theory)),
      ])
    }

    let testError = Builtins.make(
      "error", module: m,
      [
        .required("m", .number, "overlap m = w·v/N"), .required("Q", .number, "Q = |w|²/N"),
        .optional("b", .number, default: .number(0), "bias"),
        .optional("rho", .number, default: .number(0.5), "fraction ρ of class +1"),
        .optional("Delta", .number, default: .number(0.5), "input noise variance Δ"),
      ],
      summary: "the exact clean-label test error of a linear classifier from (m, Q, b)",
      doc: "ε = ρ H((m+b)/√(ΔQ)) + (1−ρ) H((m−b)/√(ΔQ)), H(x) = erfc(x/√2)/2.",
      reference: paper, example: "sd.error(0.3, 0.2, b=0.05, rho=0.4)"
    ) { ctx, a throws(LanguageError) in
      let q = try a.number("Q")
      guard q >= 0 else { throw a.error("Q", "sd.error: 'Q' expected ≥ 0, found \(q)") }
      return .number(
        SD.testError(
          m: try a.number("m"), q: q, b: try a.number("b"), rho: try a.number("rho"),
          delta: try a.number("Delta")))
    }

    let meanEstimator = Builtins.make(
      "mean_estimator", module: m,
      [
        .required("alpha", .array, unit: "M / N", "sample ratio α (a number or a vector)"),
        .optional("Delta", .number, default: .number(0.5), "input noise variance Δ"),
        .optional("theta", .number, default: .number(0.3), "label-flip probability θ"),
      ],
      summary: "ε of the ρ = ½, λ → ∞ student (the optimal single stage), in closed form",
      doc:
        "ε = H((1 − 2θ)/√(Δ((1 − 2θ)² + Δ/α))); θ = 0 gives the noiseless mean estimator H(1/√(Δ(1 + Δ/α))).",
      reference: paper, example: "sd.mean_estimator(1, Delta=0.5, theta=0.3)"
    ) { ctx, a throws(LanguageError) in
      let delta = try a.number("Delta")
      let theta = try a.number("theta")
      switch a["alpha"] {
      case .number(let x)?:
        return .number(
          try Bind.run(ctx) { try SD.meanEstimatorError(delta: delta, theta: theta, alpha: x) })
      case .vector(let v)?:
        return .vector(
          try Bind.run(ctx) {
            try v.map { try SD.meanEstimatorError(delta: delta, theta: theta, alpha: $0) }
          })
      default:
        throw a.error("alpha", "sd.mean_estimator: 'alpha' expected a number or a vector")
      }
    }

    let members = [theory, simulate, optimize, testError, meanEstimator].map {
      ($0.declaration.name, Value.function(Function($0)))
    }
    return Module(
      name: m,
      summary: "multi-stage self-distillation: replica theory, simulation, optimal k-SD",
      members: members)
  }

  static func theoryRecord(_ r: SD.TheoryResult) -> Value {
    Bind.record([
      ("error", .vector(r.error)), ("m", .vector(r.m)), ("b", .vector(r.b)), ("Q", .matrix(r.q)),
      ("chi", .matrix(r.chi)), ("mhat", .vector(r.mHat)), ("Qhat", .matrix(r.qHat)),
      ("chihat", .matrix(r.chiHat)),
      ("iterations", .vector(Vector(r.iterations.map(Double.init)))),
      ("residuals", .vector(Vector(r.residuals))), ("converged", .bool(r.converged)),
      ("shifts", .vector(Vector(r.shifts.map(Double.init)))),
      ("dampings", .vector(Vector(r.dampings))),
      ("integration", .string(r.integration)),
    ])
  }

  static func problem(_ ctx: CallContext, _ a: Arguments) throws(LanguageError) -> SD.Problem {
    let lossName = try a.string("loss")
    let loss: SD.Loss
    switch lossName {
    case "ce", "cross_entropy": loss = .crossEntropy
    case "square", "mse": loss = .square
    default:
      throw a.error(
        "loss",
        "\(a.declaration.qualifiedName): loss expected \"ce\" or \"square\", found \"\(lossName)\"")
    }
    let biasName = try a.string("bias")
    let bias: SD.Bias
    switch biasName {
    case "learned": bias = .learned
    case "fixed": bias = .fixedAfterFirst
    case "value": bias = .value(try a.number("bias_value"))
    default:
      throw a.error(
        "bias",
        "\(a.declaration.qualifiedName): bias expected \"learned\", \"fixed\" or \"value\", found \"\(biasName)\""
      )
    }
    return try Bind.run(ctx) {
      try SD.Problem(
        rho: try a.number("rho"), delta: try a.number("Delta"), theta: try a.number("theta"),
        alpha: try a.number("alpha"), lambdas: try a.vector("lambdas").elements,
        betas: try a.vector("betas").elements, loss: loss, bias: bias)
    }
  }

  static func theorySettings(_ ctx: CallContext, _ a: Arguments) throws(LanguageError)
    -> SD.TheorySettings
  {
    let name = try a.string("integration")
    let integration: SD.Integration
    switch name {
    case "auto":
      let lambdaCount = try a.vector("lambdas").count
      let hard = try a.vector("betas").elements.contains(.infinity)
      integration =
        hard || lambdaCount > 3
        ? .monteCarlo(samples: try intArg(a, "samples"), seed: try Bind.seed(a))
        : .gaussHermite(try intArg(a, "nodes"))
    case "gh": integration = .gaussHermite(try intArg(a, "nodes"))
    case "mc":
      integration = .monteCarlo(samples: try intArg(a, "samples"), seed: try Bind.seed(a))
    default:
      throw a.error(
        "integration",
        "\(a.declaration.qualifiedName): integration expected \"auto\", \"gh\" or \"mc\", found \"\(name)\""
      )
    }
    let chiName = try a.string("chi")
    guard let chi = SD.ChiRecursion(rawValue: chiName) else {
      throw a.error(
        "chi",
        "\(a.declaration.qualifiedName): chi expected \"full\" or \"truncated\", found \"\(chiName)\""
      )
    }
    return try Bind.run(ctx) {
      try SD.TheorySettings(
        integration: integration, chi: chi, damping: try a.number("damping"),
        tolerance: try a.number("tol"), maxIterations: try intArg(a, "max_iter"),
        threads: try intArg(a, "threads"))
    }
  }

  static func intArg(_ a: Arguments, _ name: String) throws(LanguageError) -> Int {
    let x = try a.number(name)
    guard x.isFinite, x == x.rounded(), abs(x) < 1e15 else {
      throw a.error(
        name,
        "\(a.declaration.qualifiedName): '\(name)' expected an integer, found \(Display.number(x))")
    }
    return Int(x)
  }
}
