import Language
import Numerics
import VariationalReplica

/// The `vga` module: replica analysis with a variational Gaussian approximation on
/// empirical data.
///
/// T. Takahashi, "Variational Gaussian Approximation in Replica Analysis of Parametric
/// Models", J. Phys. Soc. Jpn. 94, 124801 (2025), arXiv 2509.11780; the theory as
/// reconstructed in ../shared/design/studies/variational-replica.md and checked in this
/// repository against the classical replica formulas and Poisson-resampling Monte Carlo.
///
/// A problem is a record with fields X, y (the pool) and Xtest, ytest (held-out points),
/// made by `vga.synthetic(...)` or `vga.split(...)`; the solvers take it first.
enum VariationalReplicaModule {
  static let paper =
    "Takahashi, Variational Gaussian Approximation in Replica Analysis of Parametric Models, J. Phys. Soc. Jpn. 94, 124801 (2025), arXiv 2509.11780"
  static let reconstruction =
    "No code was released and the full text was not available: the stationarity conditions (S1)–(S3) are a reconstruction from the abstract, validated against resampling (within about 1% for τ ≪ 1). Treat them as a tested hypothesis."

  static func make() -> Module {
    let m = "vga"
    let problem = ParameterSpec.required(
      "data", .record, "a problem {X, y, Xtest, ytest} from vga.synthetic or vga.split")
    let lambda = ParameterSpec.optional(
      "lambda", .number, default: .number(0.1), "ridge strength λ ≥ 0 (penalty λ|w|²/2)")
    let loss = ParameterSpec.optional(
      "loss", .string, default: .string("square"), "\"square\" (ridge) or \"logistic\" (labels ±1)")
    let solver: [ParameterSpec] = [
      lambda, loss,
      .optional(
        "ansatz", .string, default: .string("matrix"),
        "\"matrix\" (full C, Q) or \"scalar\" (C = χI, Q = qI; isotropic inputs only)"),
      .optional("points", .integer, default: .number(40), "Gauss–Hermite points (logistic)"),
      .optional("damping", .number, default: .number(0), "fixed-point damping in [0, 1)"),
      .optional("tol", .number, default: .number(1e-10), "fixed-point tolerance"),
    ]
    let sizes = ParameterSpec.required(
      "M", .vector, unit: "examples", "dataset sizes M ≤ M0 (τ = M/M0), increasing")

    let synthetic = Builtins.make(
      "synthetic", module: m,
      [
        .required("M0", .integer, unit: "examples", "pool size"),
        .optional("test", .integer, default: .number(1000), unit: "examples", "test set size"),
        .optional("d", .integer, default: .number(20), "input dimension"),
        .optional("sigma", .number, default: .number(0.5), "noise level σ"),
        .optional(
          "kappa", .number, default: .number(1),
          "anisotropy: input variances log-spaced over a factor κ (1: isotropic)"),
        loss,
        .optional("seed", .integer, default: .number(1), "seed (teacher, pool, test streams)"),
      ],
      summary: "a teacher–student problem: Gaussian inputs, linear teacher, noisy targets",
      returns: "record",
      returnFields: [
        ("X, y", "the pool, M0 × d and M0"), ("Xtest, ytest", "the held-out test set"),
        ("teacher", "w* with |w*|² = d"), ("spectrum", "input variances × d (mean 1)"),
      ],
      doc:
        "xᵢ ~ N(0, cᵢ/d), y = w*·x + σξ (square) or sign(w*·x + σξ) (logistic); κ = 1 is the isotropic case of the classical replica formulas.",
      reference: paper, example: "s = vga.synthetic(2000, test=1000, d=20, sigma=0.5, kappa=100)"
    ) { ctx, a throws(LanguageError) in
      let lossValue = try lossArg(a)
      let s = try Bind.run(ctx) {
        try VGA.synthetic(
          poolSize: try a.int("M0"), testSize: try a.int("test"), dimension: try a.int("d"),
          noise: try a.number("sigma"), anisotropy: try a.number("kappa"), loss: lossValue,
          seed: try Bind.seed(a))
      }
      return Bind.record(
        problemFields(s.pool, s.test) + [
          ("teacher", .vector(s.teacher)), ("spectrum", .vector(s.spectrum)),
        ])
    }

    let split = Builtins.make(
      "split", module: m,
      [
        .required("X", .any, "inputs: a matrix, or a table of numeric columns"),
        .required("y", .any, "targets: a vector, or a one-column table"),
        .required("test", .integer, unit: "examples", "rows held out as the test set"),
        .optional(
          "scale_y", .bool, default: .bool(true),
          "centre and scale the targets (regression); false for ±1 labels"),
        .optional("seed", .integer, default: .number(1), "seed of the shuffle"),
      ],
      summary: "a real dataset as a problem: shuffled, split, standardised with pool statistics",
      returns: "record",
      returnFields: [("X, y", "the pool"), ("Xtest, ytest", "the test set")],
      doc:
        "Input columns get mean 0 and variance 1/d over the pool (the theory's scale), targets mean 0 and variance 1 when scale_y.",
      reference: paper,
      example: "s = vga.split(readcsv(\"x.csv\"), readcsv(\"y.csv\"), test=100)"
    ) { ctx, a throws(LanguageError) in
      let x = try matrixArg(a, "X")
      let y = try vectorArg(a, "y")
      let s = try Bind.run(ctx) {
        try VGA.split(
          inputs: x, targets: y, testSize: try a.int("test"),
          scaleTargets: try a.bool("scale_y"), seed: try Bind.seed(a))
      }
      return Bind.record(problemFields(s.pool, s.test))
    }

    let solve = Builtins.make(
      "solve", module: m,
      [problem, .required("tau", .number, "sampling rate τ = M/M0 in (0, 1]")] + solver,
      summary: "the VGA stationarity conditions (S1)–(S3) at one sampling rate",
      returns: "record",
      returnFields: [
        ("tau, M", "sampling rate and expected dataset size"), ("m", "mean estimator"),
        ("C", "thermal covariance × β"), ("Q", "quenched covariance"),
        ("test, train", "expected test and training error"), ("gap", "test − train"),
        ("penalty", "Takeuchi's penalty κ tr(QC⁻¹)/M"),
        ("quenched, thermal", "tr Q/d and tr C/d"),
        ("iterations", "fixed-point iterations"), ("q_method", "how the Q-equation was solved"),
        ("test_misclass, train_misclass", "misclassification (logistic only; else nan)"),
      ],
      doc:
        "(S1) λm + τΣ x E[g] = 0, (S2) C⁻¹ = λI + τΣ E[∂g] xxᵀ, (S3) Q = C[τΣ E[g²] xxᵀ]C with g the derivative of the Moreau envelope at h = m·x + √(xᵀQx) z; errors are squared residuals (square) or the loss (logistic). \(reconstruction)",
      reference: "\(paper); design document (S1)–(S3)",
      example: "vga.solve(vga.synthetic(2000), tau=0.05, lambda=0.5).test"
    ) { ctx, a throws(LanguageError) in
      let (pool, test) = try problemArg(ctx, a)
      let settings = try settingsArg(ctx, a)
      let r = try Bind.run(ctx) {
        try VGA.solve(
          pool: pool, test: test, tau: try a.number("tau"), settings: settings,
          cancellation: ctx.interpreter.cancellation)
      }
      return Bind.record([
        ("tau", .number(r.tau)), ("M", .number(r.size)), ("m", .vector(r.mean)),
        ("C", .matrix(r.thermal)), ("Q", .matrix(r.quenched)), ("test", .number(r.testError)),
        ("train", .number(r.trainError)), ("gap", .number(r.gap)),
        ("penalty", .number(r.penalty)), ("quenched", .number(r.quenchedVariance)),
        ("thermal", .number(r.thermalVariance)),
        ("iterations", .number(Double(r.iterations + r.qIterations))),
        ("q_method", .string(r.qMethod)),
        ("test_misclass", .number(r.testMisclassification ?? .nan)),
        ("train_misclass", .number(r.trainMisclassification ?? .nan)),
      ])
    }

    let curve = Builtins.make(
      "curve", module: m, [problem, sizes] + solver,
      summary: "VGA learning curves from one pool: test, train, gap, variances against M",
      returns: "record", returnFields: curveFields(resampling: false),
      doc:
        "vga.solve at each τ = M/M0, warm-started from the previous size. \(reconstruction)",
      reference: paper,
      example: "vga.curve(vga.synthetic(2000), M=[50, 100, 200], lambda=0.5).test"
    ) { ctx, a throws(LanguageError) in
      let (pool, test) = try problemArg(ctx, a)
      let settings = try settingsArg(ctx, a)
      let sizes = try sizesArg(a)
      let c = try Bind.run(ctx) {
        try VGA.learningCurve(
          pool: pool, test: test, sizes: sizes, settings: settings,
          cancellation: ctx.interpreter.cancellation, progress: Bind.progress(ctx, "vga.curve"))
      }
      return curveRecord(c)
    }

    let resample = Builtins.make(
      "resample", module: m,
      [
        problem, sizes, lambda, loss,
        .optional("resamples", .integer, default: .number(400), "Poisson resamples per size"),
        .optional("seed", .integer, default: .number(1), "seed (size k uses seed + k)"),
      ],
      summary: "Poisson-resampling Monte Carlo on the same pool: the direct check of the VGA",
      returns: "record", returnFields: curveFields(resampling: true),
      doc:
        "Each pool example gets a Poisson(τ) multiplicity; the ridge-penalised estimator is fitted on each resample (logistic: Newton). Train and penalty are E[Σ n(...)]/M (grand-canonical).",
      reference: "\(paper); design document, Checks",
      example: "vga.resample(vga.synthetic(2000), M=[50, 100], lambda=0.5, resamples=200).test"
    ) { ctx, a throws(LanguageError) in
      let (pool, test) = try problemArg(ctx, a)
      let lossValue = try lossArg(a)
      let sizes = try sizesArg(a)
      let c = try Bind.run(ctx) {
        try VGA.resamplingCurve(
          pool: pool, test: test, sizes: sizes, lambda: try a.number("lambda"), loss: lossValue,
          resamples: try a.int("resamples"), seed: try Bind.seed(a),
          cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "vga.resample"))
      }
      return curveRecord(c)
    }

    let replica = Builtins.make(
      "replica", module: m,
      [
        .required("alpha", .any, "load α = M/d (a number or a vector)"),
        .optional("lambda", .number, default: .number(0.1), "ridge strength λ ≥ 0"),
        .optional("sigma", .number, default: .number(0.5), "noise level σ"),
      ],
      summary: "the classical replica formulas of ridge regression on isotropic Gaussian data",
      returns: "record",
      returnFields: [
        ("alpha", "the loads"), ("chi", "χ = 1/(λ + α/(1+χ))"), ("m", "teacher overlap"),
        ("q", "quenched variance"), ("bias", "(1 − m)²"), ("test", "σ² + bias + q"),
        ("train", "test/(1+χ)²"), ("penalty", "2q/(χα)"),
      ],
      doc:
        "x ~ N(0, I/d), |w*|² = d, d → ∞. χ = √2 − 1 at λ = 1, α = 2; λ = 0: test = σ²α/(α−1), train = σ²(1 − 1/α).",
      reference: "Krogh & Hertz, J. Phys. A 25, 1135 (1992); design document, Checks",
      example: "vga.replica(linspace(0.5, 4, 8), lambda=0.5).test"
    ) { ctx, a throws(LanguageError) in
      let alphas: Vector
      switch a["alpha"] {
      case .number(let x)?: alphas = [x]
      case .vector(let v)?: alphas = v
      default:
        throw a.error("alpha", "vga.replica: alpha expected a number or a vector", kind: .type)
      }
      let rows = try Bind.run(ctx) {
        try alphas.map {
          try VGA.ridgeReplica(
            alpha: $0, lambda: try a.number("lambda"), noise: try a.number("sigma"))
        }
      }
      func column(_ f: (VGA.RidgeReplica) -> Double) -> Value { .vector(Vector(rows.map(f))) }
      return Bind.record([
        ("alpha", .vector(alphas)), ("chi", column(\.chi)), ("m", column(\.overlap)),
        ("q", column(\.q)), ("bias", column(\.bias)), ("test", column(\.testError)),
        ("train", column(\.trainError)), ("penalty", column(\.penalty)),
      ])
    }

    let members = [synthetic, split, solve, curve, resample, replica].map {
      ($0.declaration.name, Value.function(Function($0)))
    }
    return Module(
      name: m,
      summary:
        "replica analysis with a variational Gaussian approximation: learning curves on real data",
      members: members)
  }

  static func problemFields(_ pool: VGA.Data, _ test: VGA.Data) -> [(String, Value)] {
    [
      ("X", .matrix(pool.inputs)), ("y", .vector(pool.targets)),
      ("Xtest", .matrix(test.inputs)), ("ytest", .vector(test.targets)),
    ]
  }

  static func curveFields(resampling: Bool) -> [(String, String)] {
    var fields: [(String, String)] = [
      ("M, tau", "sizes and sampling rates"), ("test, train", "test and training error"),
      ("gap", "test − train"), ("penalty", "Takeuchi's penalty"),
      ("quenched, thermal", "tr Q/d and tr C/d (resampling: tr Cov ŵ/d and E tr H⁻¹/d)"),
      ("test_misclass, train_misclass", "misclassification (logistic only)"),
    ]
    if resampling {
      fields.append(
        ("test_se, train_se, quenched_se, thermal_se, penalty_se", "standard errors"))
    } else {
      fields.append(("iterations, q_method", "solver effort and Q-equation method per size"))
    }
    return fields
  }

  static func curveRecord(_ c: VGA.LearningCurve) -> Value {
    var fields: [(String, Value)] = [
      ("M", .vector(c.sizes)), ("tau", .vector(c.tau)), ("test", .vector(c.testError)),
      ("train", .vector(c.trainError)), ("gap", .vector(c.gap)),
      ("penalty", .vector(c.penalty)), ("quenched", .vector(c.quenchedVariance)),
      ("thermal", .vector(c.thermalVariance)),
    ]
    if let v = c.testMisclassification { fields.append(("test_misclass", .vector(v))) }
    if let v = c.trainMisclassification { fields.append(("train_misclass", .vector(v))) }
    let errors: [(String, Vector?)] = [
      ("test_se", c.testSE), ("train_se", c.trainSE), ("quenched_se", c.quenchedSE),
      ("thermal_se", c.thermalSE), ("penalty_se", c.penaltySE),
    ]
    for (name, v) in errors { if let v { fields.append((name, .vector(v))) } }
    if let it = c.iterations {
      fields.append(("iterations", .vector(it)))
      fields.append(("q_method", .list(c.qMethods.map { .string($0) })))
    }
    return Bind.record(fields)
  }

  static func lossArg(_ a: Arguments) throws(LanguageError) -> VGA.Loss {
    let name = try a.string("loss")
    guard let loss = VGA.Loss(rawValue: name) else {
      throw a.error(
        "loss",
        "\(a.declaration.qualifiedName): loss expected \"square\" or \"logistic\", found \"\(name)\""
      )
    }
    return loss
  }

  static func settingsArg(_ ctx: CallContext, _ a: Arguments) throws(LanguageError)
    -> VGA.Settings
  {
    let lossValue = try lossArg(a)
    let name = try a.string("ansatz")
    guard let ansatz = VGA.Ansatz(rawValue: name) else {
      throw a.error(
        "ansatz",
        "\(a.declaration.qualifiedName): ansatz expected \"matrix\" or \"scalar\", found \"\(name)\""
      )
    }
    return try Bind.run(ctx) {
      try VGA.Settings(
        lambda: try a.number("lambda"), loss: lossValue, ansatz: ansatz,
        quadraturePoints: try a.int("points"), damping: try a.number("damping"),
        tolerance: try a.number("tol"))
    }
  }

  static func sizesArg(_ a: Arguments) throws(LanguageError) -> [Int] {
    try a.vector("M").map { x throws(LanguageError) in
      guard x.isFinite, x == x.rounded(), x >= 1, x < 1e12 else {
        throw a.error(
          "M",
          "\(a.declaration.qualifiedName): M expected positive integers, found \(Display.number(x))"
        )
      }
      return Int(x)
    }
  }

  static func problemArg(_ ctx: CallContext, _ a: Arguments) throws(LanguageError)
    -> (VGA.Data, VGA.Data)
  {
    guard case .record(let r)? = a["data"] else {
      throw a.error("data", "\(a.declaration.qualifiedName): data expected a record", kind: .type)
    }
    func field(_ name: String) throws(LanguageError) -> Value {
      guard let v = r[name] else {
        throw a.error(
          "data",
          "\(a.declaration.qualifiedName): data expected fields X, y, Xtest, ytest, found no '\(name)'",
          kind: .type)
      }
      return v
    }
    guard case .matrix(let x) = try field("X"), case .vector(let y) = try field("y"),
      case .matrix(let xt) = try field("Xtest"), case .vector(let yt) = try field("ytest")
    else {
      throw a.error(
        "data",
        "\(a.declaration.qualifiedName): data expected matrices X, Xtest and vectors y, ytest",
        kind: .type)
    }
    return try Bind.run(ctx) {
      (try VGA.Data(inputs: x, targets: y), try VGA.Data(inputs: xt, targets: yt))
    }
  }

  static func matrixArg(_ a: Arguments, _ name: String) throws(LanguageError) -> Matrix {
    switch a[name] {
    case .matrix(let x)?: return x
    case .object(let o)? where o is TableValue:
      let table = (o as! TableValue).table
      do { return try table.numericMatrix() } catch {
        throw Builtins.wrap(error, a.span(ofArgument: name))
      }
    default:
      throw a.error(
        name, "\(a.declaration.qualifiedName): \(name) expected a matrix or a table", kind: .type)
    }
  }

  static func vectorArg(_ a: Arguments, _ name: String) throws(LanguageError) -> Vector {
    if case .vector(let v)? = a[name] { return v }
    let x = try matrixArg(a, name)
    guard x.cols == 1 else {
      throw a.error(
        name,
        "\(a.declaration.qualifiedName): \(name) expected a vector or one column, found \(x.cols) columns"
      )
    }
    return x.column(0)
  }
}
