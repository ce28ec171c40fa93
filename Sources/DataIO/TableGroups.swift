import Numerics

/// A table split by the distinct values of one key column (`Table.grouped(by:)`).
///
/// Groups are ordered by key ascending (numbers by value with NaN last, text by Unicode
/// scalars); each aggregation returns one row per group with the key column first.
public struct TableGroups: Sendable {
  /// The key column's name.
  public let key: String
  let table: Table
  /// One key per group, as a column of the key's type.
  let keys: Table.Column
  /// Row indices of each group, ascending.
  let members: [[Int]]

  init(table: Table, key: String) throws {
    self.table = table
    self.key = key
    let column = try table.column(named: key)
    var members: [[Int]] = []
    var order = Array(0..<table.rowCount)
    switch column {
    case .number(let v):
      let x = v.elements
      order.sort { i, j in
        if x[i].isNaN || x[j].isNaN { return x[i].isNaN == x[j].isNaN ? i < j : x[j].isNaN }
        return x[i] == x[j] ? i < j : x[i] < x[j]
      }
      var keyValues: [Double] = []
      for i in order {
        if let last = keyValues.last, last == x[i] || (last.isNaN && x[i].isNaN) {
          members[members.count - 1].append(i)
        } else {
          keyValues.append(x[i])
          members.append([i])
        }
      }
      keys = .number(Vector(keyValues))
    case .text(let s):
      order.sort { i, j in
        let a = s[i].unicodeScalars
        let b = s[j].unicodeScalars
        return a.elementsEqual(b) ? i < j : a.lexicographicallyPrecedes(b)
      }
      var keyValues: [String] = []
      for i in order {
        if let last = keyValues.last, last.unicodeScalars.elementsEqual(s[i].unicodeScalars) {
          members[members.count - 1].append(i)
        } else {
          keyValues.append(s[i])
          members.append([i])
        }
      }
      keys = .text(keyValues)
    }
    self.members = members
  }

  /// Number of groups.
  public var groupCount: Int { members.count }

  /// Per group, the mean of every numeric non-key column (NaN skipped; NaN for a group
  /// with no values). See `Statistics.mean`.
  public func mean() -> Table { aggregate(Statistics.mean) }

  /// Per group, the sample standard deviation (n − 1) of every numeric non-key column
  /// (NaN skipped; NaN for fewer than two values). See `Statistics.std`.
  public func std() -> Table { aggregate(Statistics.std) }

  /// Per group, the number of rows, in a column named `count`.
  public func count() -> Table {
    let sizes = Table.Column.number(Vector(members.map { Double($0.count) }))
    let name = key == "count" ? "count.1" : "count"
    return Table(unchecked: [(key, keys), (name, sizes)], rowCount: members.count)
  }

  /// The key column followed by `statistic` of each numeric non-key column per group.
  private func aggregate(_ statistic: ([Double]) -> Double) -> Table {
    var pairs: [(name: String, column: Table.Column)] = [(key, keys)]
    for (name, column) in zip(table.names, table.columns) where name != key {
      guard case .number(let v) = column else { continue }
      let x = v.elements
      let values = members.map { rows in statistic(Statistics.present(rows.lazy.map { x[$0] })) }
      pairs.append((name, .number(Vector(values))))
    }
    // The table's own unique names, each column one value per group.
    return Table(unchecked: pairs, rowCount: members.count)
  }
}

extension Table {
  /// Splits the rows by the distinct values of column `key` for aggregation.
  public func grouped(by key: String) throws -> TableGroups {
    try TableGroups(table: self, key: key)
  }
}
