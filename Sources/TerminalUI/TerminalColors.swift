// The colour arithmetic of the ncurses backend, kept apart from ncurses so tests reach it.

/// How `Color`s become the colour numbers of a terminal that has `support` and `colors` colours
/// (ncurses' `COLORS`): -1 for the terminal's default colour.
struct TerminalPalette: Sendable, Hashable {
    var support: ColorSupport
    var colors: Int

    func number(for color: Color) -> Int32 {
        guard color != .default else { return -1 }
        switch support {
        case .none:
            return -1
        case .direct:
            // A direct-colour terminfo entry (xterm-direct and the like) sends numbers below 8 as the palette's
            // first eight colours (the user's theme) and everything else as 24-bit RGB: the other palette
            // colours become their xterm RGB, and a real colour that packs below 8 is nudged to 8 (rgb 0,0,8).
            if let index = color.index, index < 8, !color.isRGB { return Int32(index) }
            guard let (r, g, b) = color.rgbValue else { return -1 }
            return max(8, Int32(r) << 16 | Int32(g) << 8 | Int32(b))
        case .indexed256, .basic:
            guard let index = color.index else { return -1 }
            if color.isRGB, colors < 256 { return -1 }
            if index < colors { return Int32(index) }
            if index < 16, index - 8 < colors { return Int32(index - 8) }  // bright → normal on 8 colours
            return -1
        }
    }
}

extension Color {
    var isRGB: Bool {
        if case .rgb = self { return true }
        return false
    }
}

/// The colour pairs a terminal has been given, numbered from 1 (pair 0 is the terminal's default colours).
/// A terminal has a fixed number of pairs (ncurses' `COLOR_PAIRS`: 65,536 for xterm-256color); photos use
/// hundreds each, so paging through photos fills the table. When it is full, the backend starts again with an
/// empty table (`reset_color_pairs`) and redraws the frame — every visible cell then gets a pair of the new
/// table. Redefining pairs one by one instead (ncurses' `alloc_pair` recycles the oldest) would change the
/// colour of cells still on screen that use the recycled pair.
struct ColorPairTable {
    struct Key: Hashable {
        var foreground: Int32
        var background: Int32
    }

    enum Lookup: Equatable {
        /// Already defined.
        case existing(Int32)
        /// A new pair number: define it with these colours.
        case new(Int32)
        /// No pair left: reset the table (or use pair 0).
        case full
    }

    /// Pairs 1...capacity may be used.
    let capacity: Int
    private var numbers: [Key: Int32] = [:]
    /// How many times the table was emptied (for tests and the benchmark).
    private(set) var resets = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    var count: Int { numbers.count }

    mutating func lookup(foreground: Int32, background: Int32) -> Lookup {
        let key = Key(foreground: foreground, background: background)
        if let number = numbers[key] { return .existing(number) }
        guard numbers.count < capacity else { return .full }
        let number = Int32(numbers.count + 1)
        numbers[key] = number
        return .new(number)
    }

    mutating func reset() {
        numbers.removeAll(keepingCapacity: true)
        resets += 1
    }
}
