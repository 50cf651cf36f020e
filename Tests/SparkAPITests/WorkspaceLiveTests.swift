import Foundation
import SparkMock
import Testing
import TestSupport

@testable import SparkAPI

/// The demo data set's first group (Ozzy Owner's): Betty and Johnny are members with tokens of their own.
private let ozzyGroup = "20130919194721820379000000"
private let betty = DemoCredentials.demoAccessToken
private let johnny = "DEMO_ACCESS_TOKEN_JOHNNY"

/// Listings of the demo pool that no cart holds at the start.
private let spare = DemoDataSet.demo.unusedListingIDs(limit: 60)

private func spareListing(_ n: Int) -> String { spare[n] }

/// Runs `body` with a demo server and a client per token, each acting for Ozzy's group.
func withWorkspace<T: Sendable>(
    faults: [String] = [], retry: RetryPolicy = .none, timeout: Duration = .seconds(10), tokens: [String] = [betty],
    newsFeedPrivilege: Bool = true, clock: any Clock<Duration> = ContinuousClock(),
    _ body: @Sendable (DemoServer, [SparkClient]) async throws -> T
) async throws -> T {
    var plan = FaultPlan()
    for fault in faults { try plan.add(fault) }
    let configuration = DemoServerConfiguration(dataSet: .demo, faults: plan, clock: clock, newsFeedPrivilege: newsFeedPrivilege)
    return try await withStartedDemoServer(configuration) { server in
        var clients: [SparkClient] = []
        for token in tokens {
            let client = try SparkClient.live(
                configuration: SparkClientConfiguration(baseURL: server.baseURL, userAgent: "workspace-tests",
                                                        requestTimeout: timeout, retry: retry),
                tokens: StaticToken(token))
            try await client.chooseGroup(id: ozzyGroup)
            clients.append(client)
        }
        do {
            let result = try await body(server, clients)
            for client in clients { await client.shutdown() }
            return result
        } catch {
            for client in clients { await client.shutdown() }
            throw error
        }
    }
}

@Suite("The write side against the demo server", .timeLimit(.minutes(1)))
struct WorkspaceLiveTests {
    @Test func favoritesAndRejectsExcludeEachOtherBothWays() async throws {
        try await withWorkspace { _, clients in
            let client = clients[0]
            let listing = spareListing(1)
            let favorite = try await client.mark(listing, as: .favorite)
            #expect(favorite.mark == .favorite && favorite.changed && favorite.error == nil)
            #expect(favorite.favorites.listingCount == 3, "Ozzy's Favorites had 2")
            #expect(favorite.holders.map(\.name) == ["Favorites"])

            let reject = try await client.mark(listing, as: .reject)
            #expect(reject.mark == .reject)
            #expect(reject.addedTo?.name == "Rejects" && reject.removedFrom.map(\.name) == ["Favorites"])
            #expect(reject.favorites.listingCount == 2 && reject.rejects.listingCount == 2)

            let back = try await client.mark(listing, as: .favorite)
            #expect(back.mark == .favorite && back.removedFrom.map(\.name) == ["Rejects"])

            let again = try await client.mark(listing, as: .favorite)
            #expect(!again.changed && again.mark == .favorite, "marking twice changes nothing")

            let none = try await client.mark(listing, as: .none)
            #expect(none.mark == ListingMark.none && none.holders.isEmpty)

            // What the server says, read afresh.
            let holders = try await client.carts(holding: [listing])
            #expect(holders.isEmpty)
            let carts = try await client.listingCarts()
            #expect(carts.first { $0.portalCartType == .favorites }?.listingCount == 2)
            #expect(carts.first { $0.portalCartType == .rejects }?.listingCount == 1)
        }
    }

    @Test func aFailureHalfWayReturnsTheServersTruthWithTheError() async throws {
        // The add to Rejects goes through; taking it out of Favorites fails: the listing is in both, and says so.
        try await withWorkspace(faults: ["DELETE:/v1/listingcarts/*=500:1040"]) { server, clients in
            let client = clients[0]
            let listing = spareListing(2)
            _ = try await client.mark(listing, as: .favorite)
            let result = try await client.mark(listing, as: .reject)
            #expect(result.error?.httpStatus == 500)
            #expect(result.isFavorite && result.isRejected && result.mark == nil)
            #expect(Set(result.holders.map(\.name)) == ["Favorites", "Rejects"])
            #expect(result.favorites.listingCount == 3 && result.rejects.listingCount == 2)
            let reread = await server.journal.requests.filter { $0.path == "/v1/listingcarts/for/\(listing)" }
            #expect(reread.count == 3, "read before each mark, and again after the failure")
        }
    }

    @Test func aRefusedAddChangesNothingAndSaysWhere() async throws {
        try await withWorkspace { _, clients in
            let result = try await clients[0].mark("20000101000000000000000000", as: .favorite)
            #expect(result.error?.sparkCode == 1053)
            #expect(result.holders.isEmpty && !result.changed)
            #expect(result.favorites.listingCount == 2)
        }
    }

    @Test func twoMembersAddingToOneCartAtOnceBothLand() async throws {
        try await withWorkspace(tokens: [betty, johnny]) { server, clients in
            let carts = try await clients[0].listingCarts()
            let possibilities = try #require(carts.first { $0.portalCartType == .possibilities })
            let mine = (10..<30).map(spareListing)
            let theirs = (30..<50).map(spareListing)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (client, listings) in [(clients[0], mine), (clients[1], theirs)] {
                    group.addTask { for id in listings { _ = try await client.addListing(id, toCart: possibilities.id) } }
                }
                try await group.waitForAll()
            }
            let after = try await clients[1].listingCart(id: possibilities.id, withListingIds: true)
            #expect(after.listingCount == 3 + 40)
            #expect(Set(after.listingIds ?? []).isSuperset(of: mine + theirs))
            let users = Set(await server.journal.requests.filter { $0.method == "POST" }.compactMap(\.userID))
            #expect(users.count == 2, "both members wrote")
        }
    }

    @Test func anAddWhoseAnswerWasLostIsSentAgainAndCountsOnce() async throws {
        try await withWorkspace(faults: ["POST:/v1/listingcarts/*=applied:500:1040:1"], retry: recordingRetry(Recorder())) { server, clients in
            let carts = try await clients[0].listingCarts()
            let rejects = try #require(carts.first { $0.portalCartType == .rejects })
            let cart = try await clients[0].addListing(spareListing(3), toCart: rejects.id)
            #expect(cart.listingCount == 2)
            #expect(await server.journal.requests(method: "POST", path: "/v1/listingcarts/\(rejects.id)").count == 2)
        }
    }

    @Test func aCreateAnsweredWithAnErrorAfterItWasAppliedIsFoundNotResent() async throws {
        try await withWorkspace(faults: ["POST:/v1/listingcarts=applied:500:1040"], retry: recordingRetry(Recorder())) { server, clients in
            let outcome = await clients[0].createCart(named: "Lake houses", listingIds: [spareListing(4), spareListing(5)])
            guard case .createdAnswerLost(let cart, let error) = outcome else { Issue.record("got \(outcome)"); return }
            #expect(error.httpStatus == 500)
            #expect(cart.name == "Lake houses" && cart.listingCount == 2)
            #expect(await server.journal.requests(method: "POST", path: "/v1/listingcarts").count == 1)
            let named = try await clients[0].listingCarts().filter { $0.name == "Lake houses" }
            #expect(named.count == 1)
        }
    }

    @Test func aCreateWhoseAnswerNeverCameIsFoundNotResent() async throws {
        // Held on a clock that never moves, the answer never comes; the time limit is long enough for the reads
        // around the POST to be answered on a loaded machine.
        let clock = TestClock()
        defer { clock.stop() }
        try await withWorkspace(faults: ["POST:/v1/listingcarts=stall:60:1"], retry: recordingRetry(Recorder()),
                                timeout: .seconds(3), clock: clock) { server, clients in
            let outcome = await clients[0].createCart(named: "Lake houses")
            guard case .createdAnswerLost(let cart, let error) = outcome else { Issue.record("got \(outcome)"); return }
            #expect(error == .transport(.timedOut, host: "127.0.0.1", context: RequestContext(method: "POST", path: "/v1/listingcarts")))
            #expect(cart.name == "Lake houses")
            #expect(await server.journal.requests(method: "POST", path: "/v1/listingcarts").count == 1)
        }
    }

    @Test func autoNamePicksAFreeName() async throws {
        try await withWorkspace { _, clients in
            #expect(await clients[0].createCart(named: "Cabins").cart?.name == "Cabins")
            let second = await clients[0].createCart(named: "cabins", autoName: true)
            #expect(second.cart?.name == "cabins (2)")
            guard case .notCreated(let error) = await clients[0].createCart(named: "CABINS") else {
                Issue.record("a taken name without AutoName is refused"); return
            }
            #expect(error.httpStatus == 409 && error.sparkCode == 1055)
        }
    }

    @Test func oneListingWithItsFieldsAndWhoHoldsIt() async throws {
        try await withWorkspace { _, clients in
            let client = clients[0]
            let favorites = try #require(try await client.listingCarts().first { $0.portalCartType == .favorites })
            let inFavorites = try #require(try await client.listingCart(id: favorites.id, withListingIds: true).listingIds?.first)
            let listing = try await client.listing(id: inFavorites)
            #expect(listing.id == inFavorites)
            #expect(listing.city.value != nil && listing.postalCode.value != nil && listing.stateOrProvince == .value("ID"))
            #expect(listing.yearBuilt != .absent && listing.propertyType.value != nil && listing.listingNumber.value != nil)
            #expect(try await client.carts(holding: [inFavorites]).map(\.id) == [favorites.id])
            let missing = await #expect(throws: SparkError.self) { try await client.listing(id: "20000101000000000000000000") }
            #expect(missing?.httpStatus == 404)
        }
    }
}
