import Foundation
import SparkMock
import Testing

@Suite("Data sets")
struct DataSetTests {
    @Test func demoIsABelievableBrokerage() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .demo)) { api throws in
            let token = DemoCredentials.demoAccessToken
            let groups = try await api.get("/v1/portal/groups?_limit=25", token: token).results
            #expect(groups.count >= 4)
            #expect(groups.contains { memberNames($0).count >= 12 })

            let names = groups.flatMap(memberNames)
            let cjk = names.contains { $0.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0xAC00...0xD7AF).contains($0.value) } }
            let accented = names.contains { $0.unicodeScalars.contains { (0x00C0...0x017F).contains($0.value) } }
            #expect(cjk && accented)
            // The owner is the Users[] entry whose Id is ContactId.
            for group in groups {
                let users = group["Users"] as? [[String: Any]] ?? []
                #expect(users.contains { $0["Id"] as? String == group["ContactId"] as? String })
            }

            var sawRestricted = false, sawNumberAsString = false, sawCustom = false
            for group in groups {
                _ = try await api.put(group: group["Id"] as! String, token: token)
                let carts = try await api.get("/v1/listingcarts?_limit=25", token: token).results
                let types = Set(carts.compactMap { $0["PortalCartType"] as? String })
                #expect(types.isSuperset(of: ["Favorites", "Possibilities", "Recommended", "Rejects", "Removed"]))
                sawCustom = sawCustom || types.contains("Custom")
                for cart in carts where (cart["ListingCount"] as? Int ?? 0) > 0 {
                    let listings = try await api.get("/v1/listingcarts/\(cart["Id"] as! String)/listings?_limit=25", token: token).results
                    #expect(listings.count == min(25, cart["ListingCount"] as! Int))
                    for fields in listings.compactMap({ $0["StandardFields"] as? [String: Any] }) {
                        sawRestricted = sawRestricted || fields.values.contains { $0 as? String == "********" }
                        sawNumberAsString = sawNumberAsString || fields["ListPrice"] is String && fields["ListPrice"] as? String != "********"
                    }
                }
            }
            #expect(sawRestricted && sawNumberAsString && sawCustom)

            // The user's own workspace.
            _ = try await api.call(.delete, "/v1/portal/groups/current", token: token)
            #expect(try await api.get("/v1/listingcarts", token: token).results.count >= 5)
        }
    }

    @Test func largeHasThousandsOfGroupsAHugeGroupAndAHugeCart() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .large)) { api throws in
            let token = DemoCredentials.demoAccessToken
            let count = try await api.get("/v1/portal/groups?_pagination=count", token: token)
            #expect(count.pagination?["TotalRows"] == 2_000)

            let first = try await api.get("/v1/portal/groups?_limit=1", token: token).results
            let huge = try #require(first.first)
            #expect((huge["Users"] as? [Any])?.count == 100_000)

            _ = try await api.put(group: huge["Id"] as! String, token: token)
            let carts = try await api.get("/v1/listingcarts", token: token).results
            let big = try #require(carts.first { $0["ListingCount"] as? Int == 10_000 })
            let listings = try await api.get("/v1/listingcarts/\(big["Id"] as! String)/listings?_page=400&_limit=25&_pagination=1", token: token)
            #expect(listings.results.count == 25)
            #expect(listings.pagination?["TotalPages"] == 400)
        }
    }

    @Test func everyDataSetListsItsDefaultUserFirst() {
        for dataSet in DemoDataSet.allCases {
            #expect(!dataSet.users.isEmpty)
            #expect(dataSet.defaultUser == dataSet.users[0])
        }
    }

    @Test(arguments: DemoDataSet.allCases)
    func bothFixedTokensAreTheDefaultUser(dataSet: DemoDataSet) async throws {
        try await withRouter(DemoServerConfiguration(dataSet: dataSet)) { api throws in
            for token in [DemoCredentials.seedAccessToken, DemoCredentials.demoAccessToken] {
                let account = try await api.get("/v1/my/account", token: token)
                #expect(account.results.first?["Id"] as? String == dataSet.defaultUser.id)
            }
        }
    }
}

@Suite("Paging")
struct PagingTests {
    private func ids(_ reply: Reply) -> [String] { reply.results.compactMap { $0["Id"] as? String } }

    @Test func defaultLimitIsTen() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .large)) { api throws in
            let reply = try await api.get("/v1/portal/groups?_page=2")
            #expect(reply.results.count == 10)
            #expect(reply.pagination == nil)
        }
    }

    @Test func allPagesTogetherAreEveryGroupOnce() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .large)) { api throws in
            let first = try await api.get("/v1/portal/groups?_limit=25&_page=2&_pagination=1")
            #expect(first.pagination == ["TotalRows": 2000, "PageSize": 25, "TotalPages": 80, "CurrentPage": 2])
            var all: [String] = []
            for page in 2...80 { all += ids(try await api.get("/v1/portal/groups?_limit=25&_page=\(page)")) }
            all += ids(try await api.get("/v1/portal/groups?_limit=25&_page=1"))
            #expect(all.count == 2000)
            #expect(Set(all).count == 2000)
        }
    }

    @Test func lastPageIsPartialAndBeyondIsEmpty() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .demo)) { api throws in
            let token = DemoCredentials.demoAccessToken
            let total = try #require(try await api.get("/v1/portal/groups?_pagination=count", token: token).pagination?["TotalRows"])
            let last = try await api.get("/v1/portal/groups?_limit=2&_page=\((total + 1) / 2)&_pagination=1", token: token)
            #expect(last.results.count == (total % 2 == 0 ? 2 : 1))
            let beyond = try await api.get("/v1/portal/groups?_limit=2&_page=99&_pagination=1", token: token)
            #expect(beyond.status == 200 && beyond.results.isEmpty && beyond.hasResults)
            #expect(beyond.pagination?["CurrentPage"] == 99)
        }
    }

    @Test func countReturnsOnlyPagination() async throws {
        try await withRouter { api throws in
            let reply = try await api.get("/v1/listingcarts?_pagination=count")
            #expect(reply.success == true)
            #expect(!reply.hasResults)
            #expect(reply.pagination == ["TotalRows": 6, "PageSize": 10, "TotalPages": 1, "CurrentPage": 1])
        }
    }

    @Test func emptyListHasZeroPages() async throws {
        try await withRouter { api throws in
            _ = try await api.put(group: "20130919194721820379000000")
            let carts = try await api.get("/v1/listingcarts").results
            let empty = try #require(carts.first { $0["Name"] as? String == "Recommended" }?["Id"] as? String)
            let reply = try await api.get("/v1/listingcarts/\(empty)/listings?_pagination=1")
            #expect(reply.results.isEmpty)
            #expect(reply.pagination == ["TotalRows": 0, "PageSize": 10, "TotalPages": 0, "CurrentPage": 1])
        }
    }

    @Test(arguments: ["_limit=26", "_limit=0", "_limit=-1", "_limit=ten", "_page=0", "_page=x", "_pagination=yes"])
    func invalidPagingIs400Code1053(query: String) async throws {
        try await withRouter { api throws in
            let reply = try await api.get("/v1/portal/groups?\(query)")
            #expect(reply.status == 400)
            #expect(reply.code == 1053)
        }
    }

    @Test func limitOfTwentyFiveIsAllowed() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .large)) { api throws in
            #expect(try await api.get("/v1/portal/groups?_limit=25").results.count == 25)
        }
    }
}
