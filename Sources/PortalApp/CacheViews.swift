import SparkAPI
import TerminalUI

// How the screen says what it shows comes from the cache, or that the server can't be reached (Cache.swift).

/// The title bar's right-hand mark: `activity` (the spinner, or ⟳ when nothing is in flight), preceded by
/// `cached 10:42 · refreshing` while panes show the cache's workspace, or `offline — as of 10:42` while the server
/// can't be reached. Below 60 columns, shorter: `cached 10:42`, `offline 10:42`.
func cacheActivity(_ state: AppState, activity: String, width: Int) -> String {
    let cache = state.cache
    let narrow = width < 60
    let time = cache.asOfLabel
    if cache.offline {
        guard let time else { return "offline \(activity)" }
        return narrow ? "offline \(time) \(activity)" : "offline — as of \(time) \(activity)"
    }
    guard cache.showsCachedData, let time else { return activity }
    if narrow || !state.isBusy { return "cached \(time) \(activity)" }
    return "cached \(time) · refreshing \(activity)"
}

/// The mark's style: a red banner offline, the progress colour while the cache's workspace is shown.
func cacheActivityStyle(_ state: AppState) -> Style? {
    if state.cache.offline { return Theme.title.patched(with: Theme.offline) }
    if state.cache.showsCachedData, state.cache.asOf != nil { return Theme.title.patched(with: Theme.progress) }
    return nil
}

/// The picker's mark of the current group: ● when the server has said so in this session, ○ while only the cache has.
func currentGroupMark(_ state: AppState) -> String {
    state.cache.stale.contains(.currentGroup) ? "○" : "●"
}

extension Theme {
    /// The offline banner: reversed red, visible without colour too.
    static let offline = Style(fg: .red, attributes: [.bold, .reverse])
}
