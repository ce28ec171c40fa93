import Foundation

extension Figure {
  /// Checks the whole figure before any drawing: sizes, lengths, values, colours, markers,
  /// line styles, colour maps, limits and log axes. Throws the first error found; returns
  /// the warnings (dropped points, a legend moved outside) that rendering would report.
  public func validate() throws -> [PlotWarning] {
    try prepared().warnings
  }

  /// The validated figure in world coordinates with its layout, and the warnings.
  func prepared() throws -> (figure: PreparedFigure, warnings: [PlotWarning]) {
    guard width.isFinite, height.isFinite, (0.5...50).contains(width), (0.5...50).contains(height)
    else {
      throw PlotError.invalidValue(
        context: "figure", expected: "width and height between 0.5 and 50 inches",
        found: "\(width) × \(height)")
    }
    guard panels.count == rows * cols else {
      throw PlotError.invalidValue(
        context: "figure", expected: "\(rows * cols) panels for a \(rows) × \(cols) grid",
        found: "\(panels.count)")
    }
    let metrics = TextMetrics(style: style)
    var warnings = [PlotWarning]()
    var out = [PreparedPanel]()
    var ranges = [(x: ClosedRange<Double>, y: ClosedRange<Double>)]()
    var letterIndex = 0
    for (k, panel) in panels.enumerated() where !panel.isEmpty {
      var prep = PanelPreparer(panel: panel, number: k + 1, style: style)
      var p = try prep.run()
      warnings += prep.warnings
      if panelLetters {
        p.letter = "(\(Character(UnicodeScalar(UInt8(97 + letterIndex % 26)))))"
        letterIndex += 1
      }
      ranges.append(prep.ranges())
      out.append(p)
    }
    try shareAxes(&out, ranges)
    var placed = out
    for (k, p) in placed.enumerated() {
      let r = (p.number - 1) / cols
      let c = (p.number - 1) % cols
      if shareX { placed[k].showXTickLabels = !hasPanelBelow(r, c) }
      if shareY { placed[k].showYTickLabels = c == 0 || !hasPanelLeft(r, c) }
      if !placed[k].showXTickLabels { placed[k].xlabel = "" }
      if !placed[k].showYTickLabels { placed[k].ylabel = "" }
    }
    let full = fullGrid(placed)
    var grid = full
    Layout.place(&grid, rows: rows, cols: cols, width: width, height: height, metrics: metrics)
    var moved = false
    for k in grid.indices where grid[k].panelIndexIsReal && !grid[k].legend.isEmpty {
      let size = Layout.legendSize(grid[k].legend, metrics)
      if grid[k].legendCorner == nil {
        let corner = Layout.bestCorner(grid[k], size: size, metrics: metrics)
        grid[k].legendCorner = corner
        if corner == .outside {
          moved = true
          warnings.append(.legendMovedOutside(panel: grid[k].number))
        } else if Layout.cornerOverlaps(grid[k], size: size, metrics: metrics)
          .contains(where: { $0.corner == corner && $0.overlap > 0 })
        {
          warnings.append(.legendCoversData(panel: grid[k].number))
        }
      }
    }
    if moved || grid.contains(where: { $0.legendCorner == .outside }) {
      Layout.place(&grid, rows: rows, cols: cols, width: width, height: height, metrics: metrics)
    }
    for k in grid.indices where grid[k].panelIndexIsReal && !grid[k].legend.isEmpty {
      let size = Layout.legendSize(grid[k].legend, metrics)
      let cbExtra =
        0.5 * metrics.em + grid[k].colorbarTickLabelWidth
        + ((grid[k].colorbar?.label.isEmpty ?? true) ? 0 : 1.45 * metrics.em)
      grid[k].legendBox = Layout.legendBox(
        grid[k].legendCorner!, axes: grid[k].axes, colorbar: grid[k].colorbarBox,
        colorbarExtra: cbExtra, size: size, metrics: metrics)
    }
    let drawn = grid.filter(\.panelIndexIsReal)
    for p in drawn where p.axes.width < 10 || p.axes.height < 10 {
      throw PlotError.invalidValue(
        context: "panel \(p.number)",
        expected: "a figure large enough to leave axes of at least 10 × 10 mm",
        found: String(
          format: "%.1f × %.1f mm in a %g × %g in figure", p.axes.width, p.axes.height, width,
          height))
    }
    return (
      PreparedFigure(width: width, height: height, style: style, metrics: metrics, panels: drawn),
      warnings
    )
  }

  private func isUsed(_ r: Int, _ c: Int) -> Bool { !panels[r * cols + c].isEmpty }
  private func hasPanelBelow(_ r: Int, _ c: Int) -> Bool {
    (r + 1..<rows).contains { isUsed($0, c) }
  }
  private func hasPanelLeft(_ r: Int, _ c: Int) -> Bool { (0..<c).contains { isUsed(r, $0) } }

  /// Every grid cell as a panel (empty cells as placeholders) so layout sees the grid.
  private func fullGrid(_ drawn: [PreparedPanel]) -> [PreparedPanel] {
    (0..<(rows * cols)).map { k in
      drawn.first { $0.number == k + 1 } ?? PreparedPanel.placeholder(number: k + 1)
    }
  }

  /// Shared axes take the union of the panels' automatic ranges, or the first explicit
  /// limits set on any panel.
  private func shareAxes(
    _ out: inout [PreparedPanel], _ ranges: [(x: ClosedRange<Double>, y: ClosedRange<Double>)]
  ) throws {
    guard !out.isEmpty else { return }
    if shareX {
      guard Set(out.map(\.xlog)).count == 1 else {
        throw PlotError.invalidOption(
          name: "shared x axis", expected: "the same x scale in every panel",
          found: "linear and log")
      }
      let explicit = out.first { panels[$0.number - 1].xlim != nil }
      let lo = explicit?.xmin ?? ranges.map(\.x.lowerBound).min()!
      let hi = explicit?.xmax ?? ranges.map(\.x.upperBound).max()!
      for k in out.indices {
        out[k].xmin = lo
        out[k].xmax = hi
      }
    }
    if shareY {
      guard Set(out.map(\.ylog)).count == 1 else {
        throw PlotError.invalidOption(
          name: "shared y axis", expected: "the same y scale in every panel",
          found: "linear and log")
      }
      let explicit = out.first { panels[$0.number - 1].ylim != nil }
      let lo = explicit?.ymin ?? ranges.map(\.y.lowerBound).min()!
      let hi = explicit?.ymax ?? ranges.map(\.y.upperBound).max()!
      for k in out.indices {
        out[k].ymin = lo
        out[k].ymax = hi
      }
    }
  }
}

extension PreparedPanel {
  static func placeholder(number: Int) -> PreparedPanel {
    PreparedPanel(
      number: -number, xlog: false, ylog: false, xmin: 0, xmax: 1, ymin: 0, ymax: 1, items: [],
      texts: [], xlabel: "", ylabel: "", title: "", letter: nil, showXTickLabels: false,
      showYTickLabels: false, legend: [], legendCorner: nil, colorbar: nil,
      axes: Box(x0: 0, y0: 0, x1: 1, y1: 1), colorbarBox: nil, legendBox: nil,
      yTickLabelWidth: 0, colorbarTickLabelWidth: 0)
  }

  /// False for the placeholders standing in for empty grid cells during layout.
  var panelIndexIsReal: Bool { number > 0 }
}
