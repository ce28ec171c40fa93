/// Renders a `LanguageError` as the compiler-style message of language.md:
///
///     error: unknown keyword argument 'alpah' for dam.simulate
///      --> cell 3, line 1:20
///       |
///     1 | r = dam.simulate(N=500, alpah=0.1)
///       |                         ^^^^^ did you mean 'alpha'?
public enum ErrorRenderer {
  public static func render(_ error: LanguageError) -> String {
    var out = "error: \(error.message)"
    if error.kind != .user && error.kind != .runtime && error.kind != .interrupted {
      out = "\(error.kind.rawValue) error: \(error.message)"
    }
    guard let span = error.span else {
      if let s = error.suggestion { out += "\n  = \(s)" }
      return out + renderTrace(error.trace)
    }
    let (lineIndex, column) = span.source.location(of: span.start)
    let lineNumber = lineIndex + span.source.firstLine
    let lineText = span.source.lineText(lineIndex)
    let gutter = String(repeating: " ", count: String(lineNumber).count)
    out += "\n\(gutter)--> \(span.source.name), line \(lineNumber):\(column)"
    out += "\n\(gutter) |"
    out += "\n\(lineNumber) | \(lineText.replacingTabs())"
    let spanText = span.text
    let firstLineOfSpan = spanText.split(separator: "\n", omittingEmptySubsequences: false).first
    let width = max(1, firstLineOfSpan.map { $0.count } ?? 1)
    let caretLine = String(repeating: " ", count: column - 1) + String(repeating: "^", count: width)
    out += "\n\(gutter) | \(caretLine)"
    if let s = error.suggestion { out += " \(s)" }
    return out + renderTrace(error.trace)
  }

  private static func renderTrace(_ trace: [TraceEntry]) -> String {
    guard !trace.isEmpty else { return "" }
    var out = "\ncall trace (innermost first):"
    for t in trace {
      out += "\n  in \(t.function)"
      if let s = t.span { out += " at \(s.source.name), line \(s.line):\(s.column)" }
    }
    return out
  }
}

extension String {
  fileprivate func replacingTabs() -> String {
    String(map { $0 == "\t" ? " " : $0 })
  }
}
