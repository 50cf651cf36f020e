import Foundation
import Testing

@testable import SparkAPI

/// What each file in ../shared/fixtures must turn into.
enum FixtureExpectation: Sendable, CustomStringConvertible {
    case carts([String])  // names, in order
    /// The answer to adding (or removing) listings: the cart with its new count, through the client's call.
    case cartAfterWrite(name: String, listingCount: Int, write: CartWrite)
    /// The answer to creating a cart: only a ResourceUri, from which the new Id is read.
    case createdCart(id: String)
    case listings(Int)
    /// One listing through `SparkClient.listing(id:)`, with the typed fields a details screen reads.
    case listing(ListingFacts)
    /// A request body the official client sends: ours for the same call must be the same JSON.
    case requestBody(SentBody)
    case account(name: String)
    case groups(Int)
    /// A Spark success envelope we do not model: its records decode as JSON values.
    case records(Int)
    case success
    case pagination(totalRows: Int, totalPages: Int)
    /// A Spark error envelope, served with this status, must become this error.
    case apiError(status: Int, code: Int?)
    case tokens(expiresIn: Int)
    case oauthError(String)
    /// Not a response at all: decoded as plain JSON, with the reason.
    case notAResponse(String)
    /// Saved searches, with what each must read.
    case savedSearches([SearchFacts])
    /// The answer to renaming a saved search (the Ruby gem's update spec answers fixture post.json), through the client.
    case searchAfterRename(SearchFacts)
    /// News feeds through `SparkClient.newsFeeds()`, with what each must read.
    case newsFeeds([FeedFacts])
    /// The answer to pausing a news feed (the Ruby gem's update spec answers fixture inactive.json), through the client.
    case feedAfterPause(FeedFacts)
    /// `GET /v1/newsfeeds/meta` through the client.
    case newsFeedMeta(events: Int, coreFields: Int, minimum: Int)

    enum CartWrite: Sendable { case add, remove }

    enum SentBody: Sendable {
        case addListings
        case createCart
        case renameCart
        case renameSavedSearch
    }

    struct SearchFacts: Sendable {
        var id: String
        var name: String
        var filter: String? = nil
        var provided: Bool? = nil
        var contactIds: [String]? = nil
        /// `NewsFeedSubscriptionSummary.ActiveSubscription`.
        var hasActiveNewsFeed: Bool? = nil
        /// The `_expand=NewsFeeds` feeds: name, Active (sent as the string "true"/"false").
        var newsFeeds: [(name: String, active: Bool)]? = nil
    }

    struct FeedFacts: Sendable {
        var active: Bool
    }

    struct ListingFacts: Sendable {
        var id: String
        var streetAddress: String
        var city: String
        var stateAndPostalCode: (String, String)
        var price: Double
        var beds: Int
        var baths: Double
        var area: Double
        var yearBuilt: Int
        var propertyType: String
        var status: SparkValue<String>
        var listOffice: SparkValue<String>
        var remarksStart: String
        var restrictedFields: Int
        var photos: Int
    }

    var description: String {
        switch self {
        case .carts: "carts"
        case .cartAfterWrite: "cart after a write"
        case .createdCart: "created cart"
        case .listing: "listing"
        case .requestBody: "request body"
        case .savedSearches: "saved searches"
        case .searchAfterRename: "saved search after a rename"
        case .newsFeeds: "news feeds"
        case .feedAfterPause: "news feed after a pause"
        case .newsFeedMeta: "news feed meta"
        case .listings: "listings"
        case .account: "account"
        case .groups: "groups"
        case .records: "records"
        case .success: "success"
        case .pagination: "pagination"
        case .apiError: "api error"
        case .tokens: "tokens"
        case .oauthError: "oauth error"
        case .notAResponse: "not a response"
        }
    }
}

/// The Ruby gem's saved-search fixtures share one search: "Search name here", for one contact.
private let rubySearch = FixtureExpectation.SearchFacts(
    id: "20100815220615294367000000", name: "Search name here", contactIds: ["20100815220615294367000000"])

let fixtureTable: [String: FixtureExpectation] = [
    "spark_api/spec/fixtures/listing_carts/listing_cart.json": .carts(["My Listing Cart", "My Other Listing Cart"]),
    "spark_api/spec/fixtures/listing_carts/listing_portal_cart.json": .carts(["My Listing Cart", "My Other Listing Cart"]),
    "spark_api/spec/fixtures/listing_carts/add_listing.json": .cartAfterWrite(name: "My Listing Cart", listingCount: 11, write: .add),
    "spark_api/spec/fixtures/listing_carts/add_listings.json": .cartAfterWrite(name: "My Listing Cart", listingCount: 12, write: .add),
    "spark_api/spec/fixtures/listing_carts/remove_listing.json": .cartAfterWrite(name: "My Listing Cart", listingCount: 9, write: .remove),
    // Only a ResourceUri: the id comes from it.
    "spark_api/spec/fixtures/listing_carts/post.json": .createdCart(id: "20100912153422758914000000"),
    "spark_api/spec/fixtures/listing_carts/add_listing_post.json": .requestBody(.addListings),
    "spark_api/spec/fixtures/listing_carts/add_listings_post.json": .requestBody(.addListings),
    "spark_api/spec/fixtures/listing_carts/new.json": .requestBody(.createCart),
    "spark_api/spec/fixtures/listing_carts/put_name.json": .requestBody(.renameCart),
    "spark_api/spec/fixtures/listing_carts/put.json": .notAResponse(
        "a PUT of ListingIds, which replaces a cart's listings: spark-portal never sends one (DESIGN 2.1)"),
    "spark_api/spec/fixtures/listing_carts/put_ids.json": .notAResponse(
        "a PUT of ListingIds, which replaces a cart's listings: spark-portal never sends one (DESIGN 2.1)"),
    "spark_api/spec/fixtures/generic_delete.json": .success,
    "spark_api/spec/fixtures/no_results.json": .carts([]),
    "spark_api/spec/fixtures/errors/failure_with_constraint.json": .apiError(status: 400, code: 1053),
    "spark_api/spec/fixtures/listings/multiple.json": .listings(2),
    "spark_api/spec/fixtures/listings/with_photos.json": .listing(ruby(photos: 5)),
    "spark_api/spec/fixtures/listings/with_permissions.json": .listing(ruby(photos: 0)),
    "SparkJava/src/test/fixtures/listing_with_photos.json": .listing(ruby(photos: 5)),
    "SparkJava/src/test/fixtures/spark_listing.json": .listing(FixtureExpectation.ListingFacts(
        id: "20130218222800400975000000", streetAddress: "2036 Albee Street", city: "Eureka", stateAndPostalCode: ("CA", "95501"),
        price: 179_000, beds: 5, baths: 1, area: 1933, yearBuilt: 1900, propertyType: "A", status: .value("Active"),
        listOffice: .restricted, remarksStart: "Big, clean, comfortable, Victorian farmhouse", restrictedFields: 81, photos: 0)),
    "spark_api/spec/fixtures/saved_searches/get_provided.json": .savedSearches([
        rubySearch.with { $0.filter = "City Eq 'Moorhead' And MlsStatus Eq 'Active' And PropertyType Eq 'A'"; $0.provided = true },
        FixtureExpectation.SearchFacts(id: "20100615220615292711000000", name: "Second search name here"),
    ]),
    "spark_api/spec/fixtures/saved_searches/post.json": .searchAfterRename(
        FixtureExpectation.SearchFacts(id: "20100815220615294367000000", name: "A new search name here")),
    "spark_api/spec/fixtures/saved_searches/with_newsfeed.json": .savedSearches([rubySearch.with {
        $0.hasActiveNewsFeed = true
        $0.newsFeeds = [("My Very Special Newsfeed", true)]
    }]),
    "spark_api/spec/fixtures/saved_searches/with_inactive_newsfeed.json": .savedSearches([rubySearch.with {
        $0.hasActiveNewsFeed = false
        $0.newsFeeds = [("My Very Special Newsfeed", false)]
    }]),
    "spark_api/spec/fixtures/saved_searches/without_newsfeed.json": .savedSearches([rubySearch.with {
        $0.hasActiveNewsFeed = false
        $0.newsFeeds = []
    }]),
    "spark_api/spec/fixtures/saved_searches/new.json": .notAResponse(
        "the body the Ruby gem posts to create a saved search: spark-portal does not create searches"),
    "spark_api/spec/fixtures/saved_searches/update.json": .requestBody(.renameSavedSearch),
    "spark_api/spec/fixtures/newsfeeds/get.json": .newsFeeds([FixtureExpectation.FeedFacts(active: true)]),
    "spark_api/spec/fixtures/newsfeeds/inactive.json": .feedAfterPause(FixtureExpectation.FeedFacts(active: false)),
    "spark_api/spec/fixtures/newsfeeds/meta.json": .newsFeedMeta(events: 11, coreFields: 10, minimum: 3),
    "spark_api/spec/fixtures/portal/my.json": .records(1),
    "spark_api/spec/fixtures/portal/my_non_existant.json": .groups(0),
    "spark_api/spec/fixtures/contacts/my.json": .records(1),
    "spark_api/spec/fixtures/contacts/vow_accounts/get.json": .records(1),
    "spark_api/spec/fixtures/accounts/my.json": .account(name: "Sample User"),
    "spark_api/spec/fixtures/accounts/my_portal.json": .account(name: "Portal User"),
    "spark_api/spec/fixtures/saved_searches/get.json": .savedSearches([
        rubySearch.with { $0.filter = "City Eq 'Moorhead' And MlsStatus Eq 'Active' And PropertyType Eq 'A'"; $0.provided = false },
        FixtureExpectation.SearchFacts(id: "20100615220615292711000000", name: "Second search name here"),
    ]),
    "spark_api/spec/fixtures/errors/expired.json": .apiError(status: 401, code: 1020),
    "spark_api/spec/fixtures/errors/failure.json": .apiError(status: 500, code: nil),
    "spark_api/spec/fixtures/errors/failure_with_msg.json": .apiError(status: 400, code: 1055),
    "spark_api/spec/fixtures/authentication_failure.json": .apiError(status: 401, code: 1000),
    "spark_api/spec/fixtures/oauth2/access_with_refresh.json": .tokens(expiresIn: 86384),
    "spark_api/spec/fixtures/oauth2/error.json": .oauthError("invalid_request"),
    "spark_api/spec/fixtures/session.json": .records(1),
    "spark_api/spec/fixtures/success.json": .success,
    "spark_api/spec/fixtures/count.json": .pagination(totalRows: 2001, totalPages: 81),
    "SparkJava/src/test/fixtures/failure_sessionRenew.json": .apiError(status: 401, code: 1020),
    "SparkJava/src/test/fixtures/spark_OAuthSuccess.json": .tokens(expiresIn: 86400),
    "SparkJava/src/test/fixtures/spark_OAuthFailure.json": .oauthError("errorCode"),
    "SparkJava/src/test/fixtures/systeminfo.json": .account(name: "Sample User"),
    "spark-platform/authentication/spark-platform-openid-configuration.json":
        .notAResponse("the OpenID discovery document, not a Spark API answer"),
]

/// The Ruby gem's listing fixtures: one listing of Bonners Ferry, numbers as strings.
private func ruby(photos: Int) -> FixtureExpectation.ListingFacts {
    FixtureExpectation.ListingFacts(
        id: "20060725224713296297000000", streetAddress: "7298 BIRCH", city: "Bonners Ferry", stateAndPostalCode: ("ID", "83805"),
        price: 50_000, beds: 3, baths: 1, area: 924, yearBuilt: 1977, propertyType: "A", status: .absent,
        listOffice: .value("Century 21 On The Lake"), remarksStart: "Afforadable home in town", restrictedFields: 0, photos: photos)
}

extension FixtureExpectation.SearchFacts {
    func with(_ change: (inout Self) -> Void) -> Self {
        var copy = self
        change(&copy)
        return copy
    }
}

private func expectSearch(_ search: SavedSearch, _ facts: FixtureExpectation.SearchFacts) {
    #expect(search.id == facts.id && search.name == facts.name)
    #expect(search.resourceUri == "/v1/savedsearches/\(facts.id)")
    #expect(search.filter == facts.filter && search.provided == facts.provided && search.contactIds == facts.contactIds)
    #expect(search.hasActiveNewsFeed == facts.hasActiveNewsFeed)
    #expect(search.newsFeeds?.map(\.name) == facts.newsFeeds?.map(\.name))
    #expect(search.newsFeeds?.map(\.active) == facts.newsFeeds?.map { $0.active })
    if let feed = search.newsFeeds?.first {
        // Inside the expansion booleans are strings and an event-less feed's timestamp is "".
        #expect(feed.id == "20141203082619076323088319" && feed.curated == false && feed.type == "SavedSearch")
        #expect(feed.ownerId == "20000426143505724628000000" && feed.notificationMethods == ["Email"])
        #expect(feed.lastEventTimestamp == nil && feed.expirationDate == "2015-03-03")
        #expect(feed.createdTimestamp == Date(timeIntervalSince1970: 1_417_595_179))  // 2014-12-03T08:26:19Z
        #expect(feed.otherFields == ["ProspectLinkId": ""])
    }
}

/// The Ruby gem's news feed fixtures: one feed following "Search name here".
private func expectRubyFeed(_ feed: NewsFeed, _ facts: FixtureExpectation.FeedFacts) {
    #expect(feed.id == "20130625195235039712000000" && feed.name == "My Newsfeed Subscription")
    #expect(feed.active == facts.active && feed.isPaused == !facts.active)
    #expect(feed.notificationsActive == true && feed.curated == false && feed.type == "SavedSearch")
    #expect(feed.notificationMethods == ["Email"] && feed.expirationDate == "2014-10-10")
    #expect(feed.lastEventTimestamp == Date(timeIntervalSince1970: 1_373_217_126))  // 2013-07-07T12:12:06-05:00
    #expect(feed.createdTimestamp == Date(timeIntervalSince1970: 1_372_345_266))  // 2013-06-27T10:01:06-05:00
    let search = feed.subscription
    #expect(search?.id == "20100815220615294367000000" && search?.name == "Search name here")
    #expect(search?.ownerId == "20090815223215294334000000" && search?.description == "A longer description of the search")
    #expect(search?.filter == nil && search?.modificationTimestamp == Date(timeIntervalSince1970: 1_300_109_978))
    #expect(feed.otherFields.isEmpty)
}

@Suite("Decoding the shared fixtures and the seed", .enabled(if: Shared.isPresent, Shared.skipNote))
struct SharedFixtureTests {
    @Test func everyFixtureFileIsInTheTable() {
        let files = Shared.fixtureFiles()
        #expect(!files.isEmpty)
        #expect(Set(files) == Set(fixtureTable.keys), "a fixture was added or removed: update fixtureTable")
    }

    @Test(arguments: fixtureTable.keys.sorted())
    func fixtureDecodes(_ file: String) async throws {
        let data = try Shared.fixture(file)
        let response: @Sendable (Int) -> TransportResponse = { TransportResponse(status: $0, body: data) }
        switch fixtureTable[file]! {
        case .carts(let names):
            let page: Page<ListingCart> = try decodePage(data)
            #expect(page.items.map(\.name) == names)
            #expect(page.items.allSatisfy { !$0.id.isEmpty && $0.id.allSatisfy(\.isNumber) })
            #expect(page.items.allSatisfy { $0.portalCartType == nil })
        case .cartAfterWrite(let name, let count, let write):
            let requests = Recorder<TransportRequest>()
            let client = try makeClient { requests.append($0); return response(200) }
            let cart = switch write {
            case .add: try await client.addListing("L1", toCart: "20100912153422758914000000")
            case .remove: try await client.removeListing("L1", fromCart: "20100912153422758914000000")
            }
            #expect(cart.name == name && cart.listingCount == count && cart.id == "20100912153422758914000000")
            #expect(requests.count == 1)
        case .createdCart(let id):
            #expect(try Endpoints.createCart(name: "My Cart's Name").decode(data) == id)
        case .listing(let facts):
            let client = try makeClient { _ in response(200) }
            let listing = try await client.listing(id: facts.id)
            #expect(listing.id == facts.id)
            #expect(listing.streetAddress == .value(facts.streetAddress))
            #expect(listing.city == .value(facts.city))
            #expect(listing.stateOrProvince == .value(facts.stateAndPostalCode.0))
            #expect(listing.postalCode == .value(facts.stateAndPostalCode.1))
            #expect(listing.listPrice == .value(facts.price))
            #expect(listing.bedsTotal == .value(facts.beds))
            #expect(listing.bathsTotal == .value(facts.baths))
            #expect(listing.buildingAreaTotal == .value(facts.area))
            #expect(listing.yearBuilt == .value(facts.yearBuilt))
            #expect(listing.propertyType == .value(facts.propertyType))
            #expect(listing.status == facts.status)
            #expect(listing.listOfficeName == facts.listOffice)
            #expect(listing.publicRemarks.value?.hasPrefix(facts.remarksStart) == true)
            #expect(listing.standardFields.values.filter { $0 == .string("********") }.count == facts.restrictedFields)
            // Photos stay in StandardFields for the photo work (and --json) to read.
            if case .array(let photos) = listing.field("Photos") {
                #expect(photos.count == facts.photos)
            } else {
                #expect(facts.photos == 0)
            }
        case .savedSearches(let expected):
            let client = try makeClient { _ in response(200) }
            let searches = try await client.savedSearches()
            #expect(searches.count == expected.count)
            for (search, facts) in zip(searches, expected) { expectSearch(search, facts) }
        case .searchAfterRename(let facts):
            let client = try makeClient { _ in response(200) }
            expectSearch(try #require(try await client.renameSavedSearch(id: facts.id, to: facts.name)), facts)
        case .newsFeeds(let expected):
            let client = try makeClient { _ in response(200) }
            let feeds = try #require(try await client.newsFeeds().feeds)
            #expect(feeds.count == expected.count)
            for (feed, facts) in zip(feeds, expected) { expectRubyFeed(feed, facts) }
        case .feedAfterPause(let facts):
            let requests = Recorder<TransportRequest>()
            let client = try makeClient { requests.append($0); return response(200) }
            expectRubyFeed(try #require(try await client.setNewsFeed(id: "20130625195235039712000000", active: false)), facts)
            #expect(requests.values.map(\.method) == ["PUT"])
        case .newsFeedMeta(let events, let coreFields, let minimum):
            let client = try makeClient { _ in response(200) }
            let meta = try await client.newsFeedMeta()
            #expect(meta.events.count == events && meta.events.first == "New" && meta.events.last == "Seeded")
            #expect(meta.coreStandardFields.count == coreFields)
            #expect(meta.coreStandardFields["ListPrice"] == "List Price" && meta.coreStandardFields["MLSAreaMinor"] == "Map Area")
            #expect(meta.coreSearchFields == ["Location"] && meta.minimumCoreFields == minimum)
        case .requestBody(let call):
            let sent = try JSONDecoder().decode(JSONValue.self, from: data)
            let cart = sent["D"]?["ListingCarts"].flatMap { if case .array(let carts) = $0 { carts.first } else { nil } }
            let ids: [String] = {
                guard case .array(let ids)? = (cart ?? sent["D"])?["ListingIds"] else { return [] }
                return ids.compactMap(\.text)
            }()
            let request = switch call {
            case .addListings: Endpoints.addListings(ids, toCart: "C").body
            case .createCart: Endpoints.createCart(name: cart?["Name"]?.text ?? "", listingIds: ids).body
            case .renameCart: Endpoints.renameCart(id: "C", to: sent["D"]?["Name"]?.text ?? "").body
            case .renameSavedSearch: Endpoints.renameSavedSearch(id: "S", to: sent["D"]?["Name"]?.text ?? "").body
            }
            #expect(try JSONDecoder().decode(JSONValue.self, from: try #require(request)) == sent)
        case .listings(let count):
            let page: Page<Listing> = try decodePage(data)
            #expect(page.items.count == count)
            let first = try #require(page.items.first)
            #expect(first.id == "20060725224713296297000000")
            #expect(first.listPrice == .value(50000))  // "50000.0" as a string
            #expect(first.bathsTotal == .value(1))
            #expect(first.bedsTotal == .value(3))
            #expect(first.city == .value("Bonners Ferry"))
            #expect(first.address == .value("7298 BIRCH"))
            #expect(first.listingNumber == .value("06-9395"))
            #expect(first.status == .absent)
            #expect(first.standardFields.count == 25)
        case .account(let name):
            let client = try makeClient { _ in response(200) }
            let account = try await client.myAccount()
            #expect(account.name == name)
            #expect(account.id.count == 26)
        case .groups(let count):
            let page: Page<PortalGroup> = try decodePage(data)
            #expect(page.items.count == count)
        case .records(let count):
            let page: Page<JSONValue> = try decodePage(data)
            #expect(page.items.count == count)
            #expect(page.items.allSatisfy { $0["ResourceUri"] != nil || $0["AuthToken"] != nil })
        case .success:
            let client = try makeClient { _ in response(200) }
            try await client.chooseGroup(id: "1")
            try await client.renameCart(id: "C", to: "New name")
            try await client.deleteCart(id: "C")
        case .pagination(let rows, let pages):
            let page: Page<PortalGroup> = try decodePage(data)
            #expect(page.items.isEmpty)
            #expect(page.pagination == Pagination(totalRows: rows, pageSize: 25, totalPages: pages, currentPage: 1))
        case .apiError(let status, let code):
            let client = try makeClient { _ in response(status) }
            let error = await #expect(throws: SparkError.self) { try await client.groups() }
            guard case .api(status, code, _, _)? = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
            if code == 1020 || code == 1000 { #expect(error?.needsLogin == true) }
        case .tokens(let expiresIn):
            let client = try makeClient { _ in response(200) }
            let tokens = try await client.grantToken(
                .authorizationCode("code"), clientID: "id", clientSecret: "secret", redirectURI: "https://x.test/cb")
            #expect(tokens.expiresIn == expiresIn)
            #expect(!tokens.accessToken.isEmpty)
            #expect(tokens.refreshToken != nil)
        case .oauthError(let code):
            let client = try makeClient { _ in response(400) }
            let error = await #expect(throws: SparkError.self) {
                try await client.grantToken(
                    .refreshToken("r"), clientID: "id", clientSecret: "secret", redirectURI: "https://x.test/cb")
            }
            guard case .oauth(code, _, 400)? = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
        case .notAResponse:
            let value = try JSONDecoder().decode(JSONValue.self, from: data)
            guard case .object = value else {
                Issue.record("not a JSON object")
                return
            }
        }
    }

    /// The walkthrough's four answers: no current group, one group of three, PUT ok, five carts.
    @Test func seedBlocksDecode() throws {
        let blocks = try Shared.seedBlocks().map { Data($0.utf8) }
        try #require(blocks.count == 4)

        let current: Page<PortalGroup> = try decodePage(blocks[0])
        #expect(current.items.isEmpty)

        let groups: Page<PortalGroup> = try decodePage(blocks[1])
        let group = try #require(groups.items.first)
        #expect(groups.items.count == 1)
        #expect(group.id == "20130919194721820379000000")
        #expect(group.users.map(\.name) == ["Ozzy Owner", "Johnny Consumer", "Betty Buyer"])
        #expect(group.owner?.name == "Ozzy Owner")
        #expect(group.ownerName == "Ozzy Owner")
        let betty = group.users[2]
        #expect(betty.active == true && betty.enabled == true && betty.userType == "Contact")
        #expect(betty.lastLogin == Date(timeIntervalSince1970: 1_402_045_616))  // 2014-06-06T09:06:56Z
        #expect(group.users[0].lastLogin == nil && group.users[0].office == nil)

        try decodeSuccess(blocks[2])

        let carts: Page<ListingCart> = try decodePage(blocks[3])
        #expect(carts.items.map(\.portalCartType) == [.favorites, .possibilities, .recommended, .rejects, .removed])
        #expect(carts.items.map(\.listingCount) == [2, 3, 0, 1, 0])
        #expect(carts.items[0].id == "20110706204418816410000000")
    }

    /// The whole walkthrough through the client: current, groups, PUT, carts.
    @Test func seedWalkthroughThroughTheClient() async throws {
        let blocks = try Shared.seedBlocks()
        let requests = Recorder<TransportRequest>()
        let client = try makeClient { request in
            requests.append(request)
            let body = switch (request.method, request.url.path) {
            case ("GET", "/v1/portal/groups/current"): blocks[0]
            case ("GET", "/v1/portal/groups"): blocks[1]
            case ("PUT", "/v1/portal/groups/current"): blocks[2]
            case ("GET", "/v1/listingcarts"): blocks[3]
            default: #"{"D":{"Success":false,"Code":404,"Message":"no route"}}"#
            }
            return TransportResponse(json: body)
        }
        #expect(try await client.currentGroup() == nil)
        let groups = try await client.groups()
        #expect(groups.map(\.ownerName) == ["Ozzy Owner"])
        try await client.chooseGroup(id: groups[0].id)
        let carts = try await client.listingCarts()
        #expect(carts.map(\.name) == ["Favorites", "Possibilities", "Recommended", "Rejects", "Removed"])
        let put = try #require(requests.values.first { $0.method == "PUT" })
        #expect(String(decoding: put.body ?? Data(), as: UTF8.self) == #"{"D":{"Id":"20130919194721820379000000"}}"#)
    }
}

@Suite("Lenient decoding")
struct LenientDecodingTests {
    @Test func restrictedAndOddValuesNeverFailARecord() throws {
        let json = #"""
        {"D":{"Success":true,"Results":[
          {"Id":"L1","StandardFields":{"ListPrice":"********","BedsTotal":"4","BathsTotal":2.5,"City":"********",
            "UnparsedAddress":"1 Main St","MlsStatus":"Active","ListingId":12345}},
          {"Id":"L2","StandardFields":{"ListPrice":"garbage","BedsTotal":2.5,"BathsTotal":null,
            "StreetNumber":"9","StreetDirPrefix":"N","StreetName":"Oak","StreetSuffix":"Ave","StandardStatus":"Closed"}},
          {"ResourceUri":"/v1/listings/L3","StandardFields":{"StreetName":"********"}},
          {"Id":"L4"}
        ]}}
        """#
        let listings: [Listing] = try decodePage(Data(json.utf8)).items
        #expect(listings.map(\.id) == ["L1", "L2", "L3", "L4"])
        #expect(listings[0].listPrice == .restricted)
        #expect(listings[0].bedsTotal == .value(4))
        #expect(listings[0].bathsTotal == .value(2.5))
        #expect(listings[0].city == .restricted)
        #expect(listings[0].address == .value("1 Main St"))
        #expect(listings[0].status == .value("Active"))
        #expect(listings[0].listingNumber == .value("12345"))
        #expect(listings[1].listPrice == .absent)
        #expect(listings[1].bedsTotal == .absent)
        #expect(listings[1].bathsTotal == .absent)
        #expect(listings[1].address == .value("9 N Oak Ave"))
        #expect(listings[1].status == .value("Closed"))
        #expect(listings[2].address == .restricted)
        #expect(listings[3].address == .absent && listings[3].standardFields.isEmpty)
    }

    @Test func usersToleratesMissingNullRestrictedAndUnknownFields() throws {
        let json = #"""
        {"D":{"Success":true,"Results":[{"Id":"G1","ContactId":"U2","Extra":{"x":[1,2]},"Users":[
          {"Id":"U1","Name":"Ann","UserType":"Contact","LastLogin":"********","Enabled":"true","Active":null},
          {"Id":"U2","Name":"Owen","UserType":"Member","LastLogin":"2011-11-18T16:35:43","Unknown":1},
          {"Name":"no id at all"},
          {"Id":3,"Name":"Numeric Id","LastLogin":"2014-06-06T09:06:56.250Z"}
        ]},{"Id":"G2","ContactId":"X"},{"Id":"G3","Users":null}]}}
        """#
        let groups: [PortalGroup] = try decodePage(Data(json.utf8)).items
        #expect(groups.map(\.id) == ["G1", "G2", "G3"])
        let users = groups[0].users
        #expect(users.map(\.id) == ["U1", "U2", "3"])  // the entry with no id is dropped, not the group
        #expect(users[0].lastLogin == nil && users[0].enabled == true && users[0].active == nil)
        #expect(users[1].lastLogin == Date(timeIntervalSince1970: 1_321_634_143))  // no zone: UTC
        #expect(users[2].lastLogin == Date(timeIntervalSince1970: 1_402_045_616.25))
        #expect(users[1].resourceUri == nil)
        #expect(groups[0].ownerName == "Owen")
        #expect(groups[1].users.isEmpty && groups[1].owner == nil)
        #expect(groups[1].ownerName == "Group G2")
        #expect(groups[2].users.isEmpty)
    }

    @Test func cartTypesAndCounts() throws {
        let json = #"""
        {"D":{"Success":true,"Results":[
          {"Id":"C1","Name":"Mine","ListingCount":"7","PortalCartType":"Custom"},
          {"Id":"C2","Name":"Agent cart","ListingCount":"********"},
          {"Id":"C3","Name":"New kind","ListingCount":1,"PortalCartType":"Shared"}]}}
        """#
        let carts: [ListingCart] = try decodePage(Data(json.utf8)).items
        #expect(carts.map(\.listingCount) == [7, nil, 1])
        #expect(carts.map(\.portalCartType) == [.custom, nil, .other("Shared")])
        #expect(carts[2].portalCartType?.rawValue == "Shared")
    }

    @Test func aListOfNothingReadableIsMalformed() async throws {
        let client = try makeClient { _ in TransportResponse(json: #"{"D":{"Success":true,"Results":[1,"x"]}}"#) }
        let error = await #expect(throws: SparkError.self) { try await client.groups() }
        guard case .malformedBody(200, _, let context)? = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        #expect(context.path == "/v1/portal/groups?_limit=25&_pagination=1")
    }

    @Test func modelsEncodeWithSparkFieldNames() throws {
        let group = PortalGroup(
            id: "G", resourceUri: "/v1/portal/groups/G", contactId: "U",
            users: [PortalUser(id: "U", name: "Ozzy", userType: "Contact", lastLogin: Date(timeIntervalSince1970: 1_402_045_616))])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(group), as: UTF8.self)
        #expect(json == #"{"ContactId":"U","Id":"G","ResourceUri":"/v1/portal/groups/G","Users":[{"Active":null,"Company":null,"CompanyId":null,"Enabled":null,"Id":"U","LastLogin":"2014-06-06T09:06:56Z","Name":"Ozzy","Office":null,"OfficeId":null,"ResourceUri":null,"UserType":"Contact"}]}"#)
        #expect(try JSONDecoder().decode(PortalGroup.self, from: encoder.encode(group)) == group)

        let cart = ListingCart(id: "C", name: "Favorites", listingCount: 2, portalCartType: .favorites)
        #expect(String(decoding: try encoder.encode(cart), as: UTF8.self)
            == #"{"Id":"C","ListingCount":2,"Name":"Favorites","PortalCartType":"Favorites","ResourceUri":null}"#)

        let listing = Listing(id: "L", standardFields: ["ListPrice": 50000, "City": "Fargo", "Baths": 1.5, "X": nil])
        #expect(String(decoding: try encoder.encode(listing), as: UTF8.self)
            == #"{"Id":"L","ResourceUri":null,"StandardFields":{"Baths":1.5,"City":"Fargo","ListPrice":50000,"X":null}}"#)
    }
}

@Suite("Spark timestamps")
struct SparkDateTests {
    /// 2014-06-06 09:06:56 UTC.
    static let instant = Date(timeIntervalSince1970: 1_402_045_616)

    @Test(arguments: [
        ("2014-06-06T09:06:56", 0.0),           // no zone: UTC
        ("2014-06-06T09:06:56Z", 0.0),
        ("  2014-06-06T09:06:56Z \n", 0.0),     // surrounding blanks are ignored
        ("2014-06-06T09:06:56.250Z", 0.25),
        ("2014-06-06T11:06:56+02:00", 0.0),
        ("2014-06-06T03:06:56-06:00", 0.0),
    ])
    func readable(text: String, fraction: Double) throws {
        let date = try #require(parseSparkDate(text))
        #expect(abs(date.timeIntervalSince(Self.instant) - fraction) < 0.001)
    }

    @Test(arguments: ["", "   ", "2014-06-06", "yesterday", "2014-13-45T99:99:99Z", "********"])
    func unreadable(text: String) {
        #expect(parseSparkDate(text) == nil)
    }

    @Test func aUserWithAnUnreadableLastLoginKeepsTheRest() throws {
        let user = try JSONDecoder().decode(PortalUser.self, from: Data(#"{"Id":"U","Name":"Ann","LastLogin":12}"#.utf8))
        #expect(user.name == "Ann" && user.lastLogin == nil)
    }
}
