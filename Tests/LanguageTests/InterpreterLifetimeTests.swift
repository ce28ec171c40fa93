import Language
import Testing

/// An interpreter is freed once its host lets go of it, even after compiling
/// functions that call each other, close over locals and read globals (compiled
/// code refers to its interpreter without owning it).
@Suite struct InterpreterLifetimeTests {
  @Test func interpreterIsFreedAfterUse() throws {
    weak var weakInterpreter: Interpreter?
    do {
      let interp = Interpreter()
      weakInterpreter = interp
      try interp.run(
        """
        fn fib(n) = if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
        fn adder(k) { fn add(x) = x + k; return add }
        add2 = adder(2)
        total = 0
        for i in 0:10 { total += add2(fib(i)) }
        r = {f: fib, g: add2}
        """)
      // fib(0) + ... + fib(9) = 88, plus 2 ten times.
      #expect(Display.render(try interp.evaluate("total")) == "108")
    }
    #expect(weakInterpreter == nil)
  }
}
