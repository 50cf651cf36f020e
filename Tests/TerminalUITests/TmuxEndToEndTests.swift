import Foundation
import Testing
import TestSupport
@testable import TerminalUI

/// Runs `tui-demo` on the real ncurses backend in a real terminal (`TmuxScreen`) and reads the screen back.
/// Every wait is for a screen condition, with a deadline.
@Suite("ncurses in tmux", .enabled(if: TmuxScreen.isAvailable, "tmux is not installed: end-to-end terminal tests skipped"),
       .enabled(if: Executable.isBuilt("tui-demo"), "tui-demo is not built next to the tests (run swift build)"))
struct TmuxEndToEndTests {
    static let demo = Executable.product("tui-demo")

    @Test("wide characters aligned, resize redraws, q restores the terminal")
    func demoRunsResizesAndRestores() async throws {
        let tmux = try await TmuxScreen(program: [Self.demo], size: Size(width: 80, height: 24))

        var screen = try await tmux.waitFor("80×24 frame") { isFramed($0, width: 80, height: 24) }
        expectFramed(screen, width: 80, height: 24)
        let cjk = try #require(screen.first { $0.contains("山田太郎") })
        #expect(cjk.contains("東京"))
        #expect(cjk.hasSuffix(" 42┃"))
        #expect(cjk.hasPrefix("┃● 山田太郎"))
        #expect(screen.contains { $0.contains("🏠 Home Team") && $0.contains("Reykjavík") })
        #expect(screen.contains { $0.contains("Rene\u{301}e Dupont") || $0.contains("Renée Dupont") })
        // Escape sequences from data are shown, not obeyed.
        #expect(screen.contains { $0.contains("Evil␛[31mRed␇") })
        #expect(screen[2].hasPrefix("┃▸ Ada Lovelace"))
        #expect(screen[23].contains("q quit"))

        try await tmux.type("jj")
        screen = try await tmux.waitFor("row 3 selected") { $0.last?.contains("row 3/") == true && $0[4].hasPrefix("┃▸") }
        #expect(screen[4].hasPrefix("┃▸ Ren"))

        try await tmux.resize(to: Size(width: 60, height: 20))
        screen = try await tmux.waitFor("60×20 frame") { isFramed($0, width: 60, height: 20) }
        expectFramed(screen, width: 60, height: 20)

        try await tmux.press(.char("?"))
        screen = try await tmux.waitFor("help popup") { $0.contains { $0.contains("Help") && $0.contains("┓") } && $0.contains { $0.contains("Esc close") } }
        #expect(screen.contains { $0.contains("漢字 and emoji 🎉 stay aligned") })
        for line in screen { #expect(TextWidth.of(line) <= 60, "\(line)") }
        try await tmux.press(.escape)
        screen = try await tmux.waitFor("popup closed") { !$0.contains { $0.contains("stay aligned") } }

        try await tmux.press(.char("q"))
        let after = try await tmux.waitForExit()
        #expect(after.status == 0)
        expectCookedMode(after.stty)
        // The alternate screen was left: the list is gone from the pane.
        #expect(try await !tmux.screen().contains { $0.contains("Names · 名前") })
    }

    @Test("a crash (Swift trap) restores the terminal")
    func crashRestores() async throws {
        let tmux = try await TmuxScreen(program: [Self.demo, "--allow-crash"], size: Size(width: 60, height: 15))
        _ = try await tmux.waitFor("demo started") { isFramed($0, width: 60, height: 15) }
        try await tmux.press(.char("!"))
        let after = try await tmux.waitForExit()
        #expect(after.status >= 128, "exit status \(after.status)")
        expectCookedMode(after.stty)
    }

    @Test("Ctrl-C (SIGINT) restores the terminal and exits with 130")
    func interruptRestores() async throws {
        let tmux = try await TmuxScreen(program: [Self.demo], size: Size(width: 60, height: 15))
        _ = try await tmux.waitFor("demo started") { isFramed($0, width: 60, height: 15) }
        try await tmux.press(.ctrl("c"))
        let after = try await tmux.waitForExit()
        #expect(after.status == 130)
        expectCookedMode(after.stty)
    }

    @Test("SIGTERM and SIGHUP restore the terminal and exit with 128+signal", arguments: [SIGTERM, SIGHUP])
    func terminationRestores(signal: Int32) async throws {
        let tmux = try await TmuxScreen(program: [Self.demo], size: Size(width: 60, height: 15))
        _ = try await tmux.waitFor("demo started") { isFramed($0, width: 60, height: 15) }
        #expect(kill(try await tmux.programPID(named: "tui-demo"), signal) == 0)
        let after = try await tmux.waitForExit()
        #expect(after.status == 128 + Int(signal))
        expectCookedMode(after.stty)
    }

    @Test("Ctrl-Z suspends with the terminal restored; fg redraws")
    func suspendAndResume() async throws {
        // An interactive shell gives job control (fg).
        let tmux = try await TmuxScreen(program: [Self.demo], size: Size(width: 60, height: 15), interactiveShell: true)
        _ = try await tmux.waitFor("demo started") { isFramed($0, width: 60, height: 15) }
        try await tmux.press(.ctrl("z"))
        _ = try await tmux.waitFor("suspended, back at the shell") { !$0.contains { $0.contains("Names · 名前") } }
        let stty = tmux.directory.appendingPathComponent("stty-suspended")
        try await tmux.sendLiteral("stty -a > \(TmuxScreen.quote(stty.path)); fg")
        try await tmux.press(.enter)
        _ = try await tmux.waitFor("redrawn after fg") { isFramed($0, width: 60, height: 15) }
        expectCookedMode(try String(contentsOf: stty, encoding: .utf8))
        try await tmux.press(.char("q"))
        _ = try await tmux.waitFor("quit") { !$0.contains { $0.contains("Names · 名前") } }
    }

    /// The whole demo frame is on screen at this size (ncurses may still be writing otherwise).
    func isFramed(_ screen: [String], width: Int, height: Int) -> Bool {
        guard screen.count == height, screen[0].contains("\(width)×\(height)"),
              screen[height - 1].contains("row "), screen[1].hasPrefix("┏"), screen[height - 2].hasPrefix("┗") else { return false }
        return screen[1...(height - 2)].allSatisfy { TextWidth.of($0) == width }
    }

    /// A bordered frame: every row between the borders is exactly `width` columns, borders line up.
    func expectFramed(_ screen: [String], width: Int, height: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(screen.count == height, sourceLocation: sourceLocation)
        guard screen.count == height else { return }
        #expect(screen[1].hasPrefix("┏ Names · 名前"), sourceLocation: sourceLocation)
        #expect(screen[1].hasSuffix("┓"), sourceLocation: sourceLocation)
        #expect(screen[height - 2].hasPrefix("┗") && screen[height - 2].hasSuffix("┛"), sourceLocation: sourceLocation)
        for y in 1...(height - 2) {
            #expect(TextWidth.of(screen[y]) == width, "row \(y) is \(TextWidth.of(screen[y])) wide: \(screen[y])", sourceLocation: sourceLocation)
        }
        for y in 2...(height - 3) {
            #expect(screen[y].hasPrefix("┃") && screen[y].hasSuffix("┃"), "row \(y): \(screen[y])", sourceLocation: sourceLocation)
        }
    }

    func expectCookedMode(_ stty: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let words = Set(stty.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        #expect(words.contains("icanon"), "stty -a: \(stty)", sourceLocation: sourceLocation)
        #expect(words.contains("echo"), "stty -a: \(stty)", sourceLocation: sourceLocation)
        #expect(words.contains("isig"), sourceLocation: sourceLocation)
        #expect(words.contains("ixon"), sourceLocation: sourceLocation)
    }
}
