/// Recursive-descent parser for the grammar of language.md, lowest precedence first:
/// `|>`, `or`, `and`, `not`, comparisons, `a:b`, `+ -`, `* / %`, `@`, unary `-`,
/// `^` (right-associative), then calls, indexing and members.
///
/// Newlines end statements except inside `( [ {` literals and after a binary operator.
/// An error at the end of the input is marked `isIncompleteInput`, which the REPL uses
/// to ask for a continuation line.
struct Parser {
  private let tokens: [Token]
  private var index = 0
  private let source: Source
  /// Interpolations are parsed by a nested parser whose end is not the end of input.
  private let isNested: Bool
  /// Current nesting of expressions and blocks; bounded so that no input can overflow
  /// the stack of the parser, the compiler or the evaluator.
  private var depth = 0
  static let maxDepth = 600

  private mutating func enter() throws(LanguageError) {
    depth += 1
    if depth > Self.maxDepth {
      throw LanguageError(
        .syntax, "expression nested deeper than \(Self.maxDepth) levels", span: span(current))
    }
  }

  init(source: Source) throws(LanguageError) {
    var lexer = Lexer(source: source)
    tokens = try lexer.tokenize()
    self.source = source
    isNested = false
  }

  private init(source: Source, start: Int, end: Int) throws(LanguageError) {
    var lexer = Lexer(source: source, start: start, end: end)
    tokens = try lexer.tokenize()
    self.source = source
    isNested = true
  }

  // MARK: - Token helpers

  private var current: Token { tokens[index] }
  private var previous: Token { tokens[max(0, index - 1)] }

  private func span(from start: Int) -> SourceSpan {
    SourceSpan(source: source, start: start, end: previous.end)
  }
  private func span(_ t: Token) -> SourceSpan {
    SourceSpan(source: source, start: t.start, end: t.end)
  }

  private func isOp(_ s: String) -> Bool {
    if case .op(let o) = current.kind, o == s { return true }
    return false
  }
  private func isKeyword(_ k: Keyword) -> Bool {
    if case .keyword(let x) = current.kind, x == k { return true }
    return false
  }
  private var atNewline: Bool {
    if case .newline = current.kind { return true }
    return false
  }
  private var atEnd: Bool {
    if case .eof = current.kind { return true }
    return false
  }

  private mutating func advance() -> Token {
    let t = current
    if !atEnd { index += 1 }
    return t
  }

  private mutating func skipNewlines() {
    while atNewline { index += 1 }
  }

  private func describe(_ t: Token) -> String {
    switch t.kind {
    case .number: return "a number"
    case .string: return "a string"
    case .identifier(let n): return "'\(n)'"
    case .keyword(let k): return "'\(k.rawValue)'"
    case .op(let o): return "'\(o)'"
    case .newline: return "end of line"
    case .eof: return "end of input"
    }
  }

  private func error(_ expected: String, at t: Token? = nil) -> LanguageError {
    let tok = t ?? current
    var e = LanguageError(
      .syntax, "expected \(expected), found \(describe(tok))", span: span(tok))
    if case .eof = tok.kind, !isNested { e.isIncompleteInput = true }
    return e
  }

  private mutating func expectOp(_ s: String, _ what: String? = nil) throws(LanguageError) -> Token
  {
    guard isOp(s) else { throw error(what ?? "'\(s)'") }
    return advance()
  }

  private mutating func identifier(_ what: String) throws(LanguageError) -> (String, SourceSpan) {
    guard case .identifier(let n) = current.kind else {
      if case .keyword(let k) = current.kind {
        throw LanguageError(
          .syntax, "expected \(what), found the keyword '\(k.rawValue)'", span: span(current))
      }
      throw error(what)
    }
    let t = advance()
    return (n, span(t))
  }

  // MARK: - Statements

  /// Parses a whole program: statements separated by newlines or `;`.
  mutating func parseProgram() throws(LanguageError) -> [Stmt] {
    var out: [Stmt] = []
    while true {
      while atNewline || isOp(";") { index += 1 }
      if atEnd { break }
      out.append(try statement())
    }
    return out
  }

  /// Parses one expression filling the whole input (used for interpolation).
  mutating func parseSingleExpression() throws(LanguageError) -> Expr {
    skipNewlines()
    let e = try expression()
    skipNewlines()
    guard atEnd else { throw error("end of interpolated expression") }
    return e
  }

  private mutating func statement() throws(LanguageError) -> Stmt {
    let s = try statementBody()
    // A statement ends at a newline, ';', '}' or the end of input.
    if isOp(";") {
      index += 1
      if case .expression(let e, _) = s { return .expression(e, display: false) }
      return s
    }
    if atNewline || atEnd || isOp("}") { return s }
    throw error("end of statement (a newline or ';')")
  }

  private mutating func statementBody() throws(LanguageError) -> Stmt {
    let start = current.start
    if case .keyword(let k) = current.kind {
      switch k {
      case .fn:
        if case .identifier = tokens[index + 1].kind {
          index += 1
          let (name, _) = try identifier("a function name")
          return .function(try functionRest(name: name, start: start))
        }
      case .while:
        index += 1
        let cond = try expression()
        let body = try block()
        return .whileLoop(cond, body, span(from: start))
      case .for:
        index += 1
        let (name, nameSpan) = try identifier("a loop variable name")
        guard isKeyword(.in) else { throw error("'in'") }
        index += 1
        let seq = try expression()
        let body = try block()
        return .forLoop(name, nameSpan, seq, body, span(from: start))
      case .return:
        index += 1
        if atNewline || atEnd || isOp(";") || isOp("}") {
          return .returnStmt(nil, span(from: start))
        }
        return .returnStmt(try expression(), span(from: start))
      case .break:
        index += 1
        return .breakStmt(span(from: start))
      case .continue:
        index += 1
        return .continueStmt(span(from: start))
      case .param:
        index += 1
        let (name, _) = try identifier("a parameter name after 'param'")
        _ = try expectOp("=", "'=' and a default value after 'param \(name)'")
        skipNewlines()
        return .param(name, try expression(), span(from: start))
      case .try:
        index += 1
        let body = try block()
        skipNewlinesBefore(.catch)
        guard isKeyword(.catch) else { throw error("'catch' after a 'try' block") }
        index += 1
        var name: String?
        if case .identifier(let n) = current.kind {
          name = n
          index += 1
        }
        let handler = try block()
        return .tryCatch(body, name, handler, span(from: start))
      default: break
      }
    }
    let e = try expression()
    if case .op(let o) = current.kind, ["=", "+=", "-=", "*=", "/="].contains(o) {
      switch e {
      case .name, .index, .member: break
      default:
        throw LanguageError(
          .syntax,
          "cannot assign to this expression: expected a name, an indexed value or a field",
          span: e.span)
      }
      index += 1
      skipNewlines()
      let value = try expression()
      let op: BinaryOp? =
        switch o {
        case "+=": .add
        case "-=": .subtract
        case "*=": .multiply
        case "/=": .divide
        default: nil
        }
      return .assign(target: e, op: op, value: value, span: span(from: start))
    }
    return .expression(e, display: true)
  }

  /// Peeks past newlines for a continuation keyword (`elif`, `else`, `catch`).
  private mutating func skipNewlinesBefore(_ k: Keyword) {
    var j = index
    while case .newline = tokens[j].kind { j += 1 }
    if case .keyword(let x) = tokens[j].kind, x == k { index = j }
  }

  private mutating func block() throws(LanguageError) -> [Stmt] {
    try enter()
    defer { depth -= 1 }
    guard isOp("{") else { throw error("'{' to start a block") }
    index += 1
    var out: [Stmt] = []
    while true {
      while atNewline || isOp(";") { index += 1 }
      if isOp("}") {
        index += 1
        return out
      }
      if atEnd { throw error("'}' to close the block") }
      out.append(try statement())
    }
  }

  private mutating func functionRest(name: String?, start: Int) throws(LanguageError)
    -> FunctionDecl
  {
    _ = try expectOp("(", "'(' and the parameter list")
    var params: [Parameter] = []
    var seenDefault = false
    skipNewlines()
    while !isOp(")") {
      let (p, pspan) = try identifier("a parameter name")
      if params.contains(where: { $0.name == p }) {
        throw LanguageError(.syntax, "duplicate parameter '\(p)'", span: pspan)
      }
      var def: Expr?
      if isOp("=") {
        index += 1
        skipNewlines()
        def = try expression()
        seenDefault = true
      } else if seenDefault {
        throw LanguageError(
          .syntax, "parameter '\(p)' needs a default value because an earlier one has one",
          span: pspan)
      }
      params.append(Parameter(name: p, span: pspan, defaultValue: def))
      skipNewlines()
      if isOp(",") {
        index += 1
        skipNewlines()
      } else if !isOp(")") {
        throw error("',' or ')' in the parameter list")
      }
    }
    index += 1
    let body: [Stmt]
    if isOp("=") {
      index += 1
      skipNewlines()
      let e = try expression()
      body = [.expression(e, display: true)]
    } else if isOp("{") {
      body = try block()
    } else {
      throw error("'=' or '{' after the parameter list")
    }
    return FunctionDecl(name: name, parameters: params, body: body, span: span(from: start))
  }

  // MARK: - Expressions

  mutating func expression() throws(LanguageError) -> Expr {
    try enter()
    defer { depth -= 1 }
    return try pipe()
  }

  private mutating func binaryRHS() throws(LanguageError) {
    skipNewlines()
  }

  private mutating func pipe() throws(LanguageError) -> Expr {
    var lhs = try orExpr()
    while isOp("|>") {
      index += 1
      try binaryRHS()
      let rhs = try orExpr()
      let s = lhs.span.union(rhs.span)
      switch rhs {
      case .call(let f, let args, _):
        lhs = .call(f, [Argument(label: nil, labelSpan: nil, value: lhs)] + args, s)
      default:
        lhs = .call(rhs, [Argument(label: nil, labelSpan: nil, value: lhs)], s)
      }
    }
    return lhs
  }

  private mutating func orExpr() throws(LanguageError) -> Expr {
    var lhs = try andExpr()
    while isKeyword(.or) {
      index += 1
      try binaryRHS()
      let rhs = try andExpr()
      lhs = .or(lhs, rhs, lhs.span.union(rhs.span))
    }
    return lhs
  }

  private mutating func andExpr() throws(LanguageError) -> Expr {
    var lhs = try notExpr()
    while isKeyword(.and) {
      index += 1
      try binaryRHS()
      let rhs = try notExpr()
      lhs = .and(lhs, rhs, lhs.span.union(rhs.span))
    }
    return lhs
  }

  private mutating func notExpr() throws(LanguageError) -> Expr {
    try enter()
    defer { depth -= 1 }
    if isKeyword(.not) {
      let t = advance()
      let e = try notExpr()
      return .not(e, span(t).union(e.span))
    }
    return try comparison()
  }

  private static let comparisonOps: [String: BinaryOp] = [
    "==": .equal, "!=": .notEqual, "<": .less, "<=": .lessEqual, ">": .greater,
    ">=": .greaterEqual,
  ]

  private mutating func comparison() throws(LanguageError) -> Expr {
    var lhs = try rangeExpr()
    while case .op(let o) = current.kind, let op = Self.comparisonOps[o] {
      index += 1
      try binaryRHS()
      let rhs = try rangeExpr()
      lhs = .binary(op, lhs, rhs, lhs.span.union(rhs.span))
    }
    return lhs
  }

  /// When false, `a:b` is left for the caller (index brackets parse slices themselves).
  private var allowRange = true

  private mutating func rangeExpr() throws(LanguageError) -> Expr {
    let lhs = try additive()
    if allowRange && isOp(":") {
      index += 1
      try binaryRHS()
      let rhs = try additive()
      return .range(lhs, rhs, lhs.span.union(rhs.span))
    }
    return lhs
  }

  private mutating func additive() throws(LanguageError) -> Expr {
    var lhs = try multiplicative()
    while true {
      let op: BinaryOp
      if isOp("+") {
        op = .add
      } else if isOp("-") {
        op = .subtract
      } else {
        break
      }
      index += 1
      try binaryRHS()
      let rhs = try multiplicative()
      lhs = .binary(op, lhs, rhs, lhs.span.union(rhs.span))
    }
    return lhs
  }

  private mutating func multiplicative() throws(LanguageError) -> Expr {
    var lhs = try matmul()
    while true {
      let op: BinaryOp
      if isOp("*") {
        op = .multiply
      } else if isOp("/") {
        op = .divide
      } else if isOp("%") {
        op = .modulo
      } else {
        break
      }
      index += 1
      try binaryRHS()
      let rhs = try matmul()
      lhs = .binary(op, lhs, rhs, lhs.span.union(rhs.span))
    }
    return lhs
  }

  private mutating func matmul() throws(LanguageError) -> Expr {
    var lhs = try unary()
    while isOp("@") {
      index += 1
      try binaryRHS()
      let rhs = try unary()
      lhs = .binary(.matmul, lhs, rhs, lhs.span.union(rhs.span))
    }
    return lhs
  }

  private mutating func unary() throws(LanguageError) -> Expr {
    try enter()
    defer { depth -= 1 }
    if isOp("-") {
      let t = advance()
      let e = try unary()
      return .unaryMinus(e, span(t).union(e.span))
    }
    if isOp("+") {
      index += 1
      return try unary()
    }
    return try power()
  }

  private mutating func power() throws(LanguageError) -> Expr {
    let base = try postfix()
    if isOp("^") {
      index += 1
      try binaryRHS()
      let exponent = try unary()  // right-associative; `2^-1` is allowed
      return .binary(.power, base, exponent, base.span.union(exponent.span))
    }
    return base
  }

  private mutating func postfix() throws(LanguageError) -> Expr {
    var e = try primary()
    while true {
      if isOp("("), !current.spaceBefore || isCallable(e) {
        index += 1
        let args = try arguments()
        e = .call(e, args, span(from: e.span.start))
      } else if isOp("["), !current.spaceBefore {
        index += 1
        let items = try indexItems()
        e = .index(e, items, span(from: e.span.start))
      } else if isOp(".") {
        index += 1
        let (name, _) = try identifier("a field or member name after '.'")
        e = .member(e, name, span(from: e.span.start))
      } else {
        return e
      }
    }
  }

  /// `f (x)` with a space is still a call when `f` is a name or member.
  private func isCallable(_ e: Expr) -> Bool {
    switch e {
    case .name, .member, .call, .index: return true
    default: return false
    }
  }

  private mutating func arguments() throws(LanguageError) -> [Argument] {
    var args: [Argument] = []
    let saved = allowRange
    allowRange = true
    defer { allowRange = saved }
    skipNewlines()
    while !isOp(")") {
      if case .identifier(let n) = current.kind, case .op("=") = tokens[index + 1].kind {
        let labelTok = advance()
        index += 1
        skipNewlines()
        args.append(Argument(label: n, labelSpan: span(labelTok), value: try expression()))
      } else {
        if let last = args.last, last.label != nil {
          throw LanguageError(
            .syntax, "positional argument after a keyword argument",
            span: span(current))
        }
        args.append(Argument(label: nil, labelSpan: nil, value: try expression()))
      }
      skipNewlines()
      if isOp(",") {
        index += 1
        skipNewlines()
      } else if !isOp(")") {
        throw error("',' or ')' in the argument list")
      }
    }
    index += 1
    return args
  }

  private mutating func indexItems() throws(LanguageError) -> [IndexItem] {
    var items: [IndexItem] = []
    let saved = allowRange
    allowRange = false
    defer { allowRange = saved }
    skipNewlines()
    while !isOp("]") {
      let start = current.start
      var lo: Expr?
      if !isOp(":") { lo = try expression() }
      if isOp(":") {
        index += 1
        var hi: Expr?
        if !isOp(",") && !isOp("]") { hi = try expression() }
        items.append(.slice(lo, hi, span(from: start)))
      } else if let lo {
        items.append(.single(lo))
      }
      skipNewlines()
      if isOp(",") {
        index += 1
        skipNewlines()
      } else if !isOp("]") {
        throw error("',' or ']' in the index")
      }
    }
    index += 1
    if items.isEmpty {
      throw LanguageError(
        .syntax, "empty index: expected a position, slice or mask", span: span(previous))
    }
    return items
  }

  private mutating func primary() throws(LanguageError) -> Expr {
    let t = current
    switch t.kind {
    case .number(let v):
      index += 1
      return .number(v, span(t))
    case .string(let parts):
      index += 1
      var out: [InterpolatedPart] = []
      for p in parts {
        switch p {
        case .text(let s): out.append(.text(s))
        case .interpolation(let s, let e):
          var sub = try Parser(source: source, start: s, end: e)
          out.append(.expr(try sub.parseSingleExpression()))
        }
      }
      return .string(out, span(t))
    case .identifier(let n):
      index += 1
      return .name(n, span(t))
    case .keyword(let k):
      switch k {
      case .true:
        index += 1
        return .bool(true, span(t))
      case .false:
        index += 1
        return .bool(false, span(t))
      case .nil:
        index += 1
        return .nilLiteral(span(t))
      case .fn:
        index += 1
        return .function(try functionRest(name: nil, start: t.start))
      case .if:
        return try ifChain()
      default:
        throw error("an expression")
      }
    case .op(let o):
      switch o {
      case "(":
        index += 1
        let saved = allowRange
        allowRange = true
        defer { allowRange = saved }
        skipNewlines()
        let e = try expression()
        skipNewlines()
        _ = try expectOp(")", "')' to close '('")
        return e
      case "[": return try listLiteral()
      case "{": return try recordLiteral()
      default: throw error("an expression")
      }
    case .newline, .eof:
      throw error("an expression")
    }
  }

  private mutating func ifChain() throws(LanguageError) -> Expr {
    let start = current.start
    var branches: [(Expr, [Stmt])] = []
    var elseBlock: [Stmt]?
    index += 1
    branches.append((try expression(), try block()))
    while true {
      skipNewlinesBefore(.elif)
      if isKeyword(.elif) {
        index += 1
        branches.append((try expression(), try block()))
        continue
      }
      skipNewlinesBefore(.else)
      if isKeyword(.else) {
        index += 1
        if isKeyword(.if) {
          let nested = try ifChain()
          elseBlock = [.expression(nested, display: true)]
        } else {
          elseBlock = try block()
        }
      }
      break
    }
    return .ifChain(branches, elseBlock, span(from: start))
  }

  private mutating func listLiteral() throws(LanguageError) -> Expr {
    let start = current.start
    index += 1
    let saved = allowRange
    allowRange = true
    defer { allowRange = saved }
    var rows: [[Expr]] = [[]]
    var sawSemicolon = false
    skipNewlines()
    while !isOp("]") {
      rows[rows.count - 1].append(try expression())
      skipNewlines()
      if isOp(",") {
        index += 1
        skipNewlines()
      } else if isOp(";") {
        index += 1
        sawSemicolon = true
        rows.append([])
        skipNewlines()
      } else if !isOp("]") {
        throw error("',', ';' or ']' in the list")
      }
    }
    index += 1
    if sawSemicolon {
      if rows.last?.isEmpty == true { rows.removeLast() }
      return .matrix(rows, span(from: start))
    }
    return .list(rows[0], span(from: start))
  }

  private mutating func recordLiteral() throws(LanguageError) -> Expr {
    let start = current.start
    index += 1
    var fields: [(String, Expr)] = []
    skipNewlines()
    while !isOp("}") {
      let key: String
      let keySpan: SourceSpan
      if case .string(let parts) = current.kind, parts.count <= 1 {
        if case .text(let s)? = parts.first { key = s } else { key = "" }
        keySpan = span(current)
        index += 1
      } else {
        (key, keySpan) = try identifier("a field name")
      }
      if fields.contains(where: { $0.0 == key }) {
        throw LanguageError(.syntax, "duplicate field '\(key)' in record", span: keySpan)
      }
      _ = try expectOp(":", "':' after the field name '\(key)'")
      skipNewlines()
      fields.append((key, try expression()))
      skipNewlines()
      if isOp(",") {
        index += 1
        skipNewlines()
      } else if !isOp("}") {
        throw error("',' or '}' in the record")
      }
    }
    index += 1
    return .record(fields, span(from: start))
  }
}
