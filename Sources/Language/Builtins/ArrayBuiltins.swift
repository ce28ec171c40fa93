import Foundation
import Numerics

extension Builtins {
  /// The elements of a number, vector or matrix, flattened row-major.
  static func flat(_ v: Value) -> [Double]? {
    switch v {
    case .number(let x): return [x]
    case .vector(let x): return x.elements
    case .matrix(let m): return m.elements
    default: return nil
    }
  }

  /// Applies a vector reduction to a whole array, or along an axis of a matrix.
  static func reduction(
    _ name: String, _ summary: String, extra: [ParameterSpec] = [],
    _ f: @escaping (Vector, Arguments) throws(LanguageError) -> Double
  ) -> Builtin {
    make(
      name,
      [.required("x", .array, "values")] + extra + [
        .absent("axis", .integer, "for a matrix: 0 = down each column, 1 = along each row")
          .keywordOnly()
      ], summary: summary, returns: "a number, or a vector when axis is given"
    ) { _, a throws(LanguageError) in
      let x = a["x"]!
      if case .matrix(let m) = x, let axis = a.optionalNumber("axis") {
        guard axis == 0 || axis == 1 else {
          throw a.error("axis", "\(name): axis must be 0 or 1, found \(Display.number(axis))")
        }
        var out: [Double] = []
        if axis == 0 {
          for j in 0..<m.cols { out.append(try f(m.column(j), a)) }
        } else {
          for i in 0..<m.rows { out.append(try f(m.row(i), a)) }
        }
        return .vector(Vector(out))
      }
      return .number(try f(Vector(flat(x)!), a))
    }
  }

  static func stat(_ span: SourceSpan?, _ body: () throws -> Double) throws(LanguageError) -> Double
  {
    try numerics(span, body)
  }

  static func arrayBuiltins() -> [Builtin] {
    var out: [Builtin] = []
    out.append(
      make(
        "len", [.required("x", .any, "a vector, list, string, record, matrix or table")],
        summary: "number of elements (rows for a matrix or table)"
      ) { _, a throws(LanguageError) in
        let x = a["x"]!
        switch x {
        case .vector(let v): return .number(Double(v.count))
        case .matrix(let m): return .number(Double(m.rows))
        case .list(let l): return .number(Double(l.count))
        case .string(let s): return .number(Double(s.count))
        case .record(let r): return .number(Double(r.count))
        case .number: return .number(1)
        case .object(let o): return .number(Double(try o.elements().count))
        default:
          throw a.error(
            "x", "len: expected an array, list, string or record, found \(x.typeName)", kind: .type)
        }
      })
    out.append(
      make(
        "shape", [.required("x", .any, "a value")],
        summary:
          "dimensions as a vector: [] for a number, [n] for a vector, [rows, cols] for a matrix"
      ) { _, a throws(LanguageError) in
        switch a["x"]! {
        case .number: return .vector(Vector([]))
        case .vector(let v): return .vector(Vector([Double(v.count)]))
        case .matrix(let m): return .vector(Vector([Double(m.rows), Double(m.cols)]))
        case .list(let l): return .vector(Vector([Double(l.count)]))
        case let other: throw a.error("x", "shape: a \(other.typeName) has no shape", kind: .type)
        }
      })
    func filled(_ name: String, _ value: Double?, _ summary: String) -> Builtin {
      var params: [ParameterSpec] = [.required("n", .integer, "length, or number of rows")]
      if value == nil { params.append(.required("value", .number, "the fill value")) }
      params.append(.absent("m", .integer, "number of columns (gives an n×m matrix)"))
      return make(name, params, summary: summary) { ctx, a throws(LanguageError) in
        let v: Double
        if let value { v = value } else { v = try a.number("value") }
        let n = try checkedSize(try a.number("n"), "size", span: a.span(of: "n"))
        if let m = a.optionalNumber("m") {
          let c = try checkedSize(m, "size", span: a.span(of: "m"))
          _ = try checkedSize(Double(n) * Double(c), "number of elements", span: ctx.span)
          return .matrix(Matrix(rows: n, cols: c, repeating: v))
        }
        return .vector(Vector(count: n, repeating: v))
      }
    }
    out.append(filled("zeros", 0, "vector of n zeros, or an n×m matrix of zeros"))
    out.append(filled("ones", 1, "vector of n ones, or an n×m matrix of ones"))
    out.append(
      filled("fill", nil, "vector of n copies of value, or an n×m matrix with fill(n, value, m)"))
    out.append(
      make(
        "linspace",
        [
          .required("start", .number, "first value"),
          .required("stop", .number, "last value (included)"),
          .optional("n", .integer, default: .number(50), "number of points"),
        ],
        summary: "n evenly spaced points from start to stop inclusive", example: "linspace(0, 1, 5)"
      ) { _, a throws(LanguageError) in
        let n = try checkedSize(try a.number("n"), "n", span: a.span(of: "n"))
        return .vector(Vector.linspace(try a.number("start"), try a.number("stop"), count: n))
      })
    out.append(
      make(
        "logspace",
        [
          .required("start", .number, "log10 of the first value"),
          .required("stop", .number, "log10 of the last value"),
          .optional("n", .integer, default: .number(50), "number of points"),
        ],
        summary: "n points from 10^start to 10^stop, evenly spaced in log"
      ) { _, a throws(LanguageError) in
        let n = try checkedSize(try a.number("n"), "n", span: a.span(of: "n"))
        return .vector(
          Vector.linspace(try a.number("start"), try a.number("stop"), count: n).map {
            Foundation.pow(10, $0)
          })
      })
    out.append(
      make(
        "range",
        [
          .required("a", .number, "start (or stop when b is absent)"),
          .absent("b", .number, "stop (excluded)"),
          .optional("step", .number, default: .number(1), "increment (non-zero)"),
        ],
        summary: "half-open range [a, a+step, …) stopping before b; range(n) is 0:n"
      ) { ctx, a throws(LanguageError) in
        var lo = try a.number("a")
        var hi = lo
        if let b = a.optionalNumber("b") { hi = b } else { lo = 0 }
        return .vector(try checkedRange(lo, hi, try a.number("step"), span: ctx.span))
      })
    out.append(
      make(
        "reshape",
        [
          .required("x", .array, "values"), .required("rows", .integer, "rows (-1 to infer)"),
          .absent("cols", .integer, "columns (-1 to infer); absent gives a vector"),
        ],
        summary: "same elements (row-major) in a new shape"
      ) { ctx, a throws(LanguageError) in
        let e = flat(a["x"]!)!
        var r = try a.int("rows")
        guard let cd = a.optionalNumber("cols") else {
          guard r == e.count || r == -1 else {
            throw LanguageError(
              .shape, "reshape: cannot make a vector(\(r)) from \(e.count) elements", span: ctx.span
            )
          }
          return .vector(Vector(e))
        }
        var c = Int(cd)
        if r == -1 && c > 0 { r = e.count / c }
        if c == -1 && r > 0 { c = e.count / r }
        guard r >= 0, c >= 0, r * c == e.count else {
          throw LanguageError(
            .shape, "reshape: cannot make a \(r)×\(c) matrix from \(e.count) elements",
            span: ctx.span)
        }
        return .matrix(try numerics(ctx.span) { try Matrix(rows: r, cols: c, elements: e) })
      })
    out.append(
      make(
        "concat", [], variadic: .required("parts", .any, "vectors, numbers or lists"),
        summary: "joins vectors (and numbers) into one vector, or lists into one list"
      ) { _, a throws(LanguageError) in
        if a.extraPositional.contains(where: {
          if case .list = $0 { return true } else { return false }
        }) {
          var items: [Value] = []
          for p in a.extraPositional {
            if case .list(let l) = p { items += l } else { items.append(p) }
          }
          return .list(items)
        }
        var out: [Double] = []
        for p in a.extraPositional {
          switch p {
          case .number(let x): out.append(x)
          case .vector(let v): out += v.elements
          default:
            throw LanguageError(
              .type, "concat: expected vectors, numbers or lists, found \(p.shapeDescription)")
          }
        }
        return .vector(Vector(out))
      })
    out.append(
      make(
        "hstack", [], variadic: .required("parts", .array, "matrices or vectors (as columns)"),
        summary: "joins side by side: vectors become columns, matrices keep their rows"
      ) { ctx, a throws(LanguageError) in
        let mats = try a.extraPositional.map { (p) throws(LanguageError) -> Matrix in
          switch p {
          case .vector(let v):
            return try numerics(ctx.span) {
              try Matrix(rows: v.count, cols: 1, elements: v.elements)
            }
          case .matrix(let m): return m
          case .number(let x): return Matrix(rows: 1, cols: 1, repeating: x)
          default: throw LanguageError(.type, "hstack: expected vectors or matrices")
          }
        }
        guard let rows = mats.first?.rows else { return .matrix(Matrix(rows: 0, cols: 0)) }
        for m in mats where m.rows != rows {
          throw LanguageError(
            .shape, "hstack: every part needs \(rows) rows, found one with \(m.rows)",
            span: ctx.span)
        }
        let cols = mats.reduce(0) { $0 + $1.cols }
        var out = Matrix(rows: rows, cols: cols)
        var c0 = 0
        for m in mats {
          for i in 0..<rows { for j in 0..<m.cols { out[i, c0 + j] = m[i, j] } }
          c0 += m.cols
        }
        return .matrix(out)
      })
    out.append(
      make(
        "vstack", [], variadic: .required("parts", .array, "matrices or vectors (as rows)"),
        summary: "stacks vertically: vectors become rows"
      ) { ctx, a throws(LanguageError) in
        var rows: [[Double]] = []
        for p in a.extraPositional {
          switch p {
          case .vector(let v): rows.append(v.elements)
          case .matrix(let m): for i in 0..<m.rows { rows.append(m.row(i).elements) }
          case .number(let x): rows.append([x])
          default:
            throw LanguageError(.type, "vstack: expected vectors or matrices", span: ctx.span)
          }
        }
        if let c = rows.first?.count, let bad = rows.first(where: { $0.count != c }) {
          throw LanguageError(
            .shape, "vstack: every row needs \(c) columns, found one with \(bad.count)",
            span: ctx.span)
        }
        return .matrix(try numerics(ctx.span) { try Matrix(rowsOf: rows) })
      })
    out.append(
      make("eye", [.required("n", .integer, "size")], summary: "n×n identity matrix") {
        _, a throws(LanguageError) in
        let n = try checkedSize(try a.number("n"), "n", span: a.span(of: "n"))
        _ = try checkedSize(Double(n) * Double(n), "number of elements", span: a.span(of: "n"))
        return .matrix(Matrix.identity(n))
      })
    out.append(
      make(
        "diag",
        [
          .required(
            "x", .array, "a vector (makes a diagonal matrix) or a matrix (takes its diagonal)")
        ],
        summary: "diagonal matrix from a vector, or the diagonal of a matrix"
      ) { _, a throws(LanguageError) in
        switch a["x"]! {
        case .vector(let v): return .matrix(Matrix.diagonal(v))
        case .matrix(let m): return .vector(m.diagonalElements)
        case .number(let x): return .matrix(Matrix(rows: 1, cols: 1, repeating: x))
        default: return .nil
        }
      })
    out.append(
      make(
        "transpose", [.required("x", .array, "a matrix (a vector is returned unchanged)")],
        summary: "matrix transpose (also M.T)"
      ) { _, a throws(LanguageError) in
        if case .matrix(let m) = a["x"]! { return .matrix(m.transposed()) }
        return a["x"]!
      })
    out.append(
      reduction("sum", "sum of the elements (pairwise summation)") { v, _ throws(LanguageError) in
        v.sum()
      })
    out.append(
      reduction("prod", "product of the elements") { v, _ throws(LanguageError) in v.product() })
    out.append(
      reduction("mean", "arithmetic mean") { v, a throws(LanguageError) in
        try stat(a.callSpan) { try Statistics.mean(v) }
      })
    let ddof = ParameterSpec.optional(
      "ddof", .integer, default: .number(0), "delta degrees of freedom: divide by n - ddof")
    out.append(
      reduction(
        "var", "variance (population by default; ddof=1 for the sample variance)", extra: [ddof]
      ) { v, a throws(LanguageError) in
        let d = try a.int("ddof")
        return try stat(a.callSpan) { try Statistics.variance(v, ddof: d) }
      })
    out.append(
      reduction(
        "std", "standard deviation (population by default; ddof=1 for the sample)", extra: [ddof]
      ) { v, a throws(LanguageError) in
        let d = try a.int("ddof")
        return try stat(a.callSpan) { try Statistics.standardDeviation(v, ddof: d) }
      })
    out.append(
      reduction("median", "median (average of the two middle values for even n)") {
        v, a throws(LanguageError) in
        try stat(a.callSpan) { try Statistics.median(v) }
      })
    out.append(
      reduction(
        "quantile", "q-th quantile with linear interpolation (numpy's default)",
        extra: [.required("q", .number, "probability in [0, 1]")]
      ) { v, a throws(LanguageError) in
        let q = try a.number("q")
        guard q >= 0 && q <= 1 else {
          throw a.error("q", "quantile: q must be in [0, 1], found \(Display.number(q))")
        }
        return try stat(a.callSpan) { try Statistics.quantile(v, q) }
      })
    out.append(
      reduction("argmin", "index of the smallest element (first one; NaN ignored)") {
        v, a throws(LanguageError) in
        guard let i = v.indices.filter({ !v[$0].isNaN }).min(by: { v[$0] < v[$1] }) else {
          throw a.error("x", "argmin of an empty array is undefined")
        }
        return Double(i)
      })
    out.append(
      reduction("argmax", "index of the largest element (first one; NaN ignored)") {
        v, a throws(LanguageError) in
        guard
          let i = v.indices.filter({ !v[$0].isNaN }).max(by: {
            v[$0] < v[$1] || (v[$0] == v[$1] && $0 > $1)
          })
        else {
          throw a.error("x", "argmax of an empty array is undefined")
        }
        return Double(i)
      })
    out.append(
      make("cumsum", [.required("x", .vector, "values")], summary: "running sums") {
        _, a throws(LanguageError) in
        .vector(try a.vector("x").cumsum())
      })
    out.append(
      make(
        "diff", [.required("x", .vector, "values")],
        summary: "differences of neighbours: x[i+1] - x[i]"
      ) { _, a throws(LanguageError) in
        let v = try a.vector("x")
        return .vector(Vector(v.count < 2 ? [] : (1..<v.count).map { v[$0] - v[$0 - 1] }))
      })
    out.append(
      make(
        "sort",
        [
          .required("x", .any, "a vector or list of strings"),
          .optional("descending", .bool, default: .bool(false), "largest first"),
        ],
        summary: "sorted copy (NaN last)"
      ) { _, a throws(LanguageError) in
        let desc = try a.bool("descending")
        switch a["x"]! {
        case .vector(let v):
          let s = v.elements.sorted { x, y in
            if x.isNaN { return false }
            if y.isNaN { return true }
            return desc ? x > y : x < y
          }
          return .vector(Vector(s))
        case .list(let l):
          var strs: [String] = []
          for it in l {
            guard case .string(let s) = it else {
              throw a.error("x", "sort: a list must hold only strings", kind: .type)
            }
            strs.append(s)
          }
          strs.sort()
          if desc { strs.reverse() }
          return .list(strs.map { .string($0) })
        case let other:
          throw a.error(
            "x", "sort: expected a vector or list of strings, found \(other.typeName)", kind: .type)
        }
      })
    out.append(
      make(
        "argsort",
        [
          .required("x", .vector, "values"),
          .optional("descending", .bool, default: .bool(false), "largest first"),
        ],
        summary: "indices that sort x (stable; NaN last)"
      ) { _, a throws(LanguageError) in
        let v = try a.vector("x")
        let desc = try a.bool("descending")
        let idx = v.indices.sorted { i, j in
          let x = v[i]
          let y = v[j]
          if x.isNaN { return false }
          if y.isNaN { return true }
          if x == y { return i < j }
          return desc ? x > y : x < y
        }
        return .vector(Vector(idx.map(Double.init)))
      })
    out.append(
      make(
        "any", [.required("x", .any, "a bool, number or mask")],
        summary: "true when any element is non-zero"
      ) { _, a throws(LanguageError) in
        if case .bool(let b) = a["x"]! { return .bool(b) }
        guard let e = flat(a["x"]!) else { throw a.error("x", "any: expected a mask", kind: .type) }
        return .bool(e.contains { $0 != 0 && !$0.isNaN })
      })
    out.append(
      make(
        "all", [.required("x", .any, "a bool, number or mask")],
        summary: "true when every element is non-zero"
      ) { _, a throws(LanguageError) in
        if case .bool(let b) = a["x"]! { return .bool(b) }
        guard let e = flat(a["x"]!) else { throw a.error("x", "all: expected a mask", kind: .type) }
        return .bool(e.allSatisfy { $0 != 0 })
      })
    out.append(
      make(
        "where",
        [
          .required("mask", .array, "condition (0/1)"), .absent("a", .array, "value where true"),
          .absent("b", .array, "value where false"),
        ],
        summary:
          "where(mask): indices of non-zero elements; where(mask, a, b): a where mask else b, elementwise"
      ) { ctx, a throws(LanguageError) in
        let m = a["mask"]!
        guard let av = a["a"], let bv = a["b"] else {
          guard let e = flat(m) else { return .vector(Vector([])) }
          return .vector(Vector(e.indices.filter { e[$0] != 0 }.map(Double.init)))
        }
        // mask*a + (1-mask)*b would turn inf*0 into NaN; select instead.
        let ones = try binaryElementwise(.notEqual, m, .number(0), ctx.span)
        let shapeA = try binaryElementwise(
          .add, ones, try binaryElementwise(.multiply, av, .number(0), ctx.span), ctx.span)
        let pickA = try binaryElementwise(
          .add, try binaryElementwise(.multiply, shapeA, .number(0), ctx.span), av, ctx.span)
        let pickB = try binaryElementwise(
          .add, try binaryElementwise(.multiply, shapeA, .number(0), ctx.span), bv, ctx.span)
        guard let me = flat(try binaryElementwise(.add, shapeA, .number(0), ctx.span)),
          let ae = flat(pickA), let be = flat(pickB),
          ae.count == me.count, be.count == me.count
        else {
          throw LanguageError(
            .shape, "where: mask, a and b must broadcast to one shape", span: ctx.span)
        }
        let res = me.indices.map { me[$0] != 0 ? ae[$0] : be[$0] }
        switch shapeA {
        case .number: return .number(res[0])
        case .vector: return .vector(Vector(res))
        case .matrix(let mm):
          return .matrix(
            try numerics(ctx.span) { try Matrix(rows: mm.rows, cols: mm.cols, elements: res) })
        default: return .nil
        }
      })
    out.append(
      make(
        "unique", [.required("x", .any, "a vector or list of strings")],
        summary: "sorted distinct values"
      ) { _, a throws(LanguageError) in
        switch a["x"]! {
        case .vector(let v):
          return .vector(Vector(Array(Set(v.elements.filter { !$0.isNaN })).sorted()))
        case .list(let l):
          var seen = Set<String>()
          for it in l { if case .string(let s) = it { seen.insert(s) } }
          return .list(seen.sorted().map { .string($0) })
        case let other:
          throw a.error(
            "x", "unique: expected a vector or list, found \(other.typeName)", kind: .type)
        }
      })
    out.append(
      make(
        "map",
        [
          .required("x", .any, "a vector, list or matrix rows"),
          .required("f", .function, "function of one element"),
        ],
        summary: "applies f to each element; numbers give a vector, anything else a list",
        example: "map(1:4, fn(k) = k^2)"
      ) { ctx, a throws(LanguageError) in
        let f = a["f"]!
        var results: [Value] = []
        for item in try elements(a["x"]!, a) { results.append(try ctx.call(f, [item])) }
        return collect(results)
      })
    out.append(
      make(
        "filter",
        [
          .required("x", .any, "a vector or list"),
          .required("f", .function, "predicate of one element"),
        ],
        summary: "the elements for which f returns true"
      ) { ctx, a throws(LanguageError) in
        let f = a["f"]!
        let x = a["x"]!
        var kept: [Value] = []
        for item in try elements(x, a) where try ctx.call(f, [item]).truth(at: ctx.span) {
          kept.append(item)
        }
        if case .vector = x {
          return .vector(
            Vector(kept.map { if case .number(let n) = $0 { return n } else { return .nan } }))
        }
        return .list(kept)
      })
    out.append(
      make(
        "reduce",
        [
          .required("x", .any, "a vector or list"),
          .required("f", .function, "function of (accumulator, element)"),
          .absent("init", .any, "starting accumulator (default: the first element)"),
        ],
        summary: "folds x from the left with f"
      ) { ctx, a throws(LanguageError) in
        let f = a["f"]!
        var items = try elements(a["x"]!, a)
        var acc: Value
        if let i = a["init"] {
          acc = i
        } else {
          guard !items.isEmpty else {
            throw a.error("x", "reduce of an empty sequence needs init=")
          }
          acc = items.removeFirst()
        }
        for item in items { acc = try ctx.call(f, [acc, item]) }
        return acc
      })
    return out
  }

  static func elements(_ x: Value, _ a: Arguments) throws(LanguageError) -> [Value] {
    switch x {
    case .vector(let v): return v.elements.map { .number($0) }
    case .list(let l): return l
    case .matrix(let m): return (0..<m.rows).map { .vector(m.row($0)) }
    case .object(let o): return try o.elements()
    default:
      throw a.error("x", "expected a vector, list or matrix, found \(x.typeName)", kind: .type)
    }
  }

  /// A vector when every value is a number, otherwise a list.
  static func collect(_ values: [Value]) -> Value {
    var nums: [Double] = []
    nums.reserveCapacity(values.count)
    for v in values {
      guard case .number(let x) = v else { return .list(values) }
      nums.append(x)
    }
    return .vector(Vector(nums))
  }
}
