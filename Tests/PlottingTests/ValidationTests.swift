import Foundation
import Testing

@testable import Plotting

@Suite("Validation before drawing")
struct ValidationTests {
  @Test func mismatchedLengths() {
    var f = Figure()
    f.plot([1, 2, 3], [1, 2])
    #expect(
      throws: PlotError.lengthMismatch(
        series: "panel 1, line series 1", expected: "y with 3 values like x", found: "2")
    ) {
      try f.validate()
    }
  }

  @Test func emptySeries() {
    var f = Figure()
    f.scatter([], [], label: "none")
    #expect(throws: PlotError.emptySeries(series: "panel 1, scatter series 1 \"none\"")) {
      try f.validate()
    }
  }

  @Test func nanIsAWarningAndAGap() throws {
    var f = Figure()
    f.plot([1, 2, 3, 4], [1, .nan, 3, 4])
    #expect(try f.validate() == [.droppedNonFinite(series: "panel 1, line series 1", count: 1)])
    let p = try f.prepared().figure.panels[0]
    guard case .line(let segments, _, _, _) = p.items[0] else {
      Issue.record("expected a line")
      return
    }
    #expect(segments.map(\.count) == [1, 2])
  }

  @Test func noFinitePointsIsAnError() {
    var f = Figure()
    f.plot([1, 2], [.nan, .infinity])
    #expect(
      throws: PlotError.noFinitePoints(
        series: "panel 1, line series 1", reason: "all 2 points are NaN or infinite")
    ) {
      try f.validate()
    }
  }

  @Test func unknownNames() {
    var f = Figure()
    f.plot([1], [1], color: "chartreuse")
    #expect(throws: PlotError.unknownColor(series: "panel 1, line series 1", found: "chartreuse")) {
      try f.validate()
    }
    f = Figure()
    f.plot([1], [1], color: "C12")
    #expect(throws: PlotError.unknownColor(series: "panel 1, line series 1", found: "C12")) {
      try f.validate()
    }
    f = Figure()
    f.plot([1], [1], marker: "*")
    #expect(throws: PlotError.unknownMarker(series: "panel 1, line series 1", found: "*")) {
      try f.validate()
    }
    f = Figure()
    f.plot([1], [1], style: "~")
    #expect(throws: PlotError.unknownLineStyle(series: "panel 1, line series 1", found: "~")) {
      try f.validate()
    }
    f = Figure()
    f.heatmap(PlotMatrix(rows: 1, cols: 1, values: [1]), cmap: "jet")
    #expect(throws: PlotError.unknownColormap(series: "panel 1, heatmap series 1", found: "jet")) {
      try f.validate()
    }
    #expect(
      throws: PlotError.invalidOption(name: "scale", expected: "\"linear\" or \"log\"", found: "ln")
    ) {
      try f.xscale("ln")
    }
    #expect(throws: PlotError.self) { try f.legend("middle") }
  }

  @Test func colorSpellings() {
    #expect(ColorSpec.parse("C0") == RGB(0, 114, 178))
    #expect(ColorSpec.parse("#ff8000") == RGB(255, 128, 0))
    #expect(ColorSpec.parse("Black") == RGB(0, 0, 0))
    #expect(ColorSpec.parse("#ff80") == nil)
  }

  @Test func emptyHeatmap() {
    var f = Figure()
    f.heatmap(PlotMatrix(rows: 0, cols: 0, values: []))
    #expect(
      throws: PlotError.emptyMatrix(
        series: "panel 1, heatmap series 1", found: "0 × 0 with 0 values")
    ) {
      try f.validate()
    }
  }

  @Test func heatmapCoordinatesMustMatch() {
    var f = Figure()
    f.heatmap(PlotMatrix(rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6]), x: [0, 1])
    #expect(
      throws: PlotError.lengthMismatch(
        series: "panel 1, heatmap series 1", expected: "x with 3 values (one per matrix column)",
        found: "2")
    ) {
      try f.validate()
    }
  }

  @Test func badLimits() {
    var f = Figure()
    f.plot([1, 2], [1, 2])
    f.xlim(1, 0)
    #expect(throws: PlotError.badLimits(panel: 1, axis: "x", found: "(1.0, 0.0)")) {
      try f.validate()
    }
    f.xlim(0, 1)
    f.xscale(.log)
    #expect(throws: PlotError.badLimits(panel: 1, axis: "x (log)", found: "(0.0, 1.0)")) {
      try f.validate()
    }
    f.ylim(.nan, 1)
    f.xscale(.linear)
    #expect(throws: PlotError.badLimits(panel: 1, axis: "y", found: "(nan, 1.0)")) {
      try f.validate()
    }
  }

  @Test func logAxisDropsNonPositiveWithOneWarning() throws {
    var f = Figure()
    f.plot([-1, 0, 1, 10, 100], [1, 2, 3, 4, 5])
    f.yscale(.log)
    f.xscale(.log)
    let w = try f.validate()
    #expect(w == [.droppedNonPositive(series: "panel 1, line series 1", axis: "x", count: 2)])
    #expect(w[0].description.contains("dropped 2 points"))
    let p = try f.prepared().figure.panels[0]
    #expect(abs(p.xmin + 0.1) < 1e-12 && abs(p.xmax - 2.1) < 1e-12)
  }

  @Test func logAxisWithNothingPositiveIsAnError() {
    var f = Figure()
    f.plot([1, 2], [-1, 0])
    f.yscale(.log)
    #expect(throws: PlotError.self) { try f.validate() }
  }

  @Test func badNumbers() {
    var f = Figure()
    f.band([1, 2], [0, 0], [1, 1], alpha: 1.5)
    #expect(
      throws: PlotError.invalidValue(
        context: "panel 1, band series 1", expected: "alpha in (0, 1]", found: "1.5")
    ) {
      try f.validate()
    }
    f = Figure()
    f.hist([1, 2, 3], bins: 0)
    #expect(
      throws: PlotError.invalidValue(
        context: "panel 1, hist series 1", expected: "bins from 1 to 10000", found: "0")
    ) {
      try f.validate()
    }
    f = Figure()
    f.errorbar([1, 2], [1, 2], [0.1, -0.1])
    #expect(
      throws: PlotError.invalidValue(
        context: "panel 1, errorbar series 1", expected: "yerr ≥ 0", found: "-0.1")
    ) {
      try f.validate()
    }
    f = Figure(width: 0, height: 4)
    #expect(throws: PlotError.self) { try f.validate() }
  }

  @Test func subplotIndices() throws {
    var f = Figure()
    #expect(
      throws: PlotError.invalidValue(
        context: "subplot(2, 2, …)", expected: "an index from 1 to 4", found: "5")
    ) {
      try f.subplot(2, 2, 5)
    }
    try f.subplot(2, 2, 4)
    f.plot([1], [1])
    #expect(f.panels.count == 4 && f.panels[3].series.count == 1)
    #expect(throws: PlotError.self) { try f.subplot(1, 2, 1) }
  }

  @Test func histogramMatchesNumpy() {
    // numpy.histogram([0, 1, 1, 2, 3], bins=3) → counts [1, 2, 2], edges [0, 1, 2, 3].
    let h = Histogram(values: [0, 1, 1, 2, 3], bins: 3, density: false)
    #expect(h.edges == [0, 1, 2, 3])
    #expect(h.heights == [1, 2, 2])
    let d = Histogram(values: [0, 1, 1, 2, 3], bins: 3, density: true)
    let area = zip(d.heights, zip(d.edges, d.edges.dropFirst())).map { $0 * ($1.1 - $1.0) }.reduce(
      0, +)
    #expect(abs(area - 1) < 1e-12)
  }

  @Test func legendAvoidsData() throws {
    var f = Figure(width: 4, height: 3)
    let x = (0...20).map { Double($0) / 20 }
    f.plot(x, x, label: "rising")
    let corner = try f.prepared().figure.panels[0].legendCorner
    #expect(corner == .upperLeft)
    var g = Figure(width: 4, height: 3)
    g.band(x, x.map { _ in 0 }, x.map { _ in 1 }, label: "everywhere")
    #expect(try g.validate() == [.legendMovedOutside(panel: 1)])
    #expect(try g.prepared().figure.panels[0].legendCorner == .outside)
  }

  @Test func sharedAxesUnionRangesAndHideInnerLabels() throws {
    var f = Figure()
    f.shareX = true
    try f.subplot(2, 1, 1)
    f.plot([0, 1], [0, 1])
    f.xlabel("top")
    try f.subplot(2, 1, 2)
    f.plot([0, 3], [0, 1])
    f.xlabel("bottom")
    let panels = try f.prepared().figure.panels
    #expect(panels[0].xmin == panels[1].xmin && panels[0].xmax == panels[1].xmax)
    #expect(panels[0].xmax > 3)
    #expect(!panels[0].showXTickLabels && panels[1].showXTickLabels)
    #expect(panels[0].xlabel.isEmpty && panels[1].xlabel == "bottom")
  }

  @Test func canonicalJSONIsStableAndRoundTrips() throws {
    var f = try Fixtures.paperFigure()
    f.plot([1, 2], [.nan, 0.1])
    let a = f.canonicalJSON()
    #expect(a == f.canonicalJSON())
    #expect(a.hasPrefix("{\"cols\":2,\"current\":3,"))
    #expect(a.contains("\"nan\""))
    let back = try Figure(json: a)
    #expect(back.canonicalJSON() == a)
    var g = f
    g.title("changed")
    #expect(g.canonicalJSON() != a)
    #expect(throws: PlotError.self) { try Figure(json: "{}") }
  }

  /// The binary layout sent to the render child gives back the same figure (data arrays as
  /// blocks, a NaN-holding array as JSON); figure JSON is still accepted; a truncated block
  /// is an error.
  @Test func figureWireRoundTrips() throws {
    var f = try Fixtures.paperFigure()
    var plain = f
    plain.plot([1, 2, 3], [0.25, 0.1, 1e-300])
    #expect(try FigureWire.decode(FigureWire.encode(plain)) == plain)
    f.plot([1, 2, 3], [.nan, 0.1, -0.0])
    let data = FigureWire.encode(f)
    #expect(data.starts(with: FigureWire.magic))
    // NaN ≠ NaN, so the figures are compared through their canonical JSON.
    #expect(try FigureWire.decode(data).canonicalJSON() == f.canonicalJSON())
    #expect(
      try FigureWire.decode(Data(f.canonicalJSON().utf8)).canonicalJSON() == f.canonicalJSON())
    #expect(throws: PlotError.self) { try FigureWire.decode(data.dropLast(4)) }
  }

  /// The spec hash depends only on the figure: equal figures hash alike, a change of a
  /// number beyond 32 significant bits does not move it, a visible change does.
  @Test func specHashIgnoresLastBitsOnly() throws {
    let f = try Fixtures.paperFigure()
    var g = f
    g.plot([1, 2], [0.5, 1])
    var h = f
    h.plot([1, 2], [0.5, 1 + 1e-15])
    var k = f
    k.plot([1, 2], [0.5, 1.001])
    #expect(f.specHash() == f.specHash())
    #expect(g.specHash() == h.specHash())
    #expect(g.specHash() != k.specHash())
    #expect(g.specHash() != f.specHash())
  }
}
