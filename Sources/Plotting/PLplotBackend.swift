@preconcurrency import CPLplot
import Foundation

/// Draws a `PreparedFigure` with PLplot's cairo drivers. The only file that calls PLplot.
///
/// Runs in the `replica-render` child. Every argument was validated by `Figure.prepared()`;
/// the device and file are set before `plinit`, which would otherwise prompt on stdin.
enum PLplotBackend {
  /// cmap0 entries: 0 background, 1 axes and text, 15 the colour of the current primitive.
  private static let scratch: Int32 = 15

  /// Where a render goes: a file in one of the output formats, or an X window.
  enum Target {
    case file(path: String, format: OutputFormat)
    /// PLplot's `xcairo` device: a window on `$DISPLAY` named `title`, which stays open
    /// (in `plend`) until the user presses Enter or right-clicks in it, or closes it.
    case window(title: String)

    var device: String {
      switch self {
      case .file(_, let format): return format.device
      case .window: return "xcairo"
      }
    }

    /// Raster targets measure the page in pixels at `dpi`; vector formats in points.
    var isRaster: Bool {
      switch self {
      case .file(_, let format): return format.isRaster
      case .window: return true
      }
    }
  }

  static func draw(_ fig: PreparedFigure, to path: String, format: OutputFormat, dpi: Double) throws
  {
    try draw(fig, to: .file(path: path, format: format), dpi: dpi) {}
  }

  /// Draws `fig` to `target`; `beforeClose` runs when everything is drawn, just before
  /// `plend` (which, for a window, waits until the user closes it).
  static func draw(
    _ fig: PreparedFigure, to target: Target, dpi: Double, beforeClose: () -> Void
  ) throws {
    let devices = availableDevices()
    guard devices.contains(target.device) else {
      throw PlotError.renderFailed(
        "expected the PLplot device \(target.device) (install plplot-driver-cairo), found only \(devices.sorted().joined(separator: ", "))"
      )
    }
    // PLplot takes the cairo page as 72 units per inch: points for vector formats, and
    // for PNG pixels, so a physical millimetre is dpi/72 PLplot millimetres there.
    let s = target.isRaster ? dpi / 72 : 1
    let pageW = Int32((fig.width * 72 * s).rounded())
    let pageH = Int32((fig.height * 72 * s).rounded())
    c_plsdev(target.device)
    switch target {
    case .file(let path, _): c_plsfnam(path)
    case .window(let title): _ = c_plsetopt("plwindow", title)
    }
    c_plscmap0n(16)
    c_plscol0(0, 255, 255, 255)
    c_plscol0(1, 0, 0, 0)
    c_plspage(0, 0, pageW, pageH, 0, 0)
    c_plsfci(0x8000_0000)
    c_plinit()
    c_pladv(0)
    c_plfontld(1)
    var ctx = Context(fig: fig, s: s)
    for p in fig.panels { ctx.drawPanel(p) }
    beforeClose()
    c_plend()
  }

  static func availableDevices() -> Set<String> {
    let capacity = 100
    let menu = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: capacity)
    let names = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: capacity)
    defer {
      menu.deallocate()
      names.deallocate()
    }
    var menuPtr: UnsafeMutablePointer<UnsafePointer<CChar>?>? = menu
    var namePtr: UnsafeMutablePointer<UnsafePointer<CChar>?>? = names
    var n = Int32(capacity)
    plgDevs(&menuPtr, &namePtr, &n)
    return Set((0..<Int(n)).compactMap { names[$0].map { String(cString: $0) } })
  }

  /// Sizes for one render: `s` converts physical millimetres to PLplot millimetres.
  private struct Context {
    let fig: PreparedFigure
    let s: Double
    var em: Double { fig.metrics.em }
    var chr: Double { fig.metrics.plplotCharHeight }
    var pageW: Double { fig.width * 25.4 }
    var pageH: Double { fig.height * 25.4 }

    func setColor(_ c: RGB, alpha: Double = 1) {
      c_plscol0a(scratch, Int32(c.r), Int32(c.g), Int32(c.b), alpha)
      c_plcol0(scratch)
    }

    func setWidth(_ points: Double) { c_plwidth(points * s) }

    func setDash(_ d: LineDash, width: Double) {
      let unit = max(width, 0.7) * 25.4 / 72 * 1000 * s
      let p = d.pattern.map { Int32(($0 * unit).rounded()) }
      if p.isEmpty {
        c_pllsty(1)
        return
      }
      var mark = stride(from: 0, to: p.count, by: 2).map { p[$0] }
      var space = stride(from: 1, to: p.count, by: 2).map { p[$0] }
      c_plstyl(Int32(mark.count), &mark, &space)
    }

    /// Sets the text height to `scale` times the style's size.
    func setText(_ scale: Double = 1) { c_plschr(chr * s, scale) }

    /// Viewport from a page box in millimetres, with a world window.
    func viewport(_ b: Box, _ x0: Double, _ x1: Double, _ y0: Double, _ y1: Double) {
      c_plvpor(b.x0 / pageW, b.x1 / pageW, b.y0 / pageH, b.y1 / pageH)
      c_plwind(x0, x1, y0, y1)
    }

    func polyline(_ pts: [Point]) {
      guard pts.count > 1 else { return }
      var x = pts.map(\.x)
      var y = pts.map(\.y)
      c_plline(Int32(pts.count), &x, &y)
    }

    func fill(_ pts: [Point]) {
      guard pts.count > 2 else { return }
      var x = pts.map(\.x)
      var y = pts.map(\.y)
      c_plfill(Int32(pts.count), &x, &y)
    }

    mutating func drawPanel(_ p: PreparedPanel) {
      viewport(p.axes, p.xmin, p.xmax, p.ymin, p.ymax)
      for item in p.items { draw(item, p) }
      c_pllsty(1)
      setText()
      for t in p.texts {
        setColor(t.color)
        c_plptex(t.x, t.y, 1, 0, 0, t.text)
      }
      drawAxes(p)
      if let cb = p.colorbar, let box = p.colorbarBox { drawColorbar(cb, box, p) }
      if let box = p.legendBox { drawLegend(p.legend, box) }
    }

    func drawAxes(_ p: PreparedPanel) {
      c_plcol0(1)
      setWidth(fig.style.axisWidth)
      c_plsmaj(1.1 * (em / 3) * s, 1)
      c_plsmin(0.6 * (em / 3) * s, 1)
      setText()
      let xopt = "bcst" + (p.showXTickLabels ? "n" : "") + (p.xlog ? "l" : "")
      let yopt = "bcstv" + (p.showYTickLabels ? "n" : "") + (p.ylog ? "l" : "")
      c_plbox(xopt, p.xTicks.step, 0, yopt, p.yTicks.step, 0)
      if !p.xlabel.isEmpty { c_plmtex("b", (1.55 * em + 0.8 * em) / chr, 0.5, 0.5, p.xlabel) }
      if !p.ylabel.isEmpty {
        c_plmtex("l", (p.yTickLabelWidth + 0.6 * em + 0.75 * em) / chr, 0.5, 0.5, p.ylabel)
      }
      if !p.title.isEmpty { c_plmtex("t", 0.75 * em / chr, 0.5, 0.5, p.title) }
      if let letter = p.letter {
        let pos = -(p.axes.x0 - p.cellLeft - Layout.pagePad) / p.axes.width
        c_plmtex("t", 0.75 * em / chr, pos, 0, "#<bold/>" + letter + "#<medium/>")
      }
    }

    func draw(_ item: DrawItem, _ p: PreparedPanel) {
      switch item {
      case .line(let segments, let color, let width, let dash):
        setColor(color)
        setWidth(width)
        setDash(dash, width: width)
        segments.forEach(polyline)
        c_pllsty(1)
      case .markers(let points, let shape, let size, let color, let width):
        setColor(color)
        setWidth(width * 0.8)
        c_pllsty(1)
        drawMarkers(points, shape, size, p)
      case .errorbars(let x, let low, let high, let color, let width):
        setColor(color)
        setWidth(width)
        c_pllsty(1)
        // plerry draws its end caps at the minor tick length; caps come from drawCaps.
        c_plsmin(0, 0)
        var xs = x
        var lo = low.map { max($0, p.ymin) }
        var hi = high.map { min($0, p.ymax) }
        c_plerry(Int32(xs.count), &xs, &lo, &hi)
        drawCaps(x, low, high, p)
      case .fill(let polygons, let color, let alpha):
        setColor(color, alpha: alpha)
        for poly in polygons {
          fill(poly.map { Point(x: $0.x, y: $0.y.isFinite ? $0.y : p.ymin) })
        }
      case .image(let matrix, let xe, let ye, let map, let zmin, let zmax):
        setColormap(map)
        let nx = matrix.cols
        let ny = matrix.rows
        withColumns(
          nx, ny,
          { ix, iy in
            let v = matrix[iy, ix]
            return v.isFinite ? v : zmin - (zmax - zmin) - 1
          }
        ) { data in
          var xg = xe
          var yg = ye
          xg.withUnsafeMutableBufferPointer { xb in
            yg.withUnsafeMutableBufferPointer { yb in
              var grid = PLcGrid(
                xg: xb.baseAddress, yg: yb.baseAddress, zg: nil, nx: Int32(nx + 1),
                ny: Int32(ny + 1), nz: 0)
              c_plimagefr(
                data, Int32(nx), Int32(ny), xe.first!, xe.last!, ye.first!, ye.last!, zmin, zmax,
                zmin, zmax, pltr1, &grid)
            }
          }
        }
      case .contour(let matrix, let xs, let ys, let levels, let color, let width):
        setColor(color)
        setWidth(width)
        c_pllsty(1)
        let nx = matrix.cols
        let ny = matrix.rows
        withColumns(nx, ny, { ix, iy in matrix[iy, ix] }) { data in
          var xg = xs
          var yg = ys
          var lv = levels
          xg.withUnsafeMutableBufferPointer { xb in
            yg.withUnsafeMutableBufferPointer { yb in
              var grid = PLcGrid(
                xg: xb.baseAddress, yg: yb.baseAddress, zg: nil, nx: Int32(nx), ny: Int32(ny), nz: 0
              )
              c_plcont(
                data, Int32(nx), Int32(ny), 1, Int32(nx), 1, Int32(ny), &lv, Int32(lv.count), pltr1,
                &grid)
            }
          }
        }
      }
    }

    /// Horizontal caps on error bars, 0.9 marker widths long, drawn as lines so their
    /// length is in points rather than in PLplot's tick units.
    func drawCaps(_ x: [Double], _ low: [Double], _ high: [Double], _ p: PreparedPanel) {
      let half = 0.45 * fig.style.markerSize * 25.4 / 72 / p.axes.width * (p.xmax - p.xmin)
      for i in x.indices {
        for y in [low[i], high[i]] where y.isFinite && y >= p.ymin && y <= p.ymax {
          polyline([Point(x: x[i] - half, y: y), Point(x: x[i] + half, y: y)])
        }
      }
    }

    /// Markers as filled polygons or strokes, `size` points across, centred on each point.
    func drawMarkers(_ pts: [Point], _ shape: MarkerShape, _ size: Double, _ p: PreparedPanel) {
      let inside = pts.filter { q in
        q.x >= p.xmin && q.x <= p.xmax && q.y >= p.ymin && q.y <= p.ymax
      }
      drawMarkers(
        inside, shape, size, xPerMM: (p.xmax - p.xmin) / p.axes.width,
        yPerMM: (p.ymax - p.ymin) / p.axes.height)
    }

    /// Markers at world points where one millimetre is `xPerMM` × `yPerMM` world units.
    func drawMarkers(
      _ pts: [Point], _ shape: MarkerShape, _ size: Double, xPerMM: Double, yPerMM: Double
    ) {
      let diameter = (shape == .point ? 0.45 : 1) * size * 25.4 / 72
      let rx = diameter / 2 * xPerMM
      let ry = diameter / 2 * yPerMM
      for q in pts {
        switch shape {
        case .circle, .point:
          fill(
            (0..<24).map { k in
              let a = Double(k) * .pi / 12
              return Point(x: q.x + rx * cos(a), y: q.y + ry * sin(a))
            })
        case .square:
          let k = 0.88
          fill([
            Point(x: q.x - rx * k, y: q.y - ry * k), Point(x: q.x + rx * k, y: q.y - ry * k),
            Point(x: q.x + rx * k, y: q.y + ry * k), Point(x: q.x - rx * k, y: q.y + ry * k),
          ])
        case .triangle:
          fill([
            Point(x: q.x - rx, y: q.y - ry * 0.8), Point(x: q.x + rx, y: q.y - ry * 0.8),
            Point(x: q.x, y: q.y + ry),
          ])
        case .cross:
          polyline([Point(x: q.x - rx, y: q.y - ry), Point(x: q.x + rx, y: q.y + ry)])
          polyline([Point(x: q.x - rx, y: q.y + ry), Point(x: q.x + rx, y: q.y - ry)])
        case .plus:
          polyline([Point(x: q.x - rx, y: q.y), Point(x: q.x + rx, y: q.y)])
          polyline([Point(x: q.x, y: q.y - ry), Point(x: q.x, y: q.y + ry)])
        }
      }
    }

    func setColormap(_ map: Colormap) {
      let n = map.stops.count
      var pos = (0..<n).map { Double($0) / Double(n - 1) }
      var r = map.stops.map { Double($0.r) / 255 }
      var g = map.stops.map { Double($0.g) / 255 }
      var b = map.stops.map { Double($0.b) / 255 }
      var a = [Double](repeating: 1, count: n)
      c_plscmap1n(256)
      c_plscmap1la(1, Int32(n), &pos, &r, &g, &b, &a, nil)
    }

    /// Calls `body` with a PLplot matrix `f[ix][iy] = value(ix, iy)`.
    func withColumns(
      _ nx: Int, _ ny: Int, _ value: (Int, Int) -> Double,
      _ body: (UnsafePointer<UnsafePointer<Double>?>) -> Void
    ) {
      let storage = UnsafeMutablePointer<Double>.allocate(capacity: nx * ny)
      let rows = UnsafeMutablePointer<UnsafePointer<Double>?>.allocate(capacity: nx)
      defer {
        storage.deallocate()
        rows.deallocate()
      }
      for ix in 0..<nx {
        for iy in 0..<ny { storage[ix * ny + iy] = value(ix, iy) }
        rows[ix] = UnsafePointer(storage + ix * ny)
      }
      body(UnsafePointer(rows))
    }

    func drawColorbar(_ cb: ColorbarSpec, _ box: Box, _ p: PreparedPanel) {
      viewport(box, 0, 1, cb.zmin, cb.zmax)
      setColormap(cb.map)
      let n = 256
      withColumns(2, n, { _, iy in cb.zmin + (cb.zmax - cb.zmin) * Double(iy) / Double(n - 1) }) {
        data in
        c_plimagefr(
          data, 2, Int32(n), 0, 1, cb.zmin, cb.zmax, cb.zmin, cb.zmax, cb.zmin, cb.zmax, nil, nil)
      }
      let f = fig.metrics.em
      c_plcol0(1)
      setWidth(fig.style.axisWidth)
      setText()
      c_plbox("bc", 0, 0, "bcmstv", p.colorbarTicks.step, 0)
      if !cb.label.isEmpty {
        c_plmtex("r", (p.colorbarTickLabelWidth + 0.5 * f + 0.9 * f) / chr, 0.5, 0.5, cb.label)
      }
    }

    func drawLegend(_ entries: [LegendEntry], _ box: Box) {
      c_plvpor(0, 1, 0, 1)
      c_plwind(0, pageW, 0, pageH)
      c_pllsty(1)
      let corners = [
        Point(x: box.x0, y: box.y0), Point(x: box.x1, y: box.y0), Point(x: box.x1, y: box.y1),
        Point(x: box.x0, y: box.y1),
      ]
      setColor(.white, alpha: 0.9)
      fill(corners)
      setColor(RGB(204, 204, 204))
      setWidth(fig.style.axisWidth * 0.8)
      polyline(corners + [corners[0]])
      setText()
      let rowH = 1.35 * em
      for (k, e) in entries.enumerated() {
        let yc = box.y1 - 0.4 * em - rowH * (Double(k) + 0.5)
        let hx0 = box.x0 + 0.5 * em
        let hx1 = hx0 + 2.0 * em
        if let alpha = e.patchAlpha {
          setColor(e.color, alpha: alpha)
          fill([
            Point(x: hx0, y: yc - 0.35 * em), Point(x: hx1, y: yc - 0.35 * em),
            Point(x: hx1, y: yc + 0.35 * em), Point(x: hx0, y: yc + 0.35 * em),
          ])
        }
        if let d = e.dash {
          setColor(e.color)
          setWidth(e.lineWidth)
          setDash(d, width: e.lineWidth)
          polyline([Point(x: hx0, y: yc), Point(x: hx1, y: yc)])
          c_pllsty(1)
        }
        if let m = e.marker {
          setColor(e.color)
          setWidth(e.lineWidth * 0.8)
          drawMarkers(
            [Point(x: (hx0 + hx1) / 2, y: yc)], m, e.markerSize, xPerMM: 1, yPerMM: 1)
        }
        c_plcol0(1)
        setText()
        c_plptex(hx1 + 0.6 * em, yc, 1, 0, 0, e.text)
      }
    }
  }
}
