import Foundation

/// The one-line progress bar of long builtins, drawn on stderr when it is a terminal:
///
///     eigh  [###########.........................]  31%  ETA 0:07
///
/// Nothing is drawn for work that finishes within `delay`, and the line is redrawn at
/// most every `interval` seconds. The estimate assumes the remaining steps take as long
/// as the ones done so far: ETA = elapsed · (total − done) / done.
final class ProgressBar {
  private let enabled: Bool
  private let delay = 0.3
  private let interval = 0.1
  private let width = 30
  private var label = ""
  private var started = 0.0
  private var lastDrawn = 0.0
  private var shown = false

  init(enabled: Bool = isatty(2) != 0) { self.enabled = enabled }

  /// Reports that `done` of `total` steps of `label` are complete.
  func report(_ label: String, _ done: Int, _ total: Int) {
    guard enabled, total > 0 else { return }
    let now = Self.now()
    if label != self.label || done == 0 {
      self.label = label
      started = now
    }
    if done >= total {
      clear()
      return
    }
    let elapsed = now - started
    guard elapsed >= delay, now - lastDrawn >= interval else { return }
    lastDrawn = now
    let fraction = Double(done) / Double(total)
    let filled = Int(fraction * Double(width))
    var line = "\r\(label)  [\(String(repeating: "#", count: filled))"
    line += String(repeating: ".", count: width - filled) + "]"
    line += "  \(Int(fraction * 100))%"
    if done > 0 {
      line += "  ETA " + Self.clock(elapsed * Double(total - done) / Double(done))
    }
    write(line + "\u{1B}[K")
    shown = true
  }

  /// Removes the bar (after the statement, or when the work completes).
  func clear() {
    guard shown else { return }
    write("\r\u{1B}[K")
    shown = false
  }

  /// `m:ss`, or `h:mm:ss` past an hour.
  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded(.up))
    let (h, m, r) = (s / 3600, (s / 60) % 60, s % 60)
    let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
    return h > 0 ? "\(h):\(two(m)):\(two(r))" : "\(m):\(two(r))"
  }

  private func write(_ s: String) {
    FileHandle.standardError.write(Data(s.utf8))
  }

  private static func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
  }
}
