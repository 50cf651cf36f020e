import Foundation
import Testing
import TestSupport
import TerminalUI

/// The token the demo server's default user answers to. Distinctive enough to grep for.
let demoToken = "MY_OAUTH2_ACCESS_TOKEN"

/// `spark-portal` running in a real terminal (tmux) with everything around it recorded: the shell that starts it
/// writes the program's exit status and `stty -a` when it ends, then keeps the pane open so the terminal's state
/// (alternate screen, cursor) can still be read; stderr goes to a file; optionally every byte written to the
/// terminal is copied to a file (`tmux pipe-pane`) before the program starts.
final class PortalInTerminal: @unchecked Sendable {
    // @unchecked: immutable after init; the processes are the shared state.
    let tmux: Tmux
    let directory: URL
    var statusFile: URL { directory.appendingPathComponent("status") }
    var sttyFile: URL { directory.appendingPathComponent("stty") }
    var stderrFile: URL { directory.appendingPathComponent("stderr") }
    var rawOutputFile: URL { directory.appendingPathComponent("tty-bytes") }
    var logFile: URL { directory.appendingPathComponent("requests.log") }
    var width: Int { size.width }
    var height: Int { size.height }

    /// - Parameters:
    ///   - endpoint: `--endpoint`; nil for none (e.g. with `--demo`).
    ///   - recordTTY: copy every byte the pane receives to `rawOutputFile`, from before the program starts.
    ///   - interactiveShell: start an interactive `sh -i` and type the command there (job control for Ctrl-Z/fg).
    ///   - initialTitle: the shell sets this pane title with OSC 2 before the program starts (and before recording),
    ///     which also proves tmux obeys title sequences from the pane.
    ///   - credentials: the content of the credentials file (`$XDG_CONFIG_HOME/spark-portal/credentials.json`,
    ///     written 0600 in a 0700 directory before the program starts), for stored logins.
    init(endpoint: String?, arguments: [String] = [], environment: [String: String] = [:],
         width: Int = 120, height: Int = 40, token: String? = demoToken, recordTTY: Bool = false,
         interactiveShell: Bool = false, logRequests: Bool = false, initialTitle: String? = nil,
         credentials: String? = nil) throws {
        self.size = (width, height)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString.prefix(8))")
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func file(_ name: String) -> String { directory.appendingPathComponent(name).path }
        var environment = environment
        if let token { environment["SPARK_ACCESS_TOKEN"] = token }
        environment["XDG_CONFIG_HOME"] = directory.appendingPathComponent("config").path
        environment["HOME"] = directory.path
        if let credentials {
            let folder = directory.appendingPathComponent("config/spark-portal")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let file = folder.appendingPathComponent("credentials.json").path
            guard FileManager.default.createFile(atPath: file, contents: Data(credentials.utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
        }
        // The Swift runtime's crash report must not wait for a key on the terminal.
        environment["SWIFT_BACKTRACE"] = "interactive=no,color=no"
        var words = [Executable.product("spark-portal")]
        if let endpoint { words += ["--endpoint", endpoint] }
        if logRequests { words += ["--log-file", file("requests.log")] }
        words += arguments
        let command = words.map(Tmux.quote).joined(separator: " ") + " 2>" + Tmux.quote(file("stderr"))
        var gate = recordTTY ? "tmux wait-for spark-portal-go; " : ""
        if let initialTitle { gate = "printf '\\033]2;%s\\033\\\\' \(Tmux.quote(initialTitle)); " + gate }
        let status = Tmux.quote(file("status")), stty = Tmux.quote(file("stty"))
        if interactiveShell {
            tmux = try Tmux(width: width, height: height, command: "PS1='$ ' ENV=/dev/null exec sh -i", environment: environment)
            try tmux.waitFor("the shell prompt") { $0.contains { $0.hasPrefix("$") } }
            try tmux.send(command, literal: true)
            try tmux.send("Enter")
        } else {
            // The shell ignores SIGINT so that it survives Ctrl-C and reports how the program ended.
            let script = "trap : INT; \(gate)\(command); echo $? > \(status).tmp; stty -a > \(stty); "
                + "mv \(status).tmp \(status); exec sleep 3600"
            tmux = try Tmux(width: width, height: height, command: script, environment: environment)
        }
        if let initialTitle {
            try tmux.waitFor("the initial pane title") { _ in self.paneTitle == initialTitle }
        }
        if recordTTY {
            try tmux.tmux(["pipe-pane", "-t", tmux.session, "-o", "cat >> " + Tmux.quote(rawOutputFile.path)])
            try tmux.tmux(["wait-for", "-S", "spark-portal-go"])
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: The program

    /// The pid of spark-portal (the only child of the pane's shell).
    func programPID(timeout: Duration = .seconds(20)) throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let shell = tmux.panePID,
               let children = try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8) {
                for word in children.split(separator: " ") {
                    guard let pid = Int32(word) else { continue }
                    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? ""
                    if exe.hasSuffix("/spark-portal") { return pid }
                }
            }
            usleep(20_000)
        }
        throw WaitTimedOut(what: "the spark-portal process", screen: tmux.screen)
    }

    /// How the program ended (its shell status: 128+N for signal N) and `stty -a` afterwards.
    func waitForExit(timeout: Duration = .seconds(20)) throws -> (status: Int, stty: String) {
        try tmux.waitFor("spark-portal to exit", timeout: timeout) { _ in
            FileManager.default.fileExists(atPath: self.statusFile.path)
        }
        let status = try String(contentsOf: statusFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return (Int(status) ?? -1, try String(contentsOf: sttyFile, encoding: .utf8))
    }

    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }
    var rawOutput: Data { (try? Data(contentsOf: rawOutputFile)) ?? Data() }
    var requestLog: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    var credentialsFile: URL { directory.appendingPathComponent("config/spark-portal/credentials.json") }

    // MARK: The terminal

    /// A tmux format for the pane, e.g. `#{pane_title}`.
    func paneFormat(_ format: String) -> String {
        ((try? tmux.tmux(["display-message", "-p", "-t", tmux.session, format], output: true)) ?? "")
            .trimmingCharacters(in: .newlines)
    }

    var paneTitle: String { paneFormat("#{pane_title}") }
    var alternateScreenIsOn: Bool { paneFormat("#{alternate_on}") == "1" }
    var cursorIsVisible: Bool { paneFormat("#{cursor_flag}") == "1" }

    /// The visible screen with trailing spaces kept, one string per row.
    func screen() -> [String] {
        var lines = ((try? tmux.tmux(["capture-pane", "-p", "-N", "-t", tmux.session], output: true)) ?? "")
            .components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Everything the pane shows and has scrolled away.
    func history() -> String {
        (try? tmux.tmux(["capture-pane", "-p", "-S", "-", "-t", tmux.session], output: true)) ?? ""
    }

    /// Waits until `condition` holds for the screen (rows with trailing spaces kept).
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(30), _ condition: ([String]) -> Bool) throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        var lines = screen()
        while !condition(lines) {
            guard ContinuousClock.now < deadline else {
                throw WaitTimedOut(what: what, screen: lines.joined(separator: "\n") + "\n-- stderr:\n" + stderr)
            }
            usleep(30_000)
            lines = screen()
        }
        return lines
    }

    /// Waits until every text is on the screen.
    @discardableResult
    func waitFor(_ texts: String..., timeout: Duration = .seconds(30)) throws -> [String] {
        try waitFor(texts.joined(separator: ", "), timeout: timeout) { lines in
            texts.allSatisfy { text in lines.contains { $0.contains(text) } }
        }
    }

    /// Waits until the whole three-pane frame is on screen (and `also` holds); a timeout lists what was wrong.
    @discardableResult
    func waitForWholeFrame(_ what: String, timeout: Duration = .seconds(30),
                           also: ([String]) -> Bool = { _ in true }) throws -> [String] {
        do {
            return try waitFor(what, timeout: timeout) { screen in
                threePaneFrameProblems(screen, width: width, height: height).isEmpty && also(screen)
            }
        } catch let error as WaitTimedOut {
            let problems = threePaneFrameProblems(screen(), width: width, height: height)
            throw WaitTimedOut(what: error.what, screen: error.screen + "\n-- frame problems:\n" + problems.joined(separator: "\n"))
        }
    }

    /// The size the terminal has now (after `tmux.resize`).
    private(set) var size: (width: Int, height: Int)

    func resize(width: Int, height: Int) throws {
        try tmux.resize(width: width, height: height)
        size = (width, height)
    }

    func send(_ keys: String...) throws {
        try tmux.tmux(["send-keys", "-t", tmux.session] + keys)
    }
}

// MARK: - Reading the screen

/// The characters boxes are drawn with (light for panes, heavy for the focused pane).
let verticalBoxCharacters: Set<Character> = ["│", "┃", "┌", "┐", "└", "┘", "┏", "┓", "┗", "┛"]

/// Each character of a screen row with the column it starts at, by the terminal's widths. Measured on the
/// whole prefix: a zero-width character (RLM, a combining mark) is only zero-width after something.
func cells(of line: String) -> [(character: Character, column: Int)] {
    var prefix = ""
    var result: [(Character, Int)] = []
    for character in line {
        result.append((character, TextWidth.of(prefix)))
        prefix.append(character)
    }
    return result
}

/// The columns where a row has a vertical box edge or corner.
func boxEdgeColumns(_ line: String) -> [Int] {
    cells(of: line).filter { verticalBoxCharacters.contains($0.character) }.map(\.column)
}

/// The text of a row between display columns `from` (inclusive) and `to` (exclusive).
func slice(_ line: String, from: Int, to: Int) -> String {
    String(cells(of: line).filter { $0.column >= from && $0.column < to }.map(\.character))
}

/// The three-pane layout is whole: a title row, a status row, and between them boxes whose edges are at the
/// same columns on every row, every row exactly as wide as the terminal.
func threePaneFrameProblems(_ screen: [String], width: Int, height: Int) -> [String] {
    var problems: [String] = []
    guard screen.count == height else { return ["\(screen.count) rows, expected \(height)"] }
    // tmux leaves out trailing cells nothing was written to, so a row may be shorter, never wider; the box
    // rows must end exactly at the last column.
    for (y, line) in screen.enumerated() where TextWidth.of(line) > width || (y > 0 && y < height - 1 && TextWidth.of(line) != width) {
        problems.append("row \(y) is \(TextWidth.of(line)) columns wide, terminal \(width): \(line)")
    }
    let top = boxEdgeColumns(screen[1])
    if top.count != 6 || top.first != 0 || top.last != width - 1 { problems.append("row 1 has box corners at \(top): \(screen[1])") }
    for y in 2..<(height - 1) where boxEdgeColumns(screen[y]) != top {
        problems.append("row \(y) has box edges at \(boxEdgeColumns(screen[y])), row 1 at \(top): \(screen[y])")
    }
    // A narrow title bar leaves out "spark-portal ·" before it cuts the group's name: only ask for a title.
    if screen[0].trimmingCharacters(in: .whitespaces).isEmpty { problems.append("no title row") }
    if screen[height - 1].trimmingCharacters(in: .whitespaces).isEmpty { problems.append("the status row is empty") }
    return problems
}


/// The rows of one pane of the wide layout (0: groups, 1: members, 2: carts), inside its border.
func paneRows(_ screen: [String], pane: Int) -> [String] {
    guard screen.count > 3 else { return [] }
    let edges = boxEdgeColumns(screen[1])
    guard edges.count == 6 else { return [] }
    let from = edges[pane * 2] + 1, to = edges[pane * 2 + 1]
    return screen[2..<(screen.count - 2)].map { slice($0, from: from, to: to) }
}

/// The title of one pane of the wide layout (its top border, without the box characters).
func paneTitle(_ screen: [String], pane: Int) -> String {
    let edges = boxEdgeColumns(screen[1])
    guard edges.count == 6 else { return "" }
    return slice(screen[1], from: edges[pane * 2] + 1, to: edges[pane * 2 + 1])
}

/// Whether the title bar says nothing is in flight (the spinner is replaced by ⟳).
func isQuiet(_ screen: [String]) -> Bool {
    guard let title = screen.first else { return false }
    return title.contains("⟳") && !title.contains("switching") && !(screen.last ?? "").contains("Switching")
}

// MARK: - The command line

/// Runs `spark-portal` with arguments (never the token: that goes in the environment) and waits for it.
func runPortal(_ arguments: [String], token: String? = demoToken, environment: [String: String] = [:]) throws -> Executable.Result {
    var env = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent-spark-portal-e2e",
               "XDG_CONFIG_HOME": "/nonexistent-spark-portal-e2e", "SWIFT_BACKTRACE": "interactive=no,color=no"]
    if let token { env["SPARK_ACCESS_TOKEN"] = token }
    env.merge(environment) { $1 }
    return try Executable.run(Executable.product("spark-portal"), arguments, environment: env)
}

/// The server's current group for the demo token, as `spark-portal current --json` reports it (nil: none).
func serverCurrentGroup(_ server: MockServerProcess) throws -> [String: Any]? {
    let result = try runPortal(["current", "--json", "--endpoint", server.baseURL.absoluteString])
    guard result.status == 0 else { throw CommandFailed(result: result) }
    return try JSONSerialization.jsonObject(with: Data(result.output.utf8), options: [.fragmentsAllowed]) as? [String: Any]
}

/// The owner's name of a group object (Spark JSON): the `Users[]` entry whose `Id` is the group's `ContactId`.
func ownerName(_ group: [String: Any]) -> String? {
    let users = group["Users"] as? [[String: Any]] ?? []
    return users.first { $0["Id"] as? String == group["ContactId"] as? String }?["Name"] as? String
}

/// The server's carts for the demo token, as `spark-portal carts --json` reports them.
func serverCarts(_ server: MockServerProcess) throws -> [(name: String, count: Int)] {
    let result = try runPortal(["carts", "--json", "--endpoint", server.baseURL.absoluteString])
    guard result.status == 0 else { throw CommandFailed(result: result) }
    let carts = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]] ?? []
    return carts.map { ($0["Name"] as? String ?? "", $0["ListingCount"] as? Int ?? -1) }
}

struct CommandFailed: Error, CustomStringConvertible {
    var status: Int32
    var stderr: String
    init(result: Executable.Result) {
        status = result.status
        stderr = result.error
    }
    var description: String { "exit \(status): \(stderr)" }
}

/// A screen condition that did not come true in time, with the last screen.
struct WaitTimedOut: Error, CustomStringConvertible {
    var what: String
    var screen: String
    var description: String { "timed out waiting for \(what); the screen was:\n\(screen)" }
}

/// `stty -a` words, for checking the terminal is back in cooked mode.
func sttyWords(_ stty: String) -> Set<String> {
    Set(stty.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
}

/// A small deterministic generator (SplitMix64), so every random test is repeatable from its seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Resident memory of a process in kilobytes (`VmRSS` in /proc).
func residentKilobytes(of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
    return nil
}
