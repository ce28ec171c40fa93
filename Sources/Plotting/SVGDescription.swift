import Foundation

/// Adds the figure's text as SVG `<title>` and `<desc>` elements. The cairo SVG surface
/// draws text as glyph outlines, so without these the file holds no searchable or
/// screen-readable words.
enum SVGDescription {
  static func add(to path: String, figure: PreparedFigure) throws {
    guard let svg = try? String(contentsOfFile: path, encoding: .utf8),
      let open = svg.range(of: "<svg"),
      let close = svg[open.upperBound...].firstIndex(of: ">")
    else {
      throw PlotError.renderFailed("expected an SVG document at \(path), found something else")
    }
    var lines = [String]()
    for p in figure.panels {
      let words =
        [p.letter ?? "", p.title, p.xlabel, p.ylabel, p.colorbar?.label ?? ""]
        + p.legend.map(\.text) + p.texts.map(\.text)
      lines += words.filter { !$0.isEmpty }.map(plainText)
    }
    let title = figure.panels.map(\.title).first { !$0.isEmpty }.map(plainText) ?? "Figure"
    let insert =
      "\n<title>\(escape(title))</title>\n<desc>\(escape(lines.joined(separator: "\n")))</desc>"
    var out = svg
    out.insert(contentsOf: insert, at: svg.index(after: close))
    try Data(out.utf8).write(to: URL(fileURLWithPath: path))
  }

  /// Translated label text without PLplot escapes.
  static func plainText(_ s: String) -> String {
    var out = ""
    var k = s.startIndex
    while k < s.endIndex {
      let next = s.index(after: k)
      if s[k] == "#", next < s.endIndex {
        switch s[next] {
        case "#": out.append("#")
        case "<":
          k = s[next...].firstIndex(of: ">").map { s.index(after: $0) } ?? s.endIndex
          continue
        default: break
        }
        k = s.index(after: next)
        continue
      }
      out.append(s[k])
      k = next
    }
    return out
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }
}
