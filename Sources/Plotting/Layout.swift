import Foundation

/// Text sizes in millimetres on the page, and width estimates for DejaVu Sans.
struct TextMetrics {
  /// Font size (em), millimetres.
  var em: Double

  init(style: FigureStyle) { em = style.fontSize * 25.4 / 72 }

  /// PLplot's character height for this font size. PLplot's cairo drivers draw text at a
  /// font size about 1.357 times the character height set with `plschr` (measured from
  /// the glyph outlines in svgcairo output), so the height is the em divided by that.
  var plplotCharHeight: Double { em / 1.357 }

  /// Estimated advance width of translated label text, millimetres: 0.62 em per visible
  /// character (DejaVu Sans digits are 0.636 em, lower-case letters 0.55–0.65 em),
  /// 0.7 of that inside super- and subscripts.
  func width(of translated: String) -> Double {
    var w = 0.0
    var level = 0
    var k = translated.startIndex
    while k < translated.endIndex {
      let c = translated[k]
      var next = translated.index(after: k)
      if c == "#", next < translated.endIndex {
        let e = translated[next]
        if e == "u" || e == "d" {
          level += e == "u" ? 1 : -1
          k = translated.index(after: next)
          continue
        }
        if e == "<" {
          next =
            translated[next...].firstIndex(of: ">").map { translated.index(after: $0) }
            ?? translated.endIndex
          k = next
          continue
        }
        next = translated.index(after: next)
      }
      w += 0.62 * em * (level == 0 ? 1 : 0.7)
      k = next
    }
    return w
  }
}

/// Axis ticks chosen in Swift so label widths are known before drawing.
struct Ticks: Equatable {
  /// Major tick interval in world units (decades on a log axis).
  var step: Double
  /// The major tick labels as PLplot will print them.
  var labels: [String]

  /// Steps of 1, 2, 2.5 and 5 times a power of ten: the smallest step giving at most
  /// `maxCount` ticks in `[low, high]`. On a log axis the step is a whole number of
  /// decades from 1, 2, 3, 5, 10, 20.
  static func choose(low: Double, high: Double, log: Bool, maxCount: Int) -> Ticks {
    let span = high - low
    let limit = max(2, maxCount)
    if log {
      var step = 1.0
      for s in [1.0, 2, 3, 5, 10, 20, 50, 100] {
        step = s
        if count(low, high, s) <= limit { break }
      }
      let labels = values(low, high, step).map { "10" + superscriptText(Int($0.rounded())) }
      return Ticks(step: step, labels: labels)
    }
    let raw = span / Double(limit)
    let p = pow(10, floor(log10(raw)))
    var step = 10 * p
    for m in [1.0, 2, 2.5, 5, 10] where m * p >= raw * (1 - 1e-9) {
      step = m * p
      if count(low, high, step) <= limit { break }
    }
    let decimals = Self.decimals(step)
    let labels = values(low, high, step).map { v -> String in
      let s = String(format: "%.\(decimals)f", abs(v) < step * 1e-9 ? 0 : v)
      return s
    }
    return Ticks(step: step, labels: labels)
  }

  /// Digits after the point needed to print multiples of `step` exactly.
  static func decimals(_ step: Double) -> Int {
    for d in 0...8 {
      let scaled = step * pow(10, Double(d))
      if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return d }
    }
    return 8
  }

  static func values(_ low: Double, _ high: Double, _ step: Double) -> [Double] {
    let first = (low / step - 1e-9).rounded(.up)
    let last = (high / step + 1e-9).rounded(.down)
    guard first <= last, last - first < 1000 else { return [] }
    return stride(from: first, through: last, by: 1).map { $0 * step }
  }

  static func count(_ low: Double, _ high: Double, _ step: Double) -> Int {
    values(low, high, step).count
  }

  static func superscriptText(_ n: Int) -> String { "#u\(n < 0 ? "−" : "")\(abs(n))#d" }
}

/// Page geometry: where each panel's axes, colour bar and legend go, in millimetres.
enum Layout {
  /// Space between the page edge and anything drawn, millimetres.
  static let pagePad = 1.0

  /// Fills in `axes`, `colorbarBox`, tick choices and tick-label widths of every panel.
  /// Panels in one grid column share left/right margins and
  /// panels in one row share top/bottom margins so that axes line up.
  static func place(
    _ panels: inout [PreparedPanel], rows: Int, cols: Int, width: Double, height: Double,
    metrics m: TextMetrics
  ) {
    let f = m.em
    let cellW = width * 25.4 / Double(cols)
    let cellH = height * 25.4 / Double(rows)
    struct Margins {
      var left = 0.0
      var right = 0.0
      var top = 0.0
      var bottom = 0.0
    }
    var margins = [Margins](repeating: Margins(), count: panels.count)
    var yTicks = [Ticks]()
    for (k, p) in panels.enumerated() {
      var mg = Margins()
      mg.bottom = pagePad + 0.35 * f
      if p.showXTickLabels { mg.bottom += 1.55 * f }
      if p.showXTickLabels && !p.xlabel.isEmpty { mg.bottom += 1.25 * f }
      mg.top = pagePad + (p.title.isEmpty ? (p.letter == nil ? 0.6 * f : 1.5 * f) : 1.7 * f)
      let axesH = max(cellH - mg.top - mg.bottom, 5)
      let yt = Ticks.choose(
        low: p.ymin, high: p.ymax, log: p.ylog, maxCount: min(7, Int(axesH / (2.4 * f)) + 1))
      yTicks.append(yt)
      let tickW = yt.labels.map { m.width(of: $0) }.max() ?? 0
      panels[k].yTickLabelWidth = tickW
      mg.left = pagePad + 0.35 * f
      if p.showYTickLabels { mg.left += tickW + 0.6 * f }
      if p.showYTickLabels && !p.ylabel.isEmpty { mg.left += 1.45 * f }
      mg.right = pagePad + 0.9 * f
      if let cb = p.colorbar {
        let cbTicks = Ticks.choose(
          low: cb.zmin, high: cb.zmax, log: false, maxCount: min(7, Int(axesH / (2.4 * f)) + 1))
        let w = cbTicks.labels.map { m.width(of: $0) }.max() ?? 0
        panels[k].colorbarTicks = cbTicks
        panels[k].colorbarTickLabelWidth = w
        mg.right += 0.8 * f + 1.1 * f + 0.5 * f + w + (cb.label.isEmpty ? 0 : 1.45 * f)
      }
      if p.legendCorner == .outside {
        mg.right += 0.6 * f + legendSize(p.legend, m).width
      }
      margins[k] = mg
    }
    for k in panels.indices {
      let r = k / cols
      let c = k % cols
      let column = stride(from: c, to: panels.count, by: cols).map { margins[$0] }
      let row = (r * cols..<min((r + 1) * cols, panels.count)).map { margins[$0] }
      let left = column.map(\.left).max()!
      let right = column.map(\.right).max()!
      let top = row.map(\.top).max()!
      let bottom = row.map(\.bottom).max()!
      let x0 = Double(c) * cellW
      let yTop = height * 25.4 - Double(r) * cellH
      let axes = Box(
        x0: x0 + left, y0: yTop - cellH + bottom, x1: x0 + cellW - right, y1: yTop - top)
      panels[k].axes = axes
      panels[k].cellLeft = x0
      if panels[k].colorbar != nil {
        let bx = axes.x1 + 0.8 * f
        panels[k].colorbarBox = Box(x0: bx, y0: axes.y0, x1: bx + 1.1 * f, y1: axes.y1)
      }
    }
    for (k, p) in panels.enumerated() {
      let axesW = max(p.axes.width, 5)
      var maxX = 8
      var xt = Ticks.choose(low: p.xmin, high: p.xmax, log: p.xlog, maxCount: maxX)
      while maxX > 2 {
        let w = xt.labels.map { m.width(of: $0) }.max() ?? 0
        if Double(xt.labels.count) * (w + 1.2 * f) <= axesW { break }
        maxX -= 1
        xt = Ticks.choose(low: p.xmin, high: p.xmax, log: p.xlog, maxCount: maxX)
      }
      panels[k].xTicks = xt
      panels[k].yTicks = yTicks[k]
    }
  }

  /// Legend box size in millimetres: a padded column of rows, each a handle and a label.
  static func legendSize(_ entries: [LegendEntry], _ m: TextMetrics) -> (
    width: Double, height: Double
  ) {
    let f = m.em
    let textW = entries.map { m.width(of: $0.text) }.max() ?? 0
    return (2 * 0.5 * f + 2.0 * f + 0.6 * f + textW, 2 * 0.4 * f + Double(entries.count) * 1.35 * f)
  }

  /// The legend box for a corner of the axes (or outside), millimetres.
  static func legendBox(
    _ corner: LegendCorner, axes: Box, colorbar: Box?, colorbarExtra: Double,
    size: (width: Double, height: Double), metrics m: TextMetrics
  ) -> Box {
    let inset = 0.5 * m.em
    switch corner {
    case .upperRight:
      return Box(
        x0: axes.x1 - inset - size.width, y0: axes.y1 - inset - size.height, x1: axes.x1 - inset,
        y1: axes.y1 - inset)
    case .upperLeft:
      return Box(
        x0: axes.x0 + inset, y0: axes.y1 - inset - size.height, x1: axes.x0 + inset + size.width,
        y1: axes.y1 - inset)
    case .lowerLeft:
      return Box(
        x0: axes.x0 + inset, y0: axes.y0 + inset, x1: axes.x0 + inset + size.width,
        y1: axes.y0 + inset + size.height)
    case .lowerRight:
      return Box(
        x0: axes.x1 - inset - size.width, y0: axes.y0 + inset, x1: axes.x1 - inset,
        y1: axes.y0 + inset + size.height)
    case .outside:
      let x0 = (colorbar.map { $0.x1 + colorbarExtra } ?? axes.x1) + 0.6 * m.em
      return Box(x0: x0, y0: axes.y1 - size.height, x1: x0 + size.width, y1: axes.y1)
    }
  }

  /// How much data a legend box in each inside corner would cover, in the order upper
  /// right, upper left, lower left, lower right. Coverage is sampled: polylines every 0.4 %
  /// of the axes, markers and texts as points, polygons by their edges and by a 7 × 7 grid
  /// of the box tested for inclusion, images and contours by their whole extent (counted
  /// as 1000).
  static func cornerOverlaps(
    _ p: PreparedPanel, size: (width: Double, height: Double), metrics m: TextMetrics
  ) -> [(corner: LegendCorner, overlap: Int)] {
    let ax = p.axes
    func normalized(_ q: Point) -> Point {
      Point(
        x: (q.x - p.xmin) / (p.xmax - p.xmin),
        y: (q.y - p.ymin) / (p.ymax - p.ymin))
    }
    var samples = [Point]()
    var polygons = [[Point]]()
    var extents = [Box]()
    func addPolyline(_ pts: [Point]) {
      let n = pts.map(normalized)
      guard let first = n.first else { return }
      samples.append(first)
      for (a, b) in zip(n, n.dropFirst()) {
        let steps = min(2000, Int((hypot(b.x - a.x, b.y - a.y) / 0.004).rounded(.up)))
        for s in 1...max(1, steps) {
          let t = Double(s) / Double(max(1, steps))
          samples.append(Point(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t))
        }
      }
    }
    for item in p.items {
      switch item {
      case .line(let segments, _, _, _):
        segments.forEach(addPolyline)
      case .markers(let points, _, _, _, _):
        samples += points.map(normalized)
      case .errorbars(let x, let low, let high, _, _):
        for i in x.indices {
          addPolyline([
            Point(x: x[i], y: max(low[i], p.ymin)), Point(x: x[i], y: min(high[i], p.ymax)),
          ])
        }
      case .fill(let polys, _, _):
        for poly in polys {
          addPolyline(poly + [poly[0]])
          polygons.append(poly.map(normalized))
        }
      case .image(_, let xe, let ye, _, _, _):
        let a = normalized(Point(x: xe.first!, y: ye.first!))
        let b = normalized(Point(x: xe.last!, y: ye.last!))
        extents.append(
          Box(x0: min(a.x, b.x), y0: min(a.y, b.y), x1: max(a.x, b.x), y1: max(a.y, b.y)))
      case .contour(_, let xs, let ys, _, _, _):
        let a = normalized(Point(x: xs.first!, y: ys.first!))
        let b = normalized(Point(x: xs.last!, y: ys.last!))
        extents.append(
          Box(x0: min(a.x, b.x), y0: min(a.y, b.y), x1: max(a.x, b.x), y1: max(a.y, b.y)))
      }
    }
    for t in p.texts { samples.append(normalized(Point(x: t.x, y: t.y))) }
    return [LegendCorner.upperRight, .upperLeft, .lowerLeft, .lowerRight].map { corner in
      let b = legendBox(corner, axes: ax, colorbar: nil, colorbarExtra: 0, size: size, metrics: m)
      // The box in normalised axes coordinates, grown by a small margin.
      let margin = 0.01
      let nb = Box(
        x0: (b.x0 - ax.x0) / ax.width - margin, y0: (b.y0 - ax.y0) / ax.height - margin,
        x1: (b.x1 - ax.x0) / ax.width + margin, y1: (b.y1 - ax.y0) / ax.height + margin)
      var overlap = samples.filter { q in
        q.x >= nb.x0 && q.x <= nb.x1 && q.y >= nb.y0 && q.y <= nb.y1
      }.count
      overlap +=
        1000
        * extents.filter { $0.x0 < nb.x1 && $0.x1 > nb.x0 && $0.y0 < nb.y1 && $0.y1 > nb.y0 }.count
      for i in 0...6 {
        for j in 0...6 {
          let q = Point(
            x: nb.x0 + nb.width * Double(i) / 6, y: nb.y0 + nb.height * Double(j) / 6)
          overlap += polygons.filter { contains($0, q) }.count
        }
      }
      return (corner, overlap)
    }
  }

  /// The "best" legend place: the first inside corner covering no data; else outside, right
  /// of the axes, when that leaves the axes at least 55 % of their width; else the inside
  /// corner covering the least data.
  static func bestCorner(
    _ p: PreparedPanel, size: (width: Double, height: Double), metrics m: TextMetrics
  ) -> LegendCorner {
    let overlaps = cornerOverlaps(p, size: size, metrics: m)
    if let free = overlaps.first(where: { $0.overlap == 0 }) { return free.corner }
    if size.width + 0.6 * m.em <= 0.45 * p.axes.width { return .outside }
    return overlaps.min { $0.overlap < $1.overlap }!.corner
  }

  /// Even–odd point-in-polygon test (ray casting).
  static func contains(_ poly: [Point], _ q: Point) -> Bool {
    var inside = false
    var j = poly.count - 1
    for i in poly.indices {
      let a = poly[i]
      let b = poly[j]
      if (a.y > q.y) != (b.y > q.y), q.x < (b.x - a.x) * (q.y - a.y) / (b.y - a.y) + a.x {
        inside.toggle()
      }
      j = i
    }
    return inside
  }
}
