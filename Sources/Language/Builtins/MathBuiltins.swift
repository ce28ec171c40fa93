import Foundation
import Numerics

extension Builtins {
  /// Applies a scalar function elementwise to a number, vector or matrix.
  static func mapArray(_ v: Value, _ f: (Double) -> Double) -> Value {
    switch v {
    case .number(let x): return .number(f(x))
    case .vector(let x): return .vector(x.map(f))
    case .matrix(let m): return .matrix(m.map(f))
    default: return v
    }
  }

  static func unary(
    _ name: String, _ summary: String, _ f: @escaping @Sendable (Double) -> Double,
    vectorized: (@Sendable (Vector) -> Vector)? = nil
  ) -> Builtin {
    make(
      name, [.required("x", .array, "a number, vector or matrix")], summary: summary,
      returns: "same shape as x"
    ) { ctx, a throws(LanguageError) in
      let x = a["x"]!
      guard let vectorized else { return mapArray(x, f) }
      switch x {
      case .vector(let v): return .vector(vectorized(v))
      case .matrix(let m):
        let r = vectorized(Vector(m.elements))
        return .matrix(
          try numerics(ctx.span) { try Matrix(rows: m.rows, cols: m.cols, elements: r.elements) })
      default: return mapArray(x, f)
      }
    }
  }

  static func mathBuiltins() -> [Builtin] {
    var out: [Builtin] = [
      unary("sin", "sine (radians), elementwise", sin, vectorized: VectorMath.sin),
      unary("cos", "cosine (radians), elementwise", cos, vectorized: VectorMath.cos),
      unary("tan", "tangent (radians), elementwise", tan),
      unary("asin", "inverse sine, elementwise", asin),
      unary("acos", "inverse cosine, elementwise", acos),
      unary("atan", "inverse tangent, elementwise", atan),
      unary("sinh", "hyperbolic sine, elementwise", sinh),
      unary("cosh", "hyperbolic cosine, elementwise", cosh),
      unary("tanh", "hyperbolic tangent, elementwise", tanh, vectorized: VectorMath.tanh),
      unary("exp", "exponential e^x, elementwise", exp, vectorized: VectorMath.exp),
      unary(
        "log", "natural logarithm, elementwise (nan for x < 0)", log, vectorized: VectorMath.log),
      unary("log10", "base-10 logarithm, elementwise", log10),
      unary("log2", "base-2 logarithm, elementwise", log2),
      unary(
        "log1p", "log(1 + x), accurate for small x, elementwise", log1p,
        vectorized: VectorMath.log1p),
      unary(
        "expm1", "exp(x) - 1, accurate for small x, elementwise", expm1,
        vectorized: VectorMath.expm1),
      unary(
        "sqrt", "square root, elementwise (nan for x < 0)", { $0.squareRoot() },
        vectorized: VectorMath.sqrt),
      unary("abs", "absolute value, elementwise", { Swift.abs($0) }),
      unary(
        "sign", "sign: -1, 0 or 1 (nan stays nan), elementwise",
        { x in
          x.isNaN ? .nan : (x > 0 ? 1 : (x < 0 ? -1 : 0))
        }),
      unary("floor", "largest integer ≤ x, elementwise", { $0.rounded(.down) }),
      unary("ceil", "smallest integer ≥ x, elementwise", { $0.rounded(.up) }),
      unary("erf", "error function, elementwise", Special.erf),
      unary("erfc", "complementary error function 1 - erf(x), elementwise", Special.erfc),
      unary("gamma", "gamma function Γ(x), elementwise", Special.gamma),
      unary("lgamma", "log |Γ(x)|, elementwise", Special.lgamma),
      unary("H", "Gaussian tail H(x) = erfc(x/√2)/2 = P(z > x), elementwise", Special.H),
      unary("logH", "log H(x), stable for large x, elementwise", Special.logH),
      unary("normpdf", "standard normal density, elementwise", Special.normalPDF),
      unary(
        "normcdf", "standard normal distribution function Φ(x), elementwise", Special.normalCDF),
    ]
    out.append(
      make(
        "round",
        [
          .required("x", .array, "values to round"),
          .optional("digits", .integer, default: .number(0), "decimal digits to keep"),
        ], summary: "round half away from zero, elementwise"
      ) { _, a throws(LanguageError) in
        let p = Foundation.pow(10.0, try a.number("digits"))
        return mapArray(a["x"]!) { ($0 * p).rounded(.toNearestOrAwayFromZero) / p }
      })
    out.append(
      make(
        "isnan", [.required("x", .array, "values")],
        summary: "true where x is NaN (a bool for a number, a 0/1 mask for arrays)"
      ) { _, a throws(LanguageError) in
        if case .number(let x) = a["x"]! { return .bool(x.isNaN) }
        return mapArray(a["x"]!) { $0.isNaN ? 1 : 0 }
      })
    out.append(
      make(
        "isfinite", [.required("x", .array, "values")],
        summary: "true where x is neither NaN nor ±inf (a 0/1 mask for arrays)"
      ) { _, a throws(LanguageError) in
        if case .number(let x) = a["x"]! { return .bool(x.isFinite) }
        return mapArray(a["x"]!) { $0.isFinite ? 1 : 0 }
      })
    out.append(
      make(
        "atan2", [.required("y", .array, "ordinate"), .required("x", .array, "abscissa")],
        summary: "angle of the point (x, y) in (-π, π], elementwise with broadcasting"
      ) { ctx, a throws(LanguageError) in
        try binaryElementwise(.atan2, a["y"]!, a["x"]!, ctx.span)
      })
    out.append(
      make(
        "clamp",
        [
          .required("x", .array, "values"), .required("lo", .number, "lower bound"),
          .required("hi", .number, "upper bound"),
        ], summary: "limits x to [lo, hi], elementwise"
      ) { _, a throws(LanguageError) in
        let lo = try a.number("lo")
        let hi = try a.number("hi")
        guard lo <= hi else {
          throw a.error(
            "hi",
            "clamp: expected lo ≤ hi, found lo = \(Display.number(lo)) > hi = \(Display.number(hi))"
          )
        }
        return mapArray(a["x"]!) { Swift.min(Swift.max($0, lo), hi) }
      })
    out.append(
      extremum(
        "min", .minimum, "smallest element of x, or the elementwise minimum of several arguments"))
    out.append(
      extremum(
        "max", .maximum, "largest element of x, or the elementwise maximum of several arguments"))
    return out
  }

  static func binaryElementwise(_ op: BinaryOperation, _ a: Value, _ b: Value, _ span: SourceSpan?)
    throws(LanguageError) -> Value
  {
    try numerics(span) { () throws -> Value in
      switch (a, b) {
      case (.number(let x), .number(let y)): return .number(op.apply(x, y))
      case (.vector(let x), .vector(let y)): return .vector(try Elementwise.apply(op, x, y))
      case (.vector(let x), .number(let y)): return .vector(Elementwise.apply(op, x, y))
      case (.number(let x), .vector(let y)): return .vector(Elementwise.apply(op, x, y))
      case (.matrix(let x), .matrix(let y)): return .matrix(try Elementwise.apply(op, x, y))
      case (.matrix(let x), .number(let y)): return .matrix(Elementwise.apply(op, x, y))
      case (.number(let x), .matrix(let y)): return .matrix(Elementwise.apply(op, x, y))
      case (.matrix(let x), .vector(let y)): return .matrix(try Elementwise.apply(op, x, y))
      case (.vector(let x), .matrix(let y)): return .matrix(try Elementwise.apply(op, x, y))
      default:
        throw LanguageError(
          .type,
          "expected numbers, vectors or matrices, found \(a.shapeDescription) and \(b.shapeDescription)"
        )
      }
    }
  }

  private static func extremum(_ name: String, _ op: BinaryOperation, _ summary: String) -> Builtin
  {
    make(
      name,
      [
        .required("x", .array, "values (or the first of several arguments)"),
        .absent("axis", .integer, "for a matrix: 0 = per column, 1 = per row").keywordOnly(),
      ], variadic: .required("more", .array, "further values, compared elementwise"),
      summary: summary
    ) { ctx, a throws(LanguageError) in
      let x = a["x"]!
      if !a.extraPositional.isEmpty {
        var acc = x
        for y in a.extraPositional { acc = try binaryElementwise(op, acc, y, ctx.span) }
        return acc
      }
      func reduce(_ v: [Double]) throws(LanguageError) -> Double {
        guard let first = v.first else {
          throw a.error("x", "\(name) of an empty array is undefined")
        }
        return v.dropFirst().reduce(first) { op.apply($0, $1) }
      }
      switch x {
      case .number: return x
      case .vector(let v): return .number(try reduce(v.elements))
      case .matrix(let m):
        if let axis = a.optionalNumber("axis") {
          if axis == 0 {
            var out: [Double] = []
            for j in 0..<m.cols { out.append(try reduce(m.column(j).elements)) }
            return .vector(Vector(out))
          }
          var out: [Double] = []
          for i in 0..<m.rows { out.append(try reduce(m.row(i).elements)) }
          return .vector(Vector(out))
        }
        return .number(try reduce(m.elements))
      default: return x
      }
    }
  }
}
