import Foundation
import FuzzHarness
import Testing

/// Replays every saved input under FuzzCrashes/ (crashes the libFuzzer target found, and
/// hand-picked hard cases: deep nesting, long strings, Unicode, huge numbers, endless
/// loops) through the same harness as `FuzzLanguage`, in-process. Returning at all is the
/// main assertion: a crash ends the test process.
@Suite struct FuzzRegressionTests {
  static let directory: URL = {
    Bundle.module.resourceURL!.appendingPathComponent("FuzzCrashes")
  }()

  static var inputs: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { !$0.hasPrefix(".") }.sorted()
  }

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
  }

  @Test(arguments: inputs)
  func inputReturns(_ name: String) throws {
    let clock = ContinuousClock()
    let start = clock.now
    FuzzHarness.run(try Self.bytes(name))
    // The harness cancels evaluation after 50 ms; parsing 4 KiB takes milliseconds. The
    // bound is generous for a debug build on a loaded machine.
    #expect(clock.now - start < .seconds(10), "\(name) took too long")
  }

  @Test func inputsExist() {
    #expect(Self.inputs.count >= 8)
  }

  /// Invalid UTF-8 is skipped before the lexer sees it.
  @Test func invalidUTF8IsSkipped() throws {
    #expect(FuzzHarness.run(try Self.bytes("invalid-utf8")) == .notUTF8)
    #expect(FuzzHarness.run([0x22, 0xC3, 0x28, 0x22]) == .notUTF8)
  }

  /// Each endless statement ends with an error (interrupted, recursion depth exceeded),
  /// and the statements after it still run.
  @Test func endlessStatementsAreStopped() {
    let outcome = FuzzHarness.run(Array("while true {}\nfn f(x) = f(x)\nf(1)\n1 + 1\n".utf8))
    #expect(outcome == .ran(statements: 4, failed: 2))
  }

  /// A syntax error rejects the input without running anything.
  @Test func syntaxErrorIsRejected() {
    #expect(FuzzHarness.run(Array("x = (1 +\n".utf8)) == .rejected)
  }
}
