/// "Did you mean" suggestions for mistyped names.
enum EditDistance {
  /// Levenshtein distance: the least number of single-character insertions, deletions
  /// and substitutions turning `a` into `b` (Levenshtein 1966; the two-row dynamic
  /// programme of Wagner & Fischer 1974). Exact; O(|a|·|b|) time.
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// The candidate closest to `name`, if it is within a third of the name's length
  /// (at least 1, at most 3 edits) or differs only in letter case.
  static func closest(to name: String, in candidates: [String]) -> String? {
    if let same = candidates.first(where: { $0.lowercased() == name.lowercased() }) {
      return same
    }
    let limit = min(3, max(1, name.count / 3))
    var best: (String, Int)?
    for c in candidates {
      let d = distance(name, c)
      if d <= limit, d < (best?.1 ?? .max) { best = (c, d) }
    }
    return best?.0
  }
}
