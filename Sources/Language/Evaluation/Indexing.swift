import Numerics

/// 0-based numpy-style indexing (language.md, "Indexing"): `v[0]`, `v[-1]`,
/// `v[2:5]`, `v[:3]`, `v[mask]`, `v[[0, 2]]`, `M[i, j]`, `M[:, 0]`, `M[1]`, on both
/// sides of `=`. Out-of-range positions are errors naming the index and the length;
/// slices clamp like numpy's. An index vector made only of 0s and 1s with the same
/// length as the indexed axis is read as a mask.
enum Indexing {
  /// A resolved selection along one axis.
  enum Selection {
    case one(Int)
    case many([Int])

    var positions: [Int] {
      switch self {
      case .one(let i): return [i]
      case .many(let p): return p
      }
    }
  }

  static func position(_ v: Value, length: Int, span: SourceSpan, axis: String)
    throws(LanguageError)
    -> Int
  {
    guard case .number(let x) = v else {
      throw LanguageError(
        .type, "index expected a number, found \(v.shapeDescription)", span: span)
    }
    guard x.isFinite, x == x.rounded() else {
      throw LanguageError(
        .index, "index \(Display.number(x)) is not an integer", span: span)
    }
    let i = Int(x)
    let j = i < 0 ? i + length : i
    guard j >= 0, j < length else {
      throw LanguageError(
        .index, "index \(i) is out of range for \(axis) of length \(length)", span: span)
    }
    return j
  }

  static func selection(_ item: IndexValue, length: Int, axis: String) throws(LanguageError)
    -> Selection
  {
    switch item {
    case .slice(let lo, let hi, let span):
      func bound(_ v: Value?, _ def: Int) throws(LanguageError) -> Int {
        guard let v else { return def }
        if case .nil = v { return def }
        guard case .number(let x) = v, x.isFinite, x == x.rounded() else {
          throw LanguageError(
            .type, "slice bound expected an integer, found \(Display.inline(v))", span: span)
        }
        let i = Int(x)
        return min(max(i < 0 ? i + length : i, 0), length)
      }
      let a = try bound(lo, 0)
      let b = try bound(hi, length)
      return .many(a < b ? Array(a..<b) : [])
    case .single(let v, let span):
      switch v {
      case .number: return .one(try position(v, length: length, span: span, axis: axis))
      case .vector(let idx):
        if idx.count == length && idx.allSatisfy({ $0 == 0 || $0 == 1 }) && length > 0 {
          return .many(idx.indices.filter { idx[$0] == 1 })
        }
        var out: [Int] = []
        out.reserveCapacity(idx.count)
        for x in idx.elements {
          out.append(try position(.number(x), length: length, span: span, axis: axis))
        }
        return .many(out)
      case .list(let items):
        if items.allSatisfy({ if case .bool = $0 { return true } else { return false } }) {
          guard items.count == length else {
            throw LanguageError(
              .index, "mask of length \(items.count) does not match \(axis) of length \(length)",
              span: span)
          }
          return .many(
            items.indices.filter {
              if case .bool(true) = items[$0] { return true } else { return false }
            })
        }
        var out: [Int] = []
        for it in items { out.append(try position(it, length: length, span: span, axis: axis)) }
        return .many(out)
      case .bool:
        throw LanguageError(.type, "index expected a number or mask, found bool", span: span)
      default:
        throw LanguageError(
          .type,
          "index expected a number, slice, index vector or mask, found \(v.shapeDescription)",
          span: span)
      }
    }
  }

  private static func itemSpan(_ item: IndexValue) -> SourceSpan {
    switch item {
    case .single(_, let s), .slice(_, _, let s): return s
    }
  }

  // MARK: - Reading

  static func get(_ base: Value, _ items: [IndexValue], span: SourceSpan) throws(LanguageError)
    -> Value
  {
    switch base {
    case .vector(let v):
      try expectCount(items, 1, base, span)
      switch try selection(items[0], length: v.count, axis: "vector") {
      case .one(let i): return .number(v[i])
      case .many(let p): return .vector(Vector(p.map { v[$0] }))
      }
    case .matrix(let m):
      guard items.count <= 2 else {
        try expectCount(items, 2, base, span)
        return .nil
      }
      let rows = try selection(items[0], length: m.rows, axis: "axis 0 (rows)")
      if items.count == 1 {
        switch rows {
        case .one(let i): return .vector(m.row(i))
        case .many(let p): return .matrix(subMatrix(m, p, Array(0..<m.cols)))
        }
      }
      let cols = try selection(items[1], length: m.cols, axis: "axis 1 (columns)")
      switch (rows, cols) {
      case (.one(let i), .one(let j)): return .number(m[i, j])
      case (.one(let i), .many(let js)): return .vector(Vector(js.map { m[i, $0] }))
      case (.many(let is_), .one(let j)): return .vector(Vector(is_.map { m[$0, j] }))
      case (.many(let is_), .many(let js)): return .matrix(subMatrix(m, is_, js))
      }
    case .list(let l):
      try expectCount(items, 1, base, span)
      switch try selection(items[0], length: l.count, axis: "list") {
      case .one(let i): return l[i]
      case .many(let p): return .list(p.map { l[$0] })
      }
    case .string(let s):
      try expectCount(items, 1, base, span)
      let chars = Array(s)
      switch try selection(items[0], length: chars.count, axis: "string") {
      case .one(let i): return .string(String(chars[i]))
      case .many(let p): return .string(String(p.map { chars[$0] }))
      }
    case .record(let r):
      try expectCount(items, 1, base, span)
      guard case .single(.string(let key), let ks) = items[0] else {
        throw LanguageError(.type, "a record is indexed by a field name string", span: span)
      }
      guard let v = r[key] else {
        throw Members.unknownField(key, r.keys, "record", ks)
      }
      return v
    case .object(let o):
      let vals = items.map { item -> Value in
        switch item {
        case .single(let v, _): return v
        case .slice(let a, let b, _): return .list([a ?? .nil, b ?? .nil])
        }
      }
      do throws(LanguageError) {
        return try o.index(vals)
      } catch {
        throw error.located(span)
      }
    default:
      throw LanguageError(.type, "a \(base.typeName) cannot be indexed", span: span)
    }
  }

  private static func expectCount(
    _ items: [IndexValue], _ n: Int, _ base: Value, _ span: SourceSpan
  )
    throws(LanguageError)
  {
    guard items.count == n else {
      throw LanguageError(
        .index,
        "a \(base.typeName) takes \(n) index\(n == 1 ? "" : "es"), found \(items.count)",
        span: span)
    }
  }

  static func subMatrix(_ m: Matrix, _ rows: [Int], _ cols: [Int]) -> Matrix {
    Matrix(rows: rows.count, cols: cols.count) { buf in
      var k = 0
      for i in rows {
        for j in cols {
          buf[k] = m[i, j]
          k += 1
        }
      }
    }
  }

  // MARK: - Writing

  static func set(_ base: inout Value, _ items: [IndexValue], _ value: Value, span: SourceSpan)
    throws(LanguageError)
  {
    switch base {
    case .vector(var v):
      try expectCount(items, 1, base, span)
      let sel = try selection(items[0], length: v.count, axis: "vector")
      base = .nil
      defer { base = .vector(v) }
      try assign(&v.elements, sel.positions, value, span: span)
    case .matrix(var m):
      guard items.count == 1 || items.count == 2 else {
        try expectCount(items, 2, base, span)
        return
      }
      let rows = try selection(items[0], length: m.rows, axis: "axis 0 (rows)")
      let cols: Selection =
        items.count == 2
        ? try selection(items[1], length: m.cols, axis: "axis 1 (columns)")
        : .many(Array(0..<m.cols))
      base = .nil
      defer { base = .matrix(m) }
      let rp = rows.positions
      let cp = cols.positions
      switch value {
      case .number(let x):
        for i in rp { for j in cp { m[i, j] = x } }
      case .vector(let v):
        if rp.count == 1 && v.count == cp.count {
          for (k, j) in cp.enumerated() { m[rp[0], j] = v[k] }
        } else if cp.count == 1 && v.count == rp.count {
          for (k, i) in rp.enumerated() { m[i, cp[0]] = v[k] }
        } else if v.count == cp.count {
          for i in rp { for (k, j) in cp.enumerated() { m[i, j] = v[k] } }
        } else {
          throw LanguageError(
            .shape,
            "cannot assign a vector(\(v.count)) to a selection of \(rp.count)×\(cp.count)",
            span: span)
        }
      case .matrix(let src):
        guard src.rows == rp.count, src.cols == cp.count else {
          throw LanguageError(
            .shape,
            "cannot assign a matrix(\(src.rows)×\(src.cols)) to a selection of \(rp.count)×\(cp.count)",
            span: span)
        }
        for (a, i) in rp.enumerated() { for (b, j) in cp.enumerated() { m[i, j] = src[a, b] } }
      default:
        throw LanguageError(
          .type, "cannot store a \(value.shapeDescription) in a matrix", span: span)
      }
    case .list(var l):
      try expectCount(items, 1, base, span)
      let sel = try selection(items[0], length: l.count, axis: "list")
      base = .nil
      defer { base = .list(l) }
      switch sel {
      case .one(let i): l[i] = value
      case .many(let p):
        guard case .list(let src) = value, src.count == p.count else {
          for i in p { l[i] = value }
          return
        }
        for (k, i) in p.enumerated() { l[i] = src[k] }
      }
    case .record(var r):
      try expectCount(items, 1, base, span)
      guard case .single(.string(let key), _) = items[0] else {
        throw LanguageError(.type, "a record is indexed by a field name string", span: span)
      }
      r[key] = value
      base = .record(r)
    default:
      throw LanguageError(.type, "cannot assign into a \(base.typeName) by index", span: span)
    }
  }

  private static func assign(
    _ dst: inout [Double], _ positions: [Int], _ value: Value, span: SourceSpan
  )
    throws(LanguageError)
  {
    switch value {
    case .number(let x):
      for i in positions { dst[i] = x }
    case .bool(let b):
      for i in positions { dst[i] = b ? 1 : 0 }
    case .vector(let v):
      guard v.count == positions.count || v.count == 1 else {
        throw LanguageError(
          .shape,
          "cannot assign a vector(\(v.count)) to \(positions.count) selected element\(positions.count == 1 ? "" : "s")",
          span: span)
      }
      if v.count == 1 {
        for i in positions { dst[i] = v[0] }
      } else {
        for (k, i) in positions.enumerated() { dst[i] = v[k] }
      }
    default:
      throw LanguageError(
        .type, "cannot store a \(value.shapeDescription) in a vector: expected a number",
        span: span)
    }
  }
}
