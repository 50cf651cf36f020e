import Foundation
import SparkAPI
import SparkMock
import Testing
import TerminalUI
import TestSupport

/// Working in the shared workspace by keys alone (#15), in process against the demo server: after each change the
/// server's carts are read back by a separate client, and the screen must show what the server has.
///
/// Betty's own workspace in `demo`: Favorites (4), Possibilities (2), Recommended (1), Rejects (0), Removed (1) and
/// her cart Weekend cabins (3).
@Suite struct WorkspaceTests {
    static let betty = "Betty Buyer"

    private func withApp(_ faults: [String] = [], _ body: (InProcessScreen, DemoServer) async throws -> Void) async throws {
        var plan = FaultPlan()
        for rule in faults { try plan.add(rule) }
        try await InProcessScreen.run(DemoServerConfiguration(dataSet: .demo, faults: plan)) { screen, server in
            try await screen.waitFor("the first screen") { isQuiet($0) && cartRows($0).contains { $0.contains("Weekend cabins") } }
            try await body(screen, server)
            try await screen.press(.char("q"))
            try await screen.waitForExit()
        }
    }

    /// The server's carts, read with a client of the test's own.
    private func serverCarts(_ server: DemoServer) async throws -> [ListingCart] {
        try await withClient(server) { try await $0.listingCarts() }
    }

    private func withClient<T: Sendable>(_ server: DemoServer, _ body: @Sendable (SparkClient) async throws -> T) async throws -> T {
        try await SparkClient.withLive(configuration: SparkClientConfiguration(baseURL: server.baseURL, userAgent: "spark-portal-tests"),
                                       tokens: StaticToken(demoToken), body)
    }

    /// Opens a cart's listings from the carts pane by filtering for its name; waits for them.
    private func open(_ cart: String, _ screen: InProcessScreen) async throws {
        try await screen.press(.tab, .tab, .char("/"))
        try await screen.type(cart)
        try await screen.press(.enter, .enter)
        try await screen.waitFor("the listings of \(cart)") { isQuiet($0) && paneTitle($0, pane: 2).contains("\(cart) · listings") }
    }

    /// Every cart's name and count in the carts pane equals the server's.
    private func expectCartsPaneEqualsServer(_ screen: [String], _ server: DemoServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let carts = try await serverCarts(server)
        // Each row without its marker column: "Weekend cabins    3 custom".
        let shown = cartRows(screen).map { String($0.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Name") }
        #expect(shown.count == carts.count, "\(shown) vs \(carts.map(\.name))", sourceLocation: sourceLocation)
        for cart in carts {
            let row = shown.first { $0.hasPrefix(cart.name + " ") }
            #expect(row?.contains(" \(cart.listingCount ?? -1) ") == true || row?.hasSuffix(" \(cart.listingCount ?? -1)") == true,
                    "\(cart.name) has \(cart.listingCount ?? -1) on the server; the pane shows \(row ?? "nothing")", sourceLocation: sourceLocation)
        }
    }

    @Test func favoriteThenRejectAListingAndReadTheServersCartsBack() async throws {
        try await withApp { screen, server in
            try await open("Possibilities", screen)
            let first = try await withClient(server) { client -> Listing in
                let possibilities = try await client.listingCarts().first { $0.portalCartType == .possibilities }!
                return try await client.listings(inCart: possibilities.id)[0]
            }
            try await screen.press(.char("f"))
            var shown = try await screen.waitFor("the favorite") { isQuiet($0) && ($0.last ?? "").contains("Favorited") }
            #expect(shown.contains { $0.contains("┃★") }, "the row shows the favorite")
            var holders = try await withClient(server) { try await $0.carts(holding: [first.id]) }
            #expect(holders.contains { $0.portalCartType == .favorites })

            try await screen.press(.char("x"))
            shown = try await screen.waitFor("the reject") { isQuiet($0) && ($0.last ?? "").contains("Rejected") }
            #expect(shown.last?.contains("out of 'Favorites'") == true, "\(shown.last ?? "")")
            #expect(shown.contains { $0.contains("┃✗") })
            holders = try await withClient(server) { try await $0.carts(holding: [first.id]) }
            #expect(holders.contains { $0.portalCartType == .rejects })
            #expect(!holders.contains { $0.portalCartType == .favorites }, "Favorites and Rejects exclude each other")

            // The counts on screen are the server's.
            try await screen.press(.escape, .escape)
            shown = try await screen.waitFor("the carts") { isQuiet($0) && paneTitle($0, pane: 2).contains("Carts · Searches · Feeds · my own ━") }
            try await expectCartsPaneEqualsServer(shown, server)

            // The command line reads the same from the server: the listing is in Rejects, not in Favorites.
            let cli = try await runPortal(["--endpoint", server.baseURL.absoluteString, "listing", first.id, "--json"])
            #expect(cli.status == 0, "\(cli.error)")
            let object = try JSONSerialization.jsonObject(with: Data(cli.output.utf8)) as? [String: Any]
            let types = (object?["ListingCarts"] as? [[String: Any]])?.compactMap { $0["PortalCartType"] as? String } ?? []
            #expect(types.contains("Rejects") && !types.contains("Favorites"), "\(types)")
        }
    }

    @Test func createRenameAndDeleteACartByKeys() async throws {
        try await withApp { screen, server in
            try await screen.press(.tab, .tab, .char("n"))
            try await screen.waitFor("New cart", "A new, empty cart in your own workspace.")
            try await screen.type("Lake views")
            try await screen.press(.enter)
            var shown = try await screen.waitFor("the new cart") { isQuiet($0) && cartRows($0).contains { $0.contains("Lake views") } }
            #expect(shown.last?.contains("Created 'Lake views'.") == true)
            #expect(try await serverCarts(server).filter { $0.name == "Lake views" }.count == 1)

            try await screen.press(.end, .char("R"), .ctrl("u"))
            try await screen.type("Lakeside")
            try await screen.press(.enter)
            shown = try await screen.waitFor("the rename") { isQuiet($0) && cartRows($0).contains { $0.contains("Lakeside") } }
            #expect(!cartRows(shown).contains { $0.contains("Lake views") })
            #expect(try await serverCarts(server).map(\.name).contains("Lakeside"))

            try await screen.press(.char("d"))
            try await screen.waitFor("Delete 'Lakeside' (0 listings) from your own workspace?", "y delete · N keep")
            try await screen.press(.char("y"))
            shown = try await screen.waitFor("the delete") { isQuiet($0) && !cartRows($0).contains { $0.contains("Lakeside") } }
            #expect(shown.last?.contains("Deleted 'Lakeside' (0 listings); u re-creates it.") == true, "\(shown.last ?? "")")
            #expect(!(try await serverCarts(server).map(\.name).contains("Lakeside")))
            try await expectCartsPaneEqualsServer(shown, server)

            // A portal cart says why not, and nothing is sent.
            let puts = { await server.journal.requests.filter { $0.method == "PUT" }.count }
            let before = await puts()
            try await screen.press(.home, .char("R"))
            try await screen.waitFor("Favorites is a portal cart: it keeps its name.")
            #expect(await puts() == before)
        }
    }

    @Test func addAListingToANewCart() async throws {
        try await withApp { screen, server in
            try await open("Possibilities", screen)
            try await screen.press(.char("a"))
            try await screen.waitFor("Enter choose · Esc cancel", "New cart…")
            try await screen.press(.end, .enter)
            try await screen.waitFor("A new cart in your own workspace, holding")
            try await screen.type("Lake views")
            try await screen.press(.enter)
            let shown = try await screen.waitFor("the new cart") { isQuiet($0) && ($0.last ?? "").contains("Created 'Lake views' with 1 listing.") }
            #expect(await server.journal.requests(method: "POST", path: "/v1/listingcarts").count == 1)
            let (cart, first) = try await withClient(server) { client -> (ListingCart?, Listing) in
                let carts = try await client.listingCarts()
                let possibilities = carts.first { $0.portalCartType == .possibilities }!
                let first = try await client.listings(inCart: possibilities.id)[0]
                let cart = carts.first { $0.name == "Lake views" }
                return (cart.map { $0 }, first)
            }
            let lakeViews = try #require(cart)
            #expect(lakeViews.listingCount == 1)
            let inIt = try await withClient(server) { try await $0.listings(inCart: lakeViews.id) }
            #expect(inIt.map(\.id) == [first.id])
            _ = shown

            // Its details say which carts hold it now.
            try await screen.press(.enter)
            try await screen.waitFor("the details") { screen in
                screen.contains { $0.contains("In carts") && $0.contains("Lake views") && $0.contains("Possibilities") }
            }
            try await screen.press(.escape)
        }
    }

    @Test func undoPutsBackARemovedListingAndADeletedCart() async throws {
        try await withApp { screen, server in
            try await open("Weekend cabins", screen)
            let cabins = try await withClient(server) { try await $0.listingCarts().first { $0.name == "Weekend cabins" }! }
            let before = try await withClient(server) { try await $0.listings(inCart: cabins.id).map(\.id) }
            try await screen.press(.char("d"))
            var shown = try await screen.waitFor("the removal") { isQuiet($0) && $0[1].hasSuffix("━ 2 ┓") }
            #expect(shown.last?.contains("u puts it back") == true, "\(shown.last ?? "")")
            #expect(try await withClient(server) { try await $0.listings(inCart: cabins.id).map(\.id) } == Array(before.dropFirst()))

            try await screen.press(.char("u"))
            try await screen.waitFor("the undo") { isQuiet($0) && ($0.last ?? "").contains("Undid removing") }
            try await screen.waitFor("three rows again") { isQuiet($0) && $0[1].hasSuffix("━ 3 ┓") }
            #expect(Set(try await withClient(server) { try await $0.listings(inCart: cabins.id).map(\.id) }) == Set(before))

            // Delete the cart, then undo: re-created with its name and listings.
            try await screen.press(.escape, .escape, .char("/"))   // back to the carts, the filter cleared, a new one
            try await screen.type("Weekend")
            try await screen.press(.enter, .char("d"))
            try await screen.waitFor("Delete 'Weekend cabins' (3 listings) from your", "y delete · N keep")
            try await screen.press(.char("y"))
            try await screen.waitFor("the delete") { isQuiet($0) && ($0.last ?? "").contains("Deleted 'Weekend cabins'") }
            #expect(!(try await serverCarts(server).contains { $0.name == "Weekend cabins" }))
            try await screen.press(.char("u"))
            shown = try await screen.waitFor("the re-creation") { isQuiet($0) && ($0.last ?? "").contains("Undid deleting 'Weekend cabins'") }
            let again = try #require(try await serverCarts(server).first { $0.name == "Weekend cabins" })
            #expect(again.id != cabins.id)
            #expect(Set(try await withClient(server) { try await $0.listings(inCart: again.id).map(\.id) }) == Set(before))
            try await screen.press(.escape)
            shown = try await screen.waitFor("the carts unfiltered") { isQuiet($0) && cartRows($0).contains { $0.contains("Possibilities") } }
            try await expectCartsPaneEqualsServer(shown, server)
        }
    }

    /// Every try of the favorite's POST is applied by the server, then answered 500: the client gives up, re-reads,
    /// and the screen shows what the server has — the listing is a favorite — with the error.
    @Test func aWriteThatFailsAfterTheServerAppliedItEndsShowingTheServersState() async throws {
        try await withApp(["POST:/v1/listingcarts/*=applied:500:1040"]) { screen, server in
            try await open("Possibilities", screen)
            try await screen.press(.char("f"))
            let shown = try await screen.waitFor("the failure", passingRetryWaits: true) { screen in
                isQuiet(screen) && (screen.last ?? "").contains("Couldn't favorite")
            }
            #expect(shown.contains { $0.contains("┃★") }, "the screen shows the favorite the server has")
            let first = try await withClient(server) { client -> Listing in
                let possibilities = try await client.listingCarts().first { $0.portalCartType == .possibilities }!
                return try await client.listings(inCart: possibilities.id)[0]
            }
            #expect(try await withClient(server) { try await $0.carts(holding: [first.id]) }.contains { $0.portalCartType == .favorites })
            try await screen.press(.escape, .escape)
            let carts = try await screen.waitFor("the carts") { isQuiet($0) && paneTitle($0, pane: 2).contains("Carts · Searches · Feeds · my own ━") }
            try await expectCartsPaneEqualsServer(carts, server)
        }
    }

    /// A create whose answer is lost: the client looks instead of sending it again, and the screen says what it found.
    @Test func aCreateWhoseAnswerIsLostIsFoundNotSentTwice() async throws {
        try await withApp(["POST:/v1/listingcarts=applied:500:1040:1"]) { screen, server in
            try await screen.press(.tab, .tab, .char("n"))
            try await screen.type("Lake views")
            try await screen.press(.enter)
            let shown = try await screen.waitFor("the create") { isQuiet($0) && cartRows($0).contains { $0.contains("Lake views") } }
            #expect(shown.last?.contains("Created 'Lake views'. The server failed (HTTP 500, code 1040") == true, "\(shown.last ?? "")")
            #expect(await server.journal.requests(method: "POST", path: "/v1/listingcarts").count == 1)
            try await expectCartsPaneEqualsServer(shown, server)
        }
    }
}

/// The carts pane's rows (the third pane of the wide layout).
private func cartRows(_ screen: [String]) -> [String] {
    paneRows(screen, pane: 2)
}
