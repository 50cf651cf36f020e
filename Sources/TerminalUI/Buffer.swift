/// One cell of the screen: a spacing character with its combining marks, its width, and its style.
/// A wide character (width 2) is followed by a continuation cell (width 0, empty text) that
/// stands for its right half.
public struct Cell: Hashable, Sendable {
    public var grapheme: String
    /// 1 or 2 for a cell that starts a character; 0 for the right half of a wide one.
    public var width: Int
    public var style: Style

    public init(_ grapheme: String, width: Int = 1, style: Style = .plain) {
        self.grapheme = grapheme
        self.width = width
        self.style = style
    }

    public static let blank = Cell(" ")
    public static func blank(_ style: Style) -> Cell { Cell(" ", style: style) }
    static func continuation(_ style: Style) -> Cell { Cell("", width: 0, style: style) }

    public var isContinuation: Bool { width == 0 }
}

/// A grid of cells: what a frame looks like, built in memory by widgets and handed to a backend.
/// Tests build one from lines (`Buffer(lines:)`) and compare `lines`.
public struct Buffer: Sendable, Equatable, CustomStringConvertible {
    public private(set) var size: Size
    private var cells: [Cell]

    public init(size: Size, style: Style = .plain) {
        self.size = size
        self.cells = Array(repeating: .blank(style), count: size.width * size.height)
    }

    /// A buffer whose rows are `lines` (plain style); its width is the widest line, shorter lines
    /// are padded with spaces.
    public init(lines: [String]) {
        let width = lines.map(TextWidth.of).max() ?? 0
        self.init(size: Size(width: width, height: lines.count))
        for (y, line) in lines.enumerated() {
            write(line, at: 0, y: y, maxWidth: width, style: .plain)
        }
    }

    /// The whole buffer as a rectangle at the origin.
    public var area: Rect { Rect(size: size) }

    /// Each row as text: wide characters once (their continuation cells add nothing).
    public var lines: [String] {
        (0..<size.height).map { line($0) }
    }

    public func line(_ y: Int) -> String {
        guard y >= 0, y < size.height else { return "" }
        var s = ""
        for x in 0..<size.width { s += cells[y * size.width + x].grapheme }
        return s
    }

    /// The cell at a position; a blank for positions outside the buffer. Setting a cell outside
    /// is ignored. Setting a cell keeps wide characters whole: a half that is overwritten takes
    /// its other half with it (replaced by a blank).
    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard contains(x: x, y: y) else { return .blank }
            return cells[y * size.width + x]
        }
        set { set(newValue, x: x, y: y) }
    }

    public func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < size.width && y < size.height
    }

    private mutating func set(_ cell: Cell, x: Int, y: Int) {
        guard contains(x: x, y: y) else { return }
        var cell = cell
        // A wide cell that does not fit in the last column becomes a blank.
        if cell.width == 2 && x + 1 >= size.width { cell = .blank(cell.style) }
        breakWide(x: x, y: y)
        if cell.width == 2 { breakWide(x: x + 1, y: y) }
        cells[y * size.width + x] = cell
        if cell.width == 2 { cells[y * size.width + x + 1] = .continuation(cell.style) }
    }

    /// Before overwriting (x, y): if it is part of a wide character, blank the other half.
    private mutating func breakWide(x: Int, y: Int) {
        let i = y * size.width + x
        let old = cells[i]
        if old.isContinuation, x > 0 {
            cells[i - 1] = .blank(cells[i - 1].style)
        } else if old.width == 2, x + 1 < size.width {
            cells[i + 1] = .blank(old.style)
        }
        cells[i] = .blank(old.style)
    }

    /// Writes `text` (sanitized here) from column `x` of row `y`, using at most `maxWidth`
    /// columns and never past the right edge. A wide character that does not fit is not drawn.
    /// With an `ellipsis`, text that does not fit ends with it. Returns the columns used.
    @discardableResult
    public mutating func write(_ text: String, at x: Int, y: Int, maxWidth: Int = Int.max,
                               style: Style = .plain, ellipsis: String? = nil) -> Int {
        guard y >= 0, y < size.height, x < size.width, maxWidth > 0 else { return 0 }
        let limit = min(maxWidth, size.width - x)
        let source = ellipsis.map { TextWidth.truncate(text, to: limit, ellipsis: $0) } ?? text
        var column = x
        var used = 0
        for part in TextWidth.cells(of: source) {
            if used + part.width > limit { break }
            if column >= 0 {
                set(Cell(part.text, width: part.width, style: style), x: column, y: y)
            }
            column += part.width
            used += part.width
        }
        return used
    }

    /// Writes `text` into a row of `area`, clipped to it. Returns the columns used.
    @discardableResult
    public mutating func write(_ text: String, in area: Rect, row: Int = 0, style: Style = .plain,
                               ellipsis: String? = nil) -> Int {
        guard row >= 0, row < area.height, area.width > 0 else { return 0 }
        return write(text, at: area.x, y: area.y + row, maxWidth: area.width, style: style, ellipsis: ellipsis)
    }

    /// Clears `rect` to blanks in `style` (what a popup does to the area under it).
    public mutating func fill(_ rect: Rect, style: Style = .plain) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.bottom {
            for x in r.x..<r.right { set(.blank(style), x: x, y: y) }
        }
    }

    /// Changes the style of the cells in `rect`, keeping their text (a highlighted row).
    /// `patch` draws the style over the existing one instead of replacing it.
    public mutating func setStyle(_ style: Style, in rect: Rect, patch: Bool = false) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.bottom {
            for x in r.x..<r.right {
                let i = y * size.width + x
                cells[i].style = patch ? cells[i].style.patched(with: style) : style
            }
        }
    }

    /// One changed cell, for a backend.
    public struct Change: Hashable, Sendable {
        public var x: Int
        public var y: Int
        public var cell: Cell
    }

    /// The cells of this buffer that differ from `previous` (every cell when sizes differ),
    /// in row order. Continuation cells are left out: drawing a wide character covers them.
    /// When a continuation changed, its wide character is included.
    public func diff(from previous: Buffer?) -> [Change] {
        var changes: [Change] = []
        let sameSize = previous?.size == size
        for y in 0..<size.height {
            var x = 0
            while x < size.width {
                let i = y * size.width + x
                let cell = cells[i]
                if cell.isContinuation { x += 1; continue }
                var changed = !sameSize || previous!.cells[i] != cell
                if !changed, cell.width == 2, x + 1 < size.width, previous!.cells[i + 1] != cells[i + 1] {
                    changed = true
                }
                if changed { changes.append(Change(x: x, y: y, cell: cell)) }
                x += max(1, cell.width)
            }
        }
        return changes
    }

    /// The rows framed, for test failure messages.
    public var description: String {
        let border = "+" + String(repeating: "-", count: size.width) + "+"
        return ([border] + lines.map { "|\($0)|" } + [border]).joined(separator: "\n")
    }
}
