import Foundation
import SparkMock
import Testing
import TestSupport

/// The token is not in `text`, nor a recognisable piece of it.
private func expectNoToken(_ text: String, _ token: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!text.contains(token), "the token appears in \(what)", sourceLocation: sourceLocation)
    #expect(!text.contains(String(token.prefix(14))), "part of the token appears in \(what)", sourceLocation: sourceLocation)
}

/// A token the server refuses (401/1000): the error paths see it too.
private let refusedToken = "sp-secret-\(UUID().uuidString)"

/// No screen shows the token, in process: every screen a session goes through (an error, a switch, the request log,
/// help), for an accepted token and for a refused one.
@Suite struct TokensOnScreenTests {
    @Test func noScreenOfASessionShowsTheToken() async throws {
        var faults = FaultPlan()
        try faults.add("GET:/v1/listingcarts=500:1040:4")
        try await InProcessScreen.run(DemoServerConfiguration(dataSet: .demo, faults: faults), token: demoToken) { screen, _ in
            var captured: [(String, [String])] = []
            captured.append(("the screen with an error", try await screen.waitFor("the carts error", passingRetryWaits: true) { screen in
                isQuiet(screen) && paneRows(screen, pane: 2).joined().contains("✗")
            }))
            try await screen.press(.char("r"))
            try await screen.waitFor("carts after r") { isQuiet($0) && paneRows($0, pane: 2).contains { $0.contains("Favorites") } }
            try await screen.press(.down, .enter)
            captured.append(("the screen after a switch", try await screen.waitFor("a switch") { screen in
                isQuiet(screen) && (screen.last ?? "").contains("Now acting for")
            }))
            try await screen.press(.char("L"))
            captured.append(("the request log", try await screen.waitFor("the request log") {
                $0.contains { $0.contains("Requests · newest first") }
            }))
            try await screen.press(.escape, .char("?"))
            captured.append(("help", try await screen.waitFor("help") { $0.contains { $0.contains("Esc close") } }))
            try await screen.press(.escape, .char("q"))
            try await screen.waitForExit()
            for (what, lines) in captured { expectNoToken(lines.joined(separator: "\n"), demoToken, what) }
        }
    }

    @Test func noScreenShowsARefusedToken() async throws {
        try await InProcessScreen.run(DemoServerConfiguration(dataSet: .demo), token: refusedToken) { screen, _ in
            let refused = try await screen.waitFor("the refused-token message") { screen in
                isQuiet(screen) && screen.contains { $0.contains("not accepted") }
            }
            try await screen.press(.char("L"))
            let log = try await screen.waitFor("the request log") { $0.contains { $0.contains("Requests · newest first") } }
            try await screen.press(.escape, .char("q"))
            try await screen.waitForExit()
            for (what, lines) in [("the screen", refused), ("the request log", log)] {
                expectNoToken(lines.joined(separator: "\n"), refusedToken, what)
            }
        }
    }
}

/// Nor does the real binary let it out: not in its arguments (`/proc/<pid>/cmdline`), its request log, stderr, the
/// terminal's scrollback, a crash report, or any command's output, `--json` included.
@Suite(.enabled(if: TmuxScreen.isAvailable, "tmux is not installed"))
struct TokenTests {
    @Test func aSessionKeepsTheTokenOutOfArgvTheLogStderrAndTheScrollback() async throws {
        let server = try await MockServerProcess(["--data", "demo", "--fault", "GET:/v1/listingcarts=500:1040:4"])
        defer { server.stop() }
        let portal = try await startPortalInTerminal(endpoint: server.baseURL.absoluteString, logRequests: true)
        var captured: [(String, String)] = []
        try await portal.waitFor("the carts error") { screen in
            isQuiet(screen) && paneRows(screen, pane: 2).joined().contains("✗")
        }
        let pid = try await portal.portalPID()
        let arguments = try String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
        captured.append(("/proc/\(pid)/cmdline", arguments))
        #expect(arguments.contains("--endpoint"), "cmdline was read: \(arguments)")
        // Errors, a retry and a switch in the request log.
        try await portal.press(.char("r"))
        try await portal.waitFor("carts after r") { isQuiet($0) && paneRows($0, pane: 2).contains { $0.contains("Favorites") } }
        try await portal.press(.down, .enter)
        try await portal.waitFor("a switch") { isQuiet($0) && ($0.last ?? "").contains("Now acting for") }
        try await portal.press(.char("q"))
        #expect(try await portal.waitForExit().status == 0)
        captured.append(("the pane's history after exit", try await portal.history()))
        captured.append(("stderr", portal.stderr))
        let log = portal.requestLog
        #expect(log.contains("method=PUT"), "the log was written: \(log)")
        captured.append(("the log file", log))
        for (what, text) in captured { expectNoToken(text, demoToken, what) }
    }

    @Test func crashReportNeverShowsTheToken() async throws {
        let server = try await MockServerProcess(["--data", "demo"])
        defer { server.stop() }
        let portal = try await startPortalInTerminal(endpoint: server.baseURL.absoluteString, environment: ["SPARK_PORTAL_TEST_CRASH": "1"],
                                                     logRequests: true)
        let (status, _) = try await portal.waitForExit()
        #expect(status > 128)
        #expect(!portal.stderr.isEmpty, "a crash report was written")
        expectNoToken(portal.stderr, demoToken, "the crash report")
        expectNoToken(try await portal.history(), demoToken, "the terminal after the crash")
        expectNoToken(portal.requestLog, demoToken, "the log file")
    }

    @Test func aRefusedTokenIsNotInTheScrollbackStderrOrTheLog() async throws {
        let server = try await MockServerProcess(["--data", "demo"])
        defer { server.stop() }
        let portal = try await startPortalInTerminal(endpoint: server.baseURL.absoluteString, token: refusedToken, logRequests: true)
        // The token came from SPARK_ACCESS_TOKEN: logging in again would not help, replacing it does.
        try await portal.waitFor("the refused-token message") { screen in
            isQuiet(screen) && screen.contains { $0.contains("SPARK_ACCESS_TOKEN was refused") }
        }
        try await portal.press(.char("q"))
        _ = try await portal.waitForExit()
        #expect(portal.requestLog.contains("status=401"), "the log has the refused requests: \(portal.requestLog)")
        for (what, text) in [("the history", try await portal.history()), ("stderr", portal.stderr), ("the log file", portal.requestLog)] {
            expectNoToken(text, refusedToken, what)
        }
    }

    @Test(arguments: [["groups", "--json"], ["current", "--json"], ["carts", "--json"], ["whoami", "--json"], ["whoami"],
                      ["groups"], ["use", "20130919194721820379000000"], ["leave"]])
    func commandOutputNeverShowsTheToken(_ arguments: [String]) async throws {
        let server = try await MockServerProcess(["--data", "demo"])
        defer { server.stop() }
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID()).log").path
        defer { try? FileManager.default.removeItem(atPath: logFile) }
        let endpoint = ["--endpoint", server.baseURL.absoluteString, "--log-file", logFile]
        let good = try await runPortal(arguments + endpoint)
        #expect(good.status == 0, "\(good.error)")
        let refused = try await runPortal(arguments + endpoint, token: refusedToken)
        #expect(refused.status == 77, "a refused token is an authentication error: \(refused.error)")
        #expect(refused.error.contains("not accepted"), "\(refused.error)")
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        #expect(log.contains("status=401"), "the log has the refused requests: \(log)")
        for text in [good.output, good.error, log] { expectNoToken(text, demoToken, "`\(arguments.joined(separator: " "))`") }
        for text in [refused.output, refused.error, log] { expectNoToken(text, refusedToken, "`\(arguments.joined(separator: " "))`") }
    }

    /// Every failure kind the CLI can report, each checked for the token (server errors whose message is made of
    /// what the client sent are redacted too). One case each, so their retry waits run side by side.
    @Test(arguments: [(["carts"], "500"), (["groups"], "malformed"), (["whoami"], "429"),
                      (["groups", "--endpoint", "refused"], "refused"),
                      (["groups", "--endpoint", "http://example.com"], "insecure endpoint")])
    func errorsOfEveryKindNeverShowTheToken(_ arguments: [String], what: String) async throws {
        let server = try await MockServerProcess(["--data", "demo", "--fault", "GET:/v1/listingcarts=500:1040",
                                                  "--fault", "GET:/v1/portal/groups=malformed", "--fault", "GET:/v1/my/account=429:1550"])
        defer { server.stop() }
        var arguments = arguments
        let refusing = try RefusingPort()
        if let refused = arguments.firstIndex(of: "refused") { arguments[refused] = "http://127.0.0.1:\(refusing.port)" }
        let endpoint = arguments.contains("--endpoint") ? [] : ["--endpoint", server.baseURL.absoluteString]
        let result = try await runPortal(arguments + endpoint)
        refusing.release()
        #expect(result.status != 0, "\(what) fails")
        expectNoToken(result.output + result.error, demoToken, what)
    }
}
