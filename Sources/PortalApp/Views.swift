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
    if let tabs = layout.tabs { renderTabs(state, in: tabs, into: &buffer) }
    for (pane, rect) in layout.panes {
        switch pane {
        case .groups: renderPicker(state, in: rect, into: &buffer)
        case .members: renderMembers(state, in: rect, into: &buffer)
        case .carts: state.listings == nil ? renderCarts(state, in: rect, into: &buffer)
                                           : renderListings(state, in: rect, into: &buffer)
        }
    }
    renderStatusBar(state, in: layout.statusBar, into: &buffer)
    switch state.overlay {
    case .help: renderHelp(state, in: screen, into: &buffer)
    case .requestLog: renderRequestLog(state, in: screen, into: &buffer)
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
}

private func spinner(_ state: AppState) -> String {
    Spinner().frame(at: state.tick)
}

// MARK: - Title and status

private func renderTitleBar(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    guard !area.isEmpty else { return }
    buffer.fill(area, style: Theme.title)
    let who = state.account.value?.name ?? (state.account.isLoading ? "…" : "unknown user")
    let actingFor: String
    if let pending = state.groupSwitch {
        actingFor = "switching to \(state.displayName(of: pending.queued ?? pending.inFlight))…"
    } else if let workspace = state.currentWorkspace {
        actingFor = "acting for: \(state.displayName(of: workspace))"
    } else {
        actingFor = state.currentGroup.error == nil ? "acting for: …" : "acting for: unknown"
    }
    let activity = state.isBusy ? spinner(state) : "⟳"
    let right = "\(activity) \(state.endpointHost) "
    let rightWidth = TextWidth.of(right)
    let room = area.width - rightWidth - 1
    let left = " spark-portal · \(who) · \(actingFor)"
    if room >= 10 {
        buffer.write(left, at: area.x, y: area.y, maxWidth: room, style: Theme.title, ellipsis: "…")
        buffer.write(right, at: area.right - rightWidth, y: area.y, maxWidth: rightWidth,
                     style: state.isBusy ? Theme.title.patched(with: Theme.progress) : Theme.title)
    } else {
        buffer.write(left, at: area.x, y: area.y, maxWidth: area.width, style: Theme.title, ellipsis: "…")
    }
}

private func renderStatusBar(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    guard !area.isEmpty else { return }
    var message = ""
    var style = Style.plain
    if let list = state.editingFilter {
        message = "filter \(listName(list)): \(state.filter(list))▏"
        style = Theme.accent
    } else if let status = state.status {
        switch status.kind {
        case .info: message = status.text
        case .progress: message = "\(spinner(state)) \(status.text)"; style = Theme.progress
        case .error: message = "✗ \(status.text)"; style = Theme.error
        }
    } else if let last = state.requestLog.last {
        message = requestSummary(last)
        style = Theme.dim
    }
    StatusBar(hints: state.keyMap.hints(for: state), message: message, messageStyle: style)
        .render(in: area, into: &buffer)
}

private func listName(_ list: ListID) -> String {
    switch list {
    case .groups: "groups"
    case .members: "members"
    case .carts: "carts"
    case .listings: "listings"
    }
}

/// `PUT …/current 200 84ms`: what the last request did, in the status bar's spare room.
func requestSummary(_ event: RequestEvent) -> String {
    let path = event.path.split(separator: "?").first.map(String.init) ?? event.path
    let short = path.split(separator: "/").last.map { "…/\($0)" } ?? path
    let outcome = event.status.map(String.init) ?? (event.errorSummary ?? "failed")
    let code = event.sparkCode.map { " (\($0))" } ?? ""
    return "\(event.method) \(short) \(outcome)\(code) \(Format.milliseconds(event.duration))ms"
}

private func renderTabs(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    let panes = Pane.allCases
    let labels = ["Groups", "Members", "Carts"]
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

/// The pieces every list pane shares: the bordered block, the list, and a line saying what is loading
/// or what failed.
private func renderListPane(
    _ state: AppState, pane: Pane, list: ListID, title: String, titleRight: String?, in area: Rect,
    into buffer: inout Buffer, columns: [ListWidget.Column], loading: String?, failure: SparkError?,
    emptyText: String, row: @escaping (Int) -> ListWidget.Row
) {
    let focused = state.focus == pane
    let block = Block(title: title, titleRight: titleRight, focused: focused,
                      focusedBorderStyle: Style(fg: .cyan, attributes: [.bold]))
    block.render(in: area, into: &buffer)
    var inner = block.inner(area)
    guard !inner.isEmpty else { return }

    var note: (text: String, style: Style)?
    if let failure {
        note = ("✗ \(failure.userMessage) Press r to retry.", Theme.error)
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
    let cursor = state.cursor(list)
    ListWidget(
        count: state.rowCount(list), columns: columns,
        state: ListState(selected: state.rowCount(list) > 0 ? cursor.selected : nil, offset: cursor.offset),
        highlightStyle: focused ? Theme.focusedHighlight : Theme.unfocusedHighlight,
        emptyText: emptyText, row: row
    ).render(in: inner, into: &buffer)
}

/// The right-hand title of a list pane: how many rows it has, or, while filtering, the filter and how
/// many rows match it.
private func filterTitle(_ state: AppState, _ list: ListID, count: Int) -> String? {
    let filter = state.filter(list)
    if filter.isEmpty && state.editingFilter != list { return count > 0 ? String(count) : nil }
    let matching = state.rowCount(list) - (list == .groups && state.pickerRows.first == .own ? 1 : 0)
    return "/\(filter) \(matching)"
}

private func renderPicker(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    let groups = state.groups.value ?? []
    let current = state.currentWorkspace
    let pending = state.groupSwitch
    let frame = spinner(state)
    let title = pending == nil ? Pane.groups.title : "\(Pane.groups.title) \(frame) switching…"
    renderListPane(
        state, pane: .groups, list: .groups, title: title,
        titleRight: pending == nil ? filterTitle(state, .groups, count: groups.count) : nil, in: area,
        into: &buffer, columns: [.flexible, ListWidget.Column(.fixed(state.memberCountWidth), alignment: .right)],
        loading: state.groups.isLoading ? "loading groups…" : nil, failure: state.groups.error,
        emptyText: "no group matches the filter"
    ) { index in
        let row = state.pickerRows[index]
        let workspace = state.workspace(of: row)
        let isCurrent = workspace == current
        let isTarget = pending.map { $0.inFlight == workspace || $0.queued == workspace } ?? false
        let marker = isTarget ? frame : isCurrent ? "●" : ""
        let style = isCurrent ? Theme.current : isTarget ? Theme.progress : Style.plain
        switch row {
        case .own:
            return ListWidget.Row(["My own workspace", ""], marker: marker, style: style.with(adding: .italic))
        case .group(let groupIndex):
            let group = groups[groupIndex]
            return ListWidget.Row([group.ownerName, "(\(group.users.count))"], marker: marker, style: style)
        }
    }
}

private func renderMembers(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    guard let group = state.highlightedGroup else {
        let block = Block(title: Pane.members.title, focused: state.focus == .members,
                          focusedBorderStyle: Style(fg: .cyan, attributes: [.bold]))
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
    // Narrow panes keep the name readable and drop the least important columns first.
    let room = area.width - 4
    let shown = room >= 48 ? 4 : room >= 36 ? 3 : room >= 24 ? 2 : 1
    let columns = Array([.flexible, ListWidget.Column(.fixed(7)), ListWidget.Column(.fixed(9)),
                         ListWidget.Column(.fixed(10))].prefix(shown))
    renderListPane(
        state, pane: .members, list: .members,
        title: "Members · \(group.ownerName) (\(users.count))",
        titleRight: state.filter(.members).isEmpty && state.editingFilter != .members ? nil : filterTitle(state, .members, count: state.rowCount(.members)),
        in: area, into: &buffer,
        columns: columns, loading: nil, failure: nil, emptyText: "no member matches the filter"
    ) { index in
        let user = users[state.memberRows[index]]
        let role = user.id == ownerID ? "owner" : (user.userType.flatMap { $0 == "Contact" ? nil : $0.lowercased() } ?? "")
        var status = ""
        if user.enabled == false { status = "disabled" } else if user.active == true { status = "● active" }
        let login = user.lastLogin.map(Format.day) ?? ""
        return ListWidget.Row(Array([user.name, role, status, login].prefix(shown)),
                              style: user.enabled == false ? Theme.dim : .plain)
    }
}

private func cartsOwnerName(_ state: AppState) -> String? {
    guard let workspace = state.currentWorkspace else { return nil }
    switch workspace {
    case .own: return "my own"
    case .group: return state.currentGroup.value??.ownerName
    }
}

private func renderCarts(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    let carts = state.carts.value ?? []
    let title = cartsOwnerName(state).map { "\(Pane.carts.title) · \($0)" } ?? Pane.carts.title
    let loading: String? = state.groupSwitch != nil ? "switching…" : state.carts.isLoading ? "loading carts…" : nil
    renderListPane(
        state, pane: .carts, list: .carts, title: title,
        titleRight: filterTitle(state, .carts, count: state.rowCount(.carts)), in: area, into: &buffer,
        columns: Array([.flexible, ListWidget.Column(.fixed(6), alignment: .right),
                        ListWidget.Column(.fixed(13))].prefix(area.width - 4 >= 34 ? 3 : 2)),
        loading: loading, failure: state.carts.error,
        emptyText: state.filter(.carts).isEmpty ? "no listing carts" : "no cart matches the filter"
    ) { index in
        let cart = carts[state.cartRows[index]]
        return ListWidget.Row([cart.name, cart.listingCount.map(String.init) ?? "?", cart.portalCartType?.rawValue ?? "agent"])
    }
}

private func renderListings(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    guard let drill = state.listings else { return }
    let loaded = drill.listings.count
    let total = drill.totalRows.map { loaded < $0 ? "\(loaded) of \($0)" : "\($0)" } ?? (loaded > 0 ? "\(loaded)" : nil)
    let filter = state.filter(.listings)
    let titleRight = filter.isEmpty && state.editingFilter != .listings ? total : "/\(filter) \(state.rowCount(.listings))"
    let listings = drill.listings
    renderListPane(
        state, pane: .carts, list: .listings, title: "\(drill.cart.name) · listings", titleRight: titleRight,
        in: area, into: &buffer,
        columns: listingColumns(width: area.width - 4),
        loading: drill.loadingPage.map { $0 == 1 ? "loading listings…" : "loading more…" }, failure: drill.error,
        emptyText: "no listings in this cart"
    ) { index in
        let listing = listings[state.listingRows[index]]
        let cells = [Format.text(listing.address), Format.text(listing.city), Format.price(listing.listPrice),
                     Format.bedsAndBaths(listing), Format.text(listing.status)]
        return ListWidget.Row(listingColumnOrder(width: area.width - 4).map { cells[$0] })
    }
}

/// Which listing columns fit (address, city, price, beds/baths, status), most important first.
private func listingColumnOrder(width: Int) -> [Int] {
    width >= 68 ? [0, 1, 2, 3, 4] : width >= 52 ? [0, 2, 3, 4] : width >= 34 ? [0, 2, 4] : [0, 2]
}

private func listingColumns(width: Int) -> [ListWidget.Column] {
    let all = [ListWidget.Column.flexible, ListWidget.Column(.flexible(min: 6)),
               ListWidget.Column(.fixed(11), alignment: .right), ListWidget.Column(.fixed(11)), ListWidget.Column(.fixed(10))]
    return listingColumnOrder(width: width).map { all[$0] }
}

// MARK: - Overlays

private func renderHelp(_ state: AppState, in screen: Rect, into buffer: inout Buffer) {
    let labelWidth = state.keyMap.bindings.map { TextWidth.of($0.label) }.max() ?? 0
    var lines = state.keyMap.bindings.map { binding in
        Paragraph.Line(TextWidth.pad(binding.label, to: labelWidth) + "  " + binding.summary)
    }
    lines.append("")
    lines.append(Paragraph.Line("Mouse: click to focus and select, wheel to scroll.", style: Theme.dim))
    Popup(title: "Keys", lines: lines, footer: "Esc close", scroll: min(state.overlayScroll, max(lines.count - 1, 0)))
        .render(in: screen, into: &buffer)
}

private func renderRequestLog(_ state: AppState, in screen: Rect, into buffer: inout Buffer) {
    let lines: [Paragraph.Line]
    if state.requestLog.isEmpty {
        lines = [Paragraph.Line("No requests yet.", style: Theme.dim)]
    } else {
        lines = state.requestLog.reversed().map { event in
            let status = event.status.map(String.init) ?? "---"
            let code = event.sparkCode.map { " code \($0)" } ?? ""
            let attempt = event.attempt > 1 ? " try \(event.attempt)" : ""
            let error = event.errorSummary.map { " · \($0)" } ?? ""
            let text = "\(event.method.padding(toLength: 6, withPad: " ", startingAt: 0))\(status) "
                + "\(String(Format.milliseconds(event.duration)).leftPadded(to: 5))ms  \(event.path)\(code)\(attempt)\(error)"
            let failed = event.status.map { $0 >= 400 } ?? true
            return Paragraph.Line(text, style: failed ? Theme.error : nil)
        }
    }
    Popup(title: "Requests · newest first", lines: lines, footer: "Esc close",
          maxSize: Size(width: max(screen.width - 4, 20), height: max(screen.height - 4, 6)),
          scroll: min(state.overlayScroll, max(lines.count - 1, 0)))
        .render(in: screen, into: &buffer)
}


private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
