import Numerics
import Testing

@testable import DataIO

@Suite struct TableTests {
  static func sample() throws -> Table {
    try Table([
      ("group", .text(["b", "a", "b", "a", "c"])),
      ("x", .number(Vector([5, 1, .nan, 3, 2]))),
      ("y", .number(Vector([10, 20, 30, 40, 50]))),
    ])
  }

  @Test func constructionChecksLengthsAndNames() {
    #expect(
      dataError { _ = try Table([("a", .number([1, 2])), ("b", .number([1]))]) }
        == .lengthMismatch(column: "b", expected: 2, found: 1))
    guard
      case .invalidArgument? = dataError({
        _ = try Table([("a", .number([1])), ("a", .number([2]))])
      })
    else {
      Issue.record("duplicate names should throw")
      return
    }
  }

  @Test func unknownColumnSuggestsClosestName() throws {
    let t = try Self.sample()
    #expect(
      dataError { _ = try t.column(named: "grop") }
        == .unknownColumn(name: "grop", suggestion: "group"))
    #expect(
      dataError { _ = try t.column(named: "X") } == .unknownColumn(name: "X", suggestion: "x"))
    #expect(
      dataError { _ = try t.column(named: "zzzzzz") }
        == .unknownColumn(name: "zzzzzz", suggestion: nil))
    #expect(
      DataError.unknownColumn(name: "grop", suggestion: "group").description
        == "no column named 'grop'; did you mean 'group'?")
  }

  @Test func addingSelectingFiltering() throws {
    let t = try Self.sample()
    let added = try t.adding(column: .number(Vector([1, 2, 3, 4, 5])), named: "z")
    #expect(added.names == ["group", "x", "y", "z"])
    let replaced = try added.adding(column: .text(["p", "q", "r", "s", "t"]), named: "x")
    #expect(replaced.names == ["group", "x", "y", "z"])
    #expect(
      dataError { _ = try t.adding(column: .number([1]), named: "w") }
        == .lengthMismatch(column: "w", expected: 5, found: 1))
    #expect(try t.selecting(["y", "group"]).names == ["y", "group"])
    let f = try t.filtering(mask: Vector([1, 0, 0, 1, 1]))
    #expect(try numbers(f, "y") == [10, 40, 50])
    #expect(dataError { _ = try t.filtering(mask: Vector([1, 0])) } != nil)
    #expect(
      dataError { _ = try t.filtering(mask: Vector([1, 0, 2, 0, 0])) }
        == .invalidArgument(operation: "filter", message: "mask entry 2 is 2.0, expected 0 or 1"))
  }

  @Test func sortIsStableWithNaNLast() throws {
    let t = try Self.sample()
    let up = try t.sorted(by: "x")
    #expect(try numbers(up, "y") == [20, 50, 40, 10, 30])
    let down = try t.sorted(by: "x", descending: true)
    #expect(try numbers(down, "y") == [10, 40, 50, 20, 30])
    let byText = try t.sorted(by: "group")
    #expect(try numbers(byText, "y") == [20, 40, 10, 30, 50])
    let byTextDown = try t.sorted(by: "group", descending: true)
    #expect(try numbers(byTextDown, "y") == [50, 10, 30, 20, 40])
  }

  @Test func groupAggregates() throws {
    let g = try Self.sample().grouped(by: "group")
    #expect(g.groupCount == 3)
    let mean = g.mean()
    #expect(try strings(mean, "group") == ["a", "b", "c"])
    #expect(try numbers(mean, "x") == [2, 5, 2])  // NaN skipped in group b
    #expect(try numbers(mean, "y") == [30, 20, 50])
    let std = g.std()
    // Sample std of {20, 40} is √200; {10, 30} likewise; one value has none.
    let ys = try #require(try numbers(std, "y"))
    #expect(abs(ys[0] - 200.0.squareRoot()) < 1e-12 && abs(ys[1] - 200.0.squareRoot()) < 1e-12)
    #expect(ys[2].isNaN)
    #expect(try numbers(g.count(), "count") == [2, 2, 1])
    let byNumber = try Table([("k", .number([2, 1, 2, .nan])), ("v", .number([1, 2, 3, 4]))])
    #expect(try numbers(try byNumber.grouped(by: "k").mean(), "v") == [2, 2, 4])
  }

  @Test func headTailRowsAndMatrix() throws {
    let t = try Self.sample()
    #expect(try numbers(t.head(2), "y") == [10, 20])
    #expect(try numbers(t.tail(2), "y") == [40, 50])
    #expect(t.head(99).rowCount == 5 && t.tail(0).rowCount == 0)
    let record = t.rows[1]
    #expect(record.map(\.name) == ["group", "x", "y"])
    #expect(record.map(\.value) == [.text("a"), .number(1), .number(20)])
    #expect(t.rows.count == 5)
    #expect(dataError { _ = try t.record(at: 5) } != nil)
    #expect(try t.selecting(["x", "y"]).numericMatrix().row(0) == Vector([5, 10]))
  }

  @Test func describeMatchesKnownStatistics() throws {
    let t = try Table([
      ("v", .number(Vector((1...8).map(Double.init) + [.nan]))),
      ("s", .text(Array(repeating: "a", count: 9))),
    ])
    let d = t.describe()
    #expect(d.names == ["statistic", "v"])
    #expect(
      try strings(d, "statistic") == ["count", "mean", "std", "min", "25%", "50%", "75%", "max"])
    let v = try #require(try numbers(d, "v"))
    // 1...8: mean 4.5; sample variance 6 (Σ(k − 4.5)² = 42 over 7); type-7 quartiles.
    let expected = [8, 4.5, 6.0.squareRoot(), 1, 2.75, 4.5, 6.25, 8]
    for (a, b) in zip(v, expected) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
  }

  @Test func renderShowsHeadTailAndSize() throws {
    let t = try Table([
      ("n", .number(Vector((0..<1000).map { Double($0) * 1.5 }))),
      ("name", .text((0..<1000).map { "item\($0)" })),
      ("r", .number(Vector((0..<1000).map { 1 / Double($0 + 1) }))),
    ])
    let lines = t.render(maxRows: 4).split(separator: "\n").map(String.init)
    #expect(
      lines == [
        "          n  name            r",
        "  0       0  item0           1",
        "  1     1.5  item1         0.5",
        "...     ...  ...           ...",
        "998    1497  item998  0.001001",
        "999  1498.5  item999     0.001",
        "[1000 rows × 3 columns]",
      ])
    #expect(try Table([("a", .number([1]))]).description == "   a\n0  1\n[1 row × 1 column]")
  }
}
