import Foundation
import Language
import Library
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Plotting through the language (issue 5): every kind to every format, deterministic SVG,
/// and each bad input of the issue as an error or warning with its kind and message.
@Suite(.serialized) struct PlotLanguageTests {
  static let directory: String = {
    let d = NSTemporaryDirectory() + "replica-plot-language-\(getpid())"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }()

  /// One drawing call per plot kind, on x = [0 … 4], y = [1, 3, 2, 5, 4] and a 3×4 M.
  static let kinds: [(String, String)] = [
    ("line", "plot(x, y, label=\"curve\", marker=\"o\")"),
    ("scatter", "scatter(x, y, label=\"points\")"),
    ("errorbar", "errorbar(x, y, [0.2, 0.3, 0.1, 0.4, 0.2], label=\"sim\")"),
    ("band", "band(x, y - 1, y + 1, label=\"spread\")"),
    ("hist", "hist([1, 2, 2, 3, 3, 3, 4], bins=4, density=true, label=\"counts\")"),
    ("heatmap", "heatmap(M, clabel=\"value\")"),
    ("contour", "contour(M, levels=3)"),
    ("text", "text(1, 2, \"note $\\\\alpha$\")"),
  ]

  @Test("every plot kind renders to every format", arguments: kinds.map(\.0))
  func kindRendersToEveryFormat(_ kind: String) throws {
    let call = try #require(Self.kinds.first { $0.0 == kind }?.1)
    let out = OutputSink()
    let interp = libraryInterpreter(out)
    let base = "\(Self.directory)/\(kind)"
    try interp.run(
      """
      x = [0, 1, 2, 3, 4]; y = [1, 3, 2, 5, 4]; M = reshape((0:12) % 5, 3, 4)
      figure(width=3, height=2)
      \(call)
      xlabel("abscissa"); ylabel("ordinate")
      for ext in ["png", "svg", "pdf", "eps"] { savefig("\(base)." + ext, dpi=60) }
      """)
    #expect(out.warnings.isEmpty, "\(out.warnings)")
    for ext in ["png", "svg", "pdf", "eps"] {
      let path = "\(base).\(ext)"
      #expect(out.text.contains("figure: \(path) (sha256 "))
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      switch ext {
      case "png":
        // 3 × 2 in at 60 dpi.
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(data[16..<20].reduce(0) { $0 << 8 | Int($1) } == 180)
        #expect(data[20..<24].reduce(0) { $0 << 8 | Int($1) } == 120)
      case "svg":
        let text = String(decoding: data, as: UTF8.self)
        #expect(XMLParser(data: data).parse())
        #expect(text.contains("abscissa") && text.contains("ordinate"))
      case "pdf":
        #expect(data.starts(with: Data("%PDF".utf8)))
        #expect(try Self.pdfinfo(path) == 0)
      default:
        #expect(data.starts(with: Data("%!PS-Adobe".utf8)))
      }
    }
  }

  @Test func theSameScriptGivesTheSameSVGTextAndHash() throws {
    var texts: [String] = []
    var hashes: [String] = []
    for k in 0..<2 {
      let interp = libraryInterpreter(OutputSink())
      let path = "\(Self.directory)/same-\(k).svg"
      try interp.run(
        """
        f = figure(width=4, height=3)
        subplot(1, 2, 1); plot(linspace(0, 1, 30), linspace(0, 1, 30)^2, label="$m^2$", marker="o")
        legend(); title("left")
        subplot(1, 2, 2); heatmap(reshape((0:12) % 5, 3, 4), cmap="magma", clabel="$\\\\phi$")
        panel_letters()
        savefig("\(path)")
        """)
      texts.append(try String(contentsOfFile: path, encoding: .utf8))
      hashes.append(Display.inline(try interp.evaluate("f.hash")))
    }
    #expect(texts[0] == texts[1])
    #expect(texts[0].contains("left"))
    #expect(hashes[0] == hashes[1] && hashes[0].count >= 12)
  }

  /// Runs `code` on a fresh interpreter and returns the error it raises.
  static func failure(_ code: String) throws -> LanguageError {
    let interp = libraryInterpreter(OutputSink())
    do {
      try interp.run(code)
    } catch {
      return error
    }
    Issue.record("expected an error from: \(code)")
    throw LanguageError(.value, "no error")
  }

  @Test func nonFiniteValuesAreDroppedWithAWarningOrAnErrorWhenNothingIsLeft() throws {
    let out = OutputSink()
    let interp = libraryInterpreter(out)
    try interp.run(
      "plot([1, 2, 3, 4], [1, nan, inf, 2]); savefig(\"\(Self.directory)/nonfinite.png\")")
    #expect(
      out.warnings == [
        "panel 1, line series 1: dropped 2 non-finite points (NaN or inf), drawn as gaps"
      ])
    let e = try Self.failure("plot([1, 2], [nan, -inf])")
    #expect(e.kind == .value)
    #expect(
      e.message
        == "panel 1, line series 1: expected at least one drawable point, found none (all 2 points are NaN or infinite)"
    )
  }

  @Test func anEmptySeriesIsAnError() throws {
    let e = try Self.failure("scatter(zeros(0), zeros(0))")
    #expect(e.kind == .value)
    #expect(e.message.hasSuffix("expected at least one point, found an empty series"))
  }

  @Test func mismatchedLengthsAreAnError() throws {
    let e = try Self.failure("plot([1, 2, 3], [1, 2])")
    #expect(e.kind == .value)
    #expect(e.message == "panel 1, line series 1: expected y with 3 values like x, found 2")
    let b = try Self.failure("band([1, 2, 3], [0, 0, 0], [1, 1])")
    #expect(b.kind == .value)
    #expect(b.message.contains("expected") && b.message.contains("found 2"))
  }

  @Test func anUnwritablePathIsAnIOError() throws {
    let missing = try Self.failure("plot([1, 2], [1, 2]); savefig(\"/proc/nonexistent/x.png\")")
    #expect(missing.kind == .io)
    #expect(missing.message.hasPrefix("savefig: cannot create the folder /proc/nonexistent"))
    let folder = "\(Self.directory)/folder.png"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let dir = try Self.failure("plot([1, 2], [1, 2]); savefig(\"\(folder)\")")
    #expect(dir.kind == .io)
    #expect(dir.message == "savefig: cannot write \(folder): it is a directory")
  }

  @Test func anUnknownFormatIsAnError() throws {
    let e = try Self.failure("plot([1, 2], [1, 2]); savefig(\"\(Self.directory)/out.jpg\")")
    #expect(e.kind == .io)
    #expect(
      e.message
        == "savefig: \(Self.directory)/out.jpg: expected a file extension pdf, png, svg or eps, found \"jpg\""
    )
  }

  @Test func anUnknownColourMapIsAnError() throws {
    let e = try Self.failure("heatmap(ones(2, 2), cmap=\"jet\")")
    #expect(e.kind == .value)
    #expect(
      e.message
        == "panel 1, heatmap series 1: expected a colour map viridis, magma, gray, coolwarm, RdBu, found \"jet\""
    )
  }

  @Test func anEmptyHeatmapIsAnError() throws {
    let e = try Self.failure("heatmap(zeros(0, 0))")
    #expect(e.kind == .value)
    #expect(
      e.message
        == "panel 1, heatmap series 1: expected a matrix with at least one cell, found 0 × 0 with 0 values"
    )
  }

  static func pdfinfo(_ path: String) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/pdfinfo")
    p.arguments = [path]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
  }
}

/// The spec hash notebooks record must not change when the serialiser does. The hash is
/// defined over the canonical JSON with numbers rounded to 32 significant bits
/// (`Figure.specHash`); this value was recorded with that definition.
@Suite struct SpecHashStabilityTests {
  @Test func theHashOfAFigureWithAwkwardValuesIsUnchanged() throws {
    let interp = libraryInterpreter(OutputSink())
    let v = try interp.evaluate(
      """
      f = figure(width=5, height=3)
      plot([1e-300, 5e-324, -0.0, 1e300, 0.1, 1 / 3, 2^53, 2^53 + 2, -7], [1, nan, inf, -inf, 2, 3, 4, 5, 6], label="q\\"uo\\\\te /slash\\ttab\\nnl α β 😀 \\u{1}")
      title("a/b \\u{7f} \\u{e9}")
      text(0.5, 0.5, "x\\\\ y")
      heatmap([1, 2; 3, 4], x=[0, 1], y=[0, 1])
      f.hash
      """)
    // Since the spec hash became the SHA-256 of the canonical binary encoding (was: of the
    // canonical JSON text with rounded numbers); notebooks are re-recorded with it.
    #expect(Display.inline(v) == "\"51f2725a704d\"")
  }
}
