import Numerics

/// Compiles the syntax tree into a tree of Swift closures. Every name is resolved
/// here to a frame slot, a captured cell or a global index, so running code does no
/// dictionary lookups (performance.md, "Resolve every name at parse/compile time").
final class Compiler {
  unowned let interpreter: Interpreter
  private var scope: Scope

  final class Scope {
    let parent: Scope?
    var locals: [String: LocalRef] = [:]
    var captures: [String: Int] = [:]
    var captureSources: [CaptureSource] = []
    var loopDepth = 0
    /// Inside the branches of an `if` whose value is used: no break/continue/return.
    var valueContextDepth = 0
    var functionName: String?

    init(parent: Scope?) { self.parent = parent }
    var isTopLevel: Bool { parent == nil }

    func addCapture(_ name: String, _ source: CaptureSource) -> Int {
      let i = captureSources.count
      captures[name] = i
      captureSources.append(source)
      return i
    }
  }

  enum CaptureSource {
    case parentCell(Int)
    case parentCapture(Int)
  }

  enum Resolved {
    case local(LocalRef)
    case capture(Int)
    case global(Int)
  }

  init(interpreter: Interpreter) {
    self.interpreter = interpreter
    scope = Scope(parent: nil)
  }

  // MARK: - Names

  private func resolve(_ name: String) -> Resolved {
    if let l = scope.locals[name] { return .local(l) }
    if let c = scope.captures[name] { return .capture(c) }
    if let p = scope.parent, !p.isTopLevel, let src = captureSource(name, in: p) {
      return .capture(scope.addCapture(name, src))
    }
    return .global(interpreter.globals.slot(name))
  }

  private func captureSource(_ name: String, in p: Scope) -> CaptureSource? {
    if let l = p.locals[name] {
      if case .cell(let i) = l { return .parentCell(i) }
      return nil
    }
    if let c = p.captures[name] { return .parentCapture(c) }
    if let pp = p.parent, !pp.isTopLevel, let src = captureSource(name, in: pp) {
      return .parentCapture(p.addCapture(name, src))
    }
    return nil
  }

  private func read(_ name: String, _ span: SourceSpan) -> Eval {
    switch resolve(name) {
    case .local(.slot(let i)): return { f throws(LanguageError) in f.slots[i] }
    case .local(.cell(let i)): return { f throws(LanguageError) in f.cells[i].value }
    case .capture(let i): return { f throws(LanguageError) in f.captures[i].value }
    case .global(let i):
      let g = GlobalRead(
        box: interpreter.globals.boxes[i], name: name, span: span, interpreter: interpreter)
      return { f throws(LanguageError) in try g.read(f) }
    }
  }

  /// A name or number literal as a specialised operand; anything else compiled.
  private func operand(_ e: Expr) throws(LanguageError) -> Operand {
    switch e {
    case .number(let x, _): return .constant(.number(x))
    case .name(let n, let span):
      switch resolve(n) {
      case .local(.slot(let i)): return .slot(i)
      case .global(let i):
        return .global(
          GlobalRead(
            box: interpreter.globals.boxes[i], name: n, span: span, interpreter: interpreter))
      default: return .other(read(n, span))
      }
    default: return .other(try expr(e))
    }
  }

  private func write(_ name: String) -> (Frame, Value) -> Void {
    switch resolve(name) {
    case .local(.slot(let i)): return { f, v in f.slots[i] = v }
    case .local(.cell(let i)): return { f, v in f.cells[i].value = v }
    case .capture(let i): return { f, v in f.captures[i].value = v }
    case .global(let i):
      let box = interpreter.globals.boxes[i]
      return { _, v in box.store(v) }
    }
  }

  /// Moves a variable's value out (leaving nil) so an in-place update of a unique
  /// array does not copy it; the caller must put a value back.
  private func take(_ name: String, _ span: SourceSpan) -> Eval {
    switch resolve(name) {
    case .local(.slot(let i)):
      return { f throws(LanguageError) in
        let v = f.slots[i]
        f.slots[i] = .nil
        return v
      }
    case .local(.cell(let i)):
      return { f throws(LanguageError) in
        let v = f.cells[i].value
        f.cells[i].value = .nil
        return v
      }
    case .capture(let i):
      return { f throws(LanguageError) in
        let v = f.captures[i].value
        f.captures[i].value = .nil
        return v
      }
    case .global(let i):
      let box = interpreter.globals.boxes[i]
      unowned let interp = interpreter
      return { _ throws(LanguageError) in
        guard let v = box.take() else { throw interp.unknownName(name, span) }
        return v
      }
    }
  }

  // MARK: - Top level

  /// Compiles one top-level statement. Expression statements leave their value in
  /// `frame.value`.
  func compileTopLevel(_ s: Stmt) throws(LanguageError) -> Exec {
    scope = Scope(parent: nil)
    return try statement(s, isLast: true)
  }

  // MARK: - Statements

  private func block(_ stmts: [Stmt]) throws(LanguageError) -> Exec {
    if stmts.isEmpty {
      return { f throws(LanguageError) in
        f.value = .nil
        return .normal
      }
    }
    var compiled: [ExecRef] = []
    for (i, s) in stmts.enumerated() {
      compiled.append(ExecRef(run: try statement(s, isLast: i == stmts.count - 1)))
    }
    if compiled.count == 1 { return compiled[0].run }
    if compiled.count == 2 {
      let a = compiled[0].run
      let b = compiled[1].run
      return { f throws(LanguageError) in
        let r = try a(f)
        if case .normal = r { return try b(f) }
        return r
      }
    }
    return { f throws(LanguageError) in
      for c in compiled {
        let r = try c.run(f)
        if case .normal = r { continue }
        return r
      }
      return .normal
    }
  }

  private func statement(_ s: Stmt, isLast: Bool) throws(LanguageError) -> Exec {
    switch s {
    case .expression(let e, _):
      if case .ifChain(let branches, let elseBlock, _) = e,
        Self.valueBranches(branches, elseBlock) == nil
      {
        return try ifStatement(branches, elseBlock)
      }
      let ev = try expr(e)
      if isLast {
        return { f throws(LanguageError) in
          f.value = try ev(f)
          return .normal
        }
      }
      return { f throws(LanguageError) in
        _ = try ev(f)
        return .normal
      }
    case .assign(let target, let op, let value, let span):
      if case .name(let name, let nspan) = target {
        return try nameAssignment(name, nspan, op, value, span, isLast: isLast)
      }
      let a = try assignment(target, op, value, span)
      if isLast {
        return { f throws(LanguageError) in
          try a(f)
          f.value = .nil
          return .normal
        }
      }
      return { f throws(LanguageError) in
        try a(f)
        return .normal
      }
    case .function(let decl):
      let make = try function(decl)
      let store = write(decl.name ?? "")
      return { f throws(LanguageError) in
        store(f, try make(f))
        f.value = .nil
        return .normal
      }
    case .whileLoop(let cond, let body, let span):
      let c = try condition(cond)
      scope.loopDepth += 1
      let b = try block(body)
      scope.loopDepth -= 1
      let cancel = interpreter.configuration.cancellation
      return { f throws(LanguageError) in
        while try c(f) {
          if cancel.isCancelled { throw LanguageError(.interrupted, "interrupted", span: span) }
          switch try b(f) {
          case .normal, .continueLoop: continue
          case .breakLoop: break
          case .returned: return .returned
          }
          break
        }
        f.value = .nil
        return .normal
      }
    case .forLoop(let name, _, let seqExpr, let body, let span):
      let seq = try expr(seqExpr)
      let store = write(name)
      scope.loopDepth += 1
      let b = try block(body)
      scope.loopDepth -= 1
      let cancel = interpreter.configuration.cancellation
      let seqSpan = seqExpr.span
      return { f throws(LanguageError) in
        let items = try seq(f)
        var flow = Flow.normal
        func step(_ v: Value) throws(LanguageError) -> Bool {
          if cancel.isCancelled { throw LanguageError(.interrupted, "interrupted", span: span) }
          store(f, v)
          switch try b(f) {
          case .normal, .continueLoop: return true
          case .breakLoop: return false
          case .returned:
            flow = .returned
            return false
          }
        }
        switch items {
        case .vector(let v):
          for x in v.elements { if try !step(.number(x)) { break } }
        case .matrix(let m):
          for i in 0..<m.rows { if try !step(.vector(m.row(i))) { break } }
        case .list(let l):
          for x in l { if try !step(x) { break } }
        case .string(let s):
          for ch in s { if try !step(.string(String(ch))) { break } }
        case .record(let r):
          for k in r.keys { if try !step(.string(k)) { break } }
        case .object(let o):
          for x in try o.elements() { if try !step(x) { break } }
        default:
          throw LanguageError(
            .type,
            "cannot iterate over a \(items.typeName): expected a vector, matrix, list, string or table",
            span: seqSpan)
        }
        f.value = .nil
        return flow
      }
    case .returnStmt(let e, let span):
      guard scope.functionName != nil else {
        throw LanguageError(.syntax, "'return' outside a function", span: span)
      }
      guard scope.valueContextDepth == 0 else {
        throw LanguageError(
          .syntax, "'return' inside an if-expression whose value is used; use an if statement",
          span: span)
      }
      guard let e else {
        return { f throws(LanguageError) in
          f.returnValue = .nil
          return .returned
        }
      }
      let ev = try expr(e)
      return { f throws(LanguageError) in
        f.returnValue = try ev(f)
        return .returned
      }
    case .breakStmt(let span), .continueStmt(let span):
      let isBreak: Bool
      if case .breakStmt = s { isBreak = true } else { isBreak = false }
      guard scope.loopDepth > 0, scope.valueContextDepth == 0 else {
        throw LanguageError(
          .syntax, "'\(isBreak ? "break" : "continue")' outside a loop", span: span)
      }
      let flow: Flow = isBreak ? .breakLoop : .continueLoop
      return { _ throws(LanguageError) in flow }
    case .param(let name, let e, let span):
      guard scope.isTopLevel else {
        throw LanguageError(
          .syntax, "'param' declares a notebook parameter and must be at the top level",
          span: span)
      }
      let ev = try expr(e)
      let store = write(name)
      unowned let interp = interpreter
      return { f throws(LanguageError) in
        let v: Value
        if let o = interp.configuration.parameterOverrides[name] {
          v = o
          interp.usedOverrides.insert(name)
        } else {
          v = try ev(f)
        }
        interp.declaredParameters[name] = v
        store(f, v)
        f.value = .nil
        return .normal
      }
    case .tryCatch(let body, let name, let handler, _):
      let b = try block(body)
      let store = name.map { write($0) }
      let h = try block(handler)
      return { f throws(LanguageError) in
        do throws(LanguageError) {
          return try b(f)
        } catch {
          if error.kind == .interrupted { throw error }
          store?(f, error.asValue())
          return try h(f)
        }
      }
    }
  }

  private func ifStatement(_ branches: [(Expr, [Stmt])], _ elseBlock: [Stmt]?) throws(LanguageError)
    -> Exec
  {
    let conds = try mapT(branches) { (c, _) throws(LanguageError) in
      ConditionRef(run: try condition(c))
    }
    let bodies = try mapT(branches) { (_, b) throws(LanguageError) in ExecRef(run: try block(b)) }
    var other: ExecRef?
    if let elseBlock { other = ExecRef(run: try block(elseBlock)) }
    if conds.count == 1 {
      let c = conds[0].run
      let body = bodies[0].run
      if let otherRun = other?.run {
        return { f throws(LanguageError) in
          if try c(f) { return try body(f) }
          return try otherRun(f)
        }
      }
      return { f throws(LanguageError) in
        if try c(f) { return try body(f) }
        f.value = .nil
        return .normal
      }
    }
    return { f throws(LanguageError) in
      for (i, c) in conds.enumerated() where try c.run(f) {
        return try bodies[i].run(f)
      }
      if let other { return try other.run(f) }
      f.value = .nil
      return .normal
    }
  }

  // MARK: - Assignment

  private func assignment(_ target: Expr, _ op: BinaryOp?, _ valueExpr: Expr, _ span: SourceSpan)
    throws(LanguageError) -> (Frame) throws(LanguageError) -> Void
  {
    let value = try expr(valueExpr)
    switch target {
    case .index(let base, let items, let ispan):
      let indexes = try indexItems(items)
      let combine = op.map { Operators.binaryFunction($0) }
      // Fast path: `name[...] = v` updates the variable's array in place.
      if case .name(let name, let nspan) = base {
        let takeOut = take(name, nspan)
        let store = write(name)
        return { f throws(LanguageError) in
          let idx = try indexes(f)
          var rhs = try value(f)
          var container = try takeOut(f)
          do throws(LanguageError) {
            if let combine {
              let old = try Indexing.get(container, idx, span: ispan)
              rhs = try combine(old, rhs, span)
            }
            try Indexing.set(&container, idx, rhs, span: ispan)
          } catch {
            store(f, container)
            throw error
          }
          store(f, container)
        }
      }
      let baseEval = try expr(base)
      let storeBase = try assignmentSink(base)
      return { f throws(LanguageError) in
        let idx = try indexes(f)
        var rhs = try value(f)
        var container = try baseEval(f)
        if let combine {
          rhs = try combine(try Indexing.get(container, idx, span: ispan), rhs, span)
        }
        try Indexing.set(&container, idx, rhs, span: ispan)
        try storeBase(f, container)
      }
    case .member(let base, let name, let mspan):
      let baseEval = try expr(base)
      let storeBase = try assignmentSink(base)
      let combine = op.map { Operators.binaryFunction($0) }
      unowned let interp = interpreter
      return { f throws(LanguageError) in
        var rhs = try value(f)
        var container = try baseEval(f)
        if let combine {
          rhs = try combine(try Members.get(container, name, interp, span: mspan), rhs, span)
        }
        try Members.set(&container, name, rhs, span: mspan)
        try storeBase(f, container)
      }
    default:
      throw LanguageError(.syntax, "cannot assign to this expression", span: target.span)
    }
  }

  /// Writes a whole new value back into an assignable expression.
  private func assignmentSink(_ target: Expr) throws(LanguageError)
    -> (Frame, Value) throws(LanguageError) -> Void
  {
    switch target {
    case .name(let name, _):
      let store = write(name)
      return { f, v throws(LanguageError) in store(f, v) }
    case .index(let base, let items, let ispan):
      let indexes = try indexItems(items)
      let baseEval = try expr(base)
      let storeBase = try assignmentSink(base)
      return { f, v throws(LanguageError) in
        var container = try baseEval(f)
        try Indexing.set(&container, try indexes(f), v, span: ispan)
        try storeBase(f, container)
      }
    case .member(let base, let name, let mspan):
      let baseEval = try expr(base)
      let storeBase = try assignmentSink(base)
      return { f, v throws(LanguageError) in
        var container = try baseEval(f)
        try Members.set(&container, name, v, span: mspan)
        try storeBase(f, container)
      }
    default:
      throw LanguageError(.syntax, "cannot assign to this expression", span: target.span)
    }
  }

  private func indexItems(_ items: [IndexItem]) throws(LanguageError)
    -> (Frame) throws(LanguageError) -> [IndexValue]
  {
    var compiled: [IndexRef] = []
    for it in items { compiled.append(IndexRef(run: try indexItem(it))) }
    if compiled.count == 1 {
      let c = compiled[0].run
      return { f throws(LanguageError) in [try c(f)] }
    }
    return { f throws(LanguageError) in
      var out: [IndexValue] = []
      out.reserveCapacity(compiled.count)
      for c in compiled { out.append(try c.run(f)) }
      return out
    }
  }

  private func indexItem(_ it: IndexItem) throws(LanguageError)
    -> (Frame) throws(LanguageError) -> IndexValue
  {
    switch it {
    case .single(let e):
      let ev = try expr(e)
      let s = e.span
      return { f throws(LanguageError) in
        let v = try ev(f)
        return IndexValue.single(v, s)
      }
    case .slice(let lo, let hi, let s):
      var l: Eval?
      var h: Eval?
      if let lo { l = try expr(lo) }
      if let hi { h = try expr(hi) }
      return { f throws(LanguageError) in
        let a = try l?(f)
        let b = try h?(f)
        return IndexValue.slice(a, b, s)
      }
    }
  }

  private func interpolatedPart(_ p: InterpolatedPart) throws(LanguageError) -> Eval {
    switch p {
    case .text(let s):
      let v = Value.string(s)
      return { _ throws(LanguageError) in v }
    case .expr(let x): return try expr(x)
    }
  }

  // MARK: - Expressions

  func expr(_ e: Expr) throws(LanguageError) -> Eval {
    switch e {
    case .number(let x, _):
      let v = Value.number(x)
      return { _ throws(LanguageError) in v }
    case .bool(let b, _):
      let v = Value.bool(b)
      return { _ throws(LanguageError) in v }
    case .nilLiteral:
      return { _ throws(LanguageError) in .nil }
    case .string(let parts, _):
      if parts.isEmpty { return { _ throws(LanguageError) in .string("") } }
      if parts.count == 1, case .text(let s) = parts[0] {
        let v = Value.string(s)
        return { _ throws(LanguageError) in v }
      }
      var compiled: [EvalRef] = []
      for p in parts { compiled.append(EvalRef(run: try interpolatedPart(p))) }
      return { f throws(LanguageError) in
        var out = ""
        for c in compiled {
          let v = try c.run(f)
          if case .string(let s) = v { out += s } else { out += Display.inline(v) }
        }
        return .string(out)
      }
    case .name(let n, let span):
      return read(n, span)
    case .list(let items, let span):
      let compiled = try mapT(items) { (x) throws(LanguageError) in EvalRef(run: try expr(x)) }
      return { f throws(LanguageError) in
        var values: [Value] = []
        values.reserveCapacity(compiled.count)
        var allNumbers = true
        for c in compiled {
          let v = try c.run(f)
          if case .number = v {} else { allNumbers = false }
          values.append(v)
        }
        if allNumbers {
          return .vector(
            Vector(
              values.map { v -> Double in
                if case .number(let x) = v { return x }
                return .nan
              }))
        }
        _ = span
        return .list(values)
      }
    case .matrix(let rows, let span):
      let compiled = try mapT(rows) { (r) throws(LanguageError) in
        try mapT(r) { (x) throws(LanguageError) in (EvalRef(run: try expr(x)), x.span) }
      }
      return { f throws(LanguageError) in
        var rowValues: [[Double]] = []
        for r in compiled {
          var row: [Double] = []
          for (c, s) in r {
            switch try c.run(f) {
            case .number(let x): row.append(x)
            case .vector(let v): row.append(contentsOf: v.elements)
            case let other:
              throw LanguageError(
                .type,
                "matrix literal: expected numbers or vectors, found \(other.shapeDescription)",
                span: s)
            }
          }
          if let first = rowValues.first, first.count != row.count {
            throw LanguageError(
              .shape,
              "matrix literal: row \(rowValues.count) has \(row.count) elements, expected \(first.count)",
              span: span)
          }
          rowValues.append(row)
        }
        do {
          return .matrix(try Matrix(rowsOf: rowValues))
        } catch {
          throw LanguageError(.shape, "\(error)", span: span)
        }
      }
    case .record(let fields, _):
      let names = fields.map(\.0)
      let compiled = try mapT(fields) { (_, x) throws(LanguageError) in EvalRef(run: try expr(x)) }
      return { f throws(LanguageError) in
        var vals: [(String, Value)] = []
        vals.reserveCapacity(names.count)
        for (i, c) in compiled.enumerated() { vals.append((names[i], try c.run(f))) }
        return .record(Record(vals))
      }
    case .unaryMinus(let x, let span):
      let ev = try expr(x)
      return { f throws(LanguageError) in
        let v = try ev(f)
        if case .number(let n) = v { return .number(-n) }
        return try Operators.negate(v, span: span)
      }
    case .not(let x, let span):
      let ev = try expr(x)
      return { f throws(LanguageError) in
        let v = try ev(f)
        switch v {
        case .bool(let b): return .bool(!b)
        case .vector(let vec): return .vector(vec.map { $0 == 0 ? 1 : 0 })
        default: return .bool(!(try v.truth(at: span)))
        }
      }
    case .and(let a, let b, _):
      let ea = try expr(a)
      let eb = try expr(b)
      let sa = a.span
      let sb = b.span
      return { f throws(LanguageError) in
        guard try ea(f).truth(at: sa) else { return .bool(false) }
        return .bool(try eb(f).truth(at: sb))
      }
    case .or(let a, let b, _):
      let ea = try expr(a)
      let eb = try expr(b)
      let sa = a.span
      let sb = b.span
      return { f throws(LanguageError) in
        if try ea(f).truth(at: sa) { return .bool(true) }
        return .bool(try eb(f).truth(at: sb))
      }
    case .binary(let op, let a, let b, let span):
      return try binary(op, a, b, span)
    case .range(let a, let b, let span):
      let ea = try expr(a)
      let eb = try expr(b)
      return { f throws(LanguageError) in
        let lo = try ea(f)
        let hi = try eb(f)
        guard case .number(let x) = lo, case .number(let y) = hi else {
          throw LanguageError(
            .type,
            "range a:b expects two numbers, found \(lo.shapeDescription) and \(hi.shapeDescription)",
            span: span)
        }
        return .vector(try Builtins.checkedRange(x, y, 1, span: span))
      }
    case .call(let callee, let args, let span):
      return try call(callee, args, span)
    case .index(let base, let items, let span):
      let b = try expr(base)
      let idx = try indexItems(items)
      return { f throws(LanguageError) in
        try Indexing.get(try b(f), try idx(f), span: span)
      }
    case .member(let base, let name, let span):
      let b = try expr(base)
      unowned let interp = interpreter
      return { f throws(LanguageError) in
        try Members.get(try b(f), name, interp, span: span)
      }
    case .function(let decl):
      return try function(decl)
    case .ifChain(let branches, let elseBlock, _):
      if let v = Self.valueBranches(branches, elseBlock) {
        return try ifValue(v.branches, v.other)
      }
      scope.valueContextDepth += 1
      defer { scope.valueContextDepth -= 1 }
      let exec = try ifStatement(branches, elseBlock)
      return { f throws(LanguageError) in
        let saved = f.value
        _ = try exec(f)
        let v = f.value
        f.value = saved
        return v
      }
    }
  }

  private func binary(_ op: BinaryOp, _ a: Expr, _ b: Expr, _ span: SourceSpan)
    throws(LanguageError) -> Eval
  {
    let l = try operand(a)
    let r = try operand(b)
    struct Visitor: ScalarOperatorVisitor {
      let l: Operand
      let r: Operand
      let span: SourceSpan
      func visit<O: ScalarOperator>(_ o: O.Type) -> EvalRef {
        Operand.open(l, r, ValueBuilder<O>(span: span))
      }
    }
    if let ev = try op.accept(Visitor(l: l, r: r, span: span)) { return ev.run }
    let le = Self.eval(l)
    let re = Self.eval(r)
    return { f throws(LanguageError) in try Operators.matmul(try le(f), try re(f), span: span) }
  }

  /// An operand as a plain closure (for the operators without a scalar rule).
  private static func eval(_ o: Operand) -> Eval {
    switch o {
    case .slot(let i): return { f throws(LanguageError) in f.slots[i] }
    case .global(let g): return { f throws(LanguageError) in try g.read(f) }
    case .constant(let v): return { _ throws(LanguageError) in v }
    case .other(let e): return e
    }
  }

  // MARK: - Conditions and values of blocks

  /// An expression used as a condition (`if`, `while`): comparisons of numbers and
  /// `and`/`or` of them decide without making a bool value; anything else is
  /// evaluated and its truth taken, with the same errors.
  private func condition(_ e: Expr) throws(LanguageError) -> Condition {
    switch e {
    case .binary(let op, let a, let b, let span) where Operators.isComparison(op):
      let l = try operand(a)
      let r = try operand(b)
      struct Visitor: ComparisonVisitor {
        let l: Operand
        let r: Operand
        let span: SourceSpan
        func visit<O: ComparisonOperator>(_ o: O.Type) -> ConditionRef {
          Operand.open(l, r, ConditionBuilder<O>(span: span))
        }
      }
      if let c = op.acceptComparison(Visitor(l: l, r: r, span: span)) { return c.run }
    case .and(let a, let b, _):
      let ca = try condition(a)
      let cb = try condition(b)
      return { f throws(LanguageError) in try ca(f) ? try cb(f) : false }
    case .or(let a, let b, _):
      let ca = try condition(a)
      let cb = try condition(b)
      return { f throws(LanguageError) in try ca(f) ? true : try cb(f) }
    case .bool(let v, _):
      return { _ throws(LanguageError) in v }
    default:
      break
    }
    let ev = try expr(e)
    let span = e.span
    return { f throws(LanguageError) in try ev(f).truth(at: span) }
  }

  /// The expression of a block that is one expression statement whose value is the
  /// block's value, all the way down through `if` branches; nil for other blocks.
  /// Such blocks compile to a plain `Eval`: no statements, no `Flow`, no frame value.
  static func valueExpression(_ stmts: [Stmt]) -> Expr? {
    guard stmts.count == 1, case .expression(let e, _) = stmts[0] else { return nil }
    if case .ifChain(let branches, let elseBlock, _) = e,
      valueBranches(branches, elseBlock) == nil
    {
      return nil
    }
    return e
  }

  /// The conditions and branch expressions of an `if` chain whose branches are all
  /// value blocks; nil otherwise.
  static func valueBranches(_ branches: [(Expr, [Stmt])], _ elseBlock: [Stmt]?)
    -> (branches: [(Expr, Expr)], other: Expr?)?
  {
    var out: [(Expr, Expr)] = []
    for (c, b) in branches {
      guard let e = valueExpression(b) else { return nil }
      out.append((c, e))
    }
    guard let elseBlock else { return (out, nil) }
    guard let other = valueExpression(elseBlock) else { return nil }
    return (out, other)
  }

  /// An `if` chain of value branches as a value (nil when no branch is taken and
  /// there is no `else`).
  private func ifValue(_ branches: [(Expr, Expr)], _ elseExpr: Expr?) throws(LanguageError)
    -> Eval
  {
    let conds = try mapT(branches) { (c, _) throws(LanguageError) in
      ConditionRef(run: try condition(c))
    }
    let values = try mapT(branches) { (_, v) throws(LanguageError) in EvalRef(run: try expr(v)) }
    let other = try elseExpr.map { (e) throws(LanguageError) in try expr(e) }
    if conds.count == 1 {
      let c = conds[0].run
      let v = values[0].run
      if let other {
        return { f throws(LanguageError) in try c(f) ? try v(f) : try other(f) }
      }
      return { f throws(LanguageError) in try c(f) ? try v(f) : .nil }
    }
    return { f throws(LanguageError) in
      for (i, c) in conds.enumerated() where try c.run(f) { return try values[i].run(f) }
      if let other { return try other(f) }
      return .nil
    }
  }

  // MARK: - Assignment to a name

  /// `name = value` and `name op= value`: the slot or global is written directly, and
  /// `+= -= *= /=` on numbers are done inline.
  private func nameAssignment(
    _ name: String, _ nspan: SourceSpan, _ op: BinaryOp?, _ valueExpr: Expr, _ span: SourceSpan,
    isLast: Bool
  ) throws(LanguageError) -> Exec {
    let value = try expr(valueExpr)
    let update: (Frame) throws(LanguageError) -> Void
    if let op {
      let target = try operand(.name(name, nspan))
      struct Visitor: ScalarOperatorVisitor {
        let target: Operand
        let value: Eval
        let store: (Frame, Value) -> Void
        let span: SourceSpan
        func visit<O: ScalarOperator>(_ o: O.Type) -> UpdateRef {
          let value = value
          let span = span
          switch target {
          case .slot(let i):
            return UpdateRef { f throws(LanguageError) in
              let a = f.slots[i]
              let b = try value(f)
              if case .number(let p) = a, case .number(let q) = b {
                let r = O.result(p, q)
                // Evaluating `b` may have rebound the name; a number there holds
                // nothing to release, so it is overwritten without a destroy.
                if case .number = f.slots[i] {
                  (f.slots + i).initialize(to: r)
                } else {
                  f.slots[i] = r
                }
              } else {
                f.slots[i] = try Operators.binary(O.op, a, b, span: span)
              }
            }
          case .global(let g):
            return UpdateRef { f throws(LanguageError) in
              let a = try g.read(f)
              let b = try value(f)
              if case .number(let p) = a, case .number(let q) = b {
                let r = O.result(p, q)
                if case .number? = g.box.pointer.pointee {
                  g.box.pointer.initialize(to: r)
                } else {
                  g.box.store(r)
                }
              } else {
                g.box.store(try Operators.binary(O.op, a, b, span: span))
              }
            }
          case .constant, .other:
            let current = Compiler.eval(target)
            let store = store
            return UpdateRef { f throws(LanguageError) in
              let a = try current(f)
              let b = try value(f)
              store(f, try Operators.binary(O.op, a, b, span: span))
            }
          }
        }
      }
      let visitor = Visitor(target: target, value: value, store: write(name), span: span)
      guard let u = try op.accept(visitor) else {
        throw LanguageError(.syntax, "'\(op.rawValue)=' is not an assignment operator", span: span)
      }
      update = u.run
    } else {
      switch resolve(name) {
      case .local(.slot(let i)):
        update = { f throws(LanguageError) in f.slots[i] = try value(f) }
      case .global(let i):
        let box = interpreter.globals.boxes[i]
        update = { f throws(LanguageError) in box.store(try value(f)) }
      default:
        let store = write(name)
        update = { f throws(LanguageError) in store(f, try value(f)) }
      }
    }
    if isLast {
      return { f throws(LanguageError) in
        try update(f)
        f.value = .nil
        return .normal
      }
    }
    return { f throws(LanguageError) in
      try update(f)
      return .normal
    }
  }

  // MARK: - Calls

  private func call(_ calleeExpr: Expr, _ args: [Argument], _ span: SourceSpan)
    throws(LanguageError) -> Eval
  {
    let evals = try mapT(args) { (a) throws(LanguageError) in EvalRef(run: try expr(a.value)) }
    let labels = args.map(\.label)
    let spans: [SourceSpan] = args.map { $0.value.span }
    let labelSpans = args.map(\.labelSpan)
    unowned let interp = interpreter
    let hasLabels = labels.contains { $0 != nil }
    if !hasLabels {
      switch try operand(calleeExpr) {
      case .global(let g):
        if (1...2).contains(evals.count)
          && !(scope.isTopLevel && args.contains { Self.runsStatements($0.value) })
        {
          return globalCall(g, evals, spans, span)
        }
        return positionalCall(g, evals, spans, span)
      case .slot(let i): return positionalCall(SlotRead(index: i), evals, spans, span)
      case .constant(let v): return positionalCall(ConstantRead(value: v), evals, spans, span)
      case .other(let e): return positionalCall(EvalRead(eval: e), evals, spans, span)
      }
    }
    let callee = try expr(calleeExpr)
    let n = evals.count
    return { f throws(LanguageError) in
      let fv = try callee(f)
      var positional: [Value] = []
      var pspans: [SourceSpan] = []
      var keywords: [KeywordArgument] = []
      for i in 0..<n {
        let v = try evals[i].run(f)
        if let label = labels[i] {
          keywords.append(
            KeywordArgument(name: label, value: v, nameSpan: labelSpans[i], valueSpan: spans[i]))
        } else {
          positional.append(v)
          pspans.append(spans[i])
        }
      }
      return try interp.callGeneral(
        fv, positional: positional, positionalSpans: pspans, keywords: keywords, span: span)
    }
  }

  /// A call with positional arguments only. A user function taking at least that
  /// many parameters gets a frame from its pool and the arguments moved straight
  /// into their slots; one and two arguments (the common shapes) have their own
  /// closures. A pure callee (a name or constant) is read as a function without
  /// copying its `Value`; it is read again as a value only when it is not one.
  private func positionalCall<C: OperandReader>(
    _ callee: C, _ evals: [EvalRef], _ spans: [SourceSpan], _ span: SourceSpan
  ) -> Eval {
    unowned let interp = interpreter
    let calls = interpreter.callStack
    switch evals.count {
    case 1:
      let a0 = evals[0].run
      return { f throws(LanguageError) in
        if C.isPure, let fn = callee.function(f) {
          let x0 = try a0(f)
          if let code = fn.code, code.parameterCount >= 1 {
            return try calls.call(fn, code, x0, span: span)
          }
          return try interp.callGeneral(
            .function(fn), positional: [x0], positionalSpans: spans, keywords: [], span: span)
        }
        let fv = try callee.read(f)
        let x0 = try a0(f)
        if case .function(let fn) = fv, let code = fn.code, code.parameterCount >= 1 {
          return try calls.call(fn, code, x0, span: span)
        }
        return try interp.callGeneral(
          fv, positional: [x0], positionalSpans: spans, keywords: [], span: span)
      }
    case 2:
      let a0 = evals[0].run
      let a1 = evals[1].run
      return { f throws(LanguageError) in
        if C.isPure, let fn = callee.function(f) {
          let x0 = try a0(f)
          let x1 = try a1(f)
          if let code = fn.code, code.parameterCount >= 2 {
            return try calls.call(fn, code, x0, x1, span: span)
          }
          return try interp.callGeneral(
            .function(fn), positional: [x0, x1], positionalSpans: spans, keywords: [],
            span: span)
        }
        let fv = try callee.read(f)
        let x0 = try a0(f)
        let x1 = try a1(f)
        if case .function(let fn) = fv, let code = fn.code, code.parameterCount >= 2 {
          return try calls.call(fn, code, x0, x1, span: span)
        }
        return try interp.callGeneral(
          fv, positional: [x0, x1], positionalSpans: spans, keywords: [], span: span)
      }
    default:
      let n = evals.count
      return { f throws(LanguageError) in
        let fv = try callee.read(f)
        var values: [Value] = []
        values.reserveCapacity(n)
        for e in evals { values.append(try e.run(f)) }
        if case .function(let fn) = fv, let code = fn.code, code.parameterCount >= n {
          let frame = code.acquireFrame(for: fn)
          for (i, v) in values.enumerated() { code.bindFresh(i, v, in: frame) }
          return try calls.invoke(code, frame: frame, supplied: n, function: fn, span: span)
        }
        return try interp.callGeneral(
          fv, positional: values, positionalSpans: spans, keywords: [], span: span)
      }
    }
  }

  /// A call of a global with one or two positional arguments. When the global holds
  /// a user function taking that many parameters, its code and the function are
  /// read from the box unowned (no retain): the box owns them while the arguments
  /// are evaluated, since arguments that could assign globals (statement blocks in
  /// top-level code) are compiled by `positionalCall` instead, and while the call
  /// runs, since a global function replaced under a running call is buried
  /// (`GlobalBox`). Other callees go through `positionalCall`.
  private func globalCall(
    _ g: GlobalRead, _ evals: [EvalRef], _ spans: [SourceSpan], _ span: SourceSpan
  ) -> Eval {
    let other = positionalCall(g, evals, spans, span)
    let calls = interpreter.callStack
    let box = g.box
    if evals.count == 1 {
      let a0 = evals[0].run
      return { f throws(LanguageError) in
        let callee = box.callee.pointee
        guard let cu = callee.code, let fu = callee.function else { return try other(f) }
        return try cu.withGuaranteed { code throws(LanguageError) in
          guard code.parameterCount >= 1 else { return try other(f) }
          return try fu.withGuaranteed { fn throws(LanguageError) in
            let x0 = try a0(f)
            return try calls.call(fn, code, x0, span: span)
          }
        }
      }
    }
    let a0 = evals[0].run
    let a1 = evals[1].run
    return { f throws(LanguageError) in
      let callee = box.callee.pointee
      guard let cu = callee.code, let fu = callee.function else { return try other(f) }
      return try cu.withGuaranteed { code throws(LanguageError) in
        guard code.parameterCount >= 2 else { return try other(f) }
        return try fu.withGuaranteed { fn throws(LanguageError) in
          let x0 = try a0(f)
          let x1 = try a1(f)
          return try calls.call(fn, code, x0, x1, span: span)
        }
      }
    }
  }

  /// Whether evaluating `e` may run statements of its own scope (an `if` with
  /// statement blocks, used as a value); function literals and calls run theirs in
  /// the callee's scope.
  static func runsStatements(_ e: Expr) -> Bool {
    switch e {
    case .number, .bool, .nilLiteral, .name, .function: return false
    case .string(let parts, _):
      return parts.contains { p in
        if case .expr(let x) = p { return runsStatements(x) }
        return false
      }
    case .list(let items, _): return items.contains(where: runsStatements)
    case .matrix(let rows, _): return rows.contains { $0.contains(where: runsStatements) }
    case .record(let fields, _): return fields.contains { runsStatements($0.1) }
    case .unaryMinus(let x, _), .not(let x, _), .member(let x, _, _): return runsStatements(x)
    case .binary(_, let a, let b, _), .and(let a, let b, _), .or(let a, let b, _),
      .range(let a, let b, _):
      return runsStatements(a) || runsStatements(b)
    case .call(let callee, let args, _):
      return runsStatements(callee) || args.contains { runsStatements($0.value) }
    case .index(let base, let items, _):
      return runsStatements(base)
        || items.contains { item in
          switch item {
          case .single(let x): return runsStatements(x)
          case .slice(let a, let b, _):
            return (a.map(runsStatements) ?? false) || (b.map(runsStatements) ?? false)
          }
        }
    case .ifChain(let branches, let elseBlock, _):
      guard let v = valueBranches(branches, elseBlock) else { return true }
      return v.branches.contains { runsStatements($0.0) || runsStatements($0.1) }
        || (v.other.map(runsStatements) ?? false)
    }
  }

  // MARK: - Functions

  /// Compiles a function declaration into an `Eval` that creates the closure value.
  private func function(_ decl: FunctionDecl) throws(LanguageError) -> Eval {
    let enclosing = enclosingLocals()
    let locals = ScopeAnalysis.locals(of: decl, enclosing: enclosing)
    let captured = ScopeAnalysis.capturedLocals(of: decl, locals: locals, enclosing: enclosing)
    let name = decl.name ?? "<anonymous>"
    let inner = Scope(parent: scope)
    inner.functionName = name
    var slots = 0
    var cells = 0
    for n in locals {
      if captured.contains(n) {
        inner.locals[n] = .cell(cells)
        cells += 1
      } else {
        inner.locals[n] = .slot(slots)
        slots += 1
      }
    }
    let targets = decl.parameters.map { inner.locals[$0.name]! }
    let outer = scope
    scope = inner
    defer { scope = outer }
    let defaults = try mapT(decl.parameters) { (p) throws(LanguageError) -> EvalRef? in
      guard let d = p.defaultValue else { return nil }
      return EvalRef(run: try expr(d))
    }
    let body: FunctionBody
    if let e = Self.valueExpression(decl.body) {
      body = .expression(try expr(e))
    } else {
      body = .statements(try block(decl.body))
    }
    let sources = inner.captureSources
    let code = CompiledFunction(
      name: name, parameterNames: decl.parameters.map(\.name), parameterDefaults: defaults,
      parameterTargets: targets, slotCount: slots, cellCount: cells,
      capturesCount: sources.count, body: body, span: decl.span)
    scope = outer
    return { f throws(LanguageError) in
      var caps: [Cell] = []
      caps.reserveCapacity(sources.count)
      for s in sources {
        switch s {
        case .parentCell(let i): caps.append(f.cells[i])
        case .parentCapture(let i): caps.append(f.captures[i])
        }
      }
      return .function(Function(name: name, code: code, captures: caps))
    }
  }

  private func enclosingLocals() -> Set<String> {
    var out = Set<String>()
    var s: Scope? = scope
    while let cur = s, !cur.isTopLevel {
      out.formUnion(cur.locals.keys)
      out.formUnion(cur.captures.keys)
      s = cur.parent
    }
    return out
  }
}

/// Closures kept in arrays or optionals are wrapped in these concrete structs, so they
/// are stored at their natural abstraction and called without reabstraction thunks.
struct EvalRef {
  let run: Eval
}

struct ExecRef {
  let run: Exec
}

struct UpdateRef {
  let run: (Frame) throws(LanguageError) -> Void
}

struct ConditionRef {
  let run: Condition
}

struct IndexRef {
  let run: (Frame) throws(LanguageError) -> IndexValue
}

/// `map` with a typed-throwing transform.
@inline(__always)
func mapT<T, U>(_ xs: [T], _ f: (T) throws(LanguageError) -> U) throws(LanguageError) -> [U] {
  var out: [U] = []
  out.reserveCapacity(xs.count)
  for x in xs { out.append(try f(x)) }
  return out
}

/// A keyword argument at a call site.
public struct KeywordArgument {
  public let name: String
  public let value: Value
  let nameSpan: SourceSpan?
  let valueSpan: SourceSpan?
}

/// An evaluated index item.
public enum IndexValue {
  case single(Value, SourceSpan)
  case slice(Value?, Value?, SourceSpan)
}

extension LanguageError {
  /// The record a `catch err` block sees: `err.message`, `err.kind`, `err.line`.
  func asValue() -> Value {
    var fields: [(String, Value)] = [
      ("message", .string(message)), ("kind", .string(kind.rawValue)),
    ]
    if let span { fields.append(("line", .number(Double(span.line)))) }
    if let payload { fields.append(("value", payload)) }
    return .record(Record(fields))
  }
}
