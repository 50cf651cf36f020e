import Foundation
import Synchronization
import TerminalUI

/// A real program in a real terminal: a detached tmux session on a private server (its socket in the session's own
/// directory), driven with `send-keys` and read with `capture-pane`. The one tmux driver of the tests.
///
/// The program runs under a shell that ignores SIGINT (so it survives Ctrl-C) and, when the program ends, records
/// its exit status and `stty -a` in the directory, then keeps the pane open so the terminal's state (alternate
/// screen, cursor, title) can still be read. Its stderr goes to a file. Optionally every byte written to the
/// terminal is recorded (`tmux pipe-pane`) from before the program starts.
///
/// Every tmux command is a short-lived process awaited off the cooperative pool; waits capture the pane, check,
/// and `Task.sleep` between captures until the condition holds or the deadline passes.
public final class TmuxScreen: ScreenDriver {
    public static var isAvailable: Bool { Executable.find("tmux") != nil }

    /// The session's own directory: the tmux socket and the files below. Removed when the value goes away.
    public let directory: URL
    public var statusFile: URL { directory.appendingPathComponent("status") }
    public var sttyFile: URL { directory.appendingPathComponent("stty") }
    public var stderrFile: URL { directory.appendingPathComponent("stderr") }
    public var rawOutputFile: URL { directory.appendingPathComponent("tty-bytes") }

    private let session = "t"
    private let serverPID: Int32
    private let currentSize: Mutex<Size>

    /// A new, empty directory for a session, for callers that put files of their own in it (a log file, a
    /// configuration) before the program starts; pass it as `directory`.
    public static func makeDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sp-tmux-\(UUID().uuidString.prefix(12))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Starts `program` (argv) in a new terminal of the given size.
    /// - Parameters:
    ///   - environment: added to the program's environment (which also has TERM=xterm-256color, a UTF-8 locale, crash
    ///     reports that neither wait for a key nor look up symbols, and deliberately stale COLUMNS/LINES: programs must
    ///     ask the terminal its size).
    ///   - directory: from `makeDirectory()`, or nil for a new one.
    ///   - recordTTY: copy every byte the terminal receives to `rawOutputFile`, from before the program starts.
    ///   - interactiveShell: start `sh -i` and type the command there (job control, for Ctrl-Z and `fg`); the exit
    ///     status and `stty -a` are then not recorded.
    ///   - initialTitle: the shell sets this pane title (OSC 2) before the program starts, which also shows that
    ///     tmux obeys title sequences from the pane.
    public init(program: [String], size: Size = Size(width: 120, height: 40), environment: [String: String] = [:],
                directory: URL? = nil, recordTTY: Bool = false, interactiveShell: Bool = false,
                initialTitle: String? = nil) async throws {
        let directory = try directory ?? Self.makeDirectory()
        self.directory = directory
        currentSize = Mutex(size)
        func quoted(_ name: String) -> String { Self.quote(directory.appendingPathComponent(name).path) }
        // A crash report that does not wait for a key, and without symbol names: looking them up in a debug binary
        // costs seconds of CPU per crash; the report (threads, registers, images) is still written.
        var exports = ["TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "SWIFT_BACKTRACE=interactive=no,color=no,symbolicate=off"]
        exports += environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }
        let command = program.map(Self.quote).joined(separator: " ") + " 2>" + quoted("stderr")
        let script: String
        if interactiveShell {
            script = "export \(exports.joined(separator: " ")); PS1='$ ' ENV=/dev/null exec sh -i"
        } else {
            var before = ""
            if let initialTitle { before += "printf '\\033]2;%s\\033\\\\' \(Self.quote(initialTitle)); " }
            if recordTTY { before += "tmux wait-for sp-recording; " }
            let status = quoted("status")
            script = "export \(exports.joined(separator: " ")); trap : INT; \(before)\(command); echo $? > \(status).tmp; "
                + "stty -a > \(quoted("stty")); mv \(status).tmp \(status); exec sleep 3600"
        }
        let socket = directory.appendingPathComponent("tmux.sock").path
        try await Self.tmux(socket: socket, ["-f", "/dev/null", "new-session", "-d", "-x", "\(size.width)", "-y", "\(size.height)",
                                             "-s", session, script], output: false)
        serverPID = Int32(try await Self.tmux(socket: socket, ["display-message", "-p", "#{pid}"], output: true)
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        // Keep the pane after the command exits so its last screen and state can be read.
        try await tmux(["set-option", "-t", session, "remain-on-exit", "on"])
        if interactiveShell {
            try await waitFor("the shell prompt") { $0.contains { $0.hasPrefix("$") } }
            try await sendLiteral(command)
            try await send("Enter")
        }
        if let initialTitle {
            try await waitUntil("the initial pane title") { try await self.paneTitle() == initialTitle }
        }
        if recordTTY {
            try await tmux(["pipe-pane", "-t", session, "-o", "cat >> " + quoted("tty-bytes")])
            try await tmux(["wait-for", "-S", "sp-recording"])
        }
    }

    deinit {
        // Ends the private server, and with it the pane's processes (SIGHUP); without waiting.
        if serverPID > 0 { kill(serverPID, SIGTERM) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Single-quotes for /bin/sh.
    public static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static let pollInterval: Duration = .milliseconds(30)

    // MARK: tmux

    /// Runs a tmux command on this session's private server; its output when `output`. (Only commands whose output
    /// is read get a pipe: a server that a command forks would inherit the pipe and keep it open.)
    @discardableResult
    public func tmux(_ arguments: [String], output: Bool = false) async throws -> String {
        try await Self.tmux(socket: directory.appendingPathComponent("tmux.sock").path, arguments, output: output)
    }

    @discardableResult
    private static func tmux(socket: String, _ arguments: [String], output: Bool) async throws -> String {
        guard let path = Executable.find("tmux") else { throw Executable.SpawnFailed(program: "tmux", code: ENOENT) }
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TMUX")
        // Stale sizes, as some shells leave them exported: programs must ask the terminal instead.
        environment["COLUMNS"] = "33"
        environment["LINES"] = "5"
        let result = try await Executable.run(path, ["-S", socket] + arguments, environment: environment, captureOutput: output)
        guard result.status == 0 else {
            throw TmuxFailed(arguments: arguments, status: result.status, error: result.error)
        }
        return result.output
    }

    public struct TmuxFailed: Error, CustomStringConvertible {
        public var arguments: [String]
        public var status: Int32
        public var error: String
        public var description: String { "tmux \(arguments.joined(separator: " ")) failed (\(status)): \(error)" }
    }

    /// A tmux format for the pane, e.g. `#{pane_title}`.
    public func paneFormat(_ format: String) async throws -> String {
        try await tmux(["display-message", "-p", "-t", session, format], output: true).trimmingCharacters(in: .newlines)
    }

    public func paneTitle() async throws -> String { try await paneFormat("#{pane_title}") }
    public func alternateScreenIsOn() async throws -> Bool { try await paneFormat("#{alternate_on}") == "1" }
    public func cursorIsVisible() async throws -> Bool { try await paneFormat("#{cursor_flag}") == "1" }
    /// The pane's terminal device (`/dev/pts/N`).
    public func paneTTY() async throws -> String { try await paneFormat("#{pane_tty}") }

    // MARK: ScreenDriver

    public var size: Size { currentSize.withLock { $0 } }

    public func press(_ keys: [Key]) async throws {
        // Runs of characters go as literal text (`send-keys -l`: a lone ";" would otherwise end the tmux command),
        // other keys by their tmux names.
        var literal = ""
        var names: [String] = []
        func flush() async throws {
            if !literal.isEmpty { try await sendLiteral(literal) }
            if !names.isEmpty { try await tmux(["send-keys", "-t", session] + names) }
            literal = ""
            names = []
        }
        for key in keys {
            if case .char(let character) = key {
                if !names.isEmpty { try await flush() }
                literal.append(character)
            } else if case .paste(let text) = key {
                try await flush()
                try await paste(text)
            } else {
                if !literal.isEmpty { try await flush() }
                names.append(try Self.tmuxName(of: key))
            }
        }
        try await flush()
    }

    /// Keys by tmux name (`Enter`, `Down`, `C-c`, `q`), in one `send-keys`.
    public func send(_ keys: String...) async throws {
        try await tmux(["send-keys", "-t", session] + keys)
    }

    /// Text typed as it is.
    public func sendLiteral(_ text: String) async throws {
        try await tmux(["send-keys", "-t", session, "-l", text])
    }

    /// Pastes `text` as a terminal does: bracketed (`paste-buffer -p`) when the program asked for bracketed paste.
    public func paste(_ text: String) async throws {
        try await tmux(["set-buffer", "-b", "sp-paste", "--", text])
        try await tmux(["paste-buffer", "-p", "-d", "-b", "sp-paste", "-t", session])
    }

    static func tmuxName(of key: Key) throws -> String {
        switch key {
        case .char(let character): return String(character)
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PPage"
        case .pageDown: return "NPage"
        case .tab: return "Tab"
        case .backTab: return "BTab"
        case .enter: return "Enter"
        case .escape: return "Escape"
        case .backspace: return "BSpace"
        case .delete: return "DC"
        case .ctrl(let character): return "C-\(character)"
        case .function(let number): return "F\(number)"
        case .mouse, .resize, .unknown, .paste: throw UnsupportedKey(key: key)
        }
    }

    public struct UnsupportedKey: Error, CustomStringConvertible {
        public var key: Key
        public var description: String { "tmux cannot send \(key)" }
    }

    public func resize(to size: Size) async throws {
        try await tmux(["resize-window", "-t", session, "-x", "\(size.width)", "-y", "\(size.height)"])
        currentSize.withLock { $0 = size }
    }

    /// The visible screen, one string per row, trailing spaces kept.
    public func screen() async throws -> [String] {
        var lines = try await tmux(["capture-pane", "-p", "-N", "-t", session], output: true).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The visible screen with its colours and attributes as escape sequences (`capture-pane -e`): what styles
    /// reached the terminal.
    public func styledScreen() async throws -> String {
        try await tmux(["capture-pane", "-e", "-p", "-t", session], output: true)
    }

    /// Everything the pane shows and has scrolled away.
    public func history() async throws -> String {
        try await tmux(["capture-pane", "-p", "-S", "-", "-t", session], output: true)
    }

    @discardableResult
    public func waitFor(_ what: String, timeout: Duration, _ condition: @escaping @Sendable ([String]) -> Bool) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        var lines = try await screen()
        while !condition(lines) {
            guard ContinuousClock.now < deadline else {
                let stderr = self.stderr
                throw ScreenTimedOut(what: what, screen: lines, details: stderr.isEmpty ? "" : "-- stderr:\n" + stderr)
            }
            try await Task.sleep(for: Self.pollInterval)
            lines = try await screen()
        }
        return lines
    }

    /// Waits until `condition` holds for something other than the screen (a file, a pane format), checking as often
    /// as a screen wait does.
    public func waitUntil(_ what: String, timeout: Duration = ScreenTimedOut.defaultTimeout,
                          _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw ScreenTimedOut(what: what, screen: try await screen()) }
            try await Task.sleep(for: Self.pollInterval)
        }
    }

    // MARK: The program

    /// Waits for the program to end; its shell status (128+N for signal N) and `stty -a` after it.
    public func waitForExit(timeout: Duration = ScreenTimedOut.defaultTimeout) async throws -> (status: Int, stty: String) {
        try await waitUntil("the program to exit", timeout: timeout) { [statusFile] in
            FileManager.default.fileExists(atPath: statusFile.path)
        }
        let status = try String(contentsOf: statusFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return (Int(status) ?? -1, try String(contentsOf: sttyFile, encoding: .utf8))
    }

    /// The pid of the program: the child of the pane's shell whose executable is named `name`.
    public func programPID(named name: String) async throws -> Int32 {
        let pane = Int32(try await paneFormat("#{pane_pid}")) ?? -1
        let found = Mutex<Int32?>(nil)
        try await waitUntil("the \(name) process") {
            let children = (try? String(contentsOfFile: "/proc/\(pane)/task/\(pane)/children", encoding: .utf8)) ?? ""
            for word in children.split(separator: " ") {
                guard let pid = Int32(word) else { continue }
                let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? ""
                if executable.hasSuffix("/" + name) {
                    found.withLock { $0 = pid }
                    return true
                }
            }
            return false
        }
        return found.withLock { $0 } ?? -1
    }

    /// What the program wrote on stderr so far.
    public var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }
    /// Every byte the terminal received (with `recordTTY`).
    public var rawOutput: Data { (try? Data(contentsOf: rawOutputFile)) ?? Data() }
}
