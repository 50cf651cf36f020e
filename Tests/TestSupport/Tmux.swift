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
        socket = "sp-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        var exports = ["TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8"]
        exports += environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }
        let script = "export \(exports.joined(separator: " ")); \(command)"
        try tmux(["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", session, script])
        // Keep the pane after the command exits so its last screen and exit can be read.
        try tmux(["set-option", "-t", session, "remain-on-exit", "on"])
    }

    /// Runs a program (argv, quoted for the shell) under a shell that survives Ctrl-C, then records the
    /// program's exit status and `stty -a` for `waitForProgramExit()`.
    public convenience init(width: Int, height: Int, program: [String], environment: [String: String] = [:]) throws {
        let id = UUID().uuidString
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sp-run-\(id)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let status = directory.appendingPathComponent("status").path
        let stty = directory.appendingPathComponent("stty").path
        let command = "env SWIFT_BACKTRACE=interactive=no,color=no " + program.map(Self.quote).joined(separator: " ")
        try self.init(width: width, height: height, command: "trap : INT; \(command); echo $? > \(Self.quote(status)).tmp; "
                        + "stty -a > \(Self.quote(stty)); mv \(Self.quote(status)).tmp \(Self.quote(status)); exec sleep 600",
                      environment: environment)
        runDirectory = directory
    }

    /// Where `init(program:)` records the exit status and `stty -a`.
    private var runDirectory: URL?

    /// Waits for a program started with `init(program:)` to exit; its status and the terminal's settings after.
    public func waitForProgramExit(timeout: Duration = .seconds(20)) throws -> (status: Int, stty: String) {
        guard let directory = runDirectory else { throw TimedOut(what: "a program started with init(program:)", screen: screen) }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = try? String(contentsOf: directory.appendingPathComponent("status"), encoding: .utf8) {
                let stty = (try? String(contentsOf: directory.appendingPathComponent("stty"), encoding: .utf8)) ?? ""
                return (Int(status.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1, stty)
            }
            usleep(40_000)
        }
        throw TimedOut(what: "the program to exit", screen: screen)
    }

    deinit {
        if let runDirectory { try? FileManager.default.removeItem(at: runDirectory) }
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Single-quotes for /bin/sh.
    public static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Runs a tmux command on this session's private server. Only commands whose output is wanted
    /// get a pipe: the server that the first command forks would inherit it and keep it open.
    @discardableResult
    public func tmux(_ arguments: [String], output: Bool = false) throws -> String {
        guard let path = Executable.find("tmux") else { throw Executable.SpawnFailed(program: "tmux", code: ENOENT) }
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TMUX")
        return try Executable.spawn([path, "-S", scratch.appendingPathComponent("tmux.sock").path] + arguments,
                                    environment: environment, captureOutput: output).output
    }

    /// The visible screen, one string per row.
    public func capture() -> [String] {
        ((try? tmux(["capture-pane", "-p", "-t", session], output: true)) ?? "")
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
        let text = (try? tmux(["display-message", "-p", "-t", session, "#{pane_dead} #{pane_dead_status}"], output: true)) ?? ""
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.first == "1" else { return nil }
        return parts.count > 1 ? Int(parts[1]) : -1
    }

    /// The pane's process id.
    public var panePID: Int32? {
        Int32((try? tmux(["display-message", "-p", "-t", session, "#{pane_pid}"], output: true))?
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

    public struct SpawnFailed: Error, CustomStringConvertible {
        public var program: String
        public var code: Int32
        public var description: String { "cannot run \(program): \(String(cString: strerror(code)))" }
    }

    /// Runs a program with posix_spawn: stdin and stderr on /dev/null, stdout captured only when asked,
    /// and an empty signal mask with default handlers. (The test runner's threads block signals; a tmux
    /// server started with SIGCHLD blocked never reaps its panes, and kill-server then hangs.)
    @discardableResult
    public static func spawn(_ argv: [String], environment: [String: String],
                             captureOutput: Bool) throws -> (status: Int32, output: String) {
        var fds: [Int32] = [-1, -1]
        if captureOutput { guard pipe(&fds) == 0 else { throw SpawnFailed(program: argv[0], code: errno) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        if captureOutput { close(fds[1]) }
        guard rc == 0 else {
            if captureOutput { close(fds[0]) }
            throw SpawnFailed(program: argv[0], code: rc)
        }
        var data: [UInt8] = []
        if captureOutput {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fds[0], &chunk, chunk.count)
                if n > 0 { data += chunk[0..<n]; continue }
                if n < 0 && errno == EINTR { continue }
                break
            }
            close(fds[0])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), String(decoding: data, as: UTF8.self))
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
        // stderr goes to a file, so reading stdout to its end can never wait on a full stderr pipe.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("sp-stderr-\(UUID())")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errorFile.path])
        }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let out = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorData = (try? Data(contentsOf: errorFile)) ?? Data()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      error: String(decoding: errorData, as: UTF8.self))
    }
}
