import DataIO
import Foundation
import Library
import Numerics

/// A point's declared results as a one-row table (`results.csv` in its folder).
enum SweepResults {
  static func write(_ results: [(name: String, value: Results.Entry)], to path: String) throws {
    let columns = results.map { r -> (name: String, column: Table.Column) in
      switch r.value {
      case .number(let x): return (r.name, .number(Vector([x])))
      case .text(let s): return (r.name, .text([s]))
      }
    }
    try CSV.write(try Table(columns), to: path)
  }

  /// The results of one point, by name, in declaration order.
  static func read(_ path: String) throws -> [(name: String, cell: Table.Cell)] {
    let t = try CSV.read(path: path)
    guard t.rowCount == 1 else {
      throw SweepError.badResults(path, "expected one row of results, found \(t.rowCount)")
    }
    return zip(t.names, t.columns).map { ($0, $1[0]) }
  }
}

/// `replica sweep collect DIR [-o FILE]`: one table of every finished point's results,
/// its parameters as columns.
///
/// Rows are the points that finished successfully and declared their results, in point
/// order; columns are `point`, the parameters, then the results in order of first
/// declaration. Points that failed, never finished, or lack a result that others declared
/// are listed by number with the reason — never filled in — and also written to
/// `DIR/status.csv` (one row per point: its parameters, state, exit code and log).
enum SweepCollect {
  struct Report {
    var table: Table
    var failed: [(point: Int, exit: Int32)] = []
    var missing: [Int] = []
    /// Finished points whose results lack some names (or that declared none).
    var incomplete: [(point: Int, lacking: [String])] = []
  }

  static func command(_ args: ArraySlice<String>) -> Int32 {
    var positional: [String] = []
    var output: String?
    var it = args.makeIterator()
    while let a = it.next() {
      switch a {
      case "-o", "--output":
        guard let v = it.next() else {
          printErr("usage error: \(a) needs a FILE")
          return ExitCode.usage
        }
        output = v
      default:
        if a.hasPrefix("-") {
          printErr("usage error: unknown option '\(a)' for replica sweep collect")
          return ExitCode.usage
        }
        positional.append(a)
      }
    }
    guard positional.count == 1 else {
      printErr("usage error: replica sweep collect DIR [-o FILE.csv]")
      return ExitCode.usage
    }
    do {
      let m = try SweepManifest.load(absolutePath(positional[0]))
      let report = try collect(m)
      let path = output.map(absolutePath) ?? "\(m.directory)/results.csv"
      try CSV.write(report.table, to: path)
      try writeStatusTable(m, report)
      print(summary(m, report, path: path))
      let complete = report.failed.isEmpty && report.missing.isEmpty && report.incomplete.isEmpty
      return complete ? ExitCode.ok : ExitCode.divergence
    } catch {
      printErr("error: \(error)")
      return ExitCode.io
    }
  }

  static func collect(_ m: SweepManifest) throws -> Report {
    var rows: [(point: Int, results: [String: Table.Cell])] = []
    var resultNames: [String] = []
    var report = Report(table: Table())
    for p in 1...m.count {
      switch m.state(p) {
      case .missing: report.missing.append(p)
      case .finished(let code, _) where code != 0: report.failed.append((p, code))
      case .finished:
        guard FileManager.default.fileExists(atPath: m.resultsPath(p)) else {
          report.incomplete.append((p, []))
          continue
        }
        var byName: [String: Table.Cell] = [:]
        for r in try SweepResults.read(m.resultsPath(p)) {
          if byName[r.name] == nil, !resultNames.contains(r.name) { resultNames.append(r.name) }
          byName[r.name] = r.cell
        }
        rows.append((p, byName))
      }
    }
    var complete: [(point: Int, results: [String: Table.Cell])] = []
    for r in rows {
      let lacking = resultNames.filter { r.results[$0] == nil }
      if lacking.isEmpty {
        complete.append(r)
      } else {
        report.incomplete.append((r.point, lacking))
      }
    }
    report.incomplete.sort { $0.point < $1.point }
    var columns: [(name: String, column: Table.Column)] = [
      ("point", .number(Vector(complete.map { Double($0.point) })))
    ]
    for (j, n) in m.names.enumerated() {
      columns.append((n, SweepManifest.column(complete.map { m.points[$0.point - 1][j] })))
    }
    for n in resultNames {
      let cells = complete.map { $0.results[n]! }
      let numbers = cells.compactMap { c -> Double? in
        if case .number(let x) = c { return x }
        return nil
      }
      columns.append(
        numbers.count == cells.count
          ? (n, .number(Vector(numbers))) : (n, .text(cells.map(\.description))))
    }
    report.table = try Table(columns)
    return report
  }

  /// `DIR/status.csv`: every point with its parameters, state, exit code and log.
  static func writeStatusTable(_ m: SweepManifest, _ r: Report) throws {
    let failed = Dictionary(r.failed.map { ($0.point, $0.exit) }, uniquingKeysWith: { a, _ in a })
    let missing = Set(r.missing)
    let incomplete = Set(r.incomplete.map(\.point))
    var columns: [(name: String, column: Table.Column)] = [
      ("point", .number(Vector((1...m.count).map(Double.init))))
    ]
    for (j, n) in m.names.enumerated() {
      columns.append((n, SweepManifest.column(m.points.map { $0[j] })))
    }
    let points = Array(1...m.count)
    columns.append(
      (
        "state",
        .text(
          points.map {
            missing.contains($0)
              ? "missing"
              : failed[$0] != nil ? "failed" : incomplete.contains($0) ? "incomplete" : "done"
          })
      ))
    columns.append(
      (
        "exit",
        .number(
          Vector(
            points.map { p -> Double in
              if case .finished(let code, _) = m.state(p) { return Double(code) }
              return .nan
            }))
      ))
    columns.append(("log", .text(points.map { m.log($0) })))
    try CSV.write(try Table(columns), to: "\(m.directory)/status.csv")
  }

  static func summary(_ m: SweepManifest, _ r: Report, path: String) -> String {
    var lines = [
      "collected \(r.table.rowCount) of \(m.count) points into \(path) (columns: \(r.table.names.joined(separator: ", ")))"
    ]
    if !r.failed.isEmpty {
      lines.append("failed (\(r.failed.count)):")
      for f in r.failed {
        lines.append(
          "  point \(f.point) \(m.describe(f.point)): exit \(f.exit), log \(m.log(f.point))")
      }
    }
    if !r.missing.isEmpty {
      lines.append("missing (\(r.missing.count), never finished): \(ranges(r.missing))")
      for p in r.missing.prefix(20) { lines.append("  point \(p) \(m.describe(p))") }
      if r.missing.count > 20 { lines.append("  … and \(r.missing.count - 20) more") }
    }
    if !r.incomplete.isEmpty {
      lines.append("incomplete (\(r.incomplete.count), finished without every result):")
      for i in r.incomplete {
        let why =
          i.lacking.isEmpty
          ? "declared no result(...)" : "lacks \(i.lacking.joined(separator: ", "))"
        lines.append("  point \(i.point) \(m.describe(i.point)): \(why)")
      }
    }
    lines.append("status of every point: \(m.directory)/status.csv")
    return lines.joined(separator: "\n")
  }

  /// `1-3,7,9-12`: the form SLURM's `--array` takes.
  static func ranges(_ points: [Int]) -> String {
    var parts: [String] = []
    var i = 0
    let s = points.sorted()
    while i < s.count {
      var j = i
      while j + 1 < s.count, s[j + 1] == s[j] + 1 { j += 1 }
      parts.append(i == j ? "\(s[i])" : "\(s[i])-\(s[j])")
      i = j + 1
    }
    return parts.joined(separator: ",")
  }
}
