import Foundation
import HTTPTypes
import SparkMock
import Testing

private let ozzyGroupID = "20130919194721820379000000"
private let bettyID = "20110616210203794915000000"
private let ozzyCartNames = ["Favorites", "Possibilities", "Recommended", "Rejects", "Removed"]

@Suite("Routes and errors (router mode, no sockets)")
struct RouterTests {
    @Test func walkthroughInRouterMode() async throws {
        try await withRouter { api throws in
            let before = try await api.get("/v1/portal/groups/current")
            #expect(before.status == 200)
            #expect(before.success == true && before.hasResults && before.results.isEmpty)

            let ownCarts = try await api.get("/v1/listingcarts")
            #expect(ownCarts.results.compactMap { $0["Name"] as? String }.contains("Lake cabins"))

            let groups = try await api.get("/v1/portal/groups")
            #expect(groups.results.count == 1)
            #expect(memberNames(groups.results[0]) == ["Ozzy Owner", "Johnny Consumer", "Betty Buyer"])

            let put = try await api.put(group: ozzyGroupID)
            #expect(put.status == 200)
            #expect(jsonEqual(put.text, #"{"D":{"Success":true}}"#))

            let current = try await api.get("/v1/portal/groups/current")
            #expect(current.results.first?["Id"] as? String == ozzyGroupID)

            let carts = try await api.get("/v1/listingcarts")
            #expect(carts.results.compactMap { $0["Name"] as? String } == ozzyCartNames)
            #expect(carts.results.compactMap { $0["ListingCount"] as? Int } == [2, 3, 0, 1, 0])
        }
    }

    @Test func deleteCurrentReturnsToOwnCarts() async throws {
        try await withRouter { api throws in
            _ = try await api.put(group: ozzyGroupID)
            let delete = try await api.call(.delete, "/v1/portal/groups/current")
            #expect(delete.status == 200 && delete.success == true)
            #expect(try await api.get("/v1/portal/groups/current").results.isEmpty)
            let carts = try await api.get("/v1/listingcarts")
            #expect(carts.results.compactMap { $0["Name"] as? String }.contains("Lake cabins"))
            // Membership stays: the group is still listed.
            #expect(try await api.get("/v1/portal/groups").results.count == 1)
        }
    }

    @Test func missingUserAgentIs400Code1016() async throws {
        try await withRouter { api throws in
            let reply = try await api.call(.get, "/v1/portal/groups", userAgent: nil)
            #expect(reply.status == 400)
            #expect(reply.success == false && reply.code == 1016)
        }
    }

    @Test(arguments: [nil, "NOT_A_TOKEN", ""])
    func unknownTokenIs401Code1000(token: String?) async throws {
        try await withRouter { api throws in
            let reply = try await api.call(.get, "/v1/portal/groups/current", token: token)
            #expect(reply.status == 401)
            #expect(reply.code == 1000)
            #expect(reply.d["Message"] is String)
        }
    }

    @Test func bearerSchemeIsAccepted() async throws {
        try await withRouter { api throws in
            let reply = try await api.call(.get, "/v1/my/account", authorizationScheme: "Bearer")
            #expect(reply.status == 200)
            #expect(reply.results.first?["Name"] as? String == "Betty Buyer")
        }
    }

    @Test(arguments: ["/v1/nothing", "/v1/portal/groups/current/extra", "/v2/portal/groups", "/"])
    func unknownPathIsJSON404(path: String) async throws {
        try await withRouter { api throws in
            let reply = try await api.get(path)
            #expect(reply.status == 404)
            #expect(reply.success == false && reply.code == 404)
            #expect(reply.headers["content-type"]?.hasPrefix("application/json") == true)
        }
    }

    @Test(arguments: ["/v1/listingcarts/20000000000000000000000000", "/v1/listingcarts/nope/listings",
                      "/v1/portal/groups/20000000000000000000000000"])
    func unknownIdIsJSON404(path: String) async throws {
        try await withRouter { api throws in
            let reply = try await api.get(path)
            #expect(reply.status == 404)
            #expect(reply.code == 404)
        }
    }

    @Test(arguments: [
        (HTTPRequest.Method.post, "/v1/portal/groups/current"), (.patch, "/v1/portal/groups/current"),
        (.post, "/v1/portal/groups"), (.delete, "/v1/listingcarts"), (.put, "/v1/my/account"), (.get, "/v1/oauth2/grant"),
    ])
    func unsupportedMethodIs405WithEnvelope(method: HTTPRequest.Method, path: String) async throws {
        try await withRouter { api throws in
            let reply = try await api.call(method, path, body: "{}")
            #expect(reply.status == 405)
            #expect(reply.success == false && reply.code == 405)
            #expect(reply.headers["allow"] != nil)
        }
    }

    @Test(arguments: [
        ("not json", "application/json"), (#"{"D":{"Id":"20130919194721820379000000"}}"#, "text/plain"),
        (#"{"D":{"Id":"2013"#, "application/json"),
    ])
    func nonJSONBodyIs400Code1035(body: String, contentType: String) async throws {
        try await withRouter { api throws in
            let reply = try await api.call(.put, "/v1/portal/groups/current", body: body, contentType: contentType)
            #expect(reply.status == 400)
            #expect(reply.code == 1035)
            #expect(try await api.get("/v1/portal/groups/current").results.isEmpty)
        }
    }

    @Test func putWithoutIdIs400Code1050() async throws {
        try await withRouter { api throws in
            let reply = try await api.call(.put, "/v1/portal/groups/current", body: #"{"D":{}}"#)
            #expect(reply.status == 400)
            #expect(reply.code == 1050)
        }
    }

    @Test func putOfUnknownGroupIs400Code1025AndChangesNothing() async throws {
        try await withRouter { api throws in
            _ = try await api.put(group: ozzyGroupID)
            let reply = try await api.put(group: "20990101000000000000000000")
            #expect(reply.status == 400)
            #expect(reply.success == false && reply.code == 1025)
            #expect(try await api.get("/v1/portal/groups/current").results.first?["Id"] as? String == ozzyGroupID)
        }
    }

    @Test func putOfAGroupTheUserIsNotInIsRefused() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .demo)) { api throws in
            let johnny = DemoDataSet.demo.users.first { $0.name == "Johnny Consumer" }!
            let johnnysGroups = try await api.get("/v1/portal/groups", token: johnny.accessToken).results.compactMap { $0["Id"] as? String }
            let bettysGroups = try await api.get("/v1/portal/groups?_limit=25", token: DemoCredentials.demoAccessToken)
                .results.compactMap { $0["Id"] as? String }
            let notBettys = try #require(johnnysGroups.first { !bettysGroups.contains($0) })
            let reply = try await api.put(group: notBettys, token: DemoCredentials.demoAccessToken)
            #expect(reply.code == 1025)
        }
    }

    @Test func oneCartAndItsListings() async throws {
        try await withRouter { api throws in
            _ = try await api.put(group: ozzyGroupID)
            let carts = try await api.get("/v1/listingcarts").results
            let possibilities = try #require(carts.first { $0["Name"] as? String == "Possibilities" })
            let id = try #require(possibilities["Id"] as? String)

            let cart = try await api.get("/v1/listingcarts/\(id)")
            #expect(cart.status == 200)
            #expect(cart.results.count == 1)
            #expect(cart.results[0]["PortalCartType"] as? String == "Possibilities")

            let listings = try await api.get("/v1/listingcarts/\(id)/listings")
            #expect(listings.results.count == 3)
            for listing in listings.results {
                let fields = try #require(listing["StandardFields"] as? [String: Any])
                #expect(fields["City"] is String)
                #expect(fields["StreetName"] is String)
                #expect(fields["ListPrice"] != nil && fields["BedsTotal"] != nil && fields["BathsTotal"] != nil)
                #expect(fields["MlsStatus"] is String)
                #expect((listing["ResourceUri"] as? String)?.hasPrefix("/v1/listings/") == true)
                #expect(listing["Id"] as? String == fields["ListingKey"] as? String)
            }
        }
    }

    @Test func cartsOfAnotherOwnerAreNotVisible() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .demo)) { api throws in
            let johnny = DemoDataSet.demo.users.first { $0.name == "Johnny Consumer" }!
            let johnnysOwn = try await api.get("/v1/listingcarts", token: johnny.accessToken).results
            let id = try #require(johnnysOwn.first?["Id"] as? String)
            #expect(try await api.get("/v1/listingcarts/\(id)", token: DemoCredentials.demoAccessToken).status == 404)
            #expect(try await api.get("/v1/listingcarts/\(id)", token: johnny.accessToken).status == 200)
        }
    }

    @Test func myAccount() async throws {
        try await withRouter { api throws in
            let reply = try await api.get("/v1/my/account")
            #expect(reply.status == 200)
            #expect(reply.results.first?["Id"] as? String == bettyID)
            #expect(reply.results.first?["Name"] as? String == "Betty Buyer")
        }
    }

    @Test func everyDemoUserHasAnAccount() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .demo)) { api throws in
            for user in DemoDataSet.demo.users {
                let reply = try await api.get("/v1/my/account", token: user.accessToken)
                #expect(reply.results.first?["Name"] as? String == user.name)
                #expect(reply.results.first?["Id"] as? String == user.id)
            }
        }
    }

    @Test func groupById() async throws {
        try await withRouter { api throws in
            let reply = try await api.get("/v1/portal/groups/\(ozzyGroupID)")
            #expect(reply.status == 200)
            #expect(reply.results.first?["ContactId"] as? String == "20130919194721358470000000")
        }
    }

    @Test func journalRecordsRequestsWithoutTokens() async throws {
        let journal = RequestJournal()
        try await withRouter(journal: journal) { api throws in
            _ = try await api.put(group: ozzyGroupID)
        }
        let put = try #require(await journal.requests(method: "PUT", path: "/v1/portal/groups/current").first)
        #expect(put.status == 200)
        #expect(put.userID == bettyID)
        #expect(put.body?.contains(ozzyGroupID) == true)
        #expect(put.headers["authorization"] == "OAuth ********")
        #expect(put.headers["x-sparkapi-user-agent"] == testUserAgent)
        #expect(!put.description.contains(DemoCredentials.seedAccessToken))
    }
}

@Suite("Per-user state")
struct StateTests {
    @Test func concurrentPutsLeaveOneCoherentChoicePerUser() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .demo)) { api throws in
            let betty = DemoCredentials.demoAccessToken
            let johnny = DemoDataSet.demo.users.first { $0.name == "Johnny Consumer" }!.accessToken
            let bettysGroups = try await api.get("/v1/portal/groups?_limit=25", token: betty).results.compactMap { $0["Id"] as? String }
            let johnnysGroups = try await api.get("/v1/portal/groups?_limit=25", token: johnny).results.compactMap { $0["Id"] as? String }
            #expect(bettysGroups.count >= 4)

            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<200 {
                    let (token, ids) = i % 2 == 0 ? (betty, bettysGroups) : (johnny, johnnysGroups)
                    group.addTask { try await api.put(group: ids[i % ids.count], token: token).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 200 && statuses.allSatisfy { $0 == 200 })

            // Each user ends in one of their own groups, and reads that group's owner's carts.
            for (token, ids) in [(betty, bettysGroups), (johnny, johnnysGroups)] {
                let current = try #require(try await api.get("/v1/portal/groups/current", token: token).results.first?["Id"] as? String)
                #expect(ids.contains(current))
                let cartIDs = try await api.get("/v1/listingcarts?_limit=25", token: token).results.compactMap { $0["Id"] as? String }
                for id in cartIDs { #expect(try await api.get("/v1/listingcarts/\(id)", token: token).status == 200) }
            }
        }
    }

    @Test func oneUsersChoiceDoesNotChangeAnother() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .demo)) { api throws in
            let johnny = DemoDataSet.demo.users.first { $0.name == "Johnny Consumer" }!.accessToken
            _ = try await api.put(group: ozzyGroupID, token: DemoCredentials.demoAccessToken)
            #expect(try await api.get("/v1/portal/groups/current", token: johnny).results.isEmpty)
            #expect(try await api.get("/v1/portal/groups/current", token: DemoCredentials.demoAccessToken).results.count == 1)
        }
    }
}

@Suite("Request journal")
struct JournalTests {
    @Test func keepsOnlyTheLatestRequests() async throws {
        let journal = RequestJournal(capacity: 3)
        try await withRouter(journal: journal) { api throws in
            for page in 1...5 { _ = try await api.get("/v1/portal/groups?_page=\(page)") }
        }
        #expect(await journal.requests.map { $0.queryValue("_page") } == ["3", "4", "5"])
    }
}
