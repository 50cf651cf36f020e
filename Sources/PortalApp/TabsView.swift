import Foundation
import SparkAPI
import TerminalUI

// The workspace pane's tabs on screen: the strip in the pane's title (the open tab whole at every width), the saved
// searches (◆ for those the agent provided, the highlighted one's whole filter under the list), the news feeds (‖ for
// paused ones; or the sentence saying this key may not read them), and the search dialogs.

/// The workspace pane: the open tab's list, or the listings opened from it.
func renderWorkspacePane(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    if state.listings != nil { return renderListings(state, in: area, into: &buffer) }
    switch state.workspaceTabs.open {
    case .carts: renderCarts(state, in: area, into: &buffer)
    case .searches: renderSearches(state, in: area, into: &buffer)
    case .feeds: renderFeeds(state, in: area, into: &buffer)
    }
}

/// The count in a tab's title: how many records it has, once it has any.
func tabCount(_ state: AppState, _ tab: WorkspaceTab) -> String? {
    let count = switch tab {
    case .carts: state.carts.value?.count ?? 0
    case .searches: state.savedSearches.count
    case .feeds: state.newsFeeds.count
    }
    return count == 0 ? nil : String(count)
}

// MARK: - The tab strip

/// The workspace pane's title: "Carts · Searches · Feeds · Ozzy Owner", the open tab highlighted. Narrower, it leaves
/// out whose workspace it is, then shortens the other tabs to their first letter ("C · Searches · F"), then shows the
/// open tab alone: the open tab's name is the last thing cut.
struct WorkspaceTabStrip {
    var open: WorkspaceTab
    /// Whose workspace it is ("Ozzy Owner", "my own"), when known.
    var owner: String?

    init(_ state: AppState) {
        open = state.workspaceTabs.open
        owner = cartsOwnerName(state)
    }

    /// The strip in at most `width` columns, or nil when there is no room for a title.
    func fitted(to width: Int) -> FittedTabStrip? {
        guard width > 0 else { return nil }
        let tabs = WorkspaceTab.allCases
        let short = tabs.map { $0 == open ? $0.label : String($0.label.prefix(1)) }
        let choices: [(labels: [String], separator: String)] = [
            (tabs.map(\.label), " · "), (short, " · "), (short, "·"),
        ]
        for (index, choice) in choices.enumerated() {
            var strip = FittedTabStrip(open: open, labels: choice.labels, separator: choice.separator)
            guard strip.width <= width else { continue }
            // Whose workspace, after the full labels only, cut when it does not fit whole (never to less than 4 columns).
            let room = width - strip.width - 3
            if index == 0, let owner, room >= min(4, TextWidth.of(owner)) {
                strip.suffix = " · " + TextWidth.truncate(owner, to: room)
            }
            return strip
        }
        return FittedTabStrip(open: open, labels: [TextWidth.truncate(open.label, to: width)], separator: "", alone: true)
    }
}

/// A tab strip fitted to its room: its text, and where each tab's label is in it.
struct FittedTabStrip {
    var open: WorkspaceTab
    var labels: [String]
    var separator: String
    var suffix = ""
    /// Only the open tab is shown.
    var alone = false

    var text: String { labels.joined(separator: separator) + suffix }
    var width: Int { TextWidth.of(text) }

    /// Each tab shown, with the columns of its label from the start of the text.
    var columns: [(tab: WorkspaceTab, columns: Range<Int>)] {
        if alone { return [(open, 0..<TextWidth.of(labels[0]))] }
        var x = 0
        return zip(WorkspaceTab.allCases, labels).map { tab, label in
            defer { x += TextWidth.of(label) + TextWidth.of(separator) }
            return (tab, x..<(x + TextWidth.of(label)))
        }
    }

    /// Where `Block` puts a title in `area`'s top border: after the corner and one space.
    static func origin(in area: Rect) -> Int { area.x + 2 }

    /// Styles the labels drawn in `area`'s title: the open tab as a highlighted row is (reverse when the pane has the
    /// focus), the others dim.
    func highlight(in area: Rect, focused: Bool, into buffer: inout Buffer) {
        let x = Self.origin(in: area)
        for (tab, range) in columns {
            let style = tab == open ? (focused ? Theme.focusedHighlight : Theme.unfocusedHighlight) : Theme.dim
            buffer.setStyle(style, in: Rect(x: x + range.lowerBound, y: area.y, width: range.count, height: 1))
        }
    }
}

/// The tab whose name is at a screen position in the workspace pane's title, when the pane shows its tabs.
func workspaceTab(atX x: Int, y: Int, _ state: AppState) -> WorkspaceTab? {
    guard state.listings == nil, state.details == nil,
          let area = AppLayout(size: state.size, focus: state.focus).panes[.carts], y == area.y else { return nil }
    let open = state.workspaceTabs.open
    let block = Block(titleRight: paneTitleRight(state, list: open.list, count: tabCount(state, open)))
    guard let strip = WorkspaceTabStrip(state).fitted(to: block.titleRoom(in: area)) else { return nil }
    let column = x - FittedTabStrip.origin(in: area)
    return strip.columns.first { $0.columns.contains(column) }?.tab
}

// MARK: - Saved searches

extension AppLayout {
    /// Rows under the saved searches for the highlighted one's filter: a rule, then one to four lines by the pane's
    /// height; none in a pane under 6 rows inside.
    static func searchFooterRows(inner: Int) -> Int {
        inner < 6 ? 0 : min(max(inner / 6, 1), 4) + 1
    }
}

private func renderSearches(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    let searches = state.savedSearches
    let records = state.workspaceTabs.searches
    let frame = spinner(state)
    let highlighted = state.highlightedSearch
    ListPane(
        pane: .carts, list: .searches, title: WorkspaceTab.searches.label, count: tabCount(state, .searches),
        // Name first, then what is being done to it, when it last changed, and the filter (cut to 32 columns while room
        // is short, else given what the names leave; whole below the list).
        columns: [PaneColumn(header: "Name"), PaneColumn(header: ""),
                  PaneColumn(header: "Filter", priority: 2, maxWidth: 32, growsIntoSpare: true),
                  PaneColumn(header: "Changed", priority: 1)],
        loading: tabLoading(state, records.value, "loading saved searches…"), failure: records.value.error,
        uncachedWhat: "the saved searches",
        emptyText: state.filter(.searches).isEmpty ? "no saved searches in this workspace" : "no search matches the filter",
        tabs: WorkspaceTabStrip(state),
        footerRows: AppLayout.searchFooterRows(inner: area.height - 2),
        footer: { rect, buffer in renderSearchFooter(highlighted, in: rect, into: &buffer) }
    ) { index in
        let search = searches[state.workspaceTabs.searchRows[index]]
        let pending = pendingLabel(state.writes, .search(search.id))
        return ListWidget.Row([search.name, pending ?? "", search.filter ?? Format.missing,
                               search.modificationTimestamp.map(Format.day) ?? ""],
                              marker: pending != nil ? frame : search.isProvided ? "◆" : "",
                              style: pending == nil ? .plain : Theme.progress)
    }.render(state, in: area, into: &buffer)
}

/// Under the searches: a rule, then the highlighted search's whole filter, whether the agent provided it, and its
/// description, wrapped; cut with "…" only when even that room is too small.
private func renderSearchFooter(_ search: SavedSearch?, in area: Rect, into buffer: inout Buffer) {
    guard area.height > 0, area.width > 0 else { return }
    buffer.write(String(repeating: "─", count: area.width), at: area.x, y: area.y, maxWidth: area.width, style: Theme.dim)
    guard let search, area.height > 1 else { return }
    var lines = [Paragraph.Line("Filter: \(search.filter ?? "none")")]
    if search.isProvided { lines.append(Paragraph.Line("◆ provided by your agent: read only", style: Theme.dim)) }
    if let description = search.description, !description.isEmpty {
        lines.append(Paragraph.Line("About: \(description)", style: Theme.dim))
    }
    let text = area.droppingTop(1).inset(horizontal: 1, vertical: 0)
    var wrapped = Paragraph(lines: lines).layout(width: text.width)
    if wrapped.count > text.height, text.height > 0 {
        wrapped = Array(wrapped.prefix(text.height))
        wrapped[wrapped.count - 1].text = TextWidth.truncate(wrapped[wrapped.count - 1].text + " …", to: text.width)
        if !wrapped[wrapped.count - 1].text.hasSuffix("…") { wrapped[wrapped.count - 1].text += "…" }
    }
    Paragraph(lines: wrapped, wrap: false).render(in: text, into: &buffer)
}

/// What the tab says while its records are not in: switching, or loading.
private func tabLoading<Value>(_ state: AppState, _ value: Loadable<Value>, _ loading: String) -> String? {
    if state.groupSwitch != nil || state.switchSettling { return "switching…" }
    return value.isLoading || value == .idle ? loading : nil
}

// MARK: - News feeds

private func renderFeeds(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    let records = state.workspaceTabs.feeds
    if let unavailable = records.value.value?.unavailableMessage {
        return renderTabNotice(state, [Paragraph.Line(unavailable),
                                       Paragraph.Line("Saved searches and carts work as usual; r asks again.", style: Theme.dim)],
                               in: area, into: &buffer)
    }
    let feeds = state.newsFeeds
    let frame = spinner(state)
    ListPane(
        pane: .carts, list: .feeds, title: WorkspaceTab.feeds.label, count: tabCount(state, .feeds),
        columns: [PaneColumn(header: "Name"), PaneColumn(header: ""), PaneColumn(header: "State", priority: 1),
                  PaneColumn(header: "Follows", priority: 3, maxWidth: 36), PaneColumn(header: "Last event", priority: 2)],
        loading: tabLoading(state, records.value, "loading news feeds…"), failure: records.value.error,
        uncachedWhat: "the news feeds",
        emptyText: state.filter(.feeds).isEmpty ? "no news feeds in this workspace" : "no feed matches the filter",
        tabs: WorkspaceTabStrip(state)
    ) { index in
        let feed = feeds[state.workspaceTabs.feedRows[index]]
        let pending = pendingLabel(state.writes, .feed(feed.id))
        return ListWidget.Row([feed.name, pending ?? "", feed.isPaused ? "paused" : "active",
                               feed.subscription?.name ?? feed.type ?? Format.missing,
                               feed.lastEventTimestamp.map(Format.day) ?? "never"],
                              // ‖ on a paused feed: its state shows also where the State column has no room.
                              marker: pending != nil ? frame : feed.isPaused ? "‖" : "",
                              style: pending != nil ? Theme.progress : feed.isPaused ? Theme.dim : .plain)
    }.render(state, in: area, into: &buffer)
}

/// A tab that has a sentence instead of a list (news feeds this key may not read): the pane, its tabs, the sentence.
private func renderTabNotice(_ state: AppState, _ lines: [Paragraph.Line], in area: Rect, into buffer: inout Buffer) {
    let open = state.workspaceTabs.open
    let focused = state.focus == .carts
    var block = Block(title: open.label, titleRight: paneTitleRight(state, list: open.list, count: nil), focused: focused,
                      focusedBorderStyle: Theme.focusedBorder)
    let strip = WorkspaceTabStrip(state).fitted(to: block.titleRoom(in: area))
    if let strip { block.title = strip.text }
    block.render(in: area, into: &buffer)
    strip?.highlight(in: area, focused: focused, into: &buffer)
    Paragraph(lines: lines).render(in: block.inner(area).inset(horizontal: 1, vertical: 0), into: &buffer)
}

/// The hints of keys that would do nothing where the user is, left out of the status line: `d remove` over a search's
/// listings (there is no cart to take a listing out of), Enter and `p` on news feeds this key may not read, `← prev`
/// and `→ next` in details whose list is gone (its cart deleted elsewhere).
func idleHints(_ state: AppState) -> Set<String> {
    switch state.keyContext {
    case .details where state.listings == nil:
        return Set([state.keyMap.binding(.previousListing)?.hint, state.keyMap.binding(.nextListing)?.hint].compactMap { $0 })
    case .listings where state.listings?.source.cartID == nil:
        return Set([state.keyMap.binding(.remove)?.hint].compactMap { $0 })
    case .feeds where state.workspaceTabs.feeds.value.value?.unavailableMessage != nil:
        return Set([state.keyMap.binding(.pauseFeed)?.hint].compactMap { $0 } + ["listings"])
    default:
        return []
    }
}

// MARK: - Dialogs

func searchDialogHints(_ dialog: SearchDialog) -> [KeyHint] {
    switch dialog {
    case .rename: [KeyHint(key: "Enter", label: "rename"), KeyHint(key: "Esc", label: "cancel")]
    case .delete: [KeyHint(key: "y", label: "delete"), KeyHint(key: "n/Esc", label: "keep")]
    }
}

func renderSearchDialog(_ dialog: SearchDialog, _ state: AppState, in screen: Rect, into buffer: inout Buffer) {
    switch dialog {
    case .rename(let rename):
        let whose = state.currentWorkspace.map { $0 == .own ? "your own workspace" : state.displayName(of: $0) } ?? "this workspace"
        renderNamePopup(title: "Rename saved search", intro: "A new name for \(Format.quoted(rename.search.name)) in \(whose).",
                        verb: "rename", editor: rename.editor, error: rename.error, placeholder: "the search's name",
                        in: screen, into: &buffer)
    case .delete(_, let prompt):
        prompt.render(in: screen, into: &buffer)
    }
}
