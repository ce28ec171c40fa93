import Language

/// A notebook's declared results: `result(name=value, …)`.
///
/// A parameter sweep (`replica sweep`) runs a notebook once per point and gathers each
/// run's results into one table, the parameters as columns. `result` records scalar
/// values (numbers, strings, bools) under their names in the interpreter's library
/// state, in order of first declaration; declaring a name again replaces its value.
/// It also prints `result: name = value`, so the run's output (and a notebook's `#>`
/// lines) shows what was declared and `replica check` compares it.
public enum Results {
  /// One declared value: a number, or text (strings, and `true`/`false` for bools).
  public enum Entry: Sendable, Equatable {
    case number(Double)
    case text(String)
  }

  /// Names a result may not take: the sweep's point-number column.
  static let reserved: Set<String> = ["point"]

  static let key = "results"

  final class Store {
    var names: [String] = []
    var values: [String: Entry] = [:]
  }

  /// The results declared so far in `interp`, in order of first declaration.
  public static func collected(in interp: Interpreter) -> [(name: String, value: Entry)] {
    guard let store = interp.libraryState[key] as? Store else { return [] }
    return store.names.compactMap { n in store.values[n].map { (n, $0) } }
  }

  static func store(_ interp: Interpreter) -> Store {
    if let s = interp.libraryState[key] as? Store { return s }
    let s = Store()
    interp.libraryState[key] = s
    return s
  }

  /// The `result` builtin.
  static func builtin() -> Builtin {
    Builtins.make(
      "result", [], extraKeywords: true,
      summary: "declares named results of this notebook run, gathered by `replica sweep collect`",
      returns: "nil",
      doc:
        "Each keyword is one result: a number, string or bool (a curve belongs in a file written with writecsv). Results are recorded in order; declaring a name again replaces its value. Names may not repeat a `param` (parameters are columns of the collected table already) or be `point`. Prints `result: name = value` for each.",
      example: "result(m_final=r.m[-1], retrieved=r.m[-1] > 0.9)"
    ) { ctx, a throws(LanguageError) in
      guard !a.extraKeywords.isEmpty else {
        throw LanguageError(
          .argument, "result expects one or more name=value arguments, found none",
          span: ctx.span)
      }
      let interp = ctx.interpreter
      var entries: [(String, Entry)] = []
      for (name, value) in a.extraKeywords {
        if reserved.contains(name) || interp.declaredParameters[name] != nil {
          throw LanguageError(
            .argument,
            "result name '\(name)' is taken: \(reserved.contains(name) ? "'point' numbers the rows of a sweep's table" : "it is a param of this notebook, so it is a column of the collected table already")",
            span: ctx.span, suggestion: "choose another name, e.g. '\(name)_result'")
        }
        switch value {
        case .number(let x): entries.append((name, .number(x)))
        case .string(let s): entries.append((name, .text(s)))
        case .bool(let b): entries.append((name, .text(b ? "true" : "false")))
        default:
          throw LanguageError(
            .type,
            "result '\(name)' expected a number, string or bool, found \(value.shapeDescription)",
            span: ctx.span,
            suggestion: "declare a scalar (e.g. \(name)=v[-1]) and save curves with writecsv")
        }
      }
      let store = store(interp)
      var lines = ""
      for (name, entry) in entries {
        if store.values[name] == nil { store.names.append(name) }
        store.values[name] = entry
        switch entry {
        case .number(let x): lines += "result: \(name) = \(Display.number(x))\n"
        case .text(let s): lines += "result: \(name) = \(s)\n"
        }
      }
      interp.configuration.output(lines)
      return .nil
    }
  }
}
