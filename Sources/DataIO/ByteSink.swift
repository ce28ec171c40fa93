#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A buffered file writer over POSIX `write`: bytes collect in memory and go out in
/// 1 MiB blocks. The file is written to a temporary name beside the target and renamed
/// over it on `finish()`, so a failed save never leaves a half-written file.
final class ByteSink {
  let path: String
  private let temporaryPath: String
  private var descriptor: Int32
  private var pending: [UInt8] = []
  private static let blockSize = 1 << 20

  init(path: String) throws {
    self.path = path
    temporaryPath = path + ".partial-\(getpid())"
    descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if descriptor < 0 {
      throw DataError.io(path: path, message: "cannot write: \(ByteSource.reason(errno))")
    }
    pending.reserveCapacity(Self.blockSize)
  }

  deinit {
    if descriptor >= 0 {
      close(descriptor)
      unlink(temporaryPath)
    }
  }

  @inline(__always)
  func append(_ byte: UInt8) throws {
    pending.append(byte)
    if pending.count >= Self.blockSize { try flush() }
  }

  func append(_ bytes: some Sequence<UInt8>) throws {
    pending.append(contentsOf: bytes)
    if pending.count >= Self.blockSize { try flush() }
  }

  func append(raw: UnsafeRawBufferPointer) throws {
    pending.append(contentsOf: raw)
    if pending.count >= Self.blockSize { try flush() }
  }

  private func flush() throws {
    try pending.withUnsafeBytes { bytes in
      var done = 0
      while done < bytes.count {
        let n = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
        if n < 0 {
          if errno == EINTR { continue }
          throw DataError.io(path: path, message: "write failed: \(ByteSource.reason(errno))")
        }
        done += n
      }
    }
    pending.removeAll(keepingCapacity: true)
  }

  /// Writes what is left, closes the file and moves it into place.
  func finish() throws {
    try flush()
    let code = close(descriptor)
    descriptor = -1
    if code != 0 || rename(temporaryPath, path) != 0 {
      let reason = ByteSource.reason(errno)
      unlink(temporaryPath)
      throw DataError.io(path: path, message: "cannot write: \(reason)")
    }
  }
}
