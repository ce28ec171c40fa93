import Foundation

/// Compares recorded output with new output: text exactly, numbers within a relative
/// tolerance. Numbers are the tokens that parse as doubles (including `nan`, `inf`);
/// NaN matches NaN. The default tolerance 1e-9 admits last-digit differences of
/// BLAS/libm across machines while catching any real change.
public enum OutputComparison {
  public static let defaultTolerance = 1e-9

  public static func matches(_ expected: String, _ actual: String, tolerance: Double) -> Bool {
    if expected == actual { return true }
    let a = tokens(expected)
    let b = tokens(actual)
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
      switch (x, y) {
      case (.text(let s), .text(let t)): if s != t { return false }
      case (.number(let p), .number(let q)):
        if p.isNaN && q.isNaN { continue }
        if p == q { continue }
        guard p.isFinite, q.isFinite else { return false }
        let scale = max(abs(p), abs(q))
        if abs(p - q) > tolerance * scale && abs(p - q) > 1e-300 { return false }
      default: return false
      }
    }
    return true
  }

  enum Token: Equatable {
    case text(String)
    case number(Double)
  }

  /// Splits text into maximal number tokens and the text between them.
  static func tokens(_ s: String) -> [Token] {
    var out: [Token] = []
    var text = ""
    let chars = Array(s)
    var i = 0
    func isStart(_ k: Int) -> Bool {
      let c = chars[k]
      if c.isASCII && c.isNumber { return true }
      if (c == "-" || c == ".") && k + 1 < chars.count && chars[k + 1].isASCII
        && chars[k + 1].isNumber
      {
        return k == 0 || !(chars[k - 1].isLetter || chars[k - 1].isNumber)
      }
      return false
    }
    while i < chars.count {
      if isStart(i) && (i == 0 || !(chars[i - 1].isLetter || chars[i - 1] == "_")) {
        var j = i
        if chars[j] == "-" { j += 1 }
        while j < chars.count && (chars[j].isNumber || chars[j] == ".") { j += 1 }
        if j < chars.count && (chars[j] == "e" || chars[j] == "E") {
          var k = j + 1
          if k < chars.count && (chars[k] == "+" || chars[k] == "-") { k += 1 }
          if k < chars.count && chars[k].isNumber {
            j = k
            while j < chars.count && chars[j].isNumber { j += 1 }
          }
        }
        if let v = Double(String(chars[i..<j])) {
          if !text.isEmpty {
            out.append(.text(text))
            text = ""
          }
          out.append(.number(v))
          i = j
          continue
        }
      }
      text.append(chars[i])
      i += 1
    }
    if !text.isEmpty { out.append(.text(text)) }
    return out.map { t in
      if case .text(let s) = t {
        // "nan" and "inf" words count as numbers only when standing alone.
        let trimmed = s.trimmingCharacters(in: .whitespaces)
        if trimmed == "nan" { return .number(.nan) }
      }
      return t
    }
  }
}
