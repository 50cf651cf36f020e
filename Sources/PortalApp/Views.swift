import Foundation
import SparkAPI
import TerminalUI

/// Draws the whole screen for a state. Pure: same state and size, same cells. Costs what is visible:
/// lists ask only for the rows in their window.
public func render(_ state: AppState, into buffer: inout Buffer) {
    let layout = AppLayout(size: buffer.size, focus: state.focus)
    let screen = Rect(size: buffer.size)
    guard layout.mode != .tooSmall else {
        TooSmallNotice(minimum: AppLayout.minimum).render(in: screen, into: &buffer)
        return
    }
    renderTitleBar(state, in: layout.titleBar, into: &buffer)
    if let details = state.details {
        renderDetails(details, state, into: &buffer)
    } else {
        if let tabs = layout.tabs { renderTabs(state, in: tabs, into: &buffer) }
        for (pane, rect) in layout.panes {
            switch pane {
            case .groups: renderPicker(state, in: rect, into: &buffer)
            case .members: renderMembers(state, in: rect, into: &buffer)
            case .carts: renderWorkspacePane(state, in: rect, into: &buffer)
            }
        }
    }
    renderStatusBar(state, in: layout.statusBar, into: &buffer)
    if let dialog = state.dialog { renderDialog(dialog, state, in: screen, into: &buffer) }
    renderActAsChooser(state, in: screen, into: &buffer)
    switch state.overlay {
    case .help: renderHelp(state, in: screen, into: &buffer)
    case .requestLog: renderRequestLog(state, in: screen, into: &buffer)
    case .lastError: renderLastError(state, in: screen, into: &buffer)
    case nil: break
    }
}

/// The styles of the screen. Every state is visible without colour: colour only adds to bold,
/// reverse, dim and the marks.
enum Theme {
    static let title = Style(attributes: [.bold])
    static let accent = Style(fg: .cyan)
    static let current = Style(fg: .green, attributes: [.bold])
    static let dim = Style(attributes: [.dim])
    static let error = Style(fg: .red, attributes: [.bold])
    static let progress = Style(fg: .yellow)
    static let focusedHighlight = Style(attributes: [.reverse, .bold])
    static let unfocusedHighlight = Style(attributes: [.bold, .underline])
    /// The focused pane's border: heavy lines (drawn by `Block`) in bold, coloured.
    static let focusedBorder = Style(fg: .cyan, attributes: [.bold])
    /// Column headers: dim, so they read as labels, not rows.
    static let header = Style(attributes: [.dim, .underline])
}

func spinner(_ state: AppState) -> String {
    Spinner().frame(at: state.tick)
}

// MARK: - Title and status

private func renderTitleBar(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    guard !area.isEmpty else { return }
    buffer.fill(area, style: Theme.title)
    let who = state.account.value?.name ?? (state.account.isLoading ? "…" : "unknown user")
    let label: String, group: String
    if let target = state.switchWaiting ?? state.groupSwitch.map({ $0.queued ?? $0.inFlight }) ?? state.feedback.arrival {
        (label, group) = ("switching to ", "\(state.displayName(of: target))…")
    } else if let workspace = state.currentWorkspace {
        (label, group) = ("acting for: ", state.displayName(of: workspace) + liveGroupSuffix(state))
    } else {
        (label, group) = ("acting for: ", state.currentGroup.error == nil ? "…" : "unknown")
    }
    // A spinner while anything loads, nothing once what is shown is settled (its place kept, so the bar does not jump).
    let activity = cacheActivity(state, activity: state.isBusy ? spinner(state) : " ", width: area.width) + " "
    // Narrow bars drop, in turn, the program's name, the endpoint, who you are and the "acting for:" label:
    // the group's name is what this bar is for, and is cut last (the activity mark stays: it says whether
    // what is shown is settled).
    let choices: [(left: String, right: String)] = [
        (" spark-portal · \(who) · \(label)\(group)", "\(activity)\(state.endpointHost) "),
        (" \(who) · \(label)\(group)", "\(activity)\(state.endpointHost) "),
        (" \(who) · \(label)\(group)", activity),
        (" \(label)\(group)", activity),
        (" \(group)", activity),
    ]
    let chosen = choices.first { TextWidth.of($0.left) + 1 + TextWidth.of($0.right) <= area.width } ?? choices[choices.count - 1]
    let rightWidth = TextWidth.of(chosen.right)
    let room = area.width - rightWidth - 1
    if room >= 4 {
        buffer.write(chosen.left, at: area.x, y: area.y, maxWidth: room, style: Theme.title, ellipsis: "…")
        buffer.write(chosen.right, at: area.right - rightWidth, y: area.y, maxWidth: rightWidth,
                     style: cacheActivityStyle(state) ?? (state.isBusy ? Theme.title.patched(with: Theme.progress) : Theme.title))
    } else {
        buffer.write(chosen.left, at: area.x, y: area.y, maxWidth: area.width, style: Theme.title, ellipsis: "…")
    }
}

/// `PUT …/current 200 84ms`: what the last request did, in the status bar's spare room.
func requestSummary(_ event: RequestEvent) -> String {
    let path = event.path.split(separator: "?").first.map(String.init) ?? event.path
    let short = path.split(separator: "/").last.map { "…/\($0)" } ?? path
    let outcome = event.status.map(String.init) ?? (event.errorSummary ?? "failed")
    let code = event.meaningfulSparkCode.map { " (\($0))" } ?? ""
    return "\(event.method) \(short) \(outcome)\(code) \(Format.milliseconds(event.duration))ms"
}

private func renderTabs(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    let panes = Pane.allCases
    let labels = ["Groups", "Members", state.workspaceTabs.open.label]
    guard area.width / panes.count >= 9 else {
        // Too narrow for three tabs: name the one shown, with arrows for Tab and Shift-Tab.
        let text = "◂ \(labels[state.focus.rawValue]) \(state.focus.rawValue + 1)/\(panes.count) ▸"
        buffer.write(TextWidth.pad(text, to: area.width, alignment: .center), at: area.x, y: area.y,
                     maxWidth: area.width, style: Theme.focusedHighlight, ellipsis: "…")
        return
    }
    for (index, pane) in panes.enumerated() {
        let start = area.x + index * area.width / panes.count
        let end = area.x + (index + 1) * area.width / panes.count
        let focused = pane == state.focus
        let text = TextWidth.pad(focused ? "[\(labels[index])]" : labels[index], to: end - start, alignment: .center)
        buffer.write(text, at: start, y: area.y, maxWidth: end - start,
                     style: focused ? Theme.focusedHighlight : Theme.dim, ellipsis: "…")
    }
}

// MARK: - Panes

/// One column of a list pane: its header and how its cells sit.
struct PaneColumn {
    var header: String
    /// The header where the column is too narrow for `header` ("#" for a count).
    var compactHeader: String?
    var alignment: TextWidth.Alignment = .left
    /// When the column gets room, after the name: lowest first (where it is drawn is its place in the list).
    var priority = 0
    /// The widest the column gets (longer values are cut).
    var maxWidth: Int? = nil
    /// Cut at `maxWidth` only while room is short: it takes what the list has left over after the name.
    var growsIntoSpare = false
}

/// A list pane: a bordered block titled with what it shows and how many rows (or the filter and how many
/// match), column headers, the rows, and a line saying what is loading or what failed. The first column is
/// the name: it gets the width of the longest name in view first; the others are shown in priority order
/// while they fit (`ListWidget.ColumnWidth.content`), so a name is cut only when the pane is narrower than it.
struct ListPane {
    var pane: Pane
    var list: ListID
    var title: String
    /// How many rows there are, when no filter is set ("12", "25 of 80").
    var count: String?
    var columns: [PaneColumn]
    var loading: String? = nil
    var failure: SparkError? = nil
    /// What the pane lists ("the saved searches"), for a pane the cache does not keep: offline, its failure to be read
    /// is said as offline, not as an error (`offlineTabNote`).
    var uncachedWhat: String? = nil
    var emptyText: String
    /// The workspace pane's tabs, drawn in the title instead of `title`.
    var tabs: WorkspaceTabStrip? = nil
    /// Rows at the bottom of the pane, below the list, and what draws them (the highlighted row's details).
    var footerRows = 0
    var footer: ((Rect, inout Buffer) -> Void)? = nil
    var row: (Int) -> ListWidget.Row

    func render(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
        let focused = state.focus == pane
        var block = Block(title: title, titleRight: titleRight(state), focused: focused,
                          focusedBorderStyle: Theme.focusedBorder)
        let strip = tabs?.fitted(to: block.titleRoom(in: area))
        if let strip { block.title = strip.text }
        block.render(in: area, into: &buffer)
        strip?.highlight(in: area, focused: focused, into: &buffer)
        var inner = block.inner(area)
        guard !inner.isEmpty else { return }

        var note: (text: String, style: Style)?
        if let failure, let offline = uncachedWhat.flatMap({ offlineTabNote($0, failure, state) }) {
            note = (offline, Theme.dim)
        } else if let failure {
            note = (paneFailureText(failure, state), Theme.error)
        } else if let loading {
            note = ("\(spinner(state)) \(loading)", Theme.progress)
        }
        if let note, state.rowCount(list) > 0, inner.height > 1 {
            buffer.write(note.text, at: inner.x, y: inner.bottom - 1, maxWidth: inner.width, style: note.style, ellipsis: "…")
            inner = inner.droppingBottom(1)
        } else if let note, state.rowCount(list) == 0 {
            Paragraph(lines: [Paragraph.Line(note.text, style: note.style)])
                .render(in: inner.inset(horizontal: 1, vertical: 0), into: &buffer)
            return
        }
        if let footer, footerRows > 0, inner.height > 1 {
            let rows = min(footerRows, inner.height - 1)
            footer(Rect(x: inner.x, y: inner.bottom - rows, width: inner.width, height: rows), &buffer)
            inner = inner.droppingBottom(rows)
        }
        let listColumns: [ListWidget.Column] = columns.enumerated().map { index, column in
            index == 0 ? ListWidget.Column(.flexible(min: 1), alignment: column.alignment)
                       : ListWidget.Column(.content, alignment: column.alignment, priority: column.priority,
                                           maxWidth: column.maxWidth, growsIntoSpare: column.growsIntoSpare)
        }
        ListWidget(
            count: state.rowCount(list), columns: listColumns, state: state.cursor(list),
            highlightStyle: focused ? Theme.focusedHighlight : Theme.unfocusedHighlight,
            emptyText: emptyText, header: ListWidget.Row(columns.map(\.header)),
            compactHeader: ListWidget.Row(columns.map { $0.compactHeader ?? $0.header }), headerStyle: Theme.header, row: row
        ).render(in: inner, into: &buffer)
    }

    func titleRight(_ state: AppState) -> String? { paneTitleRight(state, list: list, count: count) }
}

/// A pane's title on the right: the count, or, while a filter is set or typed, the filter and how many rows match it.
func paneTitleRight(_ state: AppState, list: ListID, count: String?) -> String? {
    let filter = state.filter(list)
    guard !filter.isEmpty || state.editingFilter == list else { return count }
    // "My own workspace" is not a group: it does not count as a match.
    let matching = state.rowCount(list) - (list == .groups && state.pickerRows.first == .own ? 1 : 0)
    return "/\(filter) \(matching)"
}

private func renderPicker(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    let groups = state.groups.value ?? []
    let current = state.currentWorkspace
    let pending = state.groupSwitch
    let frame = spinner(state)
    ListPane(
        pane: .groups, list: .groups,
        title: pending == nil ? Pane.groups.title : "\(Pane.groups.title) \(frame) switching…",
        // While switching, the title says so; the count would cut it short.
        count: pending != nil ? nil : state.groupCountLabel,
        columns: [PaneColumn(header: "Owner"), PaneColumn(header: "Members", compactHeader: "#", alignment: .right)],
        loading: state.groupsLoadingNote, failure: state.groups.error,
        emptyText: "no group matches the filter"
    ) { index in
        let row = state.pickerRows[index]
        let workspace = state.workspace(of: row)
        let isCurrent = workspace == current
        let isTarget = pending.map { $0.inFlight == workspace || $0.queued == workspace } ?? (state.feedback.arrival == workspace)
        let marker = isTarget ? frame : isCurrent ? currentGroupMark(state) : ""
        let style = isCurrent ? Theme.current : isTarget ? Theme.progress : Style.plain
        switch row {
        case .own:
            return ListWidget.Row(["My own workspace", ""], marker: marker, style: style.with(adding: .italic))
        case .group(let groupIndex):
            let group = groups[groupIndex]
            return ListWidget.Row([group.ownerName, String(group.users.count)], marker: marker, style: style)
        }
    }.render(state, in: area, into: &buffer)
}

private func renderMembers(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    guard let group = state.highlightedGroup else {
        let block = Block(title: Pane.members.title, focused: state.focus == .members, focusedBorderStyle: Theme.focusedBorder)
        block.render(in: area, into: &buffer)
        let text: String = state.highlightedPickerRow == .own
            ? "Your own workspace: your own listing carts, shared with no one. Choose it to leave the current group."
            : state.groups.isLoading ? "\(spinner(state)) loading groups…" : "No group highlighted."
        Paragraph(lines: [Paragraph.Line(text, style: Theme.dim)])
            .render(in: block.inner(area).inset(horizontal: 1, vertical: 0), into: &buffer)
        return
    }
    let users = group.users
    let ownerID = group.contactId
    ListPane(
        pane: .members, list: .members, title: "\(Pane.members.title) · \(group.ownerName)", count: String(users.count),
        columns: [PaneColumn(header: "Name"), PaneColumn(header: "Role", priority: 1),
                  PaneColumn(header: "Status", priority: 2), PaneColumn(header: "Last login", priority: 3)],
        emptyText: "no member matches the filter"
    ) { index in
        let user = users[state.memberRows[index]]
        var status = ""
        if user.enabled == false { status = "disabled" } else if user.active == true { status = "● active" }
        return ListWidget.Row([user.name, Format.role(of: user, owner: ownerID), status, user.lastLogin.map(Format.day) ?? ""],
                              style: user.enabled == false ? Theme.dim : .plain)
    }.render(state, in: area, into: &buffer)
}

func cartsOwnerName(_ state: AppState) -> String? {
    guard let workspace = state.currentWorkspace else { return nil }
    switch workspace {
    case .own: return "my own"
    case .group: return state.currentGroup.value??.ownerName
    }
}

func renderCarts(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    let carts = state.carts.value ?? []
    let frame = spinner(state)
    let creating = state.writes.inFlight(for: .cartList).flatMap { pending -> String? in
        guard case .createCart(let name, _) = pending.write else { return nil }
        return "creating \(Format.quoted(name))…"
    }
    ListPane(
        pane: .carts, list: .carts, title: Pane.carts.title, count: tabCount(state, .carts),
        // What is being done to a cart, or what a poll found ("renaming to …", "was Possibilities"), can be as long as a
        // name: it gets room after the count, so a long one never takes the counts off every row.
        columns: [PaneColumn(header: "Name"), PaneColumn(header: "", priority: 2),
                  PaneColumn(header: "Listings", compactHeader: "#", alignment: .right, priority: 1),
                  PaneColumn(header: "Type", priority: 3)],
        loading: state.groupSwitch != nil ? "switching…" : creating ?? (state.carts.isLoading ? "loading carts…" : nil),
        failure: state.carts.error,
        emptyText: state.filter(.carts).isEmpty ? "no listing carts" : "no cart matches the filter",
        tabs: WorkspaceTabStrip(state)
    ) { index in
        let cart = carts[state.cartRows[index]]
        let pending = pendingLabel(state.writes, .cart(cart.id))
        let changed = liveCartLabel(state, cart.id), count = liveCartCount(state, cart.id)
        return ListWidget.Row([cart.name, pending ?? changed ?? "", count ?? cart.listingCount.map(String.init) ?? "?", Format.kind(of: cart)],
                              marker: pending == nil ? "" : frame,
                              style: pending != nil ? Theme.progress : changed != nil || count != nil ? Theme.accent : .plain)
    }.render(state, in: area, into: &buffer)
}

/// "favoriting…", "removing… +1": the write in flight on a row, and how many key presses wait behind it.
func pendingLabel(_ writes: WriteLedger, _ key: WriteSubject) -> String? {
    guard let pending = writes.inFlight(for: key) else { return nil }
    let waiting = writes.queuedCount(for: key)
    return WriteWords.rowLabel(pending.write) + (waiting > 0 ? " +\(waiting)" : "")
}

/// ★ in Favorites, ✗ in Rejects (! in both, after a failure half way), nothing when neither or not known yet.
private func markSymbol(_ state: AppState, _ listingId: String) -> String {
    switch state.marks(of: listingId).map({ ($0.favorite, $0.reject) }) {
    case (true, false)?: "★"
    case (false, true)?: "✗"
    case (true, true)?: "!"
    default: ""
    }
}

func renderListings(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    guard let view = state.listings else { return }
    let loaded = view.listings.count
    let listings = view.listings
    let frame = spinner(state)
    ListPane(
        pane: .carts, list: .listings, title: "\(view.name) · listings",
        count: view.totalRows.map { loaded < $0 ? "\(loaded) of \($0)" : "\($0)" } ?? (loaded > 0 ? "\(loaded)" : nil),
        // Address first, then price, status (a long one cut: "Active Under…"), what is being done to the listing (drawn
        // after the address; "adding to <a cart's name>…" can be long, so it never takes the prices off every row),
        // beds/baths and city as they fit.
        columns: [PaneColumn(header: "Address"), PaneColumn(header: "", priority: 3), PaneColumn(header: "City", priority: 5),
                  PaneColumn(header: "Price", alignment: .right, priority: 1),
                  PaneColumn(header: "Beds/baths", priority: 4), PaneColumn(header: "Status", priority: 2, maxWidth: 13)],
        loading: view.loadingPage.map { $0 == 1 ? "loading listings…" : "loading more…" }, failure: view.error,
        emptyText: !state.filter(.listings).isEmpty ? "no listing matches the filter"
            : view.source.searchID == nil ? "no listings in this cart" : "no listing matches this search"
    ) { index in
        let listing = listings[state.listingRows[index]]
        let pending = pendingLabel(state.writes, .listing(listing.id))
        let changed = liveListingLabel(state, listing.id)
        return ListWidget.Row([Format.text(listing.address), pending ?? changed ?? "", Format.text(listing.city), Format.price(listing.listPrice),
                               Format.bedsAndBaths(listing), Format.text(listing.status)],
                              marker: pending == nil ? markSymbol(state, listing.id) : frame,
                              style: pending != nil ? Theme.progress : changed != nil ? Theme.accent : .plain)
    }.render(state, in: area, into: &buffer)
}

// MARK: - Overlays

/// The help screen's lines: the keys grouped by where they work, each section under its scope's name — the sections
/// that work in `context` first (the place's own keys, then those of the panes, then everywhere), the others after —
/// then the keys of the text being typed. With a `width`, what a key does wraps under itself.
func helpLines(_ keyMap: KeyMap, context: KeyContext? = nil, width: Int? = nil) -> [Paragraph.Line] {
    let typing = [("Enter", "keep the filter / confirm the name"), ("Esc", "clear the filter / cancel"),
                  ("←/→", "move in the text (Home/End: to its ends)"), ("^U ^W ^K", "delete before the cursor, the word before it, after it"),
                  ("paste", "inserts the text (line breaks become spaces)")]
    let labelWidth = (keyMap.bindings.map(\.label) + typing.map(\.0)).map { TextWidth.of($0) }.max() ?? 0
    func keyLines(_ label: String, _ summary: String) -> [Paragraph.Line] {
        let head = "  " + TextWidth.pad(label, to: labelWidth) + "  "
        let indent = TextWidth.of(head)
        guard let width, width - indent >= 12 else { return [Paragraph.Line(head + summary)] }
        return Paragraph.wrap(summary, width: width - indent).enumerated().map { index, piece in
            Paragraph.Line((index == 0 ? head : String(repeating: " ", count: indent)) + piece)
        }
    }
    var sections = keyMap.helpSections
    if let context {
        let here = sections.filter { $0.scope.contexts.contains(context) }
            .sorted { $0.scope.contexts.count < $1.scope.contexts.count }
        sections = here + sections.filter { !$0.scope.contexts.contains(context) }
    }
    var lines: [Paragraph.Line] = []
    for (scope, bindings) in sections {
        if !lines.isEmpty { lines.append("") }
        lines.append(Paragraph.Line(scope.name, style: Theme.title))
        lines += bindings.flatMap { keyLines($0.label, $0.summary) }
    }
    lines.append("")
    lines.append(Paragraph.Line("Typing a filter (/) or a cart's name", style: Theme.title))
    lines += typing.flatMap { keyLines($0.0, $0.1) }
    lines.append("")
    lines.append(Paragraph.Line("^X is Ctrl-X. Mouse: click to focus and select (a tab's name opens it), wheel to scroll.", style: Theme.dim))
    return lines
}

/// The help popup: every key by where it works, scrolled.
func helpPopup(_ state: AppState, scroll: Int = 0) -> Popup {
    let screen = Rect(size: state.size)
    let width = 80
    return Popup(title: "Keys", lines: helpLines(state.keyMap, context: state.keyContext, width: min(width, screen.width) - 4),
                 footer: "Esc close", maxSize: Size(width: width, height: max(screen.height - 2, 6)), scroll: scroll)
}

/// How far the help scrolls: until its last line is at the bottom of the popup.
func helpScrollLimit(_ state: AppState) -> Int {
    let popup = helpPopup(state)
    let inner = popup.area(in: Rect(size: state.size)).inset(by: 1).inset(horizontal: 1, vertical: 0)
    return max(Paragraph(lines: popup.lines).layout(width: inner.width).count - inner.height, 0)
}

private func renderHelp(_ state: AppState, in screen: Rect, into buffer: inout Buffer) {
    let limit = helpScrollLimit(state)
    var popup = helpPopup(state, scroll: min(state.overlayScroll, limit))
    if popup.scroll < limit { popup.footer = "↓ more · Esc close" }
    popup.render(in: screen, into: &buffer)
}

/// Why a request in the log failed, beside its status: the Spark code once and the server's message
/// ("Spark code 1025: The group is not valid for this user."), what was wrong with an answer that could not be read, or
/// why none came ("timed out"). Nil for a success, and for a bare status that says it all.
func requestLogReason(_ event: RequestEvent) -> String? {
    guard let status = event.status else { return event.errorSummary }
    let code = event.meaningfulSparkCode.map { "Spark code \($0)" }
    if let message = event.message { return code.map { "\($0): \(message)" } ?? message }
    if let code { return code }
    // "HTTP 502, unreadable body": the status is in its column already.
    guard let summary = event.errorSummary, summary.hasPrefix("HTTP \(status), ") else { return nil }
    let rest = String(summary.dropFirst("HTTP \(status), ".count))
    return rest.hasPrefix("Spark code") ? nil : rest
}

extension RequestEvent {
    /// The envelope's Spark code, unless it is 0 (which some errors carry and which means nothing).
    var meaningfulSparkCode: Int? {
        sparkCode.flatMap { $0 == 0 ? nil : $0 }
    }
}
