/// Why a figure cannot be drawn. Every message says what was expected and what was found.
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Two arrays of one series differ in length.
  case lengthMismatch(series: String, expected: String, found: String)
  /// A series has no points at all.
  case emptySeries(series: String)
  /// A series has points but none of them is finite (or positive, on a log axis).
  case noFinitePoints(series: String, reason: String)
  /// A colour that is not `C0`…`C9`, `#rrggbb` or a known name.
  case unknownColor(series: String, found: String)
  /// A colour map that is not one of `Colormap.names`.
  case unknownColormap(series: String, found: String)
  /// A marker that is not one of `MarkerShape` codes.
  case unknownMarker(series: String, found: String)
  /// A line style that is not one of `LineDash` codes.
  case unknownLineStyle(series: String, found: String)
  /// A heatmap or contour matrix with no cells, or too few for its kind.
  case emptyMatrix(series: String, found: String)
  /// Axis limits that are not finite, not increasing, or not positive on a log axis.
  case badLimits(panel: Int, axis: String, found: String)
  /// A numeric option outside its allowed range (size, alpha, bins, dpi …).
  case invalidValue(context: String, expected: String, found: String)
  /// A named option (scale, style, legend place, subplot index …) not understood.
  case invalidOption(name: String, expected: String, found: String)
  /// The output extension is not one of pdf, png, svg, eps.
  case unsupportedFormat(path: String, found: String)
  /// The output file cannot be written (missing directory, no permission).
  case unwritablePath(path: String, reason: String)
  /// The render child failed; the message is its diagnostic.
  case renderFailed(String)

  public var description: String {
    switch self {
    case .lengthMismatch(let s, let expected, let found):
      return "\(s): expected \(expected), found \(found)"
    case .emptySeries(let s):
      return "\(s): expected at least one point, found an empty series"
    case .noFinitePoints(let s, let reason):
      return "\(s): expected at least one drawable point, found none (\(reason))"
    case .unknownColor(let s, let found):
      return
        "\(s): expected a colour C0…C9, #rrggbb or one of \(ColorSpec.namedList), found \"\(found)\""
    case .unknownColormap(let s, let found):
      return
        "\(s): expected a colour map \(Colormap.names.joined(separator: ", ")), found \"\(found)\""
    case .unknownMarker(let s, let found):
      return
        "\(s): expected a marker \(MarkerShape.codes.map { "\"\($0)\"" }.joined(separator: ", ")), found \"\(found)\""
    case .unknownLineStyle(let s, let found):
      return
        "\(s): expected a line style \(LineDash.codes.map { "\"\($0)\"" }.joined(separator: ", ")), found \"\(found)\""
    case .emptyMatrix(let s, let found):
      return "\(s): expected a matrix with at least one cell, found \(found)"
    case .badLimits(let panel, let axis, let found):
      return
        "panel \(panel): expected finite \(axis) limits with low < high (and low > 0 on a log axis), found \(found)"
    case .invalidValue(let context, let expected, let found):
      return "\(context): expected \(expected), found \(found)"
    case .invalidOption(let name, let expected, let found):
      return "\(name): expected \(expected), found \"\(found)\""
    case .unsupportedFormat(let path, let found):
      return
        "\(path): expected a file extension pdf, png, svg or eps, found \(found.isEmpty ? "none" : "\"\(found)\"")"
    case .unwritablePath(let path, let reason):
      return "cannot write \(path): \(reason)"
    case .renderFailed(let message):
      return "rendering failed: \(message)"
    }
  }
}

/// Something drawn differently from what was asked, reported but not fatal.
public enum PlotWarning: Equatable, Sendable, CustomStringConvertible {
  /// Points with NaN or ±inf were left out; lines break at them.
  case droppedNonFinite(series: String, count: Int)
  /// Points ≤ 0 on a log axis were left out.
  case droppedNonPositive(series: String, axis: String, count: Int)
  /// No corner was free of data, so the legend went outside the axes.
  case legendMovedOutside(panel: Int)
  /// No corner was free of data and there was no room outside: the legend covers some data.
  case legendCoversData(panel: Int)

  public var description: String {
    switch self {
    case .droppedNonFinite(let s, let n):
      return "\(s): dropped \(n) non-finite point\(n == 1 ? "" : "s") (NaN or inf), drawn as gaps"
    case .droppedNonPositive(let s, let axis, let n):
      return
        "\(s): dropped \(n) point\(n == 1 ? "" : "s") with \(axis) ≤ 0 that cannot be shown on a log \(axis) axis"
    case .legendMovedOutside(let p):
      return "panel \(p): every corner of the axes holds data, so the legend is drawn outside"
    case .legendCoversData(let p):
      return
        "panel \(p): every corner of the axes holds data and the panel is too narrow for an outside legend; the legend covers some data (use legend(\"outside\") or a wider figure)"
    }
  }
}
