/// Static scoping, decided before compilation so every name becomes a slot:
///
/// - At the top level, names are globals.
/// - In a function, parameters and names assigned with `=`/`op=`, `for` variables,
///   `catch` names and nested `fn name` declarations are locals — unless the name is
///   already a local of an enclosing function, in which case the assignment updates
///   that variable (closures can keep state, as in Julia).
/// - Any other name read in a function is an enclosing local (captured) or a global.
/// - Locals that some nested function uses live in cells; the rest in plain slots.
enum ScopeAnalysis {
  struct Shallow {
    var assigned: [String] = []
    var used: Set<String> = []
    var functions: [FunctionDecl] = []
  }

  static func locals(of f: FunctionDecl, enclosing: Set<String>) -> [String] {
    var out = f.parameters.map(\.name)
    var seen = Set(out)
    for n in shallow(f).assigned where !enclosing.contains(n) && !seen.contains(n) {
      out.append(n)
      seen.insert(n)
    }
    return out
  }

  /// Names a function (or anything nested in it) uses but does not own.
  static func freeNames(_ g: FunctionDecl, enclosing: Set<String>) -> Set<String> {
    let own = Set(locals(of: g, enclosing: enclosing))
    let sh = shallow(g)
    var used = sh.used
    let inner = enclosing.union(own)
    for h in sh.functions { used.formUnion(freeNames(h, enclosing: inner)) }
    // Names assigned here that refer to enclosing locals are free too.
    for n in sh.assigned where enclosing.contains(n) && !own.contains(n) { used.insert(n) }
    return used.subtracting(own)
  }

  /// Locals of `f` that nested functions capture.
  static func capturedLocals(of f: FunctionDecl, locals: [String], enclosing: Set<String>)
    -> Set<String>
  {
    let own = Set(locals)
    var captured = Set<String>()
    for h in shallow(f).functions {
      captured.formUnion(freeNames(h, enclosing: enclosing.union(own)).intersection(own))
    }
    return captured
  }

  /// Top-level statements: which nested functions exist (their free names are globals
  /// or their own), so nothing to capture; provided for symmetry.
  static func shallow(_ f: FunctionDecl) -> Shallow {
    var s = Shallow()
    for p in f.parameters { if let d = p.defaultValue { visit(d, &s) } }
    for st in f.body { visit(st, &s) }
    return s
  }

  static func visit(_ st: Stmt, _ s: inout Shallow) {
    switch st {
    case .expression(let e, _): visit(e, &s)
    case .assign(let target, let op, let value, _):
      if case .name(let n, _) = target {
        s.assigned.append(n)
        if op != nil { s.used.insert(n) }
      } else {
        visit(target, &s)
      }
      visit(value, &s)
    case .function(let f):
      if let n = f.name { s.assigned.append(n) }
      s.functions.append(f)
    case .whileLoop(let c, let body, _):
      visit(c, &s)
      for b in body { visit(b, &s) }
    case .forLoop(let n, _, let seq, let body, _):
      s.assigned.append(n)
      visit(seq, &s)
      for b in body { visit(b, &s) }
    case .returnStmt(let e, _): if let e { visit(e, &s) }
    case .breakStmt, .continueStmt: break
    case .param(let n, let e, _):
      s.assigned.append(n)
      visit(e, &s)
    case .tryCatch(let body, let name, let handler, _):
      for b in body { visit(b, &s) }
      if let name { s.assigned.append(name) }
      for b in handler { visit(b, &s) }
    }
  }

  static func visit(_ e: Expr, _ s: inout Shallow) {
    switch e {
    case .number, .bool, .nilLiteral: break
    case .string(let parts, _):
      for p in parts { if case .expr(let x) = p { visit(x, &s) } }
    case .name(let n, _): s.used.insert(n)
    case .list(let items, _): for x in items { visit(x, &s) }
    case .matrix(let rows, _): for r in rows { for x in r { visit(x, &s) } }
    case .record(let fields, _): for (_, x) in fields { visit(x, &s) }
    case .unaryMinus(let x, _), .not(let x, _), .member(let x, _, _): visit(x, &s)
    case .binary(_, let a, let b, _), .and(let a, let b, _), .or(let a, let b, _),
      .range(let a, let b, _):
      visit(a, &s)
      visit(b, &s)
    case .call(let f, let args, _):
      visit(f, &s)
      for a in args { visit(a.value, &s) }
    case .index(let base, let items, _):
      visit(base, &s)
      for it in items {
        switch it {
        case .single(let x): visit(x, &s)
        case .slice(let a, let b, _):
          if let a { visit(a, &s) }
          if let b { visit(b, &s) }
        }
      }
    case .function(let f): s.functions.append(f)
    case .ifChain(let branches, let elseBlock, _):
      for (c, body) in branches {
        visit(c, &s)
        for b in body { visit(b, &s) }
      }
      if let elseBlock { for b in elseBlock { visit(b, &s) } }
    }
  }
}
