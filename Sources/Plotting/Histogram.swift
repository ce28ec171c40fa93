/// Equal-width bins over the range of the values, as `numpy.histogram(v, bins)`.
///
/// Edges run from min(v) to max(v) in `bins` equal steps (a zero range is widened to
/// ±0.5); every bin is half-open `[e_k, e_{k+1})` except the last, which includes its
/// right edge. With `density`, heights are count / (n · width), so the bars' area is 1.
struct Histogram: Equatable {
  var edges: [Double]
  var heights: [Double]

  init(values: [Double], bins: Int, density: Bool) {
    var lo = values.min() ?? 0
    var hi = values.max() ?? 1
    if hi <= lo {
      lo -= 0.5
      hi += 0.5
    }
    let w = (hi - lo) / Double(bins)
    edges = (0...bins).map { lo + Double($0) * w }
    edges[bins] = hi
    var counts = [Double](repeating: 0, count: bins)
    for v in values {
      let k = Swift.min(Int((v - lo) / w), bins - 1)
      counts[Swift.max(0, k)] += 1
    }
    let norm = density ? 1 / (Double(values.count) * w) : 1
    heights = counts.map { $0 * norm }
  }
}
