/// A figure after validation: data dropped or log-transformed into world coordinates,
/// colours resolved, labels translated, limits and layout fixed. The PLplot backend draws
/// exactly this and decides nothing.
struct PreparedFigure {
  var width: Double
  var height: Double
  var style: FigureStyle
  var metrics: TextMetrics
  var panels: [PreparedPanel]
}

/// A point in world coordinates (log10 of the data on a log axis).
struct Point: Equatable {
  var x: Double
  var y: Double
}

/// A rectangle in millimetres on the page, origin bottom left.
struct Box: Equatable {
  var x0: Double
  var y0: Double
  var x1: Double
  var y1: Double

  var width: Double { x1 - x0 }
  var height: Double { y1 - y0 }
}

/// One primitive in a panel, in world coordinates. Widths and sizes are in points.
enum DrawItem {
  /// Polylines that break at dropped points.
  case line(segments: [[Point]], color: RGB, width: Double, dash: LineDash)
  case markers(points: [Point], shape: MarkerShape, size: Double, color: RGB, width: Double)
  /// Vertical bars from `low` to `high` at `x`; −inf means "from the bottom of the axes".
  case errorbars(x: [Double], low: [Double], high: [Double], color: RGB, width: Double)
  /// Filled polygons (bands, histogram bars).
  case fill(polygons: [[Point]], color: RGB, alpha: Double)
  /// A cell image: value `matrix[i, j]` fills `[xEdges[j], xEdges[j+1]] × [yEdges[i], yEdges[i+1]]`;
  /// non-finite cells are left blank.
  case image(
    matrix: PlotMatrix, xEdges: [Double], yEdges: [Double], map: Colormap, zmin: Double,
    zmax: Double)
  /// Contour lines of `matrix` over grid coordinates `xs` (columns) and `ys` (rows).
  case contour(
    matrix: PlotMatrix, xs: [Double], ys: [Double], levels: [Double], color: RGB, width: Double)
}

/// How one legend entry is drawn.
struct LegendEntry: Equatable {
  var text: String
  var color: RGB
  var dash: LineDash?
  var lineWidth: Double
  var marker: MarkerShape?
  var markerSize: Double
  /// A filled patch (bands, histograms) with this opacity instead of a line.
  var patchAlpha: Double?
}

/// Where a legend is drawn.
enum LegendCorner: Equatable {
  case upperRight
  case upperLeft
  case lowerLeft
  case lowerRight
  /// Right of the axes (and of any colour bar), top-aligned.
  case outside
}

/// A colour bar right of the axes.
struct ColorbarSpec {
  var map: Colormap
  var zmin: Double
  var zmax: Double
  var label: String
}

/// An annotation in world coordinates with translated text.
struct PreparedText {
  var x: Double
  var y: Double
  var text: String
  var color: RGB
}

struct PreparedPanel {
  /// 1-based panel number in reading order.
  var number: Int
  var xlog: Bool
  var ylog: Bool
  var xmin: Double
  var xmax: Double
  var ymin: Double
  var ymax: Double
  var items: [DrawItem]
  var texts: [PreparedText]
  var xlabel: String
  var ylabel: String
  var title: String
  var letter: String?
  var showXTickLabels: Bool
  var showYTickLabels: Bool
  var legend: [LegendEntry]
  var legendCorner: LegendCorner?
  var colorbar: ColorbarSpec?
  /// The axes box on the page, millimetres.
  var axes: Box
  /// The colour bar box, millimetres.
  var colorbarBox: Box?
  /// The legend box, millimetres.
  var legendBox: Box?
  /// Horizontal extent of y tick labels, millimetres (for placing the y label).
  var yTickLabelWidth: Double
  /// Horizontal extent of colour bar tick labels, millimetres.
  var colorbarTickLabelWidth: Double
  /// Left edge of the panel's grid cell, millimetres (panel letters align to it).
  var cellLeft: Double = 0
  var xTicks = Ticks(step: 1, labels: [])
  var yTicks = Ticks(step: 1, labels: [])
  var colorbarTicks = Ticks(step: 1, labels: [])
}
