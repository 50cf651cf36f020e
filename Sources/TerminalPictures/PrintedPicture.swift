import TerminalUI

extension PictureCells {
    /// The picture as lines of text with colour sequences (SGR), for printing on a terminal outside the TUI
    /// (`spark-portal listing <id>`): `38;5;N`/`48;5;N` for palette colours, `38;2;R;G;B`/`48;2;R;G;B` for direct
    /// colour, a sequence only where the colours change, and a reset at the end of every line.
    public func ansiLines() -> [String] {
        (0..<size.height).map { y in
            var line = ""
            var current: Style?
            for x in 0..<size.width {
                let cell = self[x, y]
                if cell.style != current {
                    line += "\u{1B}[0" + Self.sgr(cell.style.fg, foreground: true) + Self.sgr(cell.style.bg, foreground: false) + "m"
                    current = cell.style
                }
                line += cell.grapheme
            }
            return line + "\u{1B}[0m"
        }
    }

    private static func sgr(_ color: Color, foreground: Bool) -> String {
        let base = foreground ? "38" : "48"
        switch color {
        case .default: return ""
        case .rgb(let r, let g, let b): return ";\(base);2;\(r);\(g);\(b)"
        default: return color.index.map { ";\(base);5;\($0)" } ?? ""
        }
    }
}

extension PhotoDisplay {
    /// The colours of a terminal the command line prints to (where no ncurses is asked): none when the output
    /// is not a terminal, colours are off (`NO_COLOR`, `--no-color`) or `TERM` is unset or `dumb`; direct with
    /// `COLORTERM=truecolor|24bit` or a `-direct` `TERM`; 256 when `TERM` says `256color`; else the basic ones.
    /// Decide what to print with `decide(colors:mode:)`.
    public static func printingColors(environment: [String: String], isTerminal: Bool, colorsOff: Bool) -> ColorSupport {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        guard isTerminal, !colorsOff, !noColor else { return .none }
        let term = environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else { return .none }
        if ["truecolor", "24bit"].contains((environment["COLORTERM"] ?? "").lowercased()) || term.hasSuffix("-direct") {
            return .direct
        }
        return term.contains("256color") ? .indexed256 : .basic
    }
}
