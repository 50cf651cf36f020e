/// A terminal colour: the terminal's default, one of the 16 named colours, a 256-colour index, or a direct
/// (24-bit) colour. A backend draws `.rgb` as such only where the terminal has direct colour
/// (`ColorSupport.direct`); elsewhere it draws the nearest of the 240 fixed colours 16...255.
public enum Color: Hashable, Sendable {
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// The xterm 256-colour index (for `.rgb`, the nearest of 16...255), or nil for the terminal's default colour.
    public var index: Int? {
        switch self {
        case .default: return nil
        case .black: return 0
        case .red: return 1
        case .green: return 2
        case .yellow: return 3
        case .blue: return 4
        case .magenta: return 5
        case .cyan: return 6
        case .white: return 7
        case .brightBlack: return 8
        case .brightRed: return 9
        case .brightGreen: return 10
        case .brightYellow: return 11
        case .brightBlue: return 12
        case .brightMagenta: return 13
        case .brightCyan: return 14
        case .brightWhite: return 15
        case .indexed(let n): return Int(n)
        case .rgb(let r, let g, let b): return Int(Self.nearestIndex(red: r, green: g, blue: b))
        }
    }

    /// The colour as 24-bit RGB, for a direct-colour terminal: `.rgb` itself, indexes 16...255 by the xterm
    /// palette (a 6×6×6 cube and 24 greys, the same in every terminal), the 16 named colours by xterm's
    /// defaults. Nil for the terminal's default colour.
    public var rgbValue: (red: UInt8, green: UInt8, blue: UInt8)? {
        switch self {
        case .default: return nil
        case .rgb(let r, let g, let b): return (r, g, b)
        default:
            guard let index else { return nil }
            return Self.paletteRGB(index)
        }
    }

    /// xterm's RGB for a 256-colour index.
    static func paletteRGB(_ index: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        switch index {
        case 0..<16:
            let named: [(UInt8, UInt8, UInt8)] = [
                (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
                (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
                (255, 0, 255), (0, 255, 255), (255, 255, 255),
            ]
            return named[index]
        case 16..<232:
            let n = index - 16
            return (cubeLevels[n / 36], cubeLevels[(n / 6) % 6], cubeLevels[n % 6])
        default:
            let level = UInt8(8 + 10 * (min(index, 255) - 232))
            return (level, level, level)
        }
    }

    private static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The nearest of the 240 fixed colours (16...255: the cube and the greys) to an RGB colour, by squared
    /// distance. The 16 named colours are left out: terminals' themes change them.
    public static func nearestIndex(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        func level(_ v: UInt8) -> Int {
            // The cube's levels are 0, 95, 135, ... 255: nearest level index.
            v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40
        }
        func distance(_ c: (red: UInt8, green: UInt8, blue: UInt8)) -> Int {
            let dr = Int(c.red) - Int(red), dg = Int(c.green) - Int(green), db = Int(c.blue) - Int(blue)
            return dr * dr + dg * dg + db * db
        }
        let cube = 16 + 36 * level(red) + 6 * level(green) + level(blue)
        let average = (Int(red) + Int(green) + Int(blue)) / 3
        let grey = 232 + min(23, max(0, (average - 3) / 10))
        return UInt8(distance(paletteRGB(grey)) < distance(paletteRGB(cube)) ? grey : cube)
    }
}

/// What colours a terminal can show, as a backend found out when it started.
public enum ColorSupport: Hashable, Sendable {
    /// No colours: `NO_COLOR`, `--no-color`, or a terminal without them.
    case none
    /// 8 or 16 colours.
    case basic
    /// The 256-colour palette.
    case indexed256
    /// 24-bit colour (terminfo `RGB`, or `COLORTERM=truecolor` with a `-direct` terminfo entry).
    case direct
}

/// Text attributes. Every state a view shows must be visible without colour (NO_COLOR), so
/// selection and focus use these, with colour only as a hint.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let underline = TextAttributes(rawValue: 1 << 2)
    public static let reverse = TextAttributes(rawValue: 1 << 3)
    public static let italic = TextAttributes(rawValue: 1 << 4)
}

/// How a cell looks: foreground, background and attributes.
public struct Style: Hashable, Sendable, CustomStringConvertible {
    public var fg: Color
    public var bg: Color
    public var attributes: TextAttributes

    public init(fg: Color = .default, bg: Color = .default, attributes: TextAttributes = []) {
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }

    public static let plain = Style()
    public static let bold = Style(attributes: .bold)
    public static let dim = Style(attributes: .dim)
    public static let reverse = Style(attributes: .reverse)
    public static let underline = Style(attributes: .underline)

    /// A copy with the given parts replaced; `adding` attributes are added to the existing ones.
    public func with(fg: Color? = nil, bg: Color? = nil, attributes: TextAttributes? = nil,
                     adding: TextAttributes = []) -> Style {
        var s = self
        if let fg { s.fg = fg }
        if let bg { s.bg = bg }
        if let attributes { s.attributes = attributes }
        s.attributes.formUnion(adding)
        return s
    }

    /// `other` drawn over this style: its colours win unless they are `.default`; attributes add up.
    public func patched(with other: Style) -> Style {
        Style(fg: other.fg == .default ? fg : other.fg,
              bg: other.bg == .default ? bg : other.bg,
              attributes: attributes.union(other.attributes))
    }

    public var description: String {
        var parts: [String] = []
        if fg != .default { parts.append("fg:\(fg)") }
        if bg != .default { parts.append("bg:\(bg)") }
        let names: [(TextAttributes, String)] = [(.bold, "bold"), (.dim, "dim"), (.underline, "underline"), (.reverse, "reverse"), (.italic, "italic")]
        for (a, n) in names where attributes.contains(a) { parts.append(n) }
        return parts.isEmpty ? "plain" : parts.joined(separator: " ")
    }
}
