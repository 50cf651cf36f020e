import ArgumentParser
import CTerminal
import Foundation
import PhotoCodec
import PortalApp
import SparkAPI
import TerminalPictures
import TerminalUI

/// The world a command runs in: where its output goes, its environment, the terminal it prints on (its size, the
/// size of its cells), and how it waits (retry waits, the login's deadline, the photo's deadline). Tests capture the
/// output, say what terminal it is, and pass a `sleep` that returns at once; the executable uses the process's
/// streams, its terminal and real time.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    public var environment: [String: String]
    public var stdoutIsTerminal: Bool
    public var stderrIsTerminal: Bool
    public var sleep: @Sendable (Duration) async throws -> Void
    /// The columns and rows of the terminal stdout is on; nil when it is none or does not say.
    public var terminalSize: Size?
    /// The size of that terminal's character cells in pixels, when it reports one (most do not: then a photo is
    /// fitted to `CellGeometry.fallback`).
    public var cellPixels: PixelSize?

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
                environment: [String: String], stdoutIsTerminal: Bool, stderrIsTerminal: Bool,
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                terminalSize: Size? = nil, cellPixels: PixelSize? = nil) {
        self.out = out
        self.err = err
        self.environment = environment
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.sleep = sleep
        self.terminalSize = terminalSize
        self.cellPixels = cellPixels
    }

    /// The real process: stdout, stderr, environment, isatty, and stdout's terminal size (TIOCGWINSZ).
    public static var process: Console {
        var rows: Int32 = 0, columns: Int32 = 0
        let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
        let size = stdoutIsTerminal && tui_terminal_size(STDOUT_FILENO, &rows, &columns) == 0
            ? Size(width: Int(columns), height: Int(rows)) : nil
        return Console(
            out: { text in try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8)) },  // a closed pipe (| head) is not a crash
            err: { text in try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8)) },
            environment: ProcessInfo.processInfo.environment,
            stdoutIsTerminal: stdoutIsTerminal, stderrIsTerminal: isatty(STDERR_FILENO) == 1,
            terminalSize: size, cellPixels: stdoutIsTerminal ? CellGeometry.reported(fd: STDOUT_FILENO) : nil)
    }
}

/// What one subcommand does, given an open session. Kept apart from argument parsing so tests can run
/// every command in-process against the demo server; each command is one small function (GroupCommands.swift,
/// CartCommands.swift, ListingCommands.swift, SearchCommands.swift).
public enum PortalCommand: Sendable, Equatable {
    case groups(json: Bool)
    case current(json: Bool)
    case use(groupID: String)
    case leave
    case carts(json: Bool)
    /// `<cart>`: an Id or a name (any case).
    case listings(cart: String, json: Bool)
    case whoami(json: Bool)
    /// `photo`: draw the primary photo above the facts when the console can (`--no-photo` turns it off).
    case listing(id: String, json: Bool, photo: Bool = true)
    case createCart(name: String, listingIds: [String], json: Bool)
    case renameCart(cart: String, newName: String, json: Bool)
    /// Without `yes`, asks on a terminal; with no terminal, refuses.
    case deleteCart(cart: String, yes: Bool, json: Bool)
    case addToCart(cart: String, listingIds: [String], json: Bool)
    case removeFromCart(cart: String, listingIds: [String], json: Bool)
    /// `favorite` (`.favorite`) and `reject` (`.reject`).
    case mark(listingIds: [String], as: ListingMark, json: Bool)
    case searches(json: Bool)
    /// `listings --search <search>`: an Id or a name (any case).
    case searchListings(search: String, json: Bool)
    case renameSearch(search: String, newName: String, json: Bool)
    /// Without `yes`, asks on a terminal; with no terminal, refuses.
    case deleteSearch(search: String, yes: Bool, json: Bool)
    case feeds(json: Bool)
    /// `feed pause` (`active` false) and `feed resume` (true).
    case setFeed(feed: String, active: Bool, json: Bool)

    /// Runs the command, writing results to `console.out`. Throws `CLIError`s and `SparkError`s; a command that
    /// changes several listings reports each failure itself and throws `CLIError.partialFailure`.
    public func run(in session: Session, console: Console, terminal: UserTerminal = .none) async throws {
        let context = CommandContext(session: session, console: console, terminal: terminal)
        switch self {
        case .groups(let json): try await context.groups(json: json)
        case .current(let json): try await context.current(json: json)
        case .use(let id): try await context.use(groupID: id)
        case .leave: try await context.leave()
        case .carts(let json): try await context.carts(json: json)
        case .listings(let cart, let json): try await context.listings(cart: cart, json: json)
        case .whoami(let json): try await context.whoami(json: json)
        case .listing(let id, let json, let photo): try await context.listing(id: id, json: json, photo: photo)
        case .createCart(let name, let ids, let json): try await context.createCart(name: name, listingIds: ids, json: json)
        case .renameCart(let cart, let name, let json): try await context.renameCart(cart, to: name, json: json)
        case .deleteCart(let cart, let yes, let json): try await context.deleteCart(cart, yes: yes, json: json)
        case .addToCart(let cart, let ids, let json): try await context.change(.add, ids, cart: cart, json: json)
        case .removeFromCart(let cart, let ids, let json): try await context.change(.remove, ids, cart: cart, json: json)
        case .mark(let ids, let mark, let json): try await context.mark(ids, as: mark, json: json)
        case .searches(let json): try await context.searches(json: json)
        case .searchListings(let search, let json): try await context.listings(search: search, json: json)
        case .renameSearch(let search, let name, let json): try await context.renameSearch(search, to: name, json: json)
        case .deleteSearch(let search, let yes, let json): try await context.deleteSearch(search, yes: yes, json: json)
        case .feeds(let json): try await context.feeds(json: json)
        case .setFeed(let feed, let active, let json): try await context.setFeed(feed, active: active, json: json)
        }
    }
}

/// What every command works with: the session's client and settings, the console, the person at the keyboard.
struct CommandContext: Sendable {
    let session: Session
    let console: Console
    let terminal: UserTerminal

    var client: SparkClient { session.client }
    var color: Bool { session.settings.color }

    /// Prints JSON on stdout.
    func printJSON<T: Encodable>(_ value: T) throws {
        console.out(try Output.json(value))
    }

    /// A line on stderr, sanitized, after the program's name: what went wrong with one part of a command.
    func warn(_ text: String) {
        console.err("spark-portal: \(sanitize(text))")
    }

    /// Every row of a paged list; when the list ends short of the pages the server claimed, a line on stderr says
    /// so (nothing is left out silently).
    func every<Item: Sendable>(_ pages: AsyncThrowingStream<ListProgress<Item>, any Error>, of what: String) async throws -> [Item] {
        var items: [Item] = []
        for try await page in pages {
            items += page.items
            if let cut = page.cut { warn(Self.cutNote(cut, at: page.page, of: what)) }
        }
        return items
    }

    static func cutNote(_ cut: ListCut, at page: Int, of what: String) -> String {
        switch cut {
        case .pageLimit(let claimed):
            "The server says its \(what) fill \(claimed) pages; these are the first \(page), "
                + "as the Spark API serves no page past \(Endpoints.maxPageNumber)."
        case .emptyPage(let claimed):
            "The server said its \(what) fill \(claimed) pages, but page \(page) came back empty; the list ends there."
        }
    }
}
