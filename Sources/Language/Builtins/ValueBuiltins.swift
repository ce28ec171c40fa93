import Foundation
import Numerics

extension Builtins {
  static func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
  }

  static func valueBuiltins() -> [Builtin] {
    [
      make(
        "print", [], variadic: .required("values", .any, "values to print, separated by spaces"),
        summary: "writes values to the output, strings without quotes"
      ) { ctx, a throws(LanguageError) in
        let text = a.extraPositional.map { v -> String in
          if case .string(let s) = v { return s }
          return Display.render(v)
        }.joined(separator: " ")
        ctx.interpreter.configuration.output(text + "\n")
        return .nil
      },
      make(
        "display", [.required("x", .any, "a value")],
        summary: "shows a value as the top level would, even inside a function"
      ) { ctx, a throws(LanguageError) in
        ctx.interpreter.configuration.output(Display.render(a["x"]!) + "\n")
        return .nil
      },
      make(
        "str", [.required("x", .any, "a value")],
        summary: "the value as a string (numbers in shortest form)"
      ) { _, a throws(LanguageError) in
        if case .string = a["x"]! { return a["x"]! }
        return .string(Display.inline(a["x"]!))
      },
      make(
        "num", [.required("s", .string, "text of a number")],
        summary: "parses a number from a string"
      ) { _, a throws(LanguageError) in
        let s = try a.string("s").trimmingCharacters(in: .whitespaces)
        guard let x = Double(s) else {
          throw a.error("s", "num: expected the text of a number, found \"\(s)\"")
        }
        return .number(x)
      },
      make(
        "typeof", [.required("x", .any, "a value")],
        summary: "the type name: number, vector, matrix, string, ..."
      ) { _, a throws(LanguageError) in
        .string(a["x"]!.typeName)
      },
      make(
        "format",
        [
          .required(
            "template", .string,
            "printf-style template: %d %i %f %e %g %s %%, with width and precision")
        ],
        variadic: .required("values", .any, "values for the placeholders"),
        summary: "formats numbers and strings into text",
        example: "format(\"α = %.3f, n = %d\", 0.12345, 10)"
      ) { ctx, a throws(LanguageError) in
        .string(try Formatter.format(try a.string("template"), a.extraPositional, span: ctx.span))
      },
      make(
        "keys", [.required("r", .any, "a record or module")],
        summary: "field names of a record, as a list of strings"
      ) { _, a throws(LanguageError) in
        switch a["r"]! {
        case .record(let r): return .list(r.keys.map { .string($0) })
        case .module(let m): return .list(m.memberNames.map { .string($0) })
        case .object(let o): return .list(o.memberNames.map { .string($0) })
        case let other:
          throw a.error("r", "keys: expected a record, found \(other.typeName)", kind: .type)
        }
      },
      make(
        "values", [.required("r", .record, "a record")],
        summary: "field values of a record, as a list"
      ) { _, a throws(LanguageError) in
        guard case .record(let r) = a["r"]! else { return .nil }
        return .list(r.values)
      },
      make(
        "list", [], variadic: .required("items", .any, "elements"),
        summary: "a list of the arguments (never turned into a vector)"
      ) { _, a throws(LanguageError) in
        .list(a.extraPositional)
      },
      make(
        "record", [], extraKeywords: true,
        summary: "a record from keyword arguments: record(a=1, b=2)"
      ) { _, a throws(LanguageError) in
        .record(Record(a.extraKeywords))
      },
      make(
        "error", [.required("message", .string, "what went wrong")],
        summary: "raises an error that try/catch can handle"
      ) { ctx, a throws(LanguageError) in
        throw LanguageError(.user, try a.string("message"), span: ctx.span)
      },
      make(
        "assert",
        [
          .required("condition", .any, "must be true"),
          .optional("message", .string, default: .string("assertion failed"), "error message"),
        ],
        summary: "raises an error unless the condition holds"
      ) { ctx, a throws(LanguageError) in
        if try !a["condition"]!.truth(at: ctx.span) {
          throw LanguageError(.user, try a.string("message"), span: ctx.span)
        }
        return .nil
      },
      make(
        "isclose",
        [
          .required("a", .array, "values"), .required("b", .array, "values"),
          .optional("rtol", .number, default: .number(1e-9), "relative tolerance"),
          .optional("atol", .number, default: .number(0), "absolute tolerance"),
        ],
        summary: "true when |a − b| ≤ atol + rtol·|b| for every element"
      ) { ctx, a throws(LanguageError) in
        let rtol = try a.number("rtol")
        let atol = try a.number("atol")
        let diff = try binaryElementwise(.subtract, a["a"]!, a["b"]!, ctx.span)
        let bAbs = mapArray(
          try binaryElementwise(.add, a["b"]!, mapArray(diff) { _ in 0 }, ctx.span)
        ) { Swift.abs($0) }
        guard let d = flat(diff), let b = flat(bAbs) else { return .bool(false) }
        return .bool(zip(d, b).allSatisfy { Swift.abs($0) <= atol + rtol * $1 })
      },
      make("tic", [], summary: "starts the stopwatch read by toc()") {
        ctx, _ throws(LanguageError) in
        ctx.interpreter.stopwatch = monotonicSeconds()
        return .nil
      },
      make("toc", [], summary: "seconds since the last tic()") { ctx, _ throws(LanguageError) in
        guard let t = ctx.interpreter.stopwatch else {
          throw LanguageError(.value, "toc() called before tic()", span: ctx.span)
        }
        return .number(monotonicSeconds() - t)
      },
      make(
        "time", [.required("f", .function, "a function of no arguments")],
        summary: "runs f() and returns {seconds, value}"
      ) { ctx, a throws(LanguageError) in
        let t0 = monotonicSeconds()
        let v = try ctx.call(a["f"]!, [])
        return .record(Record([("seconds", .number(monotonicSeconds() - t0)), ("value", v)]))
      },
    ]
  }
}

/// printf-style formatting for `format(...)`.
enum Formatter {
  static func format(_ template: String, _ values: [Value], span: SourceSpan?) throws(LanguageError)
    -> String
  {
    var out = ""
    var chars = Array(template)
    var i = 0
    var next = 0
    chars.append("\0")
    while i < chars.count - 1 {
      let c = chars[i]
      guard c == "%" else {
        out.append(c)
        i += 1
        continue
      }
      if chars[i + 1] == "%" {
        out.append("%")
        i += 2
        continue
      }
      var spec = "%"
      i += 1
      while "-+ 0#.123456789".contains(chars[i]) {
        spec.append(chars[i])
        i += 1
      }
      let conv = chars[i]
      i += 1
      guard next < values.count else {
        throw LanguageError(
          .argument, "format: more placeholders than values (\(values.count))", span: span)
      }
      let v = values[next]
      next += 1
      switch conv {
      case "d", "i":
        guard case .number(let x) = v else {
          throw LanguageError(
            .type, "format: %\(conv) expected a number, found \(v.typeName)", span: span)
        }
        out += String(format: spec + "lld", Int64(x.rounded()))
      case "f", "e", "g", "F", "E", "G":
        guard case .number(let x) = v else {
          throw LanguageError(
            .type, "format: %\(conv) expected a number, found \(v.typeName)", span: span)
        }
        out += String(format: spec + String(conv), x)
      case "s":
        let s: String
        if case .string(let t) = v { s = t } else { s = Display.inline(v) }
        out += String(format: spec + "@", s as NSString)
      default:
        throw LanguageError(
          .value, "format: unknown placeholder '%\(conv)': expected one of %d %f %e %g %s",
          span: span)
      }
    }
    if next < values.count {
      throw LanguageError(
        .argument,
        "format: \(values.count - next) value(s) left over: more values than placeholders",
        span: span)
    }
    return out
  }
}
