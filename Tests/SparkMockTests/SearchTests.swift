import Foundation
import HTTPTypes
import Testing

@testable import SparkMock

private let ozzyGroupID = "20130919194721820379000000"
private let joseGroupID = sparkID(year: 2016, 4)
private let betty = DemoCredentials.demoAccessToken
private let johnny = "DEMO_ACCESS_TOKEN_JOHNNY"

extension RouterClient {
    func searches(token: String = betty) async throws -> [[String: Any]] {
        try await get("/v1/savedsearches?_limit=25", token: token).results
    }

    func search(named name: String, token: String = betty) async throws -> [String: Any] {
        try #require(try await searches(token: token).first { $0["Name"] as? String == name })
    }

    func feeds(token: String = betty) async throws -> [[String: Any]] {
        try await get("/v1/newsfeeds?_limit=25", token: token).results
    }

    /// `GET /v1/listings?_filter=…` with the filter percent-encoded, and more query if given.
    func listings(filter: String, more: String = "", token: String = betty) async throws -> Reply {
        let encoded = filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filter
        return try await get("/v1/listings?_filter=\(encoded)&_limit=25&_pagination=1\(more)", token: token)
    }

    func listings(ofSearch id: String, more: String = "", token: String = betty) async throws -> Reply {
        try await listings(filter: "SavedSearch Eq '\(id)'", more: more, token: token)
    }

    func rename(search id: String, to name: String, token: String = betty) async throws -> Reply {
        try await call(.put, "/v1/savedsearches/\(id)", token: token, body: #"{"D":{"Name":"\#(name)"}}"#)
    }

    func setFeed(_ id: String, _ d: String, token: String = betty) async throws -> Reply {
        try await call(.put, "/v1/newsfeeds/\(id)", token: token, body: #"{"D":\#(d)}"#)
    }
}

/// Runs `body` against the demo data set with Betty and Johnny both acting for Ozzy Owner's group.
private func inOzzysGroup<T: Sendable>(
    newsFeedPrivilege: Bool = true, _ body: @escaping @Sendable (RouterClient) async throws -> T
) async throws -> T {
    try await withRouter(DemoServerConfiguration(dataSet: .demo, newsFeedPrivilege: newsFeedPrivilege)) { api throws in
        for token in [betty, johnny] { _ = try await api.put(group: ozzyGroupID, token: token) }
        return try await body(api)
    }
}

private func id(_ record: [String: Any]) -> String { record["Id"] as? String ?? "" }

/// A listing with just these standard fields.
private func listing(_ fields: [(String, JSONValue)]) -> MockListing {
    MockListing(id: "L", standardFields: fields)
}

@Suite("The demo server's filter evaluator")
struct ListingFilterTests {
    static let sandpoint = listing([("City", .string("Sandpoint")), ("ListPrice", .string("450000.0")), ("BathsTotal", .double(2.5)),
                                    ("YearBuilt", .string("********")), ("MlsStatus", .string("Active")), ("PropertyType", .string("A "))])

    @Test(arguments: [
        ("City Eq 'Sandpoint'", true), ("City Eq 'sandpoint '", true), ("City Eq 'Hayden'", false),
        ("City Eq 'Hayden','Sandpoint'", true), ("City Ne 'Hayden','Moscow'", true), ("City Ne 'Sandpoint'", false),
        ("ListPrice Le 450000", true), ("ListPrice Lt 450000.0", false), ("ListPrice Gt 449999.5", true), ("ListPrice Ge 450001", false),
        ("ListPrice Eq 450000", true), ("ListPrice Bt 400000,450000", true), ("ListPrice Bt 450001,500000", false),
        ("BathsTotal Ge 2", true), ("PropertyType Eq 'A'", true),
        // Restricted and missing values match nothing, Ne included.
        ("YearBuilt Ge 0", false), ("YearBuilt Ne 1999", false), ("BedsTotal Ge 0", false),
        ("City Eq 'Hayden' And ListPrice Le 1", false), ("City Eq 'Hayden' Or ListPrice Le 450000", true),
        // And and Or have the same precedence, left to right: (true Or false) And false.
        ("City Eq 'Sandpoint' Or City Eq 'Hayden' And MlsStatus Eq 'Closed'", false),
        ("City Eq 'Sandpoint' Or (City Eq 'Hayden' And MlsStatus Eq 'Closed')", true),
        ("((City Eq 'Sandpoint'))", true),
    ])
    func matches(filter: String, expected: Bool) throws {
        #expect(try ListingFilter(parsing: filter).matches(Self.sandpoint) == expected)
    }

    @Test func aQuoteAndABackslashInsideText() throws {
        let quoted = listing([("City", .string("Coeur d'Alene")), ("StreetName", .string(#"A\B"#))])
        #expect(try ListingFilter(parsing: #"City Eq 'Coeur d\'Alene'"#).matches(quoted))
        #expect(try ListingFilter(parsing: #"StreetName Eq 'A\\B'"#).matches(quoted))
    }

    @Test(arguments: [
        ("Not City Eq 'Sandpoint'", "Not is not supported"),
        ("City Eq 'Sandpoint", "no closing quote"),
        ("ListDate Gt 5", "no field ListDate"),
        ("city Eq 'Sandpoint'", "no field city"),
        ("ListPrice Gt 2024-01-01", "dates and times are not supported"),
        ("City Eq true", "booleans are not supported"),
        ("City Like 'S'", "City needs an operator"),
        ("ListPrice Gt 1,2", "takes one number"),
        ("ListPrice Gt 'cheap'", "takes one number"),
        ("ListPrice Bt 1", "takes two numbers"),
        ("City Eq 'A',2", "mixes text and numbers"),
        ("(City Eq 'Sandpoint'", "ends too early"),
        ("City Eq 'Sandpoint')", "did not expect )"),
        ("City Eq 'Sandpoint' And", "ends too early"),
        ("City Eq", "expected a value"),
        ("City Eq 'x' ; DROP", "unexpected character"),
        ("", "ends too early"),
    ])
    func whatItDoesNotUnderstandIsNamed(filter: String, reason: String) {
        let error = #expect(throws: FilterError.self) { try ListingFilter(parsing: filter) }
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
        #expect(error?.response.status == 400)
    }

    @Test func everyDataSetsSearchesParseAndTheDemoOnesFindListings() throws {
        for dataSet in DemoDataSet.allCases {
            let world = dataSet.world
            for search in world.searches.byID.values {
                let filter = try ListingFilter(parsing: search.filter)
                if dataSet == .demo {
                    let pool = world.listings
                    #expect((0..<pool.count).contains { filter.matches(pool.listing($0)) }, "\(search.name) finds listings")
                }
            }
        }
    }
}

@Suite("Saved searches and news feeds (router mode, no sockets)")
struct SearchRouterTests {
    @Test func eachWorkspaceHasItsOwnSearchesSharedByItsMembers() async throws {
        try await inOzzysGroup { api throws in
            let searches = try await api.searches()
            #expect(searches.compactMap { $0["Name"] as? String }
                == ["Sandpoint under $600k", "Lake towns, 2+ baths", "Newer homes near Coeur d'Alene"])
            #expect(try await api.searches(token: johnny).map(id) == searches.map(id))
            let first = try #require(searches.first)
            #expect(first["ResourceUri"] as? String == "/v1/savedsearches/\(id(first))")
            #expect(first["OwnerId"] as? String == ozzyGroupID && first["Provided"] as? Bool == false)
            #expect(first["Filter"] as? String == "City Eq 'Sandpoint' And ListPrice Le 600000.0")
            #expect(first["ModificationTimestamp"] is String && first["Tags"] is [Any] && first["ContactIds"] as? [String] != nil)
            #expect(try await api.get("/v1/savedsearches/\(id(first))").results.first?["Name"] as? String == "Sandpoint under $600k")

            let paged = try await api.get("/v1/savedsearches?_limit=2&_page=2&_pagination=1")
            #expect(paged.results.count == 1 && paged.pagination?["TotalRows"] == 3)
            // Betty's own workspace, then Carl's group, which has none.
            _ = try await api.call(.delete, "/v1/portal/groups/current", token: betty)
            #expect(try await api.searches().compactMap { $0["Name"] as? String } == ["Weekend cabins under $400k"])
            #expect(try await api.get("/v1/savedsearches/\(id(first))").status == 404)
            _ = try await api.put(group: sparkID(year: 2016, 5), token: betty)
            #expect(try await api.searches().isEmpty)
            #expect(try await api.call(.post, "/v1/savedsearches", body: #"{"D":{"Name":"X","Filter":"City Eq 'Moscow'"}}"#).status == 405)
        }
    }

    @Test func aSearchsListingsAreThoseItsFilterMatchesInPoolOrder() async throws {
        try await inOzzysGroup { api throws in
            let lakeTowns = try await api.search(named: "Lake towns, 2+ baths")
            let filter = try ListingFilter(parsing: try #require(lakeTowns["Filter"] as? String))
            let pool = DemoDataSet.demo.world.listings
            let expected = (0..<pool.count).filter { filter.matches(pool.listing($0)) }.map(listingID)
            #expect(expected.count > 25, "more than one page")

            var seen: [String] = []
            var page = 1
            while true {
                let reply = try await api.listings(ofSearch: id(lakeTowns), more: "&_page=\(page)")
                #expect(reply.status == 200 && reply.pagination?["TotalRows"] == expected.count)
                seen += reply.results.compactMap { $0["Id"] as? String }
                guard page < reply.pagination?["TotalPages"] ?? 0 else { break }
                page += 1
            }
            #expect(seen == expected)
            let listing = try #require(try await api.listings(ofSearch: id(lakeTowns)).results.first)
            #expect((listing["StandardFields"] as? [String: Any])?["City"] is String, "full listing records")
        }
    }

    @Test func aFilterWithoutASearchAndNoFilterAtAll() async throws {
        try await inOzzysGroup { api throws in
            let moscow = try await api.listings(filter: "City Eq 'Moscow'")
            #expect(moscow.status == 200 && !moscow.results.isEmpty)
            #expect(moscow.results.allSatisfy { ($0["StandardFields"] as? [String: Any])?["City"] as? String == "Moscow" })
            let all = try await api.get("/v1/listings?_pagination=count")
            #expect(all.pagination?["TotalRows"] == DemoDataSet.demo.world.listings.count)
            let bad = try await api.listings(filter: "City Like 'M'")
            #expect(bad.status == 400 && bad.code == 1040)
            #expect((bad.d["Message"] as? String)?.contains("City needs an operator") == true)
            let mixed = try await api.listings(filter: "SavedSearch Eq 'x' And City Eq 'Moscow'")
            #expect(mixed.status == 400 && mixed.code == 1040)
        }
    }

    @Test func aSearchTheUserMayNotSeeIs2001() async throws {
        try await inOzzysGroup { api throws in
            let sandpoint = try await api.search(named: "Sandpoint under $600k")
            #expect(try await api.listings(ofSearch: id(sandpoint)).status == 200)
            for unknown in ["20200101000000000000000000", "not-an-id"] {
                let reply = try await api.listings(ofSearch: unknown)
                #expect(reply.status == 400 && reply.code == 2001)
            }
            // The group changed: Ozzy's search is not in Betty's own workspace.
            _ = try await api.call(.delete, "/v1/portal/groups/current", token: betty)
            let afterLeaving = try await api.listings(ofSearch: id(sandpoint))
            #expect(afterLeaving.status == 400 && afterLeaving.code == 2001)
            #expect(try await api.listings(ofSearch: id(sandpoint), token: johnny).status == 200, "Johnny still acts for the group")
        }
    }

    @Test func aProvidedSearchIsReadPermissivelyAndCannotBeRenamedOrDeleted() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .demo)) { api throws in
            _ = try await api.put(group: joseGroupID, token: betty)
            let provided = try await api.search(named: "Casas cerca de la escuela")
            #expect(provided["Provided"] as? Bool == true)
            let strict = try await api.listings(ofSearch: id(provided))
            #expect(strict.status == 400 && strict.code == 2001 && (strict.d["Message"] as? String)?.contains("permissive") == true)
            let permissive = try await api.listings(ofSearch: id(provided), more: "&RequestMode=permissive")
            #expect(permissive.status == 200 && !permissive.results.isEmpty)
            let rename = try await api.rename(search: id(provided), to: "Mine now")
            let delete = try await api.call(.delete, "/v1/savedsearches/\(id(provided))", token: betty)
            for reply in [rename, delete] { #expect(reply.status == 405 && reply.code == 405 && reply.headers["allow"] == "GET") }
            #expect(try await api.search(named: "Casas cerca de la escuela")["Id"] as? String == id(provided))
        }
    }

    @Test func renamingASearchFollowsTheCartsRules() async throws {
        try await inOzzysGroup { api throws in
            let search = try await api.search(named: "Lake towns, 2+ baths")
            let renamed = try await api.rename(search: id(search), to: "Lake towns", token: johnny)
            #expect(renamed.status == 200 && renamed.results.first?["Name"] as? String == "Lake towns")
            let stamp = try #require(renamed.results.first?["ModificationTimestamp"] as? String)
            #expect(stamp != search["ModificationTimestamp"] as? String)
            #expect(try await api.search(named: "Lake towns")["Id"] as? String == id(search), "Betty sees Johnny's rename")
            #expect(try await api.rename(search: id(search), to: "Lake towns").results.first?["ModificationTimestamp"] as? String == stamp,
                    "the same name again changes nothing")
            #expect(try await api.rename(search: id(search), to: "lake TOWNS").status == 200, "its own name in another case")

            let taken = try await api.rename(search: id(search), to: "sandpoint under $600K")
            #expect(taken.status == 409 && taken.code == 1055)
            #expect(try await api.rename(search: id(search), to: "  ").code == 1050)
            #expect(try await api.call(.put, "/v1/savedsearches/\(id(search))", token: betty, body: #"{"D":{}}"#).code == 1050)
            let filter = try await api.call(.put, "/v1/savedsearches/\(id(search))", token: betty,
                                            body: #"{"D":{"Name":"X","Filter":"City Eq 'Moscow'"}}"#)
            #expect(filter.status == 400 && filter.code == 1053)
            #expect(try await api.call(.put, "/v1/savedsearches/\(id(search))", token: betty, body: "{}", contentType: "text/plain").code == 1035)
        }
    }

    @Test func deletingASearchDeletesTheFeedsThatFollowIt() async throws {
        try await inOzzysGroup { api throws in
            let search = try await api.search(named: "Sandpoint under $600k")
            #expect(try await api.feeds().count == 2)
            let deleted = try await api.call(.delete, "/v1/savedsearches/\(id(search))", token: johnny)
            #expect(deleted.status == 200 && deleted.success == true)
            #expect(try await api.searches().allSatisfy { id($0) != id(search) })
            let feeds = try await api.feeds()
            #expect(feeds.compactMap { $0["Name"] as? String } == ["Lake towns"])
            #expect(try await api.call(.delete, "/v1/savedsearches/\(id(search))", token: betty).status == 404)
            #expect(try await api.listings(ofSearch: id(search)).code == 2001)
        }
    }

    @Test func writesToASearchOrFeedOfAnotherWorkspaceAre404() async throws {
        let (ownSearch, ownFeed) = try await withRouter(DemoServerConfiguration(dataSet: .demo)) { fresh throws in
            (id(try await fresh.search(named: "Weekend cabins under $400k")), id(try #require(try await fresh.feeds().first)))
        }
        try await inOzzysGroup { api throws in
            for search in [ownSearch, "20990101000000000000000000"] {
                #expect(try await api.rename(search: search, to: "X").status == 404)
                #expect(try await api.call(.delete, "/v1/savedsearches/\(search)", token: betty).status == 404)
            }
            for feed in [ownFeed, "20990101000000000000000000"] {
                #expect(try await api.setFeed(feed, #"{"Active":false}"#).status == 404)
                #expect(try await api.get("/v1/newsfeeds/\(feed)").status == 404)
            }
        }
    }

    @Test func feedsFollowTheirSearchesAndPauseAndResume() async throws {
        try await inOzzysGroup { api throws in
            let feeds = try await api.feeds()
            #expect(feeds.compactMap { $0["Name"] as? String } == ["Sandpoint under $600k: new and reduced", "Lake towns"])
            #expect(feeds.compactMap { $0["Active"] as? Bool } == [true, false])
            let running = feeds[0]
            let subscription = try #require(running["Subscription"] as? [String: Any])
            #expect(subscription["Name"] as? String == "Sandpoint under $600k")
            #expect(subscription["Filter"] as? String == "City Eq 'Sandpoint' And ListPrice Le 600000.0")
            #expect(running["Type"] as? String == "SavedSearch" && running["NotificationMethods"] as? [String] == ["Email"])
            #expect(feeds[1]["LastEventTimestamp"] as? String == "", "never had an event")

            let paused = try await api.setFeed(id(running), #"{"Active":false}"#, token: johnny)
            #expect(paused.status == 200 && paused.results.first?["Active"] as? Bool == false)
            let stamp = paused.results.first?["ModificationTimestamp"] as? String
            #expect(stamp != running["ModificationTimestamp"] as? String)
            #expect(try await api.get("/v1/newsfeeds/\(id(running))").results.first?["Active"] as? Bool == false, "Betty sees it")
            let again = try await api.setFeed(id(running), #"{"Active":false}"#)
            #expect(again.results.first?["ModificationTimestamp"] as? String == stamp, "pausing a paused feed changes nothing")
            #expect(try await api.setFeed(id(running), #"{"Active":true}"#).results.first?["Active"] as? Bool == true)

            #expect(try await api.setFeed(id(running), #"{}"#).code == 1050)
            #expect(try await api.setFeed(id(running), #"{"Active":"maybe"}"#).code == 1053)
            #expect(try await api.call(.post, "/v1/newsfeeds", body: "{}").status == 405)
            #expect(try await api.call(.delete, "/v1/newsfeeds/\(id(running))", token: betty).status == 405)
        }
    }

    @Test func aKeyWithoutThePrivilegeGets403Code1500FromEveryFeedCall() async throws {
        try await inOzzysGroup(newsFeedPrivilege: false) { api throws in
            let feedID = sparkID(year: 2021, 1)
            let replies = [
                try await api.get("/v1/newsfeeds"), try await api.get("/v1/newsfeeds/\(feedID)"),
                try await api.get("/v1/newsfeeds/meta"), try await api.setFeed(feedID, #"{"Active":false}"#),
            ]
            for reply in replies { #expect(reply.status == 403 && reply.code == 1500 && reply.success == false) }
            #expect(try await api.searches().count == 3, "saved searches need no privilege")
        }
        // With the privilege the same feed is there, unchanged.
        try await inOzzysGroup { api throws in
            #expect(try await api.get("/v1/newsfeeds/\(sparkID(year: 2021, 1))").results.first?["Active"] as? Bool == true)
        }
    }

    @Test func whatAFeedNeedsFromASearch() async throws {
        try await inOzzysGroup { api throws in
            let meta = try #require(try await api.get("/v1/newsfeeds/meta").results.first)
            #expect((meta["Events"] as? [String])?.first == "New")
            let searches = try #require((meta["Subscriptions"] as? [String: Any])?["SavedSearches"] as? [String: Any])
            #expect(searches["MinimumCoreFields"] as? Int == 3 && searches["CoreSearchFields"] as? [String] == ["Location"])
        }
    }

    @Test func aMemberRemovedFromTheGroupGets1025() async throws {
        try await withJohnnyRemovedFromOzzysGroup { server, headers in
            for path in ["/v1/savedsearches", "/v1/newsfeeds", "/v1/listings?_filter=SavedSearch%20Eq%20'\(sparkID(year: 2020, 1))'"] {
                let reply = try await httpRequest(URL(string: server.baseURL.absoluteString + path)!, headers: headers)
                #expect(reply.status == 400 && reply.code == 1025, "\(path)")
            }
        }
    }

    @Test func theLargeDataSetsSearchesPageThroughTheSearchablePool() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .large)) { api throws in
            let token = DemoCredentials.demoAccessToken
            let group = try #require(try await api.get("/v1/portal/groups?_limit=1", token: token).results.first)
            _ = try await api.put(group: id(group), token: token)
            let searches = try await api.get("/v1/savedsearches?_limit=25&_pagination=1", token: token)
            #expect(searches.pagination?["TotalRows"] == 40)
            let first = try #require(searches.results.first)
            let page = try await api.listings(ofSearch: id(first), more: "&_page=3", token: token)
            #expect(page.status == 200 && page.results.count == 25)
            #expect((page.pagination?["TotalRows"] ?? 0) > 75 && (page.pagination?["TotalRows"] ?? 0) < DemoAPI.searchablePoolSize)
            #expect(try await api.get("/v1/newsfeeds?_pagination=count", token: token).pagination?["TotalRows"] == 10)
        }
    }
}
