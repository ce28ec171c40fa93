import Foundation
import Testing

/// `replica sweep` without a scheduler: grids, the manifest, usage errors, `result(...)`,
/// a local run with a failing point, `collect`, and the files `--emit` writes.
@Suite struct SweepCommandTests {
  @Test func gridExpandsIntoAManifestOfPoints() throws {
    let dir = try Support.temporaryFolder("grid")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Support.write(Support.notebook, to: "\(dir)/nb.rpl")
    let r = try Support.replica(
      ["sweep", "nb.rpl", "--grid", "a=0.02:0.12:0.01", "--grid", "b=1..20", "--out", "s"],
      in: dir)
    #expect(r.code == 0, "\(r.err)")
    #expect(r.out.contains("220 points over a × b"))
    let rows = Support.csv("\(dir)/s/manifest.csv")
    #expect(rows.first == ["point", "a", "b"])
    #expect(rows.count == 221)
    // The first axis varies slowest; values are the decimal grid, not accumulated sums.
    #expect(rows[1] == ["1", "0.02", "1"])
    #expect(rows[20] == ["20", "0.02", "20"])
    #expect(rows[101] == ["101", "0.07", "1"])
    #expect(rows[220] == ["220", "0.12", "20"])
    #expect(FileManager.default.fileExists(atPath: "\(dir)/s/nb.rpl"))
  }

  @Test func pointsFromACSVAreCrossedWithTheGrid() throws {
    let dir = try Support.temporaryFolder("csv")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Support.write(Support.notebook, to: "\(dir)/nb.rpl")
    try Support.write("a,b\n0.5,2\n3,4\n", to: "\(dir)/points.csv")
    let r = try Support.replica(
      ["sweep", "nb.rpl", "--points", "points.csv", "--grid", "fail=0,1", "--out", "s"], in: dir)
    #expect(r.code == 0, "\(r.err)")
    let rows = Support.csv("\(dir)/s/manifest.csv")
    #expect(
      rows == [
        ["point", "a", "b", "fail"], ["1", "0.5", "2", "0"], ["2", "0.5", "2", "1"],
        ["3", "3", "4", "0"], ["4", "3", "4", "1"],
      ])
  }

  @Test func badGridsAreUsageErrorsThatSayWhy() throws {
    let dir = try Support.temporaryFolder("usage")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Support.write(Support.notebook, to: "\(dir)/nb.rpl")
    let cases: [([String], String)] = [
      (["--grid", "gamma=1..3"], "declares no 'param gamma' (its params: a, b, fail, delay)"),
      (["--grid", "a=1:0:0.1"], "does not lead from 1 to 0"),
      (["--grid", "a=3..1"], "a..b expects a ≤ b, found 3 > 1"),
      (["--grid", "a=1,,2"], "an empty value between commas"),
      (["--grid", "a=1..2", "--grid", "a=3"], "parameter 'a' is given more than once"),
      (["--grid", "a=1", "--time", "1:00"], "are options of --emit slurm"),
      (["--grid", "a=1", "--emit", "pbs"], "--emit expects slurm or parallel, found 'pbs'"),
    ]
    for (args, message) in cases {
      let r = try Support.replica(["sweep", "nb.rpl"] + args, in: dir)
      #expect(r.code == 2, "\(args)")
      #expect(r.err.contains(message), "\(args): \(r.err)")
    }
  }

  @Test func aSweepFolderRefusesADifferentGrid() throws {
    let dir = try Support.temporaryFolder("differ")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Support.write(Support.notebook, to: "\(dir)/nb.rpl")
    #expect(
      try Support.replica(["sweep", "nb.rpl", "--grid", "a=1..2", "--out", "s"], in: dir).code == 0)
    let same = try Support.replica(["sweep", "nb.rpl", "--grid", "a=1..2", "--out", "s"], in: dir)
    #expect(same.code == 0)
    let other = try Support.replica(["sweep", "nb.rpl", "--grid", "a=1..3", "--out", "s"], in: dir)
    #expect(other.code == 2)
    #expect(other.err.contains("holds a different sweep (its grid of points differs"))
    try Support.write(Support.notebook + "c\n", to: "\(dir)/nb.rpl")
    let edited = try Support.replica(
      ["sweep", "nb.rpl", "--grid", "a=1..2", "--out", "s"], in: dir)
    #expect(edited.code == 2)
    #expect(edited.err.contains("has changed since the sweep was made"))
  }

  @Test func resultDeclaresScalarsAndRejectsTheRest() throws {
    let dir = try Support.temporaryFolder("result")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let ok = try Support.replica(["-e", "result(m=0.25, name=\"x\", hit=true)"], in: dir)
    #expect(ok.code == 0)
    #expect(ok.out == "result: m = 0.25\nresult: name = x\nresult: hit = true\n")
    let vector = try Support.replica(["-e", "result(m=[1, 2])"], in: dir)
    #expect(vector.code == 70)
    #expect(vector.err.contains("result 'm' expected a number, string or bool, found"))
    let taken = try Support.replica(["-e", "param a = 1\nresult(a=2)"], in: dir)
    #expect(taken.code == 70)
    #expect(taken.err.contains("result name 'a' is taken"))
    let empty = try Support.replica(["-e", "result()"], in: dir)
    #expect(empty.err.contains("result expects one or more name=value arguments, found none"))
  }

  @Test func localSweepRunsEveryPointKeepsLogsAndReportsFailures() throws {
    let dir = try Support.temporaryFolder("local")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Support.write(Support.notebook, to: "\(dir)/nb.rpl")
    let sweep = ["sweep", "nb.rpl", "--grid", "a=0.5,2", "--grid", "fail=0,1", "--grid", "b=3"]
    let r = try Support.replica(sweep + ["--out", "s", "--local", "--jobs", "2"], in: dir)
    #expect(r.code == 1, "a failed point makes the sweep fail")
    #expect(r.err.contains("2 of 4 points done, 2 failed"))
    #expect(
      r.err.contains("point 2 a=0.5 fail=1 b=3 failed with exit 70; log \(dir)/s/points/0002/log:"))
    #expect(r.err.contains("index error: index 5 is out of range"))
    // Each point keeps its output notebook, which replays alone, and its log.
    let out = Support.read("\(dir)/s/points/0003/nb.rpl")
    #expect(out.contains("result(c=c, label=\"ok\")\n#> result: c = 6\n#> result: label = ok"))
    let log = Support.read("\(dir)/s/points/0003/log")
    #expect(
      log.contains(
        "# replay: replica check \(dir)/s/points/0003/nb.rpl --set a=2 --set fail=0 --set b=3"))
    let check = try Support.replica(
      ["check", "s/points/0003/nb.rpl", "--set", "a=2", "--set", "fail=0", "--set", "b=3"], in: dir)
    #expect(check.out.contains("replays cleanly"), "\(check.out)")
    // Collect: finished points as rows, the failed ones listed, not guessed.
    let c = try Support.replica(["sweep", "collect", "s"], in: dir)
    #expect(c.code == 1)
    #expect(c.out.contains("collected 2 of 4 points"))
    #expect(c.out.contains("failed (2):\n  point 2 a=0.5 fail=1 b=3: exit 70"))
    #expect(
      Support.csv("\(dir)/s/results.csv") == [
        ["point", "a", "fail", "b", "c", "label"], ["1", "0.5", "0", "3", "1.5", "ok"],
        ["3", "2", "0", "3", "6", "ok"],
      ])
    let states = Support.csv("\(dir)/s/status.csv").map { $0[4] }
    #expect(states == ["state", "done", "failed", "done", "failed"])
    // The table loads with `load`.
    let loaded = try Support.replica(["-e", "t = load(\"s/results.csv\"); sum(t.c)"], in: dir)
    #expect(loaded.out.hasSuffix("7.5\n"), "\(loaded.out)")
    // Running again resumes: the finished points are not rerun, the failed ones are.
    let again = try Support.replica(["sweep", "s", "--local"], in: dir)
    #expect(again.err.contains("2 points to run (2 finished already)"))
    #expect(Support.journalStarts("\(dir)/s") == ["0001": 1, "0002": 2, "0003": 1, "0004": 2])
  }

  @Test func emittedSlurmScriptPassesOptionsThroughAndListsUnfinishedPoints() throws {
    let dir = try Support.temporaryFolder("emit")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Support.write(Support.notebook, to: "\(dir)/nb.rpl")
    let r = try Support.replica(
      [
        "sweep", "nb.rpl", "--grid", "a=1..5", "--out", "s", "--emit", "slurm", "--throttle", "3",
        "--time", "00:10:00", "--mem", "2G", "--partition", "short", "--sbatch", "--qos=low",
      ], in: dir)
    #expect(r.code == 0, "\(r.err)")
    let script = Support.read("\(dir)/s/sweep.slurm")
    for line in [
      "#SBATCH --array=1-5%3", "#SBATCH --time=00:10:00", "#SBATCH --mem=2G",
      "#SBATCH --partition=short", "#SBATCH --qos=low", "#SBATCH --output=\(dir)/s/slurm/%A_%a.out",
      "sweep point \(dir)/s \"$SLURM_ARRAY_TASK_ID\"",
    ] {
      #expect(script.contains(line), "\(line)")
    }
    // After points 2 and 3 finish, a new script lists only the others.
    for p in ["2", "3"] { _ = try Support.replica(["sweep", "point", "s", p], in: dir) }
    _ = try Support.replica(["sweep", "s", "--emit", "slurm"], in: dir)
    #expect(Support.read("\(dir)/s/sweep.slurm").contains("#SBATCH --array=1,4-5\n"))
  }
}
