import Foundation
import Numerics

/// Where file writes may go. `--sandbox` restricts them to one folder.
public struct FileAccessPolicy: Sendable {
  /// When set, writes outside this directory (after resolving `..` and symlinks) are refused.
  public var writableRoot: String?

  public init(writableRoot: String? = nil) { self.writableRoot = writableRoot }

  public static let unrestricted = FileAccessPolicy()

  /// Throws an `io` error when `path` may not be written.
  public func checkWrite(_ path: String, span: SourceSpan? = nil) throws(LanguageError) {
    guard let root = writableRoot else { return }
    let rootURL = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath()
    var target = URL(fileURLWithPath: path).standardizedFileURL
    // Resolve symlinks of the deepest existing ancestor.
    var existing = target
    var rest: [String] = []
    while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
      rest.insert(existing.lastPathComponent, at: 0)
      existing.deleteLastPathComponent()
    }
    target = existing.resolvingSymlinksInPath()
    for r in rest { target.appendPathComponent(r) }
    let rootPath = rootURL.path.hasSuffix("/") ? rootURL.path : rootURL.path + "/"
    if !(target.path + "/").hasPrefix(rootPath) {
      throw LanguageError(
        .io,
        "sandbox: refusing to write '\(path)': writes are allowed only inside \(rootURL.path)",
        span: span)
    }
  }
}

/// Everything the host provides to an interpreter: output, cancellation, progress,
/// file policy, the session seed and notebook parameter overrides.
public struct HostConfiguration: @unchecked Sendable {
  /// Receives text from `print` (with its newline).
  public var output: (String) -> Void
  /// Receives warnings (one line each, without newline).
  public var warning: (String) -> Void
  /// Polled by loops, calls and long builtins.
  public var cancellation: Cancellation
  /// Progress of long builtins: (label, done, total).
  public var progress: (String, Int, Int) -> Void
  public var fileAccess: FileAccessPolicy
  /// The session seed: the generator behind `rand`, `randn`, ... starts here.
  public var seed: UInt64
  /// `--set name=value`: values that replace `param` defaults.
  public var parameterOverrides: [String: Value]
  /// Maximum depth of nested user-function calls.
  public var maxCallDepth: Int

  public init(
    output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
    warning: @escaping (String) -> Void = {
      FileHandle.standardError.write(Data("warning: \($0)\n".utf8))
    },
    cancellation: Cancellation = .never,
    progress: @escaping (String, Int, Int) -> Void = { _, _, _ in },
    fileAccess: FileAccessPolicy = .unrestricted,
    seed: UInt64 = 20_261_204,
    parameterOverrides: [String: Value] = [:],
    maxCallDepth: Int = 10_000
  ) {
    self.output = output
    self.warning = warning
    self.cancellation = cancellation
    self.progress = progress
    self.fileAccess = fileAccess
    self.seed = seed
    self.parameterOverrides = parameterOverrides
    self.maxCallDepth = maxCallDepth
  }
}
