import SparkAPI
import TerminalUI

// The bottom line: key hints on the left, what is happening on the right. `? help` is always there (the last hint to
// go: it leads to every other key), and so is what can be done about the line's message — `e error` beside an error,
// `r ask again` and `Esc give up` beside a wait; the last request's summary yields to any hint; the message is cut
// last of all, and `e` shows an error whole.

func renderStatusBar(_ state: AppState, in area: Rect, into buffer: inout Buffer) {
    guard !area.isEmpty else { return }
    var message = ""
    var style = Style.plain
    var isRequestSummary = false
    var pinned: [KeyHint] = []
    switch shownStatus(state) {
    case .filter(let list):
        return renderFilterBar(list, state, in: area, into: &buffer)
    case .message(let status):
        switch status.kind {
        case .info: message = status.text
        case .progress: message = "\(spinner(state)) \(status.text)"; style = Theme.progress
        case .error:
            message = "✗ \(status.text)"
            style = Theme.error
            if state.overlay == nil, let error = hint(for: .lastError, state) { pinned.append(error) }
        }
    case .wait(let wait):
        message = "\(spinner(state)) \(wait.sentence)"
        style = Theme.progress
        if wait.canGiveUp {
            pinned += [hint(for: .refresh, state, label: "ask again"), hint(for: .back, state, label: "give up")].compactMap { $0 }
        }
    case nil:
        if let last = state.requestLog.last {
            message = requestSummary(last)
            style = Theme.dim
            isRequestSummary = true
        }
    }
    // A pinned hint's key says it once: `r ask again` instead of `r refresh`.
    let all = statusHints(state).filter { hint in !pinned.contains { $0.key == hint.key } }
    // Over a window, its way out (`Esc close`) is the hint that stays; the error's window says the error itself.
    let help = state.overlay != nil ? all.first : all.first { $0.label == state.keyMap.binding(.help)?.hint }
    if state.overlay == .lastError, !isRequestSummary { message = "" }
    // Widths count each hint with the two spaces after it; the bar starts one column in.
    func width(_ hints: [KeyHint]) -> Int { hints.reduce(0) { $0 + TextWidth.of($1.key) + 1 + TextWidth.of($1.label) + 2 } }
    // What can be done about the message comes first; on a bar too narrow for it and `? help`, it goes.
    while !pinned.isEmpty, width(pinned + [help].compactMap { $0 }) > area.width + 1 { pinned.removeLast() }
    let kept = pinned + [help].compactMap { $0 }
    if isRequestSummary, TextWidth.of(message) + 2 + width(pinned + all) - 1 > area.width { message = "" }
    let messageRoom = max(area.width - 1 - width(kept), 0)
    if TextWidth.of(message) > messageRoom { message = TextWidth.truncate(message, to: messageRoom) }
    let room = area.width + 1 - (message.isEmpty ? 0 : TextWidth.of(message) + 2)
    var hints: [KeyHint] = []
    var used = width(kept)
    for hint in all where hint != help {
        if used + width([hint]) > room { break }
        hints.append(hint)
        used += width([hint])
    }
    if let help, width(kept) <= room {
        // In its place in the table's order.
        let index = hints.firstIndex { hint in all.firstIndex(of: hint)! > all.firstIndex(of: help)! } ?? hints.count
        hints.insert(help, at: index)
    }
    StatusBar(hints: pinned + hints, message: message, messageStyle: style).render(in: area, into: &buffer)
}

/// A command's hint, as its first key is written ("r ask again").
private func hint(for command: Command, _ state: AppState, label: String? = nil) -> KeyHint? {
    guard let binding = state.keyMap.binding(command), let key = binding.keys.first else { return nil }
    return KeyHint(key: KeyMap.describe(key), label: label ?? binding.hint ?? binding.summary)
}

/// The hints for where the user is: a dialog's own keys, the overlay's, or the key table's for the context (`u undo`
/// only while there is something to undo, `e error` only when there was an error, `p photo` only where photos are drawn,
/// none that would do nothing in an idle tab, none that acts on a row in a list with no row).
private func statusHints(_ state: AppState) -> [KeyHint] {
    if let hints = presenterHints(state) { return hints }
    switch state.dialog {
    case .addToCart?: return [KeyHint(key: "Enter", label: "add"), KeyHint(key: "↑↓", label: "choose"),
                              KeyHint(key: "type", label: "filter"), KeyHint(key: "Esc", label: "cancel")]
    case .cartName(let dialog)?:
        let verb = if case .rename = dialog.purpose { "rename" } else { "create" }
        return [KeyHint(key: "Enter", label: verb), KeyHint(key: "Esc", label: "cancel")]
    case .confirmDelete?: return [KeyHint(key: "y", label: "delete"), KeyHint(key: "n/Esc", label: "keep")]
    case .search(let dialog)?: return searchDialogHints(dialog)
    case nil: break
    }
    if state.overlay != nil {
        return [KeyHint(key: "Esc", label: "close"), KeyHint(key: "↑↓", label: "scroll")]
    }
    let undo = state.keyMap.binding(.undo)?.hint, photo = state.keyMap.binding(.nextPhoto)?.hint
    let error = state.keyMap.binding(.lastError)?.hint, actAs = state.keyMap.binding(.actAs)?.hint
    let idle = idleHints(state)
    // A list with no row (a filter that matches nothing, an empty cart): no key that acts on a row.
    let hasRow = state.details != nil || state.rowCount(state.focusedList) > 0
    return state.keyMap.hints(in: state.keyContext, rowActions: hasRow).filter { hint in
        (hint.label != undo || !state.writes.undoStack.isEmpty) && (hint.label != error || state.feedback.lastError != nil)
            && (hint.label != photo || state.detailsPhoto.mode.drawsPictures) && !idle.contains(hint.label)
            && (hint.label != actAs || state.presenter.isDemo)
    }
}

/// `/`: the filter's editor on the left, its keys on the right while there is room for both.
///
///      filter listings: birch▮                              Enter keep filter  Esc clear filter
private func renderFilterBar(_ list: ListID, _ state: AppState, in area: Rect, into buffer: inout Buffer) {
    let hints = [KeyHint(key: "Enter", label: "keep filter"), KeyHint(key: "Esc", label: "clear filter")]
    let hintsWidth = hints.reduce(0) { $0 + TextWidth.of($1.key) + 1 + TextWidth.of($1.label) + 2 } + 1
    let editorWidth = area.width - 1 - hintsWidth >= 24 ? area.width - 1 - hintsWidth : area.width - 1
    buffer.fill(area.top(1))
    let editor = Rect(x: area.x + 1, y: area.y, width: max(editorWidth - 1, 0), height: 1)
    LineEditor(state: state.filterEditor, prompt: "filter \(listName(list)): ", style: Theme.accent,
               promptStyle: Style(attributes: [.bold])).render(in: editor, into: &buffer)
    if editorWidth < area.width - 1 {
        StatusBar(hints: hints).render(in: Rect(x: area.right - hintsWidth, y: area.y, width: hintsWidth, height: 1),
                                       into: &buffer)
    }
}

private func listName(_ list: ListID) -> String {
    switch list {
    case .groups: "groups"
    case .members: "members"
    case .carts: "carts"
    case .listings: "listings"
    case .searches: "searches"
    case .feeds: "feeds"
    }
}
