import Foundation
import SparkAPI
import SparkMock
import Testing
import TerminalUI
import TestSupport

/// Live refresh (#16), in process against the demo server on the test clock: another member changes the shared
/// workspace with a client of the test's own, the clock moves one interval, and the screen shows and says it. No test
/// waits for a real interval.
///
/// Betty (`DEMO_ACCESS_TOKEN`) and Johnny (`DEMO_ACCESS_TOKEN_JOHNNY`) are both members of Ozzy Owner's group, whose
/// Favorites hold 2 listings and Possibilities 3.
@Suite struct LiveTests {
    static let interval: Duration = .seconds(20)
    static let ozzyGroup = "20130919194721820379000000"
    static let johnny = "DEMO_ACCESS_TOKEN_JOHNNY"

    /// The app as Betty, acting for Ozzy's group (chosen by keys), its carts on screen.
    private func withBettyInOzzysGroup(_ body: (InProcessScreen, DemoServer) async throws -> Void) async throws {
        try await InProcessScreen.run(DemoServerConfiguration(dataSet: .demo), token: DemoCredentials.demoAccessToken,
                                      refreshInterval: Self.interval) { screen, server in
            try await screen.waitFor("the first screen") { isQuiet($0) && $0.contains { $0.contains("Weekend cabins") } }
            // My own workspace, Carl Contact, José Núñez, Ozzy Owner, …
            try await screen.press(.char("j"), .char("j"), .char("j"), .enter)
            try await screen.waitFor("Ozzy's carts") { screen in
                isQuiet(screen) && screen[0].contains("acting for: Ozzy Owner's group")
                    && screen.contains { $0.contains("Possibilities") } && !screen.contains { $0.contains("Weekend cabins") }
            }
            try await body(screen, server)
            try await screen.press(.char("q"))
            try await screen.waitForExit()
        }
    }

    private func withClient<T: Sendable>(_ server: DemoServer, token: String,
                                         _ body: @Sendable (SparkClient) async throws -> T) async throws -> T {
        try await SparkClient.withLive(configuration: SparkClientConfiguration(baseURL: server.baseURL, userAgent: "spark-portal-tests"),
                                       tokens: StaticToken(token), body)
    }

    /// Johnny, in Ozzy's group, adds to its Favorites a listing of its Possibilities it does not hold yet.
    private func johnnyAddsAFavorite(_ server: DemoServer) async throws -> ListingCart {
        try await withClient(server, token: Self.johnny) { client in
            try await client.chooseGroup(id: Self.ozzyGroup)
            let carts = try await client.listingCarts()
            let favorites = try #require(carts.first { $0.name == "Favorites" })
            let possibilities = try #require(carts.first { $0.name == "Possibilities" })
            let held = Set(try await client.listingCart(id: favorites.id, withListingIds: true).listingIds ?? [])
            let candidate = try #require(try await client.listings(inCart: possibilities.id).first { !held.contains($0.id) })
            return try await client.addListing(candidate.id, toCart: favorites.id)
        }
    }

    /// One interval later, once the poll's timer is waiting on the clock.
    private func nextInterval(_ screen: InProcessScreen) async {
        await screen.clock.waitForSleepers()
        screen.clock.advance(by: Self.interval)
    }

    @Test func anotherMembersFavoriteShowsItsNewCountAndIsSaidInWords() async throws {
        try await withBettyInOzzysGroup { screen, server in
            let favorites = try await johnnyAddsAFavorite(server)
            #expect(favorites.listingCount == 3)
            let before = screen.requestEvents.count
            await nextInterval(screen)
            let shown = try await screen.waitFor("the new count, marked and said") { screen in
                screen.contains { $0.contains("Favorites") && $0.contains("2 → 3") }
                    && screen.last?.contains("Favorites: 2 → 3 listings.") == true
            }
            #expect(shown.contains { $0.contains("Possibilities") && $0.contains(" 3") && !$0.contains("→") })
            // The poll read the current group and the carts, nothing else.
            let polled = screen.requestEvents.dropFirst(before).map { "\($0.method) \($0.path.split(separator: "?")[0])" }
            #expect(polled == ["GET /v1/portal/groups/current", "GET /v1/listingcarts"])
        }
    }

    @Test func withTheCartOpenItsNewListingComesInMarkedNew() async throws {
        try await withBettyInOzzysGroup { screen, server in
            try await screen.press(.tab, .tab, .char("/"))
            try await screen.type("Favorites")
            try await screen.press(.enter, .enter)
            let opened = try await screen.waitFor("the Favorites' listings") { isQuiet($0) && paneTitle($0, pane: 2).contains("Favorites · listings") }
            let rowsBefore = paneRows(opened, pane: 2).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
            _ = try await johnnyAddsAFavorite(server)
            await nextInterval(screen)
            let shown = try await screen.waitFor("the new listing, marked new") { screen in
                isQuiet(screen) && (screen.last ?? "").contains("New in 'Favorites': ")
            }
            let rows = paneRows(shown, pane: 2).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(rows.count == rowsBefore + 1)
            #expect(rows.filter { $0.contains(" new ") }.count == 1)
            #expect(paneTitle(shown, pane: 2).contains("Favorites · listings"), "the view stays open")
        }
    }

    @Test func theCurrentGroupChangedElsewhereMovesTheMarkAndTheTitleSaysSo() async throws {
        try await withBettyInOzzysGroup { screen, server in
            // Betty herself, in another terminal: her own workspace.
            try await withClient(server, token: DemoCredentials.demoAccessToken) { try await $0.leaveGroup() }
            await nextInterval(screen)
            let shown = try await screen.waitFor("the group changed elsewhere") { screen in
                isQuiet(screen) && screen[0].contains("acting for: My own workspace (changed elsewhere)")
                    && screen.contains { $0.contains("Weekend cabins") }
            }
            #expect(shown.last?.contains("Changed elsewhere: now acting for My own workspace, not Ozzy Owner's group.") == true)
            #expect(shown.contains { $0.contains("● My own workspace") })
        }
    }

    @Test func nothingIsReadWhileSuspendedTheNewsComesAfterFg() async throws {
        try await withBettyInOzzysGroup { screen, server in
            screen.holdSuspensions()
            try await screen.press(.ctrl("z"))
            await screen.waitUntilSuspended()
            let before = screen.requestEvents.count
            _ = try await johnnyAddsAFavorite(server)
            screen.clock.advance(by: Self.interval * 3)
            // The loop is held inside its suspension: nothing it would start can start. (The timer's wake-up waits in
            // the mailbox.)
            #expect(screen.requestEvents.count == before)
            screen.resume()
            try await screen.waitFor("the news after fg") { ($0.last ?? "").contains("Favorites: 2 → 3 listings.") }
        }
    }

    @Test func removedFromTheGroupSaysSoAndShowsTheOwnWorkspace() async throws {
        try await withBettyInOzzysGroup { screen, server in
            await server.removeMember("20110616210203794915000000", fromGroup: Self.ozzyGroup)
            await nextInterval(screen)
            let shown = try await screen.waitFor("the own workspace, Ozzy's group no longer listed") { screen in
                isQuiet(screen) && screen[0].contains("acting for: My own workspace")
                    && screen.contains { $0.contains("Weekend cabins") }
                    && !paneRows(screen, pane: 0).contains { $0.contains("Ozzy Owner") }
            }
            #expect(shown.last?.contains("You are no longer a member of Ozzy Owner's group") == true, "\(shown.last ?? "")")
            #expect(await server.currentGroupID(of: "20110616210203794915000000") == nil)
        }
    }
}

/// Two members in two real terminals on one spark-mock (README "Demonstrating a shared workspace"): what one does, the
/// other sees within the interval, told in words, without pressing a key.
@Suite struct LiveTerminalTests {
    @Test(.timeLimit(.minutes(2)))
    func oneMembersFavoriteIsTheOthersNewCountAndNotice() async throws {
        let server = try await MockServerProcess(["--data", "demo"])
        defer { server.stop() }
        let endpoint = server.baseURL.absoluteString
        let live = ["--refresh-interval", "0.5"]
        let betty = try await startPortalInTerminal(endpoint: endpoint, arguments: live, token: DemoCredentials.demoAccessToken,
                                                    logRequests: true)
        let johnny = try await startPortalInTerminal(endpoint: endpoint, arguments: live, size: Size(width: 80, height: 24),
                                                     token: LiveTests.johnny)
        // Both choose Ozzy Owner's group: Betty's fourth row, Johnny's second.
        try await betty.waitFor("Betty's first screen") { isQuiet($0) && $0.contains { $0.contains("Weekend cabins") } }
        try await betty.press(.char("j"), .char("j"), .char("j"), .enter)
        try await johnny.waitFor("Johnny's first screen") { $0[0].contains("Johnny Consumer") && $0.contains { $0.contains("Favorites") } }
        try await johnny.press(.char("j"), .enter)
        for screen in [betty, johnny] {
            try await screen.waitFor("Ozzy's carts") { lines in
                lines[0].contains("acting for: Ozzy Owner's group") && lines.contains { $0.contains("Possibilities") }
            }
        }
        // Betty opens Possibilities and favorites its first listing.
        try await betty.press(.tab, .tab, .char("j"), .enter)
        try await betty.waitFor("Possibilities' listings") { paneTitle($0, pane: 2).contains("Possibilities · listings") && $0.contains { $0.contains("BIRCH") } }
        try await betty.press(.char("f"))
        let bettys = try await betty.waitFor("Betty's own words") { ($0.last ?? "").contains("Favorited") }
        #expect(!(bettys.last ?? "").contains("Favorites: 2 → 3"))
        // Johnny, without a key: the new count on the row and the notice in the status line.
        let johnnys = try await johnny.waitFor("the new count and the notice") { lines in
            lines.contains { $0.contains("Favorites") && $0.contains("2 → 3") } && (lines.last ?? "").contains("Favorites: 2 → 3 listings.")
        }
        #expect(johnnys[0].contains("Johnny Consumer"))
        // Betty's screen, two polls later, never announced her own change back to her.
        let polls: @Sendable () -> Int = { betty.requestLog.components(separatedBy: "/v1/portal/groups/current").count }
        let before = polls()
        try await betty.waitUntil("two of Betty's polls after the favorite") { polls() >= before + 2 }
        let later = try await betty.screen()
        #expect(!later.joined().contains("2 → 3"))
        // Johnny copies a request of his log as curl: through OSC 52 it lands in tmux's buffer (set-clipboard on).
        try await johnny.tmux(["set", "-g", "set-clipboard", "on"])
        try await johnny.press(.char("L"), .enter, .char("y"))
        try await johnny.waitUntil("the curl command in tmux's buffer") {
            (try? await johnny.tmux(["show-buffer"], output: true))?.hasPrefix("curl \"\(endpoint)") == true
        }
        let copied = try await johnny.tmux(["show-buffer"], output: true)
        #expect(copied.contains(#"-H "Authorization: OAuth $SPARK_ACCESS_TOKEN""#) && !copied.contains("DEMO_ACCESS_TOKEN"))
        try await johnny.press(.escape, .escape)
        for screen in [betty, johnny] {
            try await screen.press(.char("q"))
            #expect(try await screen.waitForExit().status == 0)
        }
    }
}
