import Numerics

extension Builtins {
  static let seedParameter = ParameterSpec.absent(
    "seed", .integer, "use an independent generator seeded with this value instead of the session's"
  )

  /// Runs `body` with the session generator, or with a fresh one when `seed=` is given.
  static func withGenerator<T>(
    _ ctx: CallContext, _ a: Arguments, _ body: (inout RandomGenerator) throws(LanguageError) -> T
  )
    throws(LanguageError) -> T
  {
    if let s = a.optionalNumber("seed") {
      guard s >= 0 else { throw a.error("seed", "seed must be a non-negative integer") }
      var g = RandomGenerator(seed: UInt64(s))
      return try body(&g)
    }
    return try body(&ctx.interpreter.random)
  }

  static func sized(
    _ a: Arguments, _ ctx: CallContext, _ draw: @escaping (inout RandomGenerator) -> Double
  )
    throws(LanguageError) -> Value
  {
    guard let nd = a.optionalNumber("n") else {
      return .number(try withGenerator(ctx, a) { g throws(LanguageError) in draw(&g) })
    }
    let n = try checkedSize(nd, "n", span: a.span(of: "n"))
    if let md = a.optionalNumber("m") {
      let m = try checkedSize(md, "m", span: a.span(of: "m"))
      _ = try checkedSize(Double(n) * Double(m), "number of elements", span: ctx.span)
      return try withGenerator(ctx, a) { g throws(LanguageError) in
        .matrix(Matrix(rows: n, cols: m) { buf in for i in 0..<buf.count { buf[i] = draw(&g) } })
      }
    }
    return try withGenerator(ctx, a) { g throws(LanguageError) in
      .vector(Vector(unsafeUninitializedCount: n) { buf in for i in 0..<n { buf[i] = draw(&g) } })
    }
  }

  static func randomBuiltins() -> [Builtin] {
    let shape: [ParameterSpec] = [
      .absent("n", .integer, "length (absent: one number)"),
      .absent("m", .integer, "columns (gives an n×m matrix)"),
      seedParameter,
    ]
    return [
      make(
        "seed", [.required("n", .integer, "the new session seed (≥ 0)")],
        summary: "restarts the session generator from a seed (xoshiro256++ seeded via SplitMix64)"
      ) { ctx, a throws(LanguageError) in
        let s = try a.number("n")
        guard s >= 0 else {
          throw a.error("n", "seed must be a non-negative integer, found \(Display.number(s))")
        }
        ctx.interpreter.random = RandomGenerator(seed: UInt64(s))
        return .nil
      },
      make(
        "rand", shape, summary: "uniform draws in [0, 1): a number, vector(n) or n×m matrix",
        example: "rand(3, seed=1)"
      ) { ctx, a throws(LanguageError) in
        try sized(a, ctx) { $0.uniform() }
      },
      make(
        "randn", shape,
        summary: "standard normal draws (Ziggurat): a number, vector(n) or n×m matrix",
        example: "randn(1000, seed=7)"
      ) { ctx, a throws(LanguageError) in
        try sized(a, ctx) { $0.normal() }
      },
      make(
        "randint",
        [
          .required("lo", .integer, "smallest value"),
          .required("hi", .integer, "one past the largest value"),
          .absent("n", .integer, "how many (absent: one number)"), seedParameter,
        ],
        summary: "uniform integers in [lo, hi) without modulo bias"
      ) { ctx, a throws(LanguageError) in
        let lo = try a.int("lo")
        let hi = try a.int("hi")
        guard hi > lo else {
          throw a.error("hi", "randint: expected hi > lo, found lo = \(lo), hi = \(hi)")
        }
        let width = UInt64(hi - lo)
        guard let nd = a.optionalNumber("n") else {
          return .number(
            try withGenerator(ctx, a) { g throws(LanguageError) in
              Double(lo + Int(g.integer(below: width)))
            })
        }
        let n = try checkedSize(nd, "n", span: a.span(of: "n"))
        return try withGenerator(ctx, a) { g throws(LanguageError) in
          .vector(Vector((0..<n).map { _ in Double(lo + Int(g.integer(below: width))) }))
        }
      },
      make(
        "choice",
        [
          .required("x", .any, "a vector or list to draw from, or a number n meaning 0:n"),
          .absent("n", .integer, "how many (absent: one element)"),
          .optional("replace", .bool, default: .bool(true), "draw with replacement"), seedParameter,
        ],
        summary: "random elements of x"
      ) { ctx, a throws(LanguageError) in
        let x = a["x"]!
        let items: [Value]
        if case .number(let k) = x {
          items = (0..<(try checkedSize(k, "x", span: a.span(of: "x")))).map { .number(Double($0)) }
        } else {
          items = try elements(x, a)
        }
        guard !items.isEmpty else {
          throw a.error("x", "choice: cannot draw from an empty sequence")
        }
        let replace = try a.bool("replace")
        guard let nd = a.optionalNumber("n") else {
          return try withGenerator(ctx, a) { g throws(LanguageError) in
            items[Int(g.integer(below: UInt64(items.count)))]
          }
        }
        let n = try checkedSize(nd, "n", span: a.span(of: "n"))
        if !replace && n > items.count {
          throw a.error(
            "n", "choice: cannot draw \(n) without replacement from \(items.count) elements")
        }
        let picks = try withGenerator(ctx, a) { g throws(LanguageError) in
          g.choice(items.count, count: n, replace: replace)
        }
        return collect(picks.map { items[$0] })
      },
      make(
        "shuffle", [.required("x", .any, "a vector or list"), seedParameter],
        summary: "a randomly permuted copy (Fisher–Yates)"
      ) { ctx, a throws(LanguageError) in
        var items = try elements(a["x"]!, a)
        try withGenerator(ctx, a) { g throws(LanguageError) in g.shuffle(&items) }
        if case .vector = a["x"]! { return collect(items) }
        return .list(items)
      },
    ]
  }
}
