import Foundation

// Saved searches and news feeds of the current workspace (DESIGN 2.1; research spark-api-write.md §3): read them,
// page through the listings a search matches, rename and delete a search, pause and resume a feed. The writes
// follow the carts' rules (Workspace.swift): PUT and DELETE are idempotent and may be re-sent; a DELETE answered
// 404 after a re-send counts as done.

extension Endpoints {
    /// `GET /v1/savedsearches`: the workspace's saved searches, paged.
    public static func savedSearches(page: Int, limit: Int) -> Request<Page<SavedSearch>> {
        Request(method: "GET", path: "/v1/savedsearches", query: paging(page, limit), decode: decodePage)
    }

    /// `GET /v1/savedsearches/<Id>`.
    public static func savedSearch(id: String) -> Request<Page<SavedSearch>> {
        Request(method: "GET", path: "/v1/savedsearches/\(pathSegment(id))", decode: decodePage)
    }

    /// `GET /v1/listings?_filter=SavedSearch Eq '<Id>'`, paged; with `RequestMode=permissive` for a search the agent
    /// provided (the Ruby gem's rule, research §3.1). An unavailable search answers 400, code 2001.
    public static func listings(matchingSearch id: String, provided: Bool, page: Int, limit: Int) -> Request<Page<Listing>> {
        var query = [(name: "_filter", value: "SavedSearch Eq \(sparkQLString(id))")] + paging(page, limit)
        if provided { query.append((name: "RequestMode", value: "permissive")) }
        return Request(method: "GET", path: "/v1/listings", query: query, decode: decodePage)
    }

    /// `PUT /v1/savedsearches/<Id>` with `{"D":{"Name":…}}`. Spark answers the search (fixture saved_searches/post.json)
    /// or a bare success.
    public static func renameSavedSearch(id: String, to name: String) -> Request<Page<SavedSearch>> {
        Request(method: "PUT", path: "/v1/savedsearches/\(pathSegment(id))", body: sparkBody(["Name": .string(name)]),
                decode: decodePage)
    }

    /// `DELETE /v1/savedsearches/<Id>`.
    public static func deleteSavedSearch(id: String) -> Request<Void> {
        Request(method: "DELETE", path: "/v1/savedsearches/\(pathSegment(id))", decode: decodeSuccess)
    }

    /// `GET /v1/newsfeeds`: the workspace's news feeds, paged (privileged keys only: others get 403, code 1500).
    public static func newsFeeds(page: Int, limit: Int) -> Request<Page<NewsFeed>> {
        Request(method: "GET", path: "/v1/newsfeeds", query: paging(page, limit), decode: decodePage)
    }

    /// `GET /v1/newsfeeds/<Id>`.
    public static func newsFeed(id: String) -> Request<Page<NewsFeed>> {
        Request(method: "GET", path: "/v1/newsfeeds/\(pathSegment(id))", decode: decodePage)
    }

    /// `PUT /v1/newsfeeds/<Id>` with `{"D":{"Active":…}}`: pause (false) or resume (true). Spark answers the feed
    /// (fixture newsfeeds/inactive.json).
    public static func setNewsFeed(id: String, active: Bool) -> Request<Page<NewsFeed>> {
        Request(method: "PUT", path: "/v1/newsfeeds/\(pathSegment(id))", body: sparkBody(["Active": .bool(active)]),
                decode: decodePage)
    }

    /// `GET /v1/newsfeeds/meta`: what a saved search needs before a feed can follow it.
    public static func newsFeedMeta() -> Request<Page<NewsFeedMeta>> {
        Request(method: "GET", path: "/v1/newsfeeds/meta", decode: decodePage)
    }
}

/// A SparkQL string literal: in single quotes, with `\` and `'` escaped, so an odd Id stays one value.
func sparkQLString(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
}

/// What `SparkClient.newsFeeds()` found: the workspace's feeds, or that this API key (403, code 1500) or this MLS
/// (code 1505) has no access to news feeds — a state to show, not a failure to retry.
public enum NewsFeedAccess: Sendable, Hashable {
    case available([NewsFeed])
    /// The server's refusal, which says whether the key or the MLS lacks access.
    case unavailable(SparkError)

    /// The feeds, when the key may read them.
    public var feeds: [NewsFeed]? {
        if case .available(let feeds) = self { feeds } else { nil }
    }

    /// The sentence for the unavailable state ("News feeds need a privileged API key ..."); nil when available.
    public var unavailableMessage: String? {
        if case .unavailable(let error) = self { Self.message(for: error) } else { nil }
    }

    /// What a refusal of a news-feed call means for the user: the feature is off for this key or MLS.
    public static func message(for error: SparkError) -> String {
        if error.sparkCode == SparkError.codeNotAvailableForMLS {
            return "News feeds are not available for your MLS."
        }
        return "News feeds need a privileged API key, and this key is not one. Ask your Spark key administrator."
    }
}

extension SparkClient {
    // MARK: Saved searches

    /// The workspace's saved searches, every page, in server order.
    public func savedSearches() async throws -> [SavedSearch] {
        try await allPages { Endpoints.savedSearches(page: $0, limit: $1) }
    }

    /// One saved search of the workspace.
    public func savedSearch(id: String) async throws -> SavedSearch {
        try await first(Endpoints.savedSearch(id: id))
    }

    /// One page of the listings a saved search matches (`_filter=SavedSearch Eq '<Id>'`), for a screen that pages
    /// in as it scrolls; `provided` (the search's `isProvided`) adds `RequestMode=permissive`. A search this user may
    /// not read any more (deleted, or the group changed) throws `SparkError.api` with code 2001
    /// (`SparkError.isSavedSearchUnavailable`).
    public func listingsPage(matchingSearch id: String, provided: Bool = false, page: Int, limit: Int) async throws -> Page<Listing> {
        try await send(Endpoints.listings(matchingSearch: id, provided: provided, page: page, limit: limit))
    }

    /// Every listing a saved search matches, every page, in server order.
    public func listings(matchingSearch id: String, provided: Bool = false) async throws -> [Listing] {
        try await allPages { Endpoints.listings(matchingSearch: id, provided: provided, page: $0, limit: $1) }
    }

    /// Renames a saved search (`PUT` of its `Name` only). Returns the search as the answer describes it, or nil when
    /// the answer carries none (read it back with `savedSearch(id:)`).
    @discardableResult
    public func renameSavedSearch(id: String, to name: String) async throws -> SavedSearch? {
        try await send(Endpoints.renameSavedSearch(id: id, to: name)).items.first
    }

    /// Deletes a saved search. As for carts, a 404 after a try that may have deleted it counts as deleted; a 404 at
    /// the first try means it was not there (another member deleted it).
    public func deleteSavedSearch(id: String) async throws {
        try await delete(Endpoints.deleteSavedSearch(id: id))
    }

    // MARK: News feeds

    /// The workspace's news feeds, every page, or `.unavailable` when this key or MLS has no access to them
    /// (1500/1505). Throws on any other failure.
    public func newsFeeds() async throws -> NewsFeedAccess {
        do {
            return .available(try await allPages { Endpoints.newsFeeds(page: $0, limit: $1) })
        } catch let error as SparkError where error.isNotAvailableForKeyOrMLS {
            return .unavailable(error)
        }
    }

    /// One news feed of the workspace.
    public func newsFeed(id: String) async throws -> NewsFeed {
        try await first(Endpoints.newsFeed(id: id))
    }

    /// Pauses (`active` false) or resumes a news feed. Returns the feed as the answer describes it, or nil when the
    /// answer carries none. A key without access throws the 1500 `SparkError` (`isNotAvailableForKeyOrMLS`).
    @discardableResult
    public func setNewsFeed(id: String, active: Bool) async throws -> NewsFeed? {
        try await send(Endpoints.setNewsFeed(id: id, active: active)).items.first
    }

    /// What a saved search needs before a news feed can follow it (privileged keys only, like the feeds).
    public func newsFeedMeta() async throws -> NewsFeedMeta {
        try await first(Endpoints.newsFeedMeta())
    }
}
