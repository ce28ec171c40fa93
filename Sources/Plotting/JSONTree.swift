import Foundation

// Codable to and from a `JSONValue` tree directly, without JSON text in between. Figures
// hold their data in large `[Double]` arrays; Foundation's JSONEncoder/JSONDecoder handle
// those element by element with a coding path each, which took tens of seconds for a
// 10⁶-point line. These produce the same tree JSONEncoder's output parses to (same keys,
// nil optionals left out, non-finite numbers as the strings "nan", "inf", "-inf"), so
// `canonicalJSON()` text is unchanged.

/// A node under construction: an object, an array (numbers kept unboxed until something
/// else arrives) or a finished leaf.
private final class TreeNode {
  var fields: [String: TreeNode]?
  var items: [TreeNode]?
  var numbers: [Double]?
  var leaf: JSONValue?

  var value: JSONValue {
    if let fields { return .object(fields.mapValues(\.value)) }
    if let items { return .array(items.map(\.value)) }
    if let numbers { return .numbers(numbers) }
    return leaf ?? .object([:])
  }

  static func number(_ d: Double) -> JSONValue {
    if d.isNaN { return .string("nan") }
    if d.isInfinite { return .string(d > 0 ? "inf" : "-inf") }
    return .number(d)
  }

  /// The leaf for a primitive `value`, or nil when it is not one. A `[Double]` of finite
  /// numbers (a figure's data) is one leaf, sharing the array's storage: the tree the
  /// element-by-element path would build, without a call per number.
  static func primitive<T>(_ value: T) -> JSONValue? {
    switch value {
    case let a as [Double] where a.allSatisfy(\.isFinite): return .numbers(a)
    case let d as Double: return number(d)
    case let f as Float: return number(Double(f))
    case let i as Int: return .number(Double(i))
    case let i as Int32: return .number(Double(i))
    case let i as Int64: return .number(Double(i))
    case let i as UInt8: return .number(Double(i))
    case let i as UInt32: return .number(Double(i))
    case let i as UInt64: return .number(Double(i))
    case let s as String: return .string(s)
    case let b as Bool: return .bool(b)
    default: return nil
    }
  }

  /// Encodes `value` into this node.
  func encode<T: Encodable>(_ value: T, path: [any CodingKey]) throws {
    if let p = Self.primitive(value) {
      leaf = p
    } else {
      try value.encode(to: TreeEncoder(node: self, codingPath: path))
    }
  }
}

struct TreeEncoder: Encoder {
  fileprivate let node: TreeNode
  var codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  fileprivate init(node: TreeNode, codingPath: [any CodingKey]) {
    self.node = node
    self.codingPath = codingPath
  }

  /// The tree `value` encodes to.
  static func tree<T: Encodable>(_ value: T) throws -> JSONValue {
    let root = TreeNode()
    try root.encode(value, path: [])
    return root.value
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    if node.fields == nil { node.fields = [:] }
    return KeyedEncodingContainer(KeyedTreeEncoder<Key>(node: node, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    if node.items == nil, node.numbers == nil { node.numbers = [] }
    return UnkeyedTreeEncoder(node: node, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleTreeEncoder(node: node, codingPath: codingPath)
  }
}

private struct KeyedTreeEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: TreeNode
  var codingPath: [any CodingKey]

  private func child(_ key: Key) -> TreeNode {
    let c = TreeNode()
    node.fields![key.stringValue] = c
    return c
  }

  mutating func encodeNil(forKey key: Key) throws { child(key).leaf = .null }

  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    try child(key).encode(value, path: codingPath + [key])
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    TreeEncoder(node: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    TreeEncoder(node: child(key), codingPath: codingPath + [key]).unkeyedContainer()
  }

  mutating func superEncoder() -> any Encoder {
    TreeEncoder(node: child(Key(stringValue: "super")!), codingPath: codingPath)
  }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    TreeEncoder(node: child(key), codingPath: codingPath + [key])
  }
}

private struct UnkeyedTreeEncoder: UnkeyedEncodingContainer {
  let node: TreeNode
  var codingPath: [any CodingKey]
  var count: Int { node.numbers?.count ?? node.items?.count ?? 0 }

  /// A new element node; turns the unboxed numbers into nodes first.
  private func append() -> TreeNode {
    if let numbers = node.numbers {
      node.items = numbers.map { d in
        let n = TreeNode()
        n.leaf = .number(d)
        return n
      }
      node.numbers = nil
    }
    let c = TreeNode()
    node.items!.append(c)
    return c
  }

  mutating func encodeNil() throws { append().leaf = .null }

  mutating func encode<T: Encodable>(_ value: T) throws {
    if node.numbers != nil, let d = value as? Double, d.isFinite {
      node.numbers!.append(d)
      return
    }
    try append().encode(value, path: codingPath)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    TreeEncoder(node: append(), codingPath: codingPath).container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    TreeEncoder(node: append(), codingPath: codingPath).unkeyedContainer()
  }

  mutating func superEncoder() -> any Encoder {
    TreeEncoder(node: append(), codingPath: codingPath)
  }
}

private struct SingleTreeEncoder: SingleValueEncodingContainer {
  let node: TreeNode
  var codingPath: [any CodingKey]

  mutating func encodeNil() throws { node.leaf = .null }

  mutating func encode<T: Encodable>(_ value: T) throws {
    try node.encode(value, path: codingPath)
  }
}

/// Decodes Codable values from a `JSONValue` tree (the inverse of `TreeEncoder`).
struct TreeDecoder: Decoder {
  let value: JSONValue
  var codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
    try TreeDecoder(value: value, codingPath: []).decode(type)
  }

  func mismatch(_ expected: String) -> DecodingError {
    DecodingError.typeMismatch(
      Any.self,
      .init(
        codingPath: codingPath, debugDescription: "expected \(expected), found \(value.kind)"))
  }

  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    if let p = try primitive(type) { return p }
    return try T(from: self)
  }

  /// The primitive of type `T` this value holds; nil when `T` is not a primitive type.
  func primitive<T>(_ type: T.Type) throws -> T? {
    func number() throws -> Double {
      switch value {
      case .number(let d): return d
      case .string("nan"): return .nan
      case .string("inf"): return .infinity
      case .string("-inf"): return -.infinity
      default: throw mismatch("a number")
      }
    }
    func integer<I: BinaryInteger>(_: I.Type) throws -> I {
      let d = try number()
      guard let i = I(exactly: d) else { throw mismatch("an integer") }
      return i
    }
    switch type {
    case is Double.Type: return try number() as? T
    case is Float.Type: return Float(try number()) as? T
    case is Int.Type: return try integer(Int.self) as? T
    case is Int32.Type: return try integer(Int32.self) as? T
    case is Int64.Type: return try integer(Int64.self) as? T
    case is UInt8.Type: return try integer(UInt8.self) as? T
    case is UInt32.Type: return try integer(UInt32.self) as? T
    case is UInt64.Type: return try integer(UInt64.self) as? T
    case is String.Type:
      guard case .string(let s) = value else { throw mismatch("a string") }
      return s as? T
    case is Bool.Type:
      guard case .bool(let b) = value else { throw mismatch("true or false") }
      return b as? T
    case is [Double].Type:
      switch value {
      case .numbers(let a): return a as? T
      case .array(let items):
        return try items.map {
          try TreeDecoder(value: $0, codingPath: codingPath).decode(Double.self)
        }
          as? T
      default: throw mismatch("an array")
      }
    default: return nil
    }
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    guard case .object(let fields) = value else { throw mismatch("an object") }
    return KeyedDecodingContainer(
      KeyedTreeDecoder<Key>(fields: fields, codingPath: codingPath))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    switch value {
    case .array(let items): return UnkeyedTreeDecoder(items: items, codingPath: codingPath)
    case .numbers(let a):
      return UnkeyedTreeDecoder(items: a.map { .number($0) }, codingPath: codingPath)
    default: throw mismatch("an array")
    }
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer {
    SingleTreeDecoder(decoder: self)
  }
}

extension JSONValue {
  /// What kind of JSON value this is, for error messages.
  var kind: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .number: return "a number"
    case .string(let s): return "the string \"\(s)\""
    case .numbers, .array: return "an array"
    case .object: return "an object"
    }
  }
}

private struct KeyedTreeDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let fields: [String: JSONValue]
  var codingPath: [any CodingKey]

  var allKeys: [Key] { fields.keys.compactMap { Key(stringValue: $0) } }

  func contains(_ key: Key) -> Bool { fields[key.stringValue] != nil }

  private func child(_ key: Key) throws -> TreeDecoder {
    guard let v = fields[key.stringValue] else {
      throw DecodingError.keyNotFound(
        key, .init(codingPath: codingPath, debugDescription: "no field \"\(key.stringValue)\""))
    }
    return TreeDecoder(value: v, codingPath: codingPath + [key])
  }

  func decodeNil(forKey key: Key) throws -> Bool {
    if case .null = try child(key).value { return true }
    return false
  }

  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
    try child(key).decode(type)
  }

  func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key)
    throws -> KeyedDecodingContainer<NestedKey>
  {
    try child(key).container(keyedBy: type)
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    try child(key).unkeyedContainer()
  }

  func superDecoder() throws -> any Decoder { try child(Key(stringValue: "super")!) }

  func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

private struct UnkeyedTreeDecoder: UnkeyedDecodingContainer {
  let items: [JSONValue]
  var codingPath: [any CodingKey]
  var currentIndex = 0
  var count: Int? { items.count }
  var isAtEnd: Bool { currentIndex >= items.count }

  init(items: [JSONValue], codingPath: [any CodingKey]) {
    self.items = items
    self.codingPath = codingPath
  }

  private mutating func next() throws -> TreeDecoder {
    guard !isAtEnd else {
      throw DecodingError.valueNotFound(
        Any.self,
        .init(codingPath: codingPath, debugDescription: "expected more array elements"))
    }
    currentIndex += 1
    return TreeDecoder(value: items[currentIndex - 1], codingPath: codingPath)
  }

  mutating func decodeNil() throws -> Bool {
    guard !isAtEnd, case .null = items[currentIndex] else { return false }
    currentIndex += 1
    return true
  }

  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
    -> KeyedDecodingContainer<NestedKey>
  {
    try next().container(keyedBy: type)
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
    try next().unkeyedContainer()
  }

  mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleTreeDecoder: SingleValueDecodingContainer {
  let decoder: TreeDecoder
  var codingPath: [any CodingKey] { decoder.codingPath }

  func decodeNil() -> Bool {
    if case .null = decoder.value { return true }
    return false
  }

  func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type) }
}
