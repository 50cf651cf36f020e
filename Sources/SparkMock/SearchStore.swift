import Foundation

/// A saved search of a workspace; `ownerID` is the account whose workspace holds it (a user, or a group's owner).
struct MockSearch: Sendable {
    var id: String
    var name: String
    var description: String?
    /// SparkQL the demo server can evaluate (`ListingFilter`).
    var filter: String
    var ownerID: String
    /// Provided by the agent: members read it (its listings with `RequestMode=permissive`) but cannot rename or
    /// delete it.
    var provided = false
    var tags: [String] = []
    var contactIDs: [String] = []
    var modified: Date

    /// The search as `GET /v1/savedsearches` prints it (the fields of fixture saved_searches/get.json, and those the
    /// documentation adds).
    var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("ResourceUri", .string("/v1/savedsearches/" + id)),
            ("Id", .string(id)),
            ("OwnerId", .string(ownerID)),
            ("Name", .string(name)),
        ]
        if let description { fields.append(("Description", .string(description))) }
        fields += [
            ("Filter", .string(filter)),
            ("ModificationTimestamp", .string(sparkTimestamp(modified))),
            ("Tags", .array(tags.map(JSONValue.string))),
            ("Provided", .bool(provided)),
            ("ContactIds", .array(contactIDs.map(JSONValue.string))),
        ]
        return .object(fields)
    }
}

/// A news feed of a workspace: it follows one of the owner's saved searches.
struct MockFeed: Sendable {
    var id: String
    var name: String
    var ownerID: String
    var searchID: String
    var active: Bool
    var notificationsActive = true
    var created: Date
    var modified: Date
    var lastEvent: Date?
    /// A day, `2027-03-01`.
    var expiration: String

    /// The feed as `GET /v1/newsfeeds` prints it (fixture newsfeeds/get.json), with the search it follows.
    func json(subscription search: MockSearch?) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("Id", .string(id)),
            ("ResourceUri", .string("/v1/newsfeeds/" + id)),
            ("Active", .bool(active)),
            ("NotificationsActive", .bool(notificationsActive)),
            ("Curated", .bool(false)),
            ("Name", .string(name)),
            ("Type", .string("SavedSearch")),
            ("NotificationMethods", .array([.string("Email")])),
            ("CreatedTimestamp", .string(sparkTimestamp(created))),
            ("ModificationTimestamp", .string(sparkTimestamp(modified))),
            ("LastEventTimestamp", lastEvent.map { .string(sparkTimestamp($0)) } ?? .string("")),
            ("ExpirationDate", .string(expiration)),
        ]
        if let search {
            fields.append(("Subscription", .object([
                ("ResourceUri", .string("/v1/savedsearches/" + search.id)),
                ("Id", .string(search.id)),
                ("OwnerId", .string(search.ownerID)),
                ("Name", .string(search.name)),
                ("Description", JSONValue.optionalString(search.description)),
                ("Filter", .string(search.filter)),
                ("ModificationTimestamp", .string(sparkTimestamp(search.modified))),
            ])))
        }
        return .object(fields)
    }
}

/// The saved searches and news feeds of every workspace as they change, and the rules of writing them, which are the
/// carts' (CartStore): a name is not blank and unique in the workspace (ignoring case and surrounding blanks); a
/// search or feed of another workspace is 404, as if absent; a search the agent provided cannot be renamed or deleted
/// (405); deleting a search deletes the feeds that follow it; `ModificationTimestamp` moves with every change, and
/// only then. A plain value: `DemoState` serializes access to it.
struct SearchStore: Sendable {
    private(set) var searches: OwnedRecords<MockSearch>
    private(set) var feeds: OwnedRecords<MockFeed>
    private var clock: ChangeClock

    init(world: DemoWorld, now: @escaping @Sendable () -> Date = Date.init) {
        searches = world.searches
        feeds = world.feeds
        clock = ChangeClock(now: now)
    }

    mutating func rename(_ searchID: String, to name: String, owner: String) -> Result<MockSearch, WriteRefusal> {
        guard var search = searches.record(searchID, owner: owner) else { return .failure(.notFound(.search, searchID)) }
        guard !search.provided else { return .failure(.notChangeable(.search, name: search.name, action: "renamed")) }
        guard !nameKey(name).isEmpty else { return .failure(.blankName) }
        let key = nameKey(name)
        guard !searches.owned(by: owner).contains(where: { $0.id != searchID && nameKey($0.name) == key }) else {
            return .failure(.nameTaken(.search, name))
        }
        if search.name != name {
            search.name = name
            search.modified = clock.stamp()
            searches.put(search)
        }
        return .success(search)
    }

    /// Deletes the search and the feeds that follow it (a feed without its search would follow nothing).
    mutating func delete(_ searchID: String, owner: String) -> Result<MockSearch, WriteRefusal> {
        guard let search = searches.record(searchID, owner: owner) else { return .failure(.notFound(.search, searchID)) }
        guard !search.provided else { return .failure(.notChangeable(.search, name: search.name, action: "deleted")) }
        searches.remove(searchID)
        for feed in feeds.owned(by: owner) where feed.searchID == searchID { feeds.remove(feed.id) }
        return .success(search)
    }

    /// Pauses (`active` false) or resumes a feed; setting the state it already has changes nothing.
    mutating func setFeed(_ feedID: String, active: Bool, owner: String) -> Result<MockFeed, WriteRefusal> {
        guard var feed = feeds.record(feedID, owner: owner) else { return .failure(.notFound(.feed, feedID)) }
        if feed.active != active {
            feed.active = active
            feed.modified = clock.stamp()
            feeds.put(feed)
        }
        return .success(feed)
    }
}
