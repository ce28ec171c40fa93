#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A rewindable stream of bytes: an open file read with POSIX `read`, or bytes in memory.
/// The readers pull chunks into their own buffers, so a file is never held whole.
///
/// A `window(from:)` serves the same bytes from an offset on, with its own position (a
/// file window reads with `pread`), so two readers can take two parts of one file at once;
/// `limit` makes the input end early.
final class ByteSource {
  /// The file path, or a label such as `<string>` for bytes in memory.
  let path: String
  private let descriptor: Int32
  private let memory: [UInt8]
  /// The source whose descriptor a window shares (kept open while the window lives).
  private let owner: ByteSource?
  /// Where the bytes served start: 0, or a window's offset.
  private let lower: Int
  /// The offset of the next byte served.
  private var position: Int
  /// The offset where the input ends early, when set.
  var limit: Int?

  /// Opens `path` for reading; throws `fileNotFound` or `io`.
  init(path: String) throws {
    self.path = path
    memory = []
    owner = nil
    lower = 0
    position = 0
    descriptor = open(path, O_RDONLY)
    if descriptor < 0 {
      let code = errno
      if code == ENOENT { throw DataError.fileNotFound(path: path) }
      throw DataError.io(path: path, message: Self.reason(code))
    }
    var info = stat()
    if fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
      close(descriptor)
      throw DataError.io(path: path, message: "is a directory, expected a file")
    }
  }

  /// Serves `bytes` as if they were a file called `label`.
  init(bytes: [UInt8], label: String) {
    path = label
    memory = bytes
    descriptor = -1
    owner = nil
    lower = 0
    position = 0
  }

  private init(windowOf source: ByteSource, from offset: Int) {
    path = source.path
    memory = source.memory
    descriptor = source.descriptor
    owner = source
    lower = offset
    position = offset
  }

  deinit {
    if descriptor >= 0 && owner == nil { close(descriptor) }
  }

  /// The same bytes from `offset` on, read independently of this source; only for a
  /// source whose `size` is known.
  func window(from offset: Int) -> ByteSource {
    ByteSource(windowOf: self, from: offset)
  }

  /// Up to `count` bytes at `offset`, without moving the position (fewer at the end);
  /// only for a source whose `size` is known.
  func bytes(at offset: Int, count: Int) throws -> [UInt8] {
    let piece = window(from: offset)
    return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      initialized = try piece.readFully(into: buffer.baseAddress!, count: count)
    }
  }

  /// Total size in bytes when known (a regular file or memory).
  var size: Int? {
    if descriptor < 0 { return memory.count }
    var info = stat()
    guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int(info.st_size)
  }

  /// Reads up to `count` bytes into `destination`; 0 means end of input.
  func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
    var count = count
    if let limit { count = max(0, min(count, limit - position)) }
    if count == 0 { return 0 }
    if descriptor < 0 {
      let n = min(count, memory.count - position)
      memory.withUnsafeBytes { source in
        if n > 0 { destination.copyMemory(from: source.baseAddress! + position, byteCount: n) }
      }
      position += n
      return n
    }
    while true {
      let n =
        owner == nil
        ? Glibc_read(descriptor, destination, count)
        : pread(descriptor, destination, count, off_t(position))
      if n >= 0 {
        position += n
        return n
      }
      if errno != EINTR { throw DataError.io(path: path, message: Self.reason(errno)) }
    }
  }

  /// Fills `destination` completely unless the input ends first; returns the bytes read.
  func readFully(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
    var total = 0
    while total < count {
      let n = try read(into: destination + total, count: count - total)
      if n == 0 { break }
      total += n
    }
    return total
  }

  /// Starts again from the first byte, without a limit.
  func rewind() throws {
    if descriptor >= 0 && owner == nil && lseek(descriptor, 0, SEEK_SET) != 0 {
      throw DataError.io(path: path, message: Self.reason(errno))
    }
    position = lower
    limit = nil
  }

  static func reason(_ code: Int32) -> String {
    String(cString: strerror(code))
  }
}

/// POSIX `read`, named apart from `ByteSource.read`.
@inline(__always)
private func Glibc_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
  #else
    return Darwin.read(fd, buffer, count)
  #endif
}
