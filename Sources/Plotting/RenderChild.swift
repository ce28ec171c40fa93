import Foundation

/// The `replica-render` program: reads a figure's JSON on stdin and draws it with PLplot.
///
/// Usage: `replica-render <output-path> <pdf|png|svg|eps> <dpi>`. Exits 0 on success; on
/// failure prints one line to stderr and exits 1 (or 2 for a usage error).
public enum RenderChild {
  public static func main(arguments: [String]) -> Int32 {
    guard arguments.count == 4, let dpi = Double(arguments[3]),
      let format = OutputFormat(rawValue: arguments[2])
    else {
      FileHandle.standardError.write(
        Data("usage: replica-render <output-path> <pdf|png|svg|eps> <dpi> < figure.json\n".utf8))
      return 2
    }
    do {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      let figure = try Figure(json: String(decoding: data, as: UTF8.self))
      let prepared = try figure.prepared().figure
      try OutputFormat.checkWritable(arguments[1])
      try PLplotBackend.draw(prepared, to: arguments[1], format: format, dpi: dpi)
      if format == .svg { try SVGDescription.add(to: arguments[1], figure: prepared) }
      return 0
    } catch let error as PlotError {
      FileHandle.standardError.write(Data("\(error)\n".utf8))
      return 1
    } catch {
      FileHandle.standardError.write(Data("\(error)\n".utf8))
      return 1
    }
  }
}
