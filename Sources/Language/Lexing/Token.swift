/// A piece of a string literal: literal text, or the UTF-8 offset range of an
/// interpolated expression `\( ... )` in the same source.
enum StringPart: Sendable {
  case text(String)
  case interpolation(start: Int, end: Int)
}

enum TokenKind: Sendable, Equatable {
  case number(Double)
  case string([StringPart])
  case identifier(String)
  case keyword(Keyword)
  case op(String)
  case newline
  case eof

  static func == (a: TokenKind, b: TokenKind) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)): return x == y
    case (.identifier(let x), .identifier(let y)): return x == y
    case (.keyword(let x), .keyword(let y)): return x == y
    case (.op(let x), .op(let y)): return x == y
    case (.newline, .newline), (.eof, .eof): return true
    case (.string, .string): return true
    default: return false
    }
  }
}

enum Keyword: String, Sendable, CaseIterable {
  case fn, `if`, elif, `else`, `while`, `for`, `in`, `return`, `break`, `continue`
  case `true`, `false`, `nil`, and, or, not, param, `try`, `catch`
}

struct Token: Sendable {
  let kind: TokenKind
  let start: Int
  let end: Int
  /// True when whitespace (not a newline) came right before this token.
  let spaceBefore: Bool
}
