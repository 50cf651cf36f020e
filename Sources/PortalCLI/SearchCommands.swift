import Foundation
import PortalApp
import SparkAPI
import TerminalUI

// `searches`, `listings --search <search>`, `search rename|delete`, `feeds` and `feed pause|resume`: the saved
// searches and news feeds of the current workspace. `<search>` and `<feed>` follow `<cart>`'s rule (`Choice`); a key
// without the news-feed privilege is a state said in one line, exit 3 (`ExitStatus.notAvailable`), not a failure.
extension CommandContext {
    func searches(json: Bool) async throws {
        let searches = try await client.savedSearches()
        if json { return try printJSON(searches) }
        guard !searches.isEmpty else { return console.out("No saved searches.") }
        let anyProvided = searches.contains(where: \.isProvided)
        console.out(Output.table(
            [.init("NAME", maxWidth: 36), .init("FILTER", maxWidth: 56), .init("CHANGED"), .init("SEARCH ID")],
            rows: searches.map { [$0.name, $0.filter ?? Format.missing, $0.modificationTimestamp.map(Format.day) ?? Format.missing, $0.id] },
            markers: anyProvided ? searches.map { $0.isProvided ? "◆" : " " } : nil, color: color))
        if anyProvided { console.out("◆ = provided by your agent: read only") }
    }

    func listings(search text: String, json: Bool) async throws {
        let searches = try await client.savedSearches()
        let search: SavedSearch
        do {
            search = try Choice.search.resolve(text, among: searches)
        } catch where Choice.looksLikeAnId(text) {
            // Not among the workspace's searches: the server says whether this user may read it (2001 if not).
            search = SavedSearch(id: text, name: text)
        }
        try printListings(try await client.listings(matchingSearch: search.id, provided: search.isProvided), json: json,
                          none: "No listings match this search.")
    }

    func renameSearch(_ text: String, to newName: String, json: Bool) async throws {
        let newName = try Choice.search.checkedName(newName)
        let search = try Choice.search.resolve(text, among: try await client.savedSearches())
        try search.checkOwn("renamed")
        let answered = try await client.renameSavedSearch(id: search.id, to: newName)
        var renamed = search
        renamed.name = newName
        renamed = (try? await client.savedSearch(id: search.id)) ?? answered ?? renamed
        if json { return try printJSON(renamed) }
        say("Renamed the saved search \(search.name) to \(renamed.name).")
    }

    func deleteSearch(_ text: String, yes: Bool, json: Bool) async throws {
        try checkCanConfirm(yes: yes, deleting: "the saved search \(text)")
        let search = try Choice.search.resolve(text, among: try await client.savedSearches())
        try search.checkOwn("deleted")
        // The feeds that follow it go with it: named in the question and in what is said after (not read for --json --yes).
        let following = json && yes ? nil : try? await client.newsFeeds()
        if !yes {
            try await confirm("Delete the saved search \(search.name)\(Self.feedsPhrase(following, of: search, "follows"))"
                              + " from \(try await workspaceName())? [y/N] ")
        }
        try await client.deleteSavedSearch(id: search.id)
        if json { return try printJSON(search) }
        say("Deleted the saved search \(search.name)\(Self.feedsPhrase(following, of: search, "followed")).")
    }

    /// " and the news feed 'Lake towns' that follows it", " and the 2 news feeds 'A' and 'B' that followed it", or
    /// nothing when no feed follows the search (or this key cannot read feeds).
    private static func feedsPhrase(_ access: NewsFeedAccess?, of search: SavedSearch, _ verb: String) -> String {
        let following = (access?.feeds ?? []).filter { $0.subscription?.id == search.id }.map { Format.quoted($0.name) }
        return switch following.count {
        case 0: ""
        case 1: " and the news feed \(following[0]) that \(verb) it"
        default: " and the \(following.count) news feeds \(following.dropLast().joined(separator: ", ")) and \(following.last!)"
            + " that \(verb == "follows" ? "follow" : verb) it"
        }
    }

    func feeds(json: Bool) async throws {
        let feeds = try await availableFeeds()
        if json { return try printJSON(feeds) }
        guard !feeds.isEmpty else { return console.out("No news feeds.") }
        console.out(Output.table(
            [.init("NAME", maxWidth: 40), .init("STATE"), .init("FOLLOWS", maxWidth: 36), .init("LAST EVENT"), .init("EXPIRES"),
             .init("FEED ID")],
            rows: feeds.map { feed in
                [feed.name, feed.state, feed.subscription?.name ?? feed.type ?? Format.missing,
                 feed.lastEventTimestamp.map(Format.day) ?? "never", feed.expirationDate ?? Format.missing, feed.id]
            },
            color: color))
    }

    /// `feed pause` (`active` false) and `feed resume`: "Paused the news feed Lake towns (it follows Lake towns, 2+ baths)."
    func setFeed(_ text: String, active: Bool, json: Bool) async throws {
        let feed = try Choice.feed.resolve(text, among: try await availableFeeds())
        let verb = active ? "Resumed" : "Paused"
        if feed.isPaused != active {
            if json { return try printJSON(feed) }
            return say("Nothing to do: the news feed \(feed.name) is already \(feed.state).")
        }
        let answered: NewsFeed?
        do {
            answered = try await client.setNewsFeed(id: feed.id, active: active)
        } catch let error as SparkError where error.isNotAvailableForKeyOrMLS {
            throw CLIError(NewsFeedAccess.message(for: error), status: .notAvailable)
        }
        var changed = feed
        changed.active = active
        changed = (try? await client.newsFeed(id: feed.id)) ?? answered ?? changed
        if json { return try printJSON(changed) }
        say("\(verb) the news feed \(feed.name)" + (feed.subscription.map { " (it follows \($0.name))" } ?? "") + ".")
    }

    /// The workspace's news feeds; a key or MLS without access is one line and exit 3, nothing on stdout.
    private func availableFeeds() async throws -> [NewsFeed] {
        switch try await client.newsFeeds() {
        case .available(let feeds): return feeds
        case .unavailable(let error): throw CLIError(NewsFeedAccess.message(for: error), status: .notAvailable)
        }
    }
}

extension SavedSearch {
    /// A search the agent provided is theirs: spark-portal neither renames nor deletes it (nothing is sent).
    func checkOwn(_ action: String) throws(CLIError) {
        guard !isProvided else {
            throw CLIError("The saved search \(name) was provided by your agent: it cannot be \(action).", status: .api)
        }
    }
}

extension NewsFeed {
    /// "active" or "paused".
    var state: String { isPaused ? "paused" : "active" }
}
