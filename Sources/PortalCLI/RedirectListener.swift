import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
private let streamSocketType = Int32(SOCK_STREAM.rawValue)
private let sendFlags: Int32 = Int32(MSG_NOSIGNAL)
#elseif canImport(Darwin)
import Darwin
private let streamSocketType: Int32 = SOCK_STREAM
private let sendFlags: Int32 = 0
#endif

/// A one-shot HTTP listener on a loopback address that receives the browser's redirect after the user
/// authorized spark-portal (`http://127.0.0.1:<port>/callback?code=…&state=…`). It answers that one
/// request with a short page and hands its query parameters back.
///
/// Plain POSIX sockets on a thread of its own: one request, no dependency on the NIO server stack for it.
public final class RedirectListener: Sendable {
    /// The port actually bound (the one asked for, or a free one for port 0).
    public let port: Int
    /// The path the redirect must arrive at; other paths (a browser's /favicon.ico) get 404.
    public let path: String
    private let listeningSocket: Int32
    private let stopped = Atomic<Bool>(false)

    /// Binds `host` (127.0.0.1, ::1 or localhost) and `port` (0: any free port) and starts listening.
    public init(host: String, port: Int, path: String) throws(CLIError) {
        self.path = path.isEmpty ? "/" : path
        let isIPv6 = host == "::1" || host == "[::1]"
        let descriptor = socket(isIPv6 ? AF_INET6 : AF_INET, streamSocketType, 0)
        guard descriptor >= 0 else { throw Self.failure("socket", host: host, port: port) }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var bound: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            address.sin6_addr = in6addr_loopback
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian  // 127.0.0.1 (localhost too)
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else {
            let error = Self.failure("bind", host: host, port: port)
            close(descriptor)
            throw error
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        let boundPort: UInt16 = withUnsafePointer(to: &storage) { pointer in
            if isIPv6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            }
        }
        self.port = Int(boundPort)
        self.listeningSocket = descriptor
    }

    deinit { close(listeningSocket) }

    private static func failure(_ step: String, host: String, port: Int) -> CLIError {
        CLIError("Cannot listen for the login redirect on \(host):\(port) (\(step): \(String(cString: strerror(errno)))). "
                 + "Is another login running? Or use a redirect URI that is not on this machine and paste the result.",
                 status: .usage)
    }

    /// Waits for the redirect and returns its query parameters; throws `CancellationError` when cancelled. The
    /// caller keeps the deadline (`Login.waitForAnswer`).
    public func waitForRedirect() async throws -> [String: String] {
        try await withTaskCancellationHandler {
            try await onOwnThread { [self] in Result { try self.acceptRedirect() } }.get()
        } onCancel: {
            stopped.store(true, ordering: .relaxed)
        }
    }

    /// Blocking: accepts connections (polling so a stop is noticed) until one brings the redirect.
    private func acceptRedirect() throws -> [String: String] {
        let clock = ContinuousClock()
        while true {
            if stopped.load(ordering: .relaxed) { throw CancellationError() }
            var poller = pollfd(fd: listeningSocket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready <= 0 { continue }
            let connection = accept(listeningSocket, nil, nil)
            if connection < 0 { continue }
            defer { close(connection) }
            guard let target = Self.readRequestTarget(connection, until: clock.now + .seconds(5), clock: clock) else { continue }
            let components = URLComponents(string: "http://127.0.0.1" + target)
            let parameters = Dictionary(
                (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
            guard components?.path == path, parameters["code"] != nil || parameters["error"] != nil else {
                Self.respond(connection, status: "404 Not Found", body: "Not found.")
                continue
            }
            Self.respond(connection, status: "200 OK",
                         body: "spark-portal received the answer. You can close this tab and return to the terminal.")
            return parameters
        }
    }

    /// The request target of `GET <target> HTTP/1.1`, reading at most 16 KiB of headers.
    private static func readRequestTarget(_ connection: Int32, until deadline: ContinuousClock.Instant,
                                          clock: ContinuousClock) -> String? {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while received.count < 16 * 1024, clock.now < deadline {
            var poller = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 100) <= 0 { continue }
            let count = read(connection, &chunk, chunk.count)
            if count <= 0 { break }
            received.append(contentsOf: chunk[0..<count])
            if received.count >= 4, received.suffix(4) == [13, 10, 13, 10] { break }
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let line = text.split(separator: "\r\n", maxSplits: 1).first else { return nil }
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[0] == "GET", parts[1].hasPrefix("/") else { return nil }
        return String(parts[1])
    }

    private static func respond(_ connection: Int32, status: String, body: String) {
        let page = "<!doctype html><meta charset=utf-8><title>spark-portal</title><p>\(body)</p>\n"
        let response = "HTTP/1.1 \(status)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(page.utf8.count)\r\n"
            + "Cache-Control: no-store\r\nConnection: close\r\n\r\n" + page
        let bytes = Array(response.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, sendFlags) }
            if count <= 0 { return }
            sent += count
        }
    }
}
