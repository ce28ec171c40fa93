import Language
import Numerics

/// Binds numerics, data, plotting and the study modules into an interpreter: the one
/// place where the language meets the layers below it (architecture.md).
public enum Library {
  /// Registers every module and global builtin of the library.
  public static func register(into interp: Interpreter) {
    PlotBindings.register(into: interp)
    DataBindings.register(into: interp)
    interp.register(DenseAssociativeMemoryModule.make())
    interp.register(RecurrentSelfAttentionModule.make())
    interp.register(OrdinalCollapseModule.make())
    interp.define(Results.builtin())
    interp.register(SelfDistillationModule.make())
    interp.register(VariationalReplicaModule.make())
    interp.register(QuantizationErrorPropagationModule.make())
    interp.sealBuiltins()
  }
}

/// Helpers shared by the study bindings.
enum Bind {
  /// Host progress for a long study call, labelled with the function's name.
  static func progress(_ ctx: CallContext, _ label: String) -> Numerics.Progress {
    let sink = ctx.interpreter.configuration.progress
    nonisolated(unsafe) let report = sink
    return Numerics.Progress { done, total in report(label, done, total) }
  }

  /// Runs a study call, turning its errors into language errors at the call site.
  static func run<T>(_ ctx: CallContext, _ body: () throws -> T) throws(LanguageError) -> T {
    try Builtins.numerics(ctx.span, body)
  }

  static func seed(_ a: Arguments, _ name: String = "seed") throws(LanguageError) -> UInt64 {
    let s = try a.number(name)
    guard s >= 0, s < 1.8e19 else {
      throw a.error(name, "seed must be a non-negative integer, found \(Display.number(s))")
    }
    return UInt64(s)
  }

  static func vector(_ v: Vector) -> Value { .vector(v) }
  static func number(_ x: Double) -> Value { .number(x) }
  static func record(_ fields: [(String, Value)]) -> Value { .record(Record(fields)) }
}
