import Foundation

/// A file format the renderer writes, chosen by the output file's extension.
public enum OutputFormat: String, Sendable, CaseIterable {
  case pdf
  case png
  case svg
  case eps

  /// The PLplot cairo device for this format.
  var device: String { rawValue + "cairo" }

  /// Vector formats measure the page in points (1/72 in); PNG in pixels at `dpi`.
  var isRaster: Bool { self == .png }

  /// The format named by the extension of `path` (case-insensitive).
  public init(path: String) throws {
    let ext = (path as NSString).pathExtension
    guard let f = OutputFormat(rawValue: ext.lowercased()) else {
      throw PlotError.unsupportedFormat(path: path, found: ext)
    }
    self = f
  }

  /// Throws unless a file can be created or replaced at `path`.
  static func checkWritable(_ path: String) throws {
    let fm = FileManager.default
    let dir = (path as NSString).deletingLastPathComponent
    let directory = dir.isEmpty ? fm.currentDirectoryPath : dir
    var isDir: ObjCBool = false
    guard fm.fileExists(atPath: directory, isDirectory: &isDir) else {
      throw PlotError.unwritablePath(
        path: path, reason: "the directory \(directory) does not exist")
    }
    guard isDir.boolValue else {
      throw PlotError.unwritablePath(path: path, reason: "\(directory) is not a directory")
    }
    if fm.fileExists(atPath: path, isDirectory: &isDir) {
      guard !isDir.boolValue else {
        throw PlotError.unwritablePath(path: path, reason: "it is a directory")
      }
      guard fm.isWritableFile(atPath: path) else {
        throw PlotError.unwritablePath(path: path, reason: "the file is not writable")
      }
    } else if !fm.isWritableFile(atPath: directory) {
      throw PlotError.unwritablePath(
        path: path, reason: "the directory \(directory) is not writable")
    }
  }
}
