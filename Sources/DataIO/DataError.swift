/// Errors thrown by DataIO: every case says which file (or table column), where, what
/// was expected and what was found. `description` is the one-line message.
public enum DataError: Error, Equatable, CustomStringConvertible, Sendable {
  /// No file at `path`.
  case fileNotFound(path: String)
  /// The operating system refused to read or write `path` (`message` is the reason).
  case io(path: String, message: String)
  /// Malformed text input at a 1-based `line` and character `column` of `path`.
  case malformed(path: String, line: Int, column: Int, message: String)
  /// A binary file whose bytes do not follow its format (bad magic, truncated data...).
  case invalidFile(path: String, message: String)
  /// A well-formed file using a feature DataIO does not read (3-D arrays, complex dtypes...).
  case unsupported(path: String, message: String)
  /// A column name that the table does not have, with the closest existing name if any.
  case unknownColumn(name: String, suggestion: String?)
  /// A column whose length differs from the table's row count.
  case lengthMismatch(column: String, expected: Int, found: Int)
  /// Any other argument outside an operation's domain.
  case invalidArgument(operation: String, message: String)

  public var description: String {
    switch self {
    case .fileNotFound(let path): return "\(path): no such file"
    case .io(let path, let message): return "\(path): \(message)"
    case .malformed(let path, let line, let column, let message):
      return "\(path):\(line):\(column): \(message)"
    case .invalidFile(let path, let message): return "\(path): \(message)"
    case .unsupported(let path, let message): return "\(path): unsupported: \(message)"
    case .unknownColumn(let name, let suggestion):
      if let suggestion { return "no column named '\(name)'; did you mean '\(suggestion)'?" }
      return "no column named '\(name)'"
    case .lengthMismatch(let column, let expected, let found):
      return "column '\(column)' has \(found) rows, expected \(expected)"
    case .invalidArgument(let operation, let message): return "\(operation): \(message)"
    }
  }
}
