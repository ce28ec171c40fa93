import Foundation
import Language
import Library
import Testing

final class OutputSink: @unchecked Sendable {
  var text = ""
  var warnings: [String] = []
}

func libraryInterpreter(_ out: OutputSink, fileAccess: FileAccessPolicy = .unrestricted)
  -> Interpreter
{
  let interp = Interpreter(
    configuration: HostConfiguration(
      output: { out.text += $0 }, warning: { out.warnings.append($0) }, fileAccess: fileAccess))
  Library.register(into: interp)
  return interp
}

/// The plotting bindings, exercised through the language.
@Suite(.serialized) struct PlotBindingTests {
  @Test func savefigWritesTheFileAndReportsTheSpecHash() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replica-lib-\(UUID())")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = OutputSink()
    let interp = libraryInterpreter(out)
    try interp.run(
      """
      x = linspace(0, 1, 20)
      figure(width=4, height=3)
      plot(x, x^2, label="square", marker="o")
      xlabel("$\\\\alpha$"); ylabel("$m(t)$"); legend("best")
      savefig("\(dir.path)/a.png", dpi=100)
      """)
    let png = try Data(contentsOf: dir.appendingPathComponent("a.png"))
    #expect(png.count > 1000)
    // PNG IHDR: width and height at bytes 16..<24, big-endian = inches × dpi.
    let w = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
    let h = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
    #expect(w == 400 && h == 300)
    #expect(out.text.contains("figure: \(dir.path)/a.png (sha256 "))
  }

  @Test func theSameSpecHasTheSameHash() throws {
    let interp = libraryInterpreter(OutputSink())
    let a = try interp.evaluate("f = figure(); f.plot([1, 2], [3, 4]); f.hash")
    let b = try interp.evaluate("g = figure(); g.plot([1, 2], [3, 4]); g.hash")
    let c = try interp.evaluate("k = figure(); k.plot([1, 2], [3, 5]); k.hash")
    guard case .string(let ha) = a, case .string(let hb) = b, case .string(let hc) = c else {
      Issue.record("hash is not a string")
      return
    }
    #expect(ha == hb)
    #expect(ha != hc)
    #expect(ha.count == 12)
  }

  @Test func badPlotInputIsAnErrorAndTheFigureIsUnchanged() throws {
    let interp = libraryInterpreter(OutputSink())
    _ = try interp.evaluate("f = figure(); plot([1, 2], [1, 2])")
    #expect(throws: LanguageError.self) { try interp.evaluate("plot([1, 2, 3], [1, 2])") }
    #expect(throws: LanguageError.self) {
      try interp.evaluate("plot([1, 2], [1, 2], color=\"C42\")")
    }
    #expect(throws: LanguageError.self) { try interp.evaluate("heatmap(zeros(0, 0))") }
    let v = try interp.evaluate("f")
    #expect(Display.inline(v).contains("1 series"))
  }

  @Test func unwritablePathIsAnError() throws {
    let interp = libraryInterpreter(OutputSink())
    _ = try interp.evaluate("plot([1, 2], [1, 2])")
    #expect(throws: LanguageError.self) {
      try interp.evaluate("savefig(\"/proc/nonexistent/x.png\")")
    }
    #expect(throws: LanguageError.self) { try interp.evaluate("savefig(\"out.xyz\")") }
  }

  @Test func sandboxRefusesWritesOutsideTheFolder() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replica-sb-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let interp = libraryInterpreter(
      OutputSink(), fileAccess: FileAccessPolicy(writableRoot: dir.path))
    _ = try interp.evaluate("plot([1, 2], [1, 2])")
    do {
      _ = try interp.evaluate("savefig(\"/tmp/replica-sandbox-escape.png\")")
      Issue.record("expected the sandbox to refuse")
    } catch {
      #expect(error.kind == .io)
      #expect(error.message.contains("sandbox"))
    }
    #expect(!FileManager.default.fileExists(atPath: "/tmp/replica-sandbox-escape.png"))
  }
}
