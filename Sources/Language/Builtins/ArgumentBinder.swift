import Numerics

/// Binds call-site arguments to a builtin's declared parameters and checks their
/// types — the one place where "unknown keyword", "missing argument" and
/// "expected a vector, found string" come from.
enum ArgumentBinder {
  static func bind(
    _ d: BuiltinDeclaration, _ positional: [Value], _ pspans: [SourceSpan],
    _ keywords: [KeywordArgument], _ span: SourceSpan?
  ) throws(LanguageError) -> Arguments {
    let n = d.parameters.count
    var args = Arguments(
      values: [Value?](repeating: nil, count: n), spans: [SourceSpan?](repeating: nil, count: n),
      declaration: d, callSpan: span)
    let positionalSlots = d.parameters.indices.filter { !d.parameters[$0].keywordOnly }
    for (i, v) in positional.enumerated() {
      let s = i < pspans.count ? pspans[i] : span
      if i < positionalSlots.count {
        args.values[positionalSlots[i]] = v
        args.spans[positionalSlots[i]] = s
      } else if let variadic = d.variadic {
        args.extraPositional.append(try convert(v, to: variadic, d, span: s))
      } else {
        throw LanguageError(
          .argument,
          "\(d.qualifiedName) takes at most \(positionalSlots.count) positional argument\(positionalSlots.count == 1 ? "" : "s"), found \(positional.count)",
          span: s ?? span)
      }
    }
    for k in keywords {
      guard let i = d.parameters.firstIndex(where: { $0.name == k.name }) else {
        if d.acceptsExtraKeywords {
          args.extraKeywords.append((k.name, k.value))
          continue
        }
        let names = d.parameters.map(\.name)
        throw LanguageError(
          .argument, "unknown keyword argument '\(k.name)' for \(d.qualifiedName)",
          span: k.nameSpan ?? span,
          suggestion: Suggestions.closest(to: k.name, among: names).map { "did you mean '\($0)'?" }
            ?? (names.isEmpty ? nil : "expected one of: \(names.joined(separator: ", "))"))
      }
      if args.values[i] != nil {
        throw LanguageError(
          .argument, "argument '\(k.name)' of \(d.qualifiedName) given twice",
          span: k.nameSpan ?? span)
      }
      args.values[i] = k.value
      args.spans[i] = k.valueSpan
    }
    for (i, p) in d.parameters.enumerated() {
      if let v = args.values[i] {
        if case .nil = v, p.isOptional {
          args.values[i] = p.defaultValue
          continue
        }
        args.values[i] = try convert(v, to: p, d, span: args.spans[i] ?? span)
      } else if let def = p.defaultValue {
        args.values[i] = def
      } else if !p.isOptional {
        throw LanguageError(
          .argument,
          "missing argument '\(p.name)' in call to \(d.qualifiedName): expected \(describe(p))",
          span: span)
      }
    }
    return args
  }

  static func describe(_ p: ParameterSpec) -> String {
    switch p.type {
    case .integer: return "an integer"
    case .array: return "a number, vector or matrix"
    case .any: return "a value"
    case .strings: return "a string or list of strings"
    default: return "a \(p.type.rawValue)"
    }
  }

  /// Checks one argument against its declared type, converting where the
  /// conversion is lossless (a list of numbers to a vector, a number to a bool is not).
  static func convert(_ v: Value, to p: ParameterSpec, _ d: BuiltinDeclaration, span: SourceSpan?)
    throws(LanguageError) -> Value
  {
    func fail() -> LanguageError {
      LanguageError(
        .type,
        "\(d.qualifiedName): argument '\(p.name)' expected \(describe(p)), found \(v.shapeDescription)",
        span: span)
    }
    switch p.type {
    case .any: return v
    case .number:
      if case .number = v { return v }
      throw fail()
    case .integer:
      guard case .number(let x) = v else { throw fail() }
      guard x.isFinite, x == x.rounded(), abs(x) < 9.0e15 else {
        throw LanguageError(
          .value,
          "\(d.qualifiedName): argument '\(p.name)' expected an integer, found \(Display.number(x))",
          span: span)
      }
      return v
    case .bool:
      if case .bool = v { return v }
      throw fail()
    case .string:
      if case .string = v { return v }
      throw fail()
    case .vector:
      switch v {
      case .vector: return v
      case .number(let x): return .vector(Vector([x]))
      case .list(let items):
        var out: [Double] = []
        for it in items {
          switch it {
          case .number(let x): out.append(x)
          case .bool(let b): out.append(b ? 1 : 0)
          default: throw fail()
          }
        }
        return .vector(Vector(out))
      default: throw fail()
      }
    case .matrix:
      if case .matrix = v { return v }
      throw fail()
    case .array:
      switch v {
      case .number, .vector, .matrix: return v
      case .list: return try convert(v, to: .required(p.name, .vector, p.doc), d, span: span)
      default: throw fail()
      }
    case .list:
      switch v {
      case .list: return v
      case .vector(let vec): return .list(vec.elements.map { .number($0) })
      default: throw fail()
      }
    case .record:
      if case .record = v { return v }
      throw fail()
    case .function:
      if case .function = v { return v }
      throw fail()
    case .strings:
      switch v {
      case .string: return .list([v])
      case .list(let items):
        for it in items { if case .string = it {} else { throw fail() } }
        return v
      default: throw fail()
      }
    }
  }
}
