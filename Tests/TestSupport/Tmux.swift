import Foundation

/// A real terminal for end-to-end tests: a detached tmux session on a private server socket, driven
/// with send-keys and read with capture-pane. Waits are for screen conditions with a deadline.
public final class Tmux: @unchecked Sendable {
    // @unchecked: immutable after init; the tmux server is the only shared state and it is a process.
    public let socket: String
    public let session = "t"
    public let scratch: URL

    public static var isAvailable: Bool { Executable.find("tmux") != nil }

    /// Starts `command` (run by /bin/sh) in a new session of the given size.
    public init(width: Int, height: Int, command: String, environment: [String: String] = [:]) throws {
        socket = "sp-\(getpid())-\(UUID().uuidString.prefix(8))"
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        var exports = ["TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8"]
        exports += environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }
        let script = "export \(exports.joined(separator: " ")); \(command)"
        try tmux(["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", session, script])
        // Keep the pane after the command exits so its last screen and exit can be read.
        try tmux(["set-option", "-t", session, "remain-on-exit", "on"])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Single-quotes for /bin/sh.
    public static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    @discardableResult
    public func tmux(_ arguments: [String]) throws -> String {
        try Executable.run("tmux", ["-L", socket] + arguments).output
    }

    /// The visible screen, one string per row.
    public func capture() -> [String] {
        ((try? tmux(["capture-pane", "-p", "-t", session])) ?? "")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    public var screen: String { capture().joined(separator: "\n") }

    /// Sends tmux key names ("Enter", "Down", "q", "C-c") or literal text with `literal: true`.
    public func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", session] + (literal ? ["-l"] : []) + keys)
    }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Whether the pane's command has exited, and its status.
    public var exitStatus: Int? {
        let text = (try? tmux(["display-message", "-p", "-t", session, "#{pane_dead} #{pane_dead_status}"])) ?? ""
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.first == "1" else { return nil }
        return parts.count > 1 ? Int(parts[1]) : -1
    }

    /// The pane's process id.
    public var panePID: Int32? {
        Int32((try? tmux(["display-message", "-p", "-t", session, "#{pane_pid}"]))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
    }

    /// Waits until `condition` holds for the screen; returns the screen, or throws with the last screen.
    @discardableResult
    public func waitFor(_ what: String, timeout: Duration = .seconds(20),
                        _ condition: ([String]) -> Bool) throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        var lines = capture()
        while !condition(lines) {
            guard ContinuousClock.now < deadline else {
                throw TimedOut(what: what, screen: lines.joined(separator: "\n"))
            }
            usleep(40_000)
            lines = capture()
        }
        return lines
    }

    /// Waits until every text appears on the screen.
    @discardableResult
    public func waitFor(_ texts: String..., timeout: Duration = .seconds(20)) throws -> [String] {
        try waitFor(texts.joined(separator: ", "), timeout: timeout) { lines in
            texts.allSatisfy { text in lines.contains { $0.contains(text) } }
        }
    }

    /// Waits until the pane's command has exited; returns its status.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(20)) throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = exitStatus { return status }
            guard ContinuousClock.now < deadline else { throw TimedOut(what: "the program to exit", screen: screen) }
            usleep(40_000)
        }
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public var what: String
        public var screen: String
        public var description: String { "timed out waiting for \(what); the screen was:\n\(screen)" }
    }
}

/// Finding and running programs.
public enum Executable {
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The directory of the package's build products (where `spark-portal` and `spark-mock` are).
    public static var productsDirectory: URL {
        // The test runner lives in the products directory (…/debug/<Package>PackageTests.xctest).
        let runner = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                         ?? CommandLine.arguments[0])
        var directory = runner.deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("spark-portal").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        return runner.deletingLastPathComponent()
    }

    public static func product(_ name: String) -> String {
        productsDirectory.appendingPathComponent(name).path
    }

    public struct Result {
        public var status: Int32
        public var output: String
        public var error: String
    }

    /// Runs a program to completion and returns what it printed.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : (find(program) ?? program))
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a chatty program cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      error: String(decoding: errorData, as: UTF8.self))
    }
}
