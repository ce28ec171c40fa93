/// Translates label text with a TeX subset into PLplot's text escapes (cairo drivers).
///
/// Supported, inside `$…$` unless noted:
/// - Greek `\alpha` … `\omega`, `\Gamma` … `\Omega`, `\varepsilon`, `\vartheta`, `\varphi`,
///   `\varrho`, `\varsigma` (also outside `$…$`), emitted as UTF-8 letters, which the
///   cairo drivers draw from the sans font. UTF-8 in the input passes through unchanged.
/// - `^{…}` / `^x` superscript → `#u…#d`; `_{…}` / `_x` subscript → `#d…#u`.
/// - Symbols `\langle \rangle \infty \cdot \pm \mp \times \div \leq \le \geq \ge \neq
///   \approx \sim \simeq \propto \equiv \partial \nabla \sum \prod \int \to \rightarrow
///   \leftarrow \Rightarrow \ell \hbar \circ \prime \ldots \cdots \in \deg`, spacing
///   `\, \; \: \quad \!`, escaped `\{ \} \$ \% \_ \# \&`, `\left`/`\right` (dropped).
/// - `\sqrt{x}` → `√x` (`√(…)` for more than one character), `\frac{a}{b}` → `a/b`
///   (parenthesised groups), `\mathrm{…}`, `\text{…}`, `\operatorname{…}` upright,
///   `\mathbf{…}` bold, `\mathit{…}` italic; `\sin \cos \exp \log \ln \tanh \max \min
///   \arg \det \tr` upright.
/// - Math mode sets Latin letters in italic and `-` as a minus sign (U+2212), and spaces
///   as TeX does: typed spaces are ignored, relations (`= < > \leq \approx` …) get a
///   quarter-em space (U+2005) each side, binary operators (`+ - \pm \times \cdot`)
///   after an operand a thin space (U+2009) each side, and a comma a thin space after it.
///
/// An unknown command keeps its name as plain text (`\foo` → `foo`), never garbled.
/// A literal `#` becomes `##` (PLplot's escape character). An unmatched `$` is literal.
enum TeXLabel {
  static func translate(_ text: String) -> String {
    var t = Translator(Array(text))
    t.run()
    return t.out
  }

  static let greek: [String: String] = [
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "ϖ",
    "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ",
    "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Alpha": "Α", "Beta": "Β", "Gamma": "Γ", "Delta": "Δ", "Epsilon": "Ε", "Zeta": "Ζ",
    "Eta": "Η", "Theta": "Θ", "Iota": "Ι", "Kappa": "Κ", "Lambda": "Λ", "Mu": "Μ", "Nu": "Ν",
    "Xi": "Ξ", "Omicron": "Ο", "Pi": "Π", "Rho": "Ρ", "Sigma": "Σ", "Tau": "Τ",
    "Upsilon": "Υ", "Phi": "Φ", "Chi": "Χ", "Psi": "Ψ", "Omega": "Ω",
  ]

  static let symbols: [String: String] = [
    "langle": "⟨", "rangle": "⟩", "infty": "∞", "cdot": "·", "pm": "±", "mp": "∓",
    "times": "×", "div": "÷", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠",
    "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "propto": "∝", "equiv": "≡",
    "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "ell": "ℓ", "hbar": "ħ",
    "circ": "∘", "prime": "′", "ldots": "…", "dots": "…", "cdots": "⋯", "in": "∈",
    "deg": "°", ",": "\u{2009}", ";": " ", ":": " ", " ": " ", "quad": "\u{2003}",
    "qquad": "\u{2003}\u{2003}", "!": "", "{": "{", "}": "}", "$": "$", "%": "%", "_": "_",
    "&": "&", "\\": " ", "|": "‖",
  ]

  static let relations: Set<String> = [
    "=", "<", ">", "≤", "≥", "≠", "≈", "∼", "≃", "∝", "≡", "→", "←", "⇒", "∈",
  ]
  static let binaries: Set<String> = ["+", "−", "±", "∓", "×", "÷", "·"]
  static let relationSpace = "\u{2005}"
  static let binarySpace = "\u{2009}"

  static let functions: Set<String> = [
    "sin", "cos", "tan", "exp", "log", "ln", "tanh", "sinh", "cosh", "max", "min", "arg",
    "det", "tr", "sup", "inf", "lim", "sgn", "erf",
  ]

  enum Font: Equatable {
    case upright
    case italic
    case bold
  }

  struct Translator {
    let chars: [Character]
    var i = 0
    var out = ""
    var font = Font.upright
    /// In math mode: whether the last thing emitted was an operand (so `-` is binary).
    var afterOperand = false

    init(_ chars: [Character]) { self.chars = chars }

    var atEnd: Bool { i >= chars.count }

    mutating func setFont(_ f: Font) {
      guard f != font else { return }
      if font == .bold { out += "#<medium/>" }
      switch f {
      case .upright: out += "#<upright/>"
      case .italic: out += "#<italic/>"
      case .bold: out += "#<upright/>#<bold/>"
      }
      font = f
    }

    mutating func emit(_ s: String, _ f: Font) {
      guard !s.isEmpty else { return }
      setFont(f)
      out += s.replacingHashes()
    }

    /// Emits a math symbol with TeX's spacing for relations, binary operators and commas.
    mutating func emitMath(_ s: String, _ f: Font) {
      if TeXLabel.relations.contains(s) {
        emit(TeXLabel.relationSpace + s + TeXLabel.relationSpace, f)
        afterOperand = false
      } else if TeXLabel.binaries.contains(s) && afterOperand {
        emit(TeXLabel.binarySpace + s + TeXLabel.binarySpace, f)
        afterOperand = false
      } else if s == "," {
        emit("," + TeXLabel.binarySpace, f)
        afterOperand = false
      } else {
        emit(s, f)
        afterOperand = !TeXLabel.binaries.contains(s) && !"([{⟨".contains(s)
      }
    }

    /// Top level: plain text with `$…$` math segments.
    mutating func run() {
      while !atEnd {
        let c = chars[i]
        if c == "$", let close = closingDollar(after: i) {
          i += 1
          math(until: close)
          i = close + 1
        } else if c == "\\" {
          command(math: false)
        } else {
          emit(String(c), .upright)
          i += 1
        }
      }
      setFont(.upright)
    }

    func closingDollar(after start: Int) -> Int? {
      var j = start + 1
      while j < chars.count {
        if chars[j] == "\\" {
          j += 2
          continue
        }
        if chars[j] == "$" { return j }
        j += 1
      }
      return nil
    }

    /// Math mode up to index `end` (exclusive) or a closing brace at depth 0.
    mutating func math(until end: Int) {
      afterOperand = false
      while i < end, !atEnd {
        if chars[i] == "}" { return }
        atom(until: end)
      }
    }

    /// One math atom: a group, command, script or character.
    mutating func atom(until end: Int) {
      let c = chars[i]
      switch c {
      case "{":
        i += 1
        math(until: end)
        if i < chars.count, chars[i] == "}" { i += 1 }
        afterOperand = true
      case "^", "_":
        i += 1
        while i < end, chars[i] == " " { i += 1 }
        guard i < end else {
          emit(String(c), .upright)
          return
        }
        out += c == "^" ? "#u" : "#d"
        afterOperand = false
        atom(until: end)
        out += c == "^" ? "#d" : "#u"
        afterOperand = true
      case "\\":
        command(math: true)
      case " ":
        i += 1
      case "-":
        emitMath("−", .upright)
        i += 1
      case "}":
        i += 1
      default:
        emitMath(String(c), c.isASCII && c.isLetter ? .italic : .upright)
        i += 1
      }
    }

    /// A brace group (or a single atom) rendered into its own string.
    mutating func captured(math inMath: Bool, font: Font? = nil) -> String {
      let savedOut = out
      let savedFont = self.font
      out = ""
      while i < chars.count, chars[i] == " " { i += 1 }
      if atEnd { return "" }
      if chars[i] == "{" {
        i += 1
        if inMath {
          math(until: chars.count)
        } else {
          while !atEnd, chars[i] != "}" {
            if chars[i] == "\\" {
              command(math: false)
            } else {
              emit(String(chars[i]), font ?? .upright)
              i += 1
            }
          }
        }
        if !atEnd, chars[i] == "}" { i += 1 }
      } else {
        atom(until: chars.count)
      }
      setFont(savedFont)
      let inner = out
      out = savedOut
      return inner
    }

    /// Number of visible characters in translated text (escapes excluded).
    static func visibleLength(_ s: String) -> Int {
      var n = 0
      var k = s.startIndex
      while k < s.endIndex {
        if s[k] == "#" {
          let next = s.index(after: k)
          if next < s.endIndex, s[next] == "<" {
            k = s[next...].firstIndex(of: ">").map { s.index(after: $0) } ?? s.endIndex
            continue
          }
          if next < s.endIndex, s[next] == "#" { n += 1 }
          k = next < s.endIndex ? s.index(after: next) : s.endIndex
          continue
        }
        n += 1
        k = s.index(after: k)
      }
      return n
    }

    mutating func command(math inMath: Bool) {
      i += 1
      guard !atEnd else {
        emit("\\", .upright)
        return
      }
      var name = ""
      while !atEnd, chars[i].isASCII, chars[i].isLetter {
        name.append(chars[i])
        i += 1
      }
      if name.isEmpty {
        name = String(chars[i])
        i += 1
      }
      if let g = TeXLabel.greek[name] {
        inMath ? emitMath(g, .upright) : emit(g, .upright)
      } else if let s = TeXLabel.symbols[name] {
        inMath ? emitMath(s, .upright) : emit(s, .upright)
      } else if TeXLabel.functions.contains(name) {
        inMath ? emitMath(name, .upright) : emit(name, .upright)
      } else {
        switch name {
        case "left", "right", "big", "Big", "bigl", "bigr", "displaystyle":
          return
        case "sqrt":
          let inner = captured(math: inMath)
          emit("√", .upright)
          out += Self.visibleLength(inner) > 1 ? "(" + inner + ")" : inner
        case "frac":
          let num = captured(math: inMath)
          let den = captured(math: inMath)
          out += Self.visibleLength(num) > 1 ? "(" + num + ")" : num
          emit("/", .upright)
          out += Self.visibleLength(den) > 1 ? "(" + den + ")" : den
        case "mathrm", "text", "textrm", "operatorname", "mathsf", "textsf":
          out += captured(math: false, font: .upright)
        case "mathit", "textit":
          out += captured(math: false, font: .italic)
        case "mathbf", "textbf", "boldsymbol":
          out += captured(math: false, font: .bold)
        default:
          emit(name, .upright)
        }
      }
    }
  }
}

extension String {
  /// Doubles every `#`, PLplot's text escape character.
  func replacingHashes() -> String {
    contains("#")
      ? split(separator: "#", omittingEmptySubsequences: false).joined(separator: "##") : self
  }
}
