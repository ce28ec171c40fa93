import Foundation
import Numerics

extension QEP {
  /// BERT's uncased tokenizer (Devlin et al. 2019, §3 and the reference
  /// `tokenization.py`; Hugging Face `BertTokenizer` with `do_lower_case`): basic
  /// tokenisation, then WordPiece (Wu et al. 2016) by greedy longest-match-first against
  /// the vocabulary, and [CLS] … [SEP] around the sentence.
  ///
  /// Basic tokenisation: drop NUL, U+FFFD and control characters, map whitespace to a
  /// space, put spaces around CJK ideographs, lowercase, strip accents (canonical
  /// decomposition, then drop nonspacing marks), split on whitespace and split off every
  /// punctuation character (ASCII symbols 33–47, 58–64, 91–96, 123–126 and Unicode
  /// punctuation). A word longer than 100 characters, or one WordPiece cannot cover,
  /// becomes [UNK].
  public struct WordPiece: Sendable {
    /// Token id by WordPiece string ("##" marks a continuation piece).
    public let vocabulary: [String: Int]
    public let unknown: Int
    public let classToken: Int
    public let separator: Int
    /// The most tokens one sentence keeps, [CLS] and [SEP] included (longer ones are
    /// truncated, as sentence-transformers does at its max_seq_length).
    public let maxLength: Int

    /// Reads `vocab.txt`: one token per line, the id is the line number from 0.
    public init(vocabularyPath path: String, maxLength: Int = 256) throws {
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw NumericsError.invalidArgument(
          operation: "qep.wordpiece",
          message: "expected a readable vocab.txt, found none at \(path)")
      }
      var lines = text.components(separatedBy: "\n")
      if lines.last == "" { lines.removeLast() }
      try self.init(
        tokens: lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }, maxLength: maxLength)
    }

    /// A tokenizer over the given vocabulary (id = position).
    public init(tokens: [String], maxLength: Int = 256) throws {
      let op = "qep.wordpiece"
      var v: [String: Int] = [:]
      for (i, t) in tokens.enumerated() where v[t] == nil { v[t] = i }
      guard let unk = v["[UNK]"], let cls = v["[CLS]"], let sep = v["[SEP]"] else {
        throw NumericsError.invalidArgument(
          operation: op,
          message: "expected [UNK], [CLS] and [SEP] in the vocabulary, found them missing")
      }
      try QEP.require(maxLength >= 2, op, "expected a maximum length ≥ 2, found \(maxLength)")
      vocabulary = v
      unknown = unk
      classToken = cls
      separator = sep
      self.maxLength = maxLength
    }

    /// The token ids of `text`: [CLS], its WordPieces, [SEP].
    public func encode(_ text: String) -> [Int] {
      var ids = [classToken]
      for word in WordPiece.basicTokens(text) {
        ids += pieces(word)
        if ids.count >= maxLength - 1 { break }
      }
      return Array(ids.prefix(maxLength - 1)) + [separator]
    }

    /// Greedy longest-match-first WordPiece of one word.
    func pieces(_ word: String) -> [Int] {
      let chars = Array(word)
      if chars.count > 100 { return [unknown] }
      var out: [Int] = []
      var start = 0
      while start < chars.count {
        var end = chars.count
        var found: Int?
        while start < end {
          let piece = (start > 0 ? "##" : "") + String(chars[start..<end])
          if let id = vocabulary[piece] {
            found = id
            break
          }
          end -= 1
        }
        guard let id = found else { return [unknown] }
        out.append(id)
        start = end
      }
      return out
    }

    /// BERT's basic tokenisation (see the type's documentation).
    static func basicTokens(_ text: String) -> [String] {
      var cleaned = String.UnicodeScalarView()
      for s in text.unicodeScalars {
        if s.value == 0 || s.value == 0xFFFD || isControl(s) { continue }
        if isWhitespace(s) {
          cleaned.append(" ")
        } else if isCJK(s) {
          cleaned.append(" ")
          cleaned.append(s)
          cleaned.append(" ")
        } else {
          cleaned.append(s)
        }
      }
      var words: [String] = []
      for raw in String(cleaned).split(separator: " ", omittingEmptySubsequences: true) {
        let lowered = String(raw).lowercased().decomposedStringWithCanonicalMapping
        var current = String.UnicodeScalarView()
        for s in lowered.unicodeScalars {
          if s.properties.generalCategory == .nonspacingMark { continue }
          if isPunctuation(s) {
            if !current.isEmpty { words.append(String(current)) }
            current = String.UnicodeScalarView()
            words.append(String(s))
          } else {
            current.append(s)
          }
        }
        if !current.isEmpty { words.append(String(current)) }
      }
      return words
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
      s == " " || s == "\t" || s == "\n" || s == "\r"
        || s.properties.generalCategory == .spaceSeparator
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
      if s == "\t" || s == "\n" || s == "\r" { return false }
      switch s.properties.generalCategory {
      case .control, .format: return true
      default: return false
      }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
      let v = s.value
      if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v)
        || (123...126).contains(v)
      {
        return true
      }
      switch s.properties.generalCategory {
      case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
        .initialPunctuation, .finalPunctuation, .otherPunctuation:
        return true
      default: return false
      }
    }

    static func isCJK(_ s: Unicode.Scalar) -> Bool {
      let v = s.value
      return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v)
        || (0x20000...0x2A6DF).contains(v) || (0x2A700...0x2B73F).contains(v)
        || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
        || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
  }
}
