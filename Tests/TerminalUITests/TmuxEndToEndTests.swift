import Foundation
import Testing
import TestSupport
@testable import TerminalUI

/// Runs `tui-demo` on the real ncurses backend inside a detached tmux session and reads the
/// screen back with `capture-pane`. Every wait is for a screen condition, with a deadline.
@Suite("ncurses in tmux", .serialized, .enabled(if: DemoTmux.path != nil, "tmux is not installed: end-to-end terminal tests skipped"))
struct TmuxEndToEndTests {
    @Test("wide characters aligned, resize redraws, q restores the terminal")
    func demoRunsResizesAndRestores() throws {
        let demo = try #require(DemoTmux.demoBinary, "tui-demo not built next to the tests (run swift build)")
        let tmux = try DemoTmux(width: 80, height: 24, program: demo)
        defer { tmux.kill() }

        var screen = try tmux.waitForScreen("80×24 frame") { isFramed($0, width: 80, height: 24) }
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

        tmux.send("j", "j")
        screen = try tmux.waitForScreen("row 3 selected") { $0.last?.contains("row 3/") == true && $0[4].hasPrefix("┃▸") }
        #expect(screen[4].hasPrefix("┃▸ Ren"))

        try tmux.resize(width: 60, height: 20)
        screen = try tmux.waitForScreen("60×20 frame") { isFramed($0, width: 60, height: 20) }
        expectFramed(screen, width: 60, height: 20)

        tmux.send("?")
        screen = try tmux.waitForScreen("help popup") { $0.contains { $0.contains("Help") && $0.contains("┓") } && $0.contains { $0.contains("Esc close") } }
        #expect(screen.contains { $0.contains("漢字 and emoji 🎉 stay aligned") })
        for line in screen { #expect(TextWidth.of(line) <= 60, "\(line)") }
        tmux.send("Escape")
        screen = try tmux.waitForScreen("popup closed") { !$0.contains { $0.contains("stay aligned") } }

        tmux.send("q")
        let after = try tmux.waitForExit()
        #expect(after.status == 0)
        expectCookedMode(after.stty)
        // The alternate screen was left: the list is gone from the pane.
        let pane = try tmux.capture()
        #expect(!pane.contains { $0.contains("Names · 名前") })
    }

    @Test("a crash (Swift trap) restores the terminal")
    func crashRestores() throws {
        let demo = try #require(DemoTmux.demoBinary)
        let tmux = try DemoTmux(width: 60, height: 15, program: demo, arguments: ["--allow-crash"])
        defer { tmux.kill() }
        _ = try tmux.waitForScreen("demo started") { isFramed($0, width: 60, height: 15) }
        tmux.send("!")
        let after = try tmux.waitForExit()
        #expect(after.status >= 128, "exit status \(after.status)")
        expectCookedMode(after.stty)
    }

    @Test("Ctrl-C (SIGINT) restores the terminal and exits with 130")
    func interruptRestores() throws {
        let demo = try #require(DemoTmux.demoBinary)
        let tmux = try DemoTmux(width: 60, height: 15, program: demo)
        defer { tmux.kill() }
        _ = try tmux.waitForScreen("demo started") { isFramed($0, width: 60, height: 15) }
        tmux.send("C-c")
        let after = try tmux.waitForExit()
        #expect(after.status == 130)
        expectCookedMode(after.stty)
    }

    @Test("SIGTERM and SIGHUP restore the terminal and exit with 128+signal", arguments: [SIGTERM, SIGHUP])
    func terminationRestores(signal: Int32) throws {
        let demo = try #require(DemoTmux.demoBinary)
        let tmux = try DemoTmux(width: 60, height: 15, program: demo)
        defer { tmux.kill() }
        _ = try tmux.waitForScreen("demo started") { isFramed($0, width: 60, height: 15) }
        let shell = try #require(Int32(try tmux.run(["display-message", "-p", "-t", "0", "#{pane_pid}"], output: true)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        // The pane runs sh, whose only child is the demo (env execs it).
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        let demoPID = try #require(children.split(separator: " ").first.flatMap { Int32($0) })
        #expect(kill(demoPID, signal) == 0)
        let after = try tmux.waitForExit()
        #expect(after.status == 128 + Int(signal))
        expectCookedMode(after.stty)
    }

    @Test("Ctrl-Z suspends with the terminal restored; fg redraws")
    func suspendAndResume() throws {
        let demo = try #require(DemoTmux.demoBinary)
        // An interactive shell gives job control (fg).
        let tmux = try DemoTmux(width: 60, height: 15, program: demo, interactiveShell: true)
        defer { tmux.kill() }
        _ = try tmux.waitForScreen("demo started") { isFramed($0, width: 60, height: 15) }
        tmux.send("C-z")
        _ = try tmux.waitForScreen("suspended, back at the shell") { !$0.contains { $0.contains("Names · 名前") } }
        tmux.send("-l", "stty -a > \(tmux.sttyFile.path); fg")
        tmux.send("Enter")
        _ = try tmux.waitForScreen("redrawn after fg") { isFramed($0, width: 60, height: 15) }
        expectCookedMode(try String(contentsOf: tmux.sttyFile, encoding: .utf8))
        tmux.send("q")
        _ = try tmux.waitForScreen("quit") { !$0.contains { $0.contains("Names · 名前") } }
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

/// A private tmux server with one session running a program.
struct DemoTmux {
    static let path: String? = {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/tmux"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// tui-demo built beside the test bundle (swift build puts every product in one directory).
    static let demoBinary: String? = {
        var candidates: [String] = []
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = bundle.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent("tui-demo").path)
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/tui-demo").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    let socket: String
    let directory: URL
    var sttyFile: URL { directory.appendingPathComponent("stty.txt") }
    var statusFile: URL { directory.appendingPathComponent("status.txt") }

    init(width: Int, height: Int, program: String, arguments: [String] = [], interactiveShell: Bool = false) throws {
        socket = "tui-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The Swift runtime's crash report stays, but must not wait for a key on the tty.
        let command = "env SWIFT_BACKTRACE=interactive=no,color=no " + ([program] + arguments).map(Self.quote).joined(separator: " ")
        let script: String
        if interactiveShell {
            // Job control needs the program started from the interactive shell itself (typed below).
            script = "env PS1='$ ' ENV=/dev/null sh -i"
        } else {
            // The shell traps SIGINT so it survives Ctrl-C and reports the program's status.
            script = "sh -c \(Self.quote("trap : INT; \(command); echo $? > \(statusFile.path).tmp; stty -a > \(sttyFile.path); mv \(statusFile.path).tmp \(statusFile.path); exec sleep 600"))"
        }
        try run(["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", script])
        if interactiveShell {
            send("-l", command)
            send("Enter")
        }
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs a tmux command and returns what it printed (see `Executable.spawn` for why it is spawned
    /// that way). Only commands that print get a pipe: the server the first command forks would
    /// inherit it and keep it open.
    @discardableResult
    func run(_ arguments: [String], output: Bool = false) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TMUX")
        environment["LANG"] = environment["LANG"] ?? "C.UTF-8"
        // Stale exported sizes, as some shells leave them: the backend must ask the tty instead.
        environment["COLUMNS"] = "33"
        environment["LINES"] = "5"
        // A socket in our own directory: a private server, and nothing left behind in /tmp/tmux-UID.
        let argv = [DemoTmux.path!, "-S", directory.appendingPathComponent("tmux.sock").path] + arguments

        return try Executable.spawn(argv, environment: environment, captureOutput: output).output
    }

    func send(_ keys: String...) { _ = try? run(["send-keys", "-t", "0"] + keys) }

    func capture() throws -> [String] {
        var lines = try run(["capture-pane", "-p", "-t", "0"], output: true).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", "0", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the screen every 50 ms until `condition` holds; fails after 10 s with the last screen.
    func waitForScreen(_ what: String, _ condition: ([String]) -> Bool) throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(10)
        var screen: [String] = []
        while ContinuousClock.now < deadline {
            screen = try capture()
            if condition(screen) { return screen }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TimedOut(what: what, screen: screen)
    }

    /// Waits for the program to exit and the shell to record its status and `stty -a`.
    func waitForExit() throws -> (status: Int, stty: String) {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let status = try? String(contentsOf: statusFile, encoding: .utf8) {
                let stty = try String(contentsOf: sttyFile, encoding: .utf8)
                return (Int(status.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1, stty)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TimedOut(what: "program exit", screen: (try? capture()) ?? [])
    }

    func kill() {
        _ = try? run(["kill-server"])
        try? FileManager.default.removeItem(at: directory)
    }

    struct TimedOut: Error, CustomStringConvertible {
        let what: String
        let screen: [String]
        var description: String { "timed out waiting for \(what); screen:\n" + screen.joined(separator: "\n") }
    }
}
