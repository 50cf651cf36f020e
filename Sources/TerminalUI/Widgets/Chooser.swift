/// One row of a chooser.
public struct ChooserItem: Hashable, Sendable {
    public var label: String
    /// A short right-aligned column (a count, a kind); "" for none.
    public var detail: String
    /// Shown whatever the filter says (an action such as "New cart…" that should never be filtered away).
    public var pinned: Bool

    public init(_ label: String, detail: String = "", pinned: Bool = false) {
        self.label = label
        self.detail = detail
        self.pinned = pinned
    }
}

/// A list to choose one item from, in a popup: its items, the filter typed so far, the highlight and the
/// scroll position. Plain data for the app's state; `handle(_:in:)` applies a key and says what happened;
/// `Chooser` draws it. The popup's place depends only on the state and the screen, so the reducer (which
/// must know the page size for PgUp/PgDn and where a click landed) and the view always agree.
///
///     // In the state:   var addTo: ChooserState? = ChooserState(title: "Add to cart", items: items)
///     // In the reducer:
///     switch state.addTo!.handle(key, in: Rect(size: state.size)) {
///     case .chosen(let index): state.addTo = nil; return [.add(listing, to: carts[index])]
///     case .cancelled: state.addTo = nil
///     case .moved, .filterChanged: break
///     case .ignored: break   // not the chooser's key
///     }
///
/// Keys: ↑/↓ (and Ctrl-P/Ctrl-N), PgUp/PgDn, Home/End move the highlight; Enter chooses it; Esc cancels;
/// with a filter (the default), typing, pasting, Backspace, Ctrl-W and Ctrl-U edit the filter (a
/// `LineEditorState`) and the list shows the items whose label matches it; ←/→ move in the filter. The
/// mouse wheel scrolls; a click on a row chooses it, a click outside the popup cancels.
public struct ChooserState: Hashable, Sendable {
    public var title: String
    public private(set) var items: [ChooserItem]
    public private(set) var filter: LineEditorState
    /// Whether typing filters the list (otherwise typed characters are `.ignored`, for the app to use).
    public let filterable: Bool
    /// The items shown, as indices into `items`, in order.
    public private(set) var rows: [Int]
    /// The highlight (an index into `rows`) and the first row in view.
    public private(set) var list: ListState
    /// The largest popup wanted; it shrinks to its content and to the screen.
    public var maxSize: Size

    /// What a key did.
    public enum Outcome: Hashable, Sendable {
        /// Enter, or a click, on the item at this index of `items`.
        case chosen(Int)
        /// Esc, or a click outside the popup.
        case cancelled
        /// The highlight moved (or the key had nothing to do, as ↓ on the last row or Enter with no rows).
        case moved
        /// The filter's text changed, and with it the rows.
        case filterChanged
        /// Not the chooser's key.
        case ignored
    }

    /// A chooser over `items` with the highlight on `items[selected]`.
    public init(title: String, items: [ChooserItem], selected: Int = 0, filterable: Bool = true,
                maxSize: Size = Size(width: 60, height: 20)) {
        self.title = title
        self.items = items
        self.filterable = filterable
        self.maxSize = maxSize
        self.filter = LineEditorState(limit: 200)
        self.rows = Array(items.indices)
        self.list = ListState(selected: items.isEmpty ? nil : min(max(0, selected), items.count - 1))
    }

    /// The index in `items` of the highlighted row, if any.
    public var highlighted: Int? {
        list.selected.flatMap { rows.indices.contains($0) ? rows[$0] : nil }
    }

    /// Whether `filter` matches `label`: case-insensitive containment. The app may pass its own rule to
    /// `handle` (one that ignores accents, say, as its other filters do).
    public static func containsIgnoringCase(_ label: String, _ filter: String) -> Bool {
        filter.isEmpty || label.lowercased().contains(filter.lowercased())
    }

    /// Applies one key; `screen` is the area the popup is drawn in (the whole screen, usually).
    public mutating func handle(_ key: Key, in screen: Rect,
                                matching: (String, String) -> Bool = ChooserState.containsIgnoringCase) -> Outcome {
        let layout = ChooserLayout(self, screen: screen)
        let page = max(1, layout.list.height)
        switch key {
        case .up, .ctrl("p"): return move(by: -1, page: page)
        case .down, .ctrl("n"): return move(by: 1, page: page)
        case .pageUp: return move(by: -max(1, page - 1), page: page)
        case .pageDown: return move(by: max(1, page - 1), page: page)
        case .home: return move(to: 0, page: page)
        case .end: return move(to: rows.count - 1, page: page)
        case .enter: return highlighted.map(Outcome.chosen) ?? .moved
        case .escape: return .cancelled
        case .mouse(let event): return handleMouse(event, layout: layout, page: page)
        default:
            guard filterable else { return .ignored }
            let before = filter.text
            switch filter.handle(key) {
            case .changed, .limitReached:
                guard filter.text != before else { return .moved }
                refilter(matching: matching, page: page)
                return .filterChanged
            case .moved: return .moved
            case .confirmed, .cancelled, .ignored: return .ignored
            }
        }
    }

    /// Replaces the items (the list behind them changed while the chooser was open), keeping the highlight
    /// on an item with the same label when there is one.
    public mutating func setItems(_ newItems: [ChooserItem], in screen: Rect,
                                  matching: (String, String) -> Bool = ChooserState.containsIgnoringCase) {
        let keep = highlighted.map { items[$0].label }
        items = newItems
        refilter(matching: matching, page: max(1, ChooserLayout(self, screen: screen).list.height), keeping: keep)
    }

    private mutating func refilter(matching: (String, String) -> Bool, page: Int, keeping label: String? = nil) {
        let needle = filter.text
        rows = items.indices.filter { items[$0].pinned || matching(items[$0].label, needle) }
        // The first match is what Enter should take after typing; a kept label wins when it is still shown.
        let kept = label.flatMap { label in rows.firstIndex { items[$0].label == label } }
        let firstMatch = rows.firstIndex { !items[$0].pinned } ?? 0
        list = ListState(selected: rows.isEmpty ? nil : kept ?? firstMatch, offset: 0).scrolled(height: page, count: rows.count)
    }

    private mutating func move(by delta: Int, page: Int) -> Outcome {
        list.move(by: delta, count: rows.count)
        list = list.scrolled(height: page, count: rows.count)
        return .moved
    }

    private mutating func move(to row: Int, page: Int) -> Outcome {
        list.selected = rows.isEmpty ? nil : min(max(0, row), rows.count - 1)
        list = list.scrolled(height: page, count: rows.count)
        return .moved
    }

    private mutating func handleMouse(_ event: MouseEvent, layout: ChooserLayout, page: Int) -> Outcome {
        switch event.kind {
        case .wheelUp: return move(by: -3, page: page)
        case .wheelDown: return move(by: 3, page: page)
        case .release: return .moved
        case .press:
            guard layout.box.contains(x: event.x, y: event.y) else { return .cancelled }
            guard layout.list.contains(x: event.x, y: event.y) else { return .moved }
            let window = ListState.visibleRange(selected: list.selected, offset: list.offset,
                                                height: layout.list.height, count: rows.count)
            let row = window.offset + event.y - layout.list.y
            guard window.range.contains(row) else { return .moved }
            list.selected = row
            return .chosen(rows[row])
        }
    }
}

/// Where the parts of a chooser go on a screen: one function for the reducer and the view.
struct ChooserLayout {
    let box: Rect
    let filter: Rect?
    let list: Rect
    let detailWidth: Int

    init(_ state: ChooserState, screen: Rect) {
        detailWidth = state.items.map { TextWidth.of($0.detail) }.max() ?? 0
        let labelWidth = state.items.map { TextWidth.of($0.label) }.max() ?? 0
        let counter = TextWidth.of(ChooserLayout.counter(state))
        // marker + label + gap + detail, inside borders and a column of padding on the right
        let rowWidth = 2 + labelWidth + (detailWidth > 0 ? 2 + detailWidth : 0) + 1
        let titleWidth = TextWidth.of(state.title) + 4 + (counter > 0 ? counter + 3 : 0)
        let footerWidth = TextWidth.of(Chooser.footer) + 4
        let width = min(max(rowWidth, titleWidth, footerWidth, 24) + 2, state.maxSize.width, screen.width)
        // Sized for every item, not the filtered ones: the popup keeps its place while the user types.
        let filterRows = state.filterable ? 1 : 0
        let height = min(max(state.items.count, 1) + filterRows + 2, state.maxSize.height, screen.height)
        box = screen.centered(width: width, height: height)
        let inner = box.inset(by: 1)
        filter = state.filterable && inner.height >= 2 ? inner.top(1) : nil
        list = filter == nil ? inner : inner.droppingTop(1)
    }

    /// The right-hand title: how many items, or how many match the filter.
    static func counter(_ state: ChooserState) -> String {
        state.filter.isEmpty ? String(state.items.count) : "\(state.rows.count)/\(state.items.count)"
    }
}

/// Draws a `ChooserState`: a bordered popup centred on the screen, the title and a count on the top border,
/// the filter line (placeholder "type to filter"), the rows with the highlight (reverse + bold, and `▸`),
/// and the keys on the bottom border.
///
///     ┏ Add to cart ━━━━━━━━━━━━━━━━━ 2/4 ┓
///     ┃ / cab▮                            ┃
///     ┃▸ Weekend cabins                 3 ┃
///     ┃  New cart…                        ┃
///     ┗━━━━━━━━━ Enter choose · Esc cancel ┛
public struct Chooser: Widget, Sendable {
    public var state: ChooserState
    /// Shown in the list when no item matches the filter.
    public var emptyText: String
    public var style: Style
    public var borderStyle: Style
    public var highlightStyle: Style

    static let footer = "Enter choose · Esc cancel"

    public init(state: ChooserState, emptyText: String = "nothing matches", style: Style = .plain,
                borderStyle: Style = .bold, highlightStyle: Style = Style(attributes: [.reverse, .bold])) {
        self.state = state
        self.emptyText = emptyText
        self.style = style
        self.borderStyle = borderStyle
        self.highlightStyle = highlightStyle
    }

    /// Where the popup goes inside `screen`.
    public func area(in screen: Rect) -> Rect { ChooserLayout(state, screen: screen).box }

    public func render(in screen: Rect, into buffer: inout Buffer) {
        let layout = ChooserLayout(state, screen: screen)
        guard !layout.box.isEmpty else { return }
        Clear(style: style).render(in: layout.box, into: &buffer)
        Block(title: state.title, titleRight: ChooserLayout.counter(state), focused: true, style: style,
              focusedBorderStyle: borderStyle).render(in: layout.box, into: &buffer)
        if let filter = layout.filter {
            LineEditor(state: state.filter, prompt: "/ ", placeholder: "type to filter", style: style,
                       promptStyle: .dim).render(in: filter.droppingLeft(1), into: &buffer)
        }
        let items = state.items, rows = state.rows
        ListWidget(
            count: rows.count,
            columns: layout.detailWidth > 0
                ? [.flexible, ListWidget.Column(.fixed(layout.detailWidth), alignment: .right)] : [.flexible],
            state: state.list, highlightStyle: highlightStyle, columnSpacing: 2, emptyText: " " + emptyText
        ) { index in
            let item = items[rows[index]]
            return ListWidget.Row([item.label, item.detail])
        }.render(in: layout.list.droppingRight(1), into: &buffer)
        if layout.box.width >= 8, layout.box.height >= 3 {
            let text = " " + TextWidth.truncate(Self.footer, to: layout.box.width - 4) + " "
            let width = TextWidth.of(text)
            buffer.write(text, at: layout.box.right - 1 - width, y: layout.box.bottom - 1, maxWidth: width,
                         style: style.patched(with: borderStyle))
        }
    }
}
