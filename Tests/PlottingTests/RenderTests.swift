import Foundation
import Testing

@testable import Plotting

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Renders go through the child process; PLplot is not thread-safe, so one at a time.
@Suite("Rendering", .serialized)
struct RenderTests {
  static let directory: String = {
    let d = NSTemporaryDirectory() + "replica-plot-tests-\(getpid())"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }()

  static let kinds = ["line", "scatter", "errorbar", "band", "hist", "heatmap", "contour", "text"]

  /// A small figure holding one series of `kind`, labelled so the SVG text can be found.
  static func figure(_ kind: String) -> Figure {
    var f = Figure(width: 3, height: 2)
    let x: [Double] = [0, 1, 2, 3, 4]
    let y: [Double] = [1, 3, 2, 5, 4]
    let m = PlotMatrix(rows: 3, cols: 4, values: (0..<12).map { Double($0 % 5) })
    switch kind {
    case "line": f.plot(x, y, label: "curve", marker: "o")
    case "scatter": f.scatter(x, y, label: "points")
    case "errorbar": f.errorbar(x, y, [0.2, 0.3, 0.1, 0.4, 0.2], label: "sim")
    case "band": f.band(x, y.map { $0 - 1 }, y.map { $0 + 1 }, label: "spread")
    case "hist": f.hist([1, 2, 2, 3, 3, 3, 4], bins: 4, density: true, label: "counts")
    case "heatmap": f.heatmap(m, colorbarLabel: "value")
    case "contour": f.contour(m, levels: .count(3), label: "levels")
    default: f.text(1, 2, "note $\\alpha$")
    }
    f.xlabel("abscissa")
    f.ylabel("ordinate")
    return f
  }

  static let cases = kinds.flatMap { k in OutputFormat.allCases.map { (k, $0) } }

  @Test("every kind renders to every format", arguments: cases)
  func renders(_ kind: String, _ format: OutputFormat) throws {
    let path = "\(Self.directory)/\(kind).\(format.rawValue)"
    try? FileManager.default.removeItem(atPath: path)
    _ = try Renderer.render(Self.figure(kind), to: path, dpi: 60)
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(data.count > 200)
    switch format {
    case .png:
      let (w, h) = try Self.pngSize(data)
      #expect(w == 180 && h == 120)
    case .svg:
      let text = String(decoding: data, as: UTF8.self)
      #expect(Self.parsesAsXML(data))
      #expect(text.contains("abscissa") && text.contains("ordinate"))
    case .pdf:
      #expect(data.starts(with: Data("%PDF".utf8)))
      #expect(try Self.pdfinfoSucceeds(path))
    case .eps:
      #expect(data.starts(with: Data("%!PS-Adobe".utf8)))
    }
  }

  @Test func pngSizeIsInchesTimesDpi() throws {
    let path = "\(Self.directory)/size.png"
    var f = Figure(width: 2.5, height: 1.5)
    f.plot([0, 1], [0, 1])
    _ = try Renderer.render(f, to: path, dpi: 200)
    let (w, h) = try Self.pngSize(Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(w == 500 && h == 300)
  }

  @Test func sameSpecGivesSameSVG() throws {
    let f = try Fixtures.paperFigure()
    let a = "\(Self.directory)/same-a.svg"
    let b = "\(Self.directory)/same-b.svg"
    _ = try Renderer.render(f, to: a)
    _ = try Renderer.render(f, to: b)
    let ta = try String(contentsOfFile: a, encoding: .utf8)
    let tb = try String(contentsOfFile: b, encoding: .utf8)
    #expect(ta == tb)
    #expect(ta.contains("Lines and markers") && ta.contains("(a)"))
  }

  @Test func badOutputsAreErrors() throws {
    var f = Figure()
    f.plot([0, 1], [0, 1])
    #expect(throws: PlotError.unsupportedFormat(path: "\(Self.directory)/a.jpg", found: "jpg")) {
      try Renderer.render(f, to: "\(Self.directory)/a.jpg")
    }
    #expect(throws: PlotError.unsupportedFormat(path: "\(Self.directory)/noext", found: "")) {
      try Renderer.render(f, to: "\(Self.directory)/noext")
    }
    #expect(
      throws: PlotError.unwritablePath(
        path: "/nonexistent-dir/a.png", reason: "the directory /nonexistent-dir does not exist")
    ) {
      try Renderer.render(f, to: "/nonexistent-dir/a.png")
    }
    let folder = "\(Self.directory)/folder.png"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    #expect(throws: PlotError.unwritablePath(path: folder, reason: "it is a directory")) {
      try Renderer.render(f, to: folder)
    }
    #expect(throws: PlotError.self) {
      try Renderer.render(f, to: "\(Self.directory)/a.png", dpi: 0)
    }
  }

  @Test func badDataNeverReachesTheChild() {
    var f = Figure()
    f.plot([0, 1], [0])
    let path = "\(Self.directory)/never.png"
    #expect(throws: PlotError.self) { try Renderer.render(f, to: path) }
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test func childFailureBecomesRenderFailed() throws {
    let child = try Renderer.childExecutable()
    let p = Process()
    p.executableURL = URL(fileURLWithPath: child)
    p.arguments = ["\(Self.directory)/x.png", "png", "100"]
    let input = Pipe()
    let err = Pipe()
    p.standardInput = input
    p.standardError = err
    try p.run()
    try input.fileHandleForWriting.write(contentsOf: Data("not json".utf8))
    try input.fileHandleForWriting.close()
    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 1)
    #expect(message.contains("expected a figure"))
  }

  // MARK: Helpers

  /// Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian).
  static func pngSize(_ data: Data) throws -> (Int, Int) {
    let bytes = [UInt8](data.prefix(24))
    try #require(
      bytes.count == 24 && bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    try #require(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
    func be(_ k: Int) -> Int { bytes[k..<k + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (be(16), be(20))
  }

  static func parsesAsXML(_ data: Data) -> Bool {
    let parser = XMLParser(data: data)
    return parser.parse()
  }

  static func pdfinfoSucceeds(_ path: String) throws -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/pdfinfo")
    p.arguments = [path]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus == 0
  }
}

@Suite("Figure check", .serialized)
struct FigureCheck {
  /// The 2×2 paper figure, written where a person can look at it.
  @Test func paperFigure() throws {
    let warnings = try Renderer.render(
      try Fixtures.paperFigure(), to: "/tmp/figure-check.png", dpi: 200)
    #expect(warnings.isEmpty, "\(warnings)")
    let (w, h) = try RenderTests.pngSize(
      Data(contentsOf: URL(fileURLWithPath: "/tmp/figure-check.png")))
    #expect(w == 1400 && h == 1000)
  }
}
