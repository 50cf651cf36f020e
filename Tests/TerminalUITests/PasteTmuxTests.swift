import Foundation
import Testing
import TestSupport
@testable import TerminalUI

/// Bracketed paste in a real terminal: tui-demo on the ncurses backend in tmux, text pasted with
/// `paste-buffer -p` (tmux wraps it in ESC[200~ … ESC[201~ only for a program that asked for it), and the mode
/// off again after the program ends, whether by `q` or by SIGTERM. Blocking tmux work runs on a thread of its
/// own, never on the cooperative pool.
@Suite("Bracketed paste in tmux", .serialized, .enabled(if: Tmux.isAvailable, "tmux is not installed"))
struct PasteTmuxTests {
    /// Runs tui-demo, then (once it has ended) `cat -v`, which shows a paste's brackets as `^[[200~` if the
    /// terminal was left in bracketed-paste mode. Returns the session and the file holding the program's pid.
    static func start() throws -> (Tmux, pidFile: URL) {
        let demo = try #require(DemoTmux.demoBinary, "tui-demo not built next to the tests (run swift build)")
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("tui-paste-\(UUID().uuidString).pid")
        let tmux = try Tmux(width: 80, height: 24, command:
            "sh -c \(Tmux.quote("echo $$ > \(pidFile.path); exec \(Tmux.quote(demo))")); echo ENDED; exec cat -v")
        try tmux.waitFor("the list") { $0.contains { $0.contains("Names · 名前") } }
        return (tmux, pidFile)
    }

    static func paste(_ text: String, into tmux: Tmux) throws {
        try tmux.tmux(["set-buffer", "-b", "t", "--", text])
        try tmux.tmux(["paste-buffer", "-p", "-d", "-b", "t", "-t", tmux.session])
    }

    /// Pastes into the shell's `cat -v` after the program ended; the screen that shows it echoed.
    static func pasteAfterExit(_ tmux: Tmux) throws -> [String] {
        try tmux.waitFor("the program ended") { $0.contains { $0 == "ENDED" } }
        try paste("probe-after-exit", into: tmux)
        return try tmux.waitFor("the pasted probe echoed") { $0.contains { $0.contains("probe-after-exit") } }
    }

    static func expectBracketedPasteOff(_ screen: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!screen.contains { $0.contains("[200~") || $0.contains("[201~") },
                "bracketed paste is still on:\n\(screen.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    @Test func aPasteIsOneEditAndTheModeIsOffAfterQuit() async throws {
        let screens = try await onItsOwnThread { () -> (editing: [String], found: [String], after: [String]) in
            let (tmux, pidFile) = try Self.start()
            defer { try? FileManager.default.removeItem(at: pidFile) }
            // While browsing, a paste is not a command: its q does not quit.
            try Self.paste("qqq", into: tmux)
            try tmux.waitFor("the paste refused as a command") { $0.contains { $0.contains("a paste (3 characters) is not a command") } }
            // Into the find editor: the line break becomes a space (as a key press it would have been Enter,
            // finding "Ольга" alone); the escape sequence reaches neither the screen nor the text.
            try tmux.send("/")
            try tmux.waitFor("the find editor") { $0.contains { $0.contains("Find:") } }
            try Self.paste("Ольга\nПет\u{1B}[31mрова", into: tmux)
            let editing = try tmux.waitFor("the pasted text in the editor") { $0.contains { $0.contains("Find: Ольга Пет[31mрова") } }
            try tmux.send("C-w", "C-w")
            try Self.paste("Ольга Петрова\n", into: tmux)
            try tmux.send("Enter")
            let found = try tmux.waitFor("the name found") { $0.contains { $0.contains("found “Ольга Петрова”") } }
            try tmux.send("q")
            return (editing, found, try Self.pasteAfterExit(tmux))
        }
        #expect(!screens.editing.contains { $0.contains("found") }, "the pasted line break did not confirm")
        #expect(!screens.editing.joined().contains("\u{1B}"))
        #expect(screens.found.contains { $0.hasPrefix("┃▸ Ольга Петрова") })
        Self.expectBracketedPasteOff(screens.after)
    }

    @Test func theModeIsOffAfterSIGTERM() async throws {
        let after = try await onItsOwnThread { () -> [String] in
            let (tmux, pidFile) = try Self.start()
            defer { try? FileManager.default.removeItem(at: pidFile) }
            guard let pid = Int32(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw CocoaError(.fileReadCorruptFile)
            }
            kill(pid, SIGTERM)
            return try Self.pasteAfterExit(tmux)
        }
        Self.expectBracketedPasteOff(after)
    }
}

/// Runs blocking work (tmux polling) on a thread of its own and awaits it without holding a pool thread.
private func onItsOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }.start()
    }
}
