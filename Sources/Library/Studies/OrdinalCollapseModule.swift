import Language
import Numerics
import OrdinalCollapse

/// The `onc` module: neural collapse in cumulative link models for ordinal regression.
///
/// Ma, Obuchi & Tanaka, "Neural Collapse in Cumulative Link Models for Ordinal Regression:
/// An Analysis with Unconstrained Feature Model", NeurIPS 2025 (arXiv 2506.05801); the
/// equations of state are our derivation, consistent with the paper's abstract and checked
/// against direct UFM optimisation (../shared/design/studies/ordinal-collapse.md).
enum OrdinalCollapseModule {
  static let paper =
    "Ma, Obuchi & Tanaka, Neural Collapse in Cumulative Link Models for Ordinal Regression: An Analysis with Unconstrained Feature Model, NeurIPS 2025 (arXiv 2506.05801)"
  static let normalisation =
    "UFM objective L(H, w) = (1/N) Σᵢ ℓ(wᵀhᵢ; yᵢ) + (λ_h/2N) Σᵢ |hᵢ|² + (λ_w/2)|w|²; classes 0…Q−1 own (b_k, b_{k+1}]."
  static let derivation =
    "The paper's full text was not available: these equations are a derivation consistent with its abstract, verified against direct optimisation of the UFM."

  static func make() -> Module {
    let m = "onc"
    let b = ParameterSpec.required(
      "b", .vector, "thresholds b_0 < … < b_Q (b_0 may be -inf, b_Q may be inf)")
    let link = ParameterSpec.optional(
      "link", .string, default: .string("logit"), "\"logit\", \"probit\" or \"cloglog\"")
    let pi = ParameterSpec.absent(
      "pi", .vector, "class proportions (normalised; default balanced)")
    let lambdaH = ParameterSpec.optional(
      "lambda_h", .vector, default: .vector(Vector([1])),
      "feature regularisation λ_h (number or vector)")
    let lambdaW = ParameterSpec.required(
      "lambda_w", .vector, "classifier regularisation λ_w (number or vector)")
    let seed = ParameterSpec.optional(
      "seed", .integer, default: .number(1), "seed of the random starts / weights")

    let loss = Builtins.make(
      "loss", module: m,
      [
        .required("z", .vector, "latents"), .required("k", .integer, "class 0…Q−1"), b, link,
      ],
      summary: "the cumulative link loss ℓ(z; k) = −log[g(b_{k+1} − z) − g(b_k − z)] and ℓ′",
      returns: "record",
      returnFields: [
        ("loss", "ℓ(z; k)"), ("dloss", "ℓ′(z; k) = ∂ℓ/∂z"), ("logp", "log P_k(z)"),
      ],
      doc:
        "Stable in both tails (log σ(u) + log1p(−e^{log σ(l) − log σ(u)}) and its survival-side twin; tail-aware log Φ for probit). For logit ℓ′(z; k) = σ(z − b_{k+1}) − σ(b_k − z).",
      reference: "\(paper); CLM of McCullagh, J. R. Stat. Soc. B 42 (1980)",
      example: "onc.loss(linspace(-12, 12, 5), 1, [-10, -8, 3, 10])"
    ) { ctx, a throws(LanguageError) in
      let cl = try cumulativeLink(ctx, a)
      let k = try intArg(a, "k")
      let z = try a.vector("z")
      var l: [Double] = []
      var d: [Double] = []
      var p: [Double] = []
      for x in z.elements {
        l.append(try Bind.run(ctx) { try cl.loss(x, class: k) })
        d.append(try Bind.run(ctx) { try cl.derivative(x, class: k) })
        p.append(try Bind.run(ctx) { try cl.logProbability(x, class: k) })
      }
      return Bind.record([
        ("loss", .vector(Vector(l))), ("dloss", .vector(Vector(d))), ("logp", .vector(Vector(p))),
      ])
    }

    let critical = Builtins.make(
      "critical", module: m,
      [b, link, pi, .optional("lambda_h", .number, default: .number(1), "λ_h")],
      summary: "the critical constant C = Σ_k π_k ℓ′(0; k)² and λ_w,c = C/λ_h",
      returns: "record",
      returnFields: [
        ("C", "critical constant"), ("lambda_w_c", "C/λ_h"), ("dloss0", "ℓ′(0; k) per class"),
      ],
      doc:
        "A collapsed optimum with w ≠ 0 exists iff λ_h λ_w < C; above it the optimum is H = 0, w = 0. \(derivation)",
      reference: paper, example: "onc.critical([-10, -8, 3, 10]).C"
    ) { ctx, a throws(LanguageError) in
      let model = try model(ctx, a)
      let c = try Bind.run(ctx) { try model.criticalLambdaW(lambdaH: try a.number("lambda_h")) }
      let d = try (0..<model.loss.classes).map { k throws(LanguageError) in
        try Bind.run(ctx) { try model.loss.derivative(0, class: k) }
      }
      return Bind.record([
        ("C", .number(model.criticalConstant)), ("lambda_w_c", .number(c)),
        ("dloss0", .vector(Vector(d))),
      ])
    }

    let state = Builtins.make(
      "state", module: m, [b, link, pi, lambdaH, lambdaW],
      summary: "optimal latents z*_k and |w*| from the equations of state, through the transition",
      returns: "record",
      returnFields: [
        ("lambda_h", "λ_h per point"), ("lambda_w", "λ_w per point"),
        ("kappa", "κ = √(λ_h λ_w)"), ("z", "points × Q matrix of optimal class latents"),
        ("w_norm", "|w*| per point"), ("h_norm", "points × Q matrix of |h*_k|"),
        ("collapsed", "1 where w* ≠ 0, 0 where the optimum is trivial"),
        ("objective", "optimal L per point"),
      ],
      doc:
        "Equations of state z_k + (s/λ_h) ℓ′(z_k; k) = 0, s² = (λ_h/λ_w) Σ π_k z_k² (s = |w|²); z* depends on κ only and |w*| = (λ_h/λ_w)^{1/4}(Σπz²)^{1/4}. Vectors of λ_h and λ_w are paired (a number is repeated). \(normalisation) \(derivation)",
      reference: paper,
      example: "onc.state([-10, -8, 3, 10], lambda_w=0.3).z"
    ) { ctx, a throws(LanguageError) in
      let model = try model(ctx, a)
      let lh = try a.vector("lambda_h")
      let lw = try a.vector("lambda_w")
      let s = try Bind.run(ctx) {
        try ONC.scanState(
          model, lambdaH: lh, lambdaW: lw, cancellation: ctx.interpreter.cancellation)
      }
      let q = model.loss.classes
      var hNorm = s.latents
      for i in 0..<s.latents.rows {
        for k in 0..<q {
          hNorm[i, k] = s.weightNorm[i] > 0 ? abs(s.latents[i, k]) / s.weightNorm[i] : 0
        }
      }
      let kappa = Vector((0..<s.lambdaH.count).map { (s.lambdaH[$0] * s.lambdaW[$0]).squareRoot() })
      return Bind.record([
        ("lambda_h", .vector(s.lambdaH)), ("lambda_w", .vector(s.lambdaW)),
        ("kappa", .vector(kappa)), ("z", .matrix(s.latents)), ("w_norm", .vector(s.weightNorm)),
        ("h_norm", .matrix(hNorm)), ("collapsed", .vector(s.collapsed)),
        ("objective", .vector(s.objective)),
      ])
    }

    let limit = Builtins.make(
      "limit", module: m, [b, link],
      summary: "the κ → 0 limit of the optimal latents (loss minimisers) and the class midpoints",
      returns: "record",
      returnFields: [
        ("z", "argmin ℓ(·; k) per class (±inf for an outer class with an infinite threshold)"),
        ("midpoints", "(b_k + b_{k+1})/2 (nan where a threshold is infinite)"),
      ],
      doc:
        "ONC3: with a symmetric link (logit, probit) the limits are the midpoints; cloglog is asymmetric. Outer latents with infinite thresholds diverge like log(1/κ).",
      reference: paper, example: "onc.limit([-10, -8, 3, 10]).z"
    ) { ctx, a throws(LanguageError) in
      let cl = try cumulativeLink(ctx, a)
      let z = try Bind.run(ctx) { try ONC.Model(loss: cl).limitLatents() }
      return Bind.record([
        ("z", .vector(z)), ("midpoints", .vector(Vector(cl.midpoints.map { $0 ?? .nan }))),
      ])
    }

    let ufm = Builtins.make(
      "ufm", module: m,
      [
        b, link,
        .required("counts", .vector, unit: "samples", "samples per class n_k (N = Σ n_k)"),
        .optional("d", .integer, default: .number(16), "feature dimension"),
        .optional("lambda_h", .number, default: .number(1), "λ_h"),
        .required("lambda_w", .number, "λ_w"),
        .optional("restarts", .integer, default: .number(4), "random starts (best kept)"),
        .optional(
          "tol", .number, default: .number(1e-9), "gradient tolerance ‖∇L‖_∞ (scaled variables)"),
        .optional("max_iter", .integer, default: .number(20_000), "L-BFGS steps per start"),
        seed,
      ],
      summary: "minimises the unconstrained feature model by L-BFGS with random restarts",
      returns: "record",
      returnFields: [
        ("z_mean", "class-mean latents"), ("w_norm", "|w|"), ("objective", "L at the optimum"),
        ("grad_norm", "‖∇L‖_∞"), ("converged", "gradient tolerance met"),
        ("iterations", "L-BFGS steps of the best start"), ("starts", "final L of every start"),
        ("H", "N × d features"), ("w", "classifier"), ("z", "per-sample latents"),
        ("y", "labels"), ("nc1", "tr(Σ_W Σ_B⁺)/Q (nan at the trivial optimum)"),
        ("within_between", "tr Σ_W / tr Σ_B"), ("onc2", "share of Σ_B along w"),
        ("ordered", "fraction of ordered consecutive class-mean latents"),
        ("midpoint_distance", "mean |z̄_k − midpoint_k| over finite classes"),
      ],
      doc:
        "Optimises hᵢ/√N and w (balanced Hessian blocks); compare with onc.state(pi=counts). \(normalisation)",
      reference: "\(paper); L-BFGS: Nocedal & Wright (2006), Alg. 7.5",
      example:
        "r = onc.ufm([-10, -8, 3, 10], counts=[10, 10, 10], d=8, lambda_w=0.3, restarts=2)"
    ) { ctx, a throws(LanguageError) in
      let cl = try cumulativeLink(ctx, a)
      let counts = try a.vector("counts").elements
      var intCounts: [Int] = []
      for c in counts {
        guard c.isFinite, c == c.rounded(), c >= 1, c < 1e9 else {
          throw a.error(
            "counts", "onc.ufm: counts expected positive integers, found \(Display.number(c))")
        }
        intCounts.append(Int(c))
      }
      let p = try Bind.run(ctx) {
        try ONC.UFMParameters(
          loss: cl, classCounts: intCounts, dimension: try intArg(a, "d"),
          lambdaH: try a.number("lambda_h"), lambdaW: try a.number("lambda_w"),
          restarts: try intArg(a, "restarts"), gradientTolerance: try a.number("tol"),
          maxIterations: try intArg(a, "max_iter"), seed: try Bind.seed(a))
      }
      let r = try Bind.run(ctx) {
        try ONC.optimizeUFM(
          p, cancellation: ctx.interpreter.cancellation, progress: Bind.progress(ctx, "onc.ufm"))
      }
      return Bind.record(
        [
          ("z_mean", .vector(r.classMeanLatents)), ("w_norm", .number(r.weightNorm)),
          ("objective", .number(r.objective)), ("grad_norm", .number(r.gradientNorm)),
          ("converged", .bool(r.converged)), ("iterations", .number(Double(r.iterations))),
          ("starts", .vector(r.startObjectives)), ("H", .matrix(r.features)),
          ("w", .vector(r.weights)), ("z", .vector(r.latents)),
          ("y", .vector(Vector(r.labels.map(Double.init)))),
        ] + metricFields(r.metrics))
    }

    let data = Builtins.make(
      "data", module: m,
      [
        .required("N", .integer, unit: "samples", "number of samples"),
        .optional("p", .integer, default: .number(8), "input dimension"),
        .optional("Q", .integer, default: .number(3), "number of classes"),
        .optional("noise", .number, default: .number(0.2), "noise σ on the latent score"),
        seed,
      ],
      summary: "synthetic ordinal data: Gaussian inputs, labels by quantiles of a noisy score",
      returns: "record",
      returnFields: [("X", "N × p inputs"), ("y", "labels 0…Q−1 (balanced)")],
      doc: "xᵢ ~ N(0, I), tᵢ = βᵀxᵢ/|β| + σξᵢ, class by rank of t in Q equal bins.",
      reference: paper, example: "d = onc.data(N=90, p=4, Q=3, seed=2)"
    ) { ctx, a throws(LanguageError) in
      let d = try Bind.run(ctx) {
        try ONC.syntheticData(
          samples: try intArg(a, "N"), inputs: try intArg(a, "p"), classes: try intArg(a, "Q"),
          noise: try a.number("noise"), seed: try Bind.seed(a))
      }
      return Bind.record([
        ("X", .matrix(d.inputs)), ("y", .vector(Vector(d.labels.map(Double.init)))),
      ])
    }

    let train = Builtins.make(
      "train", module: m,
      [
        .required("X", .matrix, "N × p inputs"), .required("y", .vector, "labels 0…Q−1"), b, link,
        .optional("hidden", .vector, default: .vector(Vector([32, 16])), "hidden layer widths"),
        .optional("activation", .string, default: .string("tanh"), "\"tanh\" or \"relu\""),
        .optional(
          "learn_thresholds", .bool, default: .bool(false),
          "learn b_1…b_{Q−1} (ordered; needs b_0 = -inf, b_Q = inf)"),
        .optional("weight_decay", .number, default: .number(1e-3), "λ on weights, biases and w"),
        .optional("lr", .number, default: .number(0.1), "gradient-descent step"),
        .required("epochs", .integer, "full-batch steps"),
        .optional("snapshots", .vector, default: .vector(Vector([])), "epochs to project"),
        .optional("rtol", .number, default: .number(1e-6), "relative cut-off of Σ_B⁺ in NC1"),
        seed,
      ],
      summary: "trains an MLP with a CLM head by full-batch gradient descent, tracking collapse",
      returns: "record",
      returnFields: [
        ("epoch", "0…epochs"), ("objective", "loss + weight decay"), ("loss", "data loss"),
        ("accuracy", "fraction in their class interval"), ("nc1", "tr(Σ_W Σ_B⁺)/Q"),
        ("within_between", "tr Σ_W / tr Σ_B (the rank caveat)"),
        ("onc2", "share of between-class energy along w"),
        ("ordered", "fraction of ordered consecutive class means"),
        ("midpoint_distance", "mean |z̄_k − midpoint_k| (nan if no finite class)"),
        ("z_mean", "(epochs+1) × Q class-mean latents"),
        ("thresholds", "(epochs+1) × (Q−1) interior thresholds"),
        ("H", "final features"), ("z", "final latents"), ("w", "final classifier"),
        ("snapshot_epochs", "epochs of the projections"),
        ("projections", "list of N × 2 features on (ŵ, leading orthogonal direction)"),
      ],
      doc:
        "Gradients derived by hand (backpropagation; thresholds b_1 = θ_1, b_j = b_{j−1} + e^{θ_j}) and checked against finite differences in the tests. Metrics at every epoch on the last hidden layer: NC1 uses Σ_B⁺, which has rank 1 under ONC, so tr Σ_W/tr Σ_B is reported too.",
      reference: paper,
      example:
        "d = onc.data(N=60, p=4); r = onc.train(d.X, d.y, [-inf, -1, 1, inf], epochs=50, hidden=[16, 8])"
    ) { ctx, a throws(LanguageError) in
      let thresholds = try a.vector("b").elements
      let q = thresholds.count - 1
      let labels = try labelArg(a, "y")
      var hidden: [Int] = []
      for h in try a.vector("hidden").elements {
        guard h.isFinite, h == h.rounded(), h >= 1, h < 1e6 else {
          throw a.error(
            "hidden",
            "onc.train: hidden expected positive integer widths, found \(Display.number(h))")
        }
        hidden.append(Int(h))
      }
      var snapshots: [Int] = []
      for s in try a.vector("snapshots").elements {
        guard s.isFinite, s == s.rounded(), s >= 0, s < 1e9 else {
          throw a.error(
            "snapshots", "onc.train: snapshots expected epochs ≥ 0, found \(Display.number(s))")
        }
        snapshots.append(Int(s))
      }
      let actName = try a.string("activation")
      guard let activation = ONC.Activation(rawValue: actName) else {
        throw a.error(
          "activation", "onc.train: activation expected \"tanh\" or \"relu\", found \"\(actName)\"")
      }
      let linkValue = try parseLink(a)
      let p = try Bind.run(ctx) {
        try ONC.TrainingParameters(
          hidden: hidden, activation: activation, link: linkValue, thresholds: thresholds,
          learnThresholds: try a.bool("learn_thresholds"),
          weightDecay: try a.number("weight_decay"),
          learningRate: try a.number("lr"), epochs: try intArg(a, "epochs"),
          seed: try Bind.seed(a), snapshots: snapshots, rankTolerance: try a.number("rtol"))
      }
      let data = try Bind.run(ctx) {
        try ONC.OrdinalData(inputs: try a.matrix("X"), labels: labels, classes: q)
      }
      let r = try Bind.run(ctx) {
        try ONC.train(
          data, p, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "onc.train"))
      }
      let midpoint = r.midpointDistance ?? Vector(count: r.epochs.count, repeating: .nan)
      return Bind.record([
        ("epoch", .vector(r.epochs)), ("objective", .vector(r.objective)),
        ("loss", .vector(r.dataLoss)), ("accuracy", .vector(r.accuracy)),
        ("nc1", .vector(r.nc1)), ("within_between", .vector(r.withinBetween)),
        ("onc2", .vector(r.onc2)), ("ordered", .vector(r.orderedFraction)),
        ("midpoint_distance", .vector(midpoint)), ("z_mean", .matrix(r.classMeanLatents)),
        ("thresholds", .matrix(r.thresholds)), ("H", .matrix(r.features)),
        ("z", .vector(r.latents)), ("w", .vector(r.weights)),
        ("snapshot_epochs", .vector(Vector(r.snapshotEpochs.map(Double.init)))),
        ("projections", .list(r.projections.map { .matrix($0) })),
      ])
    }

    let members = [loss, critical, state, limit, ufm, data, train].map {
      ($0.declaration.name, Value.function(Function($0)))
    }
    return Module(
      name: m,
      summary:
        "ordinal neural collapse: CLM losses, equations of state, UFM optimisation, MLP training",
      members: members)
  }

  /// The collapse metrics as record fields, nan when undefined (trivial optimum).
  static func metricFields(_ m: ONC.CollapseMetrics?) -> [(String, Value)] {
    [
      ("nc1", .number(m?.nc1 ?? .nan)), ("within_between", .number(m?.withinBetween ?? .nan)),
      ("onc2", .number(m?.onc2 ?? .nan)), ("ordered", .number(m?.orderedFraction ?? .nan)),
      ("midpoint_distance", .number(m?.midpointDistance ?? .nan)),
    ]
  }

  static func parseLink(_ a: Arguments) throws(LanguageError) -> ONC.Link {
    let name = try a.string("link")
    guard let link = ONC.Link(rawValue: name) else {
      throw a.error(
        "link",
        "\(a.declaration.qualifiedName): link expected \"logit\", \"probit\" or \"cloglog\", found \"\(name)\""
      )
    }
    return link
  }

  static func cumulativeLink(_ ctx: CallContext, _ a: Arguments) throws(LanguageError)
    -> ONC.CumulativeLink
  {
    let link = try parseLink(a)
    let b = try a.vector("b").elements
    return try Bind.run(ctx) { try ONC.CumulativeLink(link: link, thresholds: b) }
  }

  static func model(_ ctx: CallContext, _ a: Arguments) throws(LanguageError) -> ONC.Model {
    let cl = try cumulativeLink(ctx, a)
    guard case .vector(let pi)? = a["pi"] else { return ONC.Model(loss: cl) }
    return try Bind.run(ctx) { try ONC.Model(loss: cl, proportions: pi.elements) }
  }

  static func labelArg(_ a: Arguments, _ name: String) throws(LanguageError) -> [Int] {
    var out: [Int] = []
    for y in try a.vector(name).elements {
      guard y.isFinite, y == y.rounded(), y >= 0, y < 1e6 else {
        throw a.error(
          name,
          "\(a.declaration.qualifiedName): '\(name)' expected class labels 0, 1, …, found \(Display.number(y))"
        )
      }
      out.append(Int(y))
    }
    return out
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
