import Foundation
import HTTPTypes
import SparkMock
import Testing

private let ozzyGroupID = "20130919194721820379000000"
private let betty = DemoCredentials.demoAccessToken
private let johnny = "DEMO_ACCESS_TOKEN_JOHNNY"
private let spare = DemoDataSet.demo.unusedListingIDs(limit: 10)
private let unknownListing = "20000101000000000000000000"

/// Calls for the write side, in the demo data set, as a member of Ozzy Owner's group.
extension RouterClient {
    func post(_ path: String, _ d: String, token: String = betty) async throws -> Reply {
        try await call(.post, path, token: token, body: #"{"D":\#(d)}"#)
    }

    func create(_ cart: String, token: String = betty) async throws -> Reply {
        try await post("/v1/listingcarts", #"{"ListingCarts":[\#(cart)]}"#, token: token)
    }

    func carts(token: String = betty, query: String = "?_limit=25") async throws -> [[String: Any]] {
        try await get("/v1/listingcarts" + query, token: token).results
    }

    func cart(named name: String, token: String = betty) async throws -> [String: Any] {
        try #require(try await carts(token: token).first { $0["Name"] as? String == name })
    }

    /// The Ids of a cart's listings, read back.
    func listingIDs(of cartID: String, token: String = betty) async throws -> [String] {
        try await get("/v1/listingcarts/\(cartID)?_expand=ListingIds", token: token).results.first?["ListingIds"] as? [String] ?? []
    }
}

/// Runs `body` against the demo data set with Betty and Johnny both acting for Ozzy Owner's group.
private func inOzzysGroup<T: Sendable>(_ faults: [String] = [], _ body: @escaping @Sendable (RouterClient) async throws -> T) async throws -> T {
    var plan = FaultPlan()
    for fault in faults { try plan.add(fault) }
    return try await withRouter(DemoServerConfiguration(dataSet: .demo, faults: plan)) { api throws in
        for token in [betty, johnny] { _ = try await api.put(group: ozzyGroupID, token: token) }
        return try await body(api)
    }
}

private func id(_ cart: [String: Any]) -> String { cart["Id"] as? String ?? "" }

@Suite("Cart writes (router mode, no sockets)")
struct CartWriteTests {
    @Test func aCreatedCartAnswersOnlyItsResourceUriAndEveryMemberSeesIt() async throws {
        try await inOzzysGroup { api throws in
            let reply = try await api.create(#"{"Name":"Lake houses","ListingIds":["\#(spare[0])","\#(spare[1])"]}"#)
            #expect(reply.status == 200 && reply.success == true)
            let result = try #require(reply.results.first)
            #expect(Array(result.keys) == ["ResourceUri"])
            let uri = try #require(result["ResourceUri"] as? String)
            let cart = try await api.cart(named: "Lake houses", token: johnny)
            #expect(uri == "/v1/listingcarts/" + id(cart))
            #expect(cart["ListingCount"] as? Int == 2 && cart["PortalCartType"] as? String == "Custom")
            #expect(cart["ModificationTimestamp"] is String)
            #expect(try await api.listingIDs(of: id(cart), token: johnny) == [spare[0], spare[1]])
            // The owner's workspace, not Betty's own.
            _ = try await api.call(.delete, "/v1/portal/groups/current", token: betty)
            #expect(try await api.carts().allSatisfy { $0["Name"] as? String != "Lake houses" })
        }
    }

    @Test(arguments: [#"{"Name":""}"#, #"{"Name":"   "}"#, #"{}"#, #"{"ListingIds":[]}"#])
    func aBlankNameIs400Code1050(cart: String) async throws {
        try await inOzzysGroup { api throws in
            let before = try await api.carts().count
            let reply = try await api.create(cart)
            #expect(reply.status == 400 && reply.code == 1050)
            #expect(try await api.carts().count == before)
        }
    }

    @Test func aMissingListOfCartsIs400Code1050AndABodyThatIsNotJSONIs1035() async throws {
        try await inOzzysGroup { api throws in
            #expect(try await api.post("/v1/listingcarts", "{}").code == 1050)
            let notJSON = try await api.call(.post, "/v1/listingcarts", token: betty, body: #"{"D":{"ListingCarts":[{"Name":"X"}]}}"#,
                                             contentType: "text/plain")
            #expect(notJSON.status == 400 && notJSON.code == 1035)
        }
    }

    @Test func aTakenNameIs409Code1055UnlessAutoNamePicksAFreeOne() async throws {
        try await inOzzysGroup { api throws in
            for taken in ["Favorites", "favorites", "  FAVORITES "] {
                let reply = try await api.create(#"{"Name":"\#(taken)"}"#)
                #expect(reply.status == 409 && reply.code == 1055, "\(taken)")
            }
            #expect(try await api.create(#"{"Name":"Favorites","AutoName":true}"#).status == 200)
            #expect(try await api.create(#"{"Name":"Favorites","AutoName":true}"#).status == 200)
            let names = try await api.carts().compactMap { $0["Name"] as? String }
            #expect(names.filter { $0.hasPrefix("Favorites") } == ["Favorites", "Favorites (2)", "Favorites (3)"])
        }
    }

    @Test func aPortalCartCannotBeCreated() async throws {
        try await inOzzysGroup { api throws in
            let reply = try await api.create(#"{"Name":"My favorites","PortalCartType":"Favorites"}"#)
            #expect(reply.status == 405 && reply.code == 405)
        }
    }

    @Test func anUnknownListingIs400Code1053WithDetailsAndNothingIsCreated() async throws {
        try await inOzzysGroup { api throws in
            let before = try await api.carts().count
            let reply = try await api.create(#"{"Name":"Lake houses","ListingIds":["\#(spare[0])","\#(unknownListing)"]}"#)
            #expect(reply.status == 400 && reply.code == 1053)
            let details = try #require(reply.d["Details"] as? [[String: [[String: Any]]]])
            #expect(details.first?["ListingIds"]?.first?["Value"] as? String == unknownListing)
            #expect((reply.d["Message"] as? String)?.contains(unknownListing) == true)
            #expect(try await api.carts().count == before)
        }
    }

    @Test func addingCountsStampsAndIsANoOpTheSecondTime() async throws {
        try await inOzzysGroup { api throws in
            let possibilities = try await api.cart(named: "Possibilities")
            let stamp = possibilities["ModificationTimestamp"] as? String
            let added = try await api.post("/v1/listingcarts/\(id(possibilities))", #"{"ListingIds":["\#(spare[0])","\#(spare[1])"]}"#)
            #expect(added.status == 200)
            let cart = try #require(added.results.first)
            #expect(cart["ListingCount"] as? Int == 5 && cart["Name"] as? String == "Possibilities")
            let changed = try #require(cart["ModificationTimestamp"] as? String)
            #expect(changed != stamp)

            // Again, by the other member: already there, nothing changes, and the answer says so.
            let again = try await api.post("/v1/listingcarts/\(id(possibilities))", #"{"ListingIds":["\#(spare[1])"]}"#, token: johnny)
            #expect(again.status == 200)
            #expect(again.results.first?["ListingCount"] as? Int == 5)
            #expect(again.results.first?["ModificationTimestamp"] as? String == changed)
            let ids = try await api.listingIDs(of: id(possibilities))
            #expect(ids.count == 5 && ids.suffix(2) == [spare[0], spare[1]])
            // ListingCount is what the listings call pages through.
            let listings = try await api.get("/v1/listingcarts/\(id(possibilities))/listings?_pagination=count")
            #expect(listings.pagination?["TotalRows"] == 5)
        }
    }

    @Test func addingAnUnknownListingChangesNothing() async throws {
        try await inOzzysGroup { api throws in
            let favorites = try await api.cart(named: "Favorites")
            let reply = try await api.post("/v1/listingcarts/\(id(favorites))", #"{"ListingIds":["\#(spare[0])","\#(unknownListing)"]}"#)
            #expect(reply.status == 400 && reply.code == 1053 && reply.d["Details"] != nil)
            #expect(try await api.cart(named: "Favorites")["ListingCount"] as? Int == 2)
            #expect(try await api.post("/v1/listingcarts/\(id(favorites))", #"{}"#).code == 1050)
        }
    }

    @Test func removingCountsAndRemovingWhatIsNotThereSucceeds() async throws {
        try await inOzzysGroup { api throws in
            let possibilities = try await api.cart(named: "Possibilities")
            let first = try #require(try await api.listingIDs(of: id(possibilities)).first)
            let removed = try await api.call(.delete, "/v1/listingcarts/\(id(possibilities))/listings/\(first)", token: johnny)
            #expect(removed.status == 200 && removed.results.first?["ListingCount"] as? Int == 2)
            let stamp = removed.results.first?["ModificationTimestamp"] as? String
            for absent in [first, spare[0], unknownListing] {
                let again = try await api.call(.delete, "/v1/listingcarts/\(id(possibilities))/listings/\(absent)", token: betty)
                #expect(again.status == 200 && again.results.first?["ListingCount"] as? Int == 2)
                #expect(again.results.first?["ModificationTimestamp"] as? String == stamp)
            }
            #expect(!(try await api.listingIDs(of: id(possibilities))).contains(first))
        }
    }

    @Test func renamingACustomCart() async throws {
        try await inOzzysGroup { api throws in
            _ = try await api.create(#"{"Name":"Lake houses"}"#)
            let cart = try await api.cart(named: "Lake houses")
            let put = { (name: String) async throws -> Reply in
                try await api.call(.put, "/v1/listingcarts/\(id(cart))", token: johnny, body: #"{"D":{"Name":"\#(name)"}}"#)
            }
            let renamed = try await put("Lake cabins")
            #expect(renamed.status == 200 && jsonEqual(renamed.text, #"{"D":{"Success":true}}"#))
            #expect(try await api.cart(named: "Lake cabins")["Id"] as? String == id(cart))
            #expect(try await put("lake CABINS").status == 200, "its own name in another case is not taken")
            let taken = try await put("possibilities")
            #expect(taken.status == 409 && taken.code == 1055)
            #expect(try await put(" ").code == 1050)
            #expect(try await api.cart(named: "lake CABINS")["Id"] as? String == id(cart))
        }
    }

    @Test func aPortalCartCannotBeRenamedOrDeleted() async throws {
        try await inOzzysGroup { api throws in
            let favorites = try await api.cart(named: "Favorites")
            let rename = try await api.call(.put, "/v1/listingcarts/\(id(favorites))", token: betty, body: #"{"D":{"Name":"Loved"}}"#)
            let delete = try await api.call(.delete, "/v1/listingcarts/\(id(favorites))", token: betty)
            for reply in [rename, delete] {
                #expect(reply.status == 405 && reply.code == 405 && reply.headers["allow"] == "GET, POST")
            }
            #expect(try await api.cart(named: "Favorites")["ListingCount"] as? Int == 2)
        }
    }

    @Test func aPutOfListingIdsIsRefusedAndChangesNothing() async throws {
        // spark-portal never replaces a cart's listings; the demo server makes a client that does fail loudly.
        try await inOzzysGroup { api throws in
            let possibilities = try await api.cart(named: "Possibilities")
            let reply = try await api.call(.put, "/v1/listingcarts/\(id(possibilities))", token: betty,
                                           body: #"{"D":{"ListingIds":["\#(spare[0])"]}}"#)
            #expect(reply.status == 400 && reply.code == 1053)
            #expect(try await api.listingIDs(of: id(possibilities)).count == 3)
        }
    }

    @Test func deletingACustomCart() async throws {
        try await inOzzysGroup { api throws in
            _ = try await api.create(#"{"Name":"Lake houses"}"#)
            let cart = try await api.cart(named: "Lake houses")
            let deleted = try await api.call(.delete, "/v1/listingcarts/\(id(cart))", token: johnny)
            #expect(deleted.status == 200 && deleted.success == true)
            #expect(try await api.get("/v1/listingcarts/\(id(cart))").status == 404)
            #expect(try await api.carts().allSatisfy { $0["Name"] as? String != "Lake houses" })
            #expect(try await api.call(.delete, "/v1/listingcarts/\(id(cart))", token: betty).status == 404)
        }
    }

    @Test func writesToAnUnknownOrForeignCartAre404() async throws {
        try await inOzzysGroup { api throws in
            // Betty's own cart: readable by Id, but not in the workspace she acts for.
            let own = try await withRouter(DemoServerConfiguration(dataSet: .demo)) { fresh throws in
                id(try await fresh.cart(named: "Weekend cabins"))
            }
            #expect(try await api.get("/v1/listingcarts/\(own)").status == 200)
            for cart in [own, "20990101000000000000000000"] {
                let add = try await api.post("/v1/listingcarts/\(cart)", #"{"ListingIds":["\#(spare[0])"]}"#)
                let remove = try await api.call(.delete, "/v1/listingcarts/\(cart)/listings/\(spare[0])", token: betty)
                let rename = try await api.call(.put, "/v1/listingcarts/\(cart)", token: betty, body: #"{"D":{"Name":"X"}}"#)
                let delete = try await api.call(.delete, "/v1/listingcarts/\(cart)", token: betty)
                for reply in [add, remove, rename, delete] { #expect(reply.status == 404 && reply.code == 404) }
            }
        }
    }

    @Test func theCurrentGroupStaysPerUser() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .demo)) { api throws in
            _ = try await api.put(group: ozzyGroupID, token: betty)
            #expect(try await api.create(#"{"Name":"Shared"}"#, token: betty).status == 200)
            // Johnny has not chosen the group: he writes his own workspace, and does not see it.
            #expect(try await api.carts(token: johnny).allSatisfy { $0["Name"] as? String != "Shared" })
            #expect(try await api.create(#"{"Name":"Shared"}"#, token: johnny).status == 200)
            _ = try await api.put(group: ozzyGroupID, token: johnny)
            #expect(try await api.carts(token: johnny).filter { $0["Name"] as? String == "Shared" }.count == 1)
        }
    }

    @Test func cartsHoldingListings() async throws {
        try await inOzzysGroup { api throws in
            let favorites = try await api.cart(named: "Favorites")
            let rejects = try await api.cart(named: "Rejects")
            let inFavorites = try #require(try await api.listingIDs(of: id(favorites)).first)
            let inRejects = try #require(try await api.listingIDs(of: id(rejects)).first)
            _ = try await api.post("/v1/listingcarts/\(id(rejects))", #"{"ListingIds":["\#(inFavorites)"]}"#)

            let one = try await api.get("/v1/listingcarts/for/\(inFavorites)").results
            #expect(one.compactMap { $0["Name"] as? String } == ["Favorites", "Rejects"])
            let both = try await api.get("/v1/listingcarts/for/\(inRejects),\(unknownListing)").results
            #expect(both.compactMap { $0["Name"] as? String } == ["Rejects"])
            #expect(try await api.get("/v1/listingcarts/for/\(spare[0])").results.isEmpty)

            let paged = try await api.get("/v1/listingcarts/for/\(inFavorites),\(inRejects)?_limit=1&_pagination=1")
            #expect(paged.results.count == 1 && paged.pagination?["TotalRows"] == 2)
            let expanded = try await api.get("/v1/listingcarts/for/\(inFavorites)?_expand=ListingIds").results
            #expect((expanded.first?["ListingIds"] as? [String])?.contains(inFavorites) == true)
            #expect(try await api.call(.post, "/v1/listingcarts/for/\(inFavorites)", body: "{}").status == 405)
        }
    }

    @Test(arguments: [DemoDataSet.demo, .seed])
    func oneListingWithItsStandardFields(dataSet: DemoDataSet) async throws {
        try await withRouter(DemoServerConfiguration(dataSet: dataSet)) { api throws in
            let listingID = try #require(dataSet.unusedListingIDs(limit: 1).first)
            let reply = try await api.get("/v1/listings/\(listingID)", token: betty)
            #expect(reply.status == 200)
            let listing = try #require(reply.results.first)
            #expect(listing["Id"] as? String == listingID && listing["ResourceUri"] as? String == "/v1/listings/\(listingID)")
            let fields = try #require(listing["StandardFields"] as? [String: Any])
            for name in ["StreetNumber", "StreetName", "City", "StateOrProvince", "PostalCode", "ListPrice", "MlsStatus", "BedsTotal",
                         "BathsTotal", "BuildingAreaTotal", "LotSizeAcres", "YearBuilt", "PropertyType", "ListingId",
                         "ListOfficeName", "PublicRemarks", "ListingKey"] {
                #expect(fields.keys.contains(name), "\(name)")
            }
            #expect(fields.values.contains { $0 as? String == "********" }, "some values are restricted")
            #expect(try await api.get("/v1/listings/\(unknownListing)", token: betty).status == 404)
            #expect(try await api.call(.put, "/v1/listings/\(listingID)", token: betty, body: "{}").status == 405)
        }
    }

    @Test func theLargeDataSetWritesItsHugeCartWithoutTrouble() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .large)) { api throws in
            let token = DemoCredentials.demoAccessToken
            let groups = try await api.get("/v1/portal/groups?_limit=1", token: token).results
            _ = try await api.put(group: try #require(groups.first?["Id"] as? String), token: token)
            let huge = try #require(try await api.carts(token: token).first { $0["ListingCount"] as? Int == 10_000 })
            let extra = try #require(DemoDataSet.large.unusedListingIDs(limit: 1).first)
            let added = try await api.post("/v1/listingcarts/\(id(huge))", #"{"ListingIds":["\#(extra)"]}"#, token: token)
            #expect(added.results.first?["ListingCount"] as? Int == 10_001)
            let last = try await api.get("/v1/listingcarts/\(id(huge))/listings?_limit=1&_page=10001", token: token).results
            #expect(last.first?["Id"] as? String == extra)
        }
    }
}

@Suite("Demo members")
struct DemoMemberTests {
    @Test func everyDemoGroupHasTwoMembersWhoCanSignIn() async throws {
        let users = DemoDataSet.demo.users
        try await withRouter(DemoServerConfiguration(dataSet: .demo)) { api throws in
            var membersOfGroup: [String: Set<String>] = [:]
            for user in users {
                let account = try await api.get("/v1/my/account", token: user.accessToken)
                #expect(account.results.first?["Id"] as? String == user.id, "\(user.name)")
                let groups = try await api.get("/v1/portal/groups?_limit=25", token: user.accessToken).results
                #expect(groups.count == user.groupOwners.count, "\(user.name)")
                for group in groups { membersOfGroup[group["Id"] as? String ?? "", default: []].insert(user.id) }
            }
            #expect(membersOfGroup.count == 6)
            for (group, members) in membersOfGroup { #expect(members.count >= 2, "group \(group)") }
            #expect(Set(users.map(\.accessToken)).count == users.count, "a token per member")
        }
    }
}

@Suite("Applied faults")
struct AppliedFaultTests {
    @Test func anAppliedErrorAnswersTheErrorAfterTheWriteHappened() async throws {
        try await inOzzysGroup(["POST:/v1/listingcarts=applied:500:1040:1"]) { api throws in
            let first = try await api.create(#"{"Name":"Lake houses"}"#)
            #expect(first.status == 500 && first.code == 1040)
            #expect(try await api.carts().filter { $0["Name"] as? String == "Lake houses" }.count == 1, "it was created")
            // The rule fired once; a refusal keeps its own answer.
            let again = try await api.create(#"{"Name":"Lake houses"}"#)
            #expect(again.status == 409 && again.code == 1055)
        }
    }

    @Test func anAppliedErrorNeverHidesARefusal() async throws {
        try await inOzzysGroup(["POST:/v1/listingcarts=applied:503:1040"]) { api throws in
            #expect(try await api.create(#"{"Name":"Favorites"}"#).status == 409)
            #expect(try await api.create(#"{"Name":"New one"}"#).status == 503)
        }
    }
}

@Suite("Cart writes over HTTP")
struct CartWriteLiveTests {
    @Test func aMemberRemovedFromTheGroupGets1025OnWrites() async throws {
        try await withJohnnyRemovedFromOzzysGroup { server, headers in
            let reply = try await httpRequest(URL(string: server.baseURL.absoluteString + "/v1/listingcarts")!, method: "POST",
                                              headers: headers, body: #"{"D":{"ListingCarts":[{"Name":"Too late"}]}}"#)
            #expect(reply.status == 400 && reply.code == 1025)
            let johnnyID = try #require(DemoDataSet.demo.users.first { $0.accessToken == johnny }?.id)
            let posts = await server.journal.requests(method: "POST", path: "/v1/listingcarts")
            #expect(posts.map(\.status) == [400] && posts.first?.userID == johnnyID)
        }
    }
}
