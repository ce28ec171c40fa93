#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A rewindable stream of bytes: an open file read with POSIX `read`, or bytes in memory.
/// The readers pull chunks into their own buffers, so a file is never held whole.
final class ByteSource {
  /// The file path, or a label such as `<string>` for bytes in memory.
  let path: String
  private let descriptor: Int32
  private let memory: [UInt8]
  private var offset = 0

  /// Opens `path` for reading; throws `fileNotFound` or `io`.
  init(path: String) throws {
    self.path = path
    memory = []
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
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
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
    if descriptor < 0 {
      let n = min(count, memory.count - offset)
      memory.withUnsafeBytes { source in
        if n > 0 { destination.copyMemory(from: source.baseAddress! + offset, byteCount: n) }
      }
      offset += n
      return n
    }
    while true {
      let n = Glibc_read(descriptor, destination, count)
      if n >= 0 { return n }
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

  /// Starts again from the first byte.
  func rewind() throws {
    if descriptor < 0 {
      offset = 0
    } else if lseek(descriptor, 0, SEEK_SET) != 0 {
      throw DataError.io(path: path, message: Self.reason(errno))
    }
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
