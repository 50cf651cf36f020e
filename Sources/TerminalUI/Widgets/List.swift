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
        /// Shares the width left by fixed columns with the other flexible columns.
        case flexible(min: Int)
    }

    public struct Column: Hashable, Sendable {
        public var width: ColumnWidth
        public var alignment: TextWidth.Alignment
        public init(_ width: ColumnWidth, alignment: TextWidth.Alignment = .left) {
            self.width = width
            self.alignment = alignment
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
    public var headerStyle: Style

    public init(count: Int, columns: [Column] = [.flexible], state: ListState = ListState(),
                markerWidth: Int = 1, highlightSymbol: String = "▸",
                highlightStyle: Style = Style(attributes: [.reverse, .bold]),
                columnSpacing: Int = 1, emptyText: String = "",
                header: Row? = nil, headerStyle: Style = Style(attributes: [.bold, .underline]),
                row: @escaping (Int) -> Row) {
        self.header = header
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
            case .flexible(let minimum):
                flexSeen += 1
                let even = flexSeen == flexibleCount ? free : free / max(1, flexibleCount - flexSeen + 1)
                let share = max(minimum, even)
                widths.append(share)
                free = max(0, free - share)
            }
        }
        // Not enough room: shrink from the right so the first columns stay readable.
        var excess = widths.reduce(0, +) + spacing - width
        var i = widths.count - 1
        while excess > 0 && i >= 0 {
            let cut = min(widths[i], excess)
            widths[i] -= cut
            excess -= cut
            i -= 1
        }
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

    private func draw(_ r: Row, marker symbol: String, style: Style, y: Int, area: Rect, widths: [Int], markerColumns: Int, into buffer: inout Buffer) {
        buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style)
        if markerColumns > 0 {
            buffer.write(TextWidth.pad(symbol, to: markerWidth, ellipsis: ""), at: area.x, y: y, maxWidth: markerWidth, style: style)
        }
        var x = area.x + markerColumns
        for (i, width) in widths.enumerated() {
            if i > 0 { x += columnSpacing }
            guard width > 0, x < area.right else { continue }
            let text = i < r.cells.count ? r.cells[i] : ""
            let padded = TextWidth.pad(text, to: width, alignment: columns[i].alignment)
            buffer.write(padded, at: x, y: y, maxWidth: min(width, area.right - x), style: style)
            x += width
        }
    }

    /// Draws and returns the state with the offset that was used (store it to keep the window
    /// where it was on the next frame).
    @discardableResult
    public func renderReturningState(in area: Rect, into buffer: inout Buffer) -> ListState {
        guard !area.isEmpty else { return state }
        let marker = markerWidth > 0 ? min(markerWidth + 1, area.width) : 0
        let widths = columnWidths(in: area.width - marker)
        var rowsArea = area
        if let header, area.height >= 2 {
            draw(header, marker: "", style: headerStyle, y: area.y, area: area, widths: widths, markerColumns: marker, into: &buffer)
            rowsArea = area.droppingTop(1)
        }
        if count <= 0 {
            if !emptyText.isEmpty { buffer.write(emptyText, in: rowsArea, style: .dim, ellipsis: "…") }
            return ListState(selected: nil, offset: 0)
        }
        let window = ListState.visibleRange(selected: state.selected, offset: state.offset, height: rowsArea.height, count: count)
        for (line, index) in window.range.enumerated() {
            let r = row(index)
            let isSelected = index == state.selected
            let style = isSelected ? r.style.patched(with: highlightStyle) : r.style
            let symbol = (isSelected && r.marker.isEmpty) ? highlightSymbol : r.marker
            draw(r, marker: symbol, style: style, y: rowsArea.y + line, area: rowsArea, widths: widths, markerColumns: marker, into: &buffer)
        }
        return ListState(selected: state.selected, offset: window.offset)
    }
}
