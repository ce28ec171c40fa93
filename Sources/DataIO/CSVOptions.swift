/// How to read a delimited text file (the `readcsv` keyword arguments).
public struct CSVOptions: Sendable, Equatable {
  /// The field separator; nil detects it: tab for `.tsv`/`.tab` files, otherwise the
  /// most frequent of `,` tab `;` outside quotes in the first data line (`,` if none).
  public var separator: Character?
  /// Whether the first row names the columns; nil detects it: a header when every field
  /// of the first row is non-numeric while some later row has a number.
  public var header: Bool?
  /// A character that starts a comment running to the end of its line (outside quotes).
  public var comment: Character?
  /// Number of lines to skip at the start of the file, before anything else is read.
  public var skip: Int

  public init(
    separator: Character? = nil, header: Bool? = nil, comment: Character? = nil, skip: Int = 0
  ) {
    self.separator = separator
    self.header = header
    self.comment = comment
    self.skip = skip
  }

  /// The options as bytes, checked: single ASCII characters, distinct, and not a quote
  /// or line break; a non-negative skip.
  func validated() throws -> (separator: UInt8?, comment: UInt8?) {
    func byte(_ c: Character?, _ role: String) throws -> UInt8? {
      guard let c else { return nil }
      guard let b = c.asciiValue, c != "\"", c != "\n", c != "\r" else {
        throw DataError.invalidArgument(
          operation: "readcsv",
          message:
            "\(role) must be one ASCII character other than a quote or line break, found \(c.debugDescription)"
        )
      }
      return b
    }
    let s = try byte(separator, "separator")
    let c = try byte(comment, "comment")
    if let s, s == c {
      throw DataError.invalidArgument(
        operation: "readcsv", message: "separator and comment are the same character")
    }
    guard skip >= 0 else {
      throw DataError.invalidArgument(
        operation: "readcsv", message: "skip must be 0 or more, found \(skip)")
    }
    return (s, c)
  }
}
