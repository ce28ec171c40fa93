import Foundation
import Language
import Library
import Notebook

/// `replica sweep point DIR N [--force]`: runs point N of the sweep in DIR, exactly as
/// `replica run NOTEBOOK --set …` with that point's values, in the point's own folder.
///
/// This is the one command every scheduler runs (local child processes, SLURM array
/// tasks, GNU parallel jobs). It holds an exclusive lock on the point while it runs, so a
/// point never runs twice at once; a point that already finished successfully is not run
/// again (unless `--force`), which makes resubmitting a whole array safe. Everything the
/// run prints goes to the point's `log`; `status.json` is written last.
enum SweepPoint {
  /// sysexits EX_TEMPFAIL: another process is running this point.
  static let busy: Int32 = 75

  static func command(_ args: ArraySlice<String>) -> Int32 {
    var positional: [String] = []
    var force = false
    for a in args {
      if a == "--force" {
        force = true
      } else if a.hasPrefix("-") {
        printErr("usage error: unknown option '\(a)' for replica sweep point")
        return ExitCode.usage
      } else {
        positional.append(a)
      }
    }
    guard positional.count == 2 else {
      printErr("usage error: replica sweep point DIR N [--force]")
      return ExitCode.usage
    }
    let manifest: SweepManifest
    do {
      manifest = try SweepManifest.load(absolutePath(positional[0]))
    } catch {
      printErr("error: \(error)")
      return ExitCode.io
    }
    guard let point = Int(positional[1]), point >= 1, point <= manifest.count else {
      printErr(
        "usage error: point expected a number from 1 to \(manifest.count), found '\(positional[1])'"
      )
      return ExitCode.usage
    }
    return run(manifest, point, force: force)
  }

  static func run(_ m: SweepManifest, _ point: Int, force: Bool) -> Int32 {
    let folder = m.folder(point)
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      printErr("error: cannot create \(folder): \(error.localizedDescription)")
      return ExitCode.io
    }
    let lock = PointLock.acquire(folder)
    guard let lock else {
      printErr("point \(point) of \(m.directory) is being run by another process; not started")
      return busy
    }
    defer { lock.release() }
    if !force, m.state(point).succeeded {
      print("point \(point) of \(m.directory) has finished already (\(m.statusPath(point)))")
      return ExitCode.ok
    }
    for stale in [m.statusPath(point), m.resultsPath(point)] {
      try? FileManager.default.removeItem(atPath: stale)
    }
    let logFD = open(m.log(point), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard logFD >= 0 else {
      printErr("error: cannot write \(m.log(point)): \(String(cString: strerror(errno)))")
      return ExitCode.io
    }
    dup2(logFD, 1)
    dup2(logFD, 2)
    close(logFD)
    let host = ProcessInfo.processInfo.hostName
    m.appendJournal("start \(m.id(point)) host=\(host) pid=\(getpid()) \(timestamp())")
    let started = Date()
    let code = execute(m, point)
    let seconds = Date().timeIntervalSince(started)
    do {
      try m.writeStatus(point, exit: code, seconds: seconds)
    } catch {
      printErr("error: cannot write \(m.statusPath(point)): \(error)")
      m.appendJournal("end \(m.id(point)) exit=\(ExitCode.io) \(timestamp())")
      return ExitCode.io
    }
    m.appendJournal("end \(m.id(point)) exit=\(code) \(timestamp())")
    return code
  }

  /// Runs the notebook copy with the point's parameters; writes the output notebook and
  /// the declared results. Returns the exit code `replica run` would give.
  static func execute(_ m: SweepManifest, _ point: Int) -> Int32 {
    let say = { (s: String) in FileHandle.standardOutput.write(Data((s + "\n").utf8)) }
    say("# replica sweep: point \(point) of \(m.count): \(m.describe(point))")
    say("# replay: \(m.replayCommand(point))")
    var options = RunOptions()
    do {
      for (name, value) in zip(m.names, m.points[point - 1]) {
        let (n, v) = try parseOverride("\(name)=\(value.expression)")
        options.overrides[n] = v
      }
    } catch {
      printErr("error: \(error)")
      return ExitCode.usage
    }
    let doc: NotebookDocument
    do {
      doc = try NotebookDocument.load(m.notebookCopy)
    } catch {
      printErr("error: cannot read \(m.notebookCopy): \(error.localizedDescription)")
      return ExitCode.io
    }
    final class Captured { var interp: Interpreter? }
    let captured = Captured()
    var runner = makeRunner(options, file: m.outputNotebook(point))
    runner.prepare = {
      Session.prepare($0)
      captured.interp = $0
    }
    runner.echo = { FileHandle.standardOutput.write(Data($0.utf8)) }
    guard FileManager.default.changeCurrentDirectoryPath(m.folder(point)) else {
      printErr("error: cannot enter \(m.folder(point))")
      return ExitCode.io
    }
    let outcome = runner.run(doc, check: false)
    do {
      try NotebookRunner.writeAtomically(outcome.updatedText, to: m.outputNotebook(point))
    } catch {
      printErr("error: cannot write the output notebook: \(error)")
      return ExitCode.io
    }
    for name in Set(options.overrides.keys).subtracting(outcome.usedParameters).sorted() {
      printErr("warning: --set \(name): the notebook declares no 'param \(name)'")
    }
    if let e = outcome.error {
      printErr(outcome.errorText ?? ErrorRenderer.render(e))
      return ExitCode.of(e)
    }
    let results = captured.interp.map { Results.collected(in: $0) } ?? []
    guard !results.isEmpty else {
      say("# no result(...) declared")
      return ExitCode.ok
    }
    do {
      try SweepResults.write(results, to: m.resultsPath(point))
    } catch {
      printErr("error: cannot write \(m.resultsPath(point)): \(error)")
      return ExitCode.io
    }
    return ExitCode.ok
  }

  static func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }
}

/// An exclusive `flock` on a point folder's `lock` file, released when the process ends
/// (however it ends), so a killed run never leaves a stale lock.
final class PointLock {
  private let fd: Int32

  private init(fd: Int32) { self.fd = fd }

  /// The lock, or nil when another process holds it.
  static func acquire(_ folder: String) -> PointLock? {
    let fd = open("\(folder)/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return nil }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      return nil
    }
    return PointLock(fd: fd)
  }

  /// True when some process holds the point's lock now.
  static func isHeld(_ folder: String) -> Bool {
    guard FileManager.default.fileExists(atPath: "\(folder)/lock") else { return false }
    guard let l = acquire(folder) else { return true }
    l.release()
    return false
  }

  func release() {
    flock(fd, LOCK_UN)
    close(fd)
  }
}

/// Absolute, standardized form of a path given on the command line.
func absolutePath(_ path: String) -> String {
  URL(fileURLWithPath: path).standardizedFileURL.path
}
