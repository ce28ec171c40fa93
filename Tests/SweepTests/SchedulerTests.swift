import Foundation
import Testing

/// Sweeps run by real schedulers, started by the tests: local child processes killed
/// mid-sweep and resumed, a one-node SLURM cluster on loopback, and GNU parallel.
@Suite(.serialized) struct SchedulerTests {
  /// Starts a slow sweep (8 points, 2 at a time), stops it with `signal` once two points
  /// have finished, resumes it, and checks that every point finished exactly once.
  func interruptAndResume(_ signal: Int32, label: String) throws {
    let dir = try Support.temporaryFolder(label)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Support.write(Support.notebook, to: "\(dir)/nb.rpl")
    let args = [
      "sweep", "nb.rpl", "--grid", "a=1..8", "--grid", "delay=0.3", "--out", "s", "--local",
      "--jobs", "2",
    ]
    let (first, _, err) = try Support.start(Support.replica, args, in: dir)
    let twoDone = Support.waitUntil(seconds: 20) {
      Support.journalEnds("\(dir)/s").count >= 2
    }
    #expect(twoDone)
    kill(first.pid, signal)
    first.wait()
    let finishedBefore = Set(Support.journalEnds("\(dir)/s").keys)
    if signal == SIGINT {
      #expect(first.code == 130)
      #expect(Support.read(err).contains("resume with the same command"))
    } else {
      #expect(first.killedBySignal == SIGKILL)
    }
    #expect(finishedBefore.count < 8, "the sweep was stopped before its end")
    // Resume at once: a point still running in an orphaned child (after SIGKILL) is
    // waited for, not started again.
    let second = try Support.replica(args, in: dir)
    #expect(second.code == 0, "\(second.err)")
    #expect(second.err.contains("8 of 8 points done, 0 failed"))
    let ends = Support.journalEnds("\(dir)/s")
    #expect(ends.count == 8)
    for (point, codes) in ends { #expect(codes == [0], "point \(point) ended \(codes)") }
    let starts = Support.journalStarts("\(dir)/s")
    for p in finishedBefore { #expect(starts[p] == 1, "point \(p) finished before and reran") }
    let c = try Support.replica(["sweep", "collect", "s"], in: dir)
    #expect(c.code == 0)
    let rows = Support.csv("\(dir)/s/results.csv")
    #expect(rows.count == 9)
    #expect(rows.first == ["point", "a", "delay", "c", "label"])
    for row in rows.dropFirst() {
      #expect(Double(row[3]) == 2 * (Double(row[1]) ?? .nan), "c = a·b with b = 2: \(row)")
    }
  }

  @Test func localSweepInterruptedWithCtrlCResumes() throws {
    try interruptAndResume(SIGINT, label: "sigint")
  }

  @Test func localSweepKilledResumesAndRunsEachPointOnce() throws {
    try interruptAndResume(SIGKILL, label: "sigkill")
  }

  @Test func gnuParallelRunsTheEmittedJobList() throws {
    let dir = try Support.temporaryFolder("parallel")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Support.write(Support.notebook, to: "\(dir)/nb.rpl")
    let emit = try Support.replica(
      [
        "sweep", "nb.rpl", "--grid", "a=2,3", "--grid", "fail=0,1", "--out", "s", "--emit",
        "parallel", "--jobs", "2",
      ], in: dir)
    #expect(emit.code == 0, "\(emit.err)")
    let run = try Support.run("\(dir)/s/parallel.sh", [], in: dir)
    #expect(run.code == 2, "parallel's exit code counts the failed jobs")
    let joblog = Support.read("\(dir)/s/parallel.joblog").split(separator: "\n").dropFirst()
    let exits = joblog.map { line -> (String, String) in
      let f = line.split(separator: "\t")
      return (String(f.last!.split(separator: " ").last!), String(f[6]))
    }
    #expect(Dictionary(uniqueKeysWithValues: exits) == ["1": "0", "2": "70", "3": "0", "4": "70"])
    let c = try Support.replica(["sweep", "collect", "s"], in: dir)
    #expect(c.out.contains("collected 2 of 4 points"))
    #expect(c.out.contains("failed (2):"))
    #expect(
      Support.csv("\(dir)/s/results.csv") == [
        ["point", "a", "fail", "c", "label"], ["1", "2", "0", "4", "ok"],
        ["3", "3", "0", "6", "ok"],
      ])
  }

  @Test(.enabled(if: getuid() == 0, "slurmd runs jobs as root here; CI runs as root"))
  func slurmRunsTheEmittedArrayAndCollectBuildsTheTable() throws {
    let dir = try Support.temporaryFolder("slurm")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let cluster = try SlurmCluster(folder: "\(dir)/cluster")
    defer { cluster.stop() }
    try Support.write(Support.notebook, to: "\(dir)/nb.rpl")
    let emit = try Support.replica(
      [
        "sweep", "nb.rpl", "--grid", "a=0.5,1.5,2.5", "--grid", "fail=0,1", "--out", "s",
        "--emit", "slurm", "--time", "00:05:00", "--mem", "100M", "--partition", "debug",
        "--throttle", "6",
      ], in: dir)
    #expect(emit.code == 0, "\(emit.err)")
    let submit = try cluster.command("sbatch", ["--parsable", "\(dir)/s/sweep.slurm"], in: dir)
    #expect(submit.code == 0, "\(submit.err)")
    let job = submit.out.trimmingCharacters(in: .whitespacesAndNewlines)
    let finished = Support.waitUntil(seconds: 40) {
      (try? cluster.command("squeue", ["-h", "-j", job], in: dir).out.isEmpty) ?? false
    }
    #expect(finished, "the array finished within 40 s")
    // Without accounting, scontrol knows each array task's state and exit code.
    let show = try cluster.command("scontrol", ["-o", "show", "job", job], in: dir).out
    var tasks: [String: String] = [:]
    for line in show.split(separator: "\n") {
      let fields = Dictionary(
        line.split(separator: " ").compactMap { f -> (String, String)? in
          let kv = f.split(separator: "=", maxSplits: 1)
          return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
      if let id = fields["ArrayTaskId"] {
        tasks[id] = "\(fields["JobState"] ?? "?") \(fields["ExitCode"] ?? "?")"
      }
    }
    #expect(
      tasks == [
        "1": "COMPLETED 0:0", "2": "FAILED 70:0", "3": "COMPLETED 0:0", "4": "FAILED 70:0",
        "5": "COMPLETED 0:0", "6": "FAILED 70:0",
      ])
    let c = try Support.replica(["sweep", "collect", "s"], in: dir)
    #expect(c.code == 1, "failed points make collect report an incomplete table")
    #expect(c.out.contains("collected 3 of 6 points"))
    for p in ["2 a=0.5", "4 a=1.5", "6 a=2.5"] {
      #expect(
        c.out.contains("  point \(p) fail=1: exit 70, log \(dir)/s/points/000\(p.prefix(1))/log"))
    }
    #expect(
      Support.csv("\(dir)/s/results.csv") == [
        ["point", "a", "fail", "c", "label"], ["1", "0.5", "0", "1", "ok"],
        ["3", "1.5", "0", "3", "ok"], ["5", "2.5", "0", "5", "ok"],
      ])
    #expect(Support.read("\(dir)/s/points/0004/log").contains("index error"))
  }
}

/// A one-node SLURM cluster on loopback (Debian's Slurm 22.05): `slurmctld` and `slurmd`
/// as root with no authentication (test use only), every file in `folder`, on free ports.
final class SlurmCluster {
  let folder: String
  let conf: String
  private var daemons: [Child] = []

  init(folder: String) throws {
    self.folder = folder
    conf = "\(folder)/slurm.conf"
    let fm = FileManager.default
    for sub in ["state", "spool"] {
      try fm.createDirectory(atPath: "\(folder)/\(sub)", withIntermediateDirectories: true)
    }
    guard let controllerPort = Support.freePort(), var nodePort = Support.freePort() else {
      throw SlurmError.setUp("no free TCP port on 127.0.0.1")
    }
    while nodePort == controllerPort { nodePort = Support.freePort() ?? controllerPort }
    let cpus = ProcessInfo.processInfo.activeProcessorCount
    try Support.write(
      """
      ClusterName=replica-test
      SlurmctldHost=localhost(127.0.0.1)
      SlurmctldPort=\(controllerPort)
      SlurmdPort=\(nodePort)
      AuthType=auth/none
      CredType=cred/none
      MpiDefault=none
      ProctrackType=proctrack/linuxproc
      TaskPlugin=task/none
      JobAcctGatherType=jobacct_gather/none
      SelectType=select/cons_tres
      SelectTypeParameters=CR_CPU
      SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
      MailProg=/bin/true
      MinJobAge=300
      ReturnToService=2
      SlurmUser=root
      SlurmdUser=root
      StateSaveLocation=\(folder)/state
      SlurmdSpoolDir=\(folder)/spool
      SlurmctldPidFile=\(folder)/slurmctld.pid
      SlurmdPidFile=\(folder)/slurmd.pid
      SlurmctldLogFile=\(folder)/slurmctld.log
      SlurmdLogFile=\(folder)/slurmd.log
      NodeName=localhost NodeAddr=127.0.0.1 CPUs=\(cpus) RealMemory=1000 State=UNKNOWN
      PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP

      """, to: conf)
    for daemon in ["/usr/sbin/slurmctld", "/usr/sbin/slurmd"] {
      guard fm.isExecutableFile(atPath: daemon) else {
        stop()
        throw SlurmError.setUp("expected \(daemon) (run scripts/setup.sh), found none")
      }
      daemons.append(try Support.start(daemon, ["-D"], in: folder, environment: env).0)
    }
    let idle = Support.waitUntil(seconds: 15) {
      (try? command("sinfo", ["-h", "-o", "%T"], in: folder).out)?.hasPrefix("idle") ?? false
    }
    guard idle else {
      let log = Support.read("\(folder)/slurmctld.log") + Support.read("\(folder)/slurmd.log")
      stop()
      throw SlurmError.setUp("the node did not become idle within 15 s:\n\(log.suffix(2000))")
    }
  }

  var env: [String: String] { ["SLURM_CONF": conf] }

  /// Runs a Slurm client command (`sbatch`, `squeue`, `scontrol`, `sinfo`) on this cluster.
  func command(_ name: String, _ args: [String], in folder: String) throws -> CommandResult {
    try Support.run("/usr/bin/\(name)", args, in: folder, environment: env)
  }

  /// SIGTERM to both daemons; SIGKILL to any still running after 5 s.
  func stop() {
    for d in daemons.reversed() where d.isRunning { kill(d.pid, SIGTERM) }
    let gone = Support.waitUntil(seconds: 5) { !daemons.contains(where: \.isRunning) }
    if !gone {
      for d in daemons where d.isRunning { kill(d.pid, SIGKILL) }
    }
    for d in daemons { d.wait() }
    daemons.removeAll()
  }
}

enum SlurmError: Error, CustomStringConvertible {
  case setUp(String)
  var description: String {
    switch self {
    case .setUp(let m): return "SLURM test cluster: \(m)"
    }
  }
}
