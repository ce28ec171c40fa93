import Foundation

/// Renders a notebook as a report: prose as Markdown, code highlighted, recorded outputs,
/// and figures. HTML is one self-contained file (figures embedded as data URIs); Markdown
/// gets its figures copied into a folder beside it.
public enum NotebookExporter {
  public enum Format: String, Sendable {
    case html, md
  }

  enum Block {
    case prose([String])
    case cell(String)
    case code([String])
    case output([String])
  }

  static func blocks(_ d: NotebookDocument) -> [Block] {
    var out: [Block] = []
    func append(_ kind: Int, _ line: String) {
      switch (out.last, kind) {
      case (.prose(var l)?, 0):
        l.append(line)
        out[out.count - 1] = .prose(l)
      case (.code(var l)?, 1):
        l.append(line)
        out[out.count - 1] = .code(l)
      case (.output(var l)?, 2):
        l.append(line)
        out[out.count - 1] = .output(l)
      case (_, 0): out.append(.prose([line]))
      case (_, 1): out.append(.code([line]))
      default: out.append(.output([line]))
      }
    }
    for (i, line) in d.lines.enumerated() {
      switch d.kinds[i] {
      case .header: continue
      case .cell(let title): out.append(.cell(title))
      case .prose:
        var t = line.trimmingCharacters(in: .whitespaces).dropFirst(2)
        if t.hasPrefix(" ") { t = t.dropFirst() }
        append(0, String(t))
      case .output:
        var t = line.trimmingCharacters(in: .whitespaces).dropFirst(2)
        if t.hasPrefix(" ") { t = t.dropFirst() }
        if t == "ignore" || t.hasPrefix("~") { continue }
        append(2, String(t))
      case .code:
        if line.trimmingCharacters(in: .whitespaces).isEmpty {
          if case .code = out.last { append(1, line) }
          continue
        }
        append(1, line)
      }
    }
    // Trim trailing blank lines of code blocks.
    return out.map { b in
      if case .code(var l) = b {
        while l.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { l.removeLast() }
        return .code(l)
      }
      return b
    }
  }

  /// The figure path of an output line `figure: PATH (sha256 …)`.
  static func figurePath(_ line: String) -> String? {
    guard line.hasPrefix("figure: "), let r = line.range(of: " (sha256 ", options: .backwards)
    else {
      return nil
    }
    return String(line[line.index(line.startIndex, offsetBy: 8)..<r.lowerBound])
  }

  /// Writes the report; returns the files written.
  @discardableResult
  public static func export(_ d: NotebookDocument, format: Format, to output: String) throws
    -> [String]
  {
    let base = URL(fileURLWithPath: d.path).deletingLastPathComponent()
    let outURL = URL(fileURLWithPath: output)
    switch format {
    case .html:
      let html = renderHTML(d, base: base)
      try NotebookRunner.writeAtomically(html, to: output)
      return [output]
    case .md:
      let assets = outURL.deletingPathExtension().lastPathComponent + "_files"
      let assetsURL = outURL.deletingLastPathComponent().appendingPathComponent(assets)
      var written = [output]
      var md: [String] = []
      for b in blocks(d) {
        switch b {
        case .cell(let t): if !t.isEmpty { md.append("## \(t)\n") }
        case .prose(let l): md.append(l.joined(separator: "\n") + "\n")
        case .code(let l): md.append("```rpl\n" + l.joined(separator: "\n") + "\n```\n")
        case .output(let l):
          var text: [String] = []
          for line in l {
            if let p = figurePath(line) {
              let src = URL(fileURLWithPath: p, relativeTo: base).standardizedFileURL
              let shown = displayable(src)
              guard FileManager.default.fileExists(atPath: shown.path) else {
                text.append(line)
                continue
              }
              try FileManager.default.createDirectory(
                at: assetsURL, withIntermediateDirectories: true)
              let dst = assetsURL.appendingPathComponent(shown.lastPathComponent)
              try? FileManager.default.removeItem(at: dst)
              try FileManager.default.copyItem(at: shown, to: dst)
              written.append(dst.path)
              md.append("![\(p)](\(assets)/\(shown.lastPathComponent))\n")
            } else {
              text.append(line)
            }
          }
          if !text.isEmpty { md.append("```\n" + text.joined(separator: "\n") + "\n```\n") }
        }
      }
      try NotebookRunner.writeAtomically(md.joined(separator: "\n"), to: output)
      return written
    }
  }

  /// A PNG or SVG twin of a PDF/EPS figure when one was saved, since browsers and
  /// Markdown viewers show those.
  static func displayable(_ url: URL) -> URL {
    let ext = url.pathExtension.lowercased()
    guard ext == "pdf" || ext == "eps" else { return url }
    for twin in ["png", "svg"] {
      let t = url.deletingPathExtension().appendingPathExtension(twin)
      if FileManager.default.fileExists(atPath: t.path) { return t }
    }
    return url
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }

  static func renderHTML(_ d: NotebookDocument, base: URL) -> String {
    var body: [String] = []
    var shownFigures = Set<String>()
    for b in blocks(d) {
      switch b {
      case .cell(let t): if !t.isEmpty { body.append("<h2 class=\"cell\">\(escape(t))</h2>") }
      case .prose(let l): body.append(Markdown.html(l))
      case .code(let l):
        body.append(
          "<pre class=\"code\"><code>\(Highlighter.html(l.joined(separator: "\n")))</code></pre>")
      case .output(let l):
        var text: [String] = []
        for line in l {
          if let p = figurePath(line) {
            let src = displayable(URL(fileURLWithPath: p, relativeTo: base).standardizedFileURL)
            if shownFigures.contains(src.path) {
              text.append(line)
              continue
            }
            if let data = FileManager.default.contents(atPath: src.path) {
              shownFigures.insert(src.path)
              let mime: String
              switch src.pathExtension.lowercased() {
              case "png": mime = "image/png"
              case "svg": mime = "image/svg+xml"
              case "pdf": mime = "application/pdf"
              default: mime = "application/octet-stream"
              }
              let uri = "data:\(mime);base64,\(data.base64EncodedString())"
              if mime == "application/pdf" {
                body.append(
                  "<figure><object data=\"\(uri)\" type=\"application/pdf\" width=\"100%\" height=\"480\"></object><figcaption>\(escape(p))</figcaption></figure>"
                )
              } else {
                body.append(
                  "<figure><img src=\"\(uri)\" alt=\"\(escape(p))\"><figcaption>\(escape(p))</figcaption></figure>"
                )
              }
              continue
            }
          }
          text.append(line)
        }
        if !text.isEmpty {
          body.append("<pre class=\"output\">\(escape(text.joined(separator: "\n")))</pre>")
        }
      }
    }
    let title = escape(URL(fileURLWithPath: d.path).deletingPathExtension().lastPathComponent)
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <title>\(title)</title>
      <style>
      body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }
      pre { padding: 0.6em 0.8em; overflow-x: auto; font-size: 0.9em; }
      pre.code { background: #f6f8fa; border-left: 3px solid #0072b2; }
      pre.output { background: #fff; border-left: 3px solid #ccc; color: #444; }
      h2.cell { font-size: 1.05em; color: #555; border-bottom: 1px solid #eee; margin-top: 2em; }
      figure { margin: 1em 0; text-align: center; } figure img { max-width: 100%; }
      figcaption { font-size: 0.8em; color: #666; }
      .kw { color: #a626a4; font-weight: bold; } .num { color: #986801; } .str { color: #50a14f; } .com { color: #a0a1a7; font-style: italic; }
      </style>
      </head>
      <body>
      \(body.joined(separator: "\n"))
      </body>
      </html>

      """
  }
}

/// Syntax colouring for code blocks: keywords, numbers, strings, comments.
enum Highlighter {
  static let keywords: Set<String> = [
    "fn", "if", "elif", "else", "while", "for", "in", "return", "break", "continue", "true",
    "false", "nil", "and", "or", "not", "param", "try", "catch",
  ]

  static func html(_ code: String) -> String {
    var out = ""
    let chars = Array(code)
    var i = 0
    func span(_ cls: String, _ s: String) {
      out += "<span class=\"\(cls)\">\(NotebookExporter.escape(s))</span>"
    }
    while i < chars.count {
      let c = chars[i]
      if c == "#" {
        var j = i
        while j < chars.count && chars[j] != "\n" { j += 1 }
        span("com", String(chars[i..<j]))
        i = j
      } else if c == "\"" {
        var j = i + 1
        while j < chars.count && chars[j] != "\"" && chars[j] != "\n" {
          if chars[j] == "\\" { j += 1 }
          j += 1
        }
        j = min(j + 1, chars.count)
        span("str", String(chars[i..<j]))
        i = j
      } else if c.isNumber && (i == 0 || !(chars[i - 1].isLetter || chars[i - 1] == "_")) {
        var j = i
        while j < chars.count
          && (chars[j].isNumber || chars[j] == "." || chars[j] == "_" || chars[j] == "e")
        { j += 1 }
        span("num", String(chars[i..<j]))
        i = j
      } else if c.isLetter || c == "_" {
        var j = i
        while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") {
          j += 1
        }
        let word = String(chars[i..<j])
        if keywords.contains(word) {
          span("kw", word)
        } else {
          out += NotebookExporter.escape(word)
        }
        i = j
      } else {
        out += NotebookExporter.escape(String(c))
        i += 1
      }
    }
    return out
  }
}

/// The Markdown subset used in notebook prose: headings, paragraphs, bullet lists,
/// `code`, **bold**, *emphasis*, [links](url).
enum Markdown {
  static func html(_ lines: [String]) -> String {
    var out: [String] = []
    var paragraph: [String] = []
    var inList = false
    func flush() {
      if !paragraph.isEmpty {
        out.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>")
        paragraph = []
      }
    }
    for raw in lines {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty {
        flush()
        if inList {
          out.append("</ul>")
          inList = false
        }
        continue
      }
      if line.hasPrefix("#") {
        flush()
        let level = min(6, line.prefix { $0 == "#" }.count)
        let text = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
        out.append("<h\(level)>\(inline(text))</h\(level)>")
      } else if line.hasPrefix("- ") || line.hasPrefix("* ") {
        flush()
        if !inList {
          out.append("<ul>")
          inList = true
        }
        out.append("<li>\(inline(String(line.dropFirst(2))))</li>")
      } else {
        paragraph.append(line)
      }
    }
    flush()
    if inList { out.append("</ul>") }
    return out.joined(separator: "\n")
  }

  static func inline(_ s: String) -> String {
    var out = ""
    let chars = Array(s)
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if c == "`", let j = chars[(i + 1)...].firstIndex(of: "`") {
        out += "<code>\(NotebookExporter.escape(String(chars[(i + 1)..<j])))</code>"
        i = j + 1
      } else if c == "*", i + 1 < chars.count, chars[i + 1] == "*",
        let j = find(chars, "**", from: i + 2)
      {
        out += "<strong>\(inline(String(chars[(i + 2)..<j])))</strong>"
        i = j + 2
      } else if c == "*", let j = chars[(i + 1)...].firstIndex(of: "*"), j > i + 1 {
        out += "<em>\(inline(String(chars[(i + 1)..<j])))</em>"
        i = j + 1
      } else if c == "[", let close = chars[i...].firstIndex(of: "]"), close + 1 < chars.count,
        chars[close + 1] == "(", let end = chars[(close + 1)...].firstIndex(of: ")")
      {
        let text = String(chars[(i + 1)..<close])
        let url = String(chars[(close + 2)..<end])
        out += "<a href=\"\(NotebookExporter.escape(url))\">\(inline(text))</a>"
        i = end + 1
      } else {
        out += NotebookExporter.escape(String(c))
        i += 1
      }
    }
    return out
  }

  static func find(_ chars: [Character], _ pattern: String, from: Int) -> Int? {
    let p = Array(pattern)
    var i = from
    while i + p.count <= chars.count {
      if Array(chars[i..<(i + p.count)]) == p { return i }
      i += 1
    }
    return nil
  }
}
