import Numerics

/// `a.b`: record fields, module members, members of host objects.
enum Members {
  static func unknownField(
    _ name: String, _ candidates: [String], _ what: String, _ span: SourceSpan?
  )
    -> LanguageError
  {
    let suggestion = Suggestions.closest(to: name, among: candidates)
    let fallback = candidates.isEmpty ? nil : "fields are: \(candidates.joined(separator: ", "))"
    return LanguageError(
      .name, "\(what) has no field '\(name)'", span: span,
      suggestion: suggestion.map { "did you mean '\($0)'?" } ?? fallback)
  }

  static func get(_ base: Value, _ name: String, _ interp: Interpreter, span: SourceSpan)
    throws(LanguageError) -> Value
  {
    switch base {
    case .record(let r):
      if let v = r[name] { return v }
      throw unknownField(name, r.keys, "record", span)
    case .module(let m):
      if let v = m.member(name) { return v }
      let suggestion = Suggestions.closest(to: name, among: m.memberNames)
      throw LanguageError(
        .name, "module '\(m.name)' has no member '\(name)'", span: span,
        suggestion: suggestion.map { "did you mean '\(m.name).\($0)'?" }
          ?? "help(\(m.name)) lists its members")
    case .object(let o):
      let v: Value?
      do throws(LanguageError) {
        v = try o.member(name, interpreter: interp)
      } catch {
        throw error.located(span)
      }
      if let v { return v }
      throw unknownField(name, o.memberNames, o.typeName, span)
    case .matrix(let m):
      switch name {
      case "T": return .matrix(m.transposed())
      case "rows": return .number(Double(m.rows))
      case "cols": return .number(Double(m.cols))
      default: break
      }
    default: break
    }
    throw LanguageError(
      .type, "a \(base.typeName) has no field '\(name)'", span: span)
  }

  static func set(_ base: inout Value, _ name: String, _ value: Value, span: SourceSpan)
    throws(LanguageError)
  {
    switch base {
    case .record(var r):
      base = .nil
      r[name] = value
      base = .record(r)
    case .object(let o):
      do throws(LanguageError) {
        base = .object(try o.settingMember(name, to: value))
      } catch {
        throw error.located(span)
      }
    default:
      throw LanguageError(
        .type, "cannot set field '\(name)' on a \(base.typeName): expected a record",
        span: span)
    }
  }
}
