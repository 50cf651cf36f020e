import Foundation
import Testing
import TestSupport

/// Enter pressed on random groups as fast as the terminal takes keys, against a server with random latency
/// (and, in the second run, random PUT/DELETE failures). When everything has settled, the screen shows exactly
/// what the server has: the ● row, the title, and the carts.
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct RapidSwitchTests {
    struct Run: CustomTestStringConvertible, Sendable {
        var name: String
        var seed: UInt64
        var faults: [String]
        var testDescription: String { name }
    }

    static let runs = [
        Run(name: "random latency", seed: 0xC0FFEE, faults: []),
        Run(name: "random latency and failing switches", seed: 0xBADC0DE, faults: [
            "--fault", "PUT:/v1/portal/groups/current=400:1025:0.15",
            "--fault", "PUT:/v1/portal/groups/current=503:1040:0.15",
            "--fault", "DELETE:/v1/portal/groups/current=500:1040:0.2",
        ]),
    ]

    @Test(arguments: runs)
    func twoHundredRandomSwitchesEndOnTheServersState(_ run: Run) throws {
        let server = try MockServerProcess(["--data", "demo", "--latency-ms", "1", "--jitter-ms", "25",
                                            "--seed", "\(run.seed)"] + run.faults)
        defer { server.stop() }
        let portal = try PortalInTerminal(endpoint: server.baseURL.absoluteString, logRequests: true)
        var screen = try portal.waitForWholeFrame("the first screen", also: isQuiet)
        let rows = pickerNames(screen)
        try #require(rows.count == 6, "My own workspace and Betty's five groups: \(rows)")
        #expect(rows[0] == "My own workspace")

        // 200 choices: move to a random row, press Enter. The highlight starts on the current workspace (row 0).
        var random = SeededRandom(seed: run.seed)
        var cursor = 0
        var lastChoice = 0
        for _ in 0..<200 {
            let target = Int.random(in: 0..<rows.count, using: &random)
            let moves = Array(repeating: target > cursor ? "Down" : "Up", count: abs(target - cursor))
            try portal.tmux.tmux(["send-keys", "-t", portal.tmux.session] + moves + ["Enter"])
            cursor = target
            lastChoice = target
        }
        // A marker key: once help is drawn, every key before it has been handled.
        try portal.send("?")
        try portal.waitFor("help after the last key") { $0.contains { $0.contains("Esc close") } }
        try portal.send("Escape")
        screen = try portal.waitForWholeFrame("quiet after the switching") { screen in
            isQuiet(screen) && !screen.contains { $0.contains("Esc close") }
        }

        // The server's state, read by a separate client.
        let current = try serverCurrentGroup(server)
        let serverName = current.flatMap(ownerName) ?? "My own workspace"
        let carts = try serverCarts(server)
        let switches = portal.requestLog.split(separator: "\n").filter { $0.contains("method=PUT") || $0.contains("method=DELETE") }
        print("\(run.name): last choice \(rows[lastChoice]), server has \(serverName); \(switches.count) PUT/DELETE requests for 200 choices")

        if run.faults.isEmpty {
            #expect(serverName == rows[lastChoice], "the server ends on the user's last choice")
        }
        let marked = paneRows(screen, pane: 0).filter { $0.contains("●") }
        #expect(marked.count == 1, "exactly one ● row: \(marked)")
        #expect(marked.first?.contains(serverName) == true, "● is on \(serverName): \(marked)")
        let expectedTitle = current == nil ? "acting for: My own workspace" : "acting for: \(serverName)'s group"
        #expect(screen[0].contains(expectedTitle), "title: \(screen[0]), server: \(serverName)")
        // The first row holds the column headers.
        let cartRows = paneRows(screen, pane: 2).dropFirst().filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(cartRows.count == carts.count, "the carts pane lists the server's \(carts.count) carts: \(cartRows)")
        for cart in carts {
            #expect(cartRows.contains { $0.contains(cart.name) && $0.split(separator: " ").contains(Substring(String(cart.count))) },
                    "cart \(cart.name) (\(cart.count)) on screen: \(cartRows)")
        }
        let cartsTitle = paneTitle(screen, pane: 2)
        #expect(cartsTitle.contains(current == nil ? "my own" : serverName), "carts pane title: \(cartsTitle)")

        try portal.send("q")
        #expect(try portal.waitForExit().status == 0)
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
