import Language
import Numerics
import RecurrentSelfAttention

/// The `rsa` module: inference dynamics of recurrent self-attention.
///
/// Tomihari & Karakida, "Recurrent Self-Attention Dynamics: An Energy-Agnostic Perspective
/// from Jacobians", NeurIPS 2025 (arXiv 2505.19458), and the Kuramoto layer of Miyato et
/// al., "Artificial Kuramoto Oscillatory Neurons", ICLR 2025; the model as reconstructed in
/// ../shared/design/studies/recurrent-self-attention.md.
///
/// A random-weight model is a host value made by `rsa.model(...)`: it keeps its parameters
/// (seed, sizes, scale, variant, η) and the model and initial state they build
/// deterministically, so `rsa.step(m, X)`, `rsa.lyapunov(m)` and the rest take it as their
/// first argument and `m.x0`, `m.C`, `m.variant` read back what it is.
enum RecurrentSelfAttentionModule {
  static let paper =
    "Tomihari & Karakida, Recurrent Self-Attention Dynamics: An Energy-Agnostic Perspective from Jacobians, NeurIPS 2025 (arXiv 2505.19458)"
  static let akorn =
    "Miyato, Löwe, Geiger & Welling, Artificial Kuramoto Oscillatory Neurons, ICLR 2025"
  static let variants =
    "Variants: \"preln\" (a) X ← X + η(MSA(LN(X)) + C), residual not normalised (AKOrN's ItrSA); \"rmsnorm\" (b) X ← RMSNorm(X + η(MSA(X) + C)); \"sphere\" (c) each token of X + η(MSA(X) + C) projected to the unit sphere; \"none\" X ← X + η(MSA(X) + C)."
  static let kuramotoReference =
    "Kuramoto (1975); Strogatz, Physica D 143 (2000), eqs. 5.3–5.4; Ott & Antonsen, Chaos 18 (2008), eq. 14"

  static func make() -> Module {
    let m = "rsa"
    let model = ParameterSpec.required("model", .any, "a model made by rsa.model(...)")
    let state = ParameterSpec.absent(
      "X", .matrix, "token state, n × d (default: the model's initial state m.x0)")
    let seed = ParameterSpec.optional(
      "seed", .integer, default: .number(1), "seed of the random weights and input")
    let threads = ParameterSpec.optional(
      "threads", .integer, default: .number(Double(RSA.defaultWorkers)),
      "worker threads (results do not depend on it)")
    let sizes: [ParameterSpec] = [
      .optional("n", .integer, default: .number(8), unit: "tokens", "number of tokens"),
      .optional("d", .integer, default: .number(16), "token width (divisible by heads)"),
      .optional("heads", .integer, default: .number(4), "attention heads H"),
      .optional(
        "injection", .number, default: .number(1), "input injection C = injection · U"),
      .optional("eps", .number, default: .number(1e-6), "ε of RMSNorm / LayerNorm"),
    ]
    let distribution: [ParameterSpec] = [
      .optional(
        "dist", .string, default: .string("lorentzian"),
        "frequency density: \"lorentzian\" or \"gaussian\""),
      .optional(
        "width", .number, default: .number(0.5), unit: "rad / time",
        "half-width γ (Lorentzian) or standard deviation σ (Gaussian)"),
    ]

    let make = Builtins.make(
      "model", module: m,
      [
        .optional(
          "variant", .string, default: .string("rmsnorm"),
          "\"preln\" (a), \"rmsnorm\" (b), \"sphere\" (c) or \"none\""),
        .optional(
          "scale", .number, default: .number(1), "weight scale: entries scale · N(0, 1/d)"),
        .optional("eta", .number, default: .number(1), "step size η ≥ 0"),
      ] + sizes + [seed],
      summary: "a random-weight iterated self-attention model of one labelled variant",
      returns: "rsa model",
      returnFields: [
        ("variant", "the variant's name"), ("label", "its label for legends"),
        ("n, d, heads, scale, eta, injection, eps, seed", "the parameters"),
        ("x0", "the initial state U, n × d, N(0, 1) entries"),
        ("C", "the injected input, injection · U"),
      ],
      doc:
        "MSA(X) = Σ_h softmax_rows(X W_hQ (X W_hK)ᵀ/√d_k) X V_h, d_k = d/H; weights from the seed in the order W_1Q, W_1K, V_1, W_2Q, …, the input U from stream 0 of the same seed. The same seed at two scales gives the same weights times the scale. \(variants)",
      reference: "\(paper), §3 and §5",
      example: "m = rsa.model(variant=\"rmsnorm\", n=8, d=16, heads=4, scale=1, eta=1, seed=1)"
    ) { ctx, a throws(LanguageError) in
      let variant = try variantArg(a, "variant")
      let spec = ModelSpec(
        variant: variant, tokens: try a.int("n"), dModel: try a.int("d"),
        heads: try a.int("heads"), scale: try a.number("scale"), eta: try a.number("eta"),
        injection: try a.number("injection"), epsilon: try a.number("eps"),
        seed: try Bind.seed(a))
      return .object(try Bind.run(ctx) { try RSAModelValue(spec) })
    }

    let step = Builtins.make(
      "step", module: m, [model, .required("X", .matrix, "token state, n × d")],
      summary: "one step X ↦ F(X) of the model's update", returns: "matrix",
      doc: variants, reference: "\(paper), §3",
      example: "X1 = rsa.step(m, m.x0)"
    ) { ctx, a throws(LanguageError) in
      let mv = try modelArg(a)
      let x = try a.matrix("X")
      return .matrix(try Bind.run(ctx) { try mv.model.step(x) })
    }

    let trajectory = Builtins.make(
      "trajectory", module: m,
      [
        model,
        .optional("steps", .integer, default: .number(50), unit: "steps", "number of steps T"),
        state,
      ],
      summary: "iterates the model: norm, pseudo-energy and step size along the orbit",
      returns: "record",
      returnFields: [
        ("t", "steps 0…T"), ("norm", "‖X_t‖_F (√(nd) under RMSNorm)"),
        (
          "energy",
          "pseudo-energy −Σ_i⟨x_i, MSA_i(X_t) + c_i⟩ (a diagnostic, not a Lyapunov function)"
        ),
        ("move", "‖X_{t+1} − X_t‖_F, t = 0…T−1: → 0 at a fixed point, not on an orbit"),
        ("token0", "token 0 at every step, (T+1) × d"), ("final", "X_T"),
      ],
      doc:
        "An unnormalised model may overflow: that is an error naming the step's operation. \(variants)",
      reference: "\(paper), §5; pseudo-energy as in \(akorn), §3",
      example: "r = rsa.trajectory(m, steps=100); r.norm[-1]"
    ) { ctx, a throws(LanguageError) in
      let mv = try modelArg(a)
      let x = try stateArg(a, mv)
      let steps = try a.int("steps")
      let r = try Bind.run(ctx) {
        try mv.model.trajectory(
          from: x, steps: steps, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "rsa.trajectory"))
      }
      return Bind.record([
        ("t", .vector(Vector((0...steps).map(Double.init)))), ("norm", .vector(r.norms)),
        ("energy", .vector(r.pseudoEnergy)), ("move", .vector(r.stepSizes)),
        ("token0", .matrix(r.firstToken)), ("final", .matrix(r.final)),
      ])
    }

    let jacobian = Builtins.make(
      "jacobian", module: m, [model, state],
      summary: "the analytic step Jacobian J_F at a state, (nd) × (nd)", returns: "matrix",
      doc:
        "Entry (i·d + a, k·d + b) is ∂F(X)[i, a]/∂X[k, b]. (b), (c): J_F = D_N(Z)(I + η J_MSA(X)), Z = X + η(MSA(X) + C); (a): I + η J_MSA(LN(X)) D_LN(X); none: I + η J_MSA(X). Agrees with central differences to ~1e-9.",
      reference: "\(paper), §4",
      example: "J = rsa.jacobian(m)"
    ) { ctx, a throws(LanguageError) in
      let mv = try modelArg(a)
      let x = try stateArg(a, mv)
      return .matrix(try Bind.run(ctx) { try mv.model.jacobian(x) })
    }

    let eig = Builtins.make(
      "eig", module: m, [model, state],
      summary: "eigenvalues of the step Jacobian J_F at a state, with ρ and the complex fraction",
      returns: "record",
      returnFields: spectrumFields,
      doc:
        "Eigenvalues by LAPACK dgeev, ‖J_F‖₂ by dgesdd. ρ < 1 at a fixed point means linearly stable (Lyapunov's indirect method). A normalisation contributes one (near-)zero eigenvalue per token (two for LayerNorm).",
      reference: "\(paper), §4",
      example: "e = rsa.eig(m, rsa.trajectory(m, steps=200).final); e.rho"
    ) { ctx, a throws(LanguageError) in
      let mv = try modelArg(a)
      let x = try stateArg(a, mv)
      let s = try Bind.run(ctx) { try mv.model.spectrum(at: x) }
      return Bind.record(spectrumRecord(s))
    }

    let lyapunov = Builtins.make(
      "lyapunov", module: m,
      [
        model,
        .optional("k", .integer, default: .number(3), "number of top exponents, 1 ≤ k ≤ nd"),
        .optional("steps", .integer, default: .number(300), unit: "steps", "measured steps T"),
        .optional(
          "burnin", .integer, default: .number(100), unit: "steps", "unmeasured steps first"),
        state,
        .optional("seed", .integer, default: .number(0), "seed of the initial tangent vectors"),
      ],
      summary: "the top-k Lyapunov exponents of the model's orbit (QR / Benettin method)",
      returns: "record",
      returnFields: [
        ("exponents", "λ_1 ≥ … ≥ λ_k, nats per step"),
        ("running", "T × k running estimates, row t = (1/(t+1)) Σ_{s≤t} log|R_s,jj|"),
        ("final", "the state after burn-in and the measured steps, n × d"),
      ],
      doc:
        "Q_{t+1} R_t = J_F(X_t) Q_t, λ_j = (1/T) Σ_t log|R_t,jj|, modified Gram–Schmidt twice. Only the top k: directions a normalisation removes have exponent −∞. Statistical error ~ 1/√T. Estimator checked on the logistic map (ln 2) and the Hénon map (0.419, −1.623).",
      reference:
        "\(paper), §5; Benettin, Galgani, Giorgilli & Strelcyn, Meccanica 15 (1980); Eckmann & Ruelle, Rev. Mod. Phys. 57 (1985), §IV.C",
      example: "rsa.lyapunov(m, k=3, steps=300, burnin=100).exponents"
    ) { ctx, a throws(LanguageError) in
      let mv = try modelArg(a)
      let x = try stateArg(a, mv)
      let (k, steps, burnIn) = (try a.int("k"), try a.int("steps"), try a.int("burnin"))
      let s = try Bind.seed(a)
      let r = try Bind.run(ctx) {
        try mv.model.lyapunov(
          from: x, count: k, steps: steps, burnIn: burnIn, seed: s,
          cancellation: ctx.interpreter.cancellation)
      }
      return Bind.record([
        ("exponents", .vector(r.exponents)), ("running", .matrix(r.running)),
        ("final", .matrix(try Bind.run(ctx) { try r.finalState.reshaped(mv.model) })),
      ])
    }

    let fixedPoint = Builtins.make(
      "fixed_point", module: m,
      [
        model, state,
        .optional("tol", .number, default: .number(1e-10), "tolerance on ‖F(X) − X‖_F"),
        .optional("maxiter", .integer, default: .number(100), "Newton steps at most"),
      ],
      summary: "a fixed point X* = F(X*) near a state (damped Newton) and its linear stability",
      returns: "record",
      returnFields: [
        ("X", "X*, n × d"), ("residual", "‖F(X*) − X*‖_F"), ("iterations", "Newton steps"),
        ("stable", "true when ρ(J_F(X*)) < 1"),
      ] + spectrumFields,
      doc:
        "Newton on G(X) = F(X) − X with the analytic Jacobian, (J_F − I)δ = −G, halving the step until ‖G‖ decreases. An oscillating or chaotic model may have no fixed point near X: that is an error (no convergence), not a silent answer.",
      reference: "\(paper), §4; Dennis & Schnabel (1996), §6.3",
      example: "fp = rsa.fixed_point(m, rsa.trajectory(m, steps=200).final); fp.stable"
    ) { ctx, a throws(LanguageError) in
      let mv = try modelArg(a)
      let x = try stateArg(a, mv)
      let (tol, maxIter) = (try a.number("tol"), try a.int("maxiter"))
      let r = try Bind.run(ctx) {
        try mv.model.fixedPoint(
          from: x, tolerance: tol, maxIterations: maxIter,
          cancellation: ctx.interpreter.cancellation)
      }
      return Bind.record(
        [
          ("X", .matrix(r.state)), ("residual", .number(r.residual)),
          ("iterations", .number(Double(r.iterations))), ("stable", .bool(r.stable)),
        ] + spectrumRecord(r.spectrum))
    }

    let sweep = Builtins.make(
      "lyapunov_sweep", module: m,
      [
        .required("variant", .string, "\"preln\", \"rmsnorm\", \"sphere\" or \"none\""),
        .required("scale", .vector, "grid of weight scales ≥ 0"),
        .optional("eta", .vector, default: .vector(Vector([1])), "grid of step sizes η ≥ 0"),
      ] + sizes + [
        .optional("k", .integer, default: .number(3), "top exponents per orbit"),
        .optional("steps", .integer, default: .number(300), unit: "steps", "measured steps T"),
        .optional(
          "burnin", .integer, default: .number(100), unit: "steps", "unmeasured steps first"),
        .optional("samples", .integer, default: .number(4), "weight samples per grid point"),
        seed, threads,
      ],
      summary:
        "top Lyapunov exponent, spectral radius and complex fraction against weight scale × η",
      returns: "record",
      returnFields: [
        ("scale", "the scale grid"), ("eta", "the η grid"),
        (
          "lambda_max", "mean λ₁, scales × etas (nats per step; +inf where every sample overflowed)"
        ),
        ("lambda_sd", "its standard deviation over samples"),
        ("lambda_sum", "mean sum of the top-k exponents"),
        ("rho", "mean ρ(J_F) at the final state"),
        ("complex_fraction", "mean fraction of complex eigenvalues of J_F there"),
        ("lipschitz", "mean ‖J_F‖₂ there"), ("final_norm", "mean ‖X_T‖_F"),
        ("diverged", "fraction of samples whose orbit overflowed"),
      ],
      doc:
        "Sample s uses the same seed at every grid point (common random numbers: its weights are the same normals times the scale), so curves are smooth in the scale. Compare variants by calling it once per variant. \(variants)",
      reference: "\(paper), §5",
      example:
        "s = rsa.lyapunov_sweep(\"rmsnorm\", linspace(0.5, 4, 8), steps=200, samples=2); s.lambda_max"
    ) { ctx, a throws(LanguageError) in
      let variant = try variantArg(a, "variant")
      let p = try Bind.run(ctx) {
        try RSA.LyapunovSweepParameters(
          variant: variant, scales: try a.vector("scale"), etas: try a.vector("eta"),
          tokens: try a.int("n"), dModel: try a.int("d"), heads: try a.int("heads"),
          injectionScale: try a.number("injection"), epsilon: try a.number("eps"),
          exponents: try a.int("k"), steps: try a.int("steps"), burnIn: try a.int("burnin"),
          samples: try a.int("samples"), seed: try Bind.seed(a), workers: try a.int("threads"))
      }
      let r = try Bind.run(ctx) {
        try RSA.lyapunovSweep(
          p, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "rsa.lyapunov_sweep"))
      }
      return Bind.record([
        ("scale", .vector(r.scales)), ("eta", .vector(r.etas)),
        ("lambda_max", .matrix(r.lambdaMax)), ("lambda_sd", .matrix(r.lambdaMaxSpread)),
        ("lambda_sum", .matrix(r.lambdaSum)), ("rho", .matrix(r.spectralRadius)),
        ("complex_fraction", .matrix(r.complexFraction)),
        ("lipschitz", .matrix(r.spectralNorm)), ("final_norm", .matrix(r.finalNorm)),
        ("diverged", .matrix(r.divergedFraction)),
      ])
    }

    let kuramoto = Builtins.make(
      "kuramoto", module: m,
      [
        .required("K", .number, "coupling K ≥ 0"),
        .optional("M", .integer, default: .number(2000), unit: "oscillators", "population"),
      ] + distribution + [
        .optional("time", .number, default: .number(100), unit: "time", "duration"),
        .optional("dt", .number, default: .number(0.05), unit: "time", "step"),
        .optional(
          "quantiles", .bool, default: .bool(true),
          "frequencies at the midpoint quantiles (true) or drawn at random (false)"),
        seed,
      ],
      summary: "simulates the classical Kuramoto model and its order parameter r(t)",
      returns: "record",
      returnFields: [
        ("t", "times"), ("r", "order parameter |(1/M) Σ e^{iθ}| at every step"),
        ("r_inf", "time average of r over the second half"),
        ("fluctuation", "its standard deviation there"),
        ("theory", "r∞ of the infinite population (self-consistency)"),
        ("Kc", "critical coupling 2/(π g(0))"), ("phases", "final phases in (−π, π]"),
        ("omega", "the natural frequencies"),
      ],
      doc:
        "dθᵢ/dt = ωᵢ + (K/M) Σⱼ sin(θⱼ − θᵢ), integrated on zᵢ = e^{iθᵢ} by integrating-factor (Lawson) RK4, stable for heavy-tailed frequencies. Initial phases uniform from the seed. This is the AKOrN Kuramoto layer with N = 2, J_ij = (K/M)I and rotations ωᵢ.",
      reference: "\(kuramotoReference); \(akorn), §3",
      example: "k = rsa.kuramoto(2, M=500, time=50); k.r_inf"
    ) { ctx, a throws(LanguageError) in
      let dist = try distributionArg(a)
      let (k, count, s) = (try a.number("K"), try a.int("M"), try Bind.seed(a))
      let (time, dt, quantiles) = (
        try a.number("time"), try a.number("dt"), try a.bool("quantiles")
      )
      let (omegas, sim, theory) = try Bind.run(ctx) {
        let omegas = try dist.frequencies(count: count, deterministic: quantiles, seed: s)
        var rng = RandomGenerator(seed: s).stream(0)
        let phases = Vector((0..<count).map { _ in Double.pi * (2 * rng.uniform() - 1) })
        let sim = try RSA.simulateKuramoto(
          frequencies: omegas, coupling: k, initialPhases: phases, time: time, dt: dt,
          cancellation: ctx.interpreter.cancellation)
        return (omegas, sim, try dist.stationaryOrderParameter(coupling: k))
      }
      return Bind.record([
        ("t", .vector(sim.times)), ("r", .vector(sim.orderParameter)),
        ("r_inf", .number(sim.stationaryOrderParameter)),
        ("fluctuation", .number(sim.fluctuation)), ("theory", .number(theory)),
        ("Kc", .number(dist.criticalCoupling)), ("phases", .vector(sim.finalPhases)),
        ("omega", .vector(omegas)),
      ])
    }

    let kuramotoTheory = Builtins.make(
      "kuramoto_theory", module: m,
      [.required("K", .vector, "couplings K ≥ 0")] + distribution,
      summary: "the stationary order parameter r∞(K) of the infinite Kuramoto population",
      returns: "record",
      returnFields: [("K", "the couplings"), ("r", "r∞(K)"), ("Kc", "2/(π g(0))")],
      doc:
        "Solves 1 = K ∫ cos²θ g(K r sinθ) dθ over (−π/2, π/2) for r (Brent, 1e-12; Gauss–Kronrod, 1e-12); r∞ = 0 for K ≤ K_c. Lorentzian: √(1 − 2γ/K), K_c = 2γ; Gaussian: K_c ≈ 1.5958σ.",
      reference: kuramotoReference,
      example: "rsa.kuramoto_theory(linspace(0, 4, 41)).r"
    ) { ctx, a throws(LanguageError) in
      let dist = try distributionArg(a)
      let ks = try a.vector("K")
      let r = try Bind.run(ctx) { try ks.map { try dist.stationaryOrderParameter(coupling: $0) } }
      return Bind.record([
        ("K", .vector(ks)), ("r", .vector(r)), ("Kc", .number(dist.criticalCoupling)),
      ])
    }

    let kuramotoSweep = Builtins.make(
      "kuramoto_sweep", module: m,
      [
        .required("K", .vector, "grid of couplings K ≥ 0"),
        .optional("M", .integer, default: .number(2000), unit: "oscillators", "population"),
      ] + distribution + [
        .optional("time", .number, default: .number(100), unit: "time", "duration"),
        .optional("dt", .number, default: .number(0.05), unit: "time", "step (γ of the layer)"),
        .optional(
          "quantiles", .bool, default: .bool(true),
          "frequencies at the midpoint quantiles (true) or drawn at random (false)"),
        .optional(
          "layer", .bool, default: .bool(false),
          "run the AKOrN Kuramoto layer (projected Euler, γ = dt) instead of RK4"),
        seed, threads,
      ],
      summary: "the Kuramoto order parameter against the coupling, beside the theory curve",
      returns: "record",
      returnFields: [
        ("K", "the couplings"), ("r", "simulated r, time-averaged over the second half"),
        ("fluctuation", "its standard deviation there"), ("theory", "r∞(K), infinite M"),
        ("Kc", "critical coupling 2/(π g(0))"),
      ],
      doc:
        "The same frequencies and initial phases at every K. With layer=true the AKOrN layer x ← normalise(x + γ(Ωx + y⊥)) with N = 2 and mean-field coupling, which is the classical model to first order in γ.",
      reference: "\(kuramotoReference); \(akorn), §3",
      example: "s = rsa.kuramoto_sweep(linspace(0, 3, 13), M=500, time=60); s.r"
    ) { ctx, a throws(LanguageError) in
      let dist = try distributionArg(a)
      let p = try Bind.run(ctx) {
        try RSA.KuramotoSweepParameters(
          couplings: try a.vector("K"), oscillators: try a.int("M"), distribution: dist,
          time: try a.number("time"), dt: try a.number("dt"),
          deterministicFrequencies: try a.bool("quantiles"), useLayer: try a.bool("layer"),
          seed: try Bind.seed(a), workers: try a.int("threads"))
      }
      let r = try Bind.run(ctx) {
        try RSA.kuramotoSweep(
          p, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "rsa.kuramoto_sweep"))
      }
      return Bind.record([
        ("K", .vector(r.couplings)), ("r", .vector(r.simulated)),
        ("fluctuation", .vector(r.fluctuation)), ("theory", .vector(r.theory)),
        ("Kc", .number(r.criticalCoupling)),
      ])
    }

    let retrieval = Builtins.make(
      "retrieval", module: m,
      [
        .optional("sites", .integer, default: .number(64), "sites n per pattern"),
        .optional("patterns", .integer, default: .number(6), "stored ±1 patterns p"),
        .optional("flip", .number, default: .number(0.2), "fraction of the cue's signs flipped"),
        .optional("noise", .number, default: .number(0.3), unit: "rad", "initial phase noise"),
        .optional("beta", .number, default: .number(0.1), "inverse temperature of modern Hopfield"),
        .optional("K", .number, default: .number(1), "Hebbian coupling strength of the layers"),
        .optional("gamma", .number, default: .number(0.1), "step size γ of the layers"),
        .optional(
          "omega", .number, default: .number(1), unit: "rad / time",
          "mean rotation frequency ω₀ (oscillating layer)"),
        .optional(
          "omega_sd", .number, default: .number(0.3), unit: "rad / time",
          "spread σ_ω of the rotation frequencies"),
        .optional("steps", .integer, default: .number(200), unit: "steps", "steps T"),
        .optional("trials", .integer, default: .number(16), "independent trials"),
        seed, threads,
      ],
      summary:
        "Hopfield-like retrieval: convergent (modern Hopfield, Kuramoto Ω = 0) against oscillating (Ω ≠ 0) dynamics",
      returns: "record",
      returnFields: [
        ("dynamics", "the names of the three dynamics (rows below)"), ("t", "steps 0…T"),
        (
          "overlap",
          "3 × (T+1) overlap with pattern 1, averaged over trials (phase-invariant for the layers)"
        ),
        ("energy", "3 × (T+1) energy along trial 0 (Hopfield energy; layer energy E)"),
        ("final_overlap", "mean final overlap"), ("success", "fraction of trials ending > 0.9"),
        ("motion", "mean step size over the last tenth: ≈ 0 convergent, > 0 oscillating"),
        ("energy_rise", "largest energy increase of trial 0 (≤ 0 where E is a Lyapunov function)"),
      ],
      doc:
        "p random ±1 patterns, a cue = pattern 1 with a fraction of signs flipped. Dynamics: (0) modern Hopfield ξ ← Xᵀ softmax(β X ξ); (1) Kuramoto layer, N = 2, Hebbian J_ij = (K/n) Σ_μ ξ_i^μ ξ_j^μ I₂, Ω = 0; (2) the same with rotations ωᵢ = ω₀ + σ_ω N(0,1). Trial k draws from stream k of the seed.",
      reference:
        "Ramsauer et al., Hopfield Networks is All You Need, ICLR 2021; \(akorn); \(paper), §6",
      example: "r = rsa.retrieval(trials=8); r.final_overlap"
    ) { ctx, a throws(LanguageError) in
      let p = try Bind.run(ctx) {
        try RSA.RetrievalParameters(
          sites: try a.int("sites"), patterns: try a.int("patterns"), cueFlip: try a.number("flip"),
          phaseNoise: try a.number("noise"), beta: try a.number("beta"),
          coupling: try a.number("K"), stepSize: try a.number("gamma"),
          meanFrequency: try a.number("omega"), frequencySpread: try a.number("omega_sd"),
          steps: try a.int("steps"), trials: try a.int("trials"), seed: try Bind.seed(a),
          workers: try a.int("threads"))
      }
      let r = try Bind.run(ctx) {
        try RSA.retrieval(
          p, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "rsa.retrieval"))
      }
      return Bind.record([
        ("dynamics", .list(r.dynamics.map { .string($0) })),
        ("t", .vector(Vector((0...p.steps).map(Double.init)))),
        ("overlap", .matrix(r.overlap)), ("energy", .matrix(r.energy)),
        ("final_overlap", .vector(r.finalOverlap)), ("success", .vector(r.successRate)),
        ("motion", .vector(r.finalMotion)), ("energy_rise", .vector(r.largestEnergyIncrease)),
      ])
    }

    let members = [
      make, step, trajectory, jacobian, eig, lyapunov, fixedPoint, sweep, kuramoto,
      kuramotoTheory, kuramotoSweep, retrieval,
    ].map { ($0.declaration.name, Value.function(Function($0))) }
    return Module(
      name: m,
      summary:
        "recurrent self-attention dynamics: variants, Jacobian spectra, Lyapunov exponents, fixed points, Kuramoto layer, retrieval",
      members: members)
  }

  static let spectrumFields: [(String, String)] = [
    ("re", "real parts of the eigenvalues (conjugate pairs adjacent)"),
    ("im", "imaginary parts"), ("rho", "spectral radius max |λ|"),
    ("complex_fraction", "fraction of eigenvalues with Im λ ≠ 0 (oscillatory components)"),
    ("lipschitz", "‖J_F‖₂, the local Lipschitz constant"),
  ]

  static func spectrumRecord(_ s: RSA.Spectrum) -> [(String, Value)] {
    [
      ("re", .vector(s.real)), ("im", .vector(s.imaginary)), ("rho", .number(s.spectralRadius)),
      ("complex_fraction", .number(s.complexFraction)), ("lipschitz", .number(s.spectralNorm)),
    ]
  }

  static func variantArg(_ a: Arguments, _ name: String) throws(LanguageError) -> RSA.Variant {
    let s = try a.string(name)
    guard let v = RSAModelValue.variants[s] else {
      throw a.error(
        name,
        "\(a.declaration.qualifiedName): \(name) expected \"preln\", \"rmsnorm\", \"sphere\" or \"none\", found \"\(s)\""
      )
    }
    return v
  }

  static func modelArg(_ a: Arguments) throws(LanguageError) -> RSAModelValue {
    guard case .object(let o)? = a["model"], let mv = o as? RSAModelValue else {
      let found = a["model"].map { $0.typeName } ?? "nothing"
      throw a.error(
        "model",
        "\(a.declaration.qualifiedName): model expected an rsa model (made by rsa.model(...)), found \(found)",
        kind: .type)
    }
    return mv
  }

  /// The state argument `X`, or the model's initial state when it is absent.
  static func stateArg(_ a: Arguments, _ mv: RSAModelValue) throws(LanguageError) -> Matrix {
    guard let x = a["X"] else { return mv.initial }
    guard case .matrix(let m) = x else {
      throw a.error("X", "\(a.declaration.qualifiedName): X expected a matrix", kind: .type)
    }
    return m
  }

  static func distributionArg(_ a: Arguments) throws(LanguageError) -> RSA.FrequencyDistribution {
    let name = try a.string("dist")
    let width = try a.number("width")
    guard width.isFinite && width > 0 else {
      throw a.error(
        "width",
        "\(a.declaration.qualifiedName): width expected a finite number > 0, found \(Display.number(width))"
      )
    }
    switch name {
    case "lorentzian", "cauchy": return .lorentzian(halfWidth: width)
    case "gaussian", "normal": return .gaussian(standardDeviation: width)
    default:
      throw a.error(
        "dist",
        "\(a.declaration.qualifiedName): dist expected \"lorentzian\" or \"gaussian\", found \"\(name)\""
      )
    }
  }
}

extension Vector {
  /// The flat orbit state of a model as its n × d matrix.
  fileprivate func reshaped(_ model: RSA.IteratedAttention) throws -> Matrix {
    try Matrix(rows: model.tokens, cols: model.dModel, elements: elements)
  }
}

/// The parameters that build a random-weight model deterministically.
struct ModelSpec: Equatable {
  var variant: RSA.Variant
  var tokens: Int
  var dModel: Int
  var heads: Int
  var scale: Double
  var eta: Double
  var injection: Double
  var epsilon: Double
  var seed: UInt64
}

/// A random-weight iterated self-attention model as a language value: `m.variant`,
/// `m.label`, `m.n`, `m.d`, `m.heads`, `m.scale`, `m.eta`, `m.injection`, `m.eps`,
/// `m.seed`, `m.x0` (initial state) and `m.C` (injected input). Immutable.
final class RSAModelValue: HostObject, @unchecked Sendable {
  static let variants: [String: RSA.Variant] = [
    "preln": .preLayerNorm, "a": .preLayerNorm, "rmsnorm": .rmsNorm, "b": .rmsNorm,
    "sphere": .sphere, "c": .sphere, "none": .unnormalized,
  ]
  static let names: [RSA.Variant: String] = [
    .preLayerNorm: "preln", .rmsNorm: "rmsnorm", .sphere: "sphere", .unnormalized: "none",
  ]

  let spec: ModelSpec
  let model: RSA.IteratedAttention
  let initial: Matrix

  init(_ spec: ModelSpec) throws {
    self.spec = spec
    (model, initial) = try RSA.IteratedAttention.random(
      tokens: spec.tokens, dModel: spec.dModel, heads: spec.heads, scale: spec.scale,
      variant: spec.variant, eta: spec.eta, injectionScale: spec.injection,
      epsilon: spec.epsilon, seed: spec.seed)
  }

  var typeName: String { "rsa model" }

  func display() -> String {
    let s = spec
    return
      "rsa model \(s.variant.label): n=\(s.tokens), d=\(s.dModel), heads=\(s.heads), scale=\(Display.number(s.scale)), eta=\(Display.number(s.eta)), injection=\(Display.number(s.injection)), seed=\(s.seed)"
  }

  var memberNames: [String] {
    ["variant", "label", "n", "d", "heads", "scale", "eta", "injection", "eps", "seed", "x0", "C"]
  }

  func member(_ name: String, interpreter: Interpreter) throws(LanguageError) -> Value? {
    let s = spec
    switch name {
    case "variant": return .string(Self.names[s.variant] ?? s.variant.rawValue)
    case "label": return .string(s.variant.label)
    case "n": return .number(Double(s.tokens))
    case "d": return .number(Double(s.dModel))
    case "heads": return .number(Double(s.heads))
    case "scale": return .number(s.scale)
    case "eta": return .number(s.eta)
    case "injection": return .number(s.injection)
    case "eps": return .number(s.epsilon)
    case "seed": return .number(Double(s.seed))
    case "x0": return .matrix(initial)
    case "C": return .matrix(model.injection)
    default: return nil
    }
  }

  func isEqual(to other: any HostObject) -> Bool {
    (other as? RSAModelValue)?.spec == spec
  }
}
