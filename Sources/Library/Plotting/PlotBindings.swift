import Foundation
import Language
import Numerics
import Plotting

/// The pyplot-like plotting surface of plotting.md. Every global acts on the current
/// figure (made on first use); each is also a method of figure values (`f.plot(...)`).
enum PlotBindings {
  static let currentKey = "plot.current"

  /// The figure the globals draw on, created on first use.
  static func current(_ interp: Interpreter) -> FigureBox {
    if let b = interp.libraryState[currentKey] as? FigureBox { return b }
    let b = FigureBox(Figure())
    interp.libraryState[currentKey] = b
    return b
  }

  /// A plotting operation on a figure. `a` holds the declared arguments (without the
  /// receiver).
  typealias Operation = (CallContext, FigureBox, Arguments) throws(LanguageError) -> Value

  struct Spec {
    let name: String
    let parameters: [ParameterSpec]
    let summary: String
    let example: String?
    let operation: Operation
  }

  static func plotError(_ e: any Error, _ span: SourceSpan?) -> LanguageError {
    if let l = e as? LanguageError { return l }
    return LanguageError(.value, "\(e)", span: span)
  }

  /// Applies a change to the spec, validating it; on error the spec is left unchanged.
  static func change(_ ctx: CallContext, _ box: FigureBox, _ body: (inout Figure) throws -> Void)
    throws(LanguageError)
  {
    var f = box.figure
    do {
      try body(&f)
      _ = try f.validate()
    } catch {
      throw plotError(error, ctx.span)
    }
    box.figure = f
  }

  static func vec(_ a: Arguments, _ name: String) throws(LanguageError) -> Vector {
    try a.vector(name)
  }

  static func optString(_ a: Arguments, _ name: String) -> String? {
    if case .string(let s)? = a[name] { return s }
    return nil
  }

  static func matrixArg(_ a: Arguments, _ name: String) throws(LanguageError) -> PlotMatrix {
    switch a[name] {
    case .matrix(let m)?: return PlotMatrix(m)
    case .vector(let v)?: return PlotMatrix(rows: 1, cols: v.count, values: v.elements)
    default: throw a.error(name, "expected a matrix", kind: .type)
    }
  }

  static let label = ParameterSpec.absent("label", .string, "legend entry")
  static let color = ParameterSpec.absent(
    "color", .string, "C0…C9 (colour-blind-safe cycle), a name or #rrggbb")

  nonisolated(unsafe) static let specs: [Spec] = [
    Spec(
      name: "plot",
      parameters: [
        .required("x", .vector, "abscissae"), .required("y", .vector, "ordinates (same length)"),
        label,
        .optional(
          "style", .string, default: .string("-"), "line style: - -- : -. or \"\" for none"),
        .optional("marker", .string, default: .string(""), "marker: o s ^ x + . or \"\""), color,
        .absent("width", .number, unit: "pt", "line width"),
      ], summary: "a line (with optional markers)",
      example: "plot(t, m, label=\"theory\", marker=\"o\")"
    ) { ctx, box, a throws(LanguageError) in
      let x = try vec(a, "x")
      let y = try vec(a, "y")
      let style = try a.string("style")
      let marker = try a.string("marker")
      try change(ctx, box) {
        $0.plot(
          x, y, label: optString(a, "label"), style: style, marker: marker,
          color: optString(a, "color"),
          width: a.optionalNumber("width"))
      }
      return .nil
    },
    Spec(
      name: "scatter",
      parameters: [
        .required("x", .vector, "abscissae"), .required("y", .vector, "ordinates"),
        .absent("size", .number, unit: "pt", "marker size"),
        .optional("marker", .string, default: .string("o"), "marker shape"), color, label,
      ], summary: "markers without a line", example: nil
    ) { ctx, box, a throws(LanguageError) in
      let x = try vec(a, "x")
      let y = try vec(a, "y")
      let marker = try a.string("marker")
      try change(ctx, box) {
        $0.scatter(
          x, y, size: a.optionalNumber("size"), marker: marker, color: optString(a, "color"),
          label: optString(a, "label"))
      }
      return .nil
    },
    Spec(
      name: "errorbar",
      parameters: [
        .required("x", .vector, "abscissae"), .required("y", .vector, "ordinates"),
        .required("yerr", .vector, "half-widths of the error bars"), label,
        .optional("marker", .string, default: .string("o"), "marker shape"),
        .optional("style", .string, default: .string(""), "line style joining the points"), color,
      ], summary: "points with vertical error bars",
      example: "errorbar(t, r.m, r.se, label=\"simulation\")"
    ) { ctx, box, a throws(LanguageError) in
      let x = try vec(a, "x")
      let y = try vec(a, "y")
      let e = try vec(a, "yerr")
      let marker = try a.string("marker")
      let style = try a.string("style")
      try change(ctx, box) {
        $0.errorbar(
          x, y, e, label: optString(a, "label"), marker: marker, style: style,
          color: optString(a, "color"))
      }
      return .nil
    },
    Spec(
      name: "band",
      parameters: [
        .required("x", .vector, "abscissae"), .required("lo", .vector, "lower edge"),
        .required("hi", .vector, "upper edge"),
        .optional("alpha", .number, default: .number(0.3), "opacity in [0, 1]"), color, label,
      ], summary: "a shaded band between lo and hi (e.g. mean ± sd over seeds)", example: nil
    ) { ctx, box, a throws(LanguageError) in
      let x = try vec(a, "x")
      let lo = try vec(a, "lo")
      let hi = try vec(a, "hi")
      let alpha = try a.number("alpha")
      try change(ctx, box) {
        $0.band(x, lo, hi, alpha: alpha, color: optString(a, "color"), label: optString(a, "label"))
      }
      return .nil
    },
    Spec(
      name: "hist",
      parameters: [
        .required("v", .vector, "values"),
        .optional("bins", .integer, default: .number(10), "number of bins"),
        .optional("density", .bool, default: .bool(false), "normalise to a density"), color, label,
      ], summary: "a histogram", example: "hist(randn(1000, seed=1), bins=30, density=true)"
    ) { ctx, box, a throws(LanguageError) in
      let v = try vec(a, "v")
      let bins = try a.int("bins")
      let density = try a.bool("density")
      try change(ctx, box) {
        $0.hist(
          v, bins: bins, density: density, color: optString(a, "color"),
          label: optString(a, "label"))
      }
      return .nil
    },
    Spec(
      name: "heatmap",
      parameters: [
        .required("M", .array, "values (rows along y, columns along x)"),
        .absent("x", .vector, "column coordinates"), .absent("y", .vector, "row coordinates"),
        .optional(
          "cmap", .string, default: .string("viridis"), "viridis, magma, gray, coolwarm or RdBu"),
        .optional("colorbar", .bool, default: .bool(true), "draw a colour bar"),
        .absent("clabel", .string, "colour bar label"),
      ], summary: "a matrix as an image with a colour bar", example: nil
    ) { ctx, box, a throws(LanguageError) in
      let m = try matrixArg(a, "M")
      let cmap = try a.string("cmap")
      let bar = try a.bool("colorbar")
      let x = a["x"].flatMap { v -> [Double]? in
        if case .vector(let x) = v { return x.elements } else { return nil }
      }
      let y = a["y"].flatMap { v -> [Double]? in
        if case .vector(let y) = v { return y.elements } else { return nil }
      }
      try change(ctx, box) {
        $0.heatmap(m, x: x, y: y, cmap: cmap, colorbar: bar, colorbarLabel: optString(a, "clabel"))
      }
      return .nil
    },
    Spec(
      name: "contour",
      parameters: [
        .required("M", .array, "values"),
        .optional("levels", .any, default: .number(10), "number of levels or a vector of levels"),
        .absent("x", .vector, "column coordinates"), .absent("y", .vector, "row coordinates"),
        color, label,
      ], summary: "contour lines of a matrix", example: nil
    ) { ctx, box, a throws(LanguageError) in
      let m = try matrixArg(a, "M")
      let levels: ContourLevels
      switch a["levels"]! {
      case .number(let n): levels = .count(Int(n))
      case .vector(let v): levels = .values(v.elements)
      default: throw a.error("levels", "contour: levels expected a count or a vector", kind: .type)
      }
      let x = a["x"].flatMap { v -> [Double]? in
        if case .vector(let x) = v { return x.elements } else { return nil }
      }
      let y = a["y"].flatMap { v -> [Double]? in
        if case .vector(let y) = v { return y.elements } else { return nil }
      }
      try change(ctx, box) {
        $0.contour(
          m, x: x, y: y, levels: levels, color: optString(a, "color"), label: optString(a, "label"))
      }
      return .nil
    },
    Spec(
      name: "text",
      parameters: [
        .required("x", .number, "data x"), .required("y", .number, "data y"),
        .required("s", .string, "the text (TeX subset allowed)"), color,
      ], summary: "text at a data position", example: nil
    ) { ctx, box, a throws(LanguageError) in
      let x = try a.number("x")
      let y = try a.number("y")
      let s = try a.string("s")
      try change(ctx, box) { $0.text(x, y, s, color: optString(a, "color")) }
      return .nil
    },
    labelSpec("xlabel", "x-axis label (TeX subset: $\\alpha$, $m^2$, $x_i$, …)") { $0.xlabel($1) },
    labelSpec("ylabel", "y-axis label (TeX subset)") { $0.ylabel($1) },
    labelSpec("title", "panel title") { $0.title($1) },
    Spec(
      name: "legend",
      parameters: [
        .optional(
          "loc", .string, default: .string("best"),
          "best, upper right, upper left, lower left, lower right, outside, none")
      ],
      summary: "legend placement (default best: a corner free of data, else outside)", example: nil
    ) { ctx, box, a throws(LanguageError) in
      let loc = try a.string("loc")
      try change(ctx, box) { try $0.legend(loc) }
      return .nil
    },
    scaleSpec("xscale") { try $0.xscale($1) },
    scaleSpec("yscale") { try $0.yscale($1) },
    limitSpec("xlim") { $0.xlim($1, $2) },
    limitSpec("ylim") { $0.ylim($1, $2) },
    Spec(
      name: "subplot",
      parameters: [
        .required("rows", .integer, "rows of panels"),
        .required("cols", .integer, "columns of panels"),
        .required("index", .integer, "panel to draw on, 1-based, row by row (as pyplot)"),
      ], summary: "chooses the panel that later calls draw on", example: "subplot(2, 2, 1)"
    ) { ctx, box, a throws(LanguageError) in
      let r = try a.int("rows")
      let c = try a.int("cols")
      let i = try a.int("index")
      try change(ctx, box) { try $0.subplot(r, c, i) }
      return .nil
    },
    Spec(
      name: "panel_letters",
      parameters: [.optional("on", .bool, default: .bool(true), "label panels (a), (b), …")],
      summary: "panel letters for multi-panel figures", example: nil
    ) { ctx, box, a throws(LanguageError) in
      let on = try a.bool("on")
      try change(ctx, box) { $0.panelLetters = on }
      return .nil
    },
    Spec(
      name: "sharex",
      parameters: [
        .optional("on", .bool, default: .bool(true), "share the x axis between panels of a column")
      ],
      summary: "shared x axes", example: nil
    ) { ctx, box, a throws(LanguageError) in
      let on = try a.bool("on")
      try change(ctx, box) { $0.shareX = on }
      return .nil
    },
    Spec(
      name: "sharey",
      parameters: [
        .optional("on", .bool, default: .bool(true), "share the y axis between panels of a row")
      ],
      summary: "shared y axes", example: nil
    ) { ctx, box, a throws(LanguageError) in
      let on = try a.bool("on")
      try change(ctx, box) { $0.shareY = on }
      return .nil
    },
    Spec(
      name: "savefig",
      parameters: [
        .required(
          "path", .string, "output file; the format comes from the extension: pdf, png, svg, eps"),
        .optional(
          "dpi", .number, default: .number(150), unit: "dots per inch", "resolution of PNG output"),
      ],
      summary: "renders the figure to a file and reports the path and the spec hash",
      example: "savefig(\"figures/overlap.pdf\")"
    ) { ctx, box, a throws(LanguageError) in
      try save(
        ctx, box, path: try a.string("path"), dpi: try a.number("dpi"),
        pathSpan: a.span(ofArgument: "path"))
      return .nil
    },
    Spec(
      name: "show",
      parameters: [
        .optional(
          "dpi", .number, default: .number(100), unit: "dots per inch",
          "pixels per inch of the window or PNG")
      ],
      summary:
        "shows the figure: in a window when $DISPLAY names a reachable X display (the prompt returns at once; press Enter in the window or close it), else as a PNG in a temporary folder whose path is printed",
      example: "show()"
    ) { ctx, box, a throws(LanguageError) in
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replica-figures")
      try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      let path = dir.appendingPathComponent("figure-\(box.specHash.prefix(12)).png").path
      let config = ctx.interpreter.configuration
      do {
        let r = try Renderer.show(
          box.figure, display: ProcessInfo.processInfo.environment["DISPLAY"], fallbackPath: path,
          dpi: try a.number("dpi"))
        for w in r.warnings { config.warning(w.description) }
        if let problem = r.windowProblem {
          config.warning("show: no window (\(problem)); writing a PNG instead")
        }
        switch r.shown {
        case .window(let pid):
          config.output(
            "figure shown in a window (process \(pid); press Enter in it or close it)\n")
        case .file(let p):
          config.output("figure shown as \(p)\n")
        }
      } catch {
        throw plotError(error, ctx.span)
      }
      return .nil
    },
  ]

  static func labelSpec(
    _ name: String, _ summary: String, _ apply: @escaping (inout Figure, String) -> Void
  ) -> Spec {
    Spec(
      name: name, parameters: [.required("s", .string, "the text")], summary: summary, example: nil
    ) {
      ctx, box, a throws(LanguageError) in
      let s = try a.string("s")
      try change(ctx, box) { apply(&$0, s) }
      return .nil
    }
  }

  static func scaleSpec(_ name: String, _ apply: @escaping (inout Figure, String) throws -> Void)
    -> Spec
  {
    Spec(
      name: name, parameters: [.required("scale", .string, "\"linear\" or \"log\"")],
      summary: "axis scale; log transforms the data and drops values ≤ 0 with a warning",
      example: nil
    ) { ctx, box, a throws(LanguageError) in
      let s = try a.string("scale")
      try change(ctx, box) { try apply(&$0, s) }
      return .nil
    }
  }

  static func limitSpec(_ name: String, _ apply: @escaping (inout Figure, Double, Double) -> Void)
    -> Spec
  {
    Spec(
      name: name,
      parameters: [
        .required("lo", .number, "lower limit"), .required("hi", .number, "upper limit"),
      ],
      summary: "axis limits", example: nil
    ) { ctx, box, a throws(LanguageError) in
      let lo = try a.number("lo")
      let hi = try a.number("hi")
      try change(ctx, box) { apply(&$0, lo, hi) }
      return .nil
    }
  }

  /// Renders after the sandbox check; prints `figure: PATH (sha256 HASH)`, the line
  /// notebooks record so `replica check` compares figures by their spec.
  static func save(
    _ ctx: CallContext, _ box: FigureBox, path: String, dpi: Double, pathSpan: SourceSpan?
  )
    throws(LanguageError)
  {
    try ctx.interpreter.configuration.fileAccess.checkWrite(path, span: pathSpan ?? ctx.span)
    let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
    if !FileManager.default.fileExists(atPath: dir.path) {
      do {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      } catch {
        throw LanguageError(
          .io, "savefig: cannot create the folder \(dir.path): \(error.localizedDescription)",
          span: pathSpan)
      }
    }
    do {
      for w in try Renderer.render(box.figure, to: path, dpi: dpi) {
        ctx.interpreter.configuration.warning(w.description)
      }
    } catch let e as PlotError {
      let kind: ErrorKind
      switch e {
      case .unwritablePath, .unsupportedFormat: kind = .io
      default: kind = .value
      }
      throw LanguageError(kind, "savefig: \(e)", span: pathSpan ?? ctx.span)
    } catch {
      throw plotError(error, ctx.span)
    }
    ctx.interpreter.configuration.output(
      "figure: \(path) (sha256 \(box.specHash.prefix(12)))\n")
  }

  /// Method builtins: the receiver comes first.
  static let methods: [String: Builtin] = {
    var out: [String: Builtin] = [:]
    for s in specs {
      let b = Builtins.make(
        s.name, module: "figure", [.required("self", .any, "the figure")] + s.parameters,
        summary: s.summary,
        example: s.example
      ) { ctx, a throws(LanguageError) in
        guard case .object(let o)? = a["self"], let f = o as? FigureValue else {
          throw LanguageError(.type, "expected a figure", span: ctx.span)
        }
        return try s.operation(ctx, f.box, a)
      }
      out[s.name] = b
    }
    let save = Builtins.make(
      "save", module: "figure",
      [
        .required("self", .any, "the figure"), .required("path", .string, "output file"),
        .optional("dpi", .number, default: .number(150), unit: "dots per inch", "PNG resolution"),
      ],
      summary: "renders the figure to a file (same as savefig)"
    ) { ctx, a throws(LanguageError) in
      guard case .object(let o)? = a["self"], let f = o as? FigureValue else {
        throw LanguageError(.type, "expected a figure", span: ctx.span)
      }
      try PlotBindings.save(
        ctx, f.box, path: try a.string("path"), dpi: try a.number("dpi"),
        pathSpan: a.span(ofArgument: "path"))
      return .nil
    }
    out["save"] = save
    return out
  }()

  static var methodNames: [String] { methods.keys.sorted() }

  static func register(into interp: Interpreter) {
    for s in specs {
      interp.define(
        Builtins.make(s.name, s.parameters, summary: s.summary, example: s.example) {
          ctx, a throws(LanguageError) in
          try s.operation(ctx, current(ctx.interpreter), a)
        })
    }
    interp.define(
      Builtins.make(
        "figure",
        [
          .optional("width", .number, default: .number(6), unit: "in", "width"),
          .optional("height", .number, default: .number(4), unit: "in", "height"),
          .optional(
            "style", .string, default: .string("paper"),
            "\"paper\" (8–9 pt text, thin lines) or \"slides\""),
        ],
        summary:
          "starts a new figure and makes it current; returns it (a handle, like matplotlib's)",
        example: "f = figure(width=7, height=5)"
      ) { ctx, a throws(LanguageError) in
        let w = try a.number("width")
        let h = try a.number("height")
        let name = try a.string("style")
        guard w > 0, h > 0, w <= 100, h <= 100 else {
          throw a.error(
            "width",
            "figure: width and height must be in (0, 100] inches, found \(Display.number(w))×\(Display.number(h))"
          )
        }
        let style: FigureStyle
        do { style = try FigureStyle(parsing: name) } catch {
          throw a.error("style", "figure: \(error)")
        }
        let box = FigureBox(Figure(width: w, height: h, style: style))
        ctx.interpreter.libraryState[currentKey] = box
        return .object(FigureValue(box))
      })
    interp.define(
      Builtins.make("gcf", [], summary: "the current figure") { ctx, _ throws(LanguageError) in
        .object(FigureValue(current(ctx.interpreter)))
      })
  }
}
