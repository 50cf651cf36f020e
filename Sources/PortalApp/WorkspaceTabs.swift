import SparkAPI
import TerminalUI

// The workspace pane's tabs — Carts · Searches · Feeds — as state: which tab is open, and the saved searches and news
// feeds of the workspace, each read the first time its tab is shown, kept, and read again on `r`, when the workspace
// changes, and by `rereadOpenTab` (live refresh). Each tab has its own cursor and filter (`AppState.cursors` and
// `filters` under `ListID.searches` and `.feeds`) and its own loading state.

/// The tabs of the workspace pane, in `[`/`]` order.
public enum WorkspaceTab: Int, CaseIterable, Hashable, Sendable {
    case carts, searches, feeds

    public var label: String {
        switch self {
        case .carts: "Carts"
        case .searches: "Searches"
        case .feeds: "Feeds"
        }
    }

    /// The list the tab shows.
    public var list: ListID {
        switch self {
        case .carts: .carts
        case .searches: .searches
        case .feeds: .feeds
        }
    }
}

/// One tab's records as the server last gave them, and the bookkeeping of the request that reads them — the carts'
/// rules (`AppState.cartsWorkspace`, `cartsRequest`, `cartsRequestTick`) for another kind of record.
public struct TabRecords<Value: Sendable & Equatable>: Equatable, Sendable {
    /// `.idle` until the tab is first shown (and again when the workspace changed: read when next shown).
    public var value: Loadable<Value> = .idle
    /// The workspace these records belong to (as the request that brought them expected); nil when they were asked
    /// for before the current group was known, or there are none.
    public var workspace: Workspace?
    /// Answers to any but the latest request are dropped.
    public var request = 0
    /// `WriteLedger.tick` when the latest request was made: what a write changed since is kept as its answer left it.
    public var requestTick = 0

    public init() {}

    /// Forgets the records (another workspace's) and drops any answer on its way.
    mutating func forget() {
        value = .idle
        workspace = nil
        request += 1
    }
}

/// The tabs of the workspace pane: which is open, and the records of the two that are not the carts (those stay in
/// `AppState.carts`, where the rest of the app reads them).
public struct WorkspaceTabs: Equatable, Sendable {
    public var open: WorkspaceTab = .carts
    public var searches = TabRecords<[SavedSearch]>()
    /// The feeds, or that this key may not read them (403/1500: a state shown in the tab, never retried by itself).
    public var feeds = TabRecords<NewsFeedAccess>()
    /// The rows of each list after its filter (indices into the records).
    public internal(set) var searchRows: [Int] = []
    public internal(set) var feedRows: [Int] = []

    public init() {}

    var isLoading: Bool { searches.value.isLoading || feeds.value.isLoading }
}

extension AppState {
    /// The workspace's saved searches, as last read (none before the tab was shown).
    public var savedSearches: [SavedSearch] { workspaceTabs.searches.value.value ?? [] }

    /// The workspace's news feeds, as last read (none before the tab was shown, or when the key may not read them).
    public var newsFeeds: [NewsFeed] { workspaceTabs.feeds.value.value?.feeds ?? [] }

    public var highlightedSearch: SavedSearch? {
        let rows = workspaceTabs.searchRows
        guard let selected = cursor(.searches).selected, rows.indices.contains(selected) else { return nil }
        return savedSearches[rows[selected]]
    }

    public var highlightedFeed: NewsFeed? {
        let rows = workspaceTabs.feedRows
        guard let selected = cursor(.feeds).selected, rows.indices.contains(selected) else { return nil }
        return newsFeeds[rows[selected]]
    }

    /// The feeds that follow a saved search: nil while that is not known (the feeds not read yet, or this key may not
    /// read them).
    public func feedsFollowing(_ searchId: String) -> [NewsFeed]? {
        guard let feeds = workspaceTabs.feeds.value.value?.feeds else { return nil }
        return feeds.filter { $0.subscription?.id == searchId }
    }

    /// The searches whose name, filter or description holds the filter text.
    mutating func rebuildSearchRows() {
        let searches = savedSearches
        let needle = filter(.searches)
        workspaceTabs.searchRows = searches.indices.filter { index in
            guard !needle.isEmpty else { return true }
            let search = searches[index]
            return [search.name, search.filter, search.description].contains { $0?.localizedStandardContains(needle) == true }
        }
        clampCursor(.searches)
    }

    /// The feeds whose name or followed search's name holds the filter text.
    mutating func rebuildFeedRows() {
        let feeds = newsFeeds
        let needle = filter(.feeds)
        workspaceTabs.feedRows = feeds.indices.filter { index in
            needle.isEmpty || feeds[index].name.localizedStandardContains(needle)
                || feeds[index].subscription?.name.localizedStandardContains(needle) == true
        }
        clampCursor(.feeds)
    }
}

/// The Searches tab's questions: a saved search's new name, or whether to delete it.
public enum SearchDialog: Hashable, Sendable {
    case rename(SearchNameDialog)
    /// The question names the search, the feeds that go with it, and that it cannot be undone.
    case delete(SavedSearch, ConfirmationPrompt)
}

/// `R` on a saved search: its name in a line editor, with why the last try was refused under it.
public struct SearchNameDialog: Hashable, Sendable {
    public var search: SavedSearch
    public var editor: LineEditorState
    public var error: String?

    public init(search: SavedSearch, text: String? = nil, error: String? = nil) {
        self.search = search
        editor = LineEditorState(text: text ?? search.name, limit: CartNameDialog.nameLimit)
        self.error = error
    }
}
