import Numerics

/// Text sizes and line weights: `paper` for a journal column, `slides` for a projector.
public enum FigureStyle: String, Codable, Equatable, Sendable, CaseIterable {
  case paper
  case slides

  /// Parses "paper" or "slides".
  public init(parsing text: String) throws {
    guard let s = FigureStyle(rawValue: text.lowercased()) else {
      throw PlotError.invalidOption(name: "style", expected: "\"paper\" or \"slides\"", found: text)
    }
    self = s
  }
}

/// A figure as a value: page size, style, a grid of panels and the panel being drawn on.
///
/// The methods mirror pyplot with an implied current panel (`subplot` selects it). Nothing
/// here checks data; `validate()` does, and the renderer calls it before drawing.
public struct Figure: Codable, Equatable, Sendable {
  /// Page width in inches.
  public var width: Double
  /// Page height in inches.
  public var height: Double
  public var style: FigureStyle
  /// Subplot grid.
  public private(set) var rows: Int = 1
  public private(set) var cols: Int = 1
  /// Panels in row-major order, `rows * cols` of them.
  public var panels: [Panel] = [Panel()]
  /// 0-based index of the current panel.
  public private(set) var current: Int = 0
  /// All panels share x limits; only the bottom row shows x tick labels and x labels.
  public var shareX: Bool = false
  /// All panels share y limits; only the left column shows y tick labels and y labels.
  public var shareY: Bool = false
  /// Label panels "(a)", "(b)", … in reading order.
  public var panelLetters: Bool = false

  /// `figure(width=6, height=4, style="paper")`; sizes in inches.
  public init(width: Double = 6, height: Double = 4, style: FigureStyle = .paper) {
    self.width = width
    self.height = height
    self.style = style
  }

  /// The panel that drawing calls go to.
  public var currentPanel: Panel {
    get { panels[current] }
    set { panels[current] = newValue }
  }

  /// `subplot(rows, cols, index)`: selects panel `index` (1-based, row-major) of a
  /// `rows × cols` grid. Changing the grid keeps existing panels in reading order.
  public mutating func subplot(_ rows: Int, _ cols: Int, _ index: Int) throws {
    guard (1...8).contains(rows), (1...8).contains(cols) else {
      throw PlotError.invalidValue(
        context: "subplot", expected: "1 to 8 rows and columns", found: "\(rows) × \(cols)")
    }
    guard (1...(rows * cols)).contains(index) else {
      throw PlotError.invalidValue(
        context: "subplot(\(rows), \(cols), …)", expected: "an index from 1 to \(rows * cols)",
        found: "\(index)")
    }
    if rows != self.rows || cols != self.cols {
      let used = panels.lastIndex { !$0.isEmpty }.map { $0 + 1 } ?? 0
      guard used <= rows * cols else {
        throw PlotError.invalidValue(
          context: "subplot", expected: "a grid with room for the \(used) panels already drawn",
          found: "\(rows) × \(cols)")
      }
      var resized = Array(panels.prefix(rows * cols))
      resized += Array(repeating: Panel(), count: rows * cols - resized.count)
      panels = resized
      self.rows = rows
      self.cols = cols
    }
    current = index - 1
  }

  // MARK: Series

  /// `plot(x, y, label=, style="-", marker="", color=, width=1.5)`.
  public mutating func plot(
    _ x: [Double], _ y: [Double], label: String? = nil, style: String = "-", marker: String = "",
    color: String? = nil, width: Double? = nil, markerSize: Double? = nil
  ) {
    currentPanel.series.append(
      .line(
        LineSeries(
          x: x, y: y, style: style, marker: marker, color: color,
          width: width ?? self.style.lineWidth, markerSize: markerSize ?? self.style.markerSize,
          label: label)))
  }

  public mutating func plot(
    _ x: Vector, _ y: Vector, label: String? = nil, style: String = "-", marker: String = "",
    color: String? = nil, width: Double? = nil, markerSize: Double? = nil
  ) {
    plot(
      x.elements, y.elements, label: label, style: style, marker: marker, color: color,
      width: width, markerSize: markerSize)
  }

  /// `scatter(x, y, size=4, marker="o", color=, label=)`; size is the marker diameter in points.
  public mutating func scatter(
    _ x: [Double], _ y: [Double], size: Double? = nil, marker: String = "o",
    color: String? = nil, label: String? = nil
  ) {
    currentPanel.series.append(
      .scatter(
        ScatterSeries(
          x: x, y: y, size: size ?? style.markerSize, marker: marker, color: color, label: label)))
  }

  public mutating func scatter(
    _ x: Vector, _ y: Vector, size: Double? = nil, marker: String = "o",
    color: String? = nil, label: String? = nil
  ) {
    scatter(x.elements, y.elements, size: size, marker: marker, color: color, label: label)
  }

  /// `errorbar(x, y, yerr, label=, marker="o", style="", color=)`: points with `y ± yerr`.
  public mutating func errorbar(
    _ x: [Double], _ y: [Double], _ yerr: [Double], label: String? = nil, marker: String = "o",
    style: String = "", color: String? = nil
  ) {
    currentPanel.series.append(
      .errorbar(
        ErrorbarSeries(
          x: x, y: y, yerr: yerr, marker: marker, style: style, color: color, label: label)))
  }

  public mutating func errorbar(
    _ x: Vector, _ y: Vector, _ yerr: Vector, label: String? = nil, marker: String = "o",
    style: String = "", color: String? = nil
  ) {
    errorbar(
      x.elements, y.elements, yerr.elements, label: label, marker: marker, style: style,
      color: color)
  }

  /// `band(x, lo, hi, alpha=0.3, color=, label=)`: the region between two curves.
  public mutating func band(
    _ x: [Double], _ lo: [Double], _ hi: [Double], alpha: Double = 0.3, color: String? = nil,
    label: String? = nil
  ) {
    currentPanel.series.append(
      .band(BandSeries(x: x, lo: lo, hi: hi, alpha: alpha, color: color, label: label)))
  }

  public mutating func band(
    _ x: Vector, _ lo: Vector, _ hi: Vector, alpha: Double = 0.3, color: String? = nil,
    label: String? = nil
  ) {
    band(x.elements, lo.elements, hi.elements, alpha: alpha, color: color, label: label)
  }

  /// `hist(v, bins=10, density=false, color=, label=)`.
  public mutating func hist(
    _ values: [Double], bins: Int = 10, density: Bool = false, color: String? = nil,
    label: String? = nil
  ) {
    currentPanel.series.append(
      .hist(HistSeries(values: values, bins: bins, density: density, color: color, label: label)))
  }

  public mutating func hist(
    _ values: Vector, bins: Int = 10, density: Bool = false, color: String? = nil,
    label: String? = nil
  ) {
    hist(values.elements, bins: bins, density: density, color: color, label: label)
  }

  /// `heatmap(M, x=xs, y=ys, cmap="viridis", colorbar=true)`: `M[i, j]` is drawn at
  /// `(x[j], y[i])`; `x`, `y` are cell centres.
  public mutating func heatmap(
    _ matrix: PlotMatrix, x: [Double]? = nil, y: [Double]? = nil, cmap: String = "viridis",
    colorbar: Bool = true, colorbarLabel: String? = nil
  ) {
    currentPanel.series.append(
      .heatmap(
        HeatmapSeries(
          matrix: matrix, x: x, y: y, cmap: cmap, colorbar: colorbar,
          colorbarLabel: colorbarLabel)))
  }

  public mutating func heatmap(
    _ matrix: Matrix, x: Vector? = nil, y: Vector? = nil, cmap: String = "viridis",
    colorbar: Bool = true, colorbarLabel: String? = nil
  ) {
    heatmap(
      PlotMatrix(matrix), x: x?.elements, y: y?.elements, cmap: cmap, colorbar: colorbar,
      colorbarLabel: colorbarLabel)
  }

  /// `contour(M, levels=10, x=, y=, color=, label=)`: `M[i, j]` is the value at `(x[j], y[i])`.
  public mutating func contour(
    _ matrix: PlotMatrix, x: [Double]? = nil, y: [Double]? = nil,
    levels: ContourLevels = .count(10), color: String? = nil, width: Double? = nil,
    label: String? = nil
  ) {
    currentPanel.series.append(
      .contour(
        ContourSeries(
          matrix: matrix, x: x, y: y, levels: levels, color: color,
          width: width ?? style.lineWidth * 0.6, label: label)))
  }

  public mutating func contour(
    _ matrix: Matrix, x: Vector? = nil, y: Vector? = nil, levels: ContourLevels = .count(10),
    color: String? = nil, width: Double? = nil, label: String? = nil
  ) {
    contour(
      PlotMatrix(matrix), x: x?.elements, y: y?.elements, levels: levels, color: color,
      width: width, label: label)
  }

  /// `text(x, y, "label")` at data coordinates.
  public mutating func text(_ x: Double, _ y: Double, _ text: String, color: String? = nil) {
    currentPanel.texts.append(TextAnnotation(x: x, y: y, text: text, color: color))
  }

  // MARK: Axes

  public mutating func xlabel(_ text: String) { currentPanel.xlabel = text }
  public mutating func ylabel(_ text: String) { currentPanel.ylabel = text }
  public mutating func title(_ text: String) { currentPanel.title = text }
  public mutating func xscale(_ scale: AxisScale) { currentPanel.xscale = scale }
  public mutating func yscale(_ scale: AxisScale) { currentPanel.yscale = scale }
  /// `xscale("log")`.
  public mutating func xscale(_ name: String) throws { xscale(try AxisScale(parsing: name)) }
  /// `yscale("log")`.
  public mutating func yscale(_ name: String) throws { yscale(try AxisScale(parsing: name)) }
  public mutating func xlim(_ low: Double, _ high: Double) {
    currentPanel.xlim = AxisLimits(low, high)
  }
  public mutating func ylim(_ low: Double, _ high: Double) {
    currentPanel.ylim = AxisLimits(low, high)
  }
  public mutating func legend(_ placement: LegendPlacement) { currentPanel.legend = placement }
  /// `legend("upper right")`.
  public mutating func legend(_ name: String) throws {
    legend(try LegendPlacement(parsing: name))
  }
}

extension FigureStyle {
  /// Font size of labels and tick labels, points.
  var fontSize: Double { self == .paper ? 8.5 : 14 }
  /// Default line width, points.
  var lineWidth: Double { self == .paper ? 1.25 : 2.25 }
  /// Width of the axes box and ticks, points.
  var axisWidth: Double { self == .paper ? 0.6 : 1.0 }
  /// Default marker diameter, points.
  var markerSize: Double { self == .paper ? 4 : 7 }
}
