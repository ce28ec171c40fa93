import Dispatch
import Numerics
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Streaming reader of delimited text (RFC 4180) into a `Table`.
///
/// Bytes are pulled in chunks into one buffer that always holds the current record
/// whole (it grows only for a record longer than itself); fields are located as spans in
/// that buffer and converted in place: numbers straight into `[Double]` columns, text
/// into `String`s after UTF-8 validation. No line array is ever built. A number is parsed
/// while its field's end is sought (one pass over its bytes), and a record made only of
/// numbers goes straight into per-column blocks without spans (`numericRecord`).
///
/// Column types are inferred: a column is numeric while every field is a number or a
/// missing value (empty, `NA`, `N/A`, `NaN`, `nan`). The first text field found in a
/// numeric column, or a header decision that needs it, ends the pass; the file is then
/// read once more with the types known, so text keeps its original spelling. There are
/// at most two passes.
final class CSVReader {
  private let source: ByteSource
  private let comment: UInt8?
  private var separator: UInt8

  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// Valid bytes are `buffer[start..<end]`; `start` is where the next record begins.
  private var start = 0
  private var end = 0
  private var atEndOfInput = false
  /// Absolute file offset of `buffer[0]`.
  private var bufferOffset = 0
  /// The 1-based line number at `start`.
  private var line = 1

  /// The last record: its first byte, its first line, and its fields.
  private var recordStart = 0
  private var recordLine = 1
  /// Where the last record's fields end (at its line break, comment or the input's end).
  private var recordEnd = 0
  private var spans: [Span] = []

  /// Whether `refill` checks the bytes it reads for a quote character (then it throws
  /// `QuoteFound`), and whether it found one.
  private var watchQuotes = false
  private var sawQuote = false
  /// Whether the records were read in two halves at once.
  private var didSplit = false

  private struct QuoteFound: Error {}

  private struct Span {
    /// Where the field begins, before any opening quote.
    var begin: Int
    var start: Int
    var end: Int
    /// The field was quoted and contains doubled quotes to undo.
    var escaped: Bool
    /// The field's number, when the scan read the whole field as one (see `scan`).
    var number: Double? = nil
  }

  /// Byte classes for the unquoted-field scan: nonzero for separator, quote, CR, LF and
  /// the comment character.
  private let special = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
  /// Whether the scan may read a number while it looks for a field's end: only when no
  /// character a number can contain (digits, `.`, `e`, `E`, `+`, `-`) is special, so a
  /// number never runs over the field's end.
  private var numbersInScan = false
  /// `EiselLemire.powers`, read once per reader.
  private let powers = EiselLemire.powers

  private static let quote = UInt8(ascii: "\"")
  private static let lineFeed = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")

  /// A reader of `source` whose buffer starts with `capacity` bytes.
  init(source: ByteSource, separator: UInt8?, comment: UInt8?, capacity: Int = 1 << 20) {
    self.source = source
    self.comment = comment
    self.separator = separator ?? UInt8(ascii: ",")
    self.capacity = capacity
    buffer = .allocate(capacity: capacity)
    special.initialize(repeating: 0, count: 256)
    special[Int(Self.quote)] = 1
    special[Int(Self.lineFeed)] = 1
    special[Int(Self.carriageReturn)] = 1
    if let comment { special[Int(comment)] = 1 }
  }

  deinit {
    buffer.deallocate()
    special.deallocate()
  }

  // MARK: - Public entry

  /// Reads the whole source into a table.
  static func read(
    source: ByteSource, options: CSVOptions, cancellation: Cancellation,
    parallelism: Parallelism = .standard
  ) throws -> Table {
    try readReporting(
      source: source, options: options, cancellation: cancellation, parallelism: parallelism
    ).table
  }

  /// Reads the whole source into a table with buffers of `bufferBytes` to start with;
  /// `split` tells whether the last pass read it in two halves at once.
  static func readReporting(
    source: ByteSource, options: CSVOptions, cancellation: Cancellation,
    parallelism: Parallelism, bufferBytes: Int = 1 << 20
  ) throws -> (table: Table, split: Bool) {
    let bytes = try options.validated()
    var separator = bytes.separator
    if separator == nil {
      let lower = source.path.lowercased()
      if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { separator = UInt8(ascii: "\t") }
    }
    var header = options.header
    var textColumns = Set<Int>()
    var parallelism: Parallelism? = parallelism
    var passes = 0
    while passes < 2 {
      try source.rewind()
      let reader = CSVReader(
        source: source, separator: separator, comment: bytes.comment, capacity: bufferBytes)
      try reader.prologue(skip: options.skip, detectSeparator: separator == nil)
      separator = reader.separator
      switch try reader.pass(
        header: header, textColumns: textColumns, parallelism: parallelism,
        cancellation: cancellation)
      {
      case .table(let table): return (table, reader.didSplit)
      case .again(let h, let t):
        header = h
        textColumns = t
        passes += 1
      case .unsplit: parallelism = nil
      }
    }
    // The second pass is given every text column and the header decision, so no
    // column can change type in it and it always returns a table.
    throw DataError.invalidFile(path: source.path, message: "column types did not settle")
  }

  // MARK: - Buffer management

  /// Moves the unread bytes to the front and reads more after them, growing the buffer
  /// when one record fills it.
  private func refill() throws {
    if start > 0 {
      let unread = end - start
      if unread > 0 { memmove(buffer, buffer + start, unread) }
      bufferOffset += start
      end = unread
      start = 0
    }
    if end == capacity {
      let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
      bigger.update(from: buffer, count: end)
      buffer.deallocate()
      buffer = bigger
      capacity *= 2
    }
    let n = try source.read(into: buffer + end, count: capacity - end)
    if n == 0 { atEndOfInput = true }
    if watchQuotes && memchr(buffer + end, Int32(Self.quote), n) != nil {
      sawQuote = true
      throw QuoteFound()
    }
    end += n
  }

  /// Skips a UTF-8 byte-order mark and `skip` lines, then detects the separator from the
  /// first data line if asked.
  private func prologue(skip: Int, detectSeparator: Bool) throws {
    while end - start < 3 && !atEndOfInput { try refill() }
    if end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB
      && buffer[start + 2] == 0xBF
    {
      start += 3
    }
    var skipped = 0
    while skipped < skip {
      if start == end {
        if atEndOfInput { break }
        try refill()
        continue
      }
      if let lf = memchr(buffer + start, Int32(Self.lineFeed), end - start) {
        start = buffer.distance(to: lf.assumingMemoryBound(to: UInt8.self)) + 1
        skipped += 1
        line += 1
      } else if atEndOfInput {
        start = end
      } else {
        start = end
        try refill()
      }
    }
    if detectSeparator {
      while end - start < 65536 && !atEndOfInput { try refill() }
      separator = detectedSeparator()
    }
    useSeparator()
  }

  /// Marks the separator special, once it is known.
  private func useSeparator() {
    special[Int(separator)] = 1
    numbersInScan = "0123456789.eE+-".utf8.allSatisfy { special[Int($0)] == 0 }
  }

  /// The most frequent of `,` tab `;` outside quotes in the first line that is neither
  /// blank nor a comment; `,` when none occurs.
  private func detectedSeparator() -> UInt8 {
    let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";")]
    var counts = [0, 0, 0]
    var p = start
    var inQuotes = false
    var lineStart = true
    while p < end {
      let c = buffer[p]
      if lineStart && !inQuotes && (c == comment || c == Self.lineFeed || c == Self.carriageReturn)
      {
        while p < end && buffer[p] != Self.lineFeed { p += 1 }
        p += 1
        continue
      }
      lineStart = false
      if c == Self.quote {
        inQuotes.toggle()
      } else if !inQuotes {
        if c == Self.lineFeed || c == Self.carriageReturn { break }
        if let k = candidates.firstIndex(of: c) { counts[k] += 1 }
      }
      p += 1
    }
    let best = counts.indices.max {
      counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1)
    }!
    return counts[best] > 0 ? candidates[best] : candidates[0]
  }

  // MARK: - Records

  private enum Scan {
    case record
    case skipped
    case incomplete
  }

  /// Finds the next record and stores its field spans; false at the end of input.
  private func nextRecord() throws -> Bool {
    while true {
      if start == end {
        if atEndOfInput { return false }
        try refill()
        continue
      }
      switch try scan() {
      case .record: return true
      case .skipped: continue
      case .incomplete: try refill()
      }
    }
  }

  /// Consumes the line break (or comment) at `p` that ends a record or blank line;
  /// returns the next record's start, or nil when more input is needed to decide.
  private func lineEnd(at p: Int) -> Int? {
    let c = buffer[p]
    if c == Self.lineFeed { return p + 1 }
    if c == Self.carriageReturn {
      if p + 1 == end { return atEndOfInput ? end : nil }
      return buffer[p + 1] == Self.lineFeed ? p + 2 : p + 1
    }
    // A comment: runs to the next line break.
    var q = p
    while q < end && buffer[q] != Self.lineFeed && buffer[q] != Self.carriageReturn { q += 1 }
    if q == end { return atEndOfInput ? end : nil }
    return lineEnd(at: q)
  }

  /// Scans one record from `start`: fields as spans, line breaks counted, syntax checked.
  private func scan() throws -> Scan {
    let b = buffer
    let e = end
    let atEndOfInput = atEndOfInput
    let separator = separator
    var p = start
    let first = b[p]
    if first == Self.lineFeed || first == Self.carriageReturn || first == comment {
      guard let next = lineEnd(at: p) else { return .incomplete }
      start = next
      line += 1
      return .skipped
    }
    // Fields collect in a local array (moved out and back) to keep per-field appends
    // free of the dynamic exclusivity checks on a class property.
    var fields: [Span] = []
    swap(&fields, &spans)
    fields.removeAll(keepingCapacity: true)
    defer { spans = fields }
    var newlines = 0
    recordStart = p
    recordLine = line
    while true {
      // At the start of a field; spaces before an opening quote are allowed.
      var q = p
      while q < e && b[q] == 0x20 { q += 1 }
      if q < e && b[q] == Self.quote {
        let open = q
        q += 1
        let contentStart = q
        var escaped = false
        while true {
          if q == e {
            if atEndOfInput {
              throw malformed(at: open, "unterminated quoted field (opened here)")
            }
            return .incomplete
          }
          let c = b[q]
          if c == Self.quote {
            if q + 1 == e && !atEndOfInput { return .incomplete }
            if q + 1 < e && b[q + 1] == Self.quote {
              escaped = true
              q += 2
              continue
            }
            break
          }
          if c == Self.lineFeed { newlines += 1 }
          q += 1
        }
        fields.append(Span(begin: p, start: contentStart, end: q, escaped: escaped))
        q += 1
        while q < e && b[q] == 0x20 { q += 1 }
        if q == e {
          if !atEndOfInput { return .incomplete }
          p = e
          break
        }
        let c = b[q]
        if c == separator {
          p = q + 1
          continue
        }
        if c == Self.lineFeed || c == Self.carriageReturn || c == comment {
          p = q
          break
        }
        throw malformed(
          at: q, "expected a separator or end of line after a closing quote, found \(shown(c))")
      }
      // A number followed by a special byte is the whole field (no number character is
      // special): the field is then scanned and parsed in one go.
      if numbersInScan,
        case let (x, length)? = FloatParser.prefix(b + p, count: e - p, powers: powers),
        p + length < e, case let c = b[p + length], special[Int(c)] != 0, c != Self.quote
      {
        fields.append(Span(begin: p, start: p, end: p + length, escaped: false, number: x))
        if c == separator {
          p += length + 1
          continue
        }
        p += length
        break
      }
      q = p
      while q < e && special[Int(b[q])] == 0 { q += 1 }
      if q == e && !atEndOfInput { return .incomplete }
      if q < e && b[q] == Self.quote {
        throw malformed(at: q, "quote inside an unquoted field (quote the whole field)")
      }
      fields.append(Span(begin: p, start: p, end: q, escaped: false))
      if q < e && b[q] == separator {
        p = q + 1
        continue
      }
      p = q
      break
    }
    recordEnd = p
    if p == e {
      start = e
    } else {
      guard let next = lineEnd(at: p) else { return .incomplete }
      start = next
      newlines += 1
    }
    line += newlines
    return .record
  }

  /// A byte for an error message: the character if printable ASCII, else its code.
  private func shown(_ c: UInt8) -> String {
    c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
  }

  /// A `malformed` error at buffer position `p` of the current record, with its line and
  /// 1-based character column.
  private func malformed(at p: Int, _ message: String) -> DataError {
    var line = recordLine
    var lineStart = recordStart
    for k in recordStart..<p where buffer[k] == Self.lineFeed {
      line += 1
      lineStart = k + 1
    }
    var column = 1
    for k in lineStart..<p where buffer[k] & 0xC0 != 0x80 { column += 1 }
    return .malformed(path: source.path, line: line, column: column, message: message)
  }

  // MARK: - Fields

  /// The number in a field, NaN for a missing value, or nil for text.
  @inline(__always)
  private func number(_ s: Span, in buffer: UnsafeMutablePointer<UInt8>) -> Double? {
    if s.escaped { return nil }
    let p = buffer + s.start
    let n = s.end - s.start
    if let x = FloatParser.parse(p, count: n) { return x }
    return isMissing(s) ? .nan : nil
  }

  /// Empty, `NA` or `N/A` (after trimming spaces); `NaN` and `nan` parse as numbers.
  private func isMissing(_ s: Span) -> Bool {
    var a = s.start
    var z = s.end
    while a < z && (buffer[a] == 0x20 || buffer[a] == 0x09) { a += 1 }
    while z > a && (buffer[z - 1] == 0x20 || buffer[z - 1] == 0x09) { z -= 1 }
    let n = z - a
    if n == 0 { return true }
    let na = n == 2 && buffer[a] == UInt8(ascii: "N") && buffer[a + 1] == UInt8(ascii: "A")
    let slash =
      n == 3 && buffer[a] == UInt8(ascii: "N") && buffer[a + 1] == UInt8(ascii: "/")
      && buffer[a + 2] == UInt8(ascii: "A")
    return na || slash
  }

  /// The field as text: quotes undone, UTF-8 checked (an invalid byte is an error at its
  /// line and column).
  private func text(_ s: Span) throws -> String {
    let p = buffer + s.start
    let n = s.end - s.start
    if let bad = UTF8Validation.firstInvalid(p, count: n) {
      throw malformed(at: s.start + bad, "invalid UTF-8 byte 0x\(String(p[bad], radix: 16))")
    }
    guard s.escaped else {
      return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(n)
    var k = 0
    while k < n {
      bytes.append(p[k])
      k += p[k] == Self.quote ? 2 : 1
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  // MARK: - A pass over the file

  private enum Outcome {
    case table(Table)
    /// Read again with these settings.
    case again(header: Bool, textColumns: Set<Int>)
    /// Read again with the same settings in one pass: the split was not safe.
    case unsplit
  }

  private enum Kind {
    case number
    case text
    /// Was numeric until a text field; its earlier fields must be read again.
    case changed
  }

  /// The columns read from a run of records.
  private struct Columns {
    var kinds: [Kind]
    var numbers: [[Double]]
    var texts: [[String]]
    /// Per column: a number other than NaN was read while the column was numeric.
    var sawNumber: [Bool]
    var rows = 0

    init(kinds: [Kind]) {
      self.kinds = kinds
      numbers = [[Double]](repeating: [], count: kinds.count)
      texts = [[String]](repeating: [], count: kinds.count)
      sawNumber = [Bool](repeating: false, count: kinds.count)
    }

    /// Appends `later`, the columns of the records that follow these. A column numeric
    /// in one part and text in the other is `changed`, as one run over all the records
    /// would make it; a number in `later` counts only where this part left the column
    /// numeric (one run stops looking at a column once it changed). Numeric columns are
    /// joined on both cores (copying them is most of the join's time).
    mutating func append(_ later: inout Columns) {
      let both = kinds.indices.map { kinds[$0] == .number && later.kinds[$0] == .number }
      let joined = kinds.indices.filter { both[$0] }
      let joins = joined.map { j in
        let join = Join()
        swap(&join.first, &numbers[j])
        swap(&join.later, &later.numbers[j])
        return join
      }
      DispatchQueue.concurrentPerform(iterations: joins.count) { k in joins[k].run() }
      for (k, j) in joined.enumerated() {
        swap(&numbers[j], &joins[k].first)
        sawNumber[j] = sawNumber[j] || later.sawNumber[j]
      }
      for j in kinds.indices where !both[j] {
        if kinds[j] == .text {
          texts[j].append(contentsOf: later.texts[j])
        } else {
          if kinds[j] == .number { sawNumber[j] = sawNumber[j] || later.sawNumber[j] }
          kinds[j] = .changed
          numbers[j] = []
        }
        later.numbers[j] = []
        later.texts[j] = []
      }
      rows += later.rows
    }

    /// One numeric column's two parts, joined by one thread; the arrays are moved in and
    /// out (never shared), so `first` grows in place.
    private final class Join: @unchecked Sendable {
      var first: [Double] = []
      var later: [Double] = []

      func run() {
        first.reserveCapacity(first.count + later.count)
        first.append(contentsOf: later)
        later = []
      }
    }
  }

  /// Files at least this large are read in two halves at once (see `pass`).
  static let parallelThreshold = 4 << 20

  /// When to read in two halves: files of at least `minimumBytes`, split at the first
  /// line feed at or after `splitNear` (the middle of the data when nil).
  struct Parallelism {
    var minimumBytes: Int
    var splitNear: Int?

    static let standard = Parallelism(minimumBytes: CSVReader.parallelThreshold, splitNear: nil)
  }

  /// Reads every record. `header` nil defers the decision to the end of the pass;
  /// `textColumns` are read as text from the start.
  private func pass(
    header: Bool?, textColumns: Set<Int>, parallelism: Parallelism?, cancellation: Cancellation
  ) throws -> Outcome {
    guard try nextRecord() else { return .table(Table()) }
    let width = spans.count
    var names = (0..<width).map { "c\($0 + 1)" }
    var pending: [String]?
    var storeFirst = false
    switch header {
    case true?: names = try spans.map(text)
    case false?: storeFirst = true
    case nil:
      if spans.allSatisfy({ s in
        s.escaped || FloatParser.parse(buffer + s.start, count: s.end - s.start) == nil
      }) {
        pending = try spans.map(text)
      } else {
        storeFirst = true
      }
    }
    let firstLine = recordLine
    var columns = Columns(kinds: (0..<width).map { textColumns.contains($0) ? .text : .number })
    let dataStart = bufferOffset + (storeFirst ? recordStart : start)
    let bytes = source.size.map { $0 - dataStart }
    if let parallelism, let size = source.size, size >= parallelism.minimumBytes,
      let at = try splitPoint(near: parallelism.splitNear ?? dataStart + (size - dataStart) / 2)
    {
      didSplit = try readHalves(
        split: at, into: &columns, storeFirst: storeFirst, firstLine: firstLine,
        reserveFor: bytes, cancellation: cancellation)
      if !didSplit { return .unsplit }
    } else {
      try records(
        into: &columns, storeCurrent: storeFirst, firstLine: firstLine, reserveFor: bytes,
        cancellation: cancellation)
    }

    let kinds = columns.kinds
    let changed = Set((0..<width).filter { kinds[$0] != .number })
    if let pending {
      if !columns.sawNumber.contains(true) {
        // No number after the first row: it is data, and every column is text unless
        // all its values are missing.
        let firstText = (0..<width).filter { j in
          !["", "NA", "N/A"].contains(pending[j].trimmingSpaces)
        }
        return .again(header: false, textColumns: changed.union(firstText))
      }
      names = pending
    }
    if kinds.contains(where: { $0 == .changed }) {
      return .again(header: pending != nil || header == true, textColumns: changed)
    }
    let result: [Table.Column] = (0..<width).map { j in
      kinds[j] == .text ? .text(columns.texts[j]) : .number(Vector(columns.numbers[j]))
    }
    return .table(Table(unchecked: Array(zip(Self.unique(names), result)), rowCount: columns.rows))
  }

  /// Reads the records from here to the end of input into `columns`, each checked to
  /// have as many fields as the first record (at `firstLine`). `storeCurrent` stores the
  /// record already scanned first. Numeric columns reserve room for the records in
  /// `reserveFor` bytes, estimated from the first 4096.
  private func records(
    into columns: inout Columns, storeCurrent: Bool, firstLine: Int, reserveFor bytes: Int?,
    cancellation: Cancellation
  ) throws {
    let width = columns.kinds.count
    // The columns are worked on as locals, free of exclusivity checks on `columns`.
    var kinds = columns.kinds
    var numbers: [[Double]] = []
    var texts: [[String]] = []
    var sawNumber = columns.sawNumber
    swap(&numbers, &columns.numbers)
    swap(&texts, &columns.texts)
    var rows = 0
    var estimated = bytes == nil
    let begin = bufferOffset + (storeCurrent ? recordStart : start)
    var storeFirst = storeCurrent
    // Records of numbers only are parsed straight into `staging` (column j of row r at
    // j·block + r) and appended to the columns a block at a time (see `numericRecord`).
    var allNumeric = kinds.allSatisfy { $0 == .number }
    let block = max(1, 32768 / max(width, 1))
    let staging = UnsafeMutablePointer<Double>.allocate(capacity: block * width)
    defer { staging.deallocate() }
    var staged = 0
    func flush() {
      guard staged > 0 else { return }
      for j in 0..<width {
        numbers[j].append(
          contentsOf: UnsafeBufferPointer(start: staging + j * block, count: staged))
      }
      for j in 0..<width { sawNumber[j] = true }
      staged = 0
    }
    while true {
      if storeFirst {
        storeFirst = false
      } else if allNumeric && numbersInScan
        && numericRecord(into: staging + staged, block: block, width: width)
      {
        staged += 1
        if staged == block { flush() }
        rows += 1
        if rows & 0xFFF == 0 {
          try every4096Rows()
        }
        continue
      } else {
        flush()
        guard try nextRecord() else { break }
      }
      guard spans.count == width else {
        let message =
          "found \(spans.count) field\(spans.count == 1 ? "" : "s"), expected \(width) as in line \(firstLine)"
        throw malformed(at: spans.count > width ? spans[width].begin : recordEnd, message)
      }
      let base = buffer
      let fields = spans
      for j in 0..<width {
        let s = fields[j]
        switch kinds[j] {
        case .number:
          if let x = s.number ?? number(s, in: base) {
            numbers[j].append(x)
            if !x.isNaN && !sawNumber[j] { sawNumber[j] = true }
          } else {
            _ = try text(s)
            kinds[j] = .changed
            numbers[j] = []
            allNumeric = false
          }
        case .text: texts[j].append(try text(s))
        case .changed: _ = try text(s)
        }
      }
      rows += 1
      if rows & 0xFFF == 0 { try every4096Rows() }
    }
    flush()
    /// Checks for cancellation, and reserves room in the numeric columns once from the
    /// bytes per row so far, with 5% slack.
    func every4096Rows() throws {
      try cancellation.check()
      if !estimated, let bytes {
        estimated = true
        let perRow = Double(bufferOffset + start - begin) / Double(rows)
        let expected = Int(Double(bytes) / perRow * 1.05) + 1024
        for j in 0..<width where kinds[j] == .number { numbers[j].reserveCapacity(expected) }
      }
    }
    columns.kinds = kinds
    columns.sawNumber = sawNumber
    columns.rows += rows
    swap(&numbers, &columns.numbers)
    swap(&texts, &columns.texts)
  }

  /// Parses the record at `start` into `row[j·block]` for each of its `width` fields and
  /// consumes it, when it is `width` numbers (as `FloatParser.prefix` reads them) each
  /// followed by the separator, the last by LF or CRLF; otherwise changes nothing and
  /// returns false. Such a record is read exactly as `scan` and `number` would read it
  /// (`numbersInScan` must hold: no number character is special), in one pass.
  @inline(__always)
  private func numericRecord(into row: UnsafeMutablePointer<Double>, block: Int, width: Int)
    -> Bool
  {
    let b = buffer
    let e = end
    let separator = separator
    let powers = powers
    var p = start
    for j in 0..<width {
      guard case let (x, length)? = FloatParser.prefix(b + p, count: e - p, powers: powers),
        p + length < e
      else { return false }
      row[j * block] = x
      p += length
      if j + 1 < width {
        guard b[p] == separator else { return false }
        p += 1
      } else if b[p] == Self.lineFeed {
        p += 1
      } else {
        guard b[p] == Self.carriageReturn && p + 1 < e && b[p + 1] == Self.lineFeed else {
          return false
        }
        p += 2
      }
    }
    start = p
    line += 1
    return true
  }

  // MARK: - Two halves at once

  /// The offset just after the first line feed at or after `offset`, when that leaves
  /// bytes on both sides not yet read; nil otherwise.
  private func splitPoint(near offset: Int) throws -> Int? {
    guard let size = source.size else { return nil }
    var p = max(offset, bufferOffset + end)
    while p < size {
      let chunk = try source.bytes(at: p, count: 1 << 16)
      if chunk.isEmpty { return nil }
      if let k = chunk.firstIndex(of: Self.lineFeed) {
        return p + k + 1 < size ? p + k + 1 : nil
      }
      p += chunk.count
    }
    return nil
  }

  /// Reads the rest of the input in two halves on two threads, this reader up to `split`
  /// and a second one from it, then appends the second half's columns to `columns`.
  ///
  /// The split is sound only if byte `split` starts a record in a single pass, so the
  /// halves are joined only when no quote character occurs between here and `split`
  /// (checked with `memchr` on every chunk as it is read): then the line feed before it
  /// ends a record, outside any quotes. Otherwise this returns false, having stopped at
  /// the first quote, and the file must be read again in one pass.
  /// Errors in the first half come first, as in one pass; an error in the second half
  /// has its line shifted by the lines of the first.
  private func readHalves(
    split: Int, into columns: inout Columns, storeFirst: Bool, firstLine: Int,
    reserveFor bytes: Int?, cancellation: Cancellation
  ) throws -> Bool {
    if memchr(buffer + start, Int32(Self.quote), end - start) != nil { return false }
    let second = CSVReader(
      source: source.window(from: split), separator: separator, comment: comment,
      capacity: capacity)
    second.useSeparator()
    let size = source.size ?? split
    let stop = StopFlag()
    let halves = [
      Half(reader: self, columns: columns, storeFirst: storeFirst, reserveFor: bytes),
      Half(
        reader: second, columns: Columns(kinds: columns.kinds), storeFirst: false,
        reserveFor: size - split),
    ]
    let stopping = Cancellation { stop.isSet || cancellation.isCancelled }
    source.limit = split
    watchQuotes = true
    defer {
      watchQuotes = false
      source.limit = nil
    }
    DispatchQueue.concurrentPerform(iterations: 2) { k in
      let half = halves[k]
      do {
        try half.reader.records(
          into: &half.columns, storeCurrent: half.storeFirst, firstLine: firstLine,
          reserveFor: half.reserveFor, cancellation: k == 0 ? cancellation : stopping)
      } catch {
        half.error = error
        if k == 0 { stop.set() }
      }
    }
    if sawQuote { return false }
    if let error = halves[0].error { throw error }
    if let error = halves[1].error {
      guard case .malformed(let path, let line, let column, let message) = error as? DataError
      else { throw error }
      throw DataError.malformed(
        path: path, line: line + self.line - 1, column: column, message: message)
    }
    // Moved out, not copied: the first half's arrays must stay unshared to grow in place.
    swap(&columns, &halves[0].columns)
    columns.append(&halves[1].columns)
    return true
  }

  /// One half of a split read: its reader, what it reads and what it found. Each half
  /// is touched by one thread only while the halves run, and by the caller after.
  private final class Half: @unchecked Sendable {
    let reader: CSVReader
    var columns: Columns
    let storeFirst: Bool
    let reserveFor: Int?
    var error: Error?

    init(reader: CSVReader, columns: Columns, storeFirst: Bool, reserveFor: Int?) {
      self.reader = reader
      self.columns = columns
      self.storeFirst = storeFirst
      self.reserveFor = reserveFor
    }
  }

  /// A flag one thread sets to stop another.
  private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
  }

  /// Header names made usable: spaces trimmed, empty names called `c1`, `c2`, ... by
  /// position, and repeats suffixed `.1`, `.2`, ... (as pandas does).
  static func unique(_ names: [String]) -> [String] {
    var seen = Set<String>()
    var result: [String] = []
    for (j, raw) in names.enumerated() {
      var name = raw.trimmingSpaces
      if name.isEmpty { name = "c\(j + 1)" }
      var candidate = name
      var k = 1
      while seen.contains(candidate) {
        candidate = "\(name).\(k)"
        k += 1
      }
      seen.insert(candidate)
      result.append(candidate)
    }
    return result
  }
}

extension String {
  /// The string without leading and trailing spaces and tabs.
  var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " || s.first == "\t" { s.removeFirst() }
    while s.last == " " || s.last == "\t" { s.removeLast() }
    return String(s)
  }
}
