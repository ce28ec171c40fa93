import Foundation

@testable import Plotting

/// Small figures used by the rendering and validation suites.
enum Fixtures {
  static let x = (0..<40).map { Double($0) / 39 * 2 * Double.pi }

  /// The 2×2 "paper" figure: lines with markers and a legend; error bars and a band; a
  /// heatmap with a colour bar; a log–log panel with TeX labels.
  static func paperFigure() throws -> Figure {
    var f = Figure(width: 7, height: 5, style: .paper)
    f.panelLetters = true
    try f.subplot(2, 2, 1)
    let t = (0..<25).map { Double($0) * 0.25 }
    f.plot(t, t.map { exp(-$0 / 2) }, label: "theory $e^{-t/2}$", marker: "o")
    f.plot(
      t, t.map { exp(-$0 / 2) * (1 + 0.3 * sin(2 * $0)) }, label: "simulation", style: "--",
      marker: "s")
    f.plot(t, t.map { 0.6 * exp(-$0) }, label: "$m(t)$, $\\alpha=0.5$", style: ":", marker: "^")
    f.xlabel("time $t$")
    f.ylabel("overlap $m(t)$")
    f.title("Lines and markers")
    try f.subplot(2, 2, 2)
    let xs = (0..<12).map { Double($0) / 11 }
    let mean = xs.map { 1 - $0 * $0 }
    f.band(xs, mean.map { $0 - 0.1 }, mean.map { $0 + 0.1 }, alpha: 0.3, label: "mean ± sd")
    f.plot(xs, mean, label: "mean")
    f.errorbar(
      xs, xs.map { 1 - $0 * $0 + 0.03 * sin(9 * $0) }, xs.map { _ in 0.05 }, label: "simulation",
      color: "C1")
    f.xlabel("$\\alpha$")
    f.ylabel("$\\langle q \\rangle$")
    try f.subplot(2, 2, 3)
    let n = 30
    let grid = (0..<n).map { Double($0) / Double(n - 1) * 4 - 2 }
    var values = [Double]()
    for yv in grid { for xv in grid { values.append(exp(-(xv * xv + yv * yv)) * cos(2 * xv)) } }
    f.heatmap(
      PlotMatrix(rows: n, cols: n, values: values), x: grid, y: grid, cmap: "viridis",
      colorbarLabel: "$\\phi(x, y)$")
    f.contour(
      PlotMatrix(rows: n, cols: n, values: values), x: grid, y: grid, levels: .count(6),
      color: "white")
    f.xlabel("$x$")
    f.ylabel("$y$")
    try f.subplot(2, 2, 4)
    let ns = (0..<20).map { pow(10, 1 + Double($0) / 19 * 3) }
    f.plot(ns, ns.map { 1 / sqrt($0) }, label: "$N^{-1/2}$")
    f.scatter(ns, ns.map { 1.1 / sqrt($0) * (1 + 0.1 * sin($0)) }, label: "data")
    try f.xscale("log")
    try f.yscale("log")
    f.xlabel("system size $N$")
    f.ylabel("error $\\varepsilon_N$")
    return f
  }
}
