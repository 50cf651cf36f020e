import Foundation
import SparkAPI
import SparkMock
import Testing
import TerminalUI
import TestSupport

/// The seed walkthrough ("changing the current portal group") by keys: one scenario, run in both modes — in process
/// (where the server's journal shows what was asked), and as the real binary in a real terminal against the real
/// `spark-mock`.
@Suite struct WalkthroughTests {
    /// Start-up, a group's members, switching to it, leaving it, a cart's listings and back.
    static func walkThroughTheSeed(_ screen: some ScreenDriver) async throws {
        try await screen.waitFor("Portal groups", "Ozzy Owner", "acting for: My own workspace", "Lake cabins")
        try await screen.press(.down)
        try await screen.waitFor("Johnny Consumer", "Betty Buyer", "owner")
        try await screen.press(.enter)
        let switched = try await screen.waitFor("acting for: Ozzy Owner's group", "Carts · Searches · Feeds · Ozzy Owner",
                                                "Favorites", "Possibilities", "Recommended", "Rejects", "Removed")
        #expect(switched.contains { $0.contains("●") && $0.contains("Ozzy Owner") })
        #expect(!switched.contains { $0.contains("Lake cabins") }, "only the new group's carts")
        try await screen.press(.char("g"), .enter)
        try await screen.waitFor("acting for: My own workspace", "Carts · Searches · Feeds · my own", "Lake cabins")
        try await screen.press(.tab, .tab, .enter)
        try await screen.waitFor("Favorites · listings", "$")
        try await screen.press(.escape)
        try await screen.waitFor("Carts · Searches · Feeds · my own", "Lake cabins")
    }

    @Test func inProcess() async throws {
        try await InProcessScreen.run(DemoServerConfiguration(dataSet: .seed)) { screen, server in
            try await Self.walkThroughTheSeed(screen)
            try await screen.press(.char("q"))
            try await screen.waitForExit()

            let requests = await server.journal.requests
            let puts = requests.filter { $0.method == "PUT" && $0.path == "/v1/portal/groups/current" }
            #expect(puts.count == 1)
            #expect(puts.first?.body?.contains("20130919194721820379000000") == true)
            #expect(requests.contains { $0.method == "DELETE" && $0.path == "/v1/portal/groups/current" })
            #expect(requests.contains { $0.method == "GET" && $0.path.hasSuffix("/listings") })
            // Start-up asked for everything at once, and the groups with paging.
            #expect(requests.contains { $0.path == "/v1/portal/groups" && $0.queryValue("_pagination") == "1" })
        }
    }

    @Test(.enabled(if: TmuxScreen.isAvailable, "tmux is not installed"))
    func theRealBinaryInATerminal() async throws {
        let server = try await MockServerProcess(["--data", "seed"])
        defer { server.stop() }
        let portal = try await startPortalInTerminal(endpoint: server.baseURL.absoluteString)
        try await Self.walkThroughTheSeed(portal)
        try await portal.press(.char("q"))
        let exit = try await portal.waitForExit()
        #expect(exit.status == 0)
        let words = sttyWords(exit.stty)
        #expect(words.contains("icanon") && words.contains("echo"), "\(exit.stty)")
        #expect(!words.contains("-icanon") && !words.contains("-echo"))
    }

    @Test func subcommandsWorkAgainstSparkMock() async throws {
        let server = try await MockServerProcess(["--data", "seed"])
        defer { server.stop() }
        let binary = Executable.product("spark-portal")
        let environment = ["SPARK_ACCESS_TOKEN": demoToken, "XDG_CONFIG_HOME": "/nonexistent-spark-portal-e2e",
                           "PATH": "/usr/bin:/bin"]
        let endpoint = ["--endpoint", server.baseURL.absoluteString]
        let use = try await Executable.run(binary, ["use", "20130919194721820379000000"] + endpoint, environment: environment)
        #expect(use.status == 0, "\(use.error)")
        let current = try await Executable.run(binary, ["current", "--json"] + endpoint, environment: environment)
        let group = try JSONSerialization.jsonObject(with: Data(current.output.utf8)) as? [String: Any]
        #expect(group?["Id"] as? String == "20130919194721820379000000")
        let carts = try await Executable.run(binary, ["carts"] + endpoint, environment: environment)
        #expect(carts.output.contains("Possibilities") && carts.error.isEmpty)
        let noToken = try await Executable.run(binary, ["groups"] + endpoint,
                                               environment: ["PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": "/nonexistent"])
        #expect(noToken.status == 77)
        #expect(noToken.output.isEmpty)
        #expect(noToken.error.split(separator: "\n").count == 1)
    }
}
