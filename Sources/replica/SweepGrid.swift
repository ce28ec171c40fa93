import DataIO
import Foundation

/// One value of a sweep parameter, kept as the text `replica run --set name=TEXT` takes.
struct SweepValue: Equatable, Sendable {
  /// The language expression passed to `--set` (a number, or a quoted string).
  let expression: String
  /// The value as a table cell: a number, or the string's text.
  let cell: Table.Cell

  static func number(_ x: Double) -> SweepValue {
    SweepValue(expression: formatNumber(x), cell: .number(x))
  }

  static func text(_ s: String) -> SweepValue {
    var quoted = "\""
    for ch in s {
      switch ch {
      case "\"": quoted += "\\\""
      case "\\": quoted += "\\\\"
      case "\n": quoted += "\\n"
      case "\t": quoted += "\\t"
      default: quoted.append(ch)
      }
    }
    return SweepValue(expression: quoted + "\"", cell: .text(s))
  }

  /// A word from the command line or a CSV cell: a number when it reads as one, else text
  /// (surrounding double quotes, if any, removed).
  static func parse(_ word: String) -> SweepValue {
    let t = word.trimmingCharacters(in: .whitespaces)
    if let x = Double(t.replacingOccurrences(of: "_", with: "")), x.isFinite { return .number(x) }
    if t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\"") {
      return .text(String(t.dropFirst().dropLast()))
    }
    return .text(t)
  }

  /// Shortest text that reads back to `x`; integers below 2⁵³ without a fraction.
  static func formatNumber(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 9_007_199_254_740_992 {
      return x == 0 ? "0" : String(Int64(x))
    }
    return x.description
  }

  /// What a person reads: numbers as in `--set`, strings without quotes.
  var shown: String {
    if case .text(let s) = cell { return s }
    return expression
  }
}

/// One parameter's values in a sweep.
struct SweepAxis: Equatable, Sendable {
  let name: String
  let values: [SweepValue]
}

/// A sweep's points: every combination of the axes (the first axis varies slowest),
/// optionally crossed with the rows of a CSV of points.
enum SweepGrid {
  /// The largest number of points one sweep may have.
  static let maxPoints = 1_000_000

  /// Parses `name=SPEC`, where SPEC is
  /// - `start:stop:step` — numbers from start to stop inclusive (stop is included when it
  ///   lies on the grid within 10⁻⁹ of a step; values are rounded to 12 significant digits,
  ///   so `0.02:0.12:0.01` gives 0.02, 0.03, …, 0.12 and not 0.06999999999999999);
  /// - `a..b` — the integers a, a+1, …, b;
  /// - `v1,v2,…` — the listed values (numbers, or words taken as strings);
  /// - a single value.
  static func axis(_ spec: String) throws -> SweepAxis {
    guard let eq = spec.firstIndex(of: "=") else {
      throw CLIError.usage("--grid expects name=values, found '\(spec)'")
    }
    let name = String(spec[..<eq]).trimmingCharacters(in: .whitespaces)
    let body = String(spec[spec.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
    try checkName(name, in: "--grid \(spec)")
    guard !body.isEmpty else { throw CLIError.usage("--grid \(name)= has no values") }
    if body.contains(","), !body.hasPrefix("\"") {
      let items = body.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      if items.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
        throw CLIError.usage("--grid \(name)=\(body): an empty value between commas")
      }
      return SweepAxis(name: name, values: items.map(SweepValue.parse))
    }
    if let r = body.range(of: "..") {
      let lo = body[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
      let hi = body[r.upperBound...].trimmingCharacters(in: .whitespaces)
      guard let a = Int(lo), let b = Int(hi) else {
        throw CLIError.usage(
          "--grid \(name)=\(body): a..b expects two integers, found '\(lo)' and '\(hi)'")
      }
      guard a <= b else {
        throw CLIError.usage("--grid \(name)=\(body): a..b expects a ≤ b, found \(a) > \(b)")
      }
      guard b - a < maxPoints else {
        throw CLIError.usage("--grid \(name)=\(body): more than \(maxPoints) values")
      }
      return SweepAxis(name: name, values: (a...b).map { .number(Double($0)) })
    }
    let parts = body.split(separator: ":", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    if parts.count == 3 {
      let numbers = parts.map { Double($0) }
      guard let start = numbers[0], let stop = numbers[1], let step = numbers[2],
        start.isFinite, stop.isFinite, step.isFinite
      else {
        throw CLIError.usage(
          "--grid \(name)=\(body): start:stop:step expects three finite numbers, found '\(parts.joined(separator: "', '"))'"
        )
      }
      return SweepAxis(name: name, values: try range(start, stop, step, name: name, body: body))
    }
    if parts.count != 1 {
      throw CLIError.usage(
        "--grid \(name)=\(body): expected start:stop:step, a..b, a list v1,v2,… or one value")
    }
    return SweepAxis(name: name, values: [SweepValue.parse(body)])
  }

  /// start, start+step, … up to stop inclusive (see `axis`).
  static func range(_ start: Double, _ stop: Double, _ step: Double, name: String, body: String)
    throws -> [SweepValue]
  {
    guard step != 0, (stop - start) / step >= -1e-9 else {
      throw CLIError.usage(
        "--grid \(name)=\(body): the step \(SweepValue.formatNumber(step)) does not lead from \(SweepValue.formatNumber(start)) to \(SweepValue.formatNumber(stop))"
      )
    }
    let steps = ((stop - start) / step + 1e-9).rounded(.down)
    guard steps < Double(maxPoints) else {
      throw CLIError.usage("--grid \(name)=\(body): more than \(maxPoints) values")
    }
    return (0...Int(steps)).map { i in
      let x = start + Double(i) * step
      return .number(Double(String(format: "%.12g", x)) ?? x)
    }
  }

  /// Parameter names are language identifiers.
  static func checkName(_ name: String, in context: String) throws {
    guard let first = name.first, first.isLetter || first == "_",
      name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
    else {
      throw CLIError.usage("\(context): '\(name)' is not a parameter name")
    }
  }

  /// The rows of a CSV file of points: its header names the parameters.
  static func points(csv path: String) throws -> (names: [String], rows: [[SweepValue]]) {
    let table: Table
    do {
      table = try CSV.read(path: path)
    } catch {
      throw CLIError.usage("--points \(path): \(error)")
    }
    guard table.rowCount > 0 else {
      throw CLIError.usage("--points \(path): expected a header and at least one row, found none")
    }
    for n in table.names { try checkName(n, in: "--points \(path)") }
    let rows = (0..<table.rowCount).map { i in
      table.columns.map { column -> SweepValue in
        switch column[i] {
        case .number(let x): return .number(x)
        case .text(let s): return .text(s)
        }
      }
    }
    return (table.names, rows)
  }

  /// Every point: the CSV rows (if any) crossed with the axes, in order.
  static func expand(axes: [SweepAxis], csv: (names: [String], rows: [[SweepValue]])?)
    throws -> (names: [String], points: [[SweepValue]])
  {
    let names = (csv?.names ?? []) + axes.map(\.name)
    var seen = Set<String>()
    for n in names where !seen.insert(n).inserted {
      throw CLIError.usage("parameter '\(n)' is given more than once")
    }
    guard !names.isEmpty else {
      throw CLIError.usage("a sweep needs at least one --grid name=values or --points FILE.csv")
    }
    var count = Double(csv?.rows.count ?? 1)
    for a in axes { count *= Double(a.values.count) }
    guard count <= Double(maxPoints) else {
      throw CLIError.usage(
        "the grid has \(SweepValue.formatNumber(count)) points; at most \(maxPoints) are allowed")
    }
    var points: [[SweepValue]] = csv?.rows ?? [[]]
    for a in axes {
      points = points.flatMap { p in a.values.map { p + [$0] } }
    }
    return (names, points)
  }
}
