import Numerics

/// Help text generated from declarations: `help(x)`, `:help name`, `apropos("word")`.
public enum Help {
  /// The overview shown by `:help` with no argument.
  public static func overview(_ interp: Interpreter) -> String {
    var lines = [
      "Replica — type an expression to evaluate it; `help(name)` explains a function or module.",
      "",
      "Modules:",
    ]
    for m in interp.modules.values.sorted(by: { $0.name < $1.name }) {
      lines.append("  \(m.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(m.summary)")
    }
    let globals = interp.globalNames.compactMap { name -> String? in
      guard case .function(let f)? = interp.global(name), f.declaration?.module == nil,
        f.declaration != nil
      else { return nil }
      return name
    }
    lines.append("")
    lines.append("Global functions:")
    var line = " "
    for g in globals.sorted() {
      if line.count + g.count + 1 > 88 {
        lines.append(line)
        line = " "
      }
      line += " " + g
    }
    if line.count > 1 { lines.append(line) }
    lines.append("")
    lines.append("apropos(\"word\") searches every description.")
    return lines.joined(separator: "\n")
  }

  public static func text(for value: Value) -> String {
    switch value {
    case .function(let f):
      if let d = f.declaration { return text(for: d) }
      return "\(f.signature)\n  a user-defined function"
    case .module(let m):
      var lines = ["module \(m.name): \(m.summary)", ""]
      let width = m.memberNames.map(\.count).max() ?? 0
      for (name, v) in m.members {
        let summary: String
        if case .function(let f) = v, let d = f.declaration {
          summary = d.summary
        } else {
          summary = Display.inline(v)
        }
        lines.append("  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(summary)")
      }
      return lines.joined(separator: "\n")
    default:
      return "\(value.shapeDescription): \(Display.inline(value))"
    }
  }

  public static func text(for d: BuiltinDeclaration) -> String {
    var lines = [d.signature, "  \(d.summary)"]
    if !d.parameters.isEmpty || d.variadic != nil {
      lines.append("")
      lines.append("Parameters:")
      let all = d.parameters + (d.variadic.map { [$0] } ?? [])
      let width = all.map(\.name.count).max() ?? 0
      for p in all {
        var s =
          "  \(p.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(p.type.rawValue)"
        if let def = p.defaultValue {
          s += " = \(Display.inline(def))"
        } else if !p.isOptional {
          s += " (required)"
        }
        if let u = p.unit { s += " [\(u)]" }
        s += " — \(p.doc)"
        lines.append(s)
      }
    }
    if !d.returns.isEmpty {
      lines.append("")
      lines.append("Returns: \(d.returns)")
    }
    if !d.returnFields.isEmpty {
      let width = d.returnFields.map(\.0.count).max() ?? 0
      for (n, doc) in d.returnFields {
        lines.append("  .\(n.padding(toLength: width, withPad: " ", startingAt: 0))  \(doc)")
      }
    }
    if !d.doc.isEmpty {
      lines.append("")
      lines.append(contentsOf: wrap(d.doc))
    }
    if let r = d.reference {
      lines.append("")
      lines.append(contentsOf: wrap("Reference: \(r)"))
    }
    if let e = d.example {
      lines.append("")
      lines.append("Example:")
      lines.append("  \(e)")
    }
    return lines.joined(separator: "\n")
  }

  /// Splits text into lines of at most `width` characters at spaces.
  static func wrap(_ text: String, width: Int = 88) -> [String] {
    var lines: [String] = []
    for paragraph in text.components(separatedBy: "\n") {
      var line = ""
      for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
        if !line.isEmpty && line.count + 1 + word.count > width {
          lines.append(line)
          line = String(word)
        } else {
          line = line.isEmpty ? String(word) : line + " " + word
        }
      }
      lines.append(line)
    }
    return lines
  }

  /// Every declaration whose name or text mentions `word` (case-insensitive).
  public static func apropos(_ word: String, _ interp: Interpreter) -> [(String, String)] {
    let w = word.lowercased()
    var out: [(String, String)] = []
    var seen = Set<String>()
    func consider(_ d: BuiltinDeclaration) {
      let name = d.qualifiedName
      guard !seen.contains(name) else { return }
      let hay = ([name, d.summary, d.doc, d.returns, d.reference ?? ""] + d.parameters.map(\.doc))
        .joined(separator: " ").lowercased()
      if hay.contains(w) {
        seen.insert(name)
        out.append((name, d.summary))
      }
    }
    for m in interp.modules.values {
      for (_, v) in m.members {
        if case .function(let f) = v, let d = f.declaration { consider(d) }
      }
    }
    for name in interp.globalNames {
      if case .function(let f)? = interp.global(name), let d = f.declaration { consider(d) }
    }
    return out.sorted { $0.0 < $1.0 }
  }
}

extension Builtins {
  static func helpBuiltin() -> Builtin {
    make(
      "help", [.absent("x", .any, "a function or module (absent: the overview)")],
      summary:
        "explains a function or module: signature, parameters with defaults and units, returned fields, reference, example",
      example: "help(linspace)"
    ) { ctx, a throws(LanguageError) in
      let text = a["x"].map { Help.text(for: $0) } ?? Help.overview(ctx.interpreter)
      ctx.interpreter.configuration.output(text + "\n")
      return .nil
    }
  }

  static func aproposBuiltin() -> Builtin {
    make(
      "apropos", [.required("word", .string, "text to look for")],
      summary: "lists functions whose name or documentation mentions a word"
    ) { ctx, a throws(LanguageError) in
      let hits = Help.apropos(try a.string("word"), ctx.interpreter)
      let width = hits.map(\.0.count).max() ?? 0
      let text =
        hits.isEmpty
        ? "no function mentions \"\(try a.string("word"))\""
        : hits.map { "\($0.0.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.1)" }
          .joined(separator: "\n")
      ctx.interpreter.configuration.output(text + "\n")
      return .nil
    }
  }
}
