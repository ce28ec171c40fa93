import Foundation
import Numerics
import Testing

@testable import DataIO

@Suite struct CSVReaderTests {
  @Test func headerNumbersTextAndMissingValues() throws {
    let t = try readCSV("x,y,name\n1,2.5,a\n2,NA,b\n3,,c\n4,N/A,d\n5,nan,e\n6,NaN,f\n")
    #expect(t.names == ["x", "y", "name"])
    #expect(t.rowCount == 6)
    #expect(try numbers(t, "x") == [1, 2, 3, 4, 5, 6])
    let y = try #require(try numbers(t, "y"))
    #expect(y[0] == 2.5 && y[1...].allSatisfy(\.isNaN))
    #expect(try strings(t, "name") == ["a", "b", "c", "d", "e", "f"])
  }

  @Test func numberSpellings() throws {
    let t = try readCSV("v\n1e-3\n-2.5E+4\ninf\n-inf\n+7\n.5\n5.\n 3 \n")
    let v = try #require(try numbers(t, "v"))
    #expect(v == [0.001, -25000, .infinity, -.infinity, 7, 0.5, 5, 3])
  }

  @Test func separatorsAndCommentsThatNumbersUse() throws {
    // The scan reads a number up to the next special byte only when no number character
    // is special; here each of these separators and comments is one.
    let dot = try readCSV("a.b\n1.25\n", CSVOptions(separator: "."))
    #expect(try numbers(dot, "a") == [1] && numbers(dot, "b") == [25])
    let e = try readCSV("xey\n1e2\n", CSVOptions(separator: "e"))
    #expect(try numbers(e, "x") == [1] && numbers(e, "y") == [2])
    let minus = try readCSV("a,b\n1,2-3\n-4,5\n", CSVOptions(comment: "-"))
    #expect(try numbers(minus, "a") == [1] && numbers(minus, "b") == [2])
    let long = try readCSV("a,b\n12345678901234567890123,1e400\n0.1e-400,-0\n")
    #expect(try numbers(long, "a") == [1.2345678901234567890123e22, 0])
    #expect(try numbers(long, "b")?.map(\.sign) == [.plus, .minus])
  }

  @Test func numericRecordsAgreeWithFieldByFieldReading() throws {
    // Records of numbers only are parsed in one pass (`numericRecord`); any other record
    // (a missing value, spaces, a lone CR, a comment) is read field by field. Every field
    // must equal `Double(String)` of its text, whatever the buffer size and the split.
    var rng = SplitMix64(state: 21)
    var text = "a,b,c\n"
    var expected: [[Double]] = [[], [], []]
    for i in 0..<3_000 {
      var fields: [String] = []
      for j in 0..<3 {
        let x = Double(bitPattern: rng.next() >> 2) * (rng.next() % 2 == 0 ? 1 : -1)
        let r = rng.next() % 40
        let field =
          r == 0
          ? "NA"
          : r == 1
            ? " 2.5"
            : r < 10 ? "\(rng.next() % 1000)" : r < 20 ? "\(x)" : String(format: "%.17g", x)
        fields.append(field)
        expected[j].append(field == "NA" ? .nan : Double(field.trimmingSpaces)!)
      }
      let end = i % 7 == 0 ? "\r\n" : i % 101 == 0 ? " # note\n" : "\n"
      text += fields.joined(separator: ",") + end
    }
    for buffer in [64, 4096, 1 << 20] {
      for parallelism in [
        CSVReader.Parallelism(minimumBytes: .max, splitNear: nil),
        CSVReader.Parallelism(minimumBytes: 0, splitNear: nil),
      ] {
        let (t, _) = try CSVReader.readReporting(
          source: ByteSource(bytes: Array(text.utf8), label: "n.csv"),
          options: CSVOptions(comment: "#"), cancellation: .never, parallelism: parallelism,
          bufferBytes: buffer)
        for (j, name) in ["a", "b", "c"].enumerated() {
          let got = try #require(try numbers(t, name))
          #expect(got.map(\.bitPattern) == expected[j].map(\.bitPattern), "buffer \(buffer)")
        }
      }
    }
  }

  @Test func mixedColumnKeepsOriginalSpelling() throws {
    // The text appears late, so the first pass has already read "007" as a number.
    let t = try readCSV("id,v\n1,2\n007,3\n1.50,4\nabc,5\n")
    #expect(try strings(t, "id") == ["1", "007", "1.50", "abc"])
    #expect(try numbers(t, "v") == [2, 3, 4, 5])
  }

  @Test func textColumnKeepsMissingMarkersAsText() throws {
    let t = try readCSV("k\nNA\nb\n\n", CSVOptions(header: true))
    #expect(try strings(t, "k") == ["NA", "b"])
  }

  @Test func quotedFieldsWithSeparatorsQuotesAndNewlines() throws {
    let text = "name,note,v\n\"Smith, J\",\"said \"\"hi\"\"\",1\n\"multi\nline\",x,\"2\"\n"
    let t = try readCSV(text)
    #expect(try strings(t, "name") == ["Smith, J", "multi\nline"])
    #expect(try strings(t, "note") == ["said \"hi\"", "x"])
    #expect(try numbers(t, "v") == [1, 2])
  }

  @Test func crlfAndByteOrderMark() throws {
    let t = try readCSV("\u{FEFF}a,b\r\n1,2\r\n3,4\r\n")
    #expect(t.names == ["a", "b"])
    #expect(try numbers(t, "b") == [2, 4])
    let quoted = try readCSV("a,b\r\n\"x\r\ny\",4\r\n")
    #expect(try strings(quoted, "a") == ["x\r\ny"])
  }

  @Test func headerDetection() throws {
    let numeric = try readCSV("1,2\n3,4\n")
    #expect(numeric.names == ["c1", "c2"])
    #expect(try numbers(numeric, "c1") == [1, 3])
    let allText = try readCSV("a,b\nx,y\n")
    #expect(allText.names == ["c1", "c2"])
    #expect(try strings(allText, "c1") == ["a", "x"])
    let forced = try readCSV("a,b\n1,2\n", CSVOptions(header: false))
    #expect(try strings(forced, "c1") == ["a", "1"])
    let headerOnly = try readCSV("1,2\n3,4\n", CSVOptions(header: true))
    #expect(headerOnly.names == ["1", "2"])
    #expect(try numbers(headerOnly, "1") == [3])
  }

  @Test func duplicateAndEmptyHeaderNames() throws {
    let t = try readCSV(" x ,x,,y\n1,2,3,4\n")
    #expect(t.names == ["x", "x.1", "c3", "y"])
  }

  @Test func commentsSkipAndBlankLines() throws {
    let text =
      "junk line 1\njunk, line 2\n# a comment\na,b\n1,2 # trailing note\n\n# another\n3,4\n"
    let t = try readCSV(text, CSVOptions(comment: "#", skip: 2))
    #expect(t.names == ["a", "b"])
    #expect(try numbers(t, "a") == [1, 3])
    #expect(try numbers(t, "b") == [2, 4])
  }

  @Test func separatorDetection() throws {
    let semicolon = try readCSV("a;b;c\n1;2,5;3\n")
    #expect(semicolon.names == ["a", "b", "c"])
    #expect(try strings(semicolon, "b") == ["2,5"])
    let tabs = try readCSV("a\tb\n1\t2\n", label: "t.tsv")
    #expect(try numbers(tabs, "b") == [2])
    let explicit = try readCSV("a|b\n1|2\n", CSVOptions(separator: "|"))
    #expect(try numbers(explicit, "b") == [2])
  }

  @Test func emptyInputs() throws {
    #expect(try readCSV("") == Table())
    #expect(try readCSV("\u{FEFF}") == Table())
    #expect(try readCSV("\n\n") == Table())
    let noTrailingNewline = try readCSV("a,b\n1,2")
    #expect(try numbers(noTrailingNewline, "b") == [2])
    let trailingEmpty = try readCSV("a,b\n1,")
    #expect(try numbers(trailingEmpty, "b")?.first?.isNaN == true)
  }

  @Test func recordsSpanningBufferRefillsAndGrowth() throws {
    // A 1.5 MiB quoted field forces the 1 MiB buffer to grow mid-record.
    let long = String(repeating: "ab,\"\n", count: 300_000)
    let escaped = long.replacingOccurrences(of: "\"", with: "\"\"")
    var text = "s,v\n"
    for i in 0..<1000 { text += "row\(i),\(i)\n" }
    text += "\"\(escaped)\",1000\nend,1001\n"
    let t = try readCSV(text)
    #expect(t.rowCount == 1002)
    #expect(try strings(t, "s")?[1000] == long)
    #expect(try numbers(t, "v")?.last == 1001)
  }

  @Test func readsFromFileAndReportsMissingFile() throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write("d.csv", "a,b\n1,2\n")
    #expect(try numbers(try CSV.read(path: path), "a") == [1])
    #expect(
      dataError { _ = try CSV.read(path: dir.path("none.csv")) }
        == .fileNotFound(path: dir.path("none.csv")))
  }

  @Test func badOptionsThrow() {
    let error = dataError { _ = try readCSV("a\n", CSVOptions(separator: "\"")) }
    guard case .invalidArgument? = error else {
      Issue.record("expected invalidArgument, got \(String(describing: error))")
      return
    }
    #expect(dataError { _ = try readCSV("a\n", CSVOptions(skip: -1)) } != nil)
  }
}

@Suite struct CSVMalformedTests {
  /// Each case: input, expected line and column, and a word from the message.
  static let cases: [(String, Int, Int, String)] = [
    ("a,b\n1,2\n3,4,5\n", 3, 5, "found 3 fields, expected 2"),
    ("a,b,c\n1,2,3\n4,5\n", 3, 4, "found 2 fields, expected 3"),
    ("a,b\n1,\"abc\n2,3\n", 2, 3, "unterminated"),
    ("a,b\n1,ab\"c\n", 2, 5, "quote inside an unquoted field"),
    ("a,b\n1,2\"c\n", 2, 4, "quote inside an unquoted field"),
    ("a,b\n1,\"ab\"c\n", 2, 7, "after a closing quote"),
    ("a,b\n\"x\ny\",1\n2,3,4\n", 4, 5, "found 3 fields"),
    ("a,b\r\n1,2\r\n3\r\n", 3, 2, "found 1 field,"),
  ]

  @Test(arguments: 0..<cases.count) func reportsLineAndColumn(_ k: Int) {
    let (text, line, column, words) = Self.cases[k]
    let error = dataError { _ = try readCSV(text) }
    #expect(position(error)?.line == line, "\(text.debugDescription)")
    #expect(position(error)?.column == column, "\(text.debugDescription)")
    #expect(error?.description.contains(words) == true, "\(String(describing: error))")
    #expect(error?.description.hasPrefix("t.csv:\(line):\(column):") == true)
  }

  @Test func invalidUTF8CountsCharactersForTheColumn() {
    var bytes = Array("name,x\n".utf8) + Array("éa".utf8) + [0xFF] + Array("c,1\n".utf8)
    var error = dataError { _ = try CSV.read(bytes: bytes, label: "u.csv") }
    #expect(position(error)?.line == 2)
    #expect(position(error)?.column == 3)
    #expect(error?.description.contains("invalid UTF-8 byte 0xff") == true)
    // Also in the header, and in a column that was numeric until then.
    bytes = Array("a,b".utf8) + [0xC3, 0x28] + Array("\n1,2\n".utf8)
    error = dataError { _ = try CSV.read(bytes: bytes, label: "u.csv") }
    #expect(position(error)?.line == 1)
    #expect(position(error)?.column == 4)
    bytes = Array("a,b\n1,2\n3,".utf8) + [0xED, 0xA0, 0x80] + Array("\n".utf8)
    error = dataError { _ = try CSV.read(bytes: bytes, label: "u.csv") }
    #expect(position(error)?.line == 3)
    #expect(position(error)?.column == 3)
  }
}

@Suite struct CSVWriterTests {
  @Test func roundTripThroughFile() throws {
    let dir = try TemporaryDirectory()
    let t = try Table([
      ("x", .number(Vector([0.1, 1e-300, 123_456_789, -0.5, .nan, 1.0 / 3, -.infinity]))),
      ("label", .text(["plain", "a,b", "say \"hi\"", "two\nlines", " padded ", "", "é"])),
    ])
    let path = dir.path("round.csv")
    try CSV.write(t, to: path)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasPrefix("x,label\n0.1,plain\n1e-300,\"a,b\"\n123456789,\"say \"\"hi\"\"\"\n"))
    let back = try CSV.read(path: path)
    #expect(back == t)
    try CSV.write(back, to: dir.path("again.csv"))
    #expect(try String(contentsOfFile: dir.path("again.csv"), encoding: .utf8) == text)
  }

  @Test func tsvByExtension() throws {
    let dir = try TemporaryDirectory()
    let t = try Table([("a", .number(Vector([1, 2]))), ("b", .text(["x,y", "z"]))])
    try CSV.write(t, to: dir.path("t.tsv"))
    #expect(
      try String(contentsOfFile: dir.path("t.tsv"), encoding: .utf8) == "a\tb\n1\tx,y\n2\tz\n")
    #expect(try CSV.read(path: dir.path("t.tsv")) == t)
  }

  @Test func numberFormatting() {
    #expect(CSVWriter.format(3) == "3")
    #expect(CSVWriter.format(-0.0) == "-0")
    #expect(CSVWriter.format(2.5) == "2.5")
    #expect(CSVWriter.format(1e300) == "1e+300")
    #expect(CSVWriter.format(0.1 + 0.2) == "0.30000000000000004")
  }
}
