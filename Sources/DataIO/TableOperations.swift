import Numerics

extension Table {
  /// A table with only the columns `names`, in that order; unknown names throw.
  public func selecting(_ names: [String]) throws -> Table {
    try Table(names.map { ($0, columns[try index(of: $0)]) })
  }

  /// The rows `indices` (0-based, any order, repeats allowed) of every column.
  func gathering(_ indices: [Int]) -> Table {
    var t = self
    t.columns = columns.map { $0.gathering(indices) }
    t.rowCount = indices.count
    return t
  }

  /// The rows where `mask` is 1. The mask must have one entry per row, each 0 or 1.
  public func filtering(mask: Vector) throws -> Table {
    guard mask.count == rowCount else {
      throw DataError.invalidArgument(
        operation: "filter", message: "mask has \(mask.count) entries, expected \(rowCount)")
    }
    var kept: [Int] = []
    for (i, m) in mask.elements.enumerated() {
      if m == 1 {
        kept.append(i)
      } else if m != 0 {
        throw DataError.invalidArgument(
          operation: "filter", message: "mask entry \(i) is \(m), expected 0 or 1")
      }
    }
    return gathering(kept)
  }

  /// The rows ordered by column `name`: numbers by value, text by Unicode scalar order.
  /// The sort is stable (equal keys keep their order, also when descending) and NaN
  /// keys come last in both directions.
  public func sorted(by name: String, descending: Bool = false) throws -> Table {
    let key = columns[try index(of: name)]
    var order = Array(0..<rowCount)
    switch key {
    case .number(let v):
      let x = v.elements
      order.sort { i, j in
        let a = x[i]
        let b = x[j]
        if a.isNaN || b.isNaN { return a.isNaN == b.isNaN ? i < j : b.isNaN }
        if a == b { return i < j }
        return descending ? a > b : a < b
      }
    case .text(let s):
      order.sort { i, j in
        let a = s[i].unicodeScalars
        let b = s[j].unicodeScalars
        if a.elementsEqual(b) { return i < j }
        let less = a.lexicographicallyPrecedes(b)
        return descending ? !less : less
      }
    }
    return gathering(order)
  }

  /// The first `n` rows (all of them when there are fewer).
  public func head(_ n: Int = 5) -> Table {
    gathering(Array(0..<min(max(n, 0), rowCount)))
  }

  /// The last `n` rows (all of them when there are fewer).
  public func tail(_ n: Int = 5) -> Table {
    gathering(Array(max(rowCount - max(n, 0), 0)..<rowCount))
  }
}
