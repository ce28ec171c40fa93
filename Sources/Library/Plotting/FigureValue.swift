import Foundation
import Language
import Numerics
import Plotting

/// A figure as the language sees it: a handle to a mutable `Figure` spec, like a
/// matplotlib figure. `f = figure(); f.plot(x, y); f.save("a.png")` and the pyplot-style
/// globals (which act on the current figure) change the same spec.
final class FigureBox: @unchecked Sendable {
  var figure: Figure
  init(_ figure: Figure) { self.figure = figure }

  /// The figure's spec hash (`Figure.specHash`): what notebooks record and compare.
  var specHash: String { figure.specHash() }
}

final class FigureValue: HostObject, @unchecked Sendable {
  let box: FigureBox
  init(_ box: FigureBox) { self.box = box }

  var typeName: String { "figure" }

  func display() -> String {
    let f = box.figure
    let series = f.panels.reduce(0) { $0 + $1.series.count }
    return
      "figure(\(Display.number(f.width))×\(Display.number(f.height)) in, \(f.rows)×\(f.cols) panels, \(series) series, \(f.style.rawValue))"
  }

  var memberNames: [String] { PlotBindings.methodNames + ["width", "height", "hash"] }

  func member(_ name: String, interpreter: Interpreter) throws(LanguageError) -> Value? {
    switch name {
    case "width": return .number(box.figure.width)
    case "height": return .number(box.figure.height)
    case "hash": return .string(String(box.specHash.prefix(12)))
    default: break
    }
    guard let method = PlotBindings.methods[name] else { return nil }
    return .function(Function(method: method, receiver: .object(self)))
  }

  func isEqual(to other: any HostObject) -> Bool {
    guard let o = other as? FigureValue else { return false }
    return o.box.figure == box.figure
  }
}
