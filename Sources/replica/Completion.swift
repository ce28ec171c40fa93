import Foundation
import Language

/// Tab completion from the declarations, never by running user code:
/// - names in scope and keywords;
/// - members after `module.` or `record.` (the prefix is resolved only when it is a
///   plain or dotted name, through modules and records);
/// - `name=` for the parameters of the call whose parentheses enclose the cursor, when
///   the cursor starts an argument (`linspace(st` → `start=`);
/// - file paths inside a string literal and after `:load`, `:save`, `:cd`;
/// - meta-commands after a leading `:`.
struct Completion {
  let interpreter: Interpreter

  /// Word-break characters in code: the word is the identifier under the cursor.
  static let codeBreaks = " \t\n\"'`()[]{},;:+-*/%^=<>!&|@~.\\"
  /// Word-break characters in a path: only quotes and spaces end it.
  static let pathBreaks = " \t\n\"'"

  static let languageKeywords = [
    "fn", "if", "elif", "else", "while", "for", "in", "return", "break", "continue", "true",
    "false", "nil", "and", "or", "not", "param", "try", "catch",
  ]

  /// The word-break characters for the line up to the cursor.
  static func wordBreaks(before: String) -> String {
    isPathContext(before) ? pathBreaks : codeBreaks
  }

  /// Whether the cursor is in a file path: inside a string, or the argument of a
  /// meta-command that takes a path.
  static func isPathContext(_ before: String) -> Bool {
    if let (command, _) = metaCommand(before) {
      return ["load", "save", "cd"].contains(command)
    }
    return CodeScan(before).inString
  }

  /// Completions for `word`, the end of `before` (the line up to the cursor).
  func candidates(before: String, word: String) -> [String] {
    let prefix = String(before.dropLast(word.count))
    if before.trimmingCharacters(in: .whitespaces).hasPrefix(":") {
      guard let (command, argument) = Self.metaCommand(before) else {
        return MetaCommands.names.filter { $0.hasPrefix(word) }
      }
      switch command {
      case "load", "save", "cd": return Self.paths(word, directoriesOnly: command == "cd")
      case "help", "time": return code(before: String(argument.dropLast(word.count)), word: word)
      default: return []
      }
    }
    if CodeScan(before).inString { return Self.paths(word, directoriesOnly: false) }
    return code(before: prefix, word: word)
  }

  /// `:name rest` → (name, rest) once a space follows the name; nil while typing the name.
  private static func metaCommand(_ before: String) -> (String, Substring)? {
    let trimmed = before.drop(while: { $0 == " " || $0 == "\t" })
    guard trimmed.hasPrefix(":"), let space = trimmed.firstIndex(of: " ") else { return nil }
    let name = trimmed[trimmed.index(after: trimmed.startIndex)..<space]
    return (String(name), trimmed[trimmed.index(after: space)...])
  }

  private func code(before prefix: String, word: String) -> [String] {
    if prefix.hasSuffix(".") {
      let chain = Self.trailingDottedName(String(prefix.dropLast()))
      guard !chain.isEmpty, let base = resolve(chain) else { return [] }
      return Self.memberNames(of: base).filter { $0.hasPrefix(word) }.sorted()
    }
    var names = Set(interpreter.globalNames + Self.languageKeywords)
      .filter { $0.hasPrefix(word) }.sorted()
    if let call = Self.calleeAtArgumentStart(prefix), let f = resolve(call.callee),
      case .function(let fn) = f
    {
      // Inside a call, the callee's parameters take precedence over other names.
      let keywords = Self.keywordCandidates(Self.parameterNames(of: fn), given: call.arguments)
        .filter { $0.hasPrefix(word) }
      if !keywords.isEmpty { names = keywords }
    }
    return names
  }

  /// Resolves `a.b.c` through globals, modules and records only.
  private func resolve(_ chain: [String]) -> Value? {
    guard let first = chain.first, var value = interpreter.global(first) else { return nil }
    for name in chain.dropFirst() {
      switch value {
      case .module(let m):
        guard let v = m.member(name) else { return nil }
        value = v
      case .record(let r):
        guard let v = r[name] else { return nil }
        value = v
      default: return nil
      }
    }
    return value
  }

  private static func memberNames(of value: Value) -> [String] {
    switch value {
    case .module(let m): return m.memberNames
    case .record(let r): return r.keys
    case .object(let o): return o.memberNames
    case .matrix: return ["T", "cols", "rows"]
    default: return []
    }
  }

  /// Parameter names of a builtin (its declaration) or a user function (its signature).
  static func parameterNames(of fn: Function) -> [String] {
    if let d = fn.declaration { return d.parameters.map(\.name) }
    let sig = fn.signature
    guard let open = sig.firstIndex(of: "("), let close = sig.lastIndex(of: ")"), open < close
    else { return [] }
    return sig[sig.index(after: open)..<close].split(separator: ",").compactMap { part in
      let name = part.split(separator: "=").first?.trimmingCharacters(in: .whitespaces) ?? ""
      return name.isEmpty ? nil : name
    }
  }

  /// The dotted name (`dam.simulate`) that ends `text`, as its parts; empty if none.
  static func trailingDottedName(_ text: String) -> [String] {
    let chars = Array(text)
    var i = chars.count
    while i > 0,
      chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_"
        || chars[i - 1] == "."
    {
      i -= 1
    }
    let parts = String(chars[i...]).split(separator: ".", omittingEmptySubsequences: false)
    guard !parts.isEmpty,
      parts.allSatisfy({ p in
        guard let c = p.first else { return false }
        return (c.isLetter || c == "_")
      })
    else { return [] }
    return parts.map(String.init)
  }

  /// The callee of the innermost open call when `prefix` ends at the start of an argument
  /// (after `(` or `,` and blanks), with the arguments before the cursor.
  static func calleeAtArgumentStart(_ prefix: String) -> (callee: [String], arguments: [String])? {
    let scan = CodeScan(prefix)
    guard let open = scan.openBrackets.last, open.bracket == "(" else { return nil }
    let chars = Array(prefix)
    let bounds = [open.offset] + scan.innermostCommas + [chars.count]
    let arguments = zip(bounds, bounds.dropFirst()).map { String(chars[($0 + 1)..<$1]) }
    guard let current = arguments.last, current.allSatisfy({ $0 == " " || $0 == "\t" }) else {
      return nil
    }
    let chain = trailingDottedName(String(chars[..<open.offset]))
    return chain.isEmpty ? nil : (chain, Array(arguments.dropLast()))
  }

  /// `name=` for the parameters not yet given: not filled by the positional arguments
  /// before the cursor, nor named by a keyword argument.
  static func keywordCandidates(_ parameters: [String], given arguments: [String]) -> [String] {
    let named = Set(
      arguments.compactMap { a -> String? in
        let parts = a.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, !parts[1].hasPrefix("=") else { return nil }
        return parts[0].trimmingCharacters(in: .whitespaces)
      })
    let positional = arguments.prefix { a in
      let parts = a.split(separator: "=", maxSplits: 1)
      return parts.count < 2 || parts[1].hasPrefix("=")
    }.count
    return parameters.dropFirst(positional).filter { !named.contains($0) }.map { $0 + "=" }
  }

  /// Paths that start with `word` (`~/` expanded for listing, kept in the result);
  /// directories end with `/`.
  static func paths(_ word: String, directoriesOnly: Bool) -> [String] {
    let slash = word.lastIndex(of: "/")
    let dirPart = slash.map { String(word[...$0]) } ?? ""
    let base = slash.map { String(word[word.index(after: $0)...]) } ?? word
    let listed =
      dirPart.isEmpty
      ? "." : (dirPart.hasPrefix("~") ? NSString(string: dirPart).expandingTildeInPath : dirPart)
    let fm = FileManager.default
    guard let entries = try? fm.contentsOfDirectory(atPath: listed) else { return [] }
    var out: [String] = []
    for name in entries where name.hasPrefix(base) {
      if name.hasPrefix(".") && !base.hasPrefix(".") { continue }
      var isDir: ObjCBool = false
      _ = fm.fileExists(
        atPath: (listed as NSString).appendingPathComponent(name), isDirectory: &isDir)
      if directoriesOnly && !isDir.boolValue { continue }
      out.append(dirPart + name + (isDir.boolValue ? "/" : ""))
    }
    return out.sorted()
  }
}

/// A lexical pass over the line up to the cursor: whether it ends inside a string, and
/// the brackets still open (character offsets), ignoring strings and comments.
struct CodeScan {
  struct Open {
    let bracket: Character
    let offset: Int
  }
  private(set) var inString = false
  private(set) var openBrackets: [Open] = []
  /// Offsets of the `,` directly inside the innermost open bracket.
  private(set) var innermostCommas: [Int] = []

  init(_ text: String) {
    var commas: [[Int]] = [[]]
    var escaped = false
    var inComment = false
    for (i, c) in text.enumerated() {
      if inComment {
        if c == "\n" { inComment = false }
        continue
      }
      if inString {
        if escaped {
          escaped = false
        } else if c == "\\" {
          escaped = true
        } else if c == "\"" {
          inString = false
        }
        continue
      }
      switch c {
      case "\"": inString = true
      case "#": inComment = true
      case "(", "[", "{":
        openBrackets.append(Open(bracket: c, offset: i))
        commas.append([])
      case ")", "]", "}":
        if !openBrackets.isEmpty {
          openBrackets.removeLast()
          commas.removeLast()
        }
      case ",": commas[commas.count - 1].append(i)
      default: break
      }
    }
    innermostCommas = commas.last ?? []
  }
}
