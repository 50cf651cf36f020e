import Foundation

/// The real `spark-mock` executable on a free port, for tests of the real binaries: started, its announced URLs read
/// from its first two lines (on a thread of its own), and ended (SIGTERM) by `stop()` or when the value goes away.
public final class MockServerProcess: Sendable {
    public let baseURL: URL
    /// Where its photo listener is (its second line, `photos on http://127.0.0.1:PORT2`).
    public let photoBaseURL: URL
    private let child: ChildProcess
    /// The read end of its stdout, kept open while it runs so a late write could never kill it with SIGPIPE.
    private let stdout: Int32

    /// Starts `spark-mock --port 0` with `arguments`, and returns once it listens.
    public init(_ arguments: [String] = []) async throws {
        let fds = try Executable.closeOnExecPipe()
        let child: ChildProcess
        do {
            child = try ChildProcess([Executable.product("spark-mock"), "--port", "0"] + arguments,
                                     environment: ProcessInfo.processInfo.environment, stdout: fds[1])
        } catch {
            close(fds[0])
            close(fds[1])
            throw error
        }
        close(fds[1])
        let readFD = fds[0]
        let lines = await onOwnThread { (Self.line(of: readFD, timeout: .seconds(60)), Self.line(of: readFD, timeout: .seconds(10))) }
        guard lines.0.hasPrefix("listening on "), let url = URL(string: String(lines.0.dropFirst("listening on ".count))),
              lines.1.hasPrefix("photos on "), let photos = URL(string: String(lines.1.dropFirst("photos on ".count))) else {
            child.signal(SIGKILL)
            close(readFD)
            throw StartFailed(firstLine: lines.0 + "\n" + lines.1, status: child.exitStatus)
        }
        self.child = child
        self.stdout = readFD
        baseURL = url
        photoBaseURL = photos
    }

    /// Ends the server (SIGTERM) without waiting; `ended()` waits.
    public func stop() {
        signal(SIGTERM)
    }

    /// Sends the server a signal (unless it has already ended).
    public func signal(_ number: Int32) {
        child.signal(number)
    }

    /// Waits until the server has exited; its status.
    @discardableResult
    public func ended() async -> Int32 {
        await child.status()
    }

    deinit {
        stop()
        close(stdout)
    }

    /// The next line on `fd` (read byte by byte, so nothing after it is consumed), or what came before the timeout or
    /// the end of the output.
    private static func line(of fd: Int32, timeout: Duration) -> String {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while !bytes.contains(UInt8(ascii: "\n")) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { break }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(left.components.seconds * 1000 + 1))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0, read(fd, &byte, 1) == 1 else { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }

    public struct StartFailed: Error, CustomStringConvertible {
        public var firstLine: String
        public var status: Int32?
        public var description: String {
            "spark-mock did not announce its addresses (first lines: \(firstLine)\(status.map { "; exit status \($0)" } ?? ""))"
        }
    }
}
