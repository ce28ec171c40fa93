import DenseAssociativeMemory
import Language
import Numerics

/// The `dam` module: dense associative memory dynamics.
///
/// Mimura, Takeuchi, Sumikawa, Kabashima & Coolen, "Dynamical properties of dense
/// associative memory", ICLR 2026 (arXiv 2506.00851); theory reconstructed by a cavity
/// argument as in ../shared/design/studies/dense-associative-memory.md and checked in
/// this repository against the module's own simulation.
enum DenseAssociativeMemoryModule {
  static let paper =
    "Mimura, Takeuchi, Sumikawa, Kabashima & Coolen, Dynamical properties of dense associative memory, ICLR 2026 (arXiv 2506.00851)"
  static let normalisation =
    "Patterns: p = round(α N^(n−1)) (no 1/(n−1)! factor, unlike some papers)."
  static let hypothesis =
    "The GFA process for n ≥ 3 is a reconstruction (cavity argument); it agrees with this module's simulation within statistical error for the first steps, which the tests check. Treat it as a hypothesis."

  static func make() -> Module {
    let m = "dam"
    let order = ParameterSpec.optional(
      "n", .integer, default: .number(3), "interaction order n ≥ 2 (n = 2 is Hopfield)")
    let alpha = ParameterSpec.required("alpha", .number, unit: "p / N^(n−1)", "load α")
    let m0 = ParameterSpec.required("m0", .number, "initial overlap with pattern 1, 0 < m0 ≤ 1")
    let steps = ParameterSpec.optional(
      "steps", .integer, default: .number(20), unit: "sweeps", "number of parallel steps")
    let seed = ParameterSpec.optional(
      "seed", .integer, default: .number(1), "seed of the independent random streams")
    let threads = ParameterSpec.optional(
      "threads", .integer, default: .number(Double(DAM.defaultThreads)),
      "worker threads (results do not depend on it)")

    let simulate = Builtins.make(
      "simulate", module: m,
      [
        .required("N", .integer, unit: "neurons", "number of neurons"), order, alpha, m0, steps,
        .optional(
          "trials", .integer, default: .number(12),
          "independent pattern sets (each its own seeded stream)"),
        .optional(
          "T", .number, default: .number(0), unit: "field units",
          "temperature (0: deterministic sgn; > 0: Glauber)"),
        .optional(
          "update", .string, default: .string("parallel"),
          "\"parallel\" or \"sequential\" (random order)"),
        seed, threads,
      ],
      summary:
        "simulates the Krotov–Hopfield dense associative memory from an exact initial overlap",
      returns: "record",
      returnFields: [
        ("t", "time steps 0…steps"), ("m", "mean overlap over trials"),
        ("se", "its standard error"),
        ("trajectories", "trials × (steps+1) matrix of overlaps"), ("p", "number of patterns"),
        ("m0", "the exact initial overlap (1 − 2·flips/N)"),
      ],
      doc:
        "Exact field with self-exclusion, σᵢ ← sgn Σ_μ [F(ξᵢ^μ + a_μ^∖i) − F(−ξᵢ^μ + a_μ^∖i)], F(x) = xⁿ; the initial state flips exactly round((1−m0)N/2) spins of ξ¹. \(normalisation)",
      reference: "\(paper); model as in Krotov & Hopfield, NeurIPS 2016",
      example: "r = dam.simulate(N=512, n=3, alpha=0.05, m0=0.7, steps=10, trials=4, seed=1)"
    ) { ctx, a throws(LanguageError) in
      let ruleName = try a.string("update")
      guard let rule = DAM.UpdateRule(rawValue: ruleName) else {
        throw a.error(
          "update",
          "dam.simulate: update expected \"parallel\" or \"sequential\", found \"\(ruleName)\"")
      }
      let p = try Bind.run(ctx) {
        try DAM.SimulationParameters(
          model: try DAM.Model(
            neurons: try intArg(a, "N"), order: try intArg(a, "n"), alpha: try a.number("alpha")),
          initialOverlap: try a.number("m0"), steps: try intArg(a, "steps"),
          trials: try intArg(a, "trials"),
          temperature: try a.number("T"), update: rule, seed: try Bind.seed(a),
          threads: try intArg(a, "threads"))
      }
      let r = try Bind.run(ctx) {
        try DAM.simulate(
          p, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "dam.simulate"))
      }
      return Bind.record([
        ("t", .vector(r.times)), ("m", .vector(r.meanOverlap)), ("se", .vector(r.standardError)),
        ("trajectories", .matrix(r.trajectories)), ("p", .number(Double(p.model.patterns))),
        ("m0", .number(p.exactInitialOverlap)),
      ])
    }

    let theory = Builtins.make(
      "theory", module: m,
      [
        order, alpha, m0, steps,
        .optional(
          "method", .string, default: .string("gfa"),
          "\"gfa\" (generating functional analysis) or \"sna\" (naive signal-to-noise)"),
        .optional(
          "samples", .integer, default: .number(200_000),
          "Monte Carlo paths of the effective process"),
        seed, threads,
      ],
      summary: "overlap dynamics m(t) of the N → ∞ theory (GFA by Monte Carlo, or naive SNA)",
      returns: "record",
      returnFields: [
        ("t", "time steps"), ("m", "overlap m(t)"), ("se", "Monte Carlo standard error of m"),
        ("C", "correlation matrix C(t,s) (gfa)"), ("G", "response matrix G(t,s) (gfa)"),
      ],
      doc:
        "Effective single-neuron process h(t) = ξ m(t)^k + η(t) + α k² Σ_{s<t} G(t,s) Q_{k−1}(C(t,s)) σ(s), ⟨ηη⟩ = α Q_k(C), solved by Monte Carlo with the response from Stein's lemma; n = 2 uses the Hopfield process with R = G(1−G)⁻¹. \(hypothesis)",
      reference: "\(paper); Hopfield case: Gardner, Derrida & Mottishaw, J. Physique 48 (1987)",
      example: "dam.theory(n=3, alpha=0.05, m0=0.7, steps=6, samples=50000).m"
    ) { ctx, a throws(LanguageError) in
      let methodName = try a.string("method")
      guard let method = DAM.TheoryMethod(rawValue: methodName) else {
        throw a.error(
          "method", "dam.theory: method expected \"gfa\" or \"sna\", found \"\(methodName)\"")
      }
      let p = try Bind.run(ctx) {
        try DAM.TheoryParameters(
          order: try intArg(a, "n"), alpha: try a.number("alpha"),
          initialOverlap: try a.number("m0"),
          steps: try intArg(a, "steps"), method: method, samples: try intArg(a, "samples"),
          seed: try Bind.seed(a), threads: try intArg(a, "threads"))
      }
      let r = try Bind.run(ctx) {
        try DAM.theory(
          p, cancellation: ctx.interpreter.cancellation, progress: Bind.progress(ctx, "dam.theory"))
      }
      return Bind.record([
        ("t", .vector(r.times)), ("m", .vector(r.overlap)), ("se", .vector(r.standardError)),
        ("C", .matrix(r.correlation)), ("G", .matrix(r.response)),
      ])
    }

    let exact = Builtins.make(
      "exact_steps", module: m, [order, alpha, m0],
      summary: "the exact first step and the closed-form second step of the overlap",
      returns: "record",
      returnFields: [
        ("m1", "m(1) = erf(m0^k / √(2V)), V = α (2k−1)!!"),
        ("m2", "m(2), closed form with the retarded term"),
        ("G10", "response G(1,0)"), ("C10", "correlation C(1,0)"), ("V", "crosstalk variance"),
        ("naive_m2", "the naive signal-to-noise m(2), for contrast"),
      ],
      doc:
        "For n = 2 the Gardner–Derrida–Mottishaw exact steps: m1 = erf(m0/√(2α)), V1 = 1 + 2 G10 C10 + G10².",
      reference: "\(paper); Gardner, Derrida & Mottishaw (1987) for n = 2",
      example: "dam.exact_steps(n=3, alpha=0.05, m0=0.7)"
    ) { ctx, a throws(LanguageError) in
      let r = try Bind.run(ctx) {
        try DAM.exactSteps(
          order: try intArg(a, "n"), alpha: try a.number("alpha"),
          initialOverlap: try a.number("m0"))
      }
      return Bind.record([
        ("m1", .number(r.m1)), ("m2", .number(r.m2)), ("G10", .number(r.response10)),
        ("C10", .number(r.correlation10)), ("V", .number(r.variance)),
        ("naive_m2", .number(r.naiveM2)),
      ])
    }

    let scanParams: [ParameterSpec] = [
      .optional(
        "method", .string, default: .string("gfa"), "\"gfa\", \"sna\" or \"sim\" (simulation)"),
      .optional(
        "threshold", .number, default: .number(0.5), "final overlap that counts as retrieval"),
      .optional("samples", .integer, default: .number(100_000), "Monte Carlo paths (gfa)"),
      .optional("N", .integer, default: .number(512), unit: "neurons", "system size (sim)"),
      .optional("trials", .integer, default: .number(12), "pattern sets (sim)"),
      seed, threads,
    ]

    let basin = Builtins.make(
      "basin", module: m,
      [order, alpha, .required("m0", .vector, "grid of initial overlaps"), steps] + scanParams,
      summary:
        "basin of attraction: final overlap, retrieval probability and convergence time against m0",
      returns: "record",
      returnFields: [
        ("m0", "the grid (sorted)"), ("m_final", "final overlap m(steps)"),
        ("se", "its standard error"),
        ("p_retrieve", "fraction of trials (or paths) that retrieve"),
        ("tau", "convergence time: first t with m(t) ≥ m(steps) − 0.01"),
        ("trajectories", "one row of m(t) per m0"),
        ("boundary", "estimated basin edge m0_c (nan if none retrieves)"),
      ],
      doc: hypothesis, reference: paper,
      example: "dam.basin(n=3, alpha=0.05, m0=linspace(0.1, 0.9, 9), steps=10, samples=20000)"
    ) { ctx, a throws(LanguageError) in
      let settings = try scanSettings(ctx, a)
      let r = try Bind.run(ctx) {
        try DAM.basin(
          order: try intArg(a, "n"), alpha: try a.number("alpha"),
          initialOverlaps: try a.vector("m0"),
          settings: settings, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "dam.basin"))
      }
      return Bind.record([
        ("m0", .vector(r.initialOverlaps)), ("m_final", .vector(r.finalOverlap)),
        ("se", .vector(r.standardError)),
        ("p_retrieve", .vector(r.retrievalProbability)), ("tau", .vector(r.convergenceTime)),
        ("trajectories", .matrix(r.trajectories)), ("boundary", .number(r.boundary ?? .nan)),
      ])
    }

    let capacity = Builtins.make(
      "capacity", module: m,
      [
        order, steps, .optional("m0", .number, default: .number(1), "initial overlap"),
        .optional("lower", .number, default: .number(0.001), "a load that retrieves"),
        .optional("upper", .number, default: .number(1), "a load that does not"),
        .optional("tolerance", .number, default: .number(1e-3), "bisection tolerance on α"),
      ] + scanParams,
      summary: "storage capacity: the largest α that retrieves within the horizon (bisection)",
      returns: "record",
      returnFields: [
        ("alpha_c", "critical load"), ("horizon", "steps used (the answer depends on it)"),
        ("alphas", "loads tried"), ("m_final", "their final overlaps"),
      ],
      doc:
        "Slow dynamics near the transition make the answer horizon-dependent; the horizon is returned. Classic check: Hopfield α_c ≈ 0.138 (Amit, Gutfreund & Sompolinsky 1987). \(normalisation)",
      reference: paper, example: "dam.capacity(n=3, steps=20, method=\"sna\")"
    ) { ctx, a throws(LanguageError) in
      let settings = try scanSettings(ctx, a)
      let r = try Bind.run(ctx) {
        try DAM.capacity(
          order: try intArg(a, "n"), settings: settings, initialOverlap: try a.number("m0"),
          lower: try a.number("lower"), upper: try a.number("upper"),
          tolerance: try a.number("tolerance"),
          cancellation: ctx.interpreter.cancellation, progress: Bind.progress(ctx, "dam.capacity"))
      }
      return Bind.record([
        ("alpha_c", .number(r.criticalAlpha)), ("horizon", .number(Double(r.horizon))),
        ("alphas", .vector(r.alphas)), ("m_final", .vector(r.finalOverlaps)),
      ])
    }

    let q = Builtins.make(
      "Q", module: m,
      [.required("j", .integer, "power j ≥ 0"), .required("c", .number, "correlation in [−1, 1]")],
      summary: "Q_j(c) = E[xʲ yʲ] for standard normals x, y with correlation c",
      doc: "Q_0 = 1, Q_1 = c, Q_2 = 1 + 2c², Q_3 = 9c + 6c³, …", reference: paper,
      example: "dam.Q(2, 0.5)"
    ) { ctx, a throws(LanguageError) in
      let j = try intArg(a, "j")
      let c = try a.number("c")
      return .number(try Bind.run(ctx) { try DAM.Q(j, correlation: c) })
    }

    let members = [simulate, theory, exact, basin, capacity, q].map {
      ($0.declaration.name, Value.function(Function($0)))
    }
    return Module(
      name: m,
      summary: "dense associative memory dynamics: simulation, GFA theory, basins, capacity",
      members: members)
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

  static func scanSettings(_ ctx: CallContext, _ a: Arguments) throws(LanguageError)
    -> DAM.ScanSettings
  {
    let name = try a.string("method")
    let method: DAM.ScanMethod
    switch name {
    case "gfa": method = .gfa
    case "sna": method = .sna
    case "sim", "simulation": method = .simulation
    default:
      throw a.error(
        "method",
        "\(a.declaration.qualifiedName): method expected \"gfa\", \"sna\" or \"sim\", found \"\(name)\""
      )
    }
    return try Bind.run(ctx) {
      try DAM.ScanSettings(
        steps: try intArg(a, "steps"), method: method,
        retrievalThreshold: try a.number("threshold"),
        samples: try intArg(a, "samples"), neurons: try intArg(a, "N"),
        trials: try intArg(a, "trials"),
        seed: try Bind.seed(a), threads: try intArg(a, "threads"))
    }
  }
}
