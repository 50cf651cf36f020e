import Foundation
import SparkAPI
import SparkMock
import Testing
import TerminalUI
import TestSupport

/// The workspace pane's tabs (#17) by keys alone, in process against the demo server: the Searches tab, a search's
/// listings (and a favorite among them), renaming a search and undoing it, pausing and resuming a feed, and news feeds
/// a key may not read. After each change the server's state is read back by a client of the test's own.
///
/// Betty's own workspace in `demo` has one saved search, "Weekend cabins under $400k", followed by the paused news
/// feed "Weekend cabins".
@Suite struct SearchesAndFeedsTests {
    static let search = "Weekend cabins under $400k"

    private func withApp(_ configuration: DemoServerConfiguration = DemoServerConfiguration(dataSet: .demo),
                         _ body: (InProcessScreen, DemoServer) async throws -> Void) async throws {
        try await InProcessScreen.run(configuration) { screen, server in
            try await screen.waitFor("the first screen") { isQuiet($0) && paneRows($0, pane: 2).contains { $0.contains("Weekend cabins") } }
            try await body(screen, server)
            try await screen.press(.char("q"))
            try await screen.waitForExit()
        }
    }

    private func withClient<T: Sendable>(_ server: DemoServer, _ body: @Sendable (SparkClient) async throws -> T) async throws -> T {
        try await SparkClient.withLive(configuration: SparkClientConfiguration(baseURL: server.baseURL, userAgent: "spark-portal-tests"),
                                       tokens: StaticToken(demoToken), body)
    }

    /// The workspace pane's list rows that are not blank: without the column headers, and above the rule of the
    /// Searches tab's footer (the highlighted search's filter).
    private func rows(_ screen: [String]) -> [String] {
        paneRows(screen, pane: 2).dropFirst().prefix { !$0.hasPrefix("───") }.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// From the start: the workspace pane focused, `]` to the Searches tab, its search on screen.
    private func openSearches(_ screen: InProcessScreen) async throws -> [String] {
        try await screen.press(.tab, .tab, .char("]"))
        return try await screen.waitFor("the Searches tab") { screen in
            isQuiet(screen) && paneRows(screen, pane: 2).first?.contains("Changed") == true
                && paneRows(screen, pane: 2).contains { $0.contains(Self.search) }
        }
    }

    @Test func openASearchsListingsAndFavoriteOneThenRenameTheSearchAndUndo() async throws {
        try await withApp { screen, server in
            var shown = try await openSearches(screen)
            #expect(screen.size.width == 120 && paneTitle(shown, pane: 2).contains("Carts · Searches · Feeds · my own"))
            let searches = try await withClient(server) { try await $0.savedSearches() }
            #expect(rows(shown).count == searches.count, "every search of the workspace: \(rows(shown))")
            #expect(shown.contains { $0.contains("Filter: (City Eq 'Priest River' Or City Eq") },
                    "the highlighted search's filter under the list")

            // Enter: the listings the server says the search matches, in the listings view.
            let id = try #require(searches.first { $0.name == Self.search }).id
            let matching = try await withClient(server) { try await $0.listingsPage(matchingSearch: id, page: 1, limit: 25) }
            try #require(!matching.items.isEmpty)
            try await screen.press(.enter)
            shown = try await screen.waitFor("the search's listings") { screen in
                isQuiet(screen) && paneTitle(screen, pane: 2).contains("\(Self.search) · listings")
                    && self.rows(screen).count > 1
            }
            let addresses = rows(shown).map { String($0.dropFirst(2)) }
            #expect(addresses.count == matching.items.count, "\(addresses)")
            let first = matching.items[0]
            let street = try #require(first.streetAddress.value)
            #expect(addresses.first?.hasPrefix(String(street.prefix(12))) == true, "\(addresses.first ?? "") vs \(street)")
            #expect(!shown.last!.contains("d remove"), "no cart to remove from: not offered")

            // f favorites the first of them, as in a cart's listings; the server's Favorites hold it.
            try await screen.press(.char("f"))
            shown = try await screen.waitFor("the favorite") { isQuiet($0) && ($0.last ?? "").contains("Favorited") }
            #expect(rows(shown).first?.hasPrefix("★") == true, "\(rows(shown))")
            let holders = try await withClient(server) { try await $0.carts(holding: [first.id]) }
            #expect(holders.contains { $0.portalCartType == .favorites })

            // d says why not; nothing is sent.
            let writes = { await server.journal.requests.filter { $0.method != "GET" }.count }
            let before = await writes()
            try await screen.press(.char("d"))
            try await screen.waitFor("d takes a listing out of a cart")
            #expect(await writes() == before)

            // Back to the tab; R renames the search on the server.
            try await screen.press(.escape)
            try await screen.waitFor("the Searches tab again") { self.rows($0).contains { $0.contains(Self.search) } }
            try await screen.press(.char("R"))
            try await screen.waitFor("Rename saved search", "A new name for '\(Self.search)' in your own workspace.")
            try await screen.press(.ctrl("u"))
            try await screen.type("Cabins for the weekend")
            try await screen.press(.enter)
            shown = try await screen.waitFor("the rename") { isQuiet($0) && self.rows($0).contains { $0.contains("Cabins for the weekend") } }
            #expect(shown.last?.contains("Renamed the saved search '\(Self.search)' to 'Cabins for the weekend'; u renames it back.") == true,
                    "\(shown.last ?? "")")
            var names = try await withClient(server) { try await $0.savedSearches().map(\.name) }
            #expect(names == ["Cabins for the weekend"])

            // u renames it back, on the server too.
            try await screen.press(.char("u"))
            shown = try await screen.waitFor("the undo") { isQuiet($0) && ($0.last ?? "").contains("Undid") }
            #expect(rows(shown).contains { $0.contains(Self.search) })
            names = try await withClient(server) { try await $0.savedSearches().map(\.name) }
            #expect(names == [Self.search])
        }
    }

    @Test func resumeAndPauseAFeedAndTheServerAgrees() async throws {
        try await withApp { screen, server in
            _ = try await openSearches(screen)
            try await screen.press(.char("]"))
            var shown = try await screen.waitFor("the Feeds tab") { screen in
                isQuiet(screen) && self.rows(screen).contains { $0.contains("Weekend cabins") && $0.contains("paused") }
            }
            #expect(paneRows(shown, pane: 2).first?.contains("State") == true, "\(paneRows(shown, pane: 2))")

            try await screen.press(.char("p"))
            shown = try await screen.waitFor("the resume") { isQuiet($0) && ($0.last ?? "").contains("Resumed the news feed") }
            #expect(rows(shown).contains { $0.contains("Weekend cabins") && $0.contains("active") }, "\(rows(shown))")
            #expect(shown.last?.contains("Resumed the news feed 'Weekend cabins' (it follows '\(Self.search)'); u pauses it again.") == true,
                    "\(shown.last ?? "")")
            var feeds = try await withClient(server) { try await $0.newsFeeds().feeds }
            #expect(feeds?.map(\.isPaused) == [false])

            // Space (the other key of the same command) pauses it again.
            try await screen.press(.char(" "))
            shown = try await screen.waitFor("the pause") { isQuiet($0) && ($0.last ?? "").contains("Paused the news feed") }
            #expect(rows(shown).contains { $0.contains("Weekend cabins") && $0.contains("paused") })
            feeds = try await withClient(server) { try await $0.newsFeeds().feeds }
            #expect(feeds?.map(\.isPaused) == [true])
        }
    }

    @Test func aKeyWithoutTheNewsFeedPrivilegeSeesAStateNotAnError() async throws {
        try await withApp(DemoServerConfiguration(dataSet: .demo, newsFeedPrivilege: false)) { screen, server in
            try await screen.press(.tab, .tab, .char("["))
            let shown = try await screen.waitFor("the Feeds tab's sentence") { screen in
                isQuiet(screen) && paneRows(screen, pane: 2).first?.contains("News feeds need a privileged API key") == true
            }
            #expect(!shown.last!.contains("Enter listings") && !shown.last!.contains("pause/resume"), "\(shown.last!)")
            let asked = await server.journal.requests.filter { $0.path.hasPrefix("/v1/newsfeeds") }.count
            #expect(asked == 1, "asked once, never again by itself")
            // The searches work as usual.
            try await screen.press(.char("["))
            try await screen.waitFor("the Searches tab") { isQuiet($0) && self.rows($0).contains { $0.contains(Self.search) } }
        }
    }
}
