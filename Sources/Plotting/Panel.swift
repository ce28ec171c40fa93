/// Linear or logarithmic (base 10) axis.
public enum AxisScale: String, Codable, Equatable, Sendable, CaseIterable {
  case linear
  case log

  /// Parses "linear" or "log".
  public init(parsing text: String) throws {
    guard let s = AxisScale(rawValue: text.lowercased()) else {
      throw PlotError.invalidOption(name: "scale", expected: "\"linear\" or \"log\"", found: text)
    }
    self = s
  }
}

/// Explicit axis limits in data units (before any log transform).
public struct AxisLimits: Codable, Equatable, Sendable {
  public var low: Double
  public var high: Double

  public init(_ low: Double, _ high: Double) {
    self.low = low
    self.high = high
  }
}

/// Where the legend goes. `best` picks the inside corner that covers the fewest data
/// points and moves outside (right of the axes) when every corner would cover data.
public enum LegendPlacement: String, Codable, Equatable, Sendable, CaseIterable {
  case best
  case upperRight = "upper right"
  case upperLeft = "upper left"
  case lowerLeft = "lower left"
  case lowerRight = "lower right"
  case outside
  case none

  /// Parses "best", "upper right", "upper left", "lower left", "lower right", "outside",
  /// "none".
  public init(parsing text: String) throws {
    guard let p = LegendPlacement(rawValue: text.lowercased()) else {
      throw PlotError.invalidOption(
        name: "legend",
        expected: LegendPlacement.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "),
        found: text)
    }
    self = p
  }
}

/// One set of axes: its series, labels, scales, limits and legend.
public struct Panel: Codable, Equatable, Sendable {
  public var series: [Series] = []
  public var texts: [TextAnnotation] = []
  public var xlabel: String = ""
  public var ylabel: String = ""
  public var title: String = ""
  public var xscale: AxisScale = .linear
  public var yscale: AxisScale = .linear
  public var xlim: AxisLimits?
  public var ylim: AxisLimits?
  public var legend: LegendPlacement = .best

  public init() {}

  /// True when nothing has been put in the panel.
  public var isEmpty: Bool { series.isEmpty && texts.isEmpty }
}
