import DataIO
import Foundation

/// CSV loading benchmark: a ~100 MB all-numeric CSV of 10 columns, generated once into
/// `bench/.data/` from a fixed seed, read by `CSV.read` (compare `bench/python/dataio.py`
/// for pandas and numpy; `bench/data.sh` runs both sides and prints the table).
///
/// `replica-bench data --generate` only makes the file; `replica-bench data` times the
/// load (median of `REPEAT` runs, default 3) and prints `seconds`, `rows`, `payload_mb`.
enum DataBench {
  static let dataDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent(".data")
  static let file = dataDirectory.appendingPathComponent("numeric-100mb.csv").path
  static let targetBytes = 100_000_000

  static func run() {
    do {
      try generateIfMissing()
      if CommandLine.arguments.contains("--generate") { return }
      let repeats = Int(ProcessInfo.processInfo.environment["REPEAT"] ?? "") ?? 3
      var times: [Double] = []
      var rows = 0
      var columns = 0
      for _ in 0..<max(repeats, 1) {
        let start = DispatchTime.now().uptimeNanoseconds
        let table = try CSV.read(path: file)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        rows = table.rowCount
        columns = table.columnCount
      }
      let median = times.sorted()[times.count / 2]
      print("seconds \(median)")
      print("rows \(rows)")
      print("payload_mb \(Double(rows * columns * 8) / 1e6)")
    } catch {
      FileHandle.standardError.write(Data("data bench: \(error)\n".utf8))
      exit(1)
    }
  }

  /// Writes the benchmark file (once): an integer index, six full-precision columns
  /// (shortest round-trip text, 15–17 digits, as simulations dump them) and three
  /// columns rounded to 6 decimals, from a SplitMix64 stream with a fixed seed.
  static func generateIfMissing() throws {
    if FileManager.default.fileExists(atPath: file) { return }
    try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
    var state: UInt64 = 0x5EED_DA7A
    func uniform() -> Double {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
    }
    let partial = file + ".partial"
    guard FileManager.default.createFile(atPath: partial, contents: nil) else {
      throw CocoaError(.fileWriteUnknown)
    }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
    var text = "i,a,b,c,d,e,f,g,h,k\n"
    var written = 0
    var i = 0
    while written < targetBytes {
      var line = String(i)
      for c in 0..<9 {
        let u = uniform()
        let x = c < 6 ? (u - 0.5) * pow(10, Double(c - 2)) : (u * 1000).rounded() / 1000 + Double(c)
        line += "," + x.description
      }
      text += line + "\n"
      i += 1
      if text.utf8.count > 1 << 20 {
        written += text.utf8.count
        handle.write(Data(text.utf8))
        text = ""
      }
    }
    handle.write(Data(text.utf8))
    try handle.close()
    try FileManager.default.moveItem(atPath: partial, toPath: file)
  }
}
