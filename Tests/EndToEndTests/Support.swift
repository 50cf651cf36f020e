import Foundation
import Testing
import TestSupport
import TerminalUI

/// The token the demo server's default user answers to. Distinctive enough to grep for.
let demoToken = "MY_OAUTH2_ACCESS_TOKEN"

/// `spark-portal` in a real terminal (tmux), in a directory of its own that is also its HOME and XDG_CONFIG_HOME (and,
/// unless `environment` names another, XDG_CACHE_HOME); stderr, the exit status and `stty -a` afterwards are recorded
/// by `TmuxScreen`.
/// - Parameters:
///   - endpoint: `--endpoint`; nil for none (e.g. with `--demo`).
///   - token: `SPARK_ACCESS_TOKEN`, or nil for none.
///   - logRequests: `--log-file` in the directory (`requestLog`).
///   - credentials: the content of the credentials file (`config/spark-portal/credentials.json`, written 0600 in a
///     0700 directory before the program starts), for stored logins.
///   - The others: see `TmuxScreen.init`.
func startPortalInTerminal(endpoint: String?, arguments: [String] = [], environment: [String: String] = [:],
                           size: Size = Size(width: 120, height: 40), token: String? = demoToken,
                           recordTTY: Bool = false, interactiveShell: Bool = false, logRequests: Bool = false,
                           initialTitle: String? = nil, credentials: String? = nil) async throws -> TmuxScreen {
    let directory = try TmuxScreen.makeDirectory()
    var environment = environment
    if let token { environment["SPARK_ACCESS_TOKEN"] = token }
    environment["XDG_CONFIG_HOME"] = directory.appendingPathComponent("config").path
    environment["XDG_CACHE_HOME"] = environment["XDG_CACHE_HOME"] ?? directory.appendingPathComponent("cache").path
    environment["HOME"] = directory.path
    if let credentials {
        let folder = directory.appendingPathComponent("config/spark-portal")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: folder.appendingPathComponent("credentials.json").path,
                                             contents: Data(credentials.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
    }
    var program = [Executable.product("spark-portal")]
    if let endpoint { program += ["--endpoint", endpoint] }
    if logRequests { program += ["--log-file", directory.appendingPathComponent("requests.log").path] }
    return try await TmuxScreen(program: program + arguments, size: size, environment: environment, directory: directory,
                                recordTTY: recordTTY, interactiveShell: interactiveShell, initialTitle: initialTitle)
}

extension TmuxScreen {
    /// spark-portal's request log (`logRequests`).
    var requestLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("requests.log"), encoding: .utf8)) ?? ""
    }

    var credentialsFile: URL { directory.appendingPathComponent("config/spark-portal/credentials.json") }

    /// The pid of spark-portal (the child of the pane's shell).
    func portalPID() async throws -> Int32 { try await programPID(named: "spark-portal") }
}

extension ScreenDriver {
    /// Waits until the whole three-pane frame is on screen (and `also` holds); a timeout lists what was wrong.
    @discardableResult
    func waitForWholeFrame(_ what: String, also: @escaping @Sendable ([String]) -> Bool = { _ in true }) async throws -> [String] {
        let size = self.size
        do {
            return try await waitFor(what) { screen in
                threePaneFrameProblems(screen, width: size.width, height: size.height).isEmpty && also(screen)
            }
        } catch let error as ScreenTimedOut {
            let problems = threePaneFrameProblems(error.screen, width: size.width, height: size.height)
            throw ScreenTimedOut(what: error.what, screen: error.screen,
                                 details: error.details + "\n-- frame problems:\n" + problems.joined(separator: "\n"))
        }
    }
}

// MARK: - Reading the screen

/// The characters boxes are drawn with (light for panes, heavy for the focused pane).
let verticalBoxCharacters: Set<Character> = ["│", "┃", "┌", "┐", "└", "┘", "┏", "┓", "┗", "┛"]

/// Each character of a screen row with the column it starts at, by the terminal's widths. Each character is
/// measured after the one before it: a zero-width character (RLM, a combining mark) is only zero-width after
/// something. (Measuring the whole prefix each time gave the same columns in quadratic time.)
func cells(of line: String) -> [(character: Character, column: Int)] {
    var column = 0
    var previous = ""
    var result: [(Character, Int)] = []
    for character in line {
        result.append((character, column))
        let pair = previous + String(character)
        column += TextWidth.of(pair) - TextWidth.of(previous)
        previous = String(character)
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
func runPortal(_ arguments: [String], token: String? = demoToken, environment: [String: String] = [:]) async throws -> Executable.Result {
    var env = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent-spark-portal-e2e",
               "XDG_CONFIG_HOME": "/nonexistent-spark-portal-e2e", "SWIFT_BACKTRACE": "interactive=no,color=no"]
    if let token { env["SPARK_ACCESS_TOKEN"] = token }
    env.merge(environment) { $1 }
    return try await Executable.run(Executable.product("spark-portal"), arguments, environment: env)
}

/// The owner's name of a group object (Spark JSON): the `Users[]` entry whose `Id` is the group's `ContactId`.
func ownerName(_ group: [String: Any]) -> String? {
    let users = group["Users"] as? [[String: Any]] ?? []
    return users.first { $0["Id"] as? String == group["ContactId"] as? String }?["Name"] as? String
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
