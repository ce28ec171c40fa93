import Language
import Testing

/// Calls of global functions read the callee without retaining it; these programs
/// replace a global function while a call of it is running, and must behave as if
/// the call held its function.
@Suite struct GlobalRebindingTests {
  /// An interpreter with `rebind(name)`: binds the global `name` to 0 from host code,
  /// the way a builtin could while a user function is running.
  static func interpreter() -> Interpreter {
    let interp = Interpreter()
    interp.define(
      Builtin(
        BuiltinDeclaration(
          "rebind", parameters: [.required("name", .string, "the global to set to 0")],
          summary: "sets a global to 0")
      ) { ctx, args throws(LanguageError) in
        ctx.interpreter.define(try args.string("name"), .number(0))
        return .nil
      })
    return interp
  }

  @Test func functionReplacedDuringItsCallFinishesTheCall() throws {
    let interp = Self.interpreter()
    try interp.run(
      """
      fn f(n) {
        rebind("f")
        fn g(x) = x * 10
        return g(n) + 1
      }
      r = f(4)
      """)
    #expect(Display.render(try interp.evaluate("r")) == "41")
    #expect(Display.render(try interp.evaluate("f")) == "0")
  }

  @Test func recursionAfterReplacementFindsTheNewValue() throws {
    let interp = Self.interpreter()
    try interp.run("fn f(n) = if n == 0 { rebind(\"f\") } else { f(n - 1) + 1 }")
    #expect(throws: LanguageError.self) { try interp.evaluate("f(3)") }
    #expect(Display.render(try interp.evaluate("f")) == "0")
  }

  @Test func argumentsRebindingTheCalleeCallTheOldFunction() throws {
    let interp = Interpreter()
    try interp.run(
      """
      fn f(x) = x + 1
      r = f(if true { f = 0; 5 } else { 6 })
      """)
    #expect(Display.render(try interp.evaluate("r")) == "6")
    #expect(Display.render(try interp.evaluate("f")) == "0")
  }
}
