import SparkAPI

// The changes the Searches and Feeds tabs make — rename or delete a saved search, pause or resume a news feed — as
// `WorkspaceWrite.searchOrFeed`: they go through the same ledger as the carts' (one per search or feed at a time,
// keys queued, pending on the row, reads asked for before the answer never undoing it on screen, a failure re-read).

/// A change to a saved search or a news feed, as sent.
public enum SearchFeedWrite: Hashable, Sendable {
    /// `PUT /v1/savedsearches/<Id>` of its `Name`. Undone by renaming it back.
    case renameSearch(SavedSearch, to: String)
    /// `DELETE /v1/savedsearches/<Id>`; the server deletes the feeds that follow it (`feeds`: those known when the
    /// user confirmed). Not undone: a consumer cannot create a saved search (DECISIONS.md).
    case deleteSearch(SavedSearch, feeds: [NewsFeed])
    /// `PUT /v1/newsfeeds/<Id>` of `Active`: false pauses, true resumes. Undone by the opposite.
    case setFeed(NewsFeed, active: Bool)

    var queueKey: WriteSubject {
        switch self {
        case .renameSearch(let search, _), .deleteSearch(let search, _): .search(search.id)
        case .setFeed(let feed, _): .feed(feed.id)
        }
    }

    var touches: [WriteSubject] {
        switch self {
        case .renameSearch(let search, _): [.search(search.id)]
        case .deleteSearch(let search, let feeds): [.search(search.id)] + feeds.map { .feed($0.id) }
        case .setFeed(let feed, _): [.feed(feed.id)]
        }
    }

    // MARK: Words

    /// On the row while it is on its way.
    var rowLabel: String {
        switch self {
        case .renameSearch(_, let name): "renaming to \(name)…"
        case .deleteSearch: "deleting…"
        case .setFeed(_, let active): active ? "resuming…" : "pausing…"
        }
    }

    /// In the status line while it is on its way.
    var progress: String {
        switch self {
        case .renameSearch(let search, let name): "Renaming the saved search \(Format.quoted(search.name)) to \(Format.quoted(name))…"
        case .deleteSearch(let search, _): "Deleting the saved search \(Format.quoted(search.name))…"
        case .setFeed(let feed, let active): "\(active ? "Resuming" : "Pausing") the news feed \(Format.quoted(feed.name))…"
        }
    }

    /// What it does, after "Couldn't ".
    var task: String {
        switch self {
        case .renameSearch(let search, let name): "rename the saved search \(Format.quoted(search.name)) to \(Format.quoted(name))"
        case .deleteSearch(let search, _): "delete the saved search \(Format.quoted(search.name))"
        case .setFeed(let feed, let active): "\(active ? "resume" : "pause") the news feed \(Format.quoted(feed.name))"
        }
    }

    /// What the change is called in the undo stack ("renaming the saved search 'A' to 'B'").
    var done: String {
        switch self {
        case .renameSearch(let search, let name): "renaming the saved search \(Format.quoted(search.name)) to \(Format.quoted(name))"
        case .deleteSearch(let search, _): "deleting the saved search \(Format.quoted(search.name))"
        case .setFeed(let feed, let active): "\(active ? "resuming" : "pausing") the news feed \(Format.quoted(feed.name))"
        }
    }

    /// The tab whose records the change touches, re-read after a failure.
    var tab: WorkspaceTab {
        switch self {
        case .renameSearch, .deleteSearch: .searches
        case .setFeed: .feeds
        }
    }

    /// Why it failed, and what to do about it.
    func reason(_ failure: WriteFailure) -> String {
        let (name, records): (String, String) = switch self {
        case .renameSearch(let search, _), .deleteSearch(let search, _): (Format.quoted(search.name), "saved searches")
        case .setFeed(let feed, _): (Format.quoted(feed.name), "news feeds")
        }
        guard let error = failure.sparkError else {
            if case .workspace(let error) = failure { return error.userMessage }
            return "it was not sent."
        }
        if error.isNotAvailableForKeyOrMLS { return NewsFeedAccess.message(for: error) }
        switch (error.httpStatus, error.sparkCode) {
        case (404, _):
            return "\(name) is not there any more: another member may have deleted it. The \(records) were re-read."
        case (405, _):
            return "\(name) was provided by your agent, and the server refused the change."
        case (409, _), (_, 1055?):
            return "a saved search with that name already exists in this workspace. Choose another name."
        case (_, 1050?):
            return "the name is blank. Type a name."
        default:
            if error.mayHaveBeenApplied {
                return WriteWords.uncertain(error, reread: records)
            }
            return error.userMessage
        }
    }
}

/// What became of a `SearchFeedWrite` that went through: the record the answer carried, when it carried one.
public enum SearchFeedOutcome: Hashable, Sendable {
    case searchRenamed(SavedSearch?)
    case searchDeleted
    case feedSet(NewsFeed?)
}

extension EffectRunner {
    /// Sends one change to a search or a feed; what it throws becomes `WriteOutcome.failed` in the caller. PUT and
    /// DELETE are re-sent by the client after a failure that may have applied them (they cannot apply twice).
    static func perform(_ write: SearchFeedWrite, with client: SparkClient) async throws -> WriteOutcome {
        switch write {
        case .renameSearch(let search, let name):
            return .searchOrFeed(.searchRenamed(try await client.renameSavedSearch(id: search.id, to: name)))
        case .deleteSearch(let search, _):
            try await client.deleteSavedSearch(id: search.id)
            return .searchOrFeed(.searchDeleted)
        case .setFeed(let feed, let active):
            return .searchOrFeed(.feedSet(try await client.setNewsFeed(id: feed.id, active: active)))
        }
    }
}
