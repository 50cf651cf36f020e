import Foundation
import SparkAPI
import SparkMock
import Testing
import TerminalUI
import TestSupport

/// Server faults in the TUI: each is shown as a clear message, the rest of the app keeps working, and once the server
/// is well again the app recovers without a restart (`r` retries). In process, against the demo server with faults
/// (the rules of `spark-mock --fault`), everything on one test clock: a retry wait or a `Retry-After` passes when the
/// test says so, never by waiting.
@Suite struct FaultTests {
    static let betty = "Betty Buyer"

    /// Runs the app against a demo server with `faults` (each a `--fault` rule) and, with `quiet`, waits for the first
    /// screen, drawn and quiet.
    private func withFaults(_ faults: [String], expireTokenAfter: Int? = nil, requestTimeout: Duration = .seconds(20),
                            quiet: Bool = true,
                            _ body: (InProcessScreen, DemoServer) async throws -> Void) async throws {
        var plan = FaultPlan(expireTokenAfter: expireTokenAfter)
        for rule in faults { try plan.add(rule) }
        try await InProcessScreen.run(DemoServerConfiguration(dataSet: .demo, faults: plan), requestTimeout: requestTimeout) { screen, server in
            if quiet {
                try await screen.waitFor("the first screen") { isQuiet($0) && $0.contains { $0.contains(Self.betty) } }
            }
            try await body(screen, server)
        }
    }

    /// `q` ends the program (the terminal's side of quitting is `ExitPathTests`').
    private func quit(_ screen: InProcessScreen) async throws {
        try await screen.press(.char("q"))
        try await screen.waitForExit()
    }

    private static func cartsShown(_ screen: [String]) -> Bool {
        isQuiet(screen) && paneRows(screen, pane: 2).contains { $0.contains("Favorites") }
    }

    @Test func rateLimitedWaitsSaysSoThenSucceeds() async throws {
        try await withFaults(["GET:/v1/listingcarts=429:1550:2"], quiet: false) { screen, server in
            // The wait is on screen while it lasts…
            let waiting = try await screen.waitFor("the rate-limit notice") { $0.last?.contains("rate limited") == true }
            #expect(waiting.last?.contains("attempt 2 in 1.0 s: GET /v1/listingcarts (last try: rate limited)") == true,
                    "\(waiting.last ?? "")")
            // …for as long as the server's Retry-After says, and nothing is sent again before it has passed.
            #expect(screen.retryNotices.map(\.delay) == [.seconds(1)])
            #expect(await server.journal.requests(method: "GET", path: "/v1/listingcarts").count == 1)
            await screen.passRetryWait()
            try await screen.waitFor("the second rate-limit notice") { _ in screen.retryNotices.count == 2 }
            #expect(await server.journal.requests(method: "GET", path: "/v1/listingcarts").count == 2)
            await screen.passRetryWait()
            // …then the carts arrive and the notice goes.
            let shown = try await screen.waitFor("the carts after the waits", Self.cartsShown)
            #expect(!(shown.last ?? "").contains("rate limited"))
            #expect(await server.journal.requests(method: "GET", path: "/v1/listingcarts").map(\.status) == [429, 429, 200])
            #expect(screen.requestEvents.filter { $0.status == 429 }.count == 2, "two 429s, then success: \(screen.requestEvents)")
            try await quit(screen)
        }
    }

    @Test func expiredTokenWithoutRefreshTokenSaysLogInAgain() async throws {
        // The token answers 4 requests (the first screen), then 1020 for everything: no refresh is possible.
        try await withFaults([], expireTokenAfter: 4) { screen, _ in
            try await screen.press(.char("r"))
            let shown = try await screen.waitFor("the login message") { screen in
                isQuiet(screen) && screen.contains { $0.contains("Your session has expired. Run spark-portal login again.") }
            }
            #expect(shown.last?.contains("session has expired") == true, "the status bar says it: \(shown.last ?? "")")
            // 1020 is not retried blindly: each call tried once.
            #expect(!screen.requestEvents.contains { $0.attempt > 1 }, "no retries after 1020: \(screen.requestEvents)")
            try await quit(screen)
        }
    }

    @Test func expiredTokenOnceRecoversWithR() async throws {
        try await withFaults(["GET:/v1/listingcarts=401:1020:1"]) { screen, _ in
            var shown = try await screen.waitFor("the login message in the carts pane") { screen in
                paneRows(screen, pane: 2).joined().contains("Your session has expired")
            }
            #expect(paneRows(shown, pane: 0).contains { $0.contains("Carl Contact") }, "the other panes still work")
            try await screen.press(.char("r"))
            shown = try await screen.waitFor("the carts after r", Self.cartsShown)
            #expect(!shown.joined().contains("expired"))
            try await quit(screen)
        }
    }

    @Test func groupNoLongerValidAsksToPickAnother() async throws {
        try await withFaults(["PUT:/v1/portal/groups/current=400:1025:1"]) { screen, _ in
            try await screen.press(.down, .enter)
            var shown = try await screen.waitFor("the 1025 message") { screen in
                isQuiet(screen) && (screen.last ?? "").contains("That portal group is no longer available")
            }
            #expect(shown[0].contains("acting for: My own workspace"), "the previous state stays: \(shown[0])")
            #expect(paneRows(shown, pane: 0).contains { $0.contains("●") && $0.contains("My own workspace") })
            // `e` shows the whole error: what was asked, the answer, what to do.
            try await screen.press(.char("e"))
            let detail = try await screen.waitFor("the error's window") { $0.contains { $0.contains("The last error") } }
            let text = detail.joined(separator: "\n")
            #expect(text.contains("PUT /v1/portal/groups/current") && text.contains("HTTP 400, Spark code 1025"), "\(text)")
            #expect(text.contains("Pick another group"), "\(text)")
            try await screen.press(.escape)
            try await screen.waitFor("the error's window closed") { !$0.contains { $0.contains("The last error") } }
            // Picking another group works.
            try await screen.press(.down, .enter)
            shown = try await screen.waitFor("the switch to another group") { screen in
                isQuiet(screen) && (screen.last ?? "").contains("Now acting for")
            }
            #expect(paneRows(shown, pane: 0).contains { $0.contains("●") && !$0.contains("My own workspace") })
            try await quit(screen)
        }
    }

    @Test func currentGroupNoLongerValidAsksToPickAnother() async throws {
        try await withFaults(["GET:/v1/portal/groups/current=400:1025:1"], quiet: false) { screen, _ in
            try await screen.waitFor("the 1025 message") { screen in
                isQuiet(screen) && screen.contains { $0.contains("Pick another group") }
            }
            try await screen.press(.down, .enter)
            let shown = try await screen.waitFor("the switch") { screen in
                isQuiet(screen) && (screen.last ?? "").contains("Now acting for")
            }
            #expect(shown[0].contains("'s group"), "\(shown[0])")
            try await quit(screen)
        }
    }

    @Test(arguments: [500, 503])
    func serverErrorsAreRetriedThenShownThenRRecovers(status: Int) async throws {
        // Every try of the first carts request fails (4 tries), then the server is well again.
        try await withFaults(["GET:/v1/listingcarts=\(status):1040:4"], quiet: false) { screen, server in
            try await screen.waitFor("a retry notice") { $0.last?.contains("(last try: HTTP \(status))") == true }
            var shown = try await screen.waitFor("the error after the retries", passingRetryWaits: true) { screen in
                isQuiet(screen) && paneRows(screen, pane: 2).joined().contains("✗")
            }
            let pane = paneRows(shown, pane: 2).joined(separator: " ")
            #expect(pane.contains("HTTP \(status)"), "the error names the failure: \(pane)")
            #expect(pane.contains("r to retry") || (shown.last ?? "").contains("r to retry"), "and the retry key")
            #expect(screen.requestEvents.contains { $0.path.hasPrefix("/v1/listingcarts") && $0.attempt == 4 },
                    "retried up to 4 tries: \(screen.requestEvents)")
            #expect(await server.journal.requests(method: "GET", path: "/v1/listingcarts").count == 4)
            try await screen.press(.char("r"))
            shown = try await screen.waitFor("the carts after r", Self.cartsShown)
            try await quit(screen)
        }
    }

    @Test(arguments: ["malformed", "truncated", "no-envelope"])
    func unreadableBodiesAreShownThenRRecovers(fault: String) async throws {
        try await withFaults(["GET:/v1/listingcarts=\(fault):1"], quiet: false) { screen, _ in
            var shown = try await screen.waitFor("the unreadable-answer message") { screen in
                isQuiet(screen) && paneRows(screen, pane: 2).joined().contains("could not read")
            }
            #expect(paneRows(shown, pane: 0).contains { $0.contains("Carl Contact") }, "the other panes still work")
            try await screen.press(.char("r"))
            shown = try await screen.waitFor("the carts after r", Self.cartsShown)
            try await quit(screen)
        }
    }

    @Test func connectionRefusedThenTheServerComesUp() async throws {
        let refusing = try RefusingPort.reserved()  // refused until released, and no other test's in the meantime
        let port = refusing.port
        let endpoint = try #require(URL(string: "http://127.0.0.1:\(port)"))
        try await InProcessScreen.run(endpoint: endpoint) { screen in
            // Refused connections are retried, with waits; the test lets them pass.
            var shown = try await screen.waitFor("the connection error", passingRetryWaits: true) { screen in
                isQuiet(screen) && screen.contains { $0.contains("nothing is listening") }
            }
            #expect(shown.last?.contains("Could not connect to 127.0.0.1") == true || shown.joined().contains("Could not connect"))
            refusing.release()
            let server = try await DemoServer.start(DemoServerConfiguration(dataSet: .demo, port: port, clock: screen.clock))
            #expect(server.baseURL.port == port)
            do {
                try await screen.press(.char("r"))
                shown = try await screen.waitFor("everything after r", passingRetryWaits: true) { screen in
                    Self.cartsShown(screen) && screen.contains { $0.contains(Self.betty) }
                }
                #expect(!shown.joined().contains("nothing is listening"))
                try await quit(screen)
            } catch {
                await server.stop()
                throw error
            }
            await server.stop()
        }
    }

    /// `stall` holds the whole answer; `stall-body` sends the headers and half the body, then holds the rest. The
    /// server's hold is on the test clock, which never reaches it; the client's per-try timeout is its own real
    /// deadline (1 s here), after which it retries.
    @Test(arguments: ["stall", "stall-body"])
    func stalledRequestTimesOutThenRRecovers(stall: String) async throws {
        // All 4 tries stall, then the server is well.
        try await withFaults(["GET:/v1/listingcarts=\(stall):30:4"], requestTimeout: .seconds(1), quiet: false) { screen, server in
            try await screen.waitFor("a timeout retry notice") { $0.last?.contains("(last try: timed out)") == true }
            try await screen.waitFor("the timeout error", passingRetryWaits: true) { screen in
                isQuiet(screen) && paneRows(screen, pane: 2).joined().contains("did not answer in time")
            }
            try await screen.press(.char("r"))
            let shown = try await screen.waitFor("the carts after r", passingRetryWaits: true, Self.cartsShown)
            #expect(!shown.joined().contains("did not answer in time"), "the error is gone once the carts came")
            #expect(paneTitle(shown, pane: 2).contains("Carts · Searches · Feeds"))
            // Four tries that each ran out of time (no answer), then, after `r`, an answer. (Only the first four
            // were held; on a very loaded machine a later try may also run out of its real second and be retried.)
            let tries = screen.requestEvents.filter { $0.method == "GET" && $0.path.hasPrefix("/v1/listingcarts") }
            #expect(tries.prefix(4).map(\.attempt) == [1, 2, 3, 4], "\(tries)")
            #expect(tries.prefix(4).allSatisfy { $0.status == nil && $0.errorSummary?.contains("timed out") == true }, "\(tries)")
            #expect(tries.last?.status == 200, "\(tries)")
            #expect(await server.journal.requests(method: "GET", path: "/v1/listingcarts").count >= 5, "four held, one answered")
            try await quit(screen)
        }
    }
}

/// The faults that need the real binary: a stored login renewed and saved to its file, and quitting while a request
/// hangs (the process exits without waiting for it).
@Suite(.enabled(if: TmuxScreen.isAvailable, "tmux is not installed"))
struct FaultsInTheTerminalTests {
    private func quit(_ portal: TmuxScreen, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await portal.press(.char("q"))
        let (status, stty) = try await portal.waitForExit()
        #expect(status == 0, sourceLocation: sourceLocation)
        #expect(sttyWords(stty).contains("icanon"), sourceLocation: sourceLocation)
    }

    /// A stored login with a refresh token (no SPARK_ACCESS_TOKEN): when the token expires mid-session (1020), the
    /// TUI renews it once (one grant, even though several requests met the 1020 together), saves the new pair, and
    /// carries on without a word to the user. The mock's tokens each answer 4 requests, so a second `r` needs a
    /// second renewal, which works only if the rotated refresh token was kept.
    @Test func expiredTokenWithARefreshTokenIsRenewedOnceAndSaved() async throws {
        let server = try await MockServerProcess(["--data", "demo", "--expire-token-after", "4"])
        defer { server.stop() }
        let stored = #"{"version": 1, "accounts": {"default": {"endpoint": "\#(server.baseURL.absoluteString)", "#
            + #""access_token": "DEMO_ACCESS_TOKEN", "refresh_token": "DEMO_REFRESH_TOKEN", "#
            + #""client_id": "spark-portal-demo", "client_secret": "demo-client-secret", "#
            + #""redirect_uri": "https://sparkplatform.com/oauth2/callback"}}}"#
        let portal = try await startPortalInTerminal(endpoint: nil, token: nil, logRequests: true, credentials: stored)
        try await portal.waitFor("the first screen") { isQuiet($0) && $0.contains { $0.contains(FaultTests.betty) } }
        @Sendable func grants() -> Int { portal.requestLog.components(separatedBy: "/v1/oauth2/grant").count - 1 }
        #expect(grants() == 0)

        for round in 1...2 {
            try await portal.press(.char("r"))
            let screen = try await portal.waitFor("the screen after renewal \(round)") { screen in
                isQuiet(screen) && grants() == round && paneRows(screen, pane: 2).contains { $0.contains("Favorites") }
            }
            #expect(!screen.joined().contains("expired"), "the renewal is silent:\n\(screen.joined(separator: "\n"))")
            #expect(paneRows(screen, pane: 0).contains { $0.contains("Carl Contact") })
        }
        #expect(grants() == 2, "one grant per expiry, however many requests met it:\n\(portal.requestLog)")
        #expect(portal.requestLog.contains("status=401"), "the expiries were met:\n\(portal.requestLog)")

        let file = try String(contentsOf: portal.credentialsFile, encoding: .utf8)
        #expect(!file.contains("DEMO_ACCESS_TOKEN") && !file.contains("DEMO_REFRESH_TOKEN"), "the renewed pair is saved")
        let mode = try FileManager.default.attributesOfItem(atPath: portal.credentialsFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        for secret in ["DEMO_ACCESS_TOKEN", "DEMO_REFRESH_TOKEN", "demo-at-", "demo-rt-"] {
            #expect(!portal.requestLog.contains(secret) && !portal.stderr.contains(secret))
        }
        try await quit(portal)
    }

    /// The carts answer is held for an hour, and a try may take an hour: quitting must not wait for it, so the program
    /// exits within the wait's deadline only if it does not.
    @Test func stalledRequestLeavesTheAppResponsiveAndQuitIsImmediate() async throws {
        let server = try await MockServerProcess(["--data", "demo", "--fault", "GET:/v1/listingcarts=stall:3600"])
        defer { server.stop() }
        let portal = try await startPortalInTerminal(endpoint: server.baseURL.absoluteString,
                                                     environment: ["SPARK_PORTAL_REQUEST_TIMEOUT": "3600"])
        try await portal.waitFor("the groups while the carts stall") { screen in
            paneRows(screen, pane: 0).contains { $0.contains("Carl Contact") }
                && paneRows(screen, pane: 2).joined().contains("loading carts")
        }
        try await portal.press(.down)
        try await portal.waitFor("the highlight moves during the stall") { $0.contains { $0.contains("Members · ") } }
        try await portal.press(.char("?"))
        try await portal.waitFor("help during the stall") { $0.contains { $0.contains("Esc close") } }
        try await portal.press(.escape)
        try await portal.waitFor("help closed") { !$0.contains { $0.contains("Esc close") } }
        try await quit(portal)
    }
}

/// The same faults through the command line: one clear line on stderr, the documented exit status, and
/// success once the fault has passed.
@Suite struct CommandLineFaultTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var mock: [String]
        var command: [String]
        var status: Int32
        var message: String
        var environment: [String: String] = [:]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // A 1 s wait is said only with --verbose (a wait of 2 s or more always is: QuietRetryTests).
        Case(name: "429/1550", mock: ["--fault", "GET:/v1/listingcarts=429:1550:2"], command: ["carts", "--verbose"], status: 0,
             message: "rate limited"),
        Case(name: "1020", mock: ["--fault", "GET:/v1/portal/groups=401:1020"], command: ["groups"], status: 77,
             message: "Your session has expired. Run spark-portal login again."),
        Case(name: "1025", mock: ["--fault", "PUT:/v1/portal/groups/current=400:1025"],
             command: ["use", "20130919194721820379000000"], status: 76, message: "Pick another group"),
        Case(name: "500", mock: ["--fault", "GET:/v1/listingcarts=500:1040"], command: ["carts"], status: 76,
             message: "HTTP 500"),
        Case(name: "503", mock: ["--fault", "GET:/v1/my/account=503:1040"], command: ["whoami"], status: 76,
             message: "HTTP 503"),
        Case(name: "malformed", mock: ["--fault", "GET:/v1/listingcarts=malformed"], command: ["carts", "--json"], status: 76,
             message: "could not read"),
        Case(name: "truncated", mock: ["--fault", "GET:/v1/portal/groups=truncated"], command: ["groups", "--json"], status: 76,
             message: "could not read"),
        Case(name: "missing D", mock: ["--fault", "GET:/v1/portal/groups/current=no-envelope"], command: ["current"], status: 76,
             message: "could not read"),
        Case(name: "stall", mock: ["--fault", "GET:/v1/listingcarts=stall:30"], command: ["carts"], status: 69,
             message: "did not answer in time", environment: ["SPARK_PORTAL_REQUEST_TIMEOUT": "0.5"]),
        Case(name: "stall-body", mock: ["--fault", "GET:/v1/portal/groups=stall-body:30"], command: ["groups", "--json"], status: 69,
             message: "did not answer in time", environment: ["SPARK_PORTAL_REQUEST_TIMEOUT": "0.5"]),
    ]

    @Test(arguments: cases)
    func commandLineFault(_ fault: Case) async throws {
        let server = try await MockServerProcess(["--data", "demo"] + fault.mock)
        defer { server.stop() }
        let result = try await runPortal(fault.command + ["--endpoint", server.baseURL.absoluteString], environment: fault.environment)
        #expect(result.status == fault.status, "stderr: \(result.error)")
        #expect(result.error.contains(fault.message), "stderr: \(result.error)")
        if fault.status != 0 {
            let lines = result.error.split(separator: "\n").filter { !$0.contains("retrying") }
            #expect(lines.count == 1, "one line on stderr: \(result.error)")
            #expect(result.output.isEmpty, "nothing on stdout when failing: \(result.output)")
        }
    }

    @Test func connectionRefused() async throws {
        let refusing = try RefusingPort()
        let result = try await runPortal(["groups", "--endpoint", "http://127.0.0.1:\(refusing.port)"])
        refusing.release()
        #expect(result.status == 69)
        #expect(result.error.contains("Could not connect to 127.0.0.1"), "\(result.error)")
    }
}
