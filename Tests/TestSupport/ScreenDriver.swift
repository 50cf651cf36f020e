import TerminalUI

/// Keys in, screens out: what a scenario does to the app and reads back, the same whether the app runs in this
/// process (`InProcessScreen`: the program loop on a `TestBackend`, against an in-process demo server, on a test
/// clock) or as the real binary in a real terminal (`TmuxScreen`). Every wait is for a screen condition with a
/// deadline; the deadline only stops a broken test from hanging, it is never how long the test waits.
///
/// Write a scenario against `some ScreenDriver` and run it in process; run it in tmux only for what a terminal
/// alone shows (signals and exit paths, resize, the bytes written, hostile text reaching the terminal, Ctrl-Z).
public protocol ScreenDriver: Sendable {
    /// The terminal's size, after the last `resize`.
    var size: Size { get }
    /// Presses keys, in order, as a user types them.
    func press(_ keys: [Key]) async throws
    /// Changes the terminal's size, as a user dragging the window does.
    func resize(to size: Size) async throws
    /// The screen now, one string per row.
    func screen() async throws -> [String]
    /// Waits until `condition` holds for the screen and returns that screen; throws `ScreenTimedOut` (with the last
    /// screen) when `timeout` passes first.
    func waitFor(_ what: String, timeout: Duration, _ condition: @escaping @Sendable ([String]) -> Bool) async throws -> [String]
}

extension ScreenDriver {
    public func press(_ keys: Key...) async throws {
        try await press(keys)
    }

    /// Types text, one key per character.
    public func type(_ text: String) async throws {
        try await press(text.map(Key.char))
    }

    /// Waits until `condition` holds for the screen (30 s at most).
    @discardableResult
    public func waitFor(_ what: String, _ condition: @escaping @Sendable ([String]) -> Bool) async throws -> [String] {
        try await waitFor(what, timeout: ScreenTimedOut.defaultTimeout, condition)
    }

    /// Waits until every text is somewhere on the screen.
    @discardableResult
    public func waitFor(_ texts: String...) async throws -> [String] {
        try await waitFor(texts.joined(separator: ", ")) { lines in
            texts.allSatisfy { text in lines.contains { $0.contains(text) } }
        }
    }
}

/// A screen condition that did not come true in time.
public struct ScreenTimedOut: Error, CustomStringConvertible {
    /// Long enough for a cold, loaded machine (a whole parallel suite on two shared cores); a wait that is right ends
    /// as soon as the screen shows what it waits for.
    public static let defaultTimeout: Duration = .seconds(30)

    public var what: String
    public var screen: [String]
    /// Anything else that helps to see why (the program's stderr, the frame's problems).
    public var details: String

    public init(what: String, screen: [String], details: String = "") {
        self.what = what
        self.screen = screen
        self.details = details
    }

    public var description: String {
        "timed out waiting for \(what); the screen was:\n" + screen.joined(separator: "\n") + (details.isEmpty ? "" : "\n" + details)
    }
}

/// Runs `body`, or throws `timedOut()` once `timeout` has passed on the real clock (the deadline of a wait).
func withDeadline<T: Sendable>(_ timeout: Duration, timedOut: @escaping @Sendable () -> any Error,
                               _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw timedOut()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}
