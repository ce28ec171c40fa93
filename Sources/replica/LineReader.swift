@preconcurrency import CReadline
import Foundation

/// Line input for the interactive REPL over GNU readline: editing, Ctrl-R, history kept
/// in a file, tab completion, and Ctrl-C that abandons the line being typed.
///
/// The only file that touches readline. Readline is process-global, so this type has
/// one instance's worth of state in statics, set up once by `init`.
///
/// Ctrl-C follows platform-notes.md: readline does not catch signals
/// (`rl_catch_signals = 0`), `Interrupt` installs a SIGINT handler without `SA_RESTART`,
/// and `getc` below, on `EINTR` with a Ctrl-C pending, accepts the line with a newline so
/// that `read` can report it as interrupted.
final class LineReader {
  enum Input: Equatable {
    case line(String)
    /// Ctrl-C at the prompt: the typed text is abandoned.
    case interrupted
    /// Ctrl-D on an empty line, or the end of input.
    case end
  }

  /// Answers a completion request: the line up to the cursor and the word being
  /// completed (a suffix of it); returns the full replacements for the word.
  typealias Completer = (_ before: String, _ word: String) -> [String]
  /// Chooses the characters that end a word for completion, from the line up to the cursor.
  typealias WordBreaks = (_ before: String) -> String

  nonisolated(unsafe) fileprivate static var completer: Completer = { _, _ in [] }
  nonisolated(unsafe) fileprivate static var wordBreaks: WordBreaks = { _ in " \t\n" }
  /// The C string handed to readline by the word-break hook; replaced at each request.
  nonisolated(unsafe) fileprivate static var breakCharacters: UnsafeMutablePointer<CChar>?

  let historyPath: String
  /// History entries read at start-up plus the lines added in this session.
  private let historyLimit: Int32 = 10_000

  init(historyPath: String, completer: @escaping Completer, wordBreaks: @escaping WordBreaks) {
    self.historyPath = historyPath
    Self.completer = completer
    Self.wordBreaks = wordBreaks
    rl_readline_name = UnsafePointer(strdup("replica"))
    rl_catch_signals = 0
    rl_getc_function = readlineGetc
    rl_attempted_completion_function = readlineComplete
    rl_completion_word_break_hook = readlineWordBreaks
    using_history()
    stifle_history(historyLimit)
    _ = read_history(historyPath)
  }

  /// Reads one line with `prompt`. The line is not added to the history (see `remember`).
  func read(prompt: String) -> Input {
    Interrupt.take()
    guard let raw = readline(prompt) else {
      return Interrupt.take() ? .interrupted : .end
    }
    defer { free(raw) }
    if Interrupt.take() { return .interrupted }
    return .line(String(cString: raw))
  }

  /// Adds a line to the history unless it is blank or repeats the previous entry.
  func remember(_ line: String) {
    guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
    if history_length > 0, let last = history_get(history_base + history_length - 1),
      let text = last.pointee.line, String(cString: text) == line
    {
      return
    }
    add_history(line)
  }

  /// The most recent `count` history entries, oldest first, with their numbers.
  func recentHistory(_ count: Int) -> [(Int, String)] {
    let total = Int(history_length)
    let first = max(0, total - count)
    var out: [(Int, String)] = []
    for i in first..<total {
      let n = Int32(i) + history_base
      if let entry = history_get(n), let text = entry.pointee.line {
        out.append((Int(n), String(cString: text)))
      }
    }
    return out
  }

  /// Writes the history file (creating its folder); returns an error message on failure.
  func saveHistory() -> String? {
    let dir = (historyPath as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      return "cannot create \(dir): \(error.localizedDescription)"
    }
    let status = write_history(historyPath)
    if status != 0 {
      return "cannot write history \(historyPath): \(String(cString: strerror(status)))"
    }
    return nil
  }
}

/// `rl_getc_function`: one byte from the terminal; on Ctrl-C, accept the line.
private func readlineGetc(_ stream: UnsafeMutablePointer<FILE>?) -> Int32 {
  let fd = stream.map { fileno($0) } ?? 0
  while true {
    if Interrupt.isPending {
      rl_point = rl_end
      return Int32(UInt8(ascii: "\n"))
    }
    var byte: UInt8 = 0
    let n = Glibc.read(fd, &byte, 1)
    if n == 1 { return Int32(byte) }
    if n == 0 { return EOF }
    if errno != EINTR { return EOF }
  }
}

/// `rl_completion_word_break_hook`: code breaks at operators and dots; paths only at quotes.
private func readlineWordBreaks() -> UnsafeMutablePointer<CChar>? {
  let before = lineBeforeCursor()
  free(LineReader.breakCharacters)
  LineReader.breakCharacters = strdup(LineReader.wordBreaks(before))
  return LineReader.breakCharacters
}

/// `rl_attempted_completion_function`: readline's match array, the common prefix first.
private func readlineComplete(
  _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
  rl_attempted_completion_over = 1
  rl_completion_append_character = 0
  let word = text.map { String(cString: $0) } ?? ""
  let matches = LineReader.completer(lineBeforeCursor(), word)
  guard !matches.isEmpty else { return nil }
  // Readline frees the array and its strings with free(): allocate them with malloc.
  let stride = MemoryLayout<UnsafeMutablePointer<CChar>?>.stride
  guard let raw = malloc(stride * (matches.count + 2)) else { return nil }
  let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: matches.count + 2)
  let unique = matches.count == 1
  array[0] = strdup(unique ? matches[0] : commonPrefix(matches))
  var i = 1
  if !unique {
    for m in matches {
      array[i] = strdup(m)
      i += 1
    }
  }
  array[i] = nil
  return array
}

private func lineBeforeCursor() -> String {
  guard let buffer = rl_line_buffer else { return "" }
  let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(max(0, rl_point)))
  return String(decoding: bytes, as: UTF8.self)
}

private func commonPrefix(_ words: [String]) -> String {
  guard var prefix = words.first.map(Array.init) else { return "" }
  for w in words.dropFirst() {
    let chars = Array(w)
    var n = 0
    while n < prefix.count, n < chars.count, prefix[n] == chars[n] { n += 1 }
    prefix.removeSubrange(n...)
  }
  return String(prefix)
}
