import Foundation

/// An sRGB colour with 8-bit channels.
struct RGB: Equatable, Sendable {
  var r: Int
  var g: Int
  var b: Int

  init(_ r: Int, _ g: Int, _ b: Int) {
    self.r = r
    self.g = g
    self.b = b
  }

  init(hex: UInt32) { self.init(Int(hex >> 16 & 0xff), Int(hex >> 8 & 0xff), Int(hex & 0xff)) }

  static let black = RGB(0, 0, 0)
  static let white = RGB(255, 255, 255)

  /// Linear interpolation in sRGB between `self` (t = 0) and `other` (t = 1).
  func mixed(with other: RGB, _ t: Double) -> RGB {
    func lerp(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b - a)) * t).rounded()) }
    return RGB(lerp(r, other.r), lerp(g, other.g), lerp(b, other.b))
  }
}

/// Colour names accepted in series: the cycle `C0`…`C9`, `#rrggbb`, or a name.
///
/// The cycle is colour-blind safe: `C0`–`C6` are the Okabe–Ito palette (Okabe & Ito 2008,
/// "Color Universal Design"; Wong 2011, Nature Methods 8:441) ordered blue, vermillion,
/// bluish green, reddish purple, orange, sky blue, black, followed by `C7` wine and `C8`
/// olive from Paul Tol's "muted" scheme (Tol 2021, SRON/EPS/TN/09-002) and `C9` the
/// Okabe–Ito yellow, placed last because it is faint on white.
enum ColorSpec {
  static let cycle: [RGB] = [
    RGB(hex: 0x0072B2), RGB(hex: 0xD55E00), RGB(hex: 0x009E73), RGB(hex: 0xCC79A7),
    RGB(hex: 0xE69F00), RGB(hex: 0x56B4E9), RGB(hex: 0x000000), RGB(hex: 0x882255),
    RGB(hex: 0x999933), RGB(hex: 0xF0E442),
  ]

  static let named: [String: RGB] = [
    "black": .black, "white": .white, "gray": RGB(hex: 0x808080), "grey": RGB(hex: 0x808080),
    "lightgray": RGB(hex: 0xD3D3D3), "lightgrey": RGB(hex: 0xD3D3D3),
    "darkgray": RGB(hex: 0x404040), "darkgrey": RGB(hex: 0x404040),
    "blue": cycle[0], "red": cycle[1], "vermillion": cycle[1], "green": cycle[2],
    "purple": cycle[3], "orange": cycle[4], "skyblue": cycle[5], "cyan": cycle[5],
    "yellow": cycle[9], "wine": cycle[7], "olive": cycle[8], "magenta": RGB(hex: 0xAA4499),
    "brown": RGB(hex: 0x8C510A), "pink": cycle[3], "navy": RGB(hex: 0x332288),
  ]

  static var namedList: String { named.keys.sorted().joined(separator: ", ") }

  /// The colour a spec names, or nil when it is not one.
  static func parse(_ text: String) -> RGB? {
    let t = text.trimmingCharacters(in: .whitespaces).lowercased()
    if t.count == 2, t.first == "c", let d = t.last?.wholeNumberValue { return cycle[d] }
    if t.count == 7, t.first == "#", let v = UInt32(t.dropFirst(), radix: 16) {
      return RGB(hex: v)
    }
    return named[t]
  }
}

/// A continuous colour map as piecewise-linear control points in sRGB.
///
/// `viridis` and `magma` are matplotlib's maps (van der Walt & Smith 2015) sampled at
/// eleven evenly spaced points; linear interpolation between them differs from the full
/// 256-entry tables by at most 3/255 per channel. `coolwarm` is Moreland's diverging map
/// (Moreland 2009, "Diverging Color Maps for Scientific Visualization") at five points;
/// `RdBu` is ColorBrewer's 11-class red–blue (low = red); `gray` runs black to white.
struct Colormap: Equatable, Sendable {
  var stops: [RGB]

  static let names = ["viridis", "magma", "gray", "coolwarm", "RdBu"]

  static func named(_ name: String) -> Colormap? {
    switch name.lowercased() {
    case "viridis":
      return Colormap(hexes: [
        0x440154, 0x482475, 0x414487, 0x355F8D, 0x2A788E, 0x21918C, 0x22A884, 0x44BF70,
        0x7AD151, 0xBDDF26, 0xFDE725,
      ])
    case "magma":
      return Colormap(hexes: [
        0x000004, 0x140E36, 0x3B0F70, 0x641A80, 0x8C2981, 0xB73779, 0xDE4968, 0xF7705C,
        0xFE9F6D, 0xFECF92, 0xFCFDBF,
      ])
    case "gray", "grey":
      return Colormap(hexes: [0x000000, 0xFFFFFF])
    case "coolwarm":
      return Colormap(hexes: [0x3B4CC0, 0x8DB0FE, 0xDDDDDD, 0xF49A7B, 0xB40426])
    case "rdbu":
      return Colormap(hexes: [
        0x67001F, 0xB2182B, 0xD6604D, 0xF4A582, 0xFDDBC7, 0xF7F7F7, 0xD1E5F0, 0x92C5DE,
        0x4393C3, 0x2166AC, 0x053061,
      ])
    default:
      return nil
    }
  }

  init(hexes: [UInt32]) { stops = hexes.map(RGB.init(hex:)) }

  /// The colour at `t` ∈ [0, 1] (clamped).
  func color(at t: Double) -> RGB {
    let u = min(max(t, 0), 1) * Double(stops.count - 1)
    let i = min(Int(u), stops.count - 2)
    return stops[i].mixed(with: stops[i + 1], u - Double(i))
  }
}

/// Marker shapes, drawn as filled polygons or strokes sized in points.
enum MarkerShape: String, Sendable, CaseIterable {
  case circle = "o"
  case square = "s"
  case triangle = "^"
  case cross = "x"
  case plus = "+"
  case point = "."

  static let codes = [""] + allCases.map(\.rawValue)

  /// Parses a marker code; "" means no marker (nil).
  static func parse(_ code: String) -> MarkerShape?? {
    if code.isEmpty { return .some(nil) }
    return MarkerShape(rawValue: code).map { .some($0) }
  }
}

/// Line dash patterns; "" draws no line.
enum LineDash: String, Sendable, CaseIterable {
  case solid = "-"
  case dashed = "--"
  case dotted = ":"
  case dashDot = "-."

  static let codes = allCases.map(\.rawValue) + [""]

  /// Parses a line style; "" means no line (nil).
  static func parse(_ code: String) -> LineDash?? {
    if code.isEmpty { return .some(nil) }
    return LineDash(rawValue: code).map { .some($0) }
  }

  /// Mark and space lengths in multiples of the line width (at least 1 pt each).
  var pattern: [Double] {
    switch self {
    case .solid: return []
    case .dashed: return [3.7, 1.6]
    case .dotted: return [1, 1.65]
    case .dashDot: return [6.4, 1.6, 1, 1.6]
    }
  }
}
