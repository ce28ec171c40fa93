import Numerics

/// A matrix of values as a figure stores it: row-major, `values[i * cols + j]` is row `i`
/// (the y direction) and column `j` (the x direction), as in `pcolormesh(x, y, M)`.
public struct PlotMatrix: Codable, Equatable, Sendable {
  public var rows: Int
  public var cols: Int
  public var values: [Double]

  public init(rows: Int, cols: Int, values: [Double]) {
    self.rows = rows
    self.cols = cols
    self.values = values
  }

  public init(_ m: Matrix) { self.init(rows: m.rows, cols: m.cols, values: m.elements) }

  subscript(i: Int, j: Int) -> Double { values[i * cols + j] }
}

/// A curve: `plot(x, y, style:, marker:, color:, width:, label:)`.
public struct LineSeries: Codable, Equatable, Sendable {
  public var x: [Double]
  public var y: [Double]
  /// "-" solid, "--" dashed, ":" dotted, "-." dash-dot, "" no line.
  public var style: String
  /// "" none, or one of "o" "s" "^" "x" "+" ".".
  public var marker: String
  /// nil takes the next colour of the cycle.
  public var color: String?
  /// Line width in points.
  public var width: Double
  /// Marker size in points (the marker's diameter).
  public var markerSize: Double
  public var label: String?
}

/// Points without a line: `scatter(x, y, size:)`.
public struct ScatterSeries: Codable, Equatable, Sendable {
  public var x: [Double]
  public var y: [Double]
  /// Marker size in points (diameter).
  public var size: Double
  public var marker: String
  public var color: String?
  public var label: String?
}

/// Points with symmetric vertical error bars `y ± yerr`.
public struct ErrorbarSeries: Codable, Equatable, Sendable {
  public var x: [Double]
  public var y: [Double]
  public var yerr: [Double]
  public var marker: String
  public var style: String
  public var color: String?
  public var label: String?
}

/// A shaded region between `lo` and `hi`, e.g. mean ± sd over seeds.
public struct BandSeries: Codable, Equatable, Sendable {
  public var x: [Double]
  public var lo: [Double]
  public var hi: [Double]
  /// Opacity in (0, 1].
  public var alpha: Double
  public var color: String?
  public var label: String?
}

/// A histogram of `values` in `bins` equal bins over their range.
public struct HistSeries: Codable, Equatable, Sendable {
  public var values: [Double]
  public var bins: Int
  /// When true, bar heights are a density (total area 1).
  public var density: Bool
  public var color: String?
  public var label: String?
}

/// A colour image of a matrix over cell centres `x` (columns) and `y` (rows).
public struct HeatmapSeries: Codable, Equatable, Sendable {
  public var matrix: PlotMatrix
  /// Cell-centre coordinates of the columns; nil means 0, 1, …, cols−1.
  public var x: [Double]?
  /// Cell-centre coordinates of the rows; nil means 0, 1, …, rows−1.
  public var y: [Double]?
  /// One of `Colormap.names`.
  public var cmap: String
  public var colorbar: Bool
  public var colorbarLabel: String?
}

/// Contour levels: a count of evenly spaced interior levels, or explicit values.
public enum ContourLevels: Codable, Equatable, Sendable {
  case count(Int)
  case values([Double])
}

/// Contour lines of a matrix over grid coordinates `x` (columns) and `y` (rows).
public struct ContourSeries: Codable, Equatable, Sendable {
  public var matrix: PlotMatrix
  public var x: [Double]?
  public var y: [Double]?
  public var levels: ContourLevels
  /// nil draws the lines in black.
  public var color: String?
  public var width: Double
  public var label: String?
}

/// One thing drawn in a panel.
public enum Series: Codable, Equatable, Sendable {
  case line(LineSeries)
  case scatter(ScatterSeries)
  case errorbar(ErrorbarSeries)
  case band(BandSeries)
  case hist(HistSeries)
  case heatmap(HeatmapSeries)
  case contour(ContourSeries)

  /// The kind's name as the language calls it.
  public var kind: String {
    switch self {
    case .line: return "line"
    case .scatter: return "scatter"
    case .errorbar: return "errorbar"
    case .band: return "band"
    case .hist: return "hist"
    case .heatmap: return "heatmap"
    case .contour: return "contour"
    }
  }

  /// The legend label, if any.
  public var label: String? {
    switch self {
    case .line(let s): return s.label
    case .scatter(let s): return s.label
    case .errorbar(let s): return s.label
    case .band(let s): return s.label
    case .hist(let s): return s.label
    case .heatmap: return nil
    case .contour(let s): return s.label
    }
  }
}

/// Text at data coordinates `(x, y)`, left-aligned and vertically centred.
public struct TextAnnotation: Codable, Equatable, Sendable {
  public var x: Double
  public var y: Double
  public var text: String
  public var color: String?

  public init(x: Double, y: Double, text: String, color: String? = nil) {
    self.x = x
    self.y = y
    self.text = text
    self.color = color
  }
}
