import Foundation

/// Turns one `Panel` into a `PreparedPanel`: checks every series, drops non-finite and (on
/// log axes) non-positive points with one warning per series and reason, applies log10,
/// resolves colours from the cycle, and fixes the axis limits.
struct PanelPreparer {
  let panel: Panel
  let number: Int
  let style: FigureStyle
  var warnings = [PlotWarning]()
  var items = [DrawItem]()
  var legend = [LegendEntry]()
  var colorbar: ColorbarSpec?
  var cycleIndex = 0
  var xb = Bounds()
  var yb = Bounds()
  var xlog: Bool { panel.xscale == .log }
  var ylog: Bool { panel.yscale == .log }

  /// Running data extent on one axis (world units); a sticky side gets no padding.
  struct Bounds {
    var low = Double.infinity
    var high = -Double.infinity
    var stickyLow = false
    var stickyHigh = false
    var isEmpty: Bool { low > high }

    mutating func add(_ v: Double) {
      guard v.isFinite else { return }
      low = min(low, v)
      high = max(high, v)
    }
    mutating func addSticky(_ v: Double) {
      guard v.isFinite else { return }
      if v <= low { stickyLow = true }
      if v >= high { stickyHigh = true }
      add(v)
    }

    /// The range with 5 % padding on non-sticky sides (matplotlib's default margins);
    /// a degenerate range is widened by ±0.5 (±0.5 decade on a log axis). A log range
    /// holding fewer than two whole decades grows to the enclosing decades, so that it
    /// carries at least two labelled ticks.
    func range(log: Bool) -> ClosedRange<Double> {
      guard !isEmpty else { return 0...1 }
      if high - low <= 1e-12 * max(1, abs(low)) {
        return (low - 0.5)...(high + 0.5)
      }
      let pad = 0.05 * (high - low)
      var lo = stickyLow ? low : low - pad
      var hi = stickyHigh ? high : high + pad
      if log && floor(hi + 1e-9) - ceil(lo - 1e-9) < 1 {
        lo = floor(lo + 1e-9)
        hi = ceil(hi - 1e-9)
      }
      return lo...hi
    }
  }

  init(panel: Panel, number: Int, style: FigureStyle) {
    self.panel = panel
    self.number = number
    self.style = style
  }

  func ranges() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
    (xb.range(log: xlog), yb.range(log: ylog))
  }

  mutating func run() throws -> PreparedPanel {
    for (j, s) in panel.series.enumerated() {
      let ctx = "panel \(number), \(s.kind) series \(j + 1)" + (s.label.map { " \"\($0)\"" } ?? "")
      switch s {
      case .line(let l): try line(l, ctx)
      case .scatter(let sc): try scatter(sc, ctx)
      case .errorbar(let e): try errorbar(e, ctx)
      case .band(let b): try band(b, ctx)
      case .hist(let h): try hist(h, ctx)
      case .heatmap(let h): try heatmap(h, ctx)
      case .contour(let c): try contour(c, ctx)
      }
    }
    var texts = [PreparedText]()
    for (j, t) in panel.texts.enumerated() {
      let ctx = "panel \(number), text \(j + 1)"
      guard t.x.isFinite, t.y.isFinite, !xlog || t.x > 0, !ylog || t.y > 0 else {
        throw PlotError.invalidValue(
          context: ctx, expected: "finite coordinates (positive on a log axis)",
          found: "(\(t.x), \(t.y))")
      }
      let color = try t.color.map { try resolve($0, ctx) } ?? .black
      texts.append(
        PreparedText(
          x: xlog ? log10(t.x) : t.x, y: ylog ? log10(t.y) : t.y,
          text: TeXLabel.translate(t.text), color: color))
    }
    let x = try limits(panel.xlim, log: xlog, bounds: xb, axis: "x")
    let y = try limits(panel.ylim, log: ylog, bounds: yb, axis: "y")
    return PreparedPanel(
      number: number, xlog: xlog, ylog: ylog, xmin: x.lowerBound, xmax: x.upperBound,
      ymin: y.lowerBound, ymax: y.upperBound, items: items, texts: texts,
      xlabel: TeXLabel.translate(panel.xlabel), ylabel: TeXLabel.translate(panel.ylabel),
      title: TeXLabel.translate(panel.title), letter: nil, showXTickLabels: true,
      showYTickLabels: true, legend: panel.legend == .none ? [] : legend,
      legendCorner: corner(panel.legend), colorbar: colorbar,
      axes: Box(x0: 0, y0: 0, x1: 1, y1: 1), colorbarBox: nil, legendBox: nil,
      yTickLabelWidth: 0, colorbarTickLabelWidth: 0)
  }

  func corner(_ p: LegendPlacement) -> LegendCorner? {
    switch p {
    case .best, .none: return nil
    case .upperRight: return .upperRight
    case .upperLeft: return .upperLeft
    case .lowerLeft: return .lowerLeft
    case .lowerRight: return .lowerRight
    case .outside: return .outside
    }
  }

  func limits(_ lim: AxisLimits?, log: Bool, bounds: Bounds, axis: String) throws
    -> ClosedRange<Double>
  {
    guard let lim else { return bounds.range(log: log) }
    guard lim.low.isFinite, lim.high.isFinite, lim.low < lim.high, !log || lim.low > 0 else {
      throw PlotError.badLimits(
        panel: number, axis: axis + (log ? " (log)" : ""), found: "(\(lim.low), \(lim.high))")
    }
    return log ? log10(lim.low)...log10(lim.high) : lim.low...lim.high
  }

  // MARK: Shared checks

  mutating func color(_ spec: String?, _ ctx: String) throws -> RGB {
    if let spec { return try resolve(spec, ctx) }
    defer { cycleIndex += 1 }
    return ColorSpec.cycle[cycleIndex % ColorSpec.cycle.count]
  }

  func resolve(_ spec: String, _ ctx: String) throws -> RGB {
    guard let c = ColorSpec.parse(spec) else {
      throw PlotError.unknownColor(series: ctx, found: spec)
    }
    return c
  }

  func marker(_ code: String, _ ctx: String) throws -> MarkerShape? {
    guard let m = MarkerShape.parse(code) else {
      throw PlotError.unknownMarker(series: ctx, found: code)
    }
    return m
  }

  func dash(_ code: String, _ ctx: String) throws -> LineDash? {
    guard let d = LineDash.parse(code) else {
      throw PlotError.unknownLineStyle(series: ctx, found: code)
    }
    return d
  }

  func positive(_ v: Double, _ what: String, _ ctx: String, max: Double = 100) throws {
    guard v.isFinite, v > 0, v <= max else {
      throw PlotError.invalidValue(
        context: ctx, expected: "\(what) in (0, \(max.formatted()))", found: "\(v)")
    }
  }

  /// Checks lengths, then keeps the indices whose values are all finite (and positive on a
  /// log axis). Indices dropped in the middle break lines into segments.
  mutating func keep(
    _ ctx: String, x: [Double], columns: [(name: String, values: [Double], log: Bool)]
  ) throws -> [Bool] {
    guard !x.isEmpty else { throw PlotError.emptySeries(series: ctx) }
    for c in columns where c.values.count != x.count {
      throw PlotError.lengthMismatch(
        series: ctx, expected: "\(c.name) with \(x.count) values like x",
        found: "\(c.values.count)")
    }
    var nonFinite = 0
    var nonPositive = 0
    var axes = Set<String>()
    var mask = [Bool](repeating: true, count: x.count)
    let all = [(name: "x", values: x, log: xlog)] + columns
    for i in x.indices {
      if all.contains(where: { !$0.values[i].isFinite }) {
        nonFinite += 1
        mask[i] = false
        continue
      }
      for c in all where c.log && c.values[i] <= 0 {
        axes.insert(c.name == "x" ? "x" : "y")
        mask[i] = false
      }
      if !mask[i] { nonPositive += 1 }
    }
    if nonFinite > 0 { warnings.append(.droppedNonFinite(series: ctx, count: nonFinite)) }
    if nonPositive > 0 {
      warnings.append(
        .droppedNonPositive(
          series: ctx, axis: axes.sorted().joined(separator: " or "), count: nonPositive))
    }
    guard mask.contains(true) else {
      throw PlotError.noFinitePoints(
        series: ctx,
        reason: nonPositive > 0
          ? "\(nonFinite) non-finite and \(nonPositive) not positive on a log axis"
          : "all \(nonFinite) points are NaN or infinite")
    }
    return mask
  }

  func tx(_ v: Double) -> Double { xlog ? log10(v) : v }
  func ty(_ v: Double) -> Double { ylog ? log10(v) : v }

  /// Runs of kept indices, as world-coordinate polylines.
  func segments(_ mask: [Bool], _ x: [Double], _ y: [Double]) -> [[Point]] {
    var out = [[Point]]()
    var cur = [Point]()
    for i in x.indices {
      if mask[i] {
        cur.append(Point(x: tx(x[i]), y: ty(y[i])))
      } else if !cur.isEmpty {
        out.append(cur)
        cur = []
      }
    }
    if !cur.isEmpty { out.append(cur) }
    return out
  }

  mutating func addBounds(_ segs: [[Point]]) {
    for s in segs {
      for p in s {
        xb.add(p.x)
        yb.add(p.y)
      }
    }
  }

  // MARK: Series kinds

  mutating func line(_ s: LineSeries, _ ctx: String) throws {
    let d = try dash(s.style, ctx)
    let m = try marker(s.marker, ctx)
    if d == nil && m == nil {
      throw PlotError.invalidValue(
        context: ctx, expected: "a line style or a marker", found: "style \"\" and marker \"\"")
    }
    try positive(s.width, "a line width in points", ctx, max: 20)
    try positive(s.markerSize, "a marker size in points", ctx, max: 50)
    let c = try color(s.color, ctx)
    let mask = try keep(ctx, x: s.x, columns: [("y", s.y, ylog)])
    let segs = segments(mask, s.x, s.y)
    addBounds(segs)
    if let d { items.append(.line(segments: segs, color: c, width: s.width, dash: d)) }
    if let m {
      items.append(
        .markers(
          points: segs.flatMap { $0 }, shape: m, size: s.markerSize, color: c, width: s.width))
    }
    if let label = s.label {
      legend.append(
        LegendEntry(
          text: TeXLabel.translate(label), color: c, dash: d, lineWidth: s.width, marker: m,
          markerSize: s.markerSize, patchAlpha: nil))
    }
  }

  mutating func scatter(_ s: ScatterSeries, _ ctx: String) throws {
    guard let m = try marker(s.marker, ctx) else {
      throw PlotError.unknownMarker(series: ctx, found: s.marker)
    }
    try positive(s.size, "a marker size in points", ctx, max: 50)
    let c = try color(s.color, ctx)
    let mask = try keep(ctx, x: s.x, columns: [("y", s.y, ylog)])
    let pts = segments(mask, s.x, s.y).flatMap { $0 }
    addBounds([pts])
    items.append(.markers(points: pts, shape: m, size: s.size, color: c, width: style.lineWidth))
    if let label = s.label {
      legend.append(
        LegendEntry(
          text: TeXLabel.translate(label), color: c, dash: nil, lineWidth: style.lineWidth,
          marker: m, markerSize: s.size, patchAlpha: nil))
    }
  }

  mutating func errorbar(_ s: ErrorbarSeries, _ ctx: String) throws {
    let d = try dash(s.style, ctx)
    let m = try marker(s.marker, ctx)
    let c = try color(s.color, ctx)
    if let bad = s.yerr.first(where: { $0 < 0 }) {
      throw PlotError.invalidValue(context: ctx, expected: "yerr ≥ 0", found: "\(bad)")
    }
    let mask = try keep(ctx, x: s.x, columns: [("y", s.y, ylog), ("yerr", s.yerr, false)])
    var xs = [Double]()
    var lo = [Double]()
    var hi = [Double]()
    for i in s.x.indices where mask[i] {
      xs.append(tx(s.x[i]))
      let l = s.y[i] - s.yerr[i]
      lo.append(ylog ? (l > 0 ? log10(l) : -.infinity) : l)
      hi.append(ty(s.y[i] + s.yerr[i]))
      xb.add(xs.last!)
      yb.add(lo.last!)
      yb.add(hi.last!)
    }
    let segs = segments(mask, s.x, s.y)
    let w = style.lineWidth * 0.8
    items.append(.errorbars(x: xs, low: lo, high: hi, color: c, width: w))
    if let d { items.append(.line(segments: segs, color: c, width: style.lineWidth, dash: d)) }
    if let m {
      items.append(
        .markers(points: segs.flatMap { $0 }, shape: m, size: style.markerSize, color: c, width: w))
    }
    if let label = s.label {
      legend.append(
        LegendEntry(
          text: TeXLabel.translate(label), color: c, dash: d, lineWidth: style.lineWidth,
          marker: m ?? .point, markerSize: style.markerSize, patchAlpha: nil))
    }
  }

  mutating func band(_ s: BandSeries, _ ctx: String) throws {
    guard s.alpha.isFinite, s.alpha > 0, s.alpha <= 1 else {
      throw PlotError.invalidValue(context: ctx, expected: "alpha in (0, 1]", found: "\(s.alpha)")
    }
    let c = try color(s.color, ctx)
    let mask = try keep(ctx, x: s.x, columns: [("lo", s.lo, ylog), ("hi", s.hi, ylog)])
    let low = segments(mask, s.x, s.lo)
    let high = segments(mask, s.x, s.hi)
    addBounds(low)
    addBounds(high)
    let polys = zip(low, high).map { l, h in l + h.reversed() }
    items.append(.fill(polygons: polys, color: c, alpha: s.alpha))
    if let label = s.label {
      legend.append(
        LegendEntry(
          text: TeXLabel.translate(label), color: c, dash: nil, lineWidth: 0, marker: nil,
          markerSize: 0, patchAlpha: s.alpha))
    }
  }

  mutating func hist(_ s: HistSeries, _ ctx: String) throws {
    guard (1...10_000).contains(s.bins) else {
      throw PlotError.invalidValue(
        context: ctx, expected: "bins from 1 to 10000", found: "\(s.bins)")
    }
    let c = try color(s.color, ctx)
    let mask = try keep(ctx, x: s.values, columns: [])
    let h = Histogram(
      values: zip(s.values, mask).filter(\.1).map(\.0), bins: s.bins, density: s.density)
    var polys = [[Point]]()
    for b in 0..<s.bins where h.heights[b] > 0 {
      let x0 = tx(h.edges[b])
      let x1 = tx(h.edges[b + 1])
      let top = ty(h.heights[b])
      let bottom = ylog ? -Double.infinity : 0
      polys.append([
        Point(x: x0, y: bottom), Point(x: x1, y: bottom), Point(x: x1, y: top),
        Point(x: x0, y: top),
      ])
      yb.add(top)
    }
    xb.addSticky(tx(h.edges.first!))
    xb.addSticky(tx(h.edges.last!))
    if !ylog { yb.addSticky(0) }
    items.append(.fill(polygons: polys, color: c, alpha: 0.75))
    if let label = s.label {
      legend.append(
        LegendEntry(
          text: TeXLabel.translate(label), color: c, dash: nil, lineWidth: 0, marker: nil,
          markerSize: 0, patchAlpha: 0.75))
    }
  }

  /// Checks a matrix and its grid coordinates; returns world coordinates of the cell centres.
  func grid(
    _ m: PlotMatrix, x: [Double]?, y: [Double]?, minimum: Int, _ ctx: String
  ) throws -> (xs: [Double], ys: [Double]) {
    guard m.rows >= minimum, m.cols >= minimum, m.values.count == m.rows * m.cols else {
      throw PlotError.emptyMatrix(
        series: ctx,
        found: "\(m.rows) × \(m.cols) with \(m.values.count) values"
          + (minimum > 1 ? " (at least \(minimum) × \(minimum) needed)" : ""))
    }
    func axis(_ c: [Double]?, _ n: Int, _ name: String, _ log: Bool) throws -> [Double] {
      let c = c ?? (0..<n).map(Double.init)
      guard c.count == n else {
        throw PlotError.lengthMismatch(
          series: ctx,
          expected: "\(name) with \(n) values (one per matrix \(name == "x" ? "column" : "row"))",
          found: "\(c.count)")
      }
      guard c.allSatisfy(\.isFinite), zip(c, c.dropFirst()).allSatisfy({ $0 < $1 }),
        !log || c[0] > 0
      else {
        throw PlotError.invalidValue(
          context: ctx,
          expected: "finite, strictly increasing \(name)" + (log ? ", all > 0 on a log axis" : ""),
          found: "\(c.prefix(6).map { "\($0)" }.joined(separator: ", "))\(c.count > 6 ? ", …" : "")"
        )
      }
      return log ? c.map(log10) : c
    }
    return (try axis(x, m.cols, "x", xlog), try axis(y, m.rows, "y", ylog))
  }

  /// Cell edges from centres: midpoints inside, mirrored half-steps at the ends; one cell
  /// gets width 1.
  static func edges(_ c: [Double]) -> [Double] {
    guard c.count > 1 else { return [c[0] - 0.5, c[0] + 0.5] }
    var e = [c[0] - (c[1] - c[0]) / 2]
    for (a, b) in zip(c, c.dropFirst()) { e.append((a + b) / 2) }
    e.append(c[c.count - 1] + (c[c.count - 1] - c[c.count - 2]) / 2)
    return e
  }

  mutating func heatmap(_ s: HeatmapSeries, _ ctx: String) throws {
    guard let map = Colormap.named(s.cmap) else {
      throw PlotError.unknownColormap(series: ctx, found: s.cmap)
    }
    let g = try grid(s.matrix, x: s.x, y: s.y, minimum: 1, ctx)
    let finite = s.matrix.values.filter(\.isFinite)
    guard var zmin = finite.min(), var zmax = finite.max() else {
      throw PlotError.noFinitePoints(series: ctx, reason: "every matrix value is NaN or infinite")
    }
    let bad = s.matrix.values.count - finite.count
    if bad > 0 { warnings.append(.droppedNonFinite(series: ctx, count: bad)) }
    if zmax - zmin <= 1e-12 * max(1, abs(zmin)) {
      zmin -= 0.5
      zmax += 0.5
    }
    let xe = Self.edges(g.xs)
    let ye = Self.edges(g.ys)
    for v in [xe.first!, xe.last!] { xb.addSticky(v) }
    for v in [ye.first!, ye.last!] { yb.addSticky(v) }
    items.append(.image(matrix: s.matrix, xEdges: xe, yEdges: ye, map: map, zmin: zmin, zmax: zmax))
    if s.colorbar {
      colorbar = ColorbarSpec(
        map: map, zmin: zmin, zmax: zmax, label: TeXLabel.translate(s.colorbarLabel ?? ""))
    }
  }

  mutating func contour(_ s: ContourSeries, _ ctx: String) throws {
    let g = try grid(s.matrix, x: s.x, y: s.y, minimum: 2, ctx)
    guard s.matrix.values.allSatisfy(\.isFinite) else {
      throw PlotError.invalidValue(
        context: ctx, expected: "finite matrix values for contouring",
        found: "\(s.matrix.values.filter { !$0.isFinite }.count) NaN or infinite")
    }
    try positive(s.width, "a line width in points", ctx, max: 20)
    let c = try s.color.map { try resolve($0, ctx) } ?? .black
    let zmin = s.matrix.values.min()!
    let zmax = s.matrix.values.max()!
    let levels: [Double]
    switch s.levels {
    case .count(let n):
      guard (1...100).contains(n) else {
        throw PlotError.invalidValue(context: ctx, expected: "1 to 100 levels", found: "\(n)")
      }
      levels = (1...n).map { zmin + (zmax - zmin) * Double($0) / Double(n + 1) }
    case .values(let v):
      guard !v.isEmpty, v.allSatisfy(\.isFinite) else {
        throw PlotError.invalidValue(
          context: ctx, expected: "at least one finite contour level", found: "\(v)")
      }
      levels = v.sorted()
    }
    for v in [g.xs.first!, g.xs.last!] { xb.addSticky(v) }
    for v in [g.ys.first!, g.ys.last!] { yb.addSticky(v) }
    items.append(
      .contour(matrix: s.matrix, xs: g.xs, ys: g.ys, levels: levels, color: c, width: s.width))
    if let label = s.label {
      legend.append(
        LegendEntry(
          text: TeXLabel.translate(label), color: c, dash: .solid, lineWidth: s.width, marker: nil,
          markerSize: 0, patchAlpha: nil))
    }
  }
}
