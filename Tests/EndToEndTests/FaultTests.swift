import Foundation
import Testing
import TestSupport

/// Server faults (injected by `spark-mock --fault`) in the TUI: each is shown as a clear message, the rest of the
/// app keeps working, and once the server is well again the app recovers without a restart (`r` retries).
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct FaultTests {
    static let betty = "Betty Buyer"

    /// Starts the TUI against a mock with the given faults and waits until the first screen is drawn and quiet.
    private func start(_ mockArguments: [String], environment: [String: String] = [:],
                       quiet: Bool = true) throws -> (MockServerProcess, PortalInTerminal) {
        let server = try MockServerProcess(["--data", "demo"] + mockArguments)
        let portal = try PortalInTerminal(endpoint: server.baseURL.absoluteString, environment: environment, logRequests: true)
        if quiet {
            try portal.waitFor("the first screen") { isQuiet($0) && $0.contains { $0.contains(Self.betty) } }
        }
        return (server, portal)
    }

    private func quit(_ portal: PortalInTerminal, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try portal.send("q")
        let (status, stty) = try portal.waitForExit()
        #expect(status == 0, sourceLocation: sourceLocation)
        #expect(sttyWords(stty).contains("icanon"), sourceLocation: sourceLocation)
    }

    @Test func rateLimitedWaitsSaysSoThenSucceeds() throws {
        let (server, portal) = try start(["--fault", "GET:/v1/listingcarts=429:1550:2"], quiet: false)
        defer { server.stop() }
        // The wait is on screen while it lasts…
        let waiting = try portal.waitFor("the rate-limit notice") { $0.last?.contains("rate limited") == true }
        #expect(waiting.last?.contains("retrying GET /v1/listingcarts") == true, "\(waiting.last ?? "")")
        // …then the carts arrive and the notice goes.
        let screen = try portal.waitFor("the carts after the waits") { screen in
            isQuiet(screen) && paneRows(screen, pane: 2).contains { $0.contains("Favorites") }
        }
        #expect(!(screen.last ?? "").contains("rate limited"))
        #expect(portal.requestLog.components(separatedBy: "status=429").count - 1 == 2, "two 429s, then success:\n\(portal.requestLog)")
        try quit(portal)
    }

    @Test func expiredTokenWithoutRefreshTokenSaysLogInAgain() throws {
        // The token answers 4 requests (the first screen), then 1020 for everything: no refresh is possible.
        let (server, portal) = try start(["--expire-token-after", "4"])
        defer { server.stop() }
        try portal.send("r")
        let screen = try portal.waitFor("the login message") { screen in
            isQuiet(screen) && screen.contains { $0.contains("Your session has expired. Run spark-portal login again.") }
        }
        #expect(screen.last?.contains("session has expired") == true, "the status bar says it: \(screen.last ?? "")")
        // 1020 is not retried blindly: each call tried once.
        let log = portal.requestLog
        #expect(!log.contains("attempt=2"), "no retries after 1020:\n\(log)")
        try quit(portal)
    }

    /// A stored login with a refresh token (no SPARK_ACCESS_TOKEN): when the token expires mid-session (1020), the
    /// TUI renews it once (one grant, even though several requests met the 1020 together), saves the new pair, and
    /// carries on without a word to the user. The mock's tokens each answer 4 requests, so a second `r` needs a
    /// second renewal, which works only if the rotated refresh token was kept.
    @Test func expiredTokenWithARefreshTokenIsRenewedOnceAndSaved() throws {
        let server = try MockServerProcess(["--data", "demo", "--expire-token-after", "4"])
        defer { server.stop() }
        let stored = #"{"version": 1, "accounts": {"default": {"endpoint": "\#(server.baseURL.absoluteString)", "#
            + #""access_token": "DEMO_ACCESS_TOKEN", "refresh_token": "DEMO_REFRESH_TOKEN", "#
            + #""client_id": "spark-portal-demo", "client_secret": "demo-client-secret", "#
            + #""redirect_uri": "https://sparkplatform.com/oauth2/callback"}}}"#
        let portal = try PortalInTerminal(endpoint: nil, token: nil, logRequests: true, credentials: stored)
        try portal.waitFor("the first screen") { isQuiet($0) && $0.contains { $0.contains(Self.betty) } }
        func grants() -> Int { portal.requestLog.components(separatedBy: "/v1/oauth2/grant").count - 1 }
        #expect(grants() == 0)

        for round in 1...2 {
            try portal.send("r")
            let screen = try portal.waitFor("the screen after renewal \(round)") { screen in
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
        try quit(portal)
    }

    @Test func expiredTokenOnceRecoversWithR() throws {
        let (server, portal) = try start(["--fault", "GET:/v1/listingcarts=401:1020:1"])
        defer { server.stop() }
        var screen = try portal.waitFor("the login message in the carts pane") { screen in
            paneRows(screen, pane: 2).joined().contains("Your session has expired")
        }
        #expect(paneRows(screen, pane: 0).contains { $0.contains("Carl Contact") }, "the other panes still work")
        try portal.send("r")
        screen = try portal.waitFor("the carts after r") { screen in
            isQuiet(screen) && paneRows(screen, pane: 2).contains { $0.contains("Favorites") }
        }
        #expect(!screen.joined().contains("expired"))
        try quit(portal)
    }

    @Test func groupNoLongerValidAsksToPickAnother() throws {
        let (server, portal) = try start(["--fault", "PUT:/v1/portal/groups/current=400:1025:1"])
        defer { server.stop() }
        try portal.send("Down")
        try portal.send("Enter")
        var screen = try portal.waitFor("the 1025 message") { screen in
            isQuiet(screen) && (screen.last ?? "").contains("Pick another group")
        }
        #expect(screen[0].contains("acting for: My own workspace"), "the previous state stays: \(screen[0])")
        #expect(paneRows(screen, pane: 0).contains { $0.contains("●") && $0.contains("My own workspace") })
        // Picking another group works.
        try portal.send("Down")
        try portal.send("Enter")
        screen = try portal.waitFor("the switch to another group") { screen in
            isQuiet(screen) && (screen.last ?? "").contains("Now acting for")
        }
        #expect(paneRows(screen, pane: 0).contains { $0.contains("●") && !$0.contains("My own workspace") })
        try quit(portal)
    }

    @Test func currentGroupNoLongerValidAsksToPickAnother() throws {
        let (server, portal) = try start(["--fault", "GET:/v1/portal/groups/current=400:1025:1"], quiet: false)
        defer { server.stop() }
        var screen = try portal.waitFor("the 1025 message") { screen in
            isQuiet(screen) && screen.contains { $0.contains("Pick another group") }
        }
        try portal.send("Down")
        try portal.send("Enter")
        screen = try portal.waitFor("the switch") { screen in
            isQuiet(screen) && (screen.last ?? "").contains("Now acting for")
        }
        #expect(screen[0].contains("'s group"), "\(screen[0])")
        try quit(portal)
    }

    @Test(arguments: [500, 503])
    func serverErrorsAreRetriedThenShownThenRRecovers(status: Int) throws {
        // Every try of the first carts request fails (4 tries), then the server is well again.
        let (server, portal) = try start(["--fault", "GET:/v1/listingcarts=\(status):1040:4"], quiet: false)
        defer { server.stop() }
        try portal.waitFor("a retry notice") { $0.last?.contains("HTTP \(status) — retrying") == true }
        var screen = try portal.waitFor("the error after the retries") { screen in
            isQuiet(screen) && paneRows(screen, pane: 2).joined().contains("✗")
        }
        let pane = paneRows(screen, pane: 2).joined(separator: " ")
        #expect(pane.contains("HTTP \(status)"), "the error names the failure: \(pane)")
        #expect(pane.contains("r to retry") || (screen.last ?? "").contains("r to retry"), "and the retry key")
        #expect(portal.requestLog.contains("attempt=4"), "retried up to 4 tries:\n\(portal.requestLog)")
        try portal.send("r")
        screen = try portal.waitFor("the carts after r") { screen in
            isQuiet(screen) && paneRows(screen, pane: 2).contains { $0.contains("Favorites") }
        }
        try quit(portal)
    }

    @Test(arguments: ["malformed", "truncated", "no-envelope"])
    func unreadableBodiesAreShownThenRRecovers(fault: String) throws {
        let (server, portal) = try start(["--fault", "GET:/v1/listingcarts=\(fault):1"], quiet: false)
        defer { server.stop() }
        var screen = try portal.waitFor("the unreadable-answer message") { screen in
            isQuiet(screen) && paneRows(screen, pane: 2).joined().contains("could not read")
        }
        #expect(paneRows(screen, pane: 0).contains { $0.contains("Carl Contact") }, "the other panes still work")
        try portal.send("r")
        screen = try portal.waitFor("the carts after r") { screen in
            isQuiet(screen) && paneRows(screen, pane: 2).contains { $0.contains("Favorites") }
        }
        try quit(portal)
    }

    @Test func connectionRefusedThenTheServerComesUp() throws {
        let port = try LoopbackPort.free()
        let portal = try PortalInTerminal(endpoint: "http://127.0.0.1:\(port)")
        var screen = try portal.waitFor("the connection error") { screen in
            isQuiet(screen) && screen.contains { $0.contains("nothing is listening") }
        }
        #expect(screen.last?.contains("Could not connect to 127.0.0.1") == true || screen.joined().contains("Could not connect"))
        let server = try MockServerProcess(["--data", "demo", "--port", "\(port)"])
        defer { server.stop() }
        #expect(server.baseURL.port == port)
        try portal.send("r")
        screen = try portal.waitFor("everything after r") { screen in
            isQuiet(screen) && screen.contains { $0.contains(Self.betty) }
                && paneRows(screen, pane: 2).contains { $0.contains("Favorites") }
        }
        #expect(!screen.joined().contains("nothing is listening"))
        try quit(portal)
    }

    @Test func stalledRequestLeavesTheAppResponsiveAndQuitIsImmediate() throws {
        // The carts answer is held for 30 s; the default timeout is 20 s. Nothing waits for it.
        let (server, portal) = try start(["--fault", "GET:/v1/listingcarts=stall:30"], quiet: false)
        defer { server.stop() }
        try portal.waitFor("the groups while the carts stall") { screen in
            paneRows(screen, pane: 0).contains { $0.contains("Carl Contact") }
                && paneRows(screen, pane: 2).joined().contains("loading carts")
        }
        try portal.send("Down")
        try portal.waitFor("the highlight moves during the stall") { $0.contains { $0.contains("Members · ") } }
        try portal.send("?")
        try portal.waitFor("help during the stall") { $0.contains { $0.contains("Esc close") } }
        try portal.send("Escape")
        try portal.waitFor("help closed") { !$0.contains { $0.contains("Esc close") } }
        let pressed = ContinuousClock.now
        try portal.send("q")
        // Well before the 20 s timeout or the 30 s stall: quitting does not wait for the request.
        let (status, _) = try portal.waitForExit(timeout: .seconds(8))
        #expect(status == 0)
        print("quit during a stalled request took \(ContinuousClock.now - pressed)")
    }

    /// `stall` holds the whole answer; `stall-body` sends the headers and half the body, then holds the rest.
    @Test(arguments: ["stall", "stall-body"])
    func stalledRequestTimesOutThenRRecovers(stall: String) throws {
        // SPARK_PORTAL_REQUEST_TIMEOUT shortens the per-try timeout; all 4 tries stall, then the server is well.
        let (server, portal) = try start(["--fault", "GET:/v1/listingcarts=\(stall):30:4"],
                                         environment: ["SPARK_PORTAL_REQUEST_TIMEOUT": "1"], quiet: false)
        defer { server.stop() }
        try portal.waitFor("a timeout retry notice") { $0.last?.contains("timed out — retrying") == true }
        var screen = try portal.waitFor("the timeout error") { screen in
            isQuiet(screen) && paneRows(screen, pane: 2).joined().contains("did not answer in time")
        }
        try portal.send("r")
        screen = try portal.waitFor("the carts after r") { screen in
            isQuiet(screen) && paneRows(screen, pane: 2).contains { $0.contains("Favorites") }
        }
        _ = screen
        try quit(portal)
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
        Case(name: "429/1550", mock: ["--fault", "GET:/v1/listingcarts=429:1550:2"], command: ["carts"], status: 0,
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
    func commandLineFault(_ fault: Case) throws {
        let server = try MockServerProcess(["--data", "demo"] + fault.mock)
        defer { server.stop() }
        let result = try runPortal(fault.command + ["--endpoint", server.baseURL.absoluteString], environment: fault.environment)
        #expect(result.status == fault.status, "stderr: \(result.error)")
        #expect(result.error.contains(fault.message), "stderr: \(result.error)")
        if fault.status != 0 {
            let lines = result.error.split(separator: "\n").filter { !$0.contains("retrying") }
            #expect(lines.count == 1, "one line on stderr: \(result.error)")
            #expect(result.output.isEmpty, "nothing on stdout when failing: \(result.output)")
        }
    }

    @Test func connectionRefused() throws {
        let port = try LoopbackPort.free()
        let result = try runPortal(["groups", "--endpoint", "http://127.0.0.1:\(port)"])
        #expect(result.status == 69)
        #expect(result.error.contains("Could not connect to 127.0.0.1"), "\(result.error)")
    }
}
