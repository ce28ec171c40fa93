/// The syntax tree produced by `Parser` and consumed by `Compiler`.
/// Every node keeps the span of the source it came from, for error messages.

indirect enum Expr: Sendable {
  case number(Double, SourceSpan)
  case string([InterpolatedPart], SourceSpan)
  case bool(Bool, SourceSpan)
  case nilLiteral(SourceSpan)
  case name(String, SourceSpan)
  /// `[a, b, c]`: a vector when every element is a number, otherwise a list.
  case list([Expr], SourceSpan)
  /// `[a, b; c, d]`: rows of a matrix.
  case matrix([[Expr]], SourceSpan)
  case record([(String, Expr)], SourceSpan)
  case unaryMinus(Expr, SourceSpan)
  case not(Expr, SourceSpan)
  case binary(BinaryOp, Expr, Expr, SourceSpan)
  case and(Expr, Expr, SourceSpan)
  case or(Expr, Expr, SourceSpan)
  case range(Expr, Expr, SourceSpan)
  case call(Expr, [Argument], SourceSpan)
  case index(Expr, [IndexItem], SourceSpan)
  case member(Expr, String, SourceSpan)
  case function(FunctionDecl)
  case ifChain([(Expr, [Stmt])], [Stmt]?, SourceSpan)

  var span: SourceSpan {
    switch self {
    case .number(_, let s), .string(_, let s), .bool(_, let s), .nilLiteral(let s),
      .name(_, let s), .list(_, let s), .matrix(_, let s), .record(_, let s),
      .unaryMinus(_, let s), .not(_, let s), .binary(_, _, _, let s), .and(_, _, let s),
      .or(_, _, let s), .range(_, _, let s), .call(_, _, let s), .index(_, _, let s),
      .member(_, _, let s), .ifChain(_, _, let s):
      return s
    case .function(let f): return f.span
    }
  }
}

enum InterpolatedPart: Sendable {
  case text(String)
  case expr(Expr)
}

/// Binary operators that map onto elementwise operations, plus `@`.
enum BinaryOp: String, Sendable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%", power = "^"
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
  case greaterEqual = ">=", matmul = "@"
}

struct Argument: Sendable {
  let label: String?
  let labelSpan: SourceSpan?
  let value: Expr
}

enum IndexItem: Sendable {
  case single(Expr)
  /// `a:b`, `:b`, `a:`, `:` — half-open, negative bounds count from the end.
  case slice(Expr?, Expr?, SourceSpan)
}

struct Parameter: Sendable {
  let name: String
  let span: SourceSpan
  let defaultValue: Expr?
}

final class FunctionDecl: Sendable {
  let name: String?
  let parameters: [Parameter]
  let body: [Stmt]
  let span: SourceSpan
  init(name: String?, parameters: [Parameter], body: [Stmt], span: SourceSpan) {
    self.name = name
    self.parameters = parameters
    self.body = body
    self.span = span
  }
}

indirect enum Stmt: Sendable {
  /// A bare expression; `display` is false when a trailing `;` suppressed it.
  case expression(Expr, display: Bool)
  /// `target = value` or `target op= value`; target is a name, index or member.
  case assign(target: Expr, op: BinaryOp?, value: Expr, span: SourceSpan)
  case function(FunctionDecl)
  case whileLoop(Expr, [Stmt], SourceSpan)
  case forLoop(String, SourceSpan, Expr, [Stmt], SourceSpan)
  case returnStmt(Expr?, SourceSpan)
  case breakStmt(SourceSpan)
  case continueStmt(SourceSpan)
  case param(String, Expr, SourceSpan)
  case tryCatch([Stmt], String?, [Stmt], SourceSpan)

  var span: SourceSpan {
    switch self {
    case .expression(let e, _): return e.span
    case .assign(_, _, _, let s), .whileLoop(_, _, let s), .forLoop(_, _, _, _, let s),
      .returnStmt(_, let s), .breakStmt(let s), .continueStmt(let s), .param(_, _, let s),
      .tryCatch(_, _, _, let s):
      return s
    case .function(let f): return f.span
    }
  }
}
