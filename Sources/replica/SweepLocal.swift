import Foundation

/// `replica sweep … --local [--jobs N]`: runs the unfinished points as child processes
/// (`replica sweep point DIR N`) on this machine, at most N at a time.
///
/// Resumable: points that finished successfully are skipped; failed ones run again.
/// A point whose lock another process holds (a run left over from an earlier, killed
/// sweep) is waited for, not started twice. Every failure is reported with the end of
/// its log. Ctrl-C (SIGINT) or SIGTERM stops cleanly: no new point starts, running points
/// get SIGTERM (SIGKILL after a grace period, or at a second Ctrl-C), and the command
/// says how to resume. Progress goes to stderr: a bar with ETA on a terminal, one line
/// per finished point otherwise.
final class LocalSweep {
  let manifest: SweepManifest
  let jobs: Int
  let executable: String
  private let progress: SweepProgress
  private let stop = StopSignal()

  private struct Running {
    let point: Int
    let process: SweepChild
  }

  init(_ manifest: SweepManifest, jobs: Int, executable: String) {
    self.manifest = manifest
    self.jobs = jobs
    self.executable = executable
    progress = SweepProgress(total: manifest.count, terminal: isatty(2) == 1)
  }

  /// Runs the sweep; returns 0 when every point succeeded, 1 when some failed, 130 when
  /// interrupted.
  func run() -> Int32 {
    let m = manifest
    var queue: [Int] = []
    var alreadyDone = 0
    for p in 1...m.count {
      if m.state(p).succeeded { alreadyDone += 1 } else { queue.append(p) }
    }
    progress.start(alreadyDone: alreadyDone)
    if queue.isEmpty {
      progress.finish()
      printErr("sweep \(m.directory): all \(m.count) points have finished already")
      return ExitCode.ok
    }
    printErr(
      "sweep \(m.directory): \(queue.count) point\(queue.count == 1 ? "" : "s") to run"
        + (alreadyDone > 0 ? " (\(alreadyDone) finished already)" : "")
        + ", \(min(jobs, queue.count)) at a time")
    stop.install()
    defer { stop.uninstall() }
    var running: [Running] = []
    var waiting: [Int] = []
    var failed: [Int] = []
    queue.reverse()
    while !stop.requested && (!queue.isEmpty || !running.isEmpty || !waiting.isEmpty) {
      var index = 0
      while index < running.count {
        let r = running[index]
        if r.process.isRunning {
          index += 1
          continue
        }
        running.remove(at: index)
        let code = r.process.exitCode
        if code == SweepPoint.busy {
          waiting.append(r.point)
        } else if r.process.signal == SIGINT {
          // Ctrl-C reaches the whole foreground process group: the point was stopped,
          // it did not fail (it runs again on resume).
          queue.append(r.point)
        } else if code == 0 && m.state(r.point).succeeded {
          progress.finished(r.point, ok: true, describe: m.describe(r.point))
        } else {
          failed.append(r.point)
          progress.finished(r.point, ok: false, describe: m.describe(r.point))
          reportFailure(r.point, r.process)
        }
      }
      // Points another process was running: count them when its lock is released.
      waiting.removeAll { p in
        if PointLock.isHeld(m.folder(p)) { return false }
        if m.state(p).succeeded {
          progress.finished(p, ok: true, describe: m.describe(p))
        } else {
          queue.append(p)
        }
        return true
      }
      while running.count < jobs, let p = queue.popLast(), !stop.requested {
        if PointLock.isHeld(m.folder(p)) {
          waiting.append(p)
          continue
        }
        do {
          running.append(Running(point: p, process: try launch(p)))
        } catch {
          failed.append(p)
          progress.finished(p, ok: false, describe: m.describe(p))
          progress.message("point \(p): could not start \(executable): \(error)")
        }
      }
      progress.update(running: running.count)
      usleep(40_000)
    }
    if stop.requested {
      progress.message(
        "interrupted: stopping \(running.count) running point\(running.count == 1 ? "" : "s")")
      terminate(running.map(\.process))
      progress.finish()
      let done = (1...m.count).filter { m.state($0).succeeded }.count
      printErr(
        "sweep \(m.directory): interrupted with \(done) of \(m.count) points done; the points that were running will run again: resume with the same command"
      )
      return 130
    }
    progress.finish()
    let done = (1...m.count).filter { m.state($0).succeeded }.count
    printErr(
      "sweep \(m.directory): \(done) of \(m.count) points done, \(failed.count) failed, in \(SweepProgress.clock(progress.elapsed))"
    )
    if !failed.isEmpty {
      printErr("failed points (rerun the same command to retry them):")
      for p in failed.sorted().prefix(20) {
        printErr("  point \(p) \(m.describe(p)): log \(m.log(p))")
      }
      if failed.count > 20 {
        printErr("  … and \(failed.count - 20) more: replica sweep collect lists them all")
      }
      return ExitCode.divergence
    }
    printErr("collect the results with: replica sweep collect \(shellQuote(m.directory))")
    return ExitCode.ok
  }

  private func launch(_ point: Int) throws -> SweepChild {
    var env = ProcessInfo.processInfo.environment
    if env["OPENBLAS_NUM_THREADS"] == nil { env["OPENBLAS_NUM_THREADS"] = "1" }
    return try SweepChild.spawn(
      executable, ["sweep", "point", manifest.directory, String(point)], environment: env)
  }

  /// The first few failures show the end of their log; later ones one line each.
  private static let detailedFailures = 3
  private var failuresReported = 0

  private func reportFailure(_ point: Int, _ child: SweepChild) {
    let m = manifest
    let how =
      child.signal.map { "was killed by signal \($0)" }
      ?? "failed with exit \(child.exitCode ?? -1)"
    failuresReported += 1
    var lines = ["point \(point) \(m.describe(point)) \(how); log \(m.log(point))"]
    if failuresReported <= Self.detailedFailures {
      lines[0] += ":"
      let tail = m.logTail(point)
      lines += tail.isEmpty ? ["  (the log is empty)"] : tail.map { "  | \($0)" }
    }
    progress.message(lines.joined(separator: "\n"))
  }

  /// SIGTERM to every child; SIGKILL to those still running after 5 s or at another
  /// Ctrl-C.
  private func terminate(_ children: [SweepChild]) {
    for c in children { c.send(SIGTERM) }
    let deadline = Date().addingTimeInterval(5)
    let presses = stop.count
    while children.contains(where: \.isRunning) {
      if Date() > deadline || stop.count > presses {
        for c in children { c.send(SIGKILL) }
      }
      usleep(20_000)
    }
  }
}

/// SIGINT and SIGTERM as a flag the sweep loop polls (the signals' default actions are
/// suspended while it is installed).
final class StopSignal: @unchecked Sendable {
  private let lock = NSLock()
  private var presses = 0
  private var sources: [DispatchSourceSignal] = []

  var count: Int { lock.withLock { presses } }
  var requested: Bool { count > 0 }

  func install() {
    for sig in [SIGINT, SIGTERM] {
      signal(sig, SIG_IGN)
      let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      s.setEventHandler { [weak self] in
        guard let self else { return }
        self.lock.withLock { self.presses += 1 }
      }
      s.resume()
      sources.append(s)
    }
  }

  func uninstall() {
    for s in sources { s.cancel() }
    sources.removeAll()
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}

/// The sweep's progress on stderr: a redrawn bar with ETA on a terminal, a line per
/// finished point otherwise.
final class SweepProgress {
  let total: Int
  let terminal: Bool
  private var done = 0
  private var failed = 0
  private var finishedThisRun = 0
  private var running = 0
  private var started = Date()
  private var barShown = false
  private var lastBar = ""

  init(total: Int, terminal: Bool) {
    self.total = total
    self.terminal = terminal
  }

  var elapsed: Double { Date().timeIntervalSince(started) }

  func start(alreadyDone: Int) {
    done = alreadyDone
    started = Date()
  }

  func finished(_ point: Int, ok: Bool, describe: String) {
    if ok { done += 1 } else { failed += 1 }
    finishedThisRun += 1
    if !terminal {
      printErr(
        "[\(done + failed)/\(total)] point \(point) \(describe): \(ok ? "done" : "FAILED")")
    }
    draw()
  }

  func update(running: Int) {
    self.running = running
    draw()
  }

  /// A message on its own lines (the bar is redrawn below it).
  func message(_ text: String) {
    clear()
    printErr(text)
    draw()
  }

  func finish() {
    clear()
  }

  /// Estimated seconds left from this run's throughput, or nil before the first point.
  var eta: Double? {
    guard finishedThisRun > 0 else { return nil }
    let left = total - done - failed
    return elapsed / Double(finishedThisRun) * Double(left)
  }

  private func clear() {
    guard terminal, barShown else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    barShown = false
    lastBar = ""
  }

  private func draw() {
    guard terminal else { return }
    let width = 30
    let filled = total == 0 ? width : (done + failed) * width / total
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    var s = "\r[\(bar)] \(done + failed)/\(total)"
    if failed > 0 { s += ", \(failed) failed" }
    s += ", \(running) running, \(Self.clock(elapsed))"
    s += ", ETA " + (eta.map(Self.clock) ?? "--:--")
    guard s != lastBar else { return }
    lastBar = s
    FileHandle.standardError.write(Data((s + "\u{1B}[K").utf8))
    barShown = true
  }

  /// `m:ss` or `h:mm:ss`.
  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60)
    let two = { (x: Int) in x < 10 ? "0\(x)" : "\(x)" }
    return h > 0 ? "\(h):\(two(m)):\(two(sec))" : "\(m):\(two(sec))"
  }
}
