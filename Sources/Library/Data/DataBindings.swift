import DataIO
import Foundation
import Language
import Numerics

/// Data in and out (issue 7): CSV/TSV/NPY loading and saving, tables and their
/// operations. `load` reports the file's size and SHA-256 as output, so a notebook
/// records it and `replica check` notices a changed data file.
enum DataBindings {
  static func dataError(_ e: any Error, _ span: SourceSpan?) -> LanguageError {
    if let l = e as? LanguageError { return l }
    if let d = e as? DataError {
      switch d {
      case .fileNotFound, .io: return LanguageError(.io, d.description, span: span)
      case .unknownColumn: return LanguageError(.name, d.description, span: span)
      case .lengthMismatch: return LanguageError(.shape, d.description, span: span)
      default: return LanguageError(.value, d.description, span: span)
      }
    }
    return Builtins.wrap(e, span)
  }

  static func data<T>(_ span: SourceSpan?, _ body: () throws -> T) throws(LanguageError) -> T {
    do {
      return try body()
    } catch {
      throw dataError(error, span)
    }
  }

  /// `loaded NAME: BYTES bytes, sha256 HASH`.
  static func fingerprint(_ path: String, _ span: SourceSpan?) throws(LanguageError) -> String {
    let bytes: [UInt8] = try data(span) {
      guard FileManager.default.fileExists(atPath: path) else {
        throw DataError.fileNotFound(path: path)
      }
      return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    return "loaded \(path): \(bytes.count) bytes, sha256 \(SHA256.hex(bytes).prefix(16))"
  }

  /// Checks the sandbox and creates missing parent folders, as `savefig` does.
  static func prepareWrite(_ ctx: CallContext, _ path: String, _ span: SourceSpan?)
    throws(LanguageError)
  {
    try ctx.interpreter.configuration.fileAccess.checkWrite(path, span: span)
    let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
    if !FileManager.default.fileExists(atPath: dir.path) {
      do {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      } catch {
        throw LanguageError(
          .io, "cannot create the folder \(dir.path): \(error.localizedDescription)", span: span)
      }
    }
  }

  static func toValue(_ d: DataValue) -> Value {
    switch d {
    case .table(let t): return .object(TableValue(t))
    case .array(let a): return arrayValue(a)
    }
  }

  static func arrayValue(_ a: NPYArray) -> Value {
    switch a {
    case .vector(let v): return .vector(v)
    case .matrix(let m): return .matrix(m)
    case .scalar(let x): return .number(x)
    }
  }

  static func csvOptions(_ a: Arguments) throws(LanguageError) -> CSVOptions {
    var sep: Character?
    if case .string(let s)? = a["sep"] {
      let t = s == "\\t" ? "\t" : s
      guard t.count == 1, let c = t.first else {
        throw a.error("sep", "readcsv: sep expected one character, found \"\(s)\"")
      }
      sep = c
    }
    var header: Bool?
    if case .bool(let h)? = a["header"] { header = h }
    var comment: Character?
    if case .string(let c)? = a["comment"] {
      guard c.count == 1 else {
        throw a.error("comment", "readcsv: comment expected one character")
      }
      comment = c.first
    }
    let skip = a.optionalNumber("skip").map { Int($0) } ?? 0
    guard skip >= 0 else { throw a.error("skip", "readcsv: skip must be ≥ 0") }
    return CSVOptions(separator: sep, header: header, comment: comment, skip: skip)
  }

  static func table(_ v: Value, _ a: Arguments, _ name: String) throws(LanguageError) -> Table {
    guard case .object(let o) = v, let t = o as? TableValue else {
      throw a.error(
        name, "\(a.declaration.qualifiedName): expected a table, found \(v.shapeDescription)",
        kind: .type)
    }
    return t.table
  }

  static func column(_ v: Value, _ name: String, _ span: SourceSpan?) throws(LanguageError)
    -> Table.Column
  {
    switch v {
    case .vector(let x): return .number(x)
    case .number(let x): return .number(Vector([x]))
    case .list(let items):
      var strings: [String] = []
      var numbers: [Double] = []
      for it in items {
        switch it {
        case .string(let s): strings.append(s)
        case .number(let x): numbers.append(x)
        default:
          throw LanguageError(
            .type, "column '\(name)': expected numbers or strings, found \(it.typeName)", span: span
          )
        }
      }
      if !strings.isEmpty && !numbers.isEmpty {
        throw LanguageError(.type, "column '\(name)': mixes numbers and strings", span: span)
      }
      return strings.isEmpty ? .number(Vector(numbers)) : .text(strings)
    default:
      throw LanguageError(
        .type,
        "column '\(name)': expected a vector or a list of strings, found \(v.shapeDescription)",
        span: span)
    }
  }

  static func register(into interp: Interpreter) {
    let readOptions: [ParameterSpec] = [
      .absent("sep", .string, "separator (default: from the extension, else detected)"),
      .absent("header", .bool, "first row is a header (default: detected)"),
      .absent("comment", .string, "lines starting with this character are skipped"),
      .absent("skip", .integer, "lines to skip at the top"),
    ]
    let builtins: [Builtin] = [
      Builtins.make(
        "load", [.required("path", .string, "a .csv, .tsv or .npy file")] + readOptions,
        summary: "loads a table (CSV/TSV) or an array (NPY) by extension, reporting size and hash",
        returns: "a table, vector or matrix", example: "t = load(\"data.csv\")"
      ) { ctx, a throws(LanguageError) in
        let path = try a.string("path")
        let span = a.span(ofArgument: "path")
        let options = try csvOptions(a)
        let value = try data(span) {
          try DataFile.load(path, options: options, cancellation: ctx.interpreter.cancellation)
        }
        ctx.interpreter.configuration.output(try fingerprint(path, span) + "\n")
        return toValue(value)
      },
      Builtins.make(
        "readcsv", [.required("path", .string, "CSV file (RFC 4180)")] + readOptions,
        summary: "reads a CSV file into a table (column types inferred)",
        example: "readcsv(\"runs.tsv\", sep=\"\\t\")"
      ) { ctx, a throws(LanguageError) in
        let path = try a.string("path")
        let span = a.span(ofArgument: "path")
        let options = try csvOptions(a)
        let t = try data(span) {
          try CSV.read(path: path, options: options, cancellation: ctx.interpreter.cancellation)
        }
        ctx.interpreter.configuration.output(try fingerprint(path, span) + "\n")
        return .object(TableValue(t))
      },
      Builtins.make(
        "writecsv", [.required("t", .any, "a table"), .required("path", .string, "output file")],
        summary: "writes a table as CSV (RFC 4180; numbers in shortest round-trip form)"
      ) { ctx, a throws(LanguageError) in
        let t = try table(a["t"]!, a, "t")
        let path = try a.string("path")
        try prepareWrite(ctx, path, a.span(ofArgument: "path"))
        try data(a.span(ofArgument: "path")) { try CSV.write(t, to: path) }
        return .nil
      },
      Builtins.make(
        "loadnpy", [.required("path", .string, "a .npy file (format 1–3)")],
        summary: "reads a numpy .npy array (float64/32, int32/64, bool; 1-D or 2-D)"
      ) { ctx, a throws(LanguageError) in
        let path = try a.string("path")
        let span = a.span(ofArgument: "path")
        let arr = try data(span) { try NPY.read(path: path) }
        ctx.interpreter.configuration.output(try fingerprint(path, span) + "\n")
        return arrayValue(arr)
      },
      Builtins.make(
        "savenpy",
        [
          .required("x", .array, "a vector or matrix"),
          .required("path", .string, "output .npy file"),
        ],
        summary: "writes an array as a numpy .npy file (float64, C order)"
      ) { ctx, a throws(LanguageError) in
        let path = try a.string("path")
        try prepareWrite(ctx, path, a.span(ofArgument: "path"))
        let arr: NPYArray
        switch a["x"]! {
        case .vector(let v): arr = .vector(v)
        case .matrix(let m): arr = .matrix(m)
        case .number(let x): arr = .scalar(x)
        default: throw a.error("x", "savenpy: expected an array", kind: .type)
        }
        try data(a.span(ofArgument: "path")) { try NPY.write(arr, to: path) }
        return .nil
      },
      Builtins.make(
        "save",
        [
          .required("x", .any, "a table, vector or matrix"),
          .required("path", .string, "output file (.csv, .tsv or .npy)"),
        ],
        summary: "saves a value in the format of the file's extension"
      ) { ctx, a throws(LanguageError) in
        let path = try a.string("path")
        try prepareWrite(ctx, path, a.span(ofArgument: "path"))
        let value: DataValue
        switch a["x"]! {
        case .vector(let v): value = .array(.vector(v))
        case .matrix(let m): value = .array(.matrix(m))
        case .object(let o) where o is TableValue: value = .table((o as! TableValue).table)
        case let other:
          throw a.error(
            "x", "save: expected a table, vector or matrix, found \(other.shapeDescription)",
            kind: .type)
        }
        try data(a.span(ofArgument: "path")) { try DataFile.save(value, to: path) }
        return .nil
      },
      Builtins.make(
        "table", [], extraKeywords: true,
        summary: "a table from named columns of equal length",
        example: "t = table(x=1:4, y=[1, 4, 9, 16])"
      ) { ctx, a throws(LanguageError) in
        var cols: [(name: String, column: Table.Column)] = []
        for (n, v) in a.extraKeywords { cols.append((n, try column(v, n, ctx.span))) }
        return .object(TableValue(try data(ctx.span) { try Table(cols) }))
      },
      Builtins.make(
        "select",
        [.required("t", .any, "a table"), .required("columns", .strings, "column names")],
        summary: "a table with only the given columns, in that order"
      ) { ctx, a throws(LanguageError) in
        let t = try table(a["t"]!, a, "t")
        guard case .list(let items)? = a["columns"] else { return .nil }
        let names = items.compactMap { v -> String? in
          if case .string(let s) = v { return s } else { return nil }
        }
        return .object(TableValue(try data(ctx.span) { try t.selecting(names) }))
      },
      Builtins.make(
        "sortby",
        [
          .required("t", .any, "a table"), .required("column", .string, "column to sort by"),
          .optional("descending", .bool, default: .bool(false), "largest first"),
        ],
        summary: "rows sorted by a column (stable; NaN last)"
      ) { ctx, a throws(LanguageError) in
        let t = try table(a["t"]!, a, "t")
        let c = try a.string("column")
        let d = try a.bool("descending")
        return .object(
          TableValue(try data(a.span(ofArgument: "column")) { try t.sorted(by: c, descending: d) }))
      },
      Builtins.make(
        "groupby",
        [
          .required("t", .any, "a table"),
          .required("key", .string, "column whose values form the groups"),
        ],
        summary: "groups rows by a key; then .mean(), .std() or .count()",
        example: "groupby(t, \"seed\").mean()"
      ) { ctx, a throws(LanguageError) in
        let t = try table(a["t"]!, a, "t")
        let k = try a.string("key")
        return .object(GroupsValue(try data(a.span(ofArgument: "key")) { try t.grouped(by: k) }))
      },
      Builtins.make(
        "head",
        [.required("t", .any, "a table"), .optional("n", .integer, default: .number(5), "rows")],
        summary: "the first n rows"
      ) { _, a throws(LanguageError) in
        .object(TableValue(try table(a["t"]!, a, "t").head(try a.int("n"))))
      },
      Builtins.make(
        "tail",
        [.required("t", .any, "a table"), .optional("n", .integer, default: .number(5), "rows")],
        summary: "the last n rows"
      ) { _, a throws(LanguageError) in
        .object(TableValue(try table(a["t"]!, a, "t").tail(try a.int("n"))))
      },
      Builtins.make(
        "describe", [.required("t", .any, "a table")],
        summary: "count, mean, std, min, quartiles and max of every numeric column"
      ) { _, a throws(LanguageError) in
        .object(TableValue(try table(a["t"]!, a, "t").describe()))
      },
    ]
    for b in builtins { interp.define(b) }
    // `filter` gains a table form: filter(t, mask); anything else goes to the core filter.
    if case .function(let core)? = interp.global("filter") {
      interp.define(
        Builtins.make(
          "filter",
          [
            .required("x", .any, "a table, vector or list"),
            .required("f", .any, "a 0/1 mask (tables) or a predicate function"),
          ],
          summary: "rows of a table where mask is 1, or the elements for which f returns true"
        ) { ctx, a throws(LanguageError) in
          if case .object(let o)? = a["x"], let t = o as? TableValue {
            let mask: Vector
            switch a["f"]! {
            case .vector(let v): mask = v
            case .list(let l):
              mask = Vector(l.map { if case .bool(true) = $0 { return 1.0 } else { return 0.0 } })
            default:
              throw a.error("f", "filter: a table is filtered by a 0/1 mask vector", kind: .type)
            }
            return .object(TableValue(try data(ctx.span) { try t.table.filtering(mask: mask) }))
          }
          return try ctx.call(.function(core), [a["x"]!, a["f"]!])
        })
    }
  }
}
