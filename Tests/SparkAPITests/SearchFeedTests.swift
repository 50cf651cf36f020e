import Foundation
import SparkMock
import Testing

@testable import SparkAPI

private let betty = DemoCredentials.demoAccessToken
private let johnny = "DEMO_ACCESS_TOKEN_JOHNNY"

@Suite("Saved searches and news feeds: answers and errors")
struct SearchFeedAnswerTests {
    @Test(arguments: [(403, 1500, "privileged API key"), (403, 1505, "MLS")])
    func aKeyOrMLSWithoutNewsFeedsIsAStateNotAFailure(status: Int, code: Int, words: String) async throws {
        let requests = Recorder<TransportRequest>()
        let client = try makeClient(retry: recordingRetry(Recorder())) { requests.append($0); return sparkError(status, code: code) }
        let access = try await client.newsFeeds()
        guard case .unavailable(let error) = access else { Issue.record("got \(access)"); return }
        #expect(error.sparkCode == code && error.isNotAvailableForKeyOrMLS)
        #expect(access.feeds == nil && access.unavailableMessage?.contains(words) == true)
        #expect(requests.count == 1, "a refusal for the key is not retried")
    }

    @Test(arguments: [sparkError(500, code: 1040), TransportResponse(status: 403, json: "{}"), sparkError(401, code: 1000)])
    func anyOtherFailureOfTheFeedsIsThrown(_ answer: TransportResponse) async throws {
        let client = try makeClient { _ in answer }
        await #expect(throws: SparkError.self) { try await client.newsFeeds() }
    }

    @Test func writesAnsweredWithABareSuccessReturnNothingToReadBack() async throws {
        let client = try makeClient { _ in successBody }
        #expect(try await client.renameSavedSearch(id: "S1", to: "New") == nil)
        #expect(try await client.setNewsFeed(id: "F1", active: true) == nil)
    }

    @Test func aPauseAnsweredWithServerTroubleIsSentAgain() async throws {
        let transport = ScriptedTransport([
            .success(sparkError(503, code: 1040)),
            .success(TransportResponse(json: #"{"D":{"Success":true,"Results":[{"Id":"F1","Name":"Lake towns","Active":"false"}]}}"#)),
        ])
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        let feed = try #require(try await client.setNewsFeed(id: "F1", active: false))
        #expect(feed.isPaused && feed.active == false)
        #expect(transport.requests.values.map(\.method) == ["PUT", "PUT"])
    }

    @Test func aSearchNoLongerAvailableSaysWhy() async throws {
        let client = try makeClient { _ in sparkError(400, code: 2001, message: "The SavedSearch specified does not exist") }
        let error = await #expect(throws: SparkError.self) { try await client.listingsPage(matchingSearch: "S1", page: 1, limit: 25) }
        #expect(error?.isSavedSearchUnavailable == true && error?.httpStatus == 400)
        #expect(error?.userMessage.contains("the group you act for changed") == true)
    }

    @Test func oddSearchAndFeedFieldsNeverFailARecordAndUnknownOnesAreKept() throws {
        let json = #"""
        {"D":{"Success":true,"Results":[
          {"Id":"S1","Name":"Lake","Provided":"true","ModificationTimestamp":"********","Tags":["Favorites",{"x":1}],
           "ContactIds":"nope","QuickSearchId":"Q7","Annotations":[{"Note":"hi"}],"Filter":null},
          {"ResourceUri":"/v1/savedsearches/S2","Name":12,"NewsFeeds":[{"Name":"no id"},{"Id":"F","Active":"false","Curated":"x"}]},
          {"Name":"no id at all"}
        ]}}
        """#
        let searches: [SavedSearch] = try decodePage(Data(json.utf8)).items
        #expect(searches.map(\.id) == ["S1", "S2"])
        #expect(searches[0].isProvided && searches[0].modificationTimestamp == nil && searches[0].filter == nil)
        #expect(searches[0].tags == ["Favorites"] && searches[0].contactIds == nil)
        #expect(searches[0].otherFields == ["QuickSearchId": "Q7", "Annotations": [["Note": "hi"]]])
        #expect(searches[1].name == "12")
        #expect(searches[1].newsFeeds?.map(\.id) == ["F"] && searches[1].newsFeeds?.first?.isPaused == true)
        #expect(searches[1].newsFeeds?.first?.curated == nil)
    }

    @Test func searchesAndFeedsEncodeAsTheServerSentThem() throws {
        let json = #"""
        {"Id":"F1","ResourceUri":"/v1/newsfeeds/F1","Name":"Lake towns","Active":"false","ProspectLinkId":"",
         "LastEventTimestamp":"2026-11-20T10:00:00Z","ExpirationDate":"2027-03-15",
         "Subscription":{"Id":"S1","Name":"Lake towns, 2+ baths","Filter":"City Eq 'Sandpoint'","QuickSearchId":"Q"}}
        """#
        let feed = try JSONDecoder().decode(NewsFeed.self, from: Data(json.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(feed), as: UTF8.self)
        #expect(text == #"{"Active":false,"ExpirationDate":"2027-03-15","Id":"F1","LastEventTimestamp":"2026-11-20T10:00:00Z","#
            + #""Name":"Lake towns","ProspectLinkId":"","ResourceUri":"/v1/newsfeeds/F1","#
            + #""Subscription":{"Filter":"City Eq 'Sandpoint'","Id":"S1","Name":"Lake towns, 2+ baths","QuickSearchId":"Q"}}"#)
        #expect(try JSONDecoder().decode(NewsFeed.self, from: encoder.encode(feed)) == feed)
    }
}

@Suite("Saved searches and news feeds against the demo server", .timeLimit(.minutes(1)))
struct SearchFeedLiveTests {
    @Test func theWorkspacesSearchesAndTheirListingsPageByPage() async throws {
        try await withWorkspace { _, clients in
            let client = clients[0]
            let searches = try await client.savedSearches()
            #expect(searches.map(\.name) == ["Sandpoint under $600k", "Lake towns, 2+ baths", "Newer homes near Coeur d'Alene"])
            #expect(searches.allSatisfy { $0.ownerId == "20130919194721820379000000" && !$0.isProvided && $0.modificationTimestamp != nil })
            let lakeTowns = searches[1]
            #expect(lakeTowns.filter == "City Eq 'Sandpoint','Priest River','Bonners Ferry' And BathsTotal Ge 2")

            let first = try await client.listingsPage(matchingSearch: lakeTowns.id, page: 1, limit: 10)
            let pagination = try #require(first.pagination)
            #expect(pagination.totalRows > 10 && first.items.count == 10, "more than one page to page through")
            var paged = first.items
            for page in 2...pagination.totalPages {
                paged += try await client.listingsPage(matchingSearch: lakeTowns.id, page: page, limit: 10).items
            }
            let all = try await client.listings(matchingSearch: lakeTowns.id)
            #expect(paged.map(\.id) == all.map(\.id) && all.count == pagination.totalRows)
            for listing in all {
                #expect(["Sandpoint", "Priest River", "Bonners Ferry"].contains(listing.city.value ?? ""))
                #expect((listing.bathsTotal.value ?? 0) >= 2)
            }

            // A quote inside a value, Or and parentheses: the search near Coeur d'Alene finds listings there.
            let near = try await client.listings(matchingSearch: searches[2].id)
            #expect(!near.isEmpty && near.allSatisfy { ["Coeur d'Alene", "Hayden"].contains($0.city.value ?? "") })
        }
    }

    @Test func aSearchTheAgentProvidedIsReadPermissively() async throws {
        try await withWorkspace { server, clients in
            let client = clients[0]
            let jose = try #require(try await client.groups().first { $0.ownerName == "José Núñez" })
            try await client.chooseGroup(id: jose.id)
            let provided = try #require(try await client.savedSearches().first(where: \.isProvided))
            #expect(provided.name == "Casas cerca de la escuela")
            let listings = try await client.listings(matchingSearch: provided.id, provided: true)
            #expect(!listings.isEmpty && listings.allSatisfy { $0.city == .value("Post Falls") })
            let reads = await server.journal.requests(method: "GET", path: "/v1/listings")
            #expect(reads.allSatisfy { $0.query?.contains("RequestMode=permissive") == true })
        }
    }

    @Test func aSearchOfTheWorkspaceLeftBehindIsNoLongerAvailable() async throws {
        try await withWorkspace { _, clients in
            let client = clients[0]
            let search = try #require(try await client.savedSearches().first)
            try await client.leaveGroup()
            let error = await #expect(throws: SparkError.self) { try await client.listingsPage(matchingSearch: search.id, page: 1, limit: 25) }
            #expect(error?.isSavedSearchUnavailable == true)
            #expect(try await client.savedSearches().map(\.name) == ["Weekend cabins under $400k"], "Betty's own")
        }
    }

    @Test func aRenameAndADeleteAreWhatTheOtherMemberSees() async throws {
        try await withWorkspace(tokens: [betty, johnny]) { _, clients in
            let (mine, theirs) = (clients[0], clients[1])
            let sandpoint = try #require(try await mine.savedSearches().first)
            let renamed = try await mine.renameSavedSearch(id: sandpoint.id, to: "Sandpoint, by the lake")
            #expect(renamed?.name == "Sandpoint, by the lake" && renamed?.id == sandpoint.id)
            #expect(try await theirs.savedSearch(id: sandpoint.id).name == "Sandpoint, by the lake")
            let before = try #require(try await theirs.newsFeeds().feeds)
            #expect(before.contains { $0.subscription?.id == sandpoint.id })

            try await mine.deleteSavedSearch(id: sandpoint.id)
            #expect(try await theirs.savedSearches().allSatisfy { $0.id != sandpoint.id })
            let after = try #require(try await theirs.newsFeeds().feeds)
            #expect(after.count == before.count - 1 && after.allSatisfy { $0.subscription?.id != sandpoint.id },
                    "the feed that followed it went with it")
            let again = await #expect(throws: SparkError.self) { try await mine.deleteSavedSearch(id: sandpoint.id) }
            #expect(again?.httpStatus == 404)
        }
    }

    @Test func pausingAndResumingAFeedIsWhatTheOtherMemberSees() async throws {
        try await withWorkspace(tokens: [betty, johnny]) { _, clients in
            let feeds = try #require(try await clients[0].newsFeeds().feeds)
            #expect(feeds.map(\.name) == ["Sandpoint under $600k: new and reduced", "Lake towns"])
            #expect(feeds.map(\.isPaused) == [false, true])
            #expect(feeds[0].subscription?.name == "Sandpoint under $600k" && feeds[0].lastEventTimestamp != nil)
            #expect(feeds[1].lastEventTimestamp == nil, "a paused feed with no event yet: the server sends \"\"")

            let paused = try await clients[0].setNewsFeed(id: feeds[0].id, active: false)
            #expect(paused?.isPaused == true && paused?.subscription?.id == feeds[0].subscription?.id)
            #expect(try await clients[1].newsFeed(id: feeds[0].id).isPaused)
            _ = try await clients[1].setNewsFeed(id: feeds[0].id, active: true)
            #expect(try await clients[0].newsFeeds().feeds?.first?.isPaused == false)
        }
    }

    @Test func aKeyWithoutTheNewsFeedPrivilegeSeesTheStateAndTheSearches() async throws {
        try await withWorkspace(retry: recordingRetry(Recorder()), newsFeedPrivilege: false) { server, clients in
            let client = clients[0]
            let access = try await client.newsFeeds()
            guard case .unavailable(let error) = access else { Issue.record("got \(access)"); return }
            #expect(error.httpStatus == 403 && error.sparkCode == 1500)
            #expect(access.unavailableMessage == "News feeds need a privileged API key, and this key is not one. Ask your Spark key administrator.")
            #expect(await server.journal.requests(method: "GET", path: "/v1/newsfeeds").count == 1, "not retried")
            let pause = await #expect(throws: SparkError.self) { try await client.setNewsFeed(id: "20210101000000000001000000", active: false) }
            #expect(pause?.isNotAvailableForKeyOrMLS == true)
            let meta = await #expect(throws: SparkError.self) { try await client.newsFeedMeta() }
            #expect(meta?.sparkCode == 1500)
            #expect(try await client.savedSearches().count == 3, "saved searches need no privilege")
        }
    }

    @Test func whatAFeedNeedsFromASearch() async throws {
        try await withWorkspace { _, clients in
            let meta = try await clients[0].newsFeedMeta()
            #expect(meta.minimumCoreFields == 3 && meta.coreSearchFields == ["Location"])
            #expect(meta.coreStandardFields["ListPrice"] == "List Price" && meta.events.contains("PriceChange"))
        }
    }
}
