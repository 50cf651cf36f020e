import Foundation
import Testing
import TestSupport

/// The access token never shows: not in the process's arguments, the request log, any screen, any error
/// message, a crash report, or `--json` output. Checked by grepping everything captured for the token.
@Suite(.enabled(if: TmuxScreen.isAvailable, "tmux is not installed"))
struct TokenTests {
    /// A token the server refuses (401/1000): the error paths see it too.
    static let refusedToken = "sp-secret-\(UUID().uuidString)"

    private func expectNoToken(_ text: String, _ token: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!text.contains(token), "the token appears in \(what)", sourceLocation: sourceLocation)
        // Nor a recognisable piece of it.
        #expect(!text.contains(String(token.prefix(14))), "part of the token appears in \(what)", sourceLocation: sourceLocation)
    }

    @Test func tuiSessionNeverShowsTheToken() async throws {
        let server = try await MockServerProcess(["--data", "demo", "--fault", "GET:/v1/listingcarts=500:1040:4"])
        defer { server.stop() }
        let portal = try await startPortalInTerminal(endpoint: server.baseURL.absoluteString, logRequests: true)
        var captured: [(String, String)] = []
        try await portal.waitFor("the carts error") { screen in
            isQuiet(screen) && paneRows(screen, pane: 2).joined().contains("✗")
        }
        captured.append(("the screen with an error", try await portal.screen().joined(separator: "\n")))
        let pid = try await portal.portalPID()
        let arguments = try String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
        captured.append(("/proc/\(pid)/cmdline", arguments))
        #expect(arguments.contains("--endpoint"), "cmdline was read: \(arguments)")
        // Every screen: switching, request log, help, listings.
        try await portal.press(.char("r"))
        try await portal.waitFor("carts after r") { isQuiet($0) && paneRows($0, pane: 2).contains { $0.contains("Favorites") } }
        try await portal.press(.down)
        try await portal.press(.enter)
        try await portal.waitFor("a switch") { isQuiet($0) && ($0.last ?? "").contains("Now acting for") }
        captured.append(("the screen after a switch", try await portal.screen().joined(separator: "\n")))
        try await portal.press(.char("L"))
        try await portal.waitFor("the request log") { $0.contains { $0.contains("Requests · newest first") } }
        captured.append(("the request log", try await portal.screen().joined(separator: "\n")))
        try await portal.press(.escape)
        try await portal.press(.char("?"))
        try await portal.waitFor("help") { $0.contains { $0.contains("Esc close") } }
        captured.append(("help", try await portal.screen().joined(separator: "\n")))
        try await portal.press(.escape)
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

    @Test func refusedTokenIsNotInTheErrorOrTheScreen() async throws {
        let server = try await MockServerProcess(["--data", "demo"])
        defer { server.stop() }
        let portal = try await startPortalInTerminal(endpoint: server.baseURL.absoluteString, token: Self.refusedToken, logRequests: true)
        let screen = try await portal.waitFor("the refused-token message") { screen in
            isQuiet(screen) && screen.contains { $0.contains("not accepted") }
        }
        try await portal.press(.char("L"))
        let logScreen = try await portal.waitFor("the request log") { $0.contains { $0.contains("Requests · newest first") } }
        try await portal.press(.escape)
        try await portal.press(.char("q"))
        _ = try await portal.waitForExit()
        for (what, text) in [("the screen", screen.joined(separator: "\n")), ("the request log", logScreen.joined(separator: "\n")),
                             ("the history", try await portal.history()), ("stderr", portal.stderr), ("the log file", portal.requestLog)] {
            expectNoToken(text, Self.refusedToken, what)
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
        let refused = try await runPortal(arguments + endpoint, token: Self.refusedToken)
        #expect(refused.status == 77, "a refused token is an authentication error: \(refused.error)")
        #expect(refused.error.contains("not accepted"), "\(refused.error)")
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        #expect(log.contains("status=401"), "the log has the refused requests: \(log)")
        for text in [good.output, good.error, log] { expectNoToken(text, demoToken, "`\(arguments.joined(separator: " "))`") }
        for text in [refused.output, refused.error, log] { expectNoToken(text, Self.refusedToken, "`\(arguments.joined(separator: " "))`") }
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
        if let refused = arguments.firstIndex(of: "refused") { arguments[refused] = "http://127.0.0.1:\(try LoopbackPort.free())" }
        let endpoint = arguments.contains("--endpoint") ? [] : ["--endpoint", server.baseURL.absoluteString]
        let result = try await runPortal(arguments + endpoint)
        #expect(result.status != 0, "\(what) fails")
        expectNoToken(result.output + result.error, demoToken, what)
    }
}
