/// A named piece of source text ("cell 3", "script.rpl", "<repl>") with line lookup.
public final class Source: Sendable {
  public let name: String
  public let text: String
  /// UTF-8 offsets of every line start.
  let lineStarts: [Int]
  /// Line number of the first line, so a statement cut from a file keeps its lines.
  public let firstLine: Int

  public init(name: String, text: String, firstLine: Int = 1) {
    self.name = name
    self.text = text
    self.firstLine = firstLine
    var starts = [0]
    for (i, b) in text.utf8.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
    lineStarts = starts
  }

  /// 0-based line index and 1-based column (in characters) of a UTF-8 offset.
  func location(of offset: Int) -> (line: Int, column: Int) {
    var lo = 0
    var hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
    }
    let utf8 = Array(text.utf8)
    let start = lineStarts[lo]
    let end = min(max(offset, start), utf8.count)
    let column = (String(decoding: utf8[start..<end], as: UTF8.self)).count + 1
    return (lo, column)
  }

  /// The text of a 0-based line, without its newline.
  func lineText(_ index: Int) -> String {
    let utf8 = Array(text.utf8)
    let start = lineStarts[index]
    var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : utf8.count
    if end > start, utf8[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return String(decoding: utf8[start..<max(start, end)], as: UTF8.self)
  }
}

/// A half-open range of UTF-8 offsets into a `Source`.
public struct SourceSpan: Sendable, CustomStringConvertible {
  public let source: Source
  public let start: Int
  public let end: Int

  public init(source: Source, start: Int, end: Int) {
    self.source = source
    self.start = start
    self.end = max(end, start)
  }

  /// The span covering both.
  func union(_ other: SourceSpan) -> SourceSpan {
    SourceSpan(source: source, start: min(start, other.start), end: max(end, other.end))
  }

  /// 1-based line (with the source's first-line offset) and column of the start.
  public var line: Int { source.location(of: start).line + source.firstLine }
  public var column: Int { source.location(of: start).column }

  public var text: String {
    let utf8 = Array(source.text.utf8)
    return String(decoding: utf8[min(start, utf8.count)..<min(end, utf8.count)], as: UTF8.self)
  }

  public var description: String { "\(source.name), line \(line):\(column)" }
}
