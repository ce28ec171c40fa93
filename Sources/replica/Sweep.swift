import Foundation
import Language
import Notebook

/// `replica sweep`: many runs of one notebook over a grid of its `param`s.
///
/// Replica has no cluster layer of its own: a sweep is a folder with a manifest of points
/// (see `SweepManifest`), each point one `replica sweep point DIR N` command, and the
/// schedulers researchers already have run them — child processes on this machine
/// (`--local`), a SLURM job array (`--emit slurm`) or GNU parallel (`--emit parallel`).
/// `replica sweep collect DIR` gathers the declared results into one table.
enum Sweep {
  static let usage = """
    usage:
      replica sweep NOTEBOOK --grid name=SPEC ... [--points FILE.csv] [--out DIR]
                    [--local [--jobs N] | --emit slurm|parallel [scheduler options]]
      replica sweep DIR --local [--jobs N] | --emit slurm|parallel   (an existing sweep)
      replica sweep collect DIR [-o FILE.csv]
      replica sweep point DIR N [--force]

    SPEC: start:stop:step (both ends included), a..b (integers), v1,v2,... or one value.
    --points FILE.csv: one point per row, the header names the params (crossed with --grid).
    --out DIR: the sweep folder (default: ./NAME-sweep); running again resumes it.
    --local: run here as child processes, --jobs N at a time (default: number of cores).
    --emit slurm: write DIR/sweep.slurm, a job array; options --throttle N, --time T,
      --mem M, --partition P, --cpus-per-task N, --job-name NAME, --sbatch "OPTION" ...
    --emit parallel: write DIR/parallel.jobs and DIR/parallel.sh (GNU parallel, joblog)
      [--jobs N].
    Without --local or --emit the manifest is written and the plan printed.
    """

  struct Options {
    var target: String?
    var axes: [SweepAxis] = []
    var pointsFile: String?
    var out: String?
    var local = false
    var jobs: Int?
    var emit: String?
    var slurm = SlurmOptions()
    var executable: String?
  }

  static func command(_ args: ArraySlice<String>) -> Int32 {
    switch args.first {
    case "collect": return SweepCollect.command(args.dropFirst())
    case "point": return SweepPoint.command(args.dropFirst())
    case "--help", "-h", "help":
      print(usage)
      return ExitCode.ok
    default: break
    }
    do {
      let o = try parse(args)
      let m = try prepare(o)
      return try dispatch(o, m)
    } catch CLIError.usage(let message) {
      printErr("usage error: \(message)\n\(usage)")
      return ExitCode.usage
    } catch let e as SweepError {
      printErr("error: \(e)")
      if case .differentSweep = e { return ExitCode.usage }
      return ExitCode.io
    } catch {
      printErr("error: \(error)")
      return ExitCode.io
    }
  }

  static func parse(_ args: ArraySlice<String>) throws -> Options {
    var o = Options()
    var it = args.makeIterator()
    func value(_ flag: String) throws -> String {
      guard let v = it.next() else { throw CLIError.usage("\(flag) needs a value") }
      return v
    }
    func positive(_ flag: String) throws -> Int {
      let v = try value(flag)
      guard let n = Int(v), n > 0 else {
        throw CLIError.usage("\(flag) expects a positive integer, found '\(v)'")
      }
      return n
    }
    while let a = it.next() {
      switch a {
      case "--grid": o.axes.append(try SweepGrid.axis(try value(a)))
      case "--points": o.pointsFile = try value(a)
      case "--out", "-o": o.out = try value(a)
      case "--local": o.local = true
      case "--jobs", "-j": o.jobs = try positive(a)
      case "--emit":
        let v = try value(a)
        guard v == "slurm" || v == "parallel" else {
          throw CLIError.usage("--emit expects slurm or parallel, found '\(v)'")
        }
        o.emit = v
      case "--throttle": o.slurm.throttle = try positive(a)
      case "--time": o.slurm.time = try value(a)
      case "--mem": o.slurm.memory = try value(a)
      case "--partition": o.slurm.partition = try value(a)
      case "--cpus-per-task": o.slurm.cpusPerTask = try positive(a)
      case "--job-name": o.slurm.jobName = try value(a)
      case "--sbatch": o.slurm.extra.append(try value(a))
      case "--replica": o.executable = try value(a)
      default:
        if a.hasPrefix("--grid=") {
          o.axes.append(try SweepGrid.axis(String(a.dropFirst(7))))
        } else if a.hasPrefix("-") {
          throw CLIError.usage("unknown option '\(a)' for replica sweep")
        } else if o.target == nil {
          o.target = a
        } else {
          throw CLIError.usage("unexpected argument '\(a)'")
        }
      }
    }
    guard o.target != nil else { throw CLIError.usage("replica sweep needs a NOTEBOOK") }
    if o.local && o.emit != nil {
      throw CLIError.usage("choose one of --local and --emit")
    }
    let slurmOnly =
      o.slurm.throttle != nil || o.slurm.time != nil || o.slurm.memory != nil
      || o.slurm.partition != nil || o.slurm.cpusPerTask != nil || o.slurm.jobName != nil
      || !o.slurm.extra.isEmpty
    if slurmOnly && o.emit != "slurm" {
      throw CLIError.usage("--throttle, --time, --mem, --partition … are options of --emit slurm")
    }
    if o.jobs != nil && !o.local && o.emit != "parallel" {
      throw CLIError.usage("--jobs is an option of --local and --emit parallel")
    }
    return o
  }

  /// Creates the sweep folder, or opens an existing one after checking that it holds this
  /// same sweep (then finished points are kept: the sweep resumes).
  static func prepare(_ o: Options) throws -> SweepManifest {
    guard let target = o.target else { throw CLIError.usage("replica sweep needs a NOTEBOOK") }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      guard o.axes.isEmpty, o.pointsFile == nil, o.out == nil else {
        throw CLIError.usage(
          "\(target) is a folder: give a NOTEBOOK with --grid, or an existing sweep folder alone")
      }
      return try SweepManifest.load(absolutePath(target))
    }
    let source = absolutePath(target)
    guard let data = FileManager.default.contents(atPath: source) else {
      throw CLIError.usage("cannot read the notebook \(target)")
    }
    let text = String(decoding: data, as: UTF8.self)
    let csv = try o.pointsFile.map { try SweepGrid.points(csv: $0) }
    let (names, points) = try SweepGrid.expand(axes: o.axes, csv: csv)
    try checkParameters(names, declaredIn: text, path: target)
    let fileName = (source as NSString).lastPathComponent
    let stem = (fileName as NSString).deletingPathExtension
    let directory = absolutePath(o.out ?? "\(stem)-sweep")
    let manifest = SweepManifest(
      directory: directory, notebookName: fileName, source: source,
      notebookHash: SweepManifest.hash(text), names: names, points: points)
    if FileManager.default.fileExists(atPath: manifest.jsonPath) {
      let existing = try SweepManifest.load(directory)
      if existing.notebookHash != manifest.notebookHash || existing.notebookName != fileName {
        throw SweepError.differentSweep(
          directory, "\(target) has changed since the sweep was made from \(existing.source)")
      }
      if existing.names != names || existing.points != points {
        throw SweepError.differentSweep(directory, "its grid of points differs from this one")
      }
      return existing
    }
    try manifest.create(notebookText: text)
    return manifest
  }

  /// Every swept name must be a `param` of the notebook.
  static func checkParameters(_ names: [String], declaredIn text: String, path: String) throws {
    let statements: [TopLevelStatement]
    do {
      statements = try Interpreter().parse(text, name: path)
    } catch {
      throw CLIError.usage("the notebook does not parse:\n\(ErrorRenderer.render(error))")
    }
    let declared = statements.compactMap(\.parameterName)
    for n in names where !declared.contains(n) {
      throw CLIError.usage(
        "\(path) declares no 'param \(n)'"
          + (declared.isEmpty
            ? " (it declares no params)" : " (its params: \(declared.joined(separator: ", ")))"))
    }
  }

  static func dispatch(_ o: Options, _ m: SweepManifest) throws -> Int32 {
    let executable = o.executable.map(absolutePath) ?? currentExecutable()
    let done = (1...m.count).filter { m.state($0).succeeded }.count
    if o.local {
      let jobs = o.jobs ?? ProcessInfo.processInfo.activeProcessorCount
      return LocalSweep(m, jobs: jobs, executable: executable).run()
    }
    switch o.emit {
    case "slurm":
      guard let path = try SweepEmit.slurm(m, o.slurm, executable: executable) else {
        print("all \(m.count) points of \(m.directory) have finished; nothing to submit")
        return ExitCode.ok
      }
      print("wrote \(path): a job array of \(m.count - done) points (\(done) finished already)")
      print("submit with:  sbatch \(shellQuote(path))")
      print("then collect: replica sweep collect \(shellQuote(m.directory))")
    case "parallel":
      let path = try SweepEmit.parallel(m, jobs: o.jobs, executable: executable)
      print("wrote \(m.directory)/parallel.jobs (\(m.count) points) and \(path)")
      print("run with:     \(shellQuote(path))")
      print("then collect: replica sweep collect \(shellQuote(m.directory))")
    default:
      print("sweep \(m.directory): \(m.count) points over \(m.names.joined(separator: " × "))")
      print("  manifest \(m.directory)/manifest.csv; \(done) finished")
      print("  run here:      replica sweep \(shellQuote(m.directory)) --local")
      print("  or on SLURM:   replica sweep \(shellQuote(m.directory)) --emit slurm")
    }
    return ExitCode.ok
  }

  /// The running `replica` binary, by absolute path (for scripts run elsewhere).
  static func currentExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? absolutePath(CommandLine.arguments[0])
  }
}
