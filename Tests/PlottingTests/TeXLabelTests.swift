import Testing

@testable import Plotting

@Suite("TeX subset to PLplot text")
struct TeXLabelTests {
  static let table: [(String, String)] = [
    ("plain text", "plain text"),
    ("50# of runs", "50## of runs"),
    ("already α and β", "already α and β"),
    ("$\\alpha$", "α"),
    ("$\\omega$", "ω"),
    ("$\\Omega$", "Ω"),
    ("$\\Gamma(x)$", "Γ(#<italic/>x#<upright/>)"),
    ("\\beta outside math", "β outside math"),
    ("$m^2$", "#<italic/>m#u#<upright/>2#d"),
    ("$x_i$", "#<italic/>x#di#u#<upright/>"),
    ("$x_{ij}$", "#<italic/>x#dij#u#<upright/>"),
    ("$e^{-t/2}$", "#<italic/>e#u#<upright/>−#<italic/>t#<upright/>/2#d"),
    ("$\\langle q \\rangle$", "⟨#<italic/>q#<upright/>⟩"),
    ("$\\infty$", "∞"),
    ("$a \\cdot b$", "#<italic/>a#<upright/>\u{2009}·\u{2009}#<italic/>b#<upright/>"),
    ("$\\pm 1$", "±1"),
    ("$x \\leq 1$", "#<italic/>x#<upright/>\u{2005}≤\u{2005}1"),
    ("$x \\geq 1$", "#<italic/>x#<upright/>\u{2005}≥\u{2005}1"),
    ("$2 \\times 3$", "2\u{2009}×\u{2009}3"),
    ("$\\approx$", "\u{2005}≈\u{2005}"),
    ("$\\sqrt{N}$", "√#<italic/>N#<upright/>"),
    ("$\\sqrt{2N}$", "√(2#<italic/>N#<upright/>)"),
    ("$\\frac{1}{2}$", "1/2"),
    ("$\\mathrm{eff}$", "eff"),
    ("$\\foo$", "foo"),
    ("\\foo bar", "foo bar"),
    ("cost \\$5", "cost $5"),
    ("unmatched $ sign", "unmatched $ sign"),
    ("$\\#$", "##"),
  ]

  @Test("translation table", arguments: table)
  func translates(_ input: String, _ expected: String) {
    #expect(TeXLabel.translate(input) == expected)
  }

  @Test func everyGreekLetterTranslates() {
    for (name, letter) in TeXLabel.greek {
      #expect(TeXLabel.translate("$\\\(name)$") == letter)
    }
    #expect(TeXLabel.greek.count == 24 + 5 + 24 + 1)
  }

  @Test func translatedTextHasNoStrayHashes() {
    for input in ["#", "a # b", "$x^#$", "\\#1"] {
      let out = TeXLabel.translate(input)
      let plain = SVGDescription.plainText(out)
      #expect(plain.filter { $0 == "#" }.count == input.filter { $0 == "#" }.count)
    }
  }
}
