import Foundation
import SparkAPI
import TerminalUI

// The workspace pane's tabs in the reducer: `[`/`]`, reading the saved searches and news feeds (once, then on `r`, when
// the workspace changes, and by live refresh through `rereadOpenTab`), Enter on a search (or a feed) opening its
// listings in the listings view, `R`/`d` on a search, `p` on a feed, and the answers to those changes. Reads meet
// writes as the carts' do: an answer for another workspace is dropped, and what this session changed since a read was
// asked for is kept as the change's answer left it.

// MARK: - Switching tabs

/// `[`, `]` and `p`.
func tabCommand(_ command: Command, _ state: inout AppState) -> [AppEffect] {
    switch command {
    case .previousTab, .nextTab:
        let tabs = WorkspaceTab.allCases
        let step = command == .nextTab ? 1 : tabs.count - 1
        return openTab(tabs[(state.workspaceTabs.open.rawValue + step) % tabs.count], &state)
    case .pauseFeed:
        return toggleFeed(&state)
    default:
        return []
    }
}

/// Shows a tab at once, with what it last had; its records are read the first time it is shown.
func openTab(_ tab: WorkspaceTab, _ state: inout AppState) -> [AppEffect] {
    state.workspaceTabs.open = tab
    state.clampCursor(tab.list)
    var effects = loadTabIfNeeded(&state)
    // A feed's Enter opens its search's listings, which need to know whether the agent provided the search.
    if tab == .feeds, state.workspaceTabs.searches.value == .idle, let load = loadEffect(.searches, &state) { effects.append(load) }
    return effects
}

// MARK: - Reading

/// Live refresh's re-read of the workspace pane's open tab: one request for the saved searches or the news feeds on
/// screen, kept on screen meanwhile and merged with this session's changes when it comes back, as `r` does. Nothing
/// for the Carts tab (the carts are re-read with the rest), nor while a cart's or search's listings cover the tab, while
/// the tab's records are already being read, while a group switch settles (the tab is read once it has), or when this
/// key may not read news feeds (a state, never asked again by itself).
func rereadOpenTab(_ state: inout AppState) -> [AppEffect] {
    guard state.listings == nil else { return [] }
    switch state.workspaceTabs.open {
    case .carts:
        return []
    case .searches:
        guard !state.workspaceTabs.searches.value.isLoading else { return [] }
    case .feeds:
        let feeds = state.workspaceTabs.feeds.value
        guard !feeds.isLoading, feeds.value?.unavailableMessage == nil else { return [] }
    }
    return loadEffect(state.workspaceTabs.open, &state).map { [$0] } ?? []
}

/// `r`: every tab that was read is read again (also news feeds this key may not read: the user asked).
func refreshTabs(_ state: inout AppState) -> [AppEffect] {
    var effects: [AppEffect] = []
    if state.workspaceTabs.searches.value != .idle, let load = loadEffect(.searches, &state) { effects.append(load) }
    if state.workspaceTabs.feeds.value != .idle, let load = loadEffect(.feeds, &state) { effects.append(load) }
    return effects
}

/// The request for a tab's records, numbered, remembering the write tick it was asked at, for the workspace the server
/// says is current; the records stay on screen meanwhile. None while a group switch is on its way or settling: the
/// current group's answer reads the open tab (`tabsFollowCurrentGroup`).
func loadEffect(_ tab: WorkspaceTab, _ state: inout AppState) -> AppEffect? {
    guard state.groupSwitch == nil, !state.switchSettling else { return nil }
    let tick = state.writes.tick, expected = state.currentWorkspace
    switch tab {
    case .carts:
        return nil
    case .searches:
        return .loadSearches(forGroup: expected, request: state.workspaceTabs.searches.ask(tick: tick))
    case .feeds:
        return .loadFeeds(forGroup: expected, request: state.workspaceTabs.feeds.ask(tick: tick))
    }
}

extension TabRecords {
    /// A new request: its number.
    mutating func ask(tick: Int) -> Int {
        request += 1
        requestTick = tick
        value = value.reloading
        return request
    }
}

/// Reads the open tab when it has nothing (never read, or forgotten when the workspace changed).
func loadTabIfNeeded(_ state: inout AppState) -> [AppEffect] {
    let tabs = state.workspaceTabs
    let empty = switch tabs.open {
    case .carts: false
    case .searches: tabs.searches.value == .idle
    case .feeds: tabs.feeds.value == .idle
    }
    guard empty, let load = loadEffect(tabs.open, &state) else { return [] }
    return [load]
}

/// The current group was read: records that came for another workspace are forgotten (never shown under this one's
/// name; read again when their tab is shown), records asked for before any workspace was known are this one's, and the
/// open tab is read when it has nothing. That a key may not read news feeds holds in every workspace: it is kept.
func tabsFollowCurrentGroup(_ state: inout AppState) -> [AppEffect] {
    guard state.currentGroup.error == nil, !state.currentGroup.isLoading, let current = state.currentWorkspace else { return [] }
    if state.workspaceTabs.searches.follow(current) { state.rebuildSearchRows() }
    if state.workspaceTabs.feeds.follow(current, keeping: { $0.unavailableMessage != nil }) { state.rebuildFeedRows() }
    return loadTabIfNeeded(&state)
}

extension TabRecords {
    /// Makes the records follow the current workspace; true when they were forgotten.
    mutating func follow(_ current: Workspace, keeping keep: (Value) -> Bool = { _ in false }) -> Bool {
        guard let workspace else {
            // Asked for before the current group was known: the two requests went out together.
            if !value.isLoading, value.value != nil { self.workspace = current }
            return false
        }
        guard workspace != current else { return false }
        if !value.isLoading, let shown = value.value, keep(shown) {
            self.workspace = current
            return false
        }
        forget()
        return true
    }
}

func searchesLoaded(forGroup workspace: Workspace?, request: Int, _ result: Result<[SavedSearch], SparkError>,
                    _ state: inout AppState) -> [AppEffect] {
    guard request == state.workspaceTabs.searches.request else { return [] }
    // Asked for while another workspace was current than the server now says is: not this one's.
    if let workspace, !state.currentGroup.isLoading, let current = state.currentWorkspace, workspace != current {
        state.workspaceTabs.searches.forget()
        state.rebuildSearchRows()
        return loadTabIfNeeded(&state)
    }
    var records = state.workspaceTabs.searches
    switch result {
    case .success(let searches):
        let shown = workspace ?? state.currentWorkspace
        let merged = shown == records.workspace
            ? mergeRecords(searches, local: records.value.value ?? [], since: records.requestTick, state.writes) { [.search($0.id)] }
            : searches
        records.workspace = shown
        records.value = .loaded(merged)
    case .failure(let error):
        records.value = records.value.finished(.failure(error))
        if state.workspaceTabs.open == .searches {
            state.status = tabFailureStatus("the saved searches", error, state)
        }
    }
    state.workspaceTabs.searches = records
    state.rebuildSearchRows()
    // The open listings' title follows its search's name.
    if let id = state.listings?.source.searchID, let search = state.savedSearches.first(where: { $0.id == id }) {
        state.listings?.name = search.name
    }
    return []
}

func feedsLoaded(forGroup workspace: Workspace?, request: Int, _ result: Result<NewsFeedAccess, SparkError>,
                 _ state: inout AppState) -> [AppEffect] {
    guard request == state.workspaceTabs.feeds.request else { return [] }
    if let workspace, !state.currentGroup.isLoading, let current = state.currentWorkspace, workspace != current {
        state.workspaceTabs.feeds.forget()
        state.rebuildFeedRows()
        return loadTabIfNeeded(&state)
    }
    var records = state.workspaceTabs.feeds
    switch result {
    case .success(.available(let feeds)):
        let shown = workspace ?? state.currentWorkspace
        let local = records.value.value?.feeds
        // A feed follows its search: a rename or delete of the search this session made since is kept too.
        let merged = shown == records.workspace && local != nil
            ? mergeRecords(feeds, local: local ?? [], since: records.requestTick, state.writes) { feed in
                [.feed(feed.id)] + (feed.subscription.map { [.search($0.id)] } ?? [])
            }
            : feeds
        records.workspace = shown
        records.value = .loaded(.available(merged))
    case .success(let unavailable):
        records.workspace = workspace ?? state.currentWorkspace
        records.value = .loaded(unavailable)
    case .failure(let error):
        records.value = records.value.finished(.failure(error))
        if state.workspaceTabs.open == .feeds {
            state.status = tabFailureStatus("the news feeds", error, state)
        }
    }
    state.workspaceTabs.feeds = records
    state.rebuildFeedRows()
    // A delete question asked before the feeds were known names them now.
    if case .search(.delete(let search, _))? = state.dialog {
        state.dialog = .search(.delete(search, searchDeletePrompt(search, state)))
    }
    return []
}

/// What the status line says when a tab's records could not be read: offline (the server out of reach, the rest of the
/// screen showing the cache), that they are read once it can be reached; otherwise the failure.
func tabFailureStatus(_ what: String, _ error: SparkError, _ state: AppState) -> StatusMessage {
    if let offline = offlineTabNote(what, error, state) { return StatusMessage(offline) }
    return StatusMessage("Couldn't load \(what): \(error.userMessage) Press r to retry.", kind: .error)
}

/// `offline: the saved searches are read when the server can be reached; r tries again`, when the screen is offline
/// and `error` is the server being out of reach (the searches and feeds are not cached); nil otherwise.
func offlineTabNote(_ what: String, _ error: SparkError, _ state: AppState) -> String? {
    guard state.cache.offline, error.isUnreachable else { return nil }
    return "offline: \(what) are read when the server can be reached; r tries again"
}

/// The records of a fresh answer, with those this session changed since the request went out (or is changing) kept as
/// the change's answer left them, and those it deleted since left out (`WriteLedger.isStale`).
func mergeRecords<Record: Identifiable>(_ server: [Record], local: [Record], since tick: Int, _ writes: WriteLedger,
                                        subjects: (Record) -> [WriteSubject]) -> [Record] {
    let localByID = Dictionary(local.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    return server.compactMap { record in
        subjects(record).contains { writes.isStale($0, since: tick) } ? localByID[record.id] : record
    }
}

// MARK: - Listings of a search

/// Enter on a saved search (or on a feed: the search it follows): the listings it matches, in the listings view.
func openSearchListings(_ state: inout AppState) -> [AppEffect] {
    switch state.focusedList {
    case .searches:
        guard let search = state.highlightedSearch else { return [] }
        return openListings(ListingsView(search: search), &state)
    case .feeds:
        guard let feed = state.highlightedFeed else { return [] }
        guard let followed = feed.subscription else {
            state.status = StatusMessage("\(Format.quoted(feed.name)) follows no saved search: it has no listings to show.")
            return []
        }
        // Whether the agent provided the search decides how its listings are asked for; the search list knows.
        if let search = state.savedSearches.first(where: { $0.id == followed.id }) {
            return openListings(ListingsView(search: search), &state)
        }
        if state.workspaceTabs.searches.value.isLoading || state.workspaceTabs.searches.value == .idle {
            state.status = StatusMessage("The saved searches are still loading; press Enter again in a moment.")
            return state.workspaceTabs.searches.value == .idle ? loadEffect(.searches, &state).map { [$0] } ?? [] : []
        }
        return openListings(ListingsView(search: followed), &state)
    default:
        return []
    }
}

/// A search's listings answered 2001: the search is gone, or is not this user's to read any more. Back to the tab,
/// which is read again.
func searchNoLongerAvailable(_ view: ListingsView, _ state: inout AppState) -> [AppEffect] {
    state.listings = nil
    state.details = nil
    state.rebuildListingRows()
    state.status = StatusMessage("The saved search \(Format.quoted(view.name)) is no longer available to you: it was deleted, "
                                 + "or the group you act for changed. The saved searches were read again.", kind: .error)
    var effects = refreshTabs(&state)
    if state.workspaceTabs.searches.value == .idle, let load = loadEffect(.searches, &state) { effects.append(load) }
    return effects
}

// MARK: - Changing searches and feeds

/// `R` and `d` on a saved search. A search the agent provided says why not; nothing is sent.
func searchCommand(_ command: Command, _ state: inout AppState) -> [AppEffect] {
    guard let search = state.highlightedSearch else { return [] }
    guard !search.isProvided else {
        let what = command == .rename ? "renamed" : "deleted"
        state.status = StatusMessage("\(Format.quoted(search.name)) was provided by your agent (◆): it cannot be \(what) here.")
        return []
    }
    guard let workspace = writableWorkspace(&state) else { return [] }
    guard state.workspaceTabs.searches.workspace == workspace else {
        state.status = StatusMessage("The saved searches are still loading (or failed to: r reads them again). Nothing was changed.")
        return []
    }
    switch command {
    case .rename:
        state.dialog = .search(.rename(SearchNameDialog(search: search)))
        return []
    case .delete:
        // The feeds that go with it are named in the question: read them first if they never were.
        let load = state.workspaceTabs.feeds.value == .idle ? loadEffect(.feeds, &state) : nil
        state.dialog = .search(.delete(search, searchDeletePrompt(search, state)))
        return load.map { [$0] } ?? []
    default:
        return []
    }
}

/// "Delete the saved search 'Lake towns, 2+ baths' and the news feed 'Lake towns' that follows it from Ozzy Owner's
/// group? …": the search, the feeds the server deletes with it (as far as they are known), the workspace, and that it
/// cannot be undone.
func searchDeletePrompt(_ search: SavedSearch, _ state: AppState) -> ConfirmationPrompt {
    let feeds: String
    switch state.workspaceTabs.feeds.value.value {
    case .available?:
        let following = state.feedsFollowing(search.id) ?? []
        feeds = switch following.count {
        case 0: ""
        case 1: " and the news feed \(Format.quoted(following[0].name)) that follows it"
        default: " and the \(following.count) news feeds that follow it (\(following.map { Format.quoted($0.name) }.joined(separator: ", ")))"
        }
    case .unavailable?:
        feeds = " and any news feed that follows it (this key cannot see news feeds)"
    case nil:
        feeds = state.workspaceTabs.feeds.value.isLoading ? " and any news feed that follows it (checking…)"
                                                          : " and any news feed that follows it"
    }
    let whose = state.currentWorkspace.map { $0 == .own ? "your own workspace" : state.displayName(of: $0) } ?? "this workspace"
    return ConfirmationPrompt(
        title: "Delete saved search",
        question: "Delete the saved search \(Format.quoted(search.name))\(feeds) from \(whose)? "
            + "This cannot be undone: spark-portal cannot create saved searches.",
        yesLabel: "delete", noLabel: "keep")
}

/// `p` on a news feed: pause it, or resume it when it is paused — decided when its turn comes.
private func toggleFeed(_ state: inout AppState) -> [AppEffect] {
    guard let feed = state.highlightedFeed else {
        // News feeds this key may not read: say so again rather than nothing.
        if let unavailable = state.workspaceTabs.feeds.value.value?.unavailableMessage { state.status = StatusMessage(unavailable) }
        return []
    }
    guard let workspace = writableWorkspace(&state) else { return [] }
    guard state.workspaceTabs.feeds.workspace == workspace else {
        state.status = StatusMessage("The news feeds are still loading (or failed to: r reads them again). Nothing was changed.")
        return []
    }
    return request(.toggleFeed(feed), &state)
}

/// The write a queued `p` means now: the feed's state as the last answer left it, flipped.
func resolveFeedToggle(_ feed: NewsFeed, _ state: inout AppState) -> WorkspaceWrite? {
    guard let now = state.newsFeeds.first(where: { $0.id == feed.id }) else {
        state.status = StatusMessage("The news feed \(Format.quoted(feed.name)) is not there any more; nothing was changed.")
        return nil
    }
    return .searchOrFeed(.setFeed(now, active: now.isPaused))
}

func handleSearchDialogKey(_ key: Key, _ dialog: SearchDialog, _ state: inout AppState) -> [AppEffect] {
    switch dialog {
    case .rename(var rename):
        switch rename.editor.handle(key) {
        case .confirmed(let text):
            return submitSearchName(text, rename, &state)
        case .cancelled:
            state.dialog = nil
            return []
        case .limitReached:
            rename.error = "A name has at most \(CartNameDialog.nameLimit) characters."
        case .changed:
            rename.error = nil
        case .moved, .ignored:
            break
        }
        state.dialog = .search(.rename(rename))
        return []

    case .delete(let search, let prompt):
        switch prompt.answer(to: key) {
        case .yes:
            state.dialog = nil
            return request(.write(.searchOrFeed(.deleteSearch(search, feeds: state.feedsFollowing(search.id) ?? []))), &state)
        case .no:
            state.dialog = nil
            state.status = StatusMessage("Kept the saved search \(Format.quoted(search.name)).")
        case .undecided:
            break
        }
        return []
    }
}

/// Enter in the rename dialog: a blank name, or one another search of the workspace has (ignoring case and
/// surrounding blanks, the server's rule), stays in the dialog with the reason; otherwise the rename goes.
private func submitSearchName(_ text: String, _ dialog: SearchNameDialog, _ state: inout AppState) -> [AppEffect] {
    var dialog = dialog
    let name = text.trimmingCharacters(in: .whitespaces)
    let key = name.lowercased()
    if name.isEmpty {
        dialog.error = "A saved search needs a name."
    } else if name == dialog.search.name {
        state.dialog = nil
        state.status = StatusMessage("\(Format.quoted(name)) keeps its name.")
        return []
    } else if let taken = state.savedSearches.first(where: {
        $0.id != dialog.search.id && $0.name.trimmingCharacters(in: .whitespaces).lowercased() == key
    }) {
        dialog.error = "\(Format.quoted(taken.name)) is already a saved search here. Choose another name."
    } else {
        state.dialog = nil
        return request(.write(.searchOrFeed(.renameSearch(dialog.search, to: name))), &state)
    }
    state.dialog = .search(.rename(dialog))
    return []
}

// MARK: - Answers

/// The server answered a change to a search or a feed. The records change from the answer (never before it); a
/// failure says why and reads the tab's records again.
func applySearchOrFeed(_ outcome: WriteOutcome, of write: SearchFeedWrite, _ pending: PendingWrite,
                       _ state: inout AppState) -> [AppEffect] {
    let shownFor = write.tab == .searches ? state.workspaceTabs.searches.workspace : state.workspaceTabs.feeds.workspace
    let here = pending.workspace == state.currentWorkspace && shownFor == pending.workspace
    switch (outcome, write) {
    case (.searchOrFeed(.searchRenamed(let answered)), .renameSearch(let search, let name)):
        var renamed = search
        renamed.name = name
        if let answered, answered.id == search.id { renamed = answered }
        if here { replaceSearch(renamed, &state) }
        finished("Renamed the saved search \(Format.quoted(search.name)) to \(Format.quoted(renamed.name)).", pending,
                 undo: UndoEntry(inverse: .searchOrFeed(.renameSearch(renamed, to: search.name)), workspace: pending.workspace,
                                 done: write.done),
                 undoHint: "u renames it back", &state)
        return []

    case (.searchOrFeed(.searchDeleted), .deleteSearch(let search, let feeds)):
        if here { removeSearch(search.id, &state) }
        let with = switch feeds.count {
        case 0: ""
        case 1: " and the news feed \(Format.quoted(feeds[0].name)) that followed it"
        default: " and the \(feeds.count) news feeds that followed it"
        }
        finished("Deleted the saved search \(Format.quoted(search.name))\(with). It cannot be undone.", pending, undo: nil, &state)
        return []

    case (.searchOrFeed(.feedSet(let answered)), .setFeed(let feed, let active)):
        var changed = feed
        changed.active = active
        if let answered, answered.id == feed.id { changed = answered }
        if here { replaceFeed(changed, &state) }
        let follows = changed.subscription.map { " (it follows \(Format.quoted($0.name)))" } ?? ""
        finished("\(active ? "Resumed" : "Paused") the news feed \(Format.quoted(feed.name))\(follows).", pending,
                 undo: UndoEntry(inverse: .searchOrFeed(.setFeed(changed, active: !active)), workspace: pending.workspace,
                                 done: write.done),
                 undoHint: active ? "u pauses it again" : "u resumes it", &state)
        return []

    case (.failed(let failure), _):
        return searchOrFeedFailed(failure, write, pending, here: here, &state)

    default:
        // An answer of another kind than the change it answers: a bug; re-read so the screen shows the truth.
        state.status = StatusMessage("An unexpected answer came for a change; the \(write.tab.label.lowercased()) were re-read.",
                                     kind: .error)
        return here ? loadEffect(write.tab, &state).map { [$0] } ?? [] : []
    }
}

private func searchOrFeedFailed(_ failure: WriteFailure, _ write: SearchFeedWrite, _ pending: PendingWrite, here: Bool,
                                _ state: inout AppState) -> [AppEffect] {
    let reason = write.reason(failure)
    state.status = StatusMessage("Couldn't \(pending.undoing.map { "undo \($0.done)" } ?? write.task): \(reason)"
                                 + keepUndo(pending, after: failure, &state), kind: .error)
    let error = failure.sparkError
    // A name the server refused comes back in the editor, with the reason: nothing typed is lost.
    if case .renameSearch(let search, let name) = write, pending.undoing == nil, state.dialog == nil, let error,
       error.httpStatus == 409 || error.sparkCode == 1050 || error.sparkCode == 1055 {
        state.dialog = .search(.rename(SearchNameDialog(search: search, text: name, error: reason)))
    }
    guard here else { return [] }
    if let error, error.isNotAvailableForKeyOrMLS {
        state.workspaceTabs.feeds.value = .loaded(.unavailable(error))
        state.rebuildFeedRows()
        return []
    }
    if case .workspace = failure { return [] }
    var effects = loadEffect(write.tab, &state).map { [$0] } ?? []
    // The server deletes a search's feeds with it: after a delete that may have gone through, they are read too.
    if case .deleteSearch = write, state.workspaceTabs.feeds.value != .idle,
       state.workspaceTabs.feeds.value.value?.unavailableMessage == nil, let load = loadEffect(.feeds, &state) {
        effects.append(load)
    }
    return effects
}

/// A search as the rename's answer left it, in the list, in the feeds that follow it, and in the open listings' title.
private func replaceSearch(_ search: SavedSearch, _ state: inout AppState) {
    var searches = state.savedSearches
    if let index = searches.firstIndex(where: { $0.id == search.id }) { searches[index] = search }
    state.workspaceTabs.searches.value = state.workspaceTabs.searches.value.replacingValue(searches)
    if case .available(var feeds)? = state.workspaceTabs.feeds.value.value {
        for index in feeds.indices where feeds[index].subscription?.id == search.id { feeds[index].subscription?.name = search.name }
        state.workspaceTabs.feeds.value = state.workspaceTabs.feeds.value.replacingValue(.available(feeds))
        state.rebuildFeedRows()
    }
    if state.listings?.source.searchID == search.id { state.listings?.name = search.name }
    state.rebuildSearchRows()
}

/// A deleted search leaves the list, with the feeds that followed it (the server deleted them too); its listings, if
/// open, close.
private func removeSearch(_ id: String, _ state: inout AppState) {
    state.workspaceTabs.searches.value = state.workspaceTabs.searches.value.replacingValue(state.savedSearches.filter { $0.id != id })
    if case .available(let feeds)? = state.workspaceTabs.feeds.value.value {
        state.workspaceTabs.feeds.value = state.workspaceTabs.feeds.value
            .replacingValue(.available(feeds.filter { $0.subscription?.id != id }))
        state.rebuildFeedRows()
    }
    if state.listings?.source.searchID == id {
        state.listings = nil
        state.details = nil
        state.rebuildListingRows()
    }
    state.rebuildSearchRows()
}

private func replaceFeed(_ feed: NewsFeed, _ state: inout AppState) {
    guard case .available(var feeds)? = state.workspaceTabs.feeds.value.value,
          let index = feeds.firstIndex(where: { $0.id == feed.id }) else { return }
    feeds[index] = feed
    state.workspaceTabs.feeds.value = state.workspaceTabs.feeds.value.replacingValue(.available(feeds))
    state.rebuildFeedRows()
}
