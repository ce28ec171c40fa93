/// Turns source text into tokens. Works on UTF-8 bytes; identifiers may contain
/// Unicode letters (`α`, `β_c`). Comments (`#` to end of line) are skipped, which
/// also covers the notebook markers `#>`, `#'` and `# %%`.
struct Lexer {
  let source: Source
  private let bytes: [UInt8]
  private var pos: Int
  private let end: Int

  init(source: Source, start: Int = 0, end: Int? = nil) {
    self.source = source
    bytes = Array(source.text.utf8)
    pos = start
    self.end = end ?? bytes.count
  }

  private static let operators3: Set<String> = []
  private static let operators2: Set<String> = [
    "==", "!=", "<=", ">=", "|>", "+=", "-=", "*=", "/=", "->",
  ]
  private static let operators1: Set<UInt8> = Set("+-*/%^@<>=!:;,.()[]{}|".utf8)

  func span(_ s: Int, _ e: Int) -> SourceSpan { SourceSpan(source: source, start: s, end: e) }

  mutating func tokenize() throws(LanguageError) -> [Token] {
    var tokens: [Token] = []
    tokens.reserveCapacity(bytes.count / 3 + 2)
    while true {
      let t = try next()
      tokens.append(t)
      if case .eof = t.kind { break }
    }
    return tokens
  }

  private mutating func next() throws(LanguageError) -> Token {
    var spaced = false
    while pos < end {
      let c = bytes[pos]
      if c == 0x20 || c == 0x09 || c == 0x0D {
        pos += 1
        spaced = true
      } else if c == UInt8(ascii: "#") {
        while pos < end && bytes[pos] != 0x0A { pos += 1 }
      } else if c == UInt8(ascii: "\\") && pos + 1 < end && bytes[pos + 1] == 0x0A {
        pos += 2  // explicit line continuation
        spaced = true
      } else {
        break
      }
    }
    let start = pos
    guard pos < end else { return Token(kind: .eof, start: end, end: end, spaceBefore: spaced) }
    let c = bytes[pos]
    if c == 0x0A {
      pos += 1
      return Token(kind: .newline, start: start, end: pos, spaceBefore: spaced)
    }
    if isDigit(c) || (c == UInt8(ascii: ".") && pos + 1 < end && isDigit(bytes[pos + 1])) {
      return Token(kind: .number(try number()), start: start, end: pos, spaceBefore: spaced)
    }
    if c == UInt8(ascii: "\"") {
      return Token(kind: .string(try string()), start: start, end: pos, spaceBefore: spaced)
    }
    if isIdentifierStart(at: pos) {
      let name = identifier()
      let kind: TokenKind = Keyword(rawValue: name).map { .keyword($0) } ?? .identifier(name)
      return Token(kind: kind, start: start, end: pos, spaceBefore: spaced)
    }
    if pos + 1 < end {
      let two = String(decoding: bytes[pos..<pos + 2], as: UTF8.self)
      if Self.operators2.contains(two) {
        pos += 2
        return Token(kind: .op(two), start: start, end: pos, spaceBefore: spaced)
      }
    }
    if Self.operators1.contains(c) {
      pos += 1
      return Token(
        kind: .op(String(UnicodeScalar(c))), start: start, end: pos, spaceBefore: spaced)
    }
    let scalarLength = utf8Length(c)
    let bad = String(decoding: bytes[pos..<min(end, pos + scalarLength)], as: UTF8.self)
    throw LanguageError(
      .syntax, "unexpected character '\(bad)'", span: span(pos, pos + scalarLength))
  }

  private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

  private func utf8Length(_ c: UInt8) -> Int {
    if c < 0x80 { return 1 }
    if c >> 5 == 0b110 { return 2 }
    if c >> 4 == 0b1110 { return 3 }
    return 4
  }

  /// Decodes the Unicode scalar at `i` (bytes come from a valid Swift String).
  private func scalar(at i: Int) -> (Unicode.Scalar, Int)? {
    let n = utf8Length(bytes[i])
    guard i + n <= end else { return nil }
    let s = String(decoding: bytes[i..<i + n], as: UTF8.self)
    guard let u = s.unicodeScalars.first else { return nil }
    return (u, n)
  }

  private func isIdentifierStart(at i: Int) -> Bool {
    let c = bytes[i]
    if c < 0x80 {
      return (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
    }
    guard let (u, _) = scalar(at: i) else { return false }
    return u.properties.isAlphabetic
  }

  private func isIdentifierContinue(at i: Int) -> Bool {
    isIdentifierStart(at: i) || isDigit(bytes[i])
      || (bytes[i] >= 0x80 && (scalar(at: i)?.0.properties.numericType != nil))
  }

  private mutating func identifier() -> String {
    let s = pos
    while pos < end && isIdentifierContinue(at: pos) { pos += utf8Length(bytes[pos]) }
    return String(decoding: bytes[s..<pos], as: UTF8.self)
  }

  private mutating func number() throws(LanguageError) -> Double {
    let s = pos
    var text: [UInt8] = []
    func digits(_ lexer: inout Lexer) {
      while lexer.pos < lexer.end
        && (lexer.isDigit(lexer.bytes[lexer.pos])
          || (lexer.bytes[lexer.pos] == UInt8(ascii: "_") && lexer.pos + 1 < lexer.end
            && lexer.isDigit(lexer.bytes[lexer.pos + 1]) && !text.isEmpty))
      {
        if lexer.bytes[lexer.pos] != UInt8(ascii: "_") { text.append(lexer.bytes[lexer.pos]) }
        lexer.pos += 1
      }
    }
    digits(&self)
    // A '.' starts a fraction only when a digit follows or the next char cannot begin a
    // member name: `1.5`, `1.` are numbers; `v.x` never reaches here.
    if pos < end && bytes[pos] == UInt8(ascii: "."),
      !(pos + 1 < end && (isIdentifierStart(at: pos + 1) || bytes[pos + 1] == UInt8(ascii: ".")))
    {
      text.append(UInt8(ascii: "."))
      pos += 1
      digits(&self)
    }
    if pos < end && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
      var p = pos + 1
      if p < end && (bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-")) { p += 1 }
      if p < end && isDigit(bytes[p]) {
        text.append(UInt8(ascii: "e"))
        if bytes[pos + 1] == UInt8(ascii: "-") { text.append(UInt8(ascii: "-")) }
        pos = p
        digits(&self)
      }
    }
    if pos < end && isIdentifierStart(at: pos) {
      let bad = String(decoding: bytes[s..<pos + 1], as: UTF8.self)
      throw LanguageError(
        .syntax, "malformed number '\(bad)': expected digits, '.', or an exponent like 'e-3'",
        span: span(s, pos + 1))
    }
    guard let v = Double(String(decoding: text, as: UTF8.self)) else {
      throw LanguageError(.syntax, "malformed number", span: span(s, pos))
    }
    return v
  }

  private mutating func string() throws(LanguageError) -> [StringPart] {
    let open = pos
    pos += 1
    var parts: [StringPart] = []
    var buffer: [UInt8] = []
    func flush() {
      if !buffer.isEmpty {
        parts.append(.text(String(decoding: buffer, as: UTF8.self)))
        buffer.removeAll()
      }
    }
    while true {
      guard pos < end, bytes[pos] != 0x0A else {
        throw LanguageError(
          .syntax, "unterminated string: expected a closing '\"' on the same line",
          span: span(open, pos))
      }
      let c = bytes[pos]
      if c == UInt8(ascii: "\"") {
        pos += 1
        break
      }
      if c != UInt8(ascii: "\\") {
        buffer.append(c)
        pos += 1
        continue
      }
      guard pos + 1 < end else {
        throw LanguageError(
          .syntax, "unterminated string: expected a closing '\"' after the final '\\'",
          span: span(open, end))
      }
      let e = bytes[pos + 1]
      switch e {
      case UInt8(ascii: "n"): buffer.append(0x0A)
      case UInt8(ascii: "t"): buffer.append(0x09)
      case UInt8(ascii: "r"): buffer.append(0x0D)
      case UInt8(ascii: "0"): buffer.append(0x00)
      case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
      case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
      case UInt8(ascii: "u"):
        guard pos + 2 < end, bytes[pos + 2] == UInt8(ascii: "{"),
          let close = bytes[(pos + 3)..<end].firstIndex(of: UInt8(ascii: "}")),
          let code = UInt32(String(decoding: bytes[(pos + 3)..<close], as: UTF8.self), radix: 16),
          let u = Unicode.Scalar(code)
        else {
          throw LanguageError(
            .syntax, "malformed unicode escape: expected \\u{hex digits}",
            span: span(pos, min(end, pos + 2)))
        }
        buffer.append(contentsOf: Array(String(Character(u)).utf8))
        pos = close + 1
        continue
      case UInt8(ascii: "("):
        flush()
        let exprStart = pos + 2
        var depth = 1
        var p = exprStart
        var inString = false
        while p < end && bytes[p] != 0x0A {
          let b = bytes[p]
          if inString {
            if b == UInt8(ascii: "\\") {
              p += 1
            } else if b == UInt8(ascii: "\"") {
              inString = false
            }
          } else if b == UInt8(ascii: "\"") {
            inString = true
          } else if b == UInt8(ascii: "(") {
            depth += 1
          } else if b == UInt8(ascii: ")") {
            depth -= 1
            if depth == 0 { break }
          }
          p += 1
        }
        guard depth == 0, p < end else {
          throw LanguageError(
            .syntax, "unterminated interpolation: expected ')' to close '\\('",
            span: span(pos, pos + 2))
        }
        parts.append(.interpolation(start: exprStart, end: p))
        pos = p + 1
        continue
      default:
        throw LanguageError(
          .syntax,
          "unknown escape '\\\(String(UnicodeScalar(e)))': expected one of \\n \\t \\\" \\\\ \\u{...} \\(...)",
          span: span(pos, pos + 2))
      }
      pos += 2
    }
    flush()
    return parts
  }
}
