import Foundation
import Testing
import TerminalUI
import TestSupport

/// Every way spark-portal can end leaves the terminal as it found it: cooked mode with echo (`stty -a`), the
/// cursor visible, the alternate screen left. Ctrl-Z hands a sane terminal to the shell and `fg` redraws.
@Suite(.enabled(if: TmuxScreen.isAvailable, "tmux is not installed"))
struct ExitPathTests {
    enum Ending: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case quitKey, interrupt, terminate, hangUp, crash
        var testDescription: String { rawValue }
    }

    @Test(arguments: Ending.allCases)
    func terminalIsRestored(after ending: Ending) async throws {
        let server = try await MockServerProcess(["--data", "seed"])
        defer { server.stop() }
        let portal = try await startPortalInTerminal(
            endpoint: server.baseURL.absoluteString,
            environment: ending == .crash ? ["SPARK_PORTAL_TEST_CRASH": "1"] : [:], size: Size(width: 100, height: 30),
            recordTTY: ending == .crash)
        if ending != .crash {
            try await portal.waitFor("Ozzy Owner", "acting for: My own workspace")
            #expect(try await portal.alternateScreenIsOn(), "the TUI runs on the alternate screen")
        }

        switch ending {
        case .quitKey: try await portal.press(.char("q"))
        case .interrupt: try await portal.press(.ctrl("c"))
        case .terminate: kill(try await portal.portalPID(), SIGTERM)
        case .hangUp: kill(try await portal.portalPID(), SIGHUP)
        case .crash: break  // it traps by itself after the first frame
        }
        let (status, stty) = try await portal.waitForExit()
        switch ending {
        case .quitKey: #expect(status == 0)
        case .interrupt: #expect(status == 130)
        case .terminate: #expect(status == 128 + Int(SIGTERM))
        case .hangUp: #expect(status == 128 + Int(SIGHUP))
        case .crash: #expect(status > 128, "a trap ends the process by a signal; status \(status)")
        }
        let words = sttyWords(stty)
        #expect(words.contains("icanon") && words.contains("echo"), "stty -a after exit: \(stty)")
        #expect(!words.contains("-icanon") && !words.contains("-echo"))
        #expect(words.contains("isig") && words.contains("icrnl"), "stty -a after exit: \(stty)")
        #expect(try await !portal.alternateScreenIsOn(), "the alternate screen was left")
        #expect(try await portal.cursorIsVisible(), "the cursor is visible again")
        // Back on the normal screen, the app's panes are gone.
        #expect(try await !portal.screen().contains { $0.contains("Portal groups") })
        if ending == .crash {
            // It did crash from the full-screen interface: the first frame went out on the alternate screen.
            let bytes = String(decoding: portal.rawOutput, as: UTF8.self)
            #expect(bytes.contains("\u{1B}[?1049h") && bytes.contains("Portal groups"), "the first frame was drawn")
            #expect(portal.stderr.contains("SPARK_PORTAL_TEST_CRASH"), "the crash report says why: \(portal.stderr)")
        }
    }

    /// `spark-portal login` asks for the client secret with echo off; ending the program at that prompt (Ctrl-C,
    /// SIGTERM, SIGHUP) must give the shell its echo back.
    @Test(arguments: [Ending.interrupt, .terminate, .hangUp])
    func theSecretPromptGivesEchoBack(after ending: Ending) async throws {
        let portal = try await startPortalInTerminal(endpoint: nil, arguments: ["login"], environment: ["SPARK_CLIENT_ID": "my-key"],
                                                     size: Size(width: 100, height: 30), token: nil)
        try await portal.waitUntil("the secret prompt (on stderr)") { portal.stderr.contains("Client secret for my-key: ") }
        let tty = try await portal.paneTTY()
        // While it waits, echo is off (checked from outside), so what is typed does not show.
        // Echo goes off before the prompt is written; waiting for it anyway keeps the check free of timing.
        try await portal.waitUntil("echo off at the prompt (stty -a on the pane's tty)") {
            let during = try await Executable.run("/bin/stty", ["-a", "-F", tty], environment: ["PATH": "/usr/bin:/bin"])
            return sttyWords(during.output).contains("-echo")
        }
        try await portal.sendLiteral("hunter2")  // before the ending, in order: typed with echo off

        switch ending {
        case .interrupt: try await portal.press(.ctrl("c"))
        case .terminate: kill(try await portal.portalPID(), SIGTERM)
        case .hangUp: kill(try await portal.portalPID(), SIGHUP)
        default: Issue.record("not an ending at the prompt")
        }
        let (status, stty) = try await portal.waitForExit()
        #expect(status == (ending == .interrupt ? 130 : 128 + Int(ending == .terminate ? SIGTERM : SIGHUP)))
        let words = sttyWords(stty)
        #expect(words.contains("echo") && !words.contains("-echo"), "stty -a after exit: \(stty)")
        #expect(words.contains("icanon") && !words.contains("-icanon"))
        #expect(try await !portal.screen().joined().contains("hunter2"), "what was typed at the prompt never showed")
    }

    @Test func suspendAndResumeRestoreTheTerminalAndTheScreen() async throws {
        let server = try await MockServerProcess(["--data", "seed"])
        defer { server.stop() }
        let portal = try await startPortalInTerminal(endpoint: server.baseURL.absoluteString, size: Size(width: 100, height: 30),
                                                     interactiveShell: true)
        try await portal.waitFor("Ozzy Owner", "acting for: My own workspace")
        try await portal.press(.down)
        try await portal.waitFor("Members · Ozzy Owner")

        try await portal.press(.ctrl("z"))
        try await portal.waitFor("the shell after Ctrl-Z") { screen in
            !screen.contains { $0.contains("Portal groups") } && screen.contains { $0.hasPrefix("$") }
        }
        #expect(try await !portal.alternateScreenIsOn(), "suspended: the alternate screen was left")
        #expect(try await portal.cursorIsVisible(), "suspended: the cursor is visible")
        let stty = portal.directory.appendingPathComponent("stty-suspended").path
        try await portal.sendLiteral("stty -a > \(TmuxScreen.quote(stty)); fg")
        try await portal.press(.enter)

        // fg: the whole frame comes back, as it was (the highlight still on Ozzy Owner).
        let screen = try await portal.waitForWholeFrame("the redrawn frame after fg")
        #expect(screen.contains { $0.contains("Members · Ozzy Owner") })
        #expect(try await portal.alternateScreenIsOn())
        let words = sttyWords(try String(contentsOfFile: stty, encoding: .utf8))
        #expect(words.contains("icanon") && words.contains("echo"), "stty -a while suspended")

        // Still alive and answering keys after the resume.
        try await portal.press(.up)
        try await portal.waitFor("the highlight moved after fg") { screen in
            screen.contains { $0.contains("Your own workspace") }
        }
        try await portal.press(.char("q"))
        try await portal.waitFor("the shell after q") { screen in
            !screen.contains { $0.contains("Portal groups") }
                && screen.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })?.hasPrefix("$") == true
        }
        #expect(try await !portal.alternateScreenIsOn())
        #expect(try await portal.cursorIsVisible())
        // The shell's prompt comes after what the shell printed before `fg`, not on top of it.
        let shell = try await portal.screen().map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(shell.contains { $0.hasPrefix("[1]") && $0.contains("Stopped") }, "the job-control line is intact:\n\(shell.joined(separator: "\n"))")
        #expect(shell.contains { $0.hasPrefix("$ stty -a") && $0.hasSuffix("fg") })
    }
}
