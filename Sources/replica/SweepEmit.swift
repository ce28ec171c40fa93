import Foundation

/// Scheduler options passed through to an emitted SLURM script.
struct SlurmOptions {
  /// At most this many array tasks at once (`--array=…%N`).
  var throttle: Int?
  var time: String?
  var memory: String?
  var partition: String?
  var cpusPerTask: Int?
  var jobName: String?
  /// Further `#SBATCH` options, verbatim (`--account=abc`, `--qos=short`).
  var extra: [String] = []
}

/// `--emit slurm` and `--emit parallel`: files that hand a sweep's unfinished points to
/// a scheduler. Each point is one `replica sweep point DIR N` command, so what runs on
/// the cluster is exactly what `--local` runs, and resubmitting is safe (finished points
/// return at once).
enum SweepEmit {
  /// Writes `DIR/sweep.slurm`: a job array with one task per unfinished point (the array
  /// index is the point number), its output in `DIR/slurm/`. Returns its path, or nil
  /// when every point has finished.
  static func slurm(_ m: SweepManifest, _ o: SlurmOptions, executable: String) throws -> String? {
    let pending = (1...m.count).filter { !m.state($0).succeeded }
    guard !pending.isEmpty else { return nil }
    guard !m.directory.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) else {
      throw CLIError.usage(
        "--emit slurm needs a sweep folder path without spaces (#SBATCH lines cannot quote them), found '\(m.directory)'"
      )
    }
    try FileManager.default.createDirectory(
      atPath: "\(m.directory)/slurm", withIntermediateDirectories: true)
    var array = SweepCollect.ranges(pending)
    if let t = o.throttle { array += "%\(t)" }
    let name = o.jobName ?? "replica-\((m.notebookName as NSString).deletingPathExtension)"
    var lines = [
      "#!/bin/bash",
      "# A replica sweep of \(m.source): \(pending.count) of \(m.count) points as one job array.",
      "# Submit with: sbatch \(shellQuote(m.directory))/sweep.slurm",
      "# Then gather the results with: replica sweep collect \(shellQuote(m.directory))",
      "#SBATCH --job-name=\(name)",
      "#SBATCH --array=\(array)",
      "#SBATCH --output=\(m.directory)/slurm/%A_%a.out",
      "#SBATCH --ntasks=1",
      "#SBATCH --cpus-per-task=\(o.cpusPerTask ?? 1)",
    ]
    if let t = o.time { lines.append("#SBATCH --time=\(t)") }
    if let mem = o.memory { lines.append("#SBATCH --mem=\(mem)") }
    if let p = o.partition { lines.append("#SBATCH --partition=\(p)") }
    for e in o.extra { lines.append("#SBATCH \(e)") }
    lines += [
      "set -eu",
      "export OPENBLAS_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"",
      "exec \(shellQuote(executable)) sweep point \(shellQuote(m.directory)) \"$SLURM_ARRAY_TASK_ID\"",
    ]
    let path = "\(m.directory)/sweep.slurm"
    try write(lines.joined(separator: "\n") + "\n", to: path, executable: true)
    return path
  }

  /// Writes `DIR/parallel.jobs` (one command per point, every point, so job numbers stay
  /// the same between runs) and `DIR/parallel.sh`, which runs them with GNU parallel
  /// and a joblog in `DIR/parallel.joblog`. Returns the script's path.
  static func parallel(_ m: SweepManifest, jobs: Int?, executable: String) throws -> String {
    let commands = (1...m.count).map {
      "\(shellQuote(executable)) sweep point \(shellQuote(m.directory)) \($0)"
    }
    try write(commands.joined(separator: "\n") + "\n", to: "\(m.directory)/parallel.jobs")
    let d = shellQuote(m.directory)
    let script = [
      "#!/bin/sh",
      "# A replica sweep of \(m.source): \(m.count) points as GNU parallel jobs (finished points",
      "# return at once). parallel's exit code is the number of failed points; the joblog",
      "# records each one's exit value. Then: replica sweep collect \(d)",
      "export OPENBLAS_NUM_THREADS=\"${OPENBLAS_NUM_THREADS:-1}\"",
      "exec parallel --will-cite \(jobs.map { "--jobs \($0) " } ?? "")--joblog \(d)/parallel.joblog < \(d)/parallel.jobs",
    ]
    let path = "\(m.directory)/parallel.sh"
    try write(script.joined(separator: "\n") + "\n", to: path, executable: true)
    return path
  }

  private static func write(_ text: String, to path: String, executable: Bool = false) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    if executable {
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }
  }
}
