import Foundation
import Testing
import TestSupport
@testable import TerminalUI

/// Bracketed paste in a real terminal: tui-demo on the ncurses backend in tmux, text pasted with
/// `paste-buffer -p` (tmux wraps it in ESC[200~ … ESC[201~ only for a program that asked for it), and the mode
/// off again after the program ends, whether by `q` or by SIGTERM.
@Suite("Bracketed paste in tmux", .enabled(if: TmuxScreen.isAvailable, "tmux is not installed"),
       .enabled(if: Executable.isBuilt("tui-demo"), "tui-demo is not built next to the tests (run swift build)"))
struct PasteTmuxTests {
    /// Runs tui-demo, then (once it has ended) `cat -v`, which shows a paste's brackets as `^[[200~` if the
    /// terminal was left in bracketed-paste mode. The demo's pid goes to `demo.pid` in the session's directory.
    static func start() async throws -> TmuxScreen {
        let directory = try TmuxScreen.makeDirectory()
        let pidFile = directory.appendingPathComponent("demo.pid").path
        let demo = Executable.product("tui-demo")
        let script = "sh -c \(TmuxScreen.quote("echo $$ > \(TmuxScreen.quote(pidFile)); exec \(TmuxScreen.quote(demo))")); "
            + "echo ENDED; exec cat -v"
        let tmux = try await TmuxScreen(program: ["sh", "-c", script], size: Size(width: 80, height: 24), directory: directory)
        try await tmux.waitFor("the list") { $0.contains { $0.contains("Names · 名前") } }
        return tmux
    }

    /// Pastes into the shell's `cat -v` after the program ended; the screen that shows it echoed.
    static func pasteAfterExit(_ tmux: TmuxScreen) async throws -> [String] {
        try await tmux.waitFor("the program ended") { $0.contains { $0 == "ENDED" } }
        try await tmux.paste("probe-after-exit")
        return try await tmux.waitFor("the pasted probe echoed") { $0.contains { $0.contains("probe-after-exit") } }
    }

    static func expectBracketedPasteOff(_ screen: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!screen.contains { $0.contains("[200~") || $0.contains("[201~") },
                "bracketed paste is still on:\n\(screen.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    @Test func aPasteIsOneEditAndTheModeIsOffAfterQuit() async throws {
        let tmux = try await Self.start()
        // While browsing, a paste is not a command: its q does not quit.
        try await tmux.paste("qqq")
        try await tmux.waitFor("the paste refused as a command") { $0.contains { $0.contains("a paste (3 characters) is not a command") } }
        // Into the find editor: the line break becomes a space (as a key press it would have been Enter, finding
        // "Ольга" alone); the escape sequence reaches neither the screen nor the text.
        try await tmux.send("/")
        try await tmux.waitFor("the find editor") { $0.contains { $0.contains("Find:") } }
        try await tmux.paste("Ольга\nПет\u{1B}[31mрова")
        let editing = try await tmux.waitFor("the pasted text in the editor") { $0.contains { $0.contains("Find: Ольга Пет[31mрова") } }
        #expect(!editing.contains { $0.contains("found") }, "the pasted line break did not confirm")
        #expect(!editing.joined().contains("\u{1B}"))
        try await tmux.send("C-w", "C-w")
        try await tmux.paste("Ольга Петрова\n")
        try await tmux.send("Enter")
        let found = try await tmux.waitFor("the name found") { $0.contains { $0.contains("found “Ольга Петрова”") } }
        #expect(found.contains { $0.hasPrefix("┃▸ Ольга Петрова") })
        try await tmux.send("q")
        Self.expectBracketedPasteOff(try await Self.pasteAfterExit(tmux))
    }

    @Test func theModeIsOffAfterSIGTERM() async throws {
        let tmux = try await Self.start()
        let pidFile = tmux.directory.appendingPathComponent("demo.pid")
        let pid = try #require(Int32(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGTERM)
        Self.expectBracketedPasteOff(try await Self.pasteAfterExit(tmux))
    }
}
