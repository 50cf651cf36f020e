import Foundation
import PortalApp
import PortalCLI
import SparkAPI
import SparkMock
import Testing
import TerminalUI
import TestSupport

/// Instant start and offline reading (issue #18), in process: three runs of the app against one cache file (the real
/// `WorkspaceCacheFile`), the second against a server whose 1,500 ms latency is on the test clock — so the test sees
/// what is on screen before any answer can have come, then lets one round trip pass, and no test waits for it.
@Suite struct InstantStartTests {
    static let latency: Duration = .milliseconds(1500)
    static let token = DemoCredentials.demoAccessToken

    /// A cache folder of the test's own.
    final class Folder: Sendable {
        let path = NSTemporaryDirectory() + "spark-portal-e2e-cache-" + UUID().uuidString
        deinit { try? FileManager.default.removeItem(atPath: path) }
        var cache: WorkspaceCacheFile { WorkspaceCacheFile(directory: path + "/spark-portal", name: "betty.json") }
    }

    /// Run 1 fills the cache; between the runs another member's client deletes "Weekend cabins" and creates "Fresh
    /// from the server"; run 2 (1,500 ms latency) shows the cached carts before anything is answered, keys work on
    /// them, and one round trip later the server's truth replaces them; run 3, with the server gone, shows the cached
    /// workspace under the offline banner and refuses a write.
    @Test(.timeLimit(.minutes(2)))
    func aSecondRunStartsFromTheCacheAndAThirdReadsItOffline() async throws {
        let folder = Folder()
        let cache = folder.cache

        // Run 1. Page size 3: Betty's five groups take two pages, her six own carts two.
        try await InProcessScreen.run(DemoServerConfiguration(dataSet: .demo), token: Self.token, pageSize: 3,
                                      cache: cache) { screen, _ in
            try await screen.waitFor("the first run's carts") { isQuiet($0) && $0.contains { $0.contains("Weekend cabins") } }
            try await screen.press(.tab, .tab, .enter)  // Favorites, whose first page the cache keeps
            try await screen.waitFor("Favorites' listings") { isQuiet($0) && $0.contains { $0.contains("Favorites · listings") } }
            try await screen.press(.char("q"))
            try await screen.waitForExit()
        }
        guard case .found(let first, _) = cache.load() else {
            Issue.record("the first run saved no workspace")
            return
        }
        #expect(first.carts.map(\.name).contains("Weekend cabins"))
        #expect(first.groupPages == 2 && first.cartPages == 2 && first.openCart != nil)

        // Between the runs: a server with 1,500 ms of latency, whose truth another client changes.
        let clock = TestClock()
        let server = try await DemoServer.start(DemoServerConfiguration(dataSet: .demo, latency: Self.latency, clock: clock))
        do {
            try await changeTheTruth(server, clock: clock)

            // Run 2.
            try await InProcessScreen.run(endpoint: server.baseURL, token: Self.token, clock: clock, pageSize: 3,
                                          cache: cache) { screen in
                let cached = try await screen.waitFor("the cached workspace") { lines in
                    lines[0].contains("cached") && lines[0].contains("refreshing") && lines.contains { $0.contains("Weekend cabins") }
                }
                // Nothing can have been answered: every answer is held on the test clock, which has not moved.
                #expect(screen.requestEvents.isEmpty)
                #expect(cached.contains { $0.contains("○ My own workspace") }, "the current group, not yet confirmed")
                #expect(!cached.contains { $0.contains("Fresh from the server") })

                // Keys work on the cached workspace: moving, filtering, a cart whose first page is cached.
                try await screen.press(.down)
                try await screen.waitFor("the members of the highlighted group") { $0.contains { $0.contains("Members · Carl Contact") } }
                try await screen.press(.tab, .tab, .char("/"))
                try await screen.type("week")
                try await screen.press(.enter)
                try await screen.waitFor("the cart filter") { lines in
                    paneRows(lines, pane: 2).contains { $0.contains("Weekend cabins") }
                        && !paneRows(lines, pane: 2).contains { $0.contains("Favorites") }
                }
                try await screen.press(.escape, .enter)
                try await screen.waitFor("Favorites' cached listings") { lines in
                    lines.contains { $0.contains("Favorites · listings") } && paneRows(lines, pane: 2).contains { $0.contains("$") }
                }
                try await screen.press(.escape)

                // One round trip: every page the lists took last time was asked for at once.
                try await waitForRequests(server, "the first round of requests") { requests in
                    let gets = requests.filter { $0.method == "GET" }
                    return gets.contains { $0.path == "/v1/portal/groups" && $0.queryValue("_page") == "2" }
                        && gets.contains { $0.path == "/v1/listingcarts" && $0.queryValue("_page") == "2" }
                        && gets.contains { $0.path == "/v1/portal/groups/current" } && gets.contains { $0.path == "/v1/my/account" }
                }
                #expect(screen.requestEvents.isEmpty, "both pages of each list were asked for before any answer")
                clock.advance(by: Self.latency)

                // The server's truth replaces the cache: the deleted cart is gone, the new one is there, the ● confirmed.
                let fresh = try await screen.waitFor("the server's truth") { lines in
                    isQuiet(lines) && !lines[0].contains("cached") && lines.contains { $0.contains("Fresh from the server") }
                }
                #expect(!fresh.contains { $0.contains("Weekend cabins") })
                #expect(fresh.contains { $0.contains("● My own workspace") })
                try await screen.press(.enter)  // Favorites again (the carts pane is still focused): the server's page
                try await waitForRequests(server, "Favorites' first page asked for again") { requests in
                    requests.filter { $0.path.hasSuffix("/listings") }.count == 2
                }
                clock.advance(by: Self.latency)
                try await screen.waitFor("the listings read") { isQuiet($0) && $0.contains { $0.contains("Favorites · listings") } }
                try await screen.press(.char("q"))
                try await screen.waitForExit()
            }
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
        guard case .found(let second, let savedAt) = cache.load() else {
            Issue.record("the second run saved no workspace")
            return
        }
        #expect(second.carts.map(\.name).contains("Fresh from the server") && !second.carts.map(\.name).contains("Weekend cabins"))

        // Run 3: nothing listens there any more.
        let gone = try RefusingPort()
        try await InProcessScreen.run(endpoint: URL(string: "http://127.0.0.1:\(gone.port)")!, token: Self.token, pageSize: 3,
                                      cache: cache) { screen in
            var state = CacheState()
            state.asOf = savedAt
            state.sessionStart = Date()
            let time = try #require(state.asOfLabel)
            let offline = try await screen.waitFor("the offline banner") { lines in
                isQuiet(lines) && lines[0].contains("offline — as of \(time)")
            }
            #expect(offline.contains { $0.contains("Fresh from the server") }, "the cached workspace stays on screen")
            #expect(offline.last?.contains("Offline: showing the workspace as of \(time); press r to retry.") == true, "\(offline.last ?? "")")
            // Browsable: a cached cart page opens.
            try await screen.press(.tab, .tab, .enter)
            try await screen.waitFor("Favorites' cached listings offline") { lines in
                isQuiet(lines) && lines.contains { $0.contains("Favorites · listings") } && paneRows(lines, pane: 2).contains { $0.contains("$") }
            }
            // A write is refused with one message, and nothing is sent: a favorite, and a group switch.
            try await screen.press(.char("f"))
            try await screen.waitFor("the favorite refused") { $0.last?.contains("offline: nothing was changed") == true }
            try await screen.press(.escape, .escape, .tab, .down, .enter)
            try await screen.waitFor("the refusal") { $0.last?.contains("offline: nothing was changed") == true }
            #expect(!screen.requestEvents.contains { $0.method != "GET" })
            // r tries the server again.
            let before = screen.requestEvents.count
            try await screen.press(.char("r"))
            try await screen.waitFor("the retry") { _ in screen.requestEvents.count >= before + 4 }
            try await screen.waitFor("still offline") { isQuiet($0) && $0[0].contains("offline") }
            try await screen.press(.char("q"))
            try await screen.waitForExit()
        }
    }

    /// A damaged cache is not used and the next good load replaces it; `--no-cache` (no store) neither reads nor writes.
    @Test func aDamagedCacheIsReplacedByTheNextGoodLoad() async throws {
        let folder = Folder()
        let cache = folder.cache
        try FileManager.default.createDirectory(atPath: folder.path + "/spark-portal", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        _ = FileManager.default.createFile(atPath: cache.path, contents: Data(#"{"format":"spark-portal workspace cache","vers"#.utf8),
                                       attributes: [.posixPermissions: 0o600])
        try await InProcessScreen.run(DemoServerConfiguration(dataSet: .demo), token: Self.token, cache: cache) { screen, _ in
            let first = try await screen.waitFor("the first frame") { _ in true }
            #expect(!first[0].contains("cached"))
            try await screen.waitFor("the carts") { isQuiet($0) && $0.contains { $0.contains("Weekend cabins") } }
            try await screen.press(.char("q"))
            try await screen.waitForExit()
        }
        guard case .found(let saved, _) = cache.load() else {
            Issue.record("the damaged cache was not replaced: \(cache.load()) \((try? String(contentsOfFile: cache.path, encoding: .utf8)) ?? "none")")
            return
        }
        #expect(saved.account.name == "Betty Buyer")
    }

    /// Deletes "Weekend cabins" and creates "Fresh from the server" in Betty's own workspace, as another client would,
    /// letting each request through the server's latency on the test clock.
    private func changeTheTruth(_ server: DemoServer, clock: TestClock) async throws {
        let client = try SparkClient.live(configuration: SparkClientConfiguration(baseURL: server.baseURL, userAgent: "another-client"),
                                          tokens: StaticToken(Self.token))
        do {
            try await passingLatency(clock) {
                let carts = try await client.listingCarts()
                let weekend = try #require(carts.first { $0.name == "Weekend cabins" })
                try await client.deleteCart(id: weekend.id)
                guard case .created = await client.createCart(named: "Fresh from the server") else {
                    throw CancellationError()
                }
            }
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Runs `body`, moving the test clock on by the latency whenever something sleeps on it (the server's answers).
    private func passingLatency(_ clock: TestClock, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                while !Task.isCancelled {
                    await clock.waitForSleepers(1)
                    if !Task.isCancelled { clock.advance(by: Self.latency) }
                }
                return false
            }
            defer { group.cancelAll() }
            while let done = try await group.next(), !done {}
        }
    }

    /// Waits (with a deadline) until the server's journal satisfies `condition`.
    private func waitForRequests(_ server: DemoServer, _ what: String,
                                 _ condition: @escaping @Sendable ([RecordedRequest]) -> Bool) async throws {
        let deadline = ContinuousClock.now + ScreenTimedOut.defaultTimeout
        while !condition(await server.journal.requests) {
            guard ContinuousClock.now < deadline else {
                throw ScreenTimedOut(what: what, screen: [], details: "\(await server.journal.requests)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// The same across real process runs: the real `spark-portal` in tmux (80×24) against the real `spark-mock`, its
/// cache in a folder the three runs share.
@Suite(.enabled(if: TmuxScreen.isAvailable, "tmux is not installed"))
struct InstantStartInTheTerminalTests {
    /// Run 1 (no latency) switches to Carl Contact's group, and the cache keeps it. Run 2's server has 1,500 ms of
    /// latency and the data set's truth — Betty acts for her own workspace — so Carl's cached carts are on screen
    /// first (marked, the ○ unconfirmed), then the server's own workspace replaces them. Run 3 has no server: the
    /// workspace of run 2 under the offline banner, and a write refused.
    @Test(.timeLimit(.minutes(2)))
    func theRealBinaryStartsFromItsCacheAcrossRuns() async throws {
        let shared = try TmuxScreen.makeDirectory()
        defer { try? FileManager.default.removeItem(at: shared) }
        let environment = ["XDG_CACHE_HOME": shared.path]
        let size = Size(width: 80, height: 24)
        let reserved = try RefusingPort.reserved()  // the same port for the three runs, and nobody else's meanwhile
        let port = reserved.port
        reserved.release()
        let endpoint = "http://127.0.0.1:\(port)"

        let server = try await MockServerProcess(["--data", "demo", "--port", "\(port)"])
        let first = try await startPortalInTerminal(endpoint: endpoint, environment: environment, size: size)
        try await first.waitFor("the first run") { isQuiet($0) && $0[0].contains("acting for: My own workspace") }
        try await first.press(.down, .enter)  // Carl Contact
        try await first.waitFor("Carl's carts") { lines in
            isQuiet(lines) && lines[0].contains("Carl Contact's group") && lines.contains { $0.contains("Dream homes") }
        }
        try await first.press(.char("q"))
        #expect(try await first.waitForExit().status == 0)
        server.stop()
        await server.ended()

        // One private file, which holds no token.
        let folder = shared.appendingPathComponent("spark-portal").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(files.count == 1 && files[0].hasSuffix(".json"), "\(files)")
        #expect(mode(of: folder) == 0o700 && mode(of: folder + "/" + files[0]) == 0o600)
        let text = try String(contentsOfFile: folder + "/" + files[0], encoding: .utf8)
        #expect(text.contains("Dream homes") && !text.contains(demoToken))

        let slow = try await MockServerProcess(["--data", "demo", "--port", "\(port)", "--latency-ms", "1500"])
        let second = try await startPortalInTerminal(endpoint: endpoint, environment: environment, size: size)
        let cached = try await second.waitFor("the cached carts") { lines in
            lines[0].contains("cached") && lines[0].contains("refreshing") && lines.contains { $0.contains("Dream homes") }
        }
        #expect(cached.contains { $0.contains("○ Carl Contact") }, "\(cached.joined(separator: "\n"))")
        let truth = try await second.waitFor("the server's truth") { lines in
            isQuiet(lines) && !lines[0].contains("cached") && lines[0].contains("acting for: My own workspace")
                && lines.contains { $0.contains("Weekend cabins") }
        }
        #expect(!truth.contains { $0.contains("Dream homes") })
        #expect(truth.contains { $0.contains("● My own workspace") })
        try await second.press(.char("q"))
        #expect(try await second.waitForExit().status == 0)
        slow.stop()
        await slow.ended()

        let third = try await startPortalInTerminal(endpoint: endpoint, environment: environment, size: size)
        let offline = try await third.waitFor("the offline banner") { lines in
            isQuiet(lines) && lines[0].contains("offline — as of") && lines.contains { $0.contains("Weekend cabins") }
        }
        #expect(offline.contains { $0.contains("○ My own workspace") })
        try await third.press(.down, .enter)
        try await third.waitFor("the refusal") { $0.last?.contains("offline: nothing was changed") == true }
        try await third.press(.char("q"))
        #expect(try await third.waitForExit().status == 0)
    }

    private func mode(of path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }
}
