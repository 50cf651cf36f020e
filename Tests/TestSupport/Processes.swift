import Foundation
import Synchronization

/// Runs blocking work (a child's `waitpid`, reading its pipes, the program loop of an in-process scenario) on a
/// thread of its own and awaits it, so it never holds one of the cooperative pool's threads — two on these
/// machines — which the in-process servers and clients of other tests need. (PortalCLI has the same helper for the
/// TUI loop; it is internal there.)
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

/// Finding and running programs. Every wait for a process happens on a thread of its own (`onOwnThread`).
public enum Executable {
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The directory of the package's build products (where `spark-portal`, `spark-mock` and `tui-demo` are).
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

    /// Whether a product was built beside the tests.
    public static func isBuilt(_ name: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: product(name))
    }

    public struct SpawnFailed: Error, CustomStringConvertible {
        public var program: String
        public var code: Int32
        public var description: String { "cannot run \(program): \(String(cString: strerror(code)))" }
    }

    public struct Result: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        public var status: Int32
        public var output: String
        public var error: String
    }

    /// Runs a program to completion and returns its status and what it printed on stdout and stderr (both empty when
    /// `captureOutput` is false: they go to /dev/null — for a command that leaves a daemon behind, which would hold
    /// a pipe open). `input` is written to its stdin (otherwise /dev/null). `environment` nil: this process's.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: String? = nil, captureOutput: Bool = true) async throws -> Result {
        let path = program.hasPrefix("/") ? program : (find(program) ?? program)
        let environment = environment ?? ProcessInfo.processInfo.environment
        return try await onOwnThread {
            Swift.Result { try runToEnd([path] + arguments, environment: environment, input: input.map { Array($0.utf8) },
                                        captureOutput: captureOutput) }
        }.get()
    }

    /// What `run` does, blocking its thread: spawn, feed stdin, drain stdout and stderr together (so neither pipe
    /// can fill while the other is read), then reap.
    private static func runToEnd(_ argv: [String], environment: [String: String], input: [UInt8]?,
                                 captureOutput: Bool) throws -> Result {
        ignoreSIGPIPE
        var stdin: [Int32] = [-1, -1], stdout: [Int32] = [-1, -1], stderr: [Int32] = [-1, -1]
        var opened: [Int32] = []
        defer { opened.forEach { close($0) } }
        func makePipe(_ fds: inout [Int32]) throws {
            fds = try closeOnExecPipe()
            opened += fds
        }
        if input != nil { try makePipe(&stdin) }
        if captureOutput {
            try makePipe(&stdout)
            try makePipe(&stderr)
        }
        let child = try ChildProcess(argv, environment: environment, stdin: input != nil ? stdin[0] : nil,
                                     stdout: captureOutput ? stdout[1] : nil, stderr: captureOutput ? stderr[1] : nil)
        // Only the parent's ends stay open here, so each pipe ends when the child (and its children) close theirs.
        for fd in [stdin[0], stdout[1], stderr[1]] where fd >= 0 {
            close(fd)
            opened.removeAll { $0 == fd }
        }
        var output: [UInt8] = [], error: [UInt8] = []
        var pending = input ?? []
        var writeFD = stdin[1]
        func closeInput() {
            guard writeFD >= 0 else { return }
            close(writeFD)
            opened.removeAll { $0 == writeFD }
            writeFD = -1
        }
        if pending.isEmpty { closeInput() }
        var readFDs = captureOutput ? [stdout[0], stderr[0]] : []
        while writeFD >= 0 || !readFDs.isEmpty {
            var fds = readFDs.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if writeFD >= 0 { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { break }
            for entry in fds where entry.revents != 0 {
                if entry.fd == writeFD {
                    let n = pending.withUnsafeBytes { write(writeFD, $0.baseAddress, $0.count) }
                    if n > 0 { pending.removeFirst(n) }
                    if pending.isEmpty || (n < 0 && errno != EINTR && errno != EAGAIN) { closeInput() }
                    continue
                }
                var chunk = [UInt8](repeating: 0, count: 65536)
                let n = read(entry.fd, &chunk, chunk.count)
                if n > 0 {
                    if entry.fd == stdout[0] { output += chunk[..<n] } else { error += chunk[..<n] }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    readFDs.removeAll { $0 == entry.fd }
                }
            }
        }
        return Result(status: child.waitBlocking(), output: String(decoding: output, as: UTF8.self),
                      error: String(decoding: error, as: UTF8.self))
    }

    /// A pipe (a connected pair of sockets: [read end, write end]) whose ends are close-on-exec from the start, so a
    /// process that another test spawns meanwhile cannot inherit them — a tmux server holding the write end would keep
    /// the pipe from ever ending. (`pipe2` is not in Swift's Glibc module; `pipe` + `fcntl` leaves a window.)
    static func closeOnExecPipe() throws -> [Int32] {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw SpawnFailed(program: "socketpair", code: errno)
        }
        return fds
    }

    /// Writing a child's input after it has exited raises SIGPIPE, which would end the whole test process; ignored,
    /// the write fails with EPIPE instead (children get default handlers back: see `ChildProcess`).
    private static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()
}

/// A process started with posix_spawn, with an empty signal mask and default signal handlers (the test runner's
/// threads block signals; a tmux server started with SIGCHLD blocked never reaps its panes). Its exit is collected
/// by `waitpid` on a thread of its own, so awaiting it never blocks the cooperative pool and it never stays a zombie.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let exit = Mutex<(status: Int32?, waiters: [@Sendable (Int32) -> Void])>((nil, []))

    /// - Parameters: stdin, stdout, stderr: descriptors for the child's 0, 1, 2 (nil: /dev/null). Open descriptors
    ///   of this process reach the child only through these: the test helpers open theirs close-on-exec.
    public init(_ argv: [String], environment: [String: String], stdin: Int32? = nil, stdout: Int32? = nil,
                stderr: Int32? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, source, mode) in [(Int32(0), stdin, O_RDONLY), (1, stdout, O_WRONLY), (2, stderr, O_WRONLY)] {
            if let source {
                posix_spawn_file_actions_adddup2(&actions, source, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", mode, 0)
            }
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
        guard rc == 0 else { throw Executable.SpawnFailed(program: argv[0], code: rc) }
        self.pid = pid
        // The thread keeps this value alive until the process has ended, so it is always reaped.
        Thread { self.reap() }.start()
    }

    private func reap() {
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        let status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        let waiters = exit.withLock { exit in
            exit.status = status
            defer { exit.waiters.removeAll() }
            return exit.waiters
        }
        waiters.forEach { $0(status) }
    }

    /// Calls `body` with the status once the process has ended (at once if it has).
    private func whenEnded(_ body: @escaping @Sendable (Int32) -> Void) {
        let status = exit.withLock { exit -> Int32? in
            if exit.status == nil { exit.waiters.append(body) }
            return exit.status
        }
        if let status { body(status) }
    }

    /// Waits for the process to end: its exit status, or 128 + the signal that ended it.
    public func status() async -> Int32 {
        await withCheckedContinuation { continuation in whenEnded { continuation.resume(returning: $0) } }
    }

    /// The status once the process has ended, nil while it runs.
    public var exitStatus: Int32? { exit.withLock { $0.status } }

    /// `status()` for a caller that is already on a thread of its own.
    func waitBlocking() -> Int32 {
        let ended = DispatchSemaphore(value: 0)
        whenEnded { _ in ended.signal() }
        ended.wait()
        return exitStatus ?? -1
    }

    /// Sends a signal unless the process has already been reaped (its pid may then belong to another process).
    public func signal(_ number: Int32) {
        exit.withLock { exit in
            if exit.status == nil { _ = kill(pid, number) }
        }
    }
}
