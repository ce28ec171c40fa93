import DataIO
import Language
import Numerics

/// A table as a language value: `t.x` (a column), `t["x"]`, `t.z = v` (adds a column,
/// returning a new table: value semantics), `for row in t` (records), `len(t)` rows.
final class TableValue: HostObject, @unchecked Sendable {
  let table: Table
  init(_ table: Table) { self.table = table }

  var typeName: String { "table" }
  func display() -> String { table.render() }
  var memberNames: [String] { table.names + ["rows", "cols", "names"] }

  static func columnValue(_ c: Table.Column) -> Value {
    switch c {
    case .number(let v): return .vector(v)
    case .text(let s): return .list(s.map { .string($0) })
    }
  }

  static func cellValue(_ c: Table.Cell) -> Value {
    switch c {
    case .number(let x): return .number(x)
    case .text(let s): return .string(s)
    }
  }

  func member(_ name: String, interpreter: Interpreter) throws(LanguageError) -> Value? {
    if table.names.contains(name) {
      return try DataBindings.data(nil) { Self.columnValue(try table.column(named: name)) }
    }
    switch name {
    case "rows": return .number(Double(table.rowCount))
    case "cols": return .number(Double(table.columnCount))
    case "names": return .list(table.names.map { .string($0) })
    default: return nil
    }
  }

  func settingMember(_ name: String, to value: Value) throws(LanguageError) -> any HostObject {
    let column = try DataBindings.column(value, name, nil)
    return TableValue(try DataBindings.data(nil) { try table.adding(column: column, named: name) })
  }

  func index(_ items: [Value]) throws(LanguageError) -> Value {
    guard items.count == 1 else {
      throw LanguageError(.index, "a table takes one index: a column name, a row number or a mask")
    }
    switch items[0] {
    case .string(let name):
      return try DataBindings.data(nil) { Self.columnValue(try table.column(named: name)) }
    case .number(let x):
      let n = table.rowCount
      let i = Int(x) < 0 ? Int(x) + n : Int(x)
      guard x == x.rounded(), i >= 0, i < n else {
        throw LanguageError(
          .index, "row \(Display.number(x)) is out of range for a table of \(n) rows")
      }
      return try rowRecord(i)
    case .vector(let mask):
      return .object(TableValue(try DataBindings.data(nil) { try table.filtering(mask: mask) }))
    default:
      throw LanguageError(.type, "a table is indexed by a column name, a row number or a mask")
    }
  }

  func rowRecord(_ i: Int) throws(LanguageError) -> Value {
    let r = try DataBindings.data(nil) { try table.record(at: i) }
    return .record(Record(r.map { ($0.name, Self.cellValue($0.value)) }))
  }

  func elements() throws(LanguageError) -> [Value] {
    var out: [Value] = []
    out.reserveCapacity(table.rowCount)
    for i in 0..<table.rowCount { out.append(try rowRecord(i)) }
    return out
  }

  func isEqual(to other: any HostObject) -> Bool {
    (other as? TableValue)?.table == table
  }
}

/// `groupby(t, "key")`: `.mean()`, `.std()`, `.count()` give tables with one row per group.
final class GroupsValue: HostObject, @unchecked Sendable {
  let groups: TableGroups
  init(_ groups: TableGroups) { self.groups = groups }

  var typeName: String { "groups" }
  func display() -> String {
    "groups of '\(groups.key)': \(groups.groupCount) groups; use .mean(), .std() or .count()"
  }
  var memberNames: [String] { ["mean", "std", "count"] }

  static let methods: [String: Builtin] = {
    func method(_ name: String, _ summary: String, _ f: @escaping @Sendable (TableGroups) -> Table)
      -> Builtin
    {
      Builtins.make(
        name, module: "groups", [.required("self", .any, "the groups")], summary: summary
      ) {
        ctx, a throws(LanguageError) in
        guard case .object(let o)? = a["self"], let g = o as? GroupsValue else {
          throw LanguageError(.type, "expected groups", span: ctx.span)
        }
        return .object(TableValue(f(g.groups)))
      }
    }
    return [
      "mean": method("mean", "mean of every numeric column per group (NaN skipped)") { $0.mean() },
      "std": method("std", "sample standard deviation per group") { $0.std() },
      "count": method("count", "rows per group") { $0.count() },
    ]
  }()

  func member(_ name: String, interpreter: Interpreter) throws(LanguageError) -> Value? {
    Self.methods[name].map { .function(Function(method: $0, receiver: .object(self))) }
  }
}
