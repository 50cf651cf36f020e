import Foundation

// Saved searches and news feeds, the rest of a portal-group workspace (DESIGN 2.1; research spark-api-write.md §3).
// Both keep every field the server sent (`otherFields`), so `--json` prints the server's object whole; the typed
// fields are read leniently, as everywhere: booleans may come as "true"/"false", timestamps may be "" or
// "********", and one odd field never fails a record.

/// A saved search of the current workspace (the group owner's, shared with every member): a name and a SparkQL
/// `Filter`, whose listings `SparkClient.listingsPage(matchingSearch:provided:page:limit:)` reads.
public struct SavedSearch: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var resourceUri: String?
    /// The account whose workspace holds it (a group's owner).
    public var ownerId: String?
    public var name: String
    public var description: String?
    /// SparkQL (`City Eq 'Moorhead' And MlsStatus Eq 'Active'`); nil when the server sends none.
    public var filter: String?
    public var modificationTimestamp: Date?
    /// `Tags` (`Favorites`, `Recent`), when the server sends them.
    public var tags: [String]?
    /// The agent provided it to the contact (`Provided`): its listings are read with `RequestMode=permissive`, and
    /// spark-portal does not rename or delete it (DECISIONS.md).
    public var provided: Bool?
    public var contactIds: [String]?
    /// The feeds that follow this search, under `_expand=NewsFeeds`.
    public var newsFeeds: [NewsFeed]?
    /// `NewsFeedSubscriptionSummary.ActiveSubscription`, under `_expand=NewsFeedSubscriptionSummary`.
    public var hasActiveNewsFeed: Bool?
    /// Every other field the server sent, as sent (`QuickSearchId`, `Annotations`, ...).
    public var otherFields: [String: JSONValue]

    public init(
        id: String, resourceUri: String? = nil, ownerId: String? = nil, name: String, description: String? = nil,
        filter: String? = nil, modificationTimestamp: Date? = nil, tags: [String]? = nil, provided: Bool? = nil,
        contactIds: [String]? = nil, newsFeeds: [NewsFeed]? = nil, hasActiveNewsFeed: Bool? = nil,
        otherFields: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.resourceUri = resourceUri
        self.ownerId = ownerId
        self.name = name
        self.description = description
        self.filter = filter
        self.modificationTimestamp = modificationTimestamp
        self.tags = tags
        self.provided = provided
        self.contactIds = contactIds
        self.newsFeeds = newsFeeds
        self.hasActiveNewsFeed = hasActiveNewsFeed
        self.otherFields = otherFields
    }

    /// Whether the agent provided it (`Provided` true).
    public var isProvided: Bool { provided == true }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "Id", resourceUri = "ResourceUri", ownerId = "OwnerId", name = "Name", description = "Description"
        case filter = "Filter", modificationTimestamp = "ModificationTimestamp", tags = "Tags", provided = "Provided"
        case contactIds = "ContactIds", newsFeeds = "NewsFeeds", summary = "NewsFeedSubscriptionSummary"
    }

    enum SummaryKeys: String, CodingKey { case activeSubscription = "ActiveSubscription" }

    public init(from decoder: any Decoder) throws {
        let fields = try LenientFields(decoder, CodingKeys.self)
        id = try fields.id(.id, resourceUri: .resourceUri)
        resourceUri = fields.string(.resourceUri)
        ownerId = fields.string(.ownerId)
        name = fields.string(.name) ?? ""
        description = fields.string(.description)
        filter = fields.string(.filter)
        modificationTimestamp = fields.date(.modificationTimestamp)
        tags = fields.strings(.tags)
        provided = fields.bool(.provided)
        contactIds = fields.strings(.contactIds)
        newsFeeds = (try? fields.container.decodeIfPresent(LossyList<NewsFeed>.self, forKey: .newsFeeds))?.items
        if let summary = try? fields.container.nestedContainer(keyedBy: SummaryKeys.self, forKey: .summary) {
            hasActiveNewsFeed = LenientFields(container: summary).bool(.activeSubscription)
        }
        otherFields = try otherJSONFields(decoder, known: CodingKeys.allCases)
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeOtherFields(otherFields, to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(resourceUri, forKey: .resourceUri)
        try c.encodeIfPresent(ownerId, forKey: .ownerId)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(filter, forKey: .filter)
        try c.encodeIfPresent(modificationTimestamp.map(formatSparkDate), forKey: .modificationTimestamp)
        try c.encodeIfPresent(tags, forKey: .tags)
        try c.encodeIfPresent(provided, forKey: .provided)
        try c.encodeIfPresent(contactIds, forKey: .contactIds)
        try c.encodeIfPresent(newsFeeds, forKey: .newsFeeds)
        if let hasActiveNewsFeed {
            var summary = c.nestedContainer(keyedBy: SummaryKeys.self, forKey: .summary)
            try summary.encode(hasActiveNewsFeed, forKey: .activeSubscription)
        }
    }
}

/// A news feed of the current workspace: a subscription that notifies the members of events (new listings, price
/// changes, ...) on what it follows, usually a saved search (`Type` "SavedSearch", `Subscription` the search).
/// Paused when `active` is false (`SparkClient.setNewsFeed(id:active:)`). Only privileged API keys may read news
/// feeds (`NewsFeedAccess`).
public struct NewsFeed: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var resourceUri: String?
    public var name: String
    public var ownerId: String?
    /// False when the feed is paused (`Active`; the server may send "true"/"false").
    public var active: Bool?
    /// Whether it sends notifications (`NotificationsActive`).
    public var notificationsActive: Bool?
    /// Whether the agent curates its events before they go out (`Curated`).
    public var curated: Bool?
    /// What it follows: `SavedSearch`, ...
    public var type: String?
    /// How it notifies: `Email`, ...
    public var notificationMethods: [String]?
    public var createdTimestamp: Date?
    public var modificationTimestamp: Date?
    /// When it last had an event; nil when it never had one (the server may send "").
    public var lastEventTimestamp: Date?
    /// The day it expires, as the server writes it (`2014-10-10`).
    public var expirationDate: String?
    /// What the feed follows: for `Type` "SavedSearch", the saved search (`Id`, `Name`, `Filter`, ...).
    public var subscription: SavedSearch?
    /// Every other field the server sent, as sent (`ProspectLinkId`, ...).
    public var otherFields: [String: JSONValue]

    public init(
        id: String, resourceUri: String? = nil, name: String, ownerId: String? = nil, active: Bool? = nil,
        notificationsActive: Bool? = nil, curated: Bool? = nil, type: String? = nil, notificationMethods: [String]? = nil,
        createdTimestamp: Date? = nil, modificationTimestamp: Date? = nil, lastEventTimestamp: Date? = nil,
        expirationDate: String? = nil, subscription: SavedSearch? = nil, otherFields: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.resourceUri = resourceUri
        self.name = name
        self.ownerId = ownerId
        self.active = active
        self.notificationsActive = notificationsActive
        self.curated = curated
        self.type = type
        self.notificationMethods = notificationMethods
        self.createdTimestamp = createdTimestamp
        self.modificationTimestamp = modificationTimestamp
        self.lastEventTimestamp = lastEventTimestamp
        self.expirationDate = expirationDate
        self.subscription = subscription
        self.otherFields = otherFields
    }

    /// Paused: the server says `Active` is false. A feed whose `Active` is missing or unreadable counts as running.
    public var isPaused: Bool { active == false }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "Id", resourceUri = "ResourceUri", name = "Name", ownerId = "OwnerId", active = "Active"
        case notificationsActive = "NotificationsActive", curated = "Curated", type = "Type"
        case notificationMethods = "NotificationMethods", createdTimestamp = "CreatedTimestamp"
        case modificationTimestamp = "ModificationTimestamp", lastEventTimestamp = "LastEventTimestamp"
        case expirationDate = "ExpirationDate", subscription = "Subscription"
    }

    public init(from decoder: any Decoder) throws {
        let fields = try LenientFields(decoder, CodingKeys.self)
        id = try fields.id(.id, resourceUri: .resourceUri)
        resourceUri = fields.string(.resourceUri)
        name = fields.string(.name) ?? ""
        ownerId = fields.string(.ownerId)
        active = fields.bool(.active)
        notificationsActive = fields.bool(.notificationsActive)
        curated = fields.bool(.curated)
        type = fields.string(.type)
        notificationMethods = fields.strings(.notificationMethods)
        createdTimestamp = fields.date(.createdTimestamp)
        modificationTimestamp = fields.date(.modificationTimestamp)
        lastEventTimestamp = fields.date(.lastEventTimestamp)
        expirationDate = fields.string(.expirationDate)
        subscription = try? fields.container.decodeIfPresent(SavedSearch.self, forKey: .subscription)
        otherFields = try otherJSONFields(decoder, known: CodingKeys.allCases)
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeOtherFields(otherFields, to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(resourceUri, forKey: .resourceUri)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(ownerId, forKey: .ownerId)
        try c.encodeIfPresent(active, forKey: .active)
        try c.encodeIfPresent(notificationsActive, forKey: .notificationsActive)
        try c.encodeIfPresent(curated, forKey: .curated)
        try c.encodeIfPresent(type, forKey: .type)
        try c.encodeIfPresent(notificationMethods, forKey: .notificationMethods)
        try c.encodeIfPresent(createdTimestamp.map(formatSparkDate), forKey: .createdTimestamp)
        try c.encodeIfPresent(modificationTimestamp.map(formatSparkDate), forKey: .modificationTimestamp)
        try c.encodeIfPresent(lastEventTimestamp.map(formatSparkDate), forKey: .lastEventTimestamp)
        try c.encodeIfPresent(expirationDate, forKey: .expirationDate)
        try c.encodeIfPresent(subscription, forKey: .subscription)
    }
}

/// What a saved search needs before a news feed can follow it (`GET /v1/newsfeeds/meta`): at least
/// `minimumCoreFields` of the core fields in its filter, and the events a feed reports.
public struct NewsFeedMeta: Decodable, Sendable, Hashable {
    /// The events a feed reports (`New`, `PriceChange`, `Sold`, ...).
    public var events: [String]
    /// Core standard fields a filter may use, by field name, with their labels (`ListPrice` → "List Price").
    public var coreStandardFields: [String: String]
    /// Other core search fields (`Location`).
    public var coreSearchFields: [String]
    /// How many core fields a saved search's filter must use (3 in the documentation's sample).
    public var minimumCoreFields: Int?

    public init(events: [String], coreStandardFields: [String: String], coreSearchFields: [String], minimumCoreFields: Int?) {
        self.events = events
        self.coreStandardFields = coreStandardFields
        self.coreSearchFields = coreSearchFields
        self.minimumCoreFields = minimumCoreFields
    }

    enum Keys: String, CodingKey {
        case events = "Events", subscriptions = "Subscriptions", savedSearches = "SavedSearches"
        case coreStandardFields = "CoreStandardFields", coreSearchFields = "CoreSearchFields"
        case minimumCoreFields = "MinimumCoreFields", label = "Label"
    }

    public init(from decoder: any Decoder) throws {
        let top = try LenientFields(decoder, Keys.self)
        events = top.strings(.events) ?? []
        let searches = try? top.container.nestedContainer(keyedBy: Keys.self, forKey: .subscriptions)
            .nestedContainer(keyedBy: Keys.self, forKey: .savedSearches)
        let fields = searches.map { LenientFields(container: $0) }
        var core: [String: String] = [:]
        if case .object(let standard)? = fields?[.coreStandardFields] {
            for (name, description) in standard { core[name] = description["Label"]?.sparkString.value ?? name }
        }
        coreStandardFields = core
        coreSearchFields = fields?.strings(.coreSearchFields) ?? []
        minimumCoreFields = fields?.int(.minimumCoreFields)
    }
}

extension LenientFields {
    /// A list of texts; entries that are not text are left out, and anything but a list is nil.
    func strings(_ key: Key) -> [String]? {
        guard case .array(let values) = self[key] else { return nil }
        return values.compactMap { $0.sparkString.value }
    }
}

/// A coding key for any field name.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The fields of the record being decoded that `known` does not name, as sent.
func otherJSONFields<Key: CodingKey>(_ decoder: any Decoder, known: [Key]) throws -> [String: JSONValue] {
    let names = Set(known.map(\.stringValue))
    let container = try decoder.container(keyedBy: AnyKey.self)
    var other: [String: JSONValue] = [:]
    for key in container.allKeys where !names.contains(key.stringValue) {
        other[key.stringValue] = (try? container.decode(JSONValue.self, forKey: key)) ?? .null
    }
    return other
}

/// Writes fields kept as sent; the typed fields are written after them (and win on a clash).
func encodeOtherFields(_ fields: [String: JSONValue], to encoder: any Encoder) throws {
    guard !fields.isEmpty else { return }
    var container = encoder.container(keyedBy: AnyKey.self)
    for (name, value) in fields { try container.encode(value, forKey: AnyKey(stringValue: name)) }
}
