/// Which row of a list is selected and which row is at the top of its window. Plain data: the
/// app keeps it in its state; the window maths is a pure function of it.
public struct ListState: Hashable, Sendable {
    public var selected: Int?
    /// The first visible row.
    public var offset: Int

    public init(selected: Int? = nil, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// The window of a list of `count` rows shown in `height` rows: the offset to use and the
    /// rows visible. The selected row is always inside the window; the window moves as little
    /// as possible and never shows empty rows past the end when it could show more rows.
    public static func visibleRange(selected: Int?, offset: Int, height: Int, count: Int) -> (offset: Int, range: Range<Int>) {
        guard count > 0, height > 0 else { return (0, 0..<0) }
        var top = min(max(0, offset), max(0, count - height))
        if let s = selected.map({ min(max(0, $0), count - 1) }) {
            if s < top { top = s }
            if s >= top + height { top = s - height + 1 }
        }
        return (top, top..<min(count, top + height))
    }

    /// This state with its offset adjusted for a window of `height` rows.
    public func scrolled(height: Int, count: Int) -> ListState {
        var s = self
        s.offset = Self.visibleRange(selected: selected, offset: offset, height: height, count: count).offset
        return s
    }

    /// Moves the selection by `delta` rows, stopping at the ends (selects the first row when
    /// nothing was selected).
    public mutating func move(by delta: Int, count: Int) {
        guard count > 0 else { selected = nil; return }
        guard let s = selected else { selected = delta < 0 ? count - 1 : 0; return }
        selected = min(max(0, s + delta), count - 1)
    }

    public mutating func selectFirst(count: Int) { selected = count > 0 ? 0 : nil }
    public mutating func selectLast(count: Int) { selected = count > 0 ? count - 1 : nil }
    /// Keeps the selection valid after the list changed length.
    public mutating func clamp(count: Int) {
        if let s = selected { selected = count > 0 ? min(s, count - 1) : nil }
        offset = min(offset, max(0, count - 1))
    }
}

/// A scrolling list of rows with columns, a marker column and a highlighted selected row.
/// Rows come from a closure and only the visible ones are asked for, so a list of 100,000 rows
/// costs what its window shows.
///
///     ● Ozzy Owner          (3)      marker column, a flexible left column, a fixed right one
///     ▸ Carl Contact        (2)      the selected row: reverse + bold, and the highlight symbol
public struct ListWidget: Widget {
    /// How a column is sized.
    public enum ColumnWidth: Hashable, Sendable {
        case fixed(Int)
        /// Shares the width left by fixed columns with the other flexible columns. In a list with `content`
        /// columns, it first gets the width of its widest visible cell (a name is what people read).
        case flexible(min: Int)
        /// As wide as its widest visible cell (or its header, if wider); shown only while it fits beside the
        /// flexible and fixed columns and the content columns before it in `priority`. A column whose visible
        /// cells are all empty is not shown.
        case content
    }

    public struct Column: Hashable, Sendable {
        public var width: ColumnWidth
        public var alignment: TextWidth.Alignment
        /// The order in which `content` columns are given room (lowest first; then left to right). Where
        /// a column is drawn is its place in `columns`, whatever its priority.
        public var priority: Int
        /// The widest a `content` column gets; longer cells are cut (a long status need not push out the
        /// columns after it). nil: as wide as its cells.
        public var maxWidth: Int?
        /// A `content` column cut at `maxWidth` takes the room the list has left over, up to its widest cell, before
        /// the flexible columns get it: `maxWidth` holds only while room is short.
        public var growsIntoSpare: Bool
        public init(_ width: ColumnWidth, alignment: TextWidth.Alignment = .left, priority: Int = 0, maxWidth: Int? = nil,
                    growsIntoSpare: Bool = false) {
            self.width = width
            self.alignment = alignment
            self.priority = priority
            self.maxWidth = maxWidth
            self.growsIntoSpare = growsIntoSpare
        }
        public static let flexible = Column(.flexible(min: 1))
    }

    /// One row as shown: one text per column, an optional marker, and a style.
    public struct Row: Hashable, Sendable {
        public var cells: [String]
        public var marker: String
        public var style: Style
        public init(_ cells: [String], marker: String = "", style: Style = .plain) {
            self.cells = cells
            self.marker = marker
            self.style = style
        }
    }

    public var count: Int
    public var row: (Int) -> Row
    public var columns: [Column]
    public var state: ListState
    /// Width of the marker column at the left (0 for none); a space follows it.
    public var markerWidth: Int
    /// Drawn in the marker column of the selected row when that row has no marker of its own.
    public var highlightSymbol: String
    /// Drawn over the selected row's style; reverse + bold so it shows without colour.
    public var highlightStyle: Style
    public var columnSpacing: Int
    /// Shown when the list has no rows.
    public var emptyText: String
    /// Column titles drawn on the first row (the rows get one row less); nil for none.
    public var header: Row?
    /// Shorter titles ("#" for "Listings"), used for a column too narrow for its title in `header`.
    public var compactHeader: Row?
    public var headerStyle: Style

    public init(count: Int, columns: [Column] = [.flexible], state: ListState = ListState(),
                markerWidth: Int = 1, highlightSymbol: String = "▸",
                highlightStyle: Style = Style(attributes: [.reverse, .bold]),
                columnSpacing: Int = 1, emptyText: String = "",
                header: Row? = nil, compactHeader: Row? = nil, headerStyle: Style = Style(attributes: [.bold, .underline]),
                row: @escaping (Int) -> Row) {
        self.header = header
        self.compactHeader = compactHeader
        self.headerStyle = headerStyle
        self.count = count
        self.row = row
        self.columns = columns
        self.state = state
        self.markerWidth = markerWidth
        self.highlightSymbol = highlightSymbol
        self.highlightStyle = highlightStyle
        self.columnSpacing = columnSpacing
        self.emptyText = emptyText
    }

    /// The widths of the columns in `width` cells after the marker column, for the rows in view (and the
    /// header, when it is shown); 0 for a column not shown. Without `content` columns, the same as
    /// `columnWidths(in:)`. A row whose cells after the first are all empty ("My own workspace" in a list of
    /// groups and their member counts) runs on over the empty cells, so it does not widen the first column.
    public func columnWidths(in width: Int, rows: [Row], showsHeader: Bool = true) -> [Int] {
        guard columns.contains(where: { $0.width == .content }) else { return columnWidths(in: width) }
        let spacing = max(0, columnSpacing)
        func widest(_ column: Int) -> Int {
            rows.reduce(0) { widest, row in
                guard column < row.cells.count else { return widest }
                if column == 0 && row.cells.dropFirst().allSatisfy(\.isEmpty) { return widest }
                return max(widest, TextWidth.of(row.cells[column]))
            }
        }
        func headerWidth(_ header: Row?, _ column: Int) -> Int {
            guard showsHeader, let header, column < header.cells.count else { return 0 }
            return TextWidth.of(header.cells[column])
        }
        var widths = Array(repeating: 0, count: columns.count)
        var shown = 0, used = 0
        func show(_ column: Int, _ w: Int) {
            widths[column] = w
            used += (shown > 0 ? spacing : 0) + w
            shown += 1
        }
        for (i, column) in columns.enumerated() {
            switch column.width {
            case .fixed(let n): show(i, max(0, n))
            case .flexible(let minimum): show(i, max(minimum, widest(i)))
            case .content: break
            }
        }
        let byPriority = columns.indices.filter { columns[$0].width == .content }
            .sorted { (columns[$0].priority, $0) < (columns[$1].priority, $1) }
        for i in byPriority {
            let cells = min(widest(i), columns[i].maxWidth ?? .max)
            guard cells > 0 else { continue }
            // As wide as its header if that fits, else as its compact header (the cells never shrink).
            let room = width - used - (shown > 0 ? spacing : 0)
            let full = max(cells, headerWidth(header, i))
            let compact = max(cells, headerWidth(compactHeader ?? header, i))
            if full <= room { show(i, full) } else if compact <= room { show(i, compact) } else { break }
        }
        for i in byPriority where columns[i].growsIntoSpare && widths[i] > 0 && used < width {
            let grown = min(widest(i), widths[i] + width - used)
            if grown > widths[i] {
                used += grown - widths[i]
                widths[i] = grown
            }
        }
        let flexible = columns.indices.filter { if case .flexible = columns[$0].width { true } else { false } }
        if used < width, !flexible.isEmpty {
            // Room to spare goes to the flexible columns, so the others line up on the right.
            let spare = width - used
            for (n, i) in flexible.enumerated() { widths[i] += spare / flexible.count + (n < spare % flexible.count ? 1 : 0) }
        }
        // Still too wide (a name wider than the list): cut from the right, so the name stays readable.
        Self.shrinkFromRight(&widths, by: used - width)
        return widths
    }

    /// Takes `excess` columns off the widths, the last column first.
    private static func shrinkFromRight(_ widths: inout [Int], by excess: Int) {
        var excess = excess
        var i = widths.count - 1
        while excess > 0 && i >= 0 {
            let cut = min(widths[i], excess)
            widths[i] -= cut
            excess -= cut
            i -= 1
        }
    }

    /// The widths of the columns in `width` cells after the marker column.
    public func columnWidths(in width: Int) -> [Int] {
        let spacing = max(0, columnSpacing) * max(0, columns.count - 1)
        let fixed = columns.reduce(0) { if case .fixed(let n) = $1.width { return $0 + max(0, n) } else { return $0 } }
        let flexibleCount = columns.filter { if case .flexible = $0.width { return true } else { return false } }.count
        var free = max(0, width - spacing - fixed)
        var widths: [Int] = []
        var flexSeen = 0
        for c in columns {
            switch c.width {
            case .fixed(let n): widths.append(max(0, n))
            case .content: widths.append(0)
            case .flexible(let minimum):
                flexSeen += 1
                let even = flexSeen == flexibleCount ? free : free / max(1, flexibleCount - flexSeen + 1)
                let share = max(minimum, even)
                widths.append(share)
                free = max(0, free - share)
            }
        }
        // Not enough room: shrink from the right so the first columns stay readable.
        Self.shrinkFromRight(&widths, by: widths.reduce(0, +) + spacing - width)
        return widths
    }

    /// A list of plain strings, one column.
    public init(items: [String], state: ListState = ListState(), emptyText: String = "") {
        self.init(count: items.count, state: state, emptyText: emptyText) { ListWidget.Row([items[$0]]) }
    }

    public func render(in area: Rect, into buffer: inout Buffer) {
        renderReturningState(in: area, into: &buffer)
    }

    /// Rows of the list that fit in `area` (one less with a header): the page size for PgUp/PgDn.
    public func visibleRowCount(in area: Rect) -> Int {
        max(0, area.height - (header != nil && area.height >= 2 ? 1 : 0))
    }

    /// Draws one row. Spacing comes only between shown columns (width > 0); a left-aligned cell may run on
    /// over the empty cells after it, so text is never cut beside empty space.
    private func draw(_ r: Row, marker symbol: String, style: Style, y: Int, area: Rect, widths: [Int], markerColumns: Int, into buffer: inout Buffer) {
        buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style)
        if markerColumns > 0 {
            buffer.write(TextWidth.pad(symbol, to: markerWidth, ellipsis: ""), at: area.x, y: y, maxWidth: markerWidth, style: style)
        }
        func text(_ i: Int) -> String { i < r.cells.count ? r.cells[i] : "" }
        let shown = widths.indices.filter { widths[$0] > 0 }
        var x = area.x + markerColumns
        var n = 0
        while n < shown.count, x < area.right {
            let i = shown[n]
            var width = widths[i]
            n += 1
            if columns[i].alignment == .left {
                while n < shown.count, text(shown[n]).isEmpty {
                    width += columnSpacing + widths[shown[n]]
                    n += 1
                }
            }
            let padded = TextWidth.pad(text(i), to: width, alignment: columns[i].alignment)
            buffer.write(padded, at: x, y: y, maxWidth: min(width, area.right - x), style: style)
            x += width + columnSpacing
        }
    }

    /// Draws and returns the state with the offset that was used (store it to keep the window
    /// where it was on the next frame).
    @discardableResult
    public func renderReturningState(in area: Rect, into buffer: inout Buffer) -> ListState {
        guard !area.isEmpty else { return state }
        let marker = markerWidth > 0 ? min(markerWidth + 1, area.width) : 0
        let showsHeader = header != nil && area.height >= 2
        let rowsArea = showsHeader ? area.droppingTop(1) : area
        let window = ListState.visibleRange(selected: state.selected, offset: state.offset, height: rowsArea.height, count: count)
        let rows = window.range.map(row)
        let widths = columnWidths(in: area.width - marker, rows: rows, showsHeader: showsHeader)
        if let header, showsHeader {
            // Each column's title, or its compact one where the title does not fit.
            let titles = header.cells.indices.map { i -> String in
                let compact = compactHeader.flatMap { i < $0.cells.count ? $0.cells[i] : nil } ?? header.cells[i]
                return i < widths.count && TextWidth.of(header.cells[i]) > widths[i] ? compact : header.cells[i]
            }
            draw(Row(titles), marker: "", style: headerStyle, y: area.y, area: area, widths: widths, markerColumns: marker, into: &buffer)
        }
        if count <= 0 {
            // Where the rows' text would start (past the marker column), as a row would read.
            let text = rowsArea.width > marker ? rowsArea.droppingLeft(marker) : rowsArea
            if !emptyText.isEmpty { buffer.write(emptyText, in: text, style: .dim, ellipsis: "…") }
            return ListState(selected: nil, offset: 0)
        }
        for (line, index) in window.range.enumerated() {
            let r = rows[line]
            let isSelected = index == state.selected
            let style = isSelected ? r.style.patched(with: highlightStyle) : r.style
            let symbol = (isSelected && r.marker.isEmpty) ? highlightSymbol : r.marker
            draw(r, marker: symbol, style: style, y: rowsArea.y + line, area: rowsArea, widths: widths, markerColumns: marker, into: &buffer)
        }
        return ListState(selected: state.selected, offset: window.offset)
    }
}
