import Foundation
import TerminalUI

// `/`: the focused list's filter, typed in a line editor (TerminalUI's `LineEditorState`) in the status bar, so it
// edits as the name dialogs do: ←/→, Home/End, Backspace/Delete, Ctrl-U, Ctrl-W, Ctrl-K, paste. The list follows
// every change; ↑↓ and PgUp/PgDn move in it meanwhile; Enter keeps the filter, Esc clears it.

func editFilter(of list: ListID, _ key: Key, _ state: inout AppState) -> [AppEffect] {
    switch state.filterEditor.handle(key) {
    case .confirmed:
        state.editingFilter = nil
        return []
    case .cancelled:
        state.editingFilter = nil
        state.filterEditor = LineEditorState()
        return applyFilter("", to: list, &state)
    case .changed, .limitReached:
        return applyFilter(state.filterEditor.text, to: list, &state)
    case .moved:
        return []
    case .ignored:
        let height = AppLayout(size: state.size, focus: state.focus).listHeight(for: list)
        switch key {
        case .up: return move(list, by: -1, &state)
        case .down: return move(list, by: 1, &state)
        case .pageUp: return move(list, by: -max(height - 1, 1), &state)
        case .pageDown: return move(list, by: max(height - 1, 1), &state)
        default: return []
        }
    }
}

/// The list shows the rows matching `text`, the highlight on the first of them. Spaces around it are not part of the
/// filter (a pasted line's break, a space typed before the next word): the title would show them as a gap (`/carl  1`).
private func applyFilter(_ text: String, to list: ListID, _ state: inout AppState) -> [AppEffect] {
    let text = text.trimmingCharacters(in: .whitespaces)
    guard text != state.filter(list) else { return [] }
    state.filters[list] = text.isEmpty ? nil : text
    state.cursors[list, default: ListState()].selected = 0
    state.rebuildRows(list)
    return list == .listings ? loadMoreListingsIfNeeded(&state) : []
}
