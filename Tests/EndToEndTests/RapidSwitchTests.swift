import Foundation
import SparkAPI
import SparkMock
import Testing
import TerminalUI
import TestSupport

/// Enter pressed on random groups as fast as keys come, against a server with random latency (and, in the second
/// run, random PUT/DELETE failures). When everything has settled, the screen shows exactly what the server has: the
/// ● row, the title, and the carts. In process; the server keeps real time, so its latency makes real races.
@Suite struct RapidSwitchTests {
    struct Run: CustomTestStringConvertible, Sendable {
        var name: String
        var seed: UInt64
        var faults: [String]
        var testDescription: String { name }
    }

    static let runs = [
        Run(name: "random latency", seed: 0xC0FFEE, faults: []),
        Run(name: "random latency and failing switches", seed: 0xBADC0DE, faults: [
            "PUT:/v1/portal/groups/current=400:1025:0.15",
            "PUT:/v1/portal/groups/current=503:1040:0.15",
            "DELETE:/v1/portal/groups/current=500:1040:0.2",
        ]),
    ]

    @Test(arguments: runs)
    func twoHundredRandomSwitchesEndOnTheServersState(_ run: Run) async throws {
        var plan = FaultPlan(latency: .milliseconds(1), jitter: .milliseconds(25))
        for rule in run.faults { try plan.add(rule) }
        let configuration = DemoServerConfiguration(dataSet: .demo, faults: plan, seed: run.seed)
        try await InProcessScreen.run(configuration, serverOnTestClock: false) { screen, server in
            var shown = try await screen.waitForWholeFrame("the first screen", also: isQuiet)
            let rows = pickerNames(shown)
            try #require(rows.count == 6, "My own workspace and Betty's five groups: \(rows)")
            #expect(rows[0] == "My own workspace")

            // 200 choices: move to a random row, press Enter. The highlight starts on the current workspace (row 0).
            var random = SeededRandom(seed: run.seed)
            var cursor = 0
            var keys: [Key] = []
            for _ in 0..<200 {
                let target = Int.random(in: 0..<rows.count, using: &random)
                keys += Array(repeating: target > cursor ? .down : .up, count: abs(target - cursor)) + [.enter]
                cursor = target
            }
            let lastChoice = cursor
            try await screen.press(keys)
            // A marker key: once help is drawn, every key before it has been handled. Failed switches are retried
            // after waits, which pass on the test clock.
            try await screen.press(.char("?"))
            try await screen.waitFor("help after the last key", passingRetryWaits: true) { $0.contains { $0.contains("Esc close") } }
            try await screen.press(.escape)
            let size = screen.size
            shown = try await screen.waitFor("quiet after the switching", passingRetryWaits: true) { screen in
                isQuiet(screen) && !screen.contains { $0.contains("Esc close") }
                    && threePaneFrameProblems(screen, width: size.width, height: size.height).isEmpty
            }

            // The server's state, read by a separate client.
            let (current, carts) = try await SparkClient.withLive(
                configuration: SparkClientConfiguration(baseURL: server.baseURL, userAgent: "spark-portal-tests"),
                tokens: StaticToken(demoToken)) { client in
                (try await client.currentGroup(), try await client.listingCarts())
            }
            let serverName = current?.ownerName ?? "My own workspace"
            let switches = screen.requestEvents.filter { $0.method == "PUT" || $0.method == "DELETE" }
            print("\(run.name): last choice \(rows[lastChoice]), server has \(serverName); \(switches.count) PUT/DELETE requests for 200 choices")

            if run.faults.isEmpty {
                #expect(serverName == rows[lastChoice], "the server ends on the user's last choice")
            }
            let marked = paneRows(shown, pane: 0).filter { $0.contains("●") }
            #expect(marked.count == 1, "exactly one ● row: \(marked)")
            #expect(marked.first?.contains(serverName) == true, "● is on \(serverName): \(marked)")
            let expectedTitle = current == nil ? "acting for: My own workspace" : "acting for: \(serverName)'s group"
            #expect(shown[0].contains(expectedTitle), "title: \(shown[0]), server: \(serverName)")
            // The first row holds the column headers.
            let cartRows = paneRows(shown, pane: 2).dropFirst().filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(cartRows.count == carts.count, "the carts pane lists the server's \(carts.count) carts: \(cartRows)")
            for cart in carts {
                #expect(cartRows.contains { $0.contains(cart.name) && $0.split(separator: " ").contains(Substring(String(cart.listingCount ?? -1))) },
                        "cart \(cart.name) (\(cart.listingCount ?? -1)) on screen: \(cartRows)")
            }
            let cartsTitle = paneTitle(shown, pane: 2)
            // Beside the tabs (Carts · Searches · Feeds) a long owner's name is cut: its start is there.
            #expect(cartsTitle.contains(current == nil ? "my own" : String(serverName.prefix(10))), "carts pane title: \(cartsTitle)")

            try await screen.press(.char("q"))
            try await screen.waitForExit()
        }
    }

    /// The picker's rows (names only, without marker and member count), top to bottom, under the column headers.
    private func pickerNames(_ screen: [String]) -> [String] {
        paneRows(screen, pane: 0).dropFirst().compactMap { row -> String? in
            var text = row.trimmingCharacters(in: .whitespaces)
            for marker in ["●", "▸"] where text.hasPrefix(marker) { text = String(text.dropFirst()).trimmingCharacters(in: .whitespaces) }
            while text.last?.isNumber == true { text.removeLast() }
            text = text.trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : text
        }
    }
}
