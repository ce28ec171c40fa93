import Foundation
import Numerics
import Testing

@testable import DataIO

/// The two-halves reader against the single-pass reader: same table or same error for a
/// split at every byte of small files (read through 16-byte buffers so the split can
/// fall anywhere after the first record).
@Suite struct CSVSplitTests {
  /// What one read gave: the table, or the error.
  enum Outcome: Equatable {
    case table(Table)
    case error(DataError)
  }

  /// Reads `text` in one pass, then with the split searched from every offset; checks
  /// that every split read gives the single pass's outcome and returns that outcome and
  /// the offsets at which the halves were used.
  static func compare(
    _ text: String, _ options: CSVOptions = CSVOptions(separator: ","),
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> (outcome: Outcome, splitAt: [Int]) {
    try compare(bytes: Array(text.utf8), options, sourceLocation: sourceLocation)
  }

  static func compare(
    bytes: [UInt8], _ options: CSVOptions = CSVOptions(separator: ","),
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> (outcome: Outcome, splitAt: [Int]) {
    func read(_ parallelism: CSVReader.Parallelism) throws -> (Outcome, Bool) {
      do {
        let (table, split) = try CSVReader.readReporting(
          source: ByteSource(bytes: bytes, label: "s.csv"), options: options,
          cancellation: .never, parallelism: parallelism, bufferBytes: 16)
        return (.table(table), split)
      } catch let error as DataError {
        return (.error(error), false)
      }
    }
    let (single, unsplit) = try read(CSVReader.Parallelism(minimumBytes: .max, splitNear: nil))
    #expect(!unsplit, sourceLocation: sourceLocation)
    var splitAt: [Int] = []
    for offset in 0...bytes.count {
      let (outcome, split) = try read(CSVReader.Parallelism(minimumBytes: 0, splitNear: offset))
      #expect(
        outcome == single, "split searched from byte \(offset)", sourceLocation: sourceLocation)
      if split { splitAt.append(offset) }
    }
    return (single, splitAt)
  }

  /// `count` numeric rows of three columns: an index, a decimal and a missing value
  /// every seventh row.
  static func rows(_ count: Int, from first: Int = 0, lineBreak: String = "\n") -> String {
    (first..<first + count).map { i in
      "\(i),\(Double(i) * 0.25 - 3),\(i % 7 == 0 ? "NA" : "\(i * i)")\(lineBreak)"
    }.joined()
  }

  @Test func numericFileSplitsAnywhereWithTheSameTable() throws {
    let (outcome, splitAt) = try Self.compare("i,x,y\n" + Self.rows(24))
    guard case .table(let t) = outcome else {
      Issue.record("expected a table, got \(outcome)")
      return
    }
    #expect(t.names == ["i", "x", "y"] && t.rowCount == 24)
    #expect(try numbers(t, "i") == (0..<24).map(Double.init))
    #expect(splitAt.count > 200)
  }

  @Test func crlfBlankLinesAndComments() throws {
    let text =
      "# made by hand\r\ni,x,y\r\n" + Self.rows(8, lineBreak: "\r\n") + "\r\n\n# mid\n"
      + Self.rows(8, from: 8, lineBreak: "\r\n") + "\r3,4,5\r" + Self.rows(4, from: 20)
    let (outcome, splitAt) = try Self.compare(text, CSVOptions(separator: ",", comment: "#"))
    guard case .table(let t) = outcome else {
      Issue.record("expected a table, got \(outcome)")
      return
    }
    #expect(t.rowCount == 21)
    #expect(!splitAt.isEmpty)
  }

  @Test func quotesBeforeTheSplitFallBackToOnePass() throws {
    // Quoted fields with embedded line breaks (LF and CRLF) throughout: a split is never
    // taken, wherever it would land.
    var text = "name,v\n"
    for i in 0..<12 { text += "\"line \(i)\nnext, \"\"quoted\"\"\r\nend\",\(i)\n" }
    let (outcome, splitAt) = try Self.compare(text)
    guard case .table(let t) = outcome else {
      Issue.record("expected a table, got \(outcome)")
      return
    }
    #expect(try strings(t, "name")?[3] == "line 3\nnext, \"quoted\"\r\nend")
    #expect(splitAt.isEmpty)
  }

  @Test func quotesOnlyAfterTheSplitStillSplit() throws {
    let text = "i,x,y\n" + Self.rows(12) + "12,\"1.5\",\"a\nb\"\n13,2,c\n"
    let (outcome, splitAt) = try Self.compare(text)
    guard case .table(let t) = outcome else {
      Issue.record("expected a table, got \(outcome)")
      return
    }
    #expect(try strings(t, "y")?.suffix(2) == ["a\nb", "c"])
    #expect(try numbers(t, "x")?.suffix(2) == [1.5, 2])
    // Splits before the first quote are taken; none after it.
    let firstQuote = Array(text.utf8).firstIndex(of: UInt8(ascii: "\""))!
    #expect(!splitAt.isEmpty && splitAt.allSatisfy { $0 < firstQuote })
  }

  @Test func raggedRowInTheSecondHalfHasItsLine() throws {
    let text = "i,x,y\n" + Self.rows(15) + "15,1\n" + Self.rows(4, from: 16)
    let (outcome, splitAt) = try Self.compare(text)
    #expect(
      outcome
        == .error(
          .malformed(
            path: "s.csv", line: 17, column: 5, message: "found 2 fields, expected 3 as in line 1"))
    )
    #expect(splitAt.isEmpty)  // A read that throws does not say how it read.
    // The split does not depend on the row's width, so the same offsets split the file
    // with the row mended: the error above came from the second half.
    let ragged = text.utf8.count - Self.rows(4, from: 16).utf8.count - 5
    let mended = try Self.compare("i,x,y\n" + Self.rows(20)).splitAt
    #expect(mended.contains { $0 < ragged - 20 })
  }

  @Test func firstHalfErrorWinsOverSecondHalfError() throws {
    let text = "i,x\n1,2\n3,\"4\"x\n" + String(repeating: "5,6\n", count: 10) + "7\n"
    let (outcome, _) = try Self.compare(text)
    guard case .error(let error) = outcome else {
      Issue.record("expected an error, got \(outcome)")
      return
    }
    #expect(position(error)! == (3, 6))
  }

  @Test func invalidUTF8InTheSecondHalf() throws {
    var bytes = Array(("k,v\n" + String(repeating: "a,1\n", count: 10) + "b?,2\n").utf8)
    bytes[bytes.count - 4] = 0xFF
    let (outcome, splitAt) = try Self.compare(bytes: bytes)
    #expect(
      outcome
        == .error(
          .malformed(
            path: "s.csv", line: 12, column: 2, message: "invalid UTF-8 byte 0xff")))
    #expect(splitAt.isEmpty)  // A read that throws does not say how it read.
    bytes[bytes.count - 4] = UInt8(ascii: "c")
    #expect(try Self.compare(bytes: bytes).splitAt.contains { $0 < bytes.count - 10 })
  }

  @Test func typeInferenceAcrossTheHalves() throws {
    // Numeric in the first half and text in the second, and the reverse: text wins with
    // the original spelling, as in one pass.
    let text =
      "a,b,c\n" + (0..<10).map { "00\($0),x\($0),\($0)\n" }.joined()
      + "late,1.50,7\n" + (0..<10).map { "\($0).0,\($0)e0,\($0)\n" }.joined()
    let (outcome, splitAt) = try Self.compare(text)
    guard case .table(let t) = outcome else {
      Issue.record("expected a table, got \(outcome)")
      return
    }
    #expect(try strings(t, "a")?.prefix(3) == ["000", "001", "002"])
    #expect(try strings(t, "a")?[10] == "late")
    #expect(try strings(t, "b")?[11...].first == "0e0")
    #expect(try numbers(t, "c")?.count == 21)
    #expect(!splitAt.isEmpty)
  }

  @Test func headerDetectionAcrossTheHalves() throws {
    // A text first row with numbers only in the second half is a header.
    let late = "a,b\n" + String(repeating: "x,NA\n", count: 10) + "y,1\n"
    guard case .table(let t) = try Self.compare(late).outcome else {
      Issue.record("expected a table")
      return
    }
    #expect(t.names == ["a", "b"] && t.rowCount == 11)
    // A number in a column that turned to text earlier does not count: no header.
    let changed = "a,b\n" + "x,y\n" + String(repeating: "NA,z\n", count: 10) + "1,w\n"
    guard case .table(let u) = try Self.compare(changed).outcome else {
      Issue.record("expected a table")
      return
    }
    #expect(u.names == ["c1", "c2"] && u.rowCount == 13)
    #expect(try strings(u, "c1")?.last == "1")
    // A numeric first row is data.
    guard case .table(let v) = try Self.compare(String(repeating: "1,2\n", count: 7)).outcome
    else {
      Issue.record("expected a table")
      return
    }
    #expect(v.names == ["c1", "c2"] && v.rowCount == 7)
  }

  @Test func fileReadWithTwoDescriptorsMatchesOnePass() throws {
    let directory = try TemporaryDirectory()
    var text = "i,x,y,name\n"
    for i in 0..<6000 { text += "\(i),\(Double(i) / 7),\(i % 11 == 0 ? "" : "\(i)"),n\(i % 5)\n" }
    let path = try directory.write("big.csv", text)
    let single = try CSVReader.readReporting(
      source: ByteSource(path: path), options: CSVOptions(), cancellation: .never,
      parallelism: CSVReader.Parallelism(minimumBytes: .max, splitNear: nil))
    let split = try CSVReader.readReporting(
      source: ByteSource(path: path), options: CSVOptions(), cancellation: .never,
      parallelism: CSVReader.Parallelism(minimumBytes: 0, splitNear: nil), bufferBytes: 4096)
    #expect(!single.split && split.split)
    #expect(split.table == single.table)
    #expect(split.table.rowCount == 6000)
    #expect(try numbers(split.table, "x")?[5999] == 5999.0 / 7)
    // Small files stay in one pass with the standard threshold.
    let standard = try CSVReader.readReporting(
      source: ByteSource(path: path), options: CSVOptions(), cancellation: .never,
      parallelism: .standard)
    #expect(!standard.split && standard.table == single.table)
  }
}
